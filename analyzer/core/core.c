/* core.c — event entry points: connections and UDP flows, message dispatch to the rules,
 * finding reports and end-of-capture settlement. */
#include "core_private.h"
#include "excerpt.h"
#include "tls.h"

#include <string.h>

#define SC_SWEEP_INTERVAL_US (5 * G_USEC_PER_SEC)
#define SC_INVITE_2XX_MAX 65536
#define SC_FAILED_MAX 65536
/* RFC 3263 §5 / RULES.md SYM-005: a SYN unanswered this long counts as a failed attempt. */
#define SC_SYN_UNANSWERED_US (3 * G_USEC_PER_SEC)

void
sc_config_init (ScConfig *cfg)
{
    memset (cfg, 0, sizeof *cfg);
    cfg->t1_ms = 500;
    cfg->udp_max_sip_bytes = 1300;
    cfg->txn_max = 200000;
    cfg->udp_flow_idle_s = 900;
    cfg->udp_flow_max = 200000;
    cfg->route_uri_max = 10000;
    cfg->pong_timeout_ms = 10000;
    cfg->stun_timeout_ms = 39500;
    cfg->keepalive_slack_ms = 1000;
    cfg->default_stun_interval_s = 29;
    cfg->default_crlf_interval_s = 840;
    sc_config_set_sip_port (cfg, 5060, TRUE);
    sc_config_set_sip_port (cfg, 5061, TRUE);
    for (guint i = 0; i < SC_RULE_COUNT; i++)
        cfg->enabled[i] = TRUE;
}

void
sc_config_set_sip_port (ScConfig *cfg, guint16 port, gboolean on)
{
    if (on)
        cfg->sip_ports[port / 8] |= (guint8)(1u << (port % 8));
    else
        cfg->sip_ports[port / 8] &= (guint8) ~(1u << (port % 8));
}

gboolean
sc_config_is_sip_port (const ScConfig *cfg, guint16 port)
{
    return (cfg->sip_ports[port / 8] >> (port % 8)) & 1;
}

/* Copies @ep's family, the address bytes the family uses and @port into a zeroed @out. */
static void
endpoint_normalized (ScEndpoint *out, const ScEndpoint *ep, guint16 port)
{
    memset (out, 0, sizeof *out);
    out->family = ep->family;
    memcpy (out->addr, ep->addr, ep->family == 4 ? 4 : 16);
    out->port = port;
}

void
sc_dest_key_make (ScDestKey *key, ScTransport transport, const ScEndpoint *from,
                  const ScEndpoint *to)
{
    endpoint_normalized (&key->from, from, 0);
    endpoint_normalized (&key->to, to, to->port);
    key->transport = transport;
}

ScDestKey *
sc_dest_key_new (ScTransport transport, const ScEndpoint *from, const ScEndpoint *to)
{
    ScDestKey *key = g_new (ScDestKey, 1);
    sc_dest_key_make (key, transport, from, to);
    return key;
}

guint
sc_dest_key_hash (gconstpointer p)
{
    const ScDestKey *k = p;
    return (sc_endpoint_hash (&k->from) * 31u ^ sc_endpoint_hash (&k->to)) + (guint)k->transport;
}

gboolean
sc_dest_key_equal (gconstpointer a, gconstpointer b)
{
    const ScDestKey *x = a, *y = b;
    return x->transport == y->transport && sc_endpoint_equal (&x->from, &y->from) &&
           sc_endpoint_equal (&x->to, &y->to);
}

static gsize
sent_by_room (const ScVia *via)
{
    return via->host.len + 1 + 5 + 1;
}

static gsize
write_sent_by (const ScVia *via, char *out)
{
    memcpy (out, via->host.p, via->host.len);
    char *p = out + via->host.len;
    *p++ = ':';
    p = sc_put_uint (p, via->port ? via->port : 5060);
    *p = '\0';
    return (gsize)(p - out);
}

char *
sc_via_sent_by (const ScVia *via)
{
    char *out = g_malloc (sent_by_room (via));
    write_sent_by (via, out);
    return out;
}

