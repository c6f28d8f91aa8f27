/* ka_rules.c — keep-alive timing and NAT mapping rules (RFC 5626 §4.4, §4.4.1, §4.4.2, §5.4,
 * §8; RFC 6223 §5): KA-001, KA-002, KA-003, KA-004, KA-005, KA-006, KA-008, KA-010, judged
 * against what outbound.c recorded on the flow. Facts for the flow (intervals, latencies, mapped
 * addresses) are gathered here too. */
#include "core_private.h"

#include <string.h>

/* RFC 5626 §4.4.1, §4.4.2: the lower ends of the default ranges, against which KA-004 measures
 * "far more often than needed" when nothing was negotiated. */
#define SC_DEFAULT_STUN_LOW_S 24
#define SC_DEFAULT_CRLF_LOW_S 95

/* The side whose keep-alives are timed: the registered UA, else the side that offered keep. */
static int
ka_sender (const ScCore *core, const ScFlow *f)
{
    if (f->outbound && (f->expires_at_us == 0 || core->now_us <= f->expires_at_us))
        return f->ua;
    return f->keep_s > 0 ? f->keep_sender : -1;
}

static void
sample (ScSampleStats *st, gint64 v)
{
    st->min = st->n ? MIN (st->min, v) : v;
    st->max = st->n ? MAX (st->max, v) : v;
    st->recent[st->n % SC_FLOW_RECENT] = v;
    st->n++;
}

static void
watch (ScCore *core, ScConn *conn, gint64 deadline_us)
{
    /* A flag and an array: every keep-alive to a committed peer comes here. */
    if (!conn->ka_watched) {
        conn->ka_watched = TRUE;
        g_ptr_array_add (core->ka_watch, sc_conn_ref (conn));
    }
    core->next_ka_deadline_us = MIN (core->next_ka_deadline_us, deadline_us);
}

static gint64
slack_us (const ScCore *core)
{
    return (gint64)core->cfg.keepalive_slack_ms * 1000;
}

void
sc_ka_rules_sip_message (ScCore *core, ScConn *conn, int from, guint32 frame, gint64 ts_us)
{
    ScFlow *f = conn->flow;
    if (!f || from != ka_sender (core, f))
        return;
    f->gap_open = TRUE; /* RULES.md: a SIP message from the sender ends a gap, unjudged */
    f->gap_start_us = ts_us;
    f->gap_start_frame = frame;
}

/* KA-003: the mapped address of a UDP flow differs from the previous one seen on it. */
static void
mapping_seen (ScCore *core, ScConn *conn, const ScEndpoint *mapped, guint32 frame, gint64 ts_us)
{
    ScFlow *f = sc_flow_get (conn);
    if (!f->has_mapped && conn->reg_mapped_frame) {
        /* The 2xx REGISTER's mapping, seen before this flow needed state. */
        f->has_mapped = TRUE;
        f->mapped = conn->reg_mapped;
        f->mapped_frame = conn->reg_mapped_frame;
        f->mappings = g_array_new (FALSE, FALSE, sizeof (ScEndpoint));
        g_array_append_val (f->mappings, conn->reg_mapped);
    }
    if (f->has_mapped && !sc_endpoint_equal (mapped, &f->mapped)) {
        char now[SC_ENDPOINT_STRLEN], before[SC_ENDPOINT_STRLEN];
        guint32 frames[] = {frame, f->mapped_frame};
        sc_core_report (core, SC_RULE_KA_003, conn, ts_us, 2, frames,
                        "mapped address %s, was %s in frame %u: the NAT rebound this flow",
                        sc_endpoint_format (mapped, now), sc_endpoint_format (&f->mapped, before),
                        f->mapped_frame);
        if (f->outbound)
            f->changed_frame = frame; /* KA-008 watches for a re-registration */
        f->failed = TRUE;
    }
    if (!f->has_mapped || !sc_endpoint_equal (mapped, &f->mapped)) {
        if (!f->mappings)
            f->mappings = g_array_new (FALSE, FALSE, sizeof (ScEndpoint));
        if (f->mappings->len < SC_FLOW_MAPPINGS)
            g_array_append_val (f->mappings, *mapped);
    }
    f->has_mapped = TRUE;
    f->mapped = *mapped;
    f->mapped_frame = frame;
}

