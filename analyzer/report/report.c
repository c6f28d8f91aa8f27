/* report.c — collecting the core's findings and facts per file, ordering, counting. */
#include "report.h"

#include <string.h>
#include <time.h>

static void
finding_clear (gpointer p)
{
    g_free (((ScReportFinding *)p)->message);
    g_free (((ScReportFinding *)p)->excerpt);
}

static void
flow_clear (gpointer p)
{
    ScReportFlow *f = p;
    g_free (f->aor);
    g_free (f->instance);
    g_free (f->token);
    if (f->mappings)
        g_array_unref (f->mappings);
}

/* A stored connection owns its copy of the TLS facts (and their server name). */
static void
connection_clear (gpointer p)
{
    ScConnFacts *c = p;
    if (c->tls) {
        g_free ((char *)c->tls->server_name);
        g_free ((ScTlsFacts *)c->tls);
    }
}

static void
file_free (gpointer p)
{
    ScFileReport *f = p;
    g_free (f->path);
    g_ptr_array_unref (f->errors);
    g_ptr_array_unref (f->parts);
    g_array_unref (f->parts_first_frame);
    g_array_unref (f->connections);
    g_array_unref (f->flows);
    g_array_unref (f->findings);
    g_array_unref (f->counts);
    if (f->events)
        g_array_unref (f->events);
    g_free (f);
}

ScReport *
sc_report_new (void)
{
    ScReport *r = g_new0 (ScReport, 1);
    r->files = g_ptr_array_new_with_free_func (file_free);
    return r;
}

void
sc_report_free (ScReport *report)
{
    if (!report)
        return;
    g_ptr_array_unref (report->files);
    g_free (report);
}

ScFileReport *
sc_report_add_file (ScReport *report, const char *path)
{
    ScFileReport *f = g_new0 (ScFileReport, 1);
    f->path = g_strdup (path);
    f->errors = g_ptr_array_new_with_free_func (g_free);
    f->parts = g_ptr_array_new_with_free_func (g_free);
    f->parts_first_frame = g_array_new (FALSE, FALSE, sizeof (guint32));
    f->connections = g_array_new (FALSE, TRUE, sizeof (ScConnFacts));
    g_array_set_clear_func (f->connections, connection_clear);
    f->flows = g_array_new (FALSE, TRUE, sizeof (ScReportFlow));
    g_array_set_clear_func (f->flows, flow_clear);
    f->findings = g_array_new (FALSE, TRUE, sizeof (ScReportFinding));
    g_array_set_clear_func (f->findings, finding_clear);
    f->counts = g_array_new (FALSE, FALSE, sizeof (ScReportCount));
    if (report->keep_events)
        f->events = g_array_new (FALSE, TRUE, sizeof (ScReportEvent));
    g_ptr_array_add (report->files, f);
    return f;
}

static void
on_finding (const ScFinding *finding, gpointer user)
{
    ScFileReport *f = user;
    ScReportFinding rf = {
        .rule = finding->rule,
        .n_frames = finding->n_frames,
        .ts_us = finding->ts_us,
        .conn_id = finding->conn_id,
        .message = g_strdup (finding->message),
        .excerpt = g_strdup (finding->excerpt),
    };
    memcpy (rf.frames, finding->frames, sizeof rf.frames);
    g_array_append_val (f->findings, rf);
}

static void
on_connection (const ScConnFacts *conn, gpointer user)
{
    ScFileReport *f = user;
    ScConnFacts copy = *conn;
    copy.flow = NULL; /* valid during the callback only: copied below */
    if (conn->tls) {
        ScTlsFacts *tls = g_memdup2 (conn->tls, sizeof *tls);
        tls->server_name = g_strdup (conn->tls->server_name); /* decryption: static */
        copy.tls = tls;
    }
    g_array_append_val (f->connections, copy);
    const ScFlowFacts *ff = conn->flow;
    if (!ff)
        return;
    ScReportFlow rf = {
        .conn_id = conn->id,
        .transport = conn->transport,
        .aor = g_strdup (ff->aor),
        .instance = g_strdup (ff->instance),
        .token = g_strdup (ff->token),
        .reg_id = ff->reg_id,
        .timer_s = ff->timer_s,
        .timer_source = ff->timer_source,
        .keepalives = ff->keepalives,
        .closed = conn->closed,
        .reset = conn->reset,
        .timed_out = conn->timed_out,
        .close_frame = conn->close_frame,
    };
    memcpy (rf.interval_us, ff->interval_us, sizeof rf.interval_us);
    memcpy (rf.latency_us, ff->latency_us, sizeof rf.latency_us);
    rf.mappings = g_array_sized_new (FALSE, FALSE, sizeof (ScEndpoint), ff->n_mappings);
    g_array_append_vals (rf.mappings, ff->mappings, ff->n_mappings);
    g_array_append_val (f->flows, rf);
}

void
sc_report_add_count (ScFileReport *f, const char *name, guint64 value)
{
    ScReportCount c = {.name = name, .value = value};
    g_array_append_val (f->counts, c);
}

