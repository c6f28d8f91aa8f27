/* html.c — the ticket report as one self-contained HTML page: the Markdown report's content
 * (summary, findings with their rule, frames and excerpt) plus pictures drawn as inline SVG:
 *   - a ladder diagram per connection or flow: its two endpoints as columns, each SIP message
 *     and keep-alive an arrow, the opening (SYN) and closing (FIN, RST) drawn, the arrows a
 *     finding cites marked and linked to it;
 *   - a keep-alive timeline per flow with keep-alives: pings, pongs and STUN on a time axis, the
 *     window the interval in force (Flow-Timer or keep) allows after each ping shaded, the late
 *     and unanswered ones marked.
 * No script and nothing fetched: the page reads the same offline, in a mail client or a ticket
 * system's preview. Big captures stay readable: each connection is a collapsible section, its
 * ladder is cut into pages of SC_HTML_PAGE_ROWS, and only the connections with findings and the
 * first SC_HTML_QUIET_CONNS others are drawn (every one is listed in the table).
 *
 * Element ids, which tests and links rely on (F is the file's index in the report):
 *   fF-finding-N  the N-th finding (from 0) of file F
 *   fF-cC         connection C's section
 *   fF-cC-mM      the arrow of frame M in connection C's ladder (a second message in the same
 *                 frame: fF-cC-mM-2, and so on)
 *   fF-cC-tM      the mark of keep-alive frame M in connection C's timeline
 * Marked arrows and marks have the class "bad" (the finding's first frame) or "cited" (another
 * frame it cites). */
#include "report.h"

#include <string.h>

#define SC_HTML_PAGE_ROWS 200       /* ladder rows per page */
#define SC_HTML_MAX_ROWS 4000       /* ladder rows drawn per connection; the rest are counted */
#define SC_HTML_QUIET_CONNS 100     /* connections without findings that get pictures */
#define SC_HTML_TABLE_ROWS 5000     /* rows of the connection table */
#define SC_HTML_MAX_DRAWN_CONNS 500 /* connections with pictures, findings or not */
#define SC_HTML_FULL_FINDINGS 100   /* up to this many findings, all are listed in full */
#define SC_HTML_FULL_PER_RULE 10    /* beyond it, per rule: in full */
#define SC_HTML_ROWS_PER_RULE 2000  /* ... then as table rows, then only counted */

/* Ladder geometry, in SVG user units (px). */
#define LADDER_W 760
#define LADDER_COL_A 250
#define LADDER_COL_B 640
#define LADDER_HEAD 46
#define LADDER_ROW 24

/* Timeline geometry. */
#define TL_W 960
#define TL_LEFT 170
#define TL_RIGHT 20
#define TL_LANE_A 42
#define TL_LANE_B 98
#define TL_H 150

static const char style[] =
    "body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1000px;color:#222;"
    "padding:0 16px}"
    "h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid #ccc;margin-top:32px}"
    "h3{font-size:16px;margin-top:24px}h4{font-size:14px;margin:0 0 6px}"
    "table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:2px 8px;"
    "text-align:left;vertical-align:top}td.n{text-align:right}"
    "pre{background:#f6f6f6;padding:8px;overflow-x:auto;font-size:12px}"
    ".finding{border-left:4px solid #888;padding:4px 12px;margin:12px 0;background:#fafafa}"
    ".finding.error{border-color:#c62828}.finding.warning{border-color:#ef6c00}"
    ".finding.info{border-color:#1565c0}"
    ".sev-error{color:#c62828;font-weight:600}.sev-warning{color:#ef6c00;font-weight:600}"
    ".sev-info{color:#1565c0}"
    "details{margin:8px 0;border:1px solid #ddd;padding:4px 8px}summary{cursor:pointer}"
    ".note{color:#666;font-size:12px}"
    "svg{display:block;margin:6px 0;background:#fff}"
    "svg text{font:11px system-ui,sans-serif;fill:#222}"
    "svg .host{font-weight:600}svg .t{fill:#666;font-size:10px}"
    "svg .life{stroke:#999;stroke-dasharray:2 3}"
    "svg .msg line{stroke:#37474f;stroke-width:1.4}svg .msg polygon{fill:#37474f}"
    "svg .msg.ka line{stroke:#78909c;stroke-dasharray:4 2}svg .msg.ka polygon{fill:#78909c}"
    "svg .msg.note line{stroke:#d50000}"
    "svg .msg.ctl line{stroke:#6a1b9a}svg .msg.ctl polygon{fill:#6a1b9a}"
    "svg .msg.cited line{stroke:#ef6c00;stroke-width:2.2}svg .msg.cited polygon{fill:#ef6c00}"
    "svg .msg.bad line{stroke:#d50000;stroke-width:2.6}svg .msg.bad polygon{fill:#d50000}"
    "svg .msg.bad text{fill:#d50000;font-weight:700}"
    "svg .msg.info line{stroke:#1565c0;stroke-width:2}svg .msg.info polygon{fill:#1565c0}"
    "svg .info.mark{fill:#1565c0}"
    "svg .hit{fill:transparent}svg a:hover .hit{fill:#ffebee}"
    "svg .win{fill:#c8e6c9;opacity:.55}svg .axis{stroke:#999}"
    "svg .ping{fill:#2e7d32}svg .pong{fill:#1565c0}svg .sip{stroke:#bbb}"
    "svg .link{stroke:#90a4ae}"
    "svg .bad.mark{fill:#d50000;stroke:#d50000}svg .cited.mark{fill:#ef6c00}"
    "svg .gap{stroke:#d50000;stroke-width:2}";

static void
html_text (GString *out, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<':
            g_string_append (out, "&lt;");
            break;
        case '>':
            g_string_append (out, "&gt;");
            break;
        case '&':
            g_string_append (out, "&amp;");
            break;
        case '"':
            g_string_append (out, "&quot;");
            break;
        default:
            g_string_append_c (out, *s);
        }
    }
}

/* Which findings of a file cite which frames: frame → index of the first finding citing it
 * (+1, so that 0 means none), separately for first frames and other cited frames. */