void
sc_ka_rules_mapping (ScCore *core, ScConn *conn, const ScEndpoint *mapped, guint32 frame,
                     gint64 ts_us)
{
    if (conn->flow) {
        mapping_seen (core, conn, mapped, frame, ts_us);
        return;
    }
    /* Most UDP flows register and never send STUN: keep the mapping without flow state. */
    conn->reg_mapped = *mapped;
    conn->reg_mapped_frame = frame;
}

/* KA-004 (once per flow): the median of the sender's last three gaps is under half the interval
 * in force. */
static void
check_too_often (ScCore *core, ScConn *conn, ScFlow *f, gboolean stun, guint32 frame, gint64 ts_us)
{
    if (f->n_ka == 4) {
        memmove (f->ka_ts, f->ka_ts + 1, 3 * sizeof f->ka_ts[0]);
        memmove (f->ka_frame, f->ka_frame + 1, 3 * sizeof f->ka_frame[0]);
        f->n_ka = 3;
    }
    f->ka_ts[f->n_ka] = ts_us;
    f->ka_frame[f->n_ka] = frame;
    f->n_ka++;
    if (f->n_ka < 4 || f->ka004_done)
        return;
    ScTimerSource src;
    gint64 interval = sc_flow_interval_us (core, conn, stun, &src);
    if (src == SC_TIMER_NONE)
        return;
    if (src == SC_TIMER_DEFAULT)
        interval = (gint64)(stun ? SC_DEFAULT_STUN_LOW_S : SC_DEFAULT_CRLF_LOW_S) * G_USEC_PER_SEC;
    gint64 g[3] = {f->ka_ts[1] - f->ka_ts[0], f->ka_ts[2] - f->ka_ts[1], f->ka_ts[3] - f->ka_ts[2]};
    gint64 lo = MIN (g[0], MIN (g[1], g[2])), hi = MAX (g[0], MAX (g[1], g[2]));
    gint64 median = g[0] + g[1] + g[2] - lo - hi;
    if (median * 2 >= interval)
        return;
    f->ka004_done = TRUE;
    guint32 frames[] = {frame, f->ka_frame[0]};
    sc_core_report (core, SC_RULE_KA_004, conn, ts_us, 2, frames,
                    "keep-alives every %.1f s (median of 3 gaps) where %" G_GINT64_FORMAT
                    " s is in force (RFC 5626 §4.4: 80-100%% of it)",
                    (double)median / G_USEC_PER_SEC, interval / G_USEC_PER_SEC);
}

/* KA-001 / KA-010: the gap this keep-alive ends, against the interval in force. */
static void
check_gap (ScCore *core, ScConn *conn, ScFlow *f, gboolean stun, guint32 frame, gint64 ts_us)
{
    if (f->gap_open) {
        gint64 gap = ts_us - f->gap_start_us;
        ScTimerSource src;
        gint64 interval = sc_flow_interval_us (core, conn, stun, &src);
        guint32 frames[] = {frame, f->gap_start_frame};
        if ((src == SC_TIMER_FLOW_TIMER || src == SC_TIMER_KEEP) &&
            gap > interval + slack_us (core)) {
            sc_core_report (core, SC_RULE_KA_001, conn, ts_us, 2, frames,
                            "keep-alive %.1f s after frame %u where %s is %" G_GINT64_FORMAT " s",
                            (double)gap / G_USEC_PER_SEC, f->gap_start_frame,
                            src == SC_TIMER_FLOW_TIMER ? "Flow-Timer" : "keep",
                            interval / G_USEC_PER_SEC);
        } else if (src == SC_TIMER_DEFAULT && gap > interval + slack_us (core)) {
            sc_core_report (core, SC_RULE_KA_010, conn, ts_us, 2, frames,
                            "%s keep-alive %.1f s after frame %u on an outbound flow without "
                            "Flow-Timer (RFC 5626 default: at most %" G_GINT64_FORMAT " s)",
                            stun ? "STUN" : "CRLF", (double)gap / G_USEC_PER_SEC,
                            f->gap_start_frame, interval / G_USEC_PER_SEC);
        }
    }
    f->gap_open = TRUE;
    f->gap_start_us = ts_us;
    f->gap_start_frame = frame;
}

