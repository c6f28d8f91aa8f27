/* annotate.c — per-file state and what each frame shows: the core's findings and message facts
 * are stored by frame on the first pass and drawn on every pass. */
#include "sipconn_plugin.h"

#include <epan/wmem_scopes.h>

static void
nstime_set_from_us (nstime_t *t, gint64 us)
{
    t->secs = (time_t)(us / G_USEC_PER_SEC);
    t->nsecs = (int)((us % G_USEC_PER_SEC) * 1000);
}

static ScCore *core;
/* Connection id → ScStoredConn* (file scope). Ids are dense from 1, so an array: this is read
 * for every message drawn. */
static GPtrArray *conns;
static gboolean settled; /* the core has seen the whole capture */
static gint64 last_ts_us;
static GPtrArray *notes; /* frame number → ScFrameNotes* (file scope) or NULL */
/* Connection id → who opened it, for every connection a note names (dense ids, as conns). */
typedef struct {
    gboolean known;
    ScEndpoint initiator;
} StoredInitiator;
static GArray *initiators;
static GHashTable *tcp_conns; /* tcp.stream → ScTcpRef* */
static wmem_map_t *last_flow; /* connection id → the ScStoredFlow stored last for it */

/* Indexed by frame number: the first pass meets frames in order, so this stays dense, and a
 * lookup costs no hashing (a wmem_map was a tenth of the plugin's time). */
static ScFrameNotes *
notes_for (guint32 frame)
{
    if (frame >= notes->len)
        g_ptr_array_set_size (notes, MAX (frame + 1, notes->len * 2));
    ScFrameNotes *n = g_ptr_array_index (notes, frame);
    if (!n) {
        n = wmem_new0 (wmem_file_scope (), ScFrameNotes);
        g_ptr_array_index (notes, frame) = n;
    }
    return n;
}

const ScStoredMessage *
sc_plugin_notes_message (const ScFrameNotes *n, guint i)
{
    return i == 0 ? &n->first : wmem_array_index (n->more, i - 1);
}

/* A file-scope copy of @s, NULL for NULL (wmem_strdup () would store the text "<NULL>", which
 * the tree would then show as a flow token or server name). */
static char *
stored_strdup (const char *s)
{
    return s ? wmem_strdup (wmem_file_scope (), s) : NULL;
}

/* Keeps connection @conn_id's initiator (endpoint @a when @known); it never changes. */
static void
store_initiator (guint conn_id, gboolean known, const ScEndpoint *a)
{
    if (conn_id == 0)
        return;
    if (conn_id >= initiators->len)
        g_array_set_size (initiators, MAX (conn_id + 1, initiators->len * 2));
    StoredInitiator *s = &g_array_index (initiators, StoredInitiator, conn_id);
    s->known = known;
    s->initiator = *a;
}

const ScEndpoint *
sc_plugin_conn_initiator (guint conn_id)
{
    if (!initiators || conn_id == 0 || conn_id >= initiators->len)
        return NULL;
    const StoredInitiator *s = &g_array_index (initiators, StoredInitiator, conn_id);
    return s->known ? &s->initiator : NULL;
}

static gboolean
same_flow (const ScStoredFlow *s, const ScFlowView *v)
{
    return s->outbound == v->outbound && s->reg_id == v->reg_id &&
           s->flow_timer_s == v->flow_timer_s && s->keep_s == v->keep_s &&
           g_strcmp0 (s->instance, v->instance) == 0 && g_strcmp0 (s->token, v->token) == 0;
}

/* The stored copy of @v for connection @conn_id: the previous one while it has not changed. */
static const ScStoredFlow *
store_flow (guint conn_id, const ScFlowView *v)
{
    if (!v->outbound && !v->keep_s)
        return NULL;
    ScStoredFlow *s = wmem_map_lookup (last_flow, GUINT_TO_POINTER (conn_id));
    if (s && same_flow (s, v))
        return s;
    s = wmem_new0 (wmem_file_scope (), ScStoredFlow);
    s->outbound = v->outbound;
    s->instance = stored_strdup (v->instance);
    s->token = stored_strdup (v->token);
    s->reg_id = v->reg_id;
    s->flow_timer_s = v->flow_timer_s;
    s->keep_s = v->keep_s;
    wmem_map_insert (last_flow, GUINT_TO_POINTER (conn_id), s);
    return s;
}

