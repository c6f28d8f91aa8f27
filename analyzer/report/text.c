/* text.c — the human-readable report: one block per file, findings in frame order, a summary
 * table at the end. */
#include "report.h"

void
sc_report_text (const ScReport *report, GString *out)
{
    for (guint i = 0; i < report->files->len; i++) {
        const ScFileReport *f = report->files->pdata[i];
        g_string_append_printf (out,
                                "%s: %" G_GUINT64_FORMAT " packets, %" G_GUINT64_FORMAT
                                " SIP messages, %u connections/flows, %u findings\n",
                                f->path, f->packets, f->sip_messages, f->connections->len,
                                f->findings->len);
        for (guint j = 0; j < f->errors->len; j++)
            g_string_append_printf (out, "  read error: %s\n", (char *)f->errors->pdata[j]);
        for (guint j = 0; j < f->findings->len; j++) {
            const ScReportFinding *x = &g_array_index (f->findings, ScReportFinding, j);
            const ScRuleInfo *info = sc_rule_info (x->rule);
            g_string_append_printf (out, "  frame %-6u %-9s %-7s %s", x->frames[0], info->id,
                                    sc_severity_name (info->severity), x->message);
            if (x->n_frames > 1) {
                g_string_append (out, " [see frame");
                g_string_append (out, x->n_frames > 2 ? "s" : "");
                for (guint k = 1; k < x->n_frames; k++)
                    g_string_append_printf (out, "%s %u", k > 1 ? "," : "", x->frames[k]);
                g_string_append_c (out, ']');
            }
            g_string_append_printf (out, " (%s)\n", info->reference);
        }
    }
    guint64 counts[3];
    sc_report_count (report, counts);
    g_string_append_printf (out,
                            "total: %u files, %" G_GUINT64_FORMAT " errors, %" G_GUINT64_FORMAT
                            " warnings, %" G_GUINT64_FORMAT " info\n",
                            report->files->len, counts[SC_SEVERITY_ERROR],
                            counts[SC_SEVERITY_WARNING], counts[SC_SEVERITY_INFO]);
}