typedef enum {
    FORM_FULL,    /* an article: rule, message, time, excerpt */
    FORM_ROW,     /* a table row in its rule's collapsed list */
    FORM_COUNTED, /* only counted in a note (the JSON lists it) */
} FindingForm;

typedef struct {
    GHashTable *first; /* guint frame → guint finding index + 1 */
    GHashTable *other;
    guint8 *form; /* FindingForm per finding */
} FindingIndex;

static ScSeverity
severity_of (const ScFileReport *f, guint j)
{
    return sc_rule_info (g_array_index (f->findings, ScReportFinding, j).rule)->severity;
}

/* Few findings are listed in full. Many are grouped by rule: the first SC_HTML_FULL_PER_RULE of
 * a rule in full, the next ones as rows, and beyond SC_HTML_ROWS_PER_RULE only counted. */
static void
finding_forms (const ScFileReport *f, FindingIndex *ix)
{
    ix->form = g_new0 (guint8, f->findings->len + 1);
    if (f->findings->len <= SC_HTML_FULL_FINDINGS)
        return;
    guint seen[SC_RULE_COUNT] = {0};
    for (guint j = 0; j < f->findings->len; j++) {
        guint n = seen[g_array_index (f->findings, ScReportFinding, j).rule]++;
        ix->form[j] = n < SC_HTML_FULL_PER_RULE   ? FORM_FULL
                      : n < SC_HTML_ROWS_PER_RULE ? FORM_ROW
                                                  : FORM_COUNTED;
    }
}

static void
finding_index_build (const ScFileReport *f, FindingIndex *ix)
{
    ix->first = g_hash_table_new (g_direct_hash, g_direct_equal);
    ix->other = g_hash_table_new (g_direct_hash, g_direct_equal);
    for (guint j = 0; j < f->findings->len; j++) {
        const ScReportFinding *x = &g_array_index (f->findings, ScReportFinding, j);
        for (guint k = 0; k < x->n_frames; k++) {
            /* A frame several findings cite shows the most severe (the earliest of those). */
            GHashTable *t = k == 0 ? ix->first : ix->other;
            gpointer key = GUINT_TO_POINTER (x->frames[k]);
            guint had = GPOINTER_TO_UINT (g_hash_table_lookup (t, key));
            if (!had || severity_of (f, had - 1) < sc_rule_info (x->rule)->severity)
                g_hash_table_insert (t, key, GUINT_TO_POINTER (j + 1));
        }
    }
    finding_forms (f, ix);
}

static void
finding_index_clear (FindingIndex *ix)
{
    g_free (ix->form);
    g_hash_table_unref (ix->first);
    g_hash_table_unref (ix->other);
}

/* The finding marking @frame in connection @conn_id: its index and whether @frame is its first
 * frame; -1 when none. A finding marks frames of its own connection only (a frame number alone
 * would also match a second message in the same frame of another flow, which is rare but real
 * on a proxy's capture). */
static gint
finding_for (const ScFileReport *f, const FindingIndex *ix, guint conn_id, guint32 frame,
             gboolean *first)
{
    for (int pass = 0; pass < 2; pass++) {
        guint v = GPOINTER_TO_UINT (
            g_hash_table_lookup (pass == 0 ? ix->first : ix->other, GUINT_TO_POINTER (frame)));
        if (!v)
            continue;
        const ScReportFinding *x = &g_array_index (f->findings, ScReportFinding, v - 1);
        if (x->conn_id && x->conn_id != conn_id)
            continue;
        *first = pass == 0;
        return (gint)v - 1;
    }
    return -1;
}

/* The class of a frame's arrow or mark: "bad" for the first frame of an error or warning, "info"
 * for the first frame of an info finding, "cited" for any other frame a finding cites. */
static const char *
mark_class (const ScFileReport *f, gint fx, gboolean first)
{
    if (fx < 0)
        return "";
    if (!first)
        return " cited";
    return severity_of (f, (guint)fx) == SC_SEVERITY_INFO ? " info" : " bad";
}

static void
summary (const ScReport *report, GString *out)
{
    ScReportSummary sum;
    sc_report_summarize (report, &sum);
    g_string_append_printf (out,
                            "<ul><li><b>Files:</b> %u, %" G_GUINT64_FORMAT
                            " packets, %" G_GUINT64_FORMAT " SIP messages</li>",
                            sum.files, sum.packets, sum.sip_messages);
    if (sum.first_ts_us) {
        char a[32], b[32];
        sc_report_format_time (sum.first_ts_us, a);
        sc_report_format_time (sum.last_ts_us, b);
        g_string_append_printf (out, "<li><b>Time span:</b> %s to %s</li>", a, b);
    }
    g_string_append_printf (out,
                            "<li><b>Connections:</b> %u UDP flows, %u TCP, %u TLS; %u with "
                            "keep-alive or outbound state</li>",
                            sum.conns[SC_TRANSPORT_UDP], sum.conns[SC_TRANSPORT_TCP],
                            sum.conns[SC_TRANSPORT_TLS], sum.flows);
    g_string_append_printf (
        out,
        "<li><b>Findings:</b> <span class=\"sev-error\">%" G_GUINT64_FORMAT
        " error</span>, <span class=\"sev-warning\">%" G_GUINT64_FORMAT
        " warning</span>, <span class=\"sev-info\">%" G_GUINT64_FORMAT " info</span></li></ul>\n",
        sum.per_severity[SC_SEVERITY_ERROR], sum.per_severity[SC_SEVERITY_WARNING],
        sum.per_severity[SC_SEVERITY_INFO]);
    gboolean any = FALSE;
    for (guint r = 0; r < SC_RULE_COUNT; r++) {
        if (!sum.per_rule[r])
            continue;
        if (!any)
            g_string_append (out, "<table><tr><th>Rule</th><th>Severity</th><th>Findings</th>"
                                  "<th>What it checks</th><th>Reference</th></tr>\n");
        any = TRUE;
        const ScRuleInfo *info = sc_rule_info (r);
        const char *sev = sc_severity_name (info->severity);
        g_string_append_printf (
            out,
            "<tr><td>%s</td><td class=\"sev-%s\">%s</td><td class=\"n\">%" G_GUINT64_FORMAT
            "</td><td>",
            info->id, sev, sev, sum.per_rule[r]);
        html_text (out, info->title);
        g_string_append (out, "</td><td>");
        html_text (out, info->reference);
        g_string_append (out, "</td></tr>\n");
    }
    if (any)
        g_string_append (out, "</table>\n");
}