static void
on_finding (const ScFinding *f, gpointer user)
{
    (void)user;
    ScStoredFinding s = {.rule = f->rule,
                         .n_frames = f->n_frames,
                         .conn_id = f->conn_id,
                         .message = stored_strdup (f->message)};
    memcpy (s.frames, f->frames, sizeof s.frames);
    ScFrameNotes *n = notes_for (f->frames[0]);
    if (!n->findings) /* most frames have none: allocate on the first */
        n->findings = wmem_array_new (wmem_file_scope (), sizeof (ScStoredFinding));
    wmem_array_append_one (n->findings, s);
}

static void
on_message (const ScMessageFacts *m, gpointer user)
{
    (void)user;
    ScStoredMessage s = {
        .conn_id = m->conn_id,
        .transport = (guint8)m->transport,
        .is_request = m->is_request != 0,
        .direction_known = m->direction_known != 0,
        .backward = m->backward != 0,
        .alias = m->alias != 0,
        .request_frame = m->request_frame,
        .expected_dest = stored_strdup (m->expected_dest),
        .flow = store_flow (m->conn_id, &m->flow),
    };
    store_initiator (m->conn_id, m->initiator == SC_INITIATOR_A, &m->initiator_ep);
    ScFrameNotes *n = notes_for (m->frame);
    if (n->n_messages == 0) {
        n->first = s;
    } else {
        if (!n->more)
            n->more = wmem_array_new (wmem_file_scope (), sizeof (ScStoredMessage));
        wmem_array_append_one (n->more, s);
    }
    n->n_messages++;
}

/* Appends to @top "response to frame 12 sent to 203.0.113.5:5060, expected
 * 203.0.113.5:40001 (rport)": one formatting, straight into the item's label. */
static void
append_message_summary (proto_item *top, const ScStoredMessage *m, const ScEndpoint *dst)
{
    char to[SC_ENDPOINT_STRLEN];
    sc_endpoint_format (dst, to);
    const char *dir = !m->direction_known ? "" : m->backward ? ", backward" : ", forward";
    if (m->is_request)
        proto_item_append_text (top, ": request sent to %s on %s %u%s", to,
                                m->transport == SC_TRANSPORT_UDP ? "flow" : "connection",
                                m->conn_id, dir);
    else if (m->request_frame)
        proto_item_append_text (top, ": response to frame %u sent to %s%s%s", m->request_frame, to,
                                m->expected_dest ? ", expected " : "",
                                m->expected_dest ? m->expected_dest : "");
    else
        proto_item_append_text (top, ": response sent to %s (its request was not captured)", to);
}

static void
on_keepalive (const ScKeepaliveFacts *k, gpointer user)
{
    (void)user;
    ScStoredKeepalive *s = wmem_new0 (wmem_file_scope (), ScStoredKeepalive);
    s->conn_id = k->conn_id;
    s->kind = k->kind;
    s->interval_us = k->interval_us;
    s->latency_us = k->latency_us;
    s->ping_frame = k->ping_frame;
    s->counted = k->counted;
    s->retransmission = k->retransmission;
    s->transport = (guint8)k->transport;
    store_initiator (k->conn_id, k->initiator == SC_INITIATOR_A, &k->a);
    s->mapped = stored_strdup (k->mapped);
    s->flow = store_flow (k->conn_id, &k->flow);
    notes_for (k->frame)->keepalive = s;
}