const char *
sc_via_sent_by_in (const ScVia *via, GString *scratch)
{
    g_string_set_size (scratch, sent_by_room (via));
    g_string_truncate (scratch, write_sent_by (via, scratch->str));
    return scratch->str;
}

gint
sc_conn_compare_id (gconstpointer a, gconstpointer b)
{
    const ScConn *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

ScConn *
sc_conn_ref (ScConn *conn)
{
    if (conn)
        conn->refcount++;
    return conn;
}

void
sc_conn_unref (ScConn *conn)
{
    if (conn && --conn->refcount == 0) {
        g_free (conn->stun);
        sc_tls_state_free (conn->tls);
        g_free (conn->open);
        g_free (conn->opener_sent_by);
        sc_flow_free (conn->flow);
        g_free (conn);
    }
}

static ScConn *
conn_new (ScCore *core, ScTransport transport, const ScEndpoint *a, const ScEndpoint *b,
          ScInitiator initiator, guint32 frame, gint64 ts_us)
{
    ScConn *c = g_new0 (ScConn, 1);
    c->refcount = 1;
    c->transport = transport;
    c->a = *a;
    c->b = *b;
    c->initiator = initiator;
    c->first_frame = c->last_frame = frame;
    c->first_ts_us = c->last_ts_us = ts_us;
    c->live_link.data = c;
    g_queue_push_tail_link (&core->live_conns, &c->live_link);
    return c;
}

void
sc_conn_touch (ScConn *c, guint32 frame, gint64 ts_us)
{
    if (ts_us > c->last_ts_us)
        c->max_idle_us = MAX (c->max_idle_us, ts_us - c->last_ts_us);
    c->last_frame = MAX (c->last_frame, frame);
    c->last_ts_us = MAX (c->last_ts_us, ts_us);
}

/* An ephemeral one by who sent requests: both sides, the opener only, or not the opener. */
static const char *
ephemeral_class (const ScConn *c)
{
    if (c->requests_from[0] && c->requests_from[1])
        return "bi-ephemeral";
    return c->requests_from[0] ? "uni-ephemeral" : "unknown";
}

/* draft-jain-sipping-persistent-conn-reqs §3 classes by what the capture shows (RULES.md §4). */
static const char *
conn_class (const ScCore *core, const ScConn *c)
{
    gint64 linger = (gint64)core->cfg.t1_ms * 64 * 1000;
    if (c->transport == SC_TRANSPORT_UDP)
        return ephemeral_class (c);
    if (c->initiator == SC_INITIATOR_UNKNOWN)
        return "unknown";
    if (c->closed)
        return ephemeral_class (c);
    gint64 idle = MAX (c->max_idle_us, core->now_us - c->last_ts_us);
    if (idle >= linger || c->keepalives > 0)
        return "persistent";
    return "unknown";
}

static gint
cmp_gint64 (gconstpointer a, gconstpointer b)
{
    gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;
    return x < y ? -1 : x > y;
}

/* min, median (of the recent samples kept), max of @st into @out (-1 each when there are none). */
static void
summarize (const ScSampleStats *st, gint64 out[3])
{
    out[0] = out[1] = out[2] = -1;
    if (st->n == 0)
        return;
    gint64 kept[SC_FLOW_RECENT];
    guint n = MIN (st->n, SC_FLOW_RECENT);
    memcpy (kept, st->recent, n * sizeof kept[0]);
    qsort (kept, n, sizeof kept[0], cmp_gint64);
    out[0] = st->min;
    out[1] = kept[n / 2];
    out[2] = st->max;
}

static const char *
timer_source_name (ScTimerSource s)
{
    switch (s) {
    case SC_TIMER_FLOW_TIMER:
        return "flow-timer";
    case SC_TIMER_KEEP:
        return "keep";
    case SC_TIMER_DEFAULT:
        return "default";
    default:
        return "none";
    }
}

static void
flow_facts (const ScCore *core, ScConn *c, ScFlowFacts *ff)
{
    ScFlow *f = c->flow;
    memset (ff, 0, sizeof *ff);
    ff->aor = f->aor;
    ff->instance = f->instance;
    ff->token = f->token;
    ff->reg_id = f->reg_id;
    ScTimerSource src;
    gint64 interval = sc_flow_interval_us (core, c, c->transport == SC_TRANSPORT_UDP, &src);
    ff->timer_s = (guint32)(interval / G_USEC_PER_SEC);
    ff->timer_source = timer_source_name (src);
    ff->keepalives = c->keepalives;
    summarize (&f->intervals_us, ff->interval_us);
    summarize (&f->latencies_us, ff->latency_us);
    if (f->mappings) {
        ff->mappings = (const ScEndpoint *)f->mappings->data;
        ff->n_mappings = f->mappings->len;
    }
}

static void
conn_report (ScCore *core, ScConn *c)
{
    if (c->reported)
        return;
    c->reported = TRUE;
    sc_queue_unlink (&core->live_conns, &c->live_link);
    sc_ka_rules_conn_ended (core, c);
    if (c->id == 0)
        return; /* never carried SIP: not ours to list */
    ScConnFacts f = {
        .id = c->id,
        .transport = c->transport,
        .a = c->a,
        .b = c->b,
        .initiator = c->initiator,
        .first_frame = c->first_frame,
        .last_frame = c->last_frame,
        .messages = c->messages_from[0] + c->messages_from[1],
        .requests_from_a = c->requests_from[0],
        .requests_from_b = c->requests_from[1],
        .messages_from = {c->messages_from[0], c->messages_from[1]},
        .bytes_from = {c->bytes_from[0], c->bytes_from[1]},
        .transactions_from = {c->transactions_from[0], c->transactions_from[1]},
        .close_frame_from = {c->close_frame_from[0], c->close_frame_from[1]},
        .keepalives = c->keepalives,
        .closed = c->closed,
        .timed_out = c->timed_out,
        .reset = c->reset,
        .close_frame = c->close_frame,
        .klass = conn_class (core, c),
    };
    ScFlowFacts ff;
    if (c->flow && (c->flow->instance || c->keepalives || c->flow->mappings)) {
        flow_facts (core, c, &ff);
        f.flow = &ff;
    }
    ScTlsFacts tf;
    if (c->tls) {
        const ScTlsState *t = c->tls;
        tf = (ScTlsFacts){
            .version = sc_tls_version_name (t->version),
            .offered_version = sc_tls_version_name (t->offered_version),
            .server_name = t->server_name,
            .client_hello_frame = t->client_hello_frame,
            .server_hello_frame = t->server_hello_frame,
            .resumed = t->resumed,
            .certificate_requested = sc_tls_state_cert_requested (t),
            .client_certificate = sc_tls_state_client_cert (t),
            .opaque_records_from = {t->opaque_records[0], t->opaque_records[1]},
            .decryption = t->decryption,
        };
        f.tls = &tf;
    }
    if (core->sink.connection)
        core->sink.connection (&f, core->user);
}

const char *
sc_conn_end_kind (const ScConnFacts *c)
{
    if (c->transport == SC_TRANSPORT_UDP)
        return NULL;
    if (!c->closed)
        return "open";
    if (c->reset)
        return "reset";
    return c->close_frame_from[0] && c->close_frame_from[1] ? "closed" : "half-closed";
}

ScCore *
sc_core_new (const ScConfig *cfg, const ScSink *sink, gpointer user)
{
    ScCore *core = g_new0 (ScCore, 1);
    core->cfg = *cfg;
    core->sink = *sink;
    core->user = user;
    core->udp_flows = g_hash_table_new_full (sc_endpoint_pair_hash, sc_endpoint_pair_equal, NULL,
                                             (GDestroyNotify)sc_conn_unref);
    core->txns = g_hash_table_new_full (sc_txn_key_hash, sc_txn_key_equal, NULL, sc_txn_free);
    sc_txn_blocks_init (&core->txn_blocks);
    sc_outbound_register_blocks_init (&core->register_blocks);
    core->route_uris = g_hash_table_new_full (sc_str_hash, g_str_equal, g_free, NULL);
    /* Identities kept in the key pointer itself: a gpointer holds all 64 bits on the 64-bit
     * platforms this is built for (on a 32-bit one the identity is cut to 32 bits). */
    core->invite_2xx = g_hash_table_new (g_direct_hash, g_direct_equal);
    core->attempts = g_hash_table_new_full (sc_endpoint_hash, sc_endpoint_key_equal, g_free,
                                            (GDestroyNotify)sc_conn_unref);
    core->udp_failed =
        g_hash_table_new_full (sc_endpoint_hash, sc_endpoint_key_equal, g_free, NULL);
    core->bindings =
        g_hash_table_new_full (sc_str_hash, g_str_equal, g_free, (GDestroyNotify)sc_conn_unref);
    core->ka_watch = g_ptr_array_new (); /* holds references; see sc_ka_rules_deadlines */
    core->next_ka_deadline_us = G_MAXINT64;
    core->contacts =
        g_hash_table_new_full (sc_str_hash, g_str_equal, g_free, (GDestroyNotify)sc_conn_unref);
    core->churn = g_hash_table_new_full (sc_dest_key_hash, sc_dest_key_equal, g_free, g_free);
    core->opened = g_hash_table_new_full (sc_dest_key_hash, sc_dest_key_equal, g_free,
                                          (GDestroyNotify)sc_conn_unref);
    core->ua_flows = g_hash_table_new_full (sc_dest_key_hash, sc_dest_key_equal, g_free,
                                            (GDestroyNotify)sc_conn_unref);
    core->scratch = g_string_sized_new (256);
    core->key = g_string_sized_new (128);
    core->uri_key = g_string_sized_new (128);
    core->sent_by = g_string_sized_new (64);
    core->binding_key = g_string_sized_new (128);
    core->excerpt = g_string_sized_new (512);
    core->expected = g_string_sized_new (64);
    return core;
}

void
sc_core_free (ScCore *core)
{
    if (!core)
        return;
    for (guint i = 0; i < core->ka_watch->len; i++)
        sc_conn_unref (core->ka_watch->pdata[i]);
    g_ptr_array_unref (core->ka_watch);
    g_hash_table_destroy (core->contacts);
    g_hash_table_destroy (core->churn);
    g_hash_table_destroy (core->opened);
    g_hash_table_destroy (core->ua_flows);
    g_hash_table_destroy (core->bindings);
    g_hash_table_destroy (core->txns);
    sc_block_pool_clear (&core->txn_blocks); /* the transactions (and their REGISTERs) first */
    sc_block_pool_clear (&core->register_blocks);
    g_hash_table_destroy (core->udp_flows);
    g_hash_table_destroy (core->route_uris);
    g_hash_table_destroy (core->invite_2xx);
    g_hash_table_destroy (core->attempts);
    g_hash_table_destroy (core->udp_failed);
    g_string_free (core->scratch, TRUE);
    g_string_free (core->key, TRUE);
    g_string_free (core->uri_key, TRUE);
    g_string_free (core->sent_by, TRUE);
    g_string_free (core->binding_key, TRUE);
    g_string_free (core->excerpt, TRUE);
    g_string_free (core->expected, TRUE);
    g_free (core);
}

void
sc_core_report (ScCore *core, ScRuleId rule, ScConn *conn, gint64 ts_us, guint n_frames,
                const guint32 *frames, const char *fmt, ...)
{
    if (!core->cfg.enabled[rule])
        return;
    /* Formatted on the stack: a finding per flow (PRAC-003) is common, an allocation each is
     * not needed. The rare longer message goes through the scratch string. */
    char buf[512];
    const char *message = buf;
    va_list ap;
    va_start (ap, fmt);
    int n = g_vsnprintf (buf, sizeof buf, fmt, ap);
    va_end (ap);
    if (n < 0 || n >= (int)sizeof buf) {
        va_start (ap, fmt);
        g_string_vprintf (core->scratch, fmt, ap);
        va_end (ap);
        message = core->scratch->str;
    }
    ScFinding f = {
        .rule = rule, .ts_us = ts_us, .conn_id = conn ? conn->id : 0, .message = message};
    f.n_frames = MIN (n_frames, SC_FINDING_MAX_FRAMES);
    memcpy (f.frames, frames, f.n_frames * sizeof (guint32));
    if (core->cfg.excerpts && core->current_msg && n_frames > 0 &&
        frames[0] == core->current_frame) {
        g_string_truncate (core->excerpt, 0);
        sc_sip_excerpt (core->current_msg, core->current_len, core->excerpt);
        f.excerpt = core->excerpt->str;
    }
    core->sink.finding (&f, core->user);
}

/* Ends UDP flow @c: its facts are reported and the flow table forgets it. */
static void
udp_flow_end (ScCore *core, ScConn *c)
{
    conn_report (core, c);
    sc_queue_unlink (&core->udp_lru, &c->lru_link);
    g_hash_table_remove (core->udp_flows, &c->udp_key); /* drops the table's reference */
}

/* Ends the UDP flows idle for longer than the configured time. The LRU queue keeps them in order
 * of last activity, so this stops at the first one still active: O(ended), not O(flows). */
static void
udp_flows_expire (ScCore *core)
{
    gint64 idle_us = (gint64)core->cfg.udp_flow_idle_s * G_USEC_PER_SEC;
    while (core->udp_lru.head) {
        ScConn *c = core->udp_lru.head->data;
        if (core->now_us - c->last_ts_us <= idle_us)
            break;
        c->timed_out = TRUE;
        udp_flow_end (core, c);
    }
}

void
sc_core_advance_clock (ScCore *core, gint64 ts_us)
{
    if (ts_us > core->now_us)
        core->now_us = ts_us;
    /* Keep-alive deadlines are due at their own times, not at sweeps: a verdict must not depend
     * on when the last sweep ran. */
    sc_ka_rules_deadlines (core, core->now_us, FALSE);
    if (core->now_us < core->next_sweep_us)
        return;
    core->next_sweep_us = core->now_us + SC_SWEEP_INTERVAL_US;
    sc_txn_sweep (core);
    udp_flows_expire (core);
}

ScConn *
sc_core_udp_flow (ScCore *core, const ScEndpoint *src, const ScEndpoint *dst, guint32 frame,
                  gint64 ts_us, gboolean create)
{
    ScEndpointPair key;
    sc_endpoint_pair_make (&key, src, dst);
    ScConn *c = g_hash_table_lookup (core->udp_flows, &key);
    if (!c && !create)
        return NULL;
    if (c) {
        /* Most recently active goes last (a request and its answer: already there). */
        sc_queue_move_to_tail (&core->udp_lru, &c->lru_link);
        return c;
    }
    if (g_hash_table_size (core->udp_flows) >= core->cfg.udp_flow_max) {
        /* Full: end the idle ones now, and the least recently active if none is idle, rather
         * than grow without bound. */
        udp_flows_expire (core);
        if (g_hash_table_size (core->udp_flows) >= core->cfg.udp_flow_max && core->udp_lru.head) {
            ScConn *oldest = core->udp_lru.head->data;
            oldest->timed_out = TRUE;
            udp_flow_end (core, oldest);
            core->udp_flows_evicted++;
        }
    }
    c = conn_new (core, SC_TRANSPORT_UDP, src, dst, SC_INITIATOR_A, frame, ts_us);
    c->lru_link.data = c;
    g_queue_push_tail_link (&core->udp_lru, &c->lru_link);
    c->udp_key = key;
    g_hash_table_insert (core->udp_flows, &c->udp_key, c);
    return c;
}

void
sc_conn_note_message (ScCore *core, ScConn *conn, const ScMsgEvent *ev, const ScSipMsg *msg,
                      gboolean from_a)
{
    if (conn->id == 0)
        conn->id = ++core->next_conn_id;
    sc_conn_touch (conn, ev->frame, ev->ts_us);
    int side = from_a ? 0 : 1;
    conn->messages_from[side]++;
    if (msg->is_request)
        conn->requests_from[side]++;
    /* A datagram counts whole; a stream message as framed (a front end may hand over a view
     * that runs past it: Wireshark's item for the first of two messages in one segment). */
    gsize body =
        msg->content_length_valid ? MIN (msg->body_len, msg->content_length) : msg->body_len;
    conn->bytes_from[side] +=
        conn->transport == SC_TRANSPORT_UDP ? ev->wire_len : msg->header_len + body;
}

guint
sc_core_conn_id (const ScConn *conn)
{
    return conn ? conn->id : 0;
}

ScConn *
sc_core_stream_open (ScCore *core, ScTransport transport, const ScEndpoint *a, const ScEndpoint *b,
                     ScInitiator initiator, guint32 frame, gint64 ts_us)
{
    sc_core_advance_clock (core, ts_us);
    ScConn *conn = conn_new (core, transport, a, b, initiator, frame, ts_us);
    if (initiator == SC_INITIATOR_A) {
        if (g_hash_table_size (core->attempts) >= SC_FAILED_MAX)
            g_hash_table_remove_all (core->attempts); /* forgetting only allows more findings */
        g_hash_table_replace (core->attempts, g_memdup2 (b, sizeof *b), sc_conn_ref (conn));
    }
    return conn;
}

void
sc_core_stream_established (ScCore *core, ScConn *conn)
{
    (void)core;
    conn->established = TRUE;
}

void
sc_core_destination_failed (ScCore *core, ScTransport transport, const ScEndpoint *dst,
                            guint32 frame, gint64 ts_us)
{
    sc_core_advance_clock (core, ts_us);
    if (transport != SC_TRANSPORT_UDP) {
        ScConn *attempt = g_hash_table_lookup (core->attempts, dst);
        if (attempt && !attempt->established && !attempt->closed) {
            attempt->closed = attempt->reset = TRUE;
            attempt->close_frame = frame;
            attempt->close_ts_us = ts_us;
        }
        return;
    }
    if (g_hash_table_size (core->udp_failed) >= SC_FAILED_MAX)
        g_hash_table_remove_all (core->udp_failed);
    g_hash_table_replace (core->udp_failed, g_memdup2 (dst, sizeof *dst), GUINT_TO_POINTER (frame));
}

gboolean
sc_core_attempt_from (ScCore *core, const ScEndpoint *dst, const ScEndpoint *src)
{
    ScConn *a = g_hash_table_lookup (core->attempts, dst);
    return a && sc_ip_equal (&a->a, src);
}

gboolean
sc_core_fallback_allowed (ScCore *core, ScTransport transport, const ScEndpoint *dst, guint32 after,
                          guint32 before, gint64 before_ts_us)
{
    if (transport == SC_TRANSPORT_UDP) {
        guint32 frame = GPOINTER_TO_UINT (g_hash_table_lookup (core->udp_failed, dst));
        return frame > after && frame < before;
    }
    ScConn *a = g_hash_table_lookup (core->attempts, dst);
    if (!a || a->established || a->first_frame <= after || a->first_frame >= before)
        return FALSE;
    if (a->closed && a->close_frame < before)
        return TRUE; /* refused: RST (or ICMP) before any answer */
    return before_ts_us - a->first_ts_us >= SC_SYN_UNANSWERED_US;
}

void
sc_core_stream_close (ScCore *core, ScConn *conn, gboolean from_a, gboolean reset, guint32 frame,
                      gint64 ts_us)
{
    sc_core_advance_clock (core, ts_us);
    if (!conn->close_frame_from[from_a ? 0 : 1])
        conn->close_frame_from[from_a ? 0 : 1] = frame;
    if (conn->closed)
        return;
    conn->closed = TRUE;
    conn->reset = reset;
    conn->closed_by_a = from_a;
    conn->close_frame = frame;
    conn->close_ts_us = ts_us;
    if (conn->id)
        sc_conn_touch (conn, frame, ts_us);
    sc_rules_conn_close (core, conn, frame, ts_us);
    sc_ka_rules_conn_ended (core, conn);
    if (conn->flow)
        conn->flow->outbound = FALSE; /* RFC 5626 §6: the binding's flow is gone */
}

void
sc_core_stream_set_transport (ScCore *core, ScConn *conn, ScTransport transport)
{
    (void)core;
    conn->transport = transport;
}

void
sc_core_stream_junk (ScCore *core, ScConn *conn, gboolean from_a, gsize len, guint32 frame,
                     gint64 ts_us, guint32 prev_frame)
{
    conn->bytes_from[from_a ? 0 : 1] += len;
    sc_core_advance_clock (core, ts_us);
    guint32 frames[] = {frame, prev_frame};
    sc_core_report (core, SC_RULE_FRAME_003, conn, ts_us, 2, frames,
                    "%" G_GSIZE_FORMAT " bytes that are neither CRLF nor a SIP start line after "
                    "the message in frame %u (often a Content-Length too small)",
                    len, prev_frame);
}

void
sc_core_stream_release (ScCore *core, ScConn *conn)
{
    conn_report (core, conn);
    sc_conn_unref (conn);
}

guint64
sc_core_udp_flows_evicted (const ScCore *core)
{
    return core->udp_flows_evicted;
}

guint64
sc_core_transactions_evicted (const ScCore *core)
{
    return core->txn_evicted;
}

guint64
sc_core_sip_message_count (const ScCore *core)
{
    return core->sip_messages;
}

static void
note_invite_2xx (ScCore *core, const ScSipMsg *msg)
{
    if (g_hash_table_size (core->invite_2xx) >= SC_INVITE_2XX_MAX)
        g_hash_table_remove_all (core->invite_2xx); /* forgetting only silences PRAC-001 */
    g_hash_table_add (core->invite_2xx, GSIZE_TO_POINTER ((gsize)sc_call_cseq_id (msg)));
}

static void
on_request (ScCore *core, const ScSipMsg *msg, const ScMsgEvent *ev, ScConn *conn, gboolean from_a)
{
    ScTxnKey key;
    if (msg->via_count == 0 || !sc_txn_key (msg, &msg->vias[0], msg->method, core->key, &key)) {
        /* Unmatchable (no valid Via): only the message-level rules. */
        sc_rules_via_request (core, msg, ev, conn, NULL);
        sc_rules_prac_message (core, msg, ev, conn, NULL);
        sc_rules_reuse_request (core, msg, ev, conn, from_a);
        sc_outbound_request (core, msg, ev, conn, from_a, NULL, TRUE);
        return;
    }
    ScTxn *txn = sc_txn_lookup (core, &key);
    if (txn) {
        sc_txn_add_copy (core, txn, ev,
                         conn); /* retransmission (or another capture point's copy) */
        return;
    }
    txn = sc_txn_insert (core, &key, msg, ev, conn);
    if (!sc_sv_eq_ci (msg->method, "ACK"))
        conn->transactions_from[from_a ? 0 : 1]++;
    sc_rules_via_request (core, msg, ev, conn, txn);
    sc_rules_prac_message (core, msg, ev, conn, txn);
    sc_rules_reuse_request (core, msg, ev, conn, from_a);
    if (!ev->stream_cut) { /* a message its sender cut short is no request anyone could answer */
        sc_rules_conn_request (conn, msg, ev);
        sc_rules_conn_reuse (core, conn, msg, ev, from_a);
    }
    sc_outbound_request (core, msg, ev, conn, from_a, txn, TRUE);

    /* A proxy's forwarded copy: its second Via is the first hop's, as the proxy stamped it. */
    if (msg->via_count >= 2 && msg->vias[1].valid &&
        sc_txn_key (msg, &msg->vias[1], msg->method, core->key, &key)) {
        ScTxn *upstream = sc_txn_lookup (core, &key);
        if (upstream && upstream != txn)
            sc_rules_via_server_view (core, upstream, &msg->vias[1], ev, conn);
    }
}

static void
on_response (ScCore *core, const ScSipMsg *msg, const ScMsgEvent *ev, ScConn *conn, gboolean from_a,
             ScMessageFacts *facts, GString *expected)
{
    sc_rules_prac_message (core, msg, ev, conn, NULL);
    ScTxn *txn = NULL;
    ScTxnKey key;
    if (msg->via_count > 0 && msg->has_cseq &&
        sc_txn_key (msg, &msg->vias[0], msg->cseq_method, core->key, &key))
        txn = sc_txn_lookup (core, &key);
    if (!txn) {
        sc_outbound_response (core, msg, ev, conn, from_a, NULL);
        return; /* request not captured: nothing else is evaluable */
    }
    facts->request_frame = txn->frame;
    if (msg->status >= 200 && !txn->final_seen) {
        txn->final_seen = TRUE;
        txn->final_status = msg->status;
        txn->final_ts_us = ev->ts_us;
        sc_rules_conn_final (txn->copies[0].conn, txn, msg->status, ev->ts_us);
    }
    sc_txn_touch (core, txn, ev->ts_us); /* after final_seen: it picks the expiry queue */
    if (txn->is_invite && msg->status >= 200 && msg->status < 300)
        note_invite_2xx (core, msg);
    sc_rules_via_server_view (core, txn, &msg->vias[0], ev, conn);
    sc_rules_sym_response (core, txn, msg, ev, conn, expected);
    sc_outbound_response (core, msg, ev, conn, from_a, txn);
    if (expected && expected->len)
        facts->expected_dest = expected->str;
}

void
sc_core_sip_message (ScCore *core, const ScMsgEvent *ev, const char *bytes, gsize len)
{
    ScSipMsg msg;
    if (sc_sip_parse (bytes, len, &msg) != SC_SIP_PARSE_OK) {
        sc_core_advance_clock (core, ev->ts_us);
        return;
    }
    sc_core_sip_message_parsed (core, ev, bytes, len, &msg);
}

void
sc_core_sip_message_parsed (ScCore *core, const ScMsgEvent *ev, const char *bytes, gsize len,
                            const ScSipMsg *msg)
{
    sc_core_advance_clock (core, ev->ts_us);
    core->current_msg = bytes;
    core->current_len = len;
    core->current_frame = ev->frame;
    /* A message cut short by its sender's close is evidence, not a message (tshark agrees). */
    if (!ev->stream_cut)
        core->sip_messages++;

    ScConn *conn = ev->conn
                       ? ev->conn
                       : sc_core_udp_flow (core, &ev->src, &ev->dst, ev->frame, ev->ts_us, TRUE);
    gboolean from_a = ev->conn ? ev->from_a : sc_endpoint_equal (&ev->src, &conn->a);
    sc_conn_note_message (core, conn, ev, msg, from_a);
    if (!ev->stream_cut) {
        conn->last_sip_ts_us = ev->ts_us;
        conn->last_sip_frame = ev->frame;
        if (msg->is_request && !sc_sv_eq_ci (msg->method, "ACK"))
            conn->transactions++;
    }

    ScMessageFacts facts = {.frame = ev->frame,
                            .ts_us = ev->ts_us,
                            .conn_id = conn->id,
                            .is_request = msg->is_request,
                            .method = msg->is_request ? msg->method : msg->cseq_method,
                            .status = msg->status,
                            .src = ev->src,
                            .dst = ev->dst,
                            .transport = conn->transport,
                            .initiator = conn->initiator,
                            .initiator_ep = conn->a,
                            .alias = msg->via_count > 0 && msg->vias[0].has_alias};
    if (conn->transport != SC_TRANSPORT_UDP && conn->initiator == SC_INITIATOR_A) {
        facts.direction_known = TRUE;
        facts.backward = !from_a;
    }
    sc_rules_frame_message (core, msg, ev, conn);
    sc_ka_rules_sip_message (core, conn, from_a ? 0 : 1, ev->frame, ev->ts_us);
    g_string_truncate (core->expected, 0);
    if (msg->is_request)
        on_request (core, msg, ev, conn, from_a);
    else /* the expected destination is only for the facts, when someone reads them */
        on_response (core, msg, ev, conn, from_a, &facts,
                     core->sink.message ? core->expected : NULL);
    if (core->sink.message) {
        sc_flow_view (core, conn, &facts.flow); /* after the rules: a 2xx REGISTER binds */
        core->sink.message (&facts, core->user);
    }
    core->current_msg = NULL;
}

void
sc_core_finish (ScCore *core, gint64 ts_us)
{
    sc_core_advance_clock (core, ts_us);
    sc_ka_rules_deadlines (core, core->now_us, TRUE);
    /* Facts in id order would be nicer for readers; the report layer sorts them. Each report
     * unlinks its connection. */
    while (core->live_conns.head)
        conn_report (core, core->live_conns.head->data);
}