/* "RULE · severity · frames N, M" with the frames linked to their arrows when the connection is
 * drawn (class "head": tests read findings from it in both forms below). */
static void
finding_head (const ScFileReport *f, guint fi, guint j, GHashTable *drawn, GString *out)
{
    const ScReportFinding *x = &g_array_index (f->findings, ScReportFinding, j);
    const ScRuleInfo *info = sc_rule_info (x->rule);
    const char *sev = sc_severity_name (info->severity);
    g_string_append_printf (out, "%s · <span class=\"sev-%s\">%s</span> · frame%s", info->id, sev,
                            sev, x->n_frames > 1 ? "s " : " ");
    gboolean linked = x->conn_id && g_hash_table_contains (drawn, GUINT_TO_POINTER (x->conn_id));
    for (guint k = 0; k < x->n_frames; k++) {
        if (linked)
            g_string_append_printf (out, "%s<a href=\"#f%u-c%u-m%u\">%u</a>", k ? ", " : "", fi,
                                    x->conn_id, x->frames[k], x->frames[k]);
        else
            g_string_append_printf (out, "%s%u", k ? ", " : "", x->frames[k]);
    }
}

static void
connection_link (guint fi, guint conn_id, GHashTable *drawn, GString *out)
{
    if (g_hash_table_contains (drawn, GUINT_TO_POINTER (conn_id)))
        g_string_append_printf (out, "<a href=\"#f%u-c%u\">connection %u</a>", fi, conn_id,
                                conn_id);
    else
        g_string_append_printf (out, "connection %u", conn_id);
}

/* A finding in full: its rule in one sentence, the message, the time, the excerpt. */
static void
finding (const ScFileReport *f, guint fi, guint j, GHashTable *drawn, GString *out)
{
    const ScReportFinding *x = &g_array_index (f->findings, ScReportFinding, j);
    const ScRuleInfo *info = sc_rule_info (x->rule);
    g_string_append_printf (out,
                            "<article class=\"finding %s\" id=\"f%u-finding-%u\"><h4 "
                            "class=\"head\">",
                            sc_severity_name (info->severity), fi, j);
    finding_head (f, fi, j, drawn, out);
    g_string_append (out, "</h4><p><b>");
    html_text (out, info->title);
    g_string_append (out, "</b> (");
    html_text (out, info->reference);
    g_string_append (out, ")</p><p>");
    html_text (out, x->message);
    char when[32];
    sc_report_format_time (x->ts_us, when);
    g_string_append_printf (out, "</p><p>At %s", when);
    if (x->conn_id) {
        g_string_append (out, ", ");
        connection_link (fi, x->conn_id, drawn, out);
    }
    g_string_append (out, ".</p>");
    if (x->excerpt) {
        g_string_append (out, "<pre>");
        html_text (out, x->excerpt);
        g_string_append (out, "</pre>");
    }
    g_string_append (out, "</article>\n");
}

/* A finding as one table row (a rule with many findings): heading, connection, message. */
static void
finding_row (const ScFileReport *f, guint fi, guint j, GHashTable *drawn, GString *out)
{
    const ScReportFinding *x = &g_array_index (f->findings, ScReportFinding, j);
    g_string_append_printf (out, "<tr id=\"f%u-finding-%u\"><td class=\"head\">", fi, j);
    finding_head (f, fi, j, drawn, out);
    g_string_append (out, "</td><td>");
    if (x->conn_id)
        connection_link (fi, x->conn_id, drawn, out);
    g_string_append (out, "</td><td>");
    html_text (out, x->message);
    g_string_append (out, "</td></tr>\n");
}

/* Few findings are listed in full in frame order; many are grouped by rule, most severe first,
 * each in the form finding_forms() gave it. */
static void
findings_section (const ScFileReport *f, guint fi, const FindingIndex *ix, GHashTable *drawn,
                  GString *out)
{
    g_string_append (out, "<h3>Findings</h3>\n");
    if (f->findings->len <= SC_HTML_FULL_FINDINGS) {
        for (guint j = 0; j < f->findings->len; j++)
            finding (f, fi, j, drawn, out);
        return;
    }
    guint per_rule[SC_RULE_COUNT] = {0}, rows[SC_RULE_COUNT] = {0}, counted[SC_RULE_COUNT] = {0};
    for (guint j = 0; j < f->findings->len; j++) {
        ScRuleId r = g_array_index (f->findings, ScReportFinding, j).rule;
        per_rule[r]++;
        rows[r] += ix->form[j] == FORM_ROW;
        counted[r] += ix->form[j] == FORM_COUNTED;
    }
    for (int sev = SC_SEVERITY_ERROR; sev >= SC_SEVERITY_INFO; sev--) {
        for (guint r = 0; r < SC_RULE_COUNT; r++) {
            const ScRuleInfo *info = sc_rule_info (r);
            if (!per_rule[r] || (int)info->severity != sev)
                continue;
            g_string_append_printf (out, "<h4>%s: %u findings</h4>\n", info->id, per_rule[r]);
            for (guint j = 0; j < f->findings->len; j++)
                if (g_array_index (f->findings, ScReportFinding, j).rule == r &&
                    ix->form[j] == FORM_FULL)
                    finding (f, fi, j, drawn, out);
            if (rows[r]) {
                g_string_append_printf (out,
                                        "<details><summary>%u more %s findings</summary><table>"
                                        "<tr><th>Finding</th><th>Connection</th><th>Message</th>"
                                        "</tr>\n",
                                        rows[r], info->id);
                for (guint j = 0; j < f->findings->len; j++)
                    if (g_array_index (f->findings, ScReportFinding, j).rule == r &&
                        ix->form[j] == FORM_ROW)
                        finding_row (f, fi, j, drawn, out);
                g_string_append (out, "</table></details>\n");
            }
            if (counted[r])
                g_string_append_printf (out,
                                        "<p class=\"note\" data-omitted=\"%u\">%u more %s "
                                        "findings are not listed; the JSON report has them "
                                        "all.</p>\n",
                                        counted[r], counted[r], info->id);
        }
    }
}