void
sc_ka_rules_keepalive (ScCore *core, ScConn *conn, int from, const ScKeepaliveFacts *ka,
                       gint64 ts_us, const ScEndpoint *mapped)
{
    gboolean stun_answer =
        strcmp (ka->kind, "stun-response") == 0 || strcmp (ka->kind, "stun-error") == 0;
    if (mapped && strcmp (ka->kind, "stun-response") == 0 && !ka->retransmission)
        mapping_seen (core, conn, mapped, ka->frame, ts_us);
    ScFlow *f = sc_flow_get (conn);
    if (ka->latency_us >= 0 && !ka->retransmission)
        sample (&f->latencies_us, ka->latency_us);
    if (ka->interval_us >= 0 && !ka->retransmission)
        sample (&f->intervals_us, ka->interval_us);
    if (strcmp (ka->kind, "crlf-pong") == 0 && f->ping_due && f->ping_frame == ka->ping_frame)
        f->ping_due = FALSE;
    if (stun_answer || from != ka_sender (core, f))
        return;

    gboolean stun = strcmp (ka->kind, "stun-request") == 0;
    gboolean ping = strcmp (ka->kind, "crlf-ping") == 0;
    ScTimerSource src;
    sc_flow_interval_us (core, conn, stun, &src);
    if (strcmp (ka->kind, "crlf-udp") == 0) {
        if (src != SC_TIMER_NONE)
            sc_core_report (core, SC_RULE_KA_006, conn, ts_us, 1, &ka->frame,
                            "CR/LF datagram as keep-alive on a UDP flow with %s (RFC 5626 "
                            "§4.4.1: CRLF keep-alives are for streams; UDP uses STUN)",
                            src == SC_TIMER_KEEP ? "keep negotiated" : "outbound");
        return;
    }
    if ((!stun && !ping) || ka->retransmission)
        return;
    if (f->changed_frame && f->outbound) {
        guint32 frames[] = {ka->frame, f->changed_frame};
        sc_core_report (core, SC_RULE_KA_008, conn, ts_us, 2, frames,
                        "keep-alive on a flow whose mapping changed in frame %u, without "
                        "re-registering (RFC 5626 §4.4.2: that is a flow failure)",
                        f->changed_frame);
        f->changed_frame = 0;
    }
    check_gap (core, conn, f, stun, ka->frame, ts_us);
    check_too_often (core, conn, f, stun, ka->frame, ts_us);
    if (ping && f->committed[1 - from]) {
        f->ping_due = TRUE;
        f->ping_frame = ka->frame;
        f->ping_deadline_us = ts_us + (gint64)core->cfg.pong_timeout_ms * 1000 + slack_us (core);
        watch (core, conn, f->ping_deadline_us);
    }
    if (stun && f->committed[1 - from])
        watch (core, conn, ts_us + (gint64)core->cfg.stun_timeout_ms * 1000 + slack_us (core));
}

/* Judges @conn's deadlines passed by @now_us; returns the earliest one still pending
 * (G_MAXINT64 when none). */