/* Classes are settled when a connection ends (or at capture end, see sc_plugin_settle). */
static void
on_connection (const ScConnFacts *c, gpointer user)
{
    (void)user;
    ScStoredConn *s = wmem_new (wmem_file_scope (), ScStoredConn);
    *s = (ScStoredConn){.klass = c->klass, .end_kind = sc_conn_end_kind (c), .tls = NULL};
    for (guint i = 0; i < 2; i++) {
        s->messages_from[i] = c->messages_from[i];
        s->bytes_from[i] = c->bytes_from[i];
        s->transactions_from[i] = c->transactions_from[i];
    }
    if (c->tls) {
        ScStoredTls *t = wmem_new (wmem_file_scope (), ScStoredTls);
        *t = (ScStoredTls){.version = c->tls->version,
                           .offered_version = c->tls->offered_version,
                           .server_name = stored_strdup (c->tls->server_name),
                           .resumed = c->tls->resumed,
                           .certificate_requested = c->tls->certificate_requested,
                           .client_certificate = c->tls->client_certificate,
                           .opaque_records_from = {c->tls->opaque_records_from[0],
                                                   c->tls->opaque_records_from[1]}};
        s->tls = t;
    }
    if (c->id >= conns->len)
        g_ptr_array_set_size (conns, MAX (c->id + 1, conns->len * 2));
    g_ptr_array_index (conns, c->id) = s;
}

static void
tcp_ref_free (gpointer p)
{
    ScTcpRef *r = p;
    sc_core_stream_release (core, r->conn);
    for (guint i = 0; i < 2; i++)
        if (r->side[i].pending)
            g_byte_array_unref (r->side[i].pending);
    g_free (r);
}

void
sc_plugin_state_init (void)
{
    ScConfig cfg;
    sc_config_init (&cfg);
    cfg.t1_ms = sc_pref_t1_ms ? sc_pref_t1_ms : cfg.t1_ms;
    cfg.udp_max_sip_bytes = sc_pref_udp_max_sip_bytes;
    cfg.udp_flow_idle_s = sc_pref_udp_flow_idle_s ? sc_pref_udp_flow_idle_s : cfg.udp_flow_idle_s;
    cfg.pong_timeout_ms = sc_pref_pong_timeout_ms;
    cfg.stun_timeout_ms = sc_pref_stun_timeout_ms;
    cfg.keepalive_slack_ms = sc_pref_keepalive_slack_ms;
    cfg.default_stun_interval_s = sc_pref_default_stun_interval_s;
    cfg.default_crlf_interval_s = sc_pref_default_crlf_interval_s;
    if (sc_pref_sip_ports) {
        memset (cfg.sip_ports, 0, sizeof cfg.sip_ports);
        for (guint i = 0; i < sc_pref_sip_ports->nranges; i++)
            for (guint32 p = sc_pref_sip_ports->ranges[i].low;
                 p <= sc_pref_sip_ports->ranges[i].high && p <= 65535; p++)
                sc_config_set_sip_port (&cfg, (guint16)p, TRUE);
    }
    ScSink sink = {on_finding, on_connection, on_message, on_keepalive};
    core = sc_core_new (&cfg, &sink, NULL);
    notes = g_ptr_array_new ();
    initiators = g_array_new (FALSE, TRUE, sizeof (StoredInitiator));
    conns = g_ptr_array_new ();
    last_flow = wmem_map_new (wmem_file_scope (), g_direct_hash, g_direct_equal);
    settled = FALSE;
    last_ts_us = 0;
    tcp_conns = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, tcp_ref_free);
}

void
sc_plugin_state_cleanup (void)
{
    /* Streams first: releasing them reports to the core, which must still exist. */
    if (tcp_conns)
        g_hash_table_destroy (tcp_conns);
    tcp_conns = NULL;
    sc_core_free (core);
    core = NULL;
    if (notes)
        g_ptr_array_free (notes, TRUE); /* the notes themselves are file scope: freed by epan */
    notes = NULL;
    if (initiators)
        g_array_free (initiators, TRUE);
    initiators = NULL;
    if (conns)
        g_ptr_array_free (conns, TRUE); /* the facts themselves are file scope */
    conns = NULL;
    last_flow = NULL;
}

ScCore *
sc_plugin_core (void)
{
    return core;
}