/* The next event slot of @f, or NULL when events are not kept or the cap is reached. */
static ScReportEvent *
event_slot (ScFileReport *f)
{
    if (!f->events)
        return NULL;
    if (f->events->len >= SC_REPORT_EVENTS_MAX) {
        f->events_dropped++;
        return NULL;
    }
    g_array_set_size (f->events, f->events->len + 1);
    return &g_array_index (f->events, ScReportEvent, f->events->len - 1);
}

static void
set_label (ScReportEvent *e, const char *p, gsize len)
{
    len = MIN (len, sizeof e->label - 1);
    memcpy (e->label, p, len);
    e->label[len] = '\0';
}

static void
on_message (const ScMessageFacts *m, gpointer user)
{
    ScReportEvent *e = event_slot (user);
    if (!e)
        return;
    e->conn_id = m->conn_id;
    e->frame = m->frame;
    e->ts_us = m->ts_us;
    e->kind = m->is_request ? SC_EVENT_REQUEST : SC_EVENT_RESPONSE;
    e->from_a = sc_endpoint_equal (&m->src, &m->initiator_ep);
    e->status = m->status;
    e->ref_frame = m->request_frame;
    e->latency_us = -1;
    if (m->method.p)
        set_label (e, m->method.p, m->method.len);
}

static void
on_keepalive (const ScKeepaliveFacts *k, gpointer user)
{
    ScReportEvent *e = event_slot (user);
    if (!e)
        return;
    e->conn_id = k->conn_id;
    e->frame = k->frame;
    e->ts_us = k->ts_us;
    e->kind = SC_EVENT_KEEPALIVE;
    e->from_a = k->from_a;
    e->ref_frame = k->ping_frame;
    e->latency_us = k->latency_us;
    e->interval_s = k->flow.flow_timer_s ? k->flow.flow_timer_s : k->flow.keep_s;
    e->counted = k->counted;
    set_label (e, k->kind, strlen (k->kind));
}

void
sc_report_sink (ScSink *sink, const ScFileReport *f)
{
    memset (sink, 0, sizeof *sink);
    sink->finding = on_finding;
    sink->connection = on_connection;
    if (f->events) {
        sink->message = on_message;
        sink->keepalive = on_keepalive;
    }
}

static gint
cmp_finding (gconstpointer a, gconstpointer b)
{
    const ScReportFinding *x = a, *y = b;
    if (x->frames[0] != y->frames[0])
        return x->frames[0] < y->frames[0] ? -1 : 1;
    return (gint)x->rule - (gint)y->rule;
}

static gint
cmp_conn (gconstpointer a, gconstpointer b)
{
    const ScConnFacts *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

static gint
cmp_flow (gconstpointer a, gconstpointer b)
{
    const ScReportFlow *x = a, *y = b;
    return (x->conn_id > y->conn_id) - (x->conn_id < y->conn_id);
}

void
sc_report_sort (ScReport *report)
{
    for (guint i = 0; i < report->files->len; i++) {
        ScFileReport *f = report->files->pdata[i];
        g_array_sort (f->findings, cmp_finding);
        g_array_sort (f->connections, cmp_conn);
        g_array_sort (f->flows, cmp_flow);
    }
}

void
sc_report_count (const ScReport *report, guint64 counts[3])
{
    counts[0] = counts[1] = counts[2] = 0;
    for (guint i = 0; i < report->files->len; i++) {
        ScFileReport *f = report->files->pdata[i];
        for (guint j = 0; j < f->findings->len; j++)
            counts[sc_rule_info (g_array_index (f->findings, ScReportFinding, j).rule)->severity]++;
    }
}

void
sc_report_summarize (const ScReport *report, ScReportSummary *sum)
{
    memset (sum, 0, sizeof *sum);
    sum->files = report->files->len;
    for (guint i = 0; i < report->files->len; i++) {
        const ScFileReport *f = report->files->pdata[i];
        sum->packets += f->packets;
        sum->sip_messages += f->sip_messages;
        if (f->first_ts_us && (!sum->first_ts_us || f->first_ts_us < sum->first_ts_us))
            sum->first_ts_us = f->first_ts_us;
        sum->last_ts_us = MAX (sum->last_ts_us, f->last_ts_us);
        for (guint j = 0; j < f->connections->len; j++)
            sum->conns[MIN (g_array_index (f->connections, ScConnFacts, j).transport,
                            SC_TRANSPORT_OTHER)]++;
        sum->flows += f->flows->len;
        for (guint j = 0; j < f->findings->len; j++)
            sum->per_rule[g_array_index (f->findings, ScReportFinding, j).rule]++;
    }
    sc_report_count (report, sum->per_severity);
}

void
sc_report_format_time (gint64 ts_us, char buf[32])
{
    time_t secs = (time_t)(ts_us / G_USEC_PER_SEC);
    struct tm tm;
    gmtime_r (&secs, &tm);
    char base[24];
    strftime (base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    g_snprintf (buf, 32, "%s.%03dZ", base, (int)((ts_us % G_USEC_PER_SEC) / 1000));
}
