/* text.c — the human-readable report: one block per file, findings in frame order, then for
 * several files a table of them, and the totals. */
#include "report.h"

#include <string.h>

/* One row per file: what was read and the findings by severity, for a batch at a glance. */
static void
summary_table (const ScReport *report, GString *out)
{
    int width = 4;
    for (guint i = 0; i < report->files->len; i++)
        width = MAX (width, (int)strlen (((const ScFileReport *)report->files->pdata[i])->path));
    g_string_append_printf (out, "\n%-*s %10s %8s %6s %6s %8s %6s %s\n", width, "file", "packets",
                            "SIP", "conns", "errors", "warnings", "info", "read");
    for (guint i = 0; i < report->files->len; i++) {
        const ScFileReport *f = report->files->pdata[i];
        guint n[3] = {0};
        for (guint j = 0; j < f->findings->len; j++)
            n[sc_rule_info (g_array_index (f->findings, ScReportFinding, j).rule)->severity]++;
        g_string_append_printf (
            out, "%-*s %10" G_GUINT64_FORMAT " %8" G_GUINT64_FORMAT " %6u %6u %8u %6u %s\n", width,
            f->path, f->packets, f->sip_messages, f->connections->len, n[SC_SEVERITY_ERROR],
            n[SC_SEVERITY_WARNING], n[SC_SEVERITY_INFO],
            !f->usable       ? "unreadable"
            : f->errors->len ? "partly"
                             : "ok");
    }
}

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
        /* What was dropped or could not be read, when anything was (tcp_connections and the
         * reassembled fragments are not losses). */
        gboolean any = FALSE;
        for (guint j = 0; j < f->counts->len; j++) {
            const ScReportCount *c = &g_array_index (f->counts, ScReportCount, j);
            if (!c->value || strcmp (c->name, "tcp_connections") == 0 ||
                strcmp (c->name, "fragments_reassembled") == 0)
                continue;
            g_string_append_printf (out, "%s %s %" G_GUINT64_FORMAT,
                                    any ? "," : "  capture:", c->name, c->value);
            any = TRUE;
        }
        if (any)
            g_string_append_c (out, '\n');
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
    if (report->files->len > 1)
        summary_table (report, out);
    guint64 counts[3];
    sc_report_count (report, counts);
    g_string_append_printf (out,
                            "total: %u files, %" G_GUINT64_FORMAT " errors, %" G_GUINT64_FORMAT
                            " warnings, %" G_GUINT64_FORMAT " info\n",
                            report->files->len, counts[SC_SEVERITY_ERROR],
                            counts[SC_SEVERITY_WARNING], counts[SC_SEVERITY_INFO]);
}