ScTcpRef *
sc_plugin_tcp_conn (guint32 stream, const ScEndpoint *a, const ScEndpoint *b, ScInitiator initiator,
                    guint32 frame, gint64 ts_us, gboolean *from_a, const ScEndpoint *src)
{
    ScTcpRef *r = g_hash_table_lookup (tcp_conns, GUINT_TO_POINTER (stream));
    if (!r) {
        r = g_new0 (ScTcpRef, 1);
        r->a = *a;
        r->initiator_known = initiator == SC_INITIATOR_A;
        r->conn = sc_core_stream_open (core, SC_TRANSPORT_TCP, a, b, initiator, frame, ts_us);
        g_hash_table_insert (tcp_conns, GUINT_TO_POINTER (stream), r);
    }
    *from_a = sc_endpoint_equal (src, &r->a);
    return r;
}

void
sc_plugin_note_tls (guint32 frame, const ScTcpRef *ref)
{
    guint id = sc_core_conn_id (ref->conn);
    ScFrameNotes *n = id ? notes_for (frame) : NULL;
    if (!n || n->tls_conn_id)
        return;
    n->tls_conn_id = id;
    store_initiator (id, ref->initiator_known, &ref->a);
}

void
sc_plugin_note_time (gint64 ts_us)
{
    last_ts_us = MAX (last_ts_us, ts_us);
}

void
sc_plugin_settle (void)
{
    /* The first later pass means the first one saw every frame: settle what needs the end of the
     * capture (connection classes), once. */
    if (settled || !core)
        return;
    settled = TRUE;
    sc_core_finish (core, last_ts_us);
}

const ScStoredConn *
sc_plugin_conn (guint conn_id)
{
    return conns && conn_id < conns->len ? g_ptr_array_index (conns, conn_id) : NULL;
}

const ScFrameNotes *
sc_plugin_notes (guint32 frame)
{
    return notes && frame < notes->len ? g_ptr_array_index (notes, frame) : NULL;
}

/* sipconn.flow and its identity (RFC 5626), sipconn.keep (RFC 6223). */
static void
draw_flow (proto_tree *st, tvbuff_t *tvb, guint conn_id, const ScStoredFlow *f)
{
    proto_item *it;
    if (f->outbound) {
        it = proto_tree_add_uint (st, hf_sipconn_flow, tvb, 0, 0, conn_id);
        proto_item_set_generated (it);
        proto_tree *ft = proto_item_add_subtree (it, ett_sipconn_flow);
        it = proto_tree_add_string (ft, hf_sipconn_flow_instance, tvb, 0, 0, f->instance);
        proto_item_set_generated (it);
        it = proto_tree_add_uint (ft, hf_sipconn_flow_reg_id, tvb, 0, 0, f->reg_id);
        proto_item_set_generated (it);
        if (f->token) {
            it = proto_tree_add_string (ft, hf_sipconn_flow_token, tvb, 0, 0, f->token);
            proto_item_set_generated (it);
        }
        if (f->flow_timer_s) {
            it = proto_tree_add_uint (ft, hf_sipconn_flow_timer, tvb, 0, 0, f->flow_timer_s);
            proto_item_set_generated (it);
        }
    }
    if (f->keep_s) {
        it = proto_tree_add_uint (st, hf_sipconn_keep, tvb, 0, 0, f->keep_s);
        proto_item_set_generated (it);
    }
}

/* Generated items (facts the capture implies, not bytes in it). */
static proto_item *
generated_string (proto_tree *tree, int hf, tvbuff_t *tvb, const char *value)
{
    proto_item *it = proto_tree_add_string (tree, hf, tvb, 0, 0, value);
    proto_item_set_generated (it);
    return it;
}

static void
generated_uint64 (proto_tree *tree, int hf, tvbuff_t *tvb, guint64 value)
{
    proto_item_set_generated (proto_tree_add_uint64 (tree, hf, tvb, 0, 0, value));
}