static gint64
judge (ScCore *core, ScConn *conn, gint64 now_us, gboolean final)
{
    ScFlow *f = conn->flow;
    gint64 next = G_MAXINT64;
    if (f && f->ping_due) {
        if (now_us > f->ping_deadline_us) {
            sc_core_report (core, SC_RULE_KA_002, conn, now_us, 1, &f->ping_frame,
                            "no pong within %u ms of this ping towards a peer that committed to "
                            "answer (RFC 5626 §5.4)",
                            core->cfg.pong_timeout_ms);
            f->ping_due = FALSE;
            f->failed = TRUE;
        } else if (final) {
            f->ping_due = FALSE; /* the capture ended first: not evaluable */
        } else {
            next = f->ping_deadline_us;
        }
    }
    ScStunState *st = conn->stun;
    for (guint i = 0; f && st && i < SC_STUN_PENDING; i++) {
        ScStunPending *p = &st->pending[i];
        if (!p->first_frame || p->answered || p->judged || !p->eligible)
            continue;
        gint64 deadline =
            p->first_ts_us + (gint64)core->cfg.stun_timeout_ms * 1000 + slack_us (core);
        if (now_us > deadline) {
            sc_core_report (core, SC_RULE_KA_005, conn, now_us, 1, &p->first_frame,
                            "STUN Binding request unanswered after %u ms (RFC 5389 §7.2.1) by "
                            "a peer that committed to answer",
                            core->cfg.stun_timeout_ms);
            p->judged = TRUE;
            f->failed = TRUE;
        } else if (final) {
            p->judged = TRUE;
        } else {
            next = MIN (next, deadline);
        }
    }
    return next;
}

static gint
compare_watched_id (gconstpointer a, gconstpointer b)
{
    return sc_conn_compare_id (*(ScConn *const *)a, *(ScConn *const *)b);
}

void
sc_ka_rules_deadlines (ScCore *core, gint64 now_us, gboolean final)
{
    if (!final && now_us <= core->next_ka_deadline_us)
        return;
    gint64 next = G_MAXINT64;
    /* Frame order of the findings must not depend on when a flow was first watched: judge in
     * id order. The flows still waiting are kept in place, the others let go. */
    GPtrArray *w = core->ka_watch;
    g_ptr_array_sort (w, compare_watched_id);
    guint kept = 0;
    for (guint i = 0; i < w->len; i++) {
        ScConn *c = w->pdata[i];
        gint64 n = judge (core, c, now_us, final);
        if (n == G_MAXINT64) {
            c->ka_watched = FALSE;
            sc_conn_unref (c);
        } else {
            next = MIN (next, n);
            w->pdata[kept++] = c;
        }
    }
    g_ptr_array_set_size (w, kept);
    core->next_ka_deadline_us = next;
}

void
sc_ka_rules_conn_ended (ScCore *core, ScConn *conn)
{
    /* KA-002 / KA-005 "Not": the connection closed before the deadline. */
    if (conn->flow)
        conn->flow->ping_due = FALSE;
    for (guint i = 0; conn->stun && i < SC_STUN_PENDING; i++)
        conn->stun->pending[i].judged = TRUE;
    if (conn->ka_watched) {
        conn->ka_watched = FALSE;
        if (g_ptr_array_remove_fast (core->ka_watch, conn)) /* the order is set at each scan */
            sc_conn_unref (conn);
    }
}

void
sc_core_stream_gap (ScCore *core, ScConn *conn, gboolean from_a, guint32 frame, gint64 ts_us)
{
    sc_core_advance_clock (core, ts_us);
    ScFlow *f = conn->flow;
    if (!f)
        return;
    int from = from_a ? 0 : 1;
    /* A keep-alive may hide in the lost bytes: the sender's gap restarts unjudged, its window of
     * gaps is forgotten. Lost bytes towards a pinging side may hold its pong. */
    if (from == ka_sender (core, f)) {
        f->gap_open = FALSE;
        f->n_ka = 0;
    } else {
        f->ping_due = FALSE;
    }
    (void)frame;
}