/* One row of a ladder: an event, or the connection's opening or a side's closing. */
typedef struct {
    guint32 frame;
    gint64 ts_us; /* 0 when unknown (opening and closing carry no time of their own) */
    gboolean from_a;
    const ScReportEvent *event;     /* NULL for the rows below */
    const char *control;            /* "SYN", "FIN", "RST"; NULL otherwise */
    const ScReportFinding *finding; /* a finding whose first frame has no other row */
    guint nth;                      /* rows before it in the same frame (coalesced messages) */
} LadderRow;

static gint
cmp_row (gconstpointer p, gconstpointer q)
{
    const LadderRow *x = p, *y = q;
    if (x->frame != y->frame)
        return x->frame < y->frame ? -1 : 1;
    /* In one frame: a SYN first, then messages in their order, a FIN or RST last. */
    int rx = x->control ? (strcmp (x->control, "SYN") == 0 ? 0 : 2) : 1;
    int ry = y->control ? (strcmp (y->control, "SYN") == 0 ? 0 : 2) : 1;
    rx += x->finding ? 3 : 0;
    ry += y->finding ? 3 : 0;
    if (rx != ry)
        return rx - ry;
    return x->event && y->event ? (x->event < y->event ? -1 : x->event > y->event) : 0;
}

static void
row_label (const LadderRow *r, GString *out)
{
    const ScReportEvent *e = r->event;
    if (r->finding) {
        g_string_append_printf (out, "%s%s (no SIP message or keep-alive in this frame)",
                                r->frame == r->finding->frames[0] ? "" : "cited by ",
                                sc_rule_info (r->finding->rule)->id);
        return;
    }
    if (!e) {
        g_string_append (out, r->control);
        return;
    }
    switch (e->kind) {
    case SC_EVENT_REQUEST:
        html_text (out, e->label);
        break;
    case SC_EVENT_RESPONSE:
        g_string_append_printf (out, "%u", e->status);
        if (e->label[0]) {
            g_string_append_c (out, ' ');
            html_text (out, e->label);
        }
        if (e->ref_frame)
            g_string_append_printf (out, " (to #%u)", e->ref_frame);
        break;
    case SC_EVENT_KEEPALIVE:
        html_text (out, e->label);
        if (e->latency_us >= 0) /* pongs on a LAN come within a millisecond */
            g_string_append_printf (out, e->latency_us < 10000 ? " %.1f ms" : " %.0f ms",
                                    (double)e->latency_us / 1000.0);
        break;
    }
}

static void
endpoint_text (const ScEndpoint *ep, GString *out)
{
    char buf[SC_ENDPOINT_STRLEN];
    html_text (out, sc_endpoint_format (ep, buf));
}

/* An arrow from one column to the other at height @y, with its head. */
static void
arrow (GString *out, gboolean from_a, double y)
{
    int x1 = from_a ? LADDER_COL_A : LADDER_COL_B, x2 = from_a ? LADDER_COL_B : LADDER_COL_A;
    int dir = from_a ? 1 : -1;
    g_string_append_printf (out,
                            "<line x1=\"%d\" y1=\"%.0f\" x2=\"%d\" y2=\"%.0f\"/>"
                            "<polygon points=\"%d,%.0f %d,%.0f %d,%.0f\"/>",
                            x1, y, x2 - 8 * dir, y, x2, y, x2 - 9 * dir, y - 4, x2 - 9 * dir,
                            y + 4);
}

static void
ladder_page (const ScFileReport *f, guint fi, const FindingIndex *ix, const ScConnFacts *c,
             const LadderRow *rows, guint n, gint64 t0, GString *out)
{
    int h = LADDER_HEAD + (int)n * LADDER_ROW + 10;
    g_string_append_printf (
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"ladder\" width=\"%d\" "
        "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">",
        LADDER_W, h, LADDER_W, h);
    g_string_append_printf (out, "<text class=\"host\" x=\"%d\" y=\"16\" text-anchor=\"middle\">",
                            LADDER_COL_A);
    endpoint_text (&c->a, out);
    g_string_append_printf (out,
                            "</text><text class=\"t\" x=\"%d\" y=\"30\" text-anchor=\"middle\">%s"
                            "</text>",
                            LADDER_COL_A,
                            c->transport == SC_TRANSPORT_UDP ? "first sender"
                            : c->initiator == SC_INITIATOR_A ? "initiator"
                                                             : "initiator unknown");
    g_string_append_printf (out, "<text class=\"host\" x=\"%d\" y=\"16\" text-anchor=\"middle\">",
                            LADDER_COL_B);
    endpoint_text (&c->b, out);
    g_string_append (out, "</text>");
    for (int col = 0; col < 2; col++) {
        int x = col ? LADDER_COL_B : LADDER_COL_A;
        g_string_append_printf (out,
                                "<line class=\"life\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", x,
                                LADDER_HEAD - 10, x, h - 4);
    }
    for (guint i = 0; i < n; i++) {
        const LadderRow *r = &rows[i];
        double y = LADDER_HEAD + i * LADDER_ROW + 14;
        gboolean first = FALSE;
        gint fx = finding_for (f, ix, c->id, r->frame, &first);
        const char *kind = r->finding                             ? " note"
                           : r->control                           ? " ctl"
                           : r->event->kind == SC_EVENT_KEEPALIVE ? " ka"
                                                                  : "";
        const char *mark = mark_class (f, fx, first);
        /* The frame's first row carries the id findings link to; later messages of the same
         * frame get a suffix (ids are unique in a page). */
        g_string_append_printf (out, "<g id=\"f%u-c%u-m%u", fi, c->id, r->frame);
        if (r->nth)
            g_string_append_printf (out, "-%u", r->nth + 1);
        g_string_append_printf (out, "\" class=\"msg%s%s\">", kind, mark);
        gboolean linked = fx >= 0 && ix->form[fx] != FORM_COUNTED;
        if (fx >= 0) {
            const ScReportFinding *x = &g_array_index (f->findings, ScReportFinding, fx);
            if (linked)
                g_string_append_printf (out, "<a href=\"#f%u-finding-%d\">", fi, fx);
            g_string_append_printf (out, "<title>%s: ", sc_rule_info (x->rule)->id);
            html_text (out, x->message);
            /* The whole row is the link, not only the thin arrow. */
            g_string_append_printf (out,
                                    "</title><rect class=\"hit\" x=\"0\" y=\"%.0f\" "
                                    "width=\"%d\" height=\"%d\"/>",
                                    y - 14, LADDER_W, LADDER_ROW);
        }
        if (r->ts_us)
            g_string_append_printf (out, "<text class=\"t\" x=\"4\" y=\"%.0f\">+%.3f s</text>",
                                    y + 4, (double)(r->ts_us - t0) / 1e6);
        g_string_append_printf (out, "<text class=\"t\" x=\"84\" y=\"%.0f\">#%u</text>", y + 4,
                                r->frame);
        if (r->finding)
            g_string_append_printf (out,
                                    "<line x1=\"%d\" y1=\"%.0f\" x2=\"%d\" y2=\"%.0f\" "
                                    "stroke-dasharray=\"1 3\"/>",
                                    LADDER_COL_A, y, LADDER_COL_B, y);
        else
            arrow (out, r->from_a, y);
        g_string_append_printf (out, "<text x=\"%d\" y=\"%.0f\" text-anchor=\"middle\">",
                                (LADDER_COL_A + LADDER_COL_B) / 2, y - 4);
        row_label (r, out);
        g_string_append (out, "</text>");
        if (linked)
            g_string_append (out, "</a>");
        g_string_append (out, "</g>");
    }
    g_string_append (out, "</svg>\n");
}