/* The connection's facts (class, per-direction counts, end): known once it ended. */
static void
draw_conn_facts (proto_tree *ct, tvbuff_t *tvb, const ScStoredConn *c)
{
    if (!c)
        return;
    generated_string (ct, hf_sipconn_conn_class, tvb, c->klass);
    generated_uint64 (ct, hf_sipconn_conn_messages_a, tvb, c->messages_from[0]);
    generated_uint64 (ct, hf_sipconn_conn_messages_b, tvb, c->messages_from[1]);
    generated_uint64 (ct, hf_sipconn_conn_bytes_a, tvb, c->bytes_from[0]);
    generated_uint64 (ct, hf_sipconn_conn_bytes_b, tvb, c->bytes_from[1]);
    generated_uint64 (ct, hf_sipconn_conn_transactions_a, tvb, c->transactions_from[0]);
    generated_uint64 (ct, hf_sipconn_conn_transactions_b, tvb, c->transactions_from[1]);
    if (c->end_kind)
        generated_string (ct, hf_sipconn_conn_end, tvb, c->end_kind);
}

/* The TLS handshake facts, under the connection. */
static void
draw_tls_facts (proto_tree *ct, tvbuff_t *tvb, const ScStoredTls *t)
{
    proto_item *it =
        generated_string (ct, hf_sipconn_tls_version, tvb, t->version ? t->version : "unknown");
    proto_tree *tt = proto_item_add_subtree (it, ett_sipconn_tls);
    if (t->offered_version)
        generated_string (tt, hf_sipconn_tls_offered_version, tvb, t->offered_version);
    if (t->server_name)
        generated_string (tt, hf_sipconn_tls_server_name, tvb, t->server_name);
    generated_string (tt, hf_sipconn_tls_cert_requested, tvb,
                      t->certificate_requested < 0    ? "not evaluable"
                      : t->certificate_requested == 1 ? "yes"
                                                      : "no");
    generated_string (tt, hf_sipconn_tls_client_cert, tvb,
                      t->client_certificate ? t->client_certificate : "not evaluable");
    proto_item_set_generated (
        proto_tree_add_boolean (tt, hf_sipconn_tls_resumed, tvb, 0, 0, t->resumed));
    generated_uint64 (tt, hf_sipconn_tls_opaque_a, tvb, t->opaque_records_from[0]);
    generated_uint64 (tt, hf_sipconn_tls_opaque_b, tvb, t->opaque_records_from[1]);
}

/* sipconn.conn and its subtree: transport, initiator ("unknown" when not seen), then the facts
 * known once the connection ended. */
static void
draw_conn (proto_tree *st, tvbuff_t *tvb, guint conn_id, ScTransport transport)
{
    const ScEndpoint *initiator = sc_plugin_conn_initiator (conn_id);
    proto_item *it = proto_tree_add_uint (st, hf_sipconn_conn, tvb, 0, 0, conn_id);
    proto_item_set_generated (it);
    proto_tree *ct = proto_item_add_subtree (it, ett_sipconn_conn);
    generated_string (ct, hf_sipconn_conn_transport, tvb, sc_transport_name (transport));
    char ep[SC_ENDPOINT_STRLEN];
    generated_string (ct, hf_sipconn_conn_initiator, tvb,
                      initiator ? sc_endpoint_format (initiator, ep) : "unknown");
    const ScStoredConn *c = sc_plugin_conn (conn_id);
    draw_conn_facts (ct, tvb, c);
    if (c && c->tls)
        draw_tls_facts (ct, tvb, c->tls);
}

