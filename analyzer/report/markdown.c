/* markdown.c — the report a person attaches to a ticket: a summary (files, time span,
 * connections, flows, findings by rule and severity), then per file each finding with its
 * rule in one sentence, the frames, and the offending message's key lines.
 *
 * Finding headings have a fixed shape that tools may rely on:
 *     ### RULE-ID · severity · frame N[, M...]                                                  */
#include "report.h"

#include <string.h>

/* Markdown-significant characters in running text get a backslash. */
static void
md_text (GString *out, const char *s)
{
    for (; *s; s++) {
        if (strchr ("\\`*_[]<>|#", *s))
            g_string_append_c (out, '\\');
        g_string_append_c (out, *s);
    }
}

static void
summary (const ScReport *report, GString *out)
{
    ScReportSummary sum;
    sc_report_summarize (report, &sum);
    const guint64 *counts = sum.per_severity;
    g_string_append (out, "# sipconn-audit report\n\n");
    g_string_append_printf (
        out, "- **Files:** %u, %" G_GUINT64_FORMAT " packets, %" G_GUINT64_FORMAT " SIP messages\n",
        sum.files, sum.packets, sum.sip_messages);
    if (sum.first_ts_us) {
        char a[32], b[32];
        sc_report_format_time (sum.first_ts_us, a);
        sc_report_format_time (sum.last_ts_us, b);
        g_string_append_printf (out, "- **Time span:** %s to %s\n", a, b);
    }
    g_string_append_printf (out,
                            "- **Connections:** %u UDP flows, %u TCP, %u TLS; %u with keep-alive "
                            "or outbound state\n",
                            sum.conns[SC_TRANSPORT_UDP], sum.conns[SC_TRANSPORT_TCP],
                            sum.conns[SC_TRANSPORT_TLS], sum.flows);
    g_string_append_printf (out,
                            "- **Findings:** %" G_GUINT64_FORMAT " error, %" G_GUINT64_FORMAT
                            " warning, %" G_GUINT64_FORMAT " info\n\n",
                            counts[SC_SEVERITY_ERROR], counts[SC_SEVERITY_WARNING],
                            counts[SC_SEVERITY_INFO]);
    if (counts[0] + counts[1] + counts[2] == 0)
        return;
    g_string_append (out, "| Rule | Severity | Findings | What it checks | Reference |\n"
                          "|---|---|---:|---|---|\n");
    for (guint r = 0; r < SC_RULE_COUNT; r++) {
        if (!sum.per_rule[r])
            continue;
        const ScRuleInfo *info = sc_rule_info (r);
        g_string_append_printf (out, "| %s | %s | %" G_GUINT64_FORMAT " | ", info->id,
                                sc_severity_name (info->severity), sum.per_rule[r]);
        md_text (out, info->title);
        g_string_append (out, " | ");
        md_text (out, info->reference);
        g_string_append (out, " |\n");
    }
    g_string_append_c (out, '\n');
}

static void
finding (const ScReportFinding *x, GString *out)
{
    const ScRuleInfo *info = sc_rule_info (x->rule);
    g_string_append_printf (out, "### %s · %s · frame%s", info->id,
                            sc_severity_name (info->severity), x->n_frames > 1 ? "s " : " ");
    for (guint k = 0; k < x->n_frames; k++)
        g_string_append_printf (out, "%s%u", k ? ", " : "", x->frames[k]);
    g_string_append (out, "\n\n**");
    md_text (out, info->title);
    g_string_append (out, "** (");
    md_text (out, info->reference);
    g_string_append (out, ")\n\n");
    md_text (out, x->message);
    char when[32];
    sc_report_format_time (x->ts_us, when);
    g_string_append_printf (out, "\n\nAt %s", when);
    if (x->conn_id)
        g_string_append_printf (out, ", connection %u", x->conn_id);
    g_string_append (out, ".\n\n");
    if (x->excerpt) {
        /* A fence longer than any backtick run the message could hold is not needed: SIP header
         * lines hold no newline, and the fence is on a line of its own. */
        g_string_append (out, "```\n");
        g_string_append (out, x->excerpt);
        g_string_append (out, "```\n\n");
    }
}

void
sc_report_markdown (const ScReport *report, GString *out)
{
    summary (report, out);
    for (guint i = 0; i < report->files->len; i++) {
        const ScFileReport *f = report->files->pdata[i];
        g_string_append (out, "## ");
        md_text (out, f->path);
        g_string_append_printf (out,
                                "\n\n%" G_GUINT64_FORMAT " packets, %" G_GUINT64_FORMAT
                                " SIP messages, %u connections or flows, %u findings.\n\n",
                                f->packets, f->sip_messages, f->connections->len, f->findings->len);
        for (guint j = 0; j < f->errors->len; j++) {
            g_string_append (out, "> Read error: ");
            md_text (out, f->errors->pdata[j]);
            g_string_append (out, "\n\n");
        }
        for (guint j = 0; j < f->findings->len; j++)
            finding (&g_array_index (f->findings, ScReportFinding, j), out);
    }
}