static gboolean
rows_marked (const ScFileReport *f, const FindingIndex *ix, guint conn_id, const LadderRow *rows,
             guint n)
{
    for (guint i = 0; i < n; i++) {
        gboolean first;
        if (finding_for (f, ix, conn_id, rows[i].frame, &first) >= 0)
            return TRUE;
    }
    return FALSE;
}

static void
ladder (const ScFileReport *f, guint fi, const FindingIndex *ix, const ScConnFacts *c,
        const GPtrArray *events, GString *out)
{
    GArray *rows = g_array_new (FALSE, TRUE, sizeof (LadderRow));
    if (c->transport != SC_TRANSPORT_UDP && c->initiator == SC_INITIATOR_A && c->first_frame) {
        LadderRow r = {.frame = c->first_frame, .from_a = TRUE, .control = "SYN"};
        g_array_append_val (rows, r);
    }
    for (guint i = 0; i < events->len; i++) {
        const ScReportEvent *e = events->pdata[i];
        LadderRow r = {.frame = e->frame, .ts_us = e->ts_us, .from_a = e->from_a, .event = e};
        g_array_append_val (rows, r);
    }
    for (int side = 0; side < 2; side++) {
        if (!c->close_frame_from[side])
            continue;
        gboolean rst = c->reset && c->close_frame == c->close_frame_from[side];
        LadderRow r = {.frame = c->close_frame_from[side],
                       .from_a = side == 0,
                       .control = rst ? "RST" : "FIN"};
        g_array_append_val (rows, r);
    }
    /* A frame a finding on this connection cites that is none of the above (stray bytes, a
     * segment after a gap, an ICMP error) still gets its row, where it happened: every frame
     * link of a drawn connection leads somewhere. */
    GHashTable *frames = g_hash_table_new (g_direct_hash, g_direct_equal);
    for (guint k = 0; k < rows->len; k++)
        g_hash_table_add (frames, GUINT_TO_POINTER (g_array_index (rows, LadderRow, k).frame));
    for (guint j = 0; j < f->findings->len; j++) {
        const ScReportFinding *x = &g_array_index (f->findings, ScReportFinding, j);
        if (x->conn_id != c->id)
            continue;
        for (guint k = 0; k < x->n_frames; k++) {
            if (!g_hash_table_add (frames, GUINT_TO_POINTER (x->frames[k])))
                continue;
            LadderRow r = {.frame = x->frames[k], .finding = x};
            g_array_append_val (rows, r);
        }
    }
    g_hash_table_unref (frames);
    g_array_sort (rows, cmp_row);
    for (guint k = 1; k < rows->len; k++) {
        LadderRow *r = &g_array_index (rows, LadderRow, k);
        const LadderRow *prev = r - 1;
        r->nth = prev->frame == r->frame ? prev->nth + 1 : 0;
    }
    gint64 t0 = events->len ? ((const ScReportEvent *)events->pdata[0])->ts_us : 0;
    guint drawn = MIN (rows->len, SC_HTML_MAX_ROWS);
    const LadderRow *all = (const LadderRow *)rows->data;
    for (guint start = 0; start < drawn; start += SC_HTML_PAGE_ROWS) {
        guint n = MIN (SC_HTML_PAGE_ROWS, drawn - start);
        if (start == 0) {
            ladder_page (f, fi, ix, c, all, n, t0, out);
            continue;
        }
        g_string_append_printf (out, "<details%s><summary>Rows %u to %u</summary>",
                                rows_marked (f, ix, c->id, all + start, n) ? " open" : "",
                                start + 1, start + n);
        ladder_page (f, fi, ix, c, all + start, n, t0, out);
        g_string_append (out, "</details>");
    }
    if (rows->len > drawn)
        g_string_append_printf (out,
                                "<p class=\"note\">%u more rows not drawn; the JSON report "
                                "lists every finding.</p>",
                                rows->len - drawn);
    g_array_unref (rows);
}