void
sc_plugin_draw (tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    const ScFrameNotes *n = sc_plugin_notes (pinfo->num);
    if (!n)
        return;
    ScEndpoint dst;
    gboolean dst_known = sc_plugin_endpoint (&pinfo->net_dst, pinfo->destport, &dst);
    proto_item *top = proto_tree_add_item (tree, proto_sipconn, tvb, 0, 0, ENC_NA);
    proto_tree *st = proto_item_add_subtree (top, ett_sipconn);
    for (guint i = 0; i < n->n_messages; i++) {
        const ScStoredMessage *m = sc_plugin_notes_message (n, i);
        if (i == 0 && dst_known) /* always: messages are noted only between IP addresses */
            append_message_summary (top, m, &dst);
        draw_conn (st, tvb, m->conn_id, m->transport);
        proto_item *it;
        if (m->direction_known) {
            it = proto_tree_add_string (st, hf_sipconn_direction, tvb, 0, 0,
                                        m->backward ? "backward" : "forward");
            proto_item_set_generated (it);
        }
        if (m->alias) { /* present only when offered: filter with sipconn.alias */
            it = proto_tree_add_boolean (st, hf_sipconn_alias, tvb, 0, 0, TRUE);
            proto_item_set_generated (it);
        }
        if (m->flow)
            draw_flow (st, tvb, m->conn_id, m->flow);
        if (m->request_frame) {
            it = proto_tree_add_uint (st, hf_sipconn_response_request, tvb, 0, 0, m->request_frame);
            proto_item_set_generated (it);
        }
        if (m->expected_dest) {
            it = proto_tree_add_string (st, hf_sipconn_expected_dest, tvb, 0, 0, m->expected_dest);
            proto_item_set_generated (it);
        }
    }
    if (n->tls_conn_id && n->n_messages == 0) { /* a message's subtree shows its connection */
        proto_item_append_text (top, ": TLS on connection %u", n->tls_conn_id);
        draw_conn (st, tvb, n->tls_conn_id, SC_TRANSPORT_TLS);
    }
    if (n->keepalive) {
        const ScStoredKeepalive *k = n->keepalive;
        proto_item_append_text (
            top, ": %s%s on %s %u", k->kind, k->retransmission ? " (retransmission)" : "",
            k->transport == SC_TRANSPORT_UDP ? "flow" : "connection", k->conn_id);
        proto_item *it = proto_tree_add_uint (st, hf_sipconn_conn, tvb, 0, 0, k->conn_id);
        proto_item_set_generated (it);
        it = proto_tree_add_string (st, hf_sipconn_ka, tvb, 0, 0, k->kind);
        proto_item_set_generated (it);
        nstime_t t;
        if (k->interval_us >= 0) {
            nstime_set_from_us (&t, k->interval_us);
            it = proto_tree_add_time (st, hf_sipconn_ka_interval, tvb, 0, 0, &t);
            proto_item_set_generated (it);
        }
        if (k->latency_us >= 0) {
            nstime_set_from_us (&t, k->latency_us);
            it = proto_tree_add_time (st, hf_sipconn_ka_pong_latency, tvb, 0, 0, &t);
            proto_item_set_generated (it);
            it = proto_tree_add_uint (st, hf_sipconn_ka_ping, tvb, 0, 0, k->ping_frame);
            proto_item_set_generated (it);
        }
        if (k->flow)
            draw_flow (st, tvb, k->conn_id, k->flow);
        if (k->mapped) {
            it = proto_tree_add_string (st, hf_sipconn_ka_mapped, tvb, 0, 0, k->mapped);
            proto_item_set_generated (it);
        }
        if (k->retransmission) {
            it = proto_tree_add_boolean (st, hf_sipconn_ka_retransmission, tvb, 0, 0, TRUE);
            proto_item_set_generated (it);
        }
    }
    for (guint i = 0; n->findings && i < wmem_array_get_count (n->findings); i++) {
        ScStoredFinding *f = wmem_array_index (n->findings, i);
        const ScRuleInfo *info = sc_rule_info (f->rule);
        proto_item *it = proto_tree_add_string (st, hf_sipconn_rule, tvb, 0, 0, info->id);
        proto_item_set_generated (it);
        proto_tree *ft = proto_item_add_subtree (it, ett_sipconn_finding);
        expert_add_info_format (pinfo, it, &ei_sipconn[f->rule], "%s: %s (%s)", info->id,
                                f->message, info->reference);
        for (guint k = 1; k < f->n_frames; k++) {
            proto_item *rel = proto_tree_add_uint (ft, hf_sipconn_related, tvb, 0, 0, f->frames[k]);
            proto_item_set_generated (rel);
        }
        proto_item_append_text (top, ", %s", info->id);
    }
}