/* Rounds @span_s / 8 up to 1, 2 or 5 × 10^k seconds: the step of the time axis. */
static double
axis_step (double span_s)
{
    double raw = span_s / 8, mag = 1e-3;
    while (mag * 10 <= raw)
        mag *= 10;
    return raw <= mag ? mag : raw <= 2 * mag ? 2 * mag : raw <= 5 * mag ? 5 * mag : 10 * mag;
}

static gboolean
is_answer (const ScReportEvent *e)
{
    return e->latency_us >= 0 || strcmp (e->label, "stun-response") == 0 ||
           strcmp (e->label, "stun-error") == 0;
}

static void
timeline (const ScFileReport *f, guint fi, const FindingIndex *ix, const ScConnFacts *c,
          const GPtrArray *events, GString *out)
{
    gint64 t0 = ((const ScReportEvent *)events->pdata[0])->ts_us;
    gint64 t1 = ((const ScReportEvent *)events->pdata[events->len - 1])->ts_us;
    double span = MAX ((double)(t1 - t0) / 1e6, 1.0);
    double scale = (TL_W - TL_LEFT - TL_RIGHT) / span;
#define TX(ts) (TL_LEFT + ((double)((ts)-t0) / 1e6) * scale)
    g_string_append_printf (out,
                            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" "
                            "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">",
                            TL_W, TL_H, TL_W, TL_H);
    /* The windows first, under the marks: after each ping or STUN request, the interval in
     * force (Flow-Timer, else keep) within which the next one is due. */
    for (guint i = 0; i < events->len; i++) {
        const ScReportEvent *e = events->pdata[i];
        if (e->kind != SC_EVENT_KEEPALIVE || !e->counted || is_answer (e) || !e->interval_s)
            continue;
        double x = TX (e->ts_us), w = e->interval_s * scale;
        w = MIN (w, TL_W - TL_RIGHT - x);
        int lane = e->from_a ? TL_LANE_A : TL_LANE_B;
        g_string_append_printf (
            out,
            "<rect class=\"win\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
            "height=\"20\"><title>next keep-alive due within %u s</title></rect>",
            x, lane - 10, MAX (w, 0.0), e->interval_s);
    }
    g_string_append_printf (out,
                            "<text class=\"host\" x=\"4\" y=\"%d\">a</text><text class=\"host\" "
                            "x=\"4\" y=\"%d\">b</text>",
                            TL_LANE_A + 4, TL_LANE_B + 4);
    g_string_append_printf (out, "<text class=\"t\" x=\"16\" y=\"%d\">", TL_LANE_A + 4);
    endpoint_text (&c->a, out);
    g_string_append_printf (out, "</text><text class=\"t\" x=\"16\" y=\"%d\">", TL_LANE_B + 4);
    endpoint_text (&c->b, out);
    g_string_append (out, "</text>");
    for (int lane = 0; lane < 2; lane++)
        g_string_append_printf (
            out, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", TL_LEFT,
            lane ? TL_LANE_B : TL_LANE_A, TL_W - TL_RIGHT, lane ? TL_LANE_B : TL_LANE_A);
    double step = axis_step (span);
    for (double s = 0; s <= span + 1e-9; s += step) {
        double x = TL_LEFT + s * scale;
        g_string_append_printf (out,
                                "<line class=\"axis\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" "
                                "y2=\"%d\"/><text class=\"t\" x=\"%.1f\" y=\"%d\" "
                                "text-anchor=\"middle\">%g s</text>",
                                x, TL_H - 26, x, TL_H - 22, x, TL_H - 10, s);
    }
    guint32 last_frame = 0;
    guint nth = 0;
    GHashTable *keepalive_at = g_hash_table_new (g_direct_hash, g_direct_equal); /* frame → */
    for (guint i = 0; i < events->len; i++) {
        const ScReportEvent *e = events->pdata[i];
        if (e->kind == SC_EVENT_KEEPALIVE)
            g_hash_table_insert (keepalive_at, GUINT_TO_POINTER (e->frame), (gpointer)e);
    }
    for (guint i = 0; i < events->len; i++) {
        const ScReportEvent *e = events->pdata[i];
        double x = TX (e->ts_us);
        if (e->kind != SC_EVENT_KEEPALIVE) { /* SIP messages: a grey tick between the lanes */
            g_string_append_printf (out,
                                    "<line class=\"sip\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" "
                                    "y2=\"%d\"><title>#%u SIP</title></line>",
                                    x, (TL_LANE_A + TL_LANE_B) / 2 - 6, x,
                                    (TL_LANE_A + TL_LANE_B) / 2 + 6, e->frame);
            continue;
        }
        int y = e->from_a ? TL_LANE_A : TL_LANE_B;
        gboolean first = FALSE;
        gint fx = finding_for (f, ix, c->id, e->frame, &first);
        const char *mark = mark_class (f, fx, first);
        gboolean answer = is_answer (e);
        nth = e->frame == last_frame ? nth + 1 : 0;
        last_frame = e->frame;
        g_string_append_printf (out, "<g id=\"f%u-c%u-t%u", fi, c->id, e->frame);
        if (nth)
            g_string_append_printf (out, "-%u", nth + 1);
        g_string_append_printf (out, "\" class=\"mark%s\">", mark);
        gboolean linked = fx >= 0 && ix->form[fx] != FORM_COUNTED;
        if (linked)
            g_string_append_printf (out, "<a href=\"#f%u-finding-%d\">", fi, fx);
        g_string_append_printf (out, "<title>#%u %s", e->frame, e->label);
        if (e->latency_us >= 0)
            g_string_append_printf (out, ", %.0f ms after #%u", (double)e->latency_us / 1000.0,
                                    e->ref_frame);
        if (fx >= 0)
            g_string_append_printf (
                out, " — %s",
                sc_rule_info (g_array_index (f->findings, ScReportFinding, fx).rule)->id);
        g_string_append (out, "</title>");
        if (answer && e->ref_frame) {
            /* A thin line back to the ping it answers (the ping is on the other lane). */
            double px = x - (double)e->latency_us / 1e6 * scale;
            g_string_append_printf (out,
                                    "<line class=\"link\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" "
                                    "y2=\"%d\"/>",
                                    px, e->from_a ? TL_LANE_B : TL_LANE_A, x, y);
        }
        const char *cls = *mark ? "" : answer ? "pong" : "ping";
        if (g_str_has_prefix (e->label, "stun"))
            g_string_append_printf (out,
                                    "<rect class=\"%s\" x=\"%.1f\" y=\"%d\" width=\"8\" "
                                    "height=\"8\"/>",
                                    cls, x - 4, y - 4);
        else if (answer)
            g_string_append_printf (out,
                                    "<polygon class=\"%s\" points=\"%.1f,%d %.1f,%d %.1f,%d "
                                    "%.1f,%d\"/>",
                                    cls, x, y - 5, x + 5, y, x, y + 5, x - 5, y);
        else
            g_string_append_printf (out, "<circle class=\"%s\" cx=\"%.1f\" cy=\"%d\" r=\"4\"/>",
                                    cls, x, y);
        if (fx >= 0) {
            const ScReportFinding *x_f = &g_array_index (f->findings, ScReportFinding, fx);
            const char *id = sc_rule_info (x_f->rule)->id;
            /* A late keep-alive (KA-001, KA-010) cites the frame ending the gap first and the
             * one starting it second: draw the gap. */
            if (first && x_f->n_frames >= 2 &&
                (x_f->rule == SC_RULE_KA_001 || x_f->rule == SC_RULE_KA_010)) {
                const ScReportEvent *s =
                    g_hash_table_lookup (keepalive_at, GUINT_TO_POINTER (x_f->frames[1]));
                if (s)
                    g_string_append_printf (out,
                                            "<line class=\"gap\" x1=\"%.1f\" y1=\"%d\" "
                                            "x2=\"%.1f\" y2=\"%d\"/>",
                                            TX (s->ts_us), y - 9, x, y - 9);
            }
            if (first)
                g_string_append_printf (out,
                                        "<text class=\"%s mark\" x=\"%.1f\" y=\"%d\" "
                                        "text-anchor=\"middle\">%s</text>",
                                        mark + 1, x, y - 14, id);
        }
        if (linked)
            g_string_append (out, "</a>");
        g_string_append (out, "</g>");
    }
    g_hash_table_unref (keepalive_at);
    g_string_append (out, "</svg>\n");
#undef TX
}

static gboolean
has_keepalives (const GPtrArray *events)
{
    for (guint i = 0; i < events->len; i++)
        if (((const ScReportEvent *)events->pdata[i])->kind == SC_EVENT_KEEPALIVE)
            return TRUE;
    return FALSE;
}

/* conn_id → its findings: their number × 4 + 1 + the worst severity (0: none). */
static GHashTable *
findings_per_conn (const ScFileReport *f)
{
    GHashTable *n = g_hash_table_new (g_direct_hash, g_direct_equal);
    for (guint j = 0; j < f->findings->len; j++) {
        const ScReportFinding *x = &g_array_index (f->findings, ScReportFinding, j);
        gpointer key = GUINT_TO_POINTER (x->conn_id);
        guint v = GPOINTER_TO_UINT (g_hash_table_lookup (n, key));
        guint worst = MAX (v % 4, 1u + sc_rule_info (x->rule)->severity);
        g_hash_table_insert (n, key, GUINT_TO_POINTER ((v / 4 + 1) * 4 + worst));
    }
    return n;
}

static guint
findings_of (GHashTable *per_conn, guint conn_id)
{
    return GPOINTER_TO_UINT (g_hash_table_lookup (per_conn, GUINT_TO_POINTER (conn_id))) / 4;
}

/* The worst severity of the connection's findings, -1 when it has none. */
static int
worst_severity (GHashTable *per_conn, guint conn_id)
{
    return (int)(GPOINTER_TO_UINT (g_hash_table_lookup (per_conn, GUINT_TO_POINTER (conn_id))) %
                 4) -
           1;
}

static void
connection_table (const ScFileReport *f, guint fi, GHashTable *drawn, GHashTable *per_conn,
                  GString *out)
{
    g_string_append (out, "<table><tr><th>Id</th><th>Transport</th><th>Endpoint a</th>"
                          "<th>Endpoint b</th><th>Initiator</th><th>Class</th><th>Messages</th>"
                          "<th>Keep-alives</th><th>End</th><th>Findings</th></tr>\n");
    guint rows = MIN (f->connections->len, SC_HTML_TABLE_ROWS);
    for (guint j = 0; j < rows; j++) {
        const ScConnFacts *c = &g_array_index (f->connections, ScConnFacts, j);
        if (g_hash_table_contains (drawn, GUINT_TO_POINTER (c->id)))
            g_string_append_printf (out, "<tr><td><a href=\"#f%u-c%u\">%u</a></td>", fi, c->id,
                                    c->id);
        else
            g_string_append_printf (out, "<tr><td>%u</td>", c->id);
        g_string_append_printf (out, "<td>%s</td><td>", sc_transport_name (c->transport));
        endpoint_text (&c->a, out);
        g_string_append (out, "</td><td>");
        endpoint_text (&c->b, out);
        const char *end = sc_conn_end_kind (c);
        g_string_append_printf (out,
                                "</td><td>%s</td><td>%s</td><td class=\"n\">%u</td><td "
                                "class=\"n\">%u</td><td>%s</td><td class=\"n\">%u</td></tr>\n",
                                c->transport == SC_TRANSPORT_UDP ? "a (first sender)"
                                : c->initiator == SC_INITIATOR_A ? "a"
                                                                 : "unknown",
                                c->klass ? c->klass : "", c->messages, c->keepalives,
                                end ? end : (c->timed_out ? "idle" : "open"),
                                findings_of (per_conn, c->id));
    }
    g_string_append (out, "</table>\n");
    if (f->connections->len > rows)
        g_string_append_printf (out,
                                "<p class=\"note\">%u more connections not listed; the JSON "
                                "report lists them all.</p>\n",
                                f->connections->len - rows);
}

/* Groups the events of @f by connection: conn_id → GPtrArray of ScReportEvent* in frame order. */
static GHashTable *
events_by_conn (const ScFileReport *f)
{
    GHashTable *by = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                            (GDestroyNotify)g_ptr_array_unref);
    for (guint i = 0; f->events && i < f->events->len; i++) {
        ScReportEvent *e = &g_array_index (f->events, ScReportEvent, i);
        GPtrArray *list = g_hash_table_lookup (by, GUINT_TO_POINTER (e->conn_id));
        if (!list) {
            list = g_ptr_array_new ();
            g_hash_table_insert (by, GUINT_TO_POINTER (e->conn_id), list);
        }
        g_ptr_array_add (list, e);
    }
    return by;
}

static void
connection_section (const ScFileReport *f, guint fi, const FindingIndex *ix, const ScConnFacts *c,
                    const GPtrArray *events, guint n_findings, GString *out)
{
    g_string_append_printf (out, "<details id=\"f%u-c%u\"%s><summary><b>%s %u</b> ", fi, c->id,
                            n_findings ? " open" : "",
                            c->transport == SC_TRANSPORT_UDP ? "Flow" : "Connection", c->id);
    endpoint_text (&c->a, out);
    g_string_append (out, " ⇄ ");
    endpoint_text (&c->b, out);
    g_string_append_printf (out, " · %s · %u messages · %u keep-alives · %u finding%s</summary>",
                            sc_transport_name (c->transport), c->messages, c->keepalives,
                            n_findings, n_findings == 1 ? "" : "s");
    ladder (f, fi, ix, c, events, out);
    if (has_keepalives (events)) {
        g_string_append (out, "<h4>Keep-alive timeline</h4>");
        timeline (f, fi, ix, c, events, out);
        g_string_append (out, "<p class=\"note\">● ping or CRLF, ■ STUN, ◆ answer; shaded: "
                              "the interval in force after each ping (Flow-Timer or keep); "
                              "grey ticks: SIP messages.</p>");
    }
    g_string_append (out, "</details>\n");
}

static void
connections_section (const ScFileReport *f, guint fi, const FindingIndex *ix, GHashTable *by,
                     GHashTable *per_conn, GHashTable *drawn, GString *out)
{
    g_string_append (out, "<h3>Connections and flows</h3>\n");
    connection_table (f, fi, drawn, per_conn, out);
    if (f->events_dropped)
        g_string_append_printf (out,
                                "<p class=\"note\">The pictures show the first %u messages and "
                                "keep-alives of this capture; %" G_GUINT64_FORMAT
                                " later ones are not drawn.</p>\n",
                                SC_REPORT_EVENTS_MAX, f->events_dropped);
    if (g_hash_table_size (drawn) < f->connections->len)
        g_string_append_printf (out,
                                "<p class=\"note\">Pictures are drawn for %u of %u connections "
                                "and flows: those with errors first, then warnings, then info "
                                "findings, then up to %u without findings (%u at most).</p>\n",
                                g_hash_table_size (drawn), f->connections->len, SC_HTML_QUIET_CONNS,
                                SC_HTML_MAX_DRAWN_CONNS);
    for (guint j = 0; j < f->connections->len; j++) {
        const ScConnFacts *c = &g_array_index (f->connections, ScConnFacts, j);
        if (g_hash_table_contains (drawn, GUINT_TO_POINTER (c->id)))
            connection_section (f, fi, ix, c, g_hash_table_lookup (by, GUINT_TO_POINTER (c->id)),
                                findings_of (per_conn, c->id), out);
    }
}

static void
file_section (const ScFileReport *f, guint fi, GString *out)
{
    g_string_append (out, "<section><h2>");
    html_text (out, f->path);
    g_string_append_printf (out,
                            "</h2><p>%" G_GUINT64_FORMAT " packets, %" G_GUINT64_FORMAT
                            " SIP messages, %u connections or flows, %u findings.</p>\n",
                            f->packets, f->sip_messages, f->connections->len, f->findings->len);
    for (guint j = 0; j < f->errors->len; j++) {
        g_string_append (out, "<p class=\"sev-error\">Read error: ");
        html_text (out, f->errors->pdata[j]);
        g_string_append (out, "</p>\n");
    }
    FindingIndex ix;
    finding_index_build (f, &ix);
    GHashTable *by = events_by_conn (f);
    GHashTable *per_conn = findings_per_conn (f);
    /* Which connections get pictures: those whose worst finding is an error, then a warning,
     * then an info, then the first quiet ones; SC_HTML_MAX_DRAWN_CONNS in all. */
    GHashTable *drawn = g_hash_table_new (g_direct_hash, g_direct_equal);
    guint quiet = 0;
    for (int rank = SC_SEVERITY_ERROR; rank >= -1; rank--) {
        for (guint j = 0; j < f->connections->len; j++) {
            const ScConnFacts *c = &g_array_index (f->connections, ScConnFacts, j);
            if (worst_severity (per_conn, c->id) != rank ||
                !g_hash_table_contains (by, GUINT_TO_POINTER (c->id)) ||
                g_hash_table_size (drawn) >= SC_HTML_MAX_DRAWN_CONNS)
                continue;
            if (rank < 0 && quiet++ >= SC_HTML_QUIET_CONNS)
                continue;
            g_hash_table_add (drawn, GUINT_TO_POINTER (c->id));
        }
    }
    if (f->findings->len)
        findings_section (f, fi, &ix, drawn, out);
    if (f->connections->len)
        connections_section (f, fi, &ix, by, per_conn, drawn, out);
    g_hash_table_unref (per_conn);
    g_hash_table_unref (drawn);
    g_hash_table_unref (by);
    finding_index_clear (&ix);
    g_string_append (out, "</section>\n");
}

void
sc_report_html (const ScReport *report, GString *out)
{
    g_string_append (out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                          "<meta name=\"viewport\" content=\"width=device-width\">"
                          "<title>sipconn-audit report</title><style>");
    g_string_append (out, style);
    g_string_append (out, "</style></head><body>\n<h1>sipconn-audit report</h1>\n");
    summary (report, out);
    for (guint i = 0; i < report->files->len; i++)
        file_section (report->files->pdata[i], i, out);
    g_string_append (out, "</body></html>\n");
}
