/* outbound.c — RFC 5626 outbound registrations and RFC 6223 keep negotiation: what each flow has
 * agreed (binding, Flow-Timer, keep, committed peer), and the rules that judge the messages
 * themselves: FLOW-002, FLOW-003, FLOW-004, FLOW-005, KA-007, KA-009. The timing of the
 * keep-alives is judged in ka_rules.c against what is recorded here. */
#include "core_private.h"

#include <string.h>

#define SC_DEFAULT_EXPIRES_S 3600 /* RFC 3261 §10.2.1.1: a registrar's usual default */

ScFlow *
sc_flow_get (ScConn *conn)
{
    if (!conn->flow) {
        conn->flow = g_new0 (ScFlow, 1);
        conn->flow->ua = -1;
        conn->flow->keep_sender = -1;
    }
    return conn->flow;
}

void
sc_flow_free (ScFlow *f)
{
    if (!f)
        return;
    g_free (f->aor);
    g_free (f->instance);
    g_free (f->token);
    g_free (f->contact_key);
    g_free (f->ua_sent_by);
    if (f->mappings)
        g_array_unref (f->mappings);
    g_free (f);
}

/* Most REGISTERs' AOR, instance and Contact key fit in this; the rest get a block of their own. */
#define SC_REGISTER_BLOCK 320      /* bytes */
#define SC_REGISTER_SPARE_MAX 1024 /* spare blocks kept: 320 KiB at most */

void
sc_outbound_register_blocks_init (ScBlockPool *pool)
{
    sc_block_pool_init (pool, SC_REGISTER_BLOCK, SC_REGISTER_SPARE_MAX);
}

void
sc_outbound_free_register (ScTxnRegister *reg)
{
    if (!reg)
        return;
    g_free (reg->token);
    sc_block_pool_release (reg->pool, reg); /* its other texts are in the same block */
}

static gboolean
outbound_live (const ScCore *core, const ScFlow *f)
{
    return f->outbound && (f->expires_at_us == 0 || core->now_us <= f->expires_at_us);
}

gint64
sc_flow_interval_us (const ScCore *core, const ScConn *conn, gboolean stun, ScTimerSource *source)
{
    const ScFlow *f = conn->flow;
    *source = SC_TIMER_NONE;
    if (!f)
        return 0;
    gboolean live = outbound_live (core, f);
    guint32 flow_timer = live ? f->flow_timer_s : 0;
    if (flow_timer || f->keep_s) {
        /* Both negotiated and different: the larger applies (and KA-009 has said so). */
        *source = flow_timer >= f->keep_s ? SC_TIMER_FLOW_TIMER : SC_TIMER_KEEP;
        return (gint64)MAX (flow_timer, f->keep_s) * G_USEC_PER_SEC;
    }
    if (live) {
        *source = SC_TIMER_DEFAULT;
        return (gint64)(stun ? core->cfg.default_stun_interval_s
                             : core->cfg.default_crlf_interval_s) *
               G_USEC_PER_SEC;
    }
    return 0;
}

void
sc_flow_view (const ScCore *core, const ScConn *conn, ScFlowView *view)
{
    memset (view, 0, sizeof *view);
    const ScFlow *f = conn->flow;
    if (!f)
        return;
    view->keep_s = f->keep_s;
    if (!outbound_live (core, f))
        return;
    view->outbound = TRUE;
    view->instance = f->instance;
    view->token = f->token;
    view->reg_id = f->reg_id;
    view->flow_timer_s = f->flow_timer_s;
}

static const char *
method_or_status (const ScSipMsg *msg, char buf[48])
{
    if (msg->is_request)
        g_snprintf (buf, 48, "%.*s", (int)MIN (msg->method.len, 32), msg->method.p);
    else
        g_snprintf (buf, 48, "%u response", msg->status);
    return buf;
}

/* FLOW-002 (RFC 5626 §4.2.1, §10): the first wrong Contact of a REGISTER. */
static void
check_reg_id (ScCore *core, const ScSipMsg *msg, const ScMsgEvent *ev, ScConn *conn)
{
    const char *why = NULL;
    for (guint i = 0; i < MIN (msg->contact_count, SC_SIP_MAX_CONTACTS) && !why; i++) {
        const ScSipContact *c = &msg->contacts[i];
        if (c->star && (c->has_reg_id || c->instance.p))
            why = "Contact * with reg-id or +sip.instance";
        else if (c->has_reg_id && !c->instance.p)
            why = "reg-id without +sip.instance";
        else if (c->has_reg_id && !c->reg_id_ok)
            why = "reg-id outside 1 to 2^31-1";
    }
    if (why)
        sc_core_report (core, SC_RULE_FLOW_002, conn, ev->ts_us, 1, &ev->frame,
                        "REGISTER Contact: %s", why);
}

/* Copies the @len bytes at @p to *@at, NUL-terminated, and moves *@at past them; NULL for no @p. */
static char *
put_text (char **at, const char *p, gsize len)
{
    if (!p)
        return NULL;
    char *out = memcpy (*at, p, len);
    out[len] = '\0';
    *at += len + 1;
    return out;
}

/* What the REGISTER asks for, in one block: the struct, then its AOR, instance and Contact key
 * (a flow token is learnt later and has its own). */
static ScTxnRegister *
register_of (ScCore *core, const ScSipMsg *msg)
{
    const ScSipContact *chosen = NULL;
    for (guint i = 0; i < MIN (msg->contact_count, SC_SIP_MAX_CONTACTS) && !chosen; i++) {
        const ScSipContact *c = &msg->contacts[i];
        if (!c->star && c->instance.p && c->reg_id_ok)
            chosen = c;
    }
    const char *contact_key =
        chosen && chosen->uri_ok ? sc_flow_uri_key_in (&chosen->uri, core->uri_key) : NULL;
    gsize room = (msg->to_uri.p ? msg->to_uri.len + 1 : 0) +
                 (chosen ? chosen->instance.len + 1 : 0) +
                 (contact_key ? core->uri_key->len + 1 : 0);
    ScBlockPool *owner;
    ScTxnRegister *reg =
        sc_block_pool_acquire (&core->register_blocks, sizeof *reg + room, sizeof *reg, &owner);
    reg->pool = owner;
    char *text = (char *)(reg + 1);
    reg->aor = put_text (&text, msg->to_uri.p, msg->to_uri.len);
    if (chosen) {
        reg->instance = put_text (&text, chosen->instance.p, chosen->instance.len);
        reg->reg_id = chosen->reg_id;
        reg->contact_expires_set = chosen->has_expires;
        reg->contact_expires_s = chosen->expires;
        reg->contact_key = put_text (&text, contact_key, contact_key ? core->uri_key->len : 0);
    }
    if (!reg->contact_expires_set && msg->has_expires) {
        reg->contact_expires_set = TRUE;
        reg->contact_expires_s = msg->expires_s;
    }
    reg->supported_outbound = msg->supported_outbound;
    for (guint i = 0; i < msg->path_count; i++)
        reg->path_ob |= msg->path[i].ob;
    reg->via_count = msg->via_count;
    return reg;
}

/* "aor|instance|reg-id" written into the core's scratch: (transfer none), valid until the next
 * call. */
static const char *
binding_key (ScCore *core, const char *aor, const char *instance, guint32 reg_id)
{
    char id[11];
    *sc_put_uint (id, reg_id) = '\0';
    GString *k = core->binding_key;
    g_string_assign (k, aor ? aor : "");
    g_string_append_c (k, '|');
    g_string_append (k, instance);
    g_string_append_c (k, '|');
    g_string_append (k, id);
    return k->str;
}

void
sc_outbound_request (ScCore *core, const ScSipMsg *msg, const ScMsgEvent *ev, ScConn *conn,
                     gboolean from_a, ScTxn *txn, gboolean first_copy)
{
    if (!first_copy)
        return; /* a retransmission: judged once */
    sc_flow_rules_request (core, msg, ev, conn, from_a);
    char what[48];
    if (msg->any_via_keep_value)
        sc_core_report (core, SC_RULE_KA_007, conn, ev->ts_us, 1, &ev->frame,
                        "%s carries keep with a value in a Via (a request offers bare keep)",
                        method_or_status (msg, what));
    gboolean top_keep = msg->via_count > 0 && msg->vias[0].valid && msg->vias[0].has_keep;
    if (top_keep && sc_sv_eq_ci (msg->method, "ACK"))
        sc_core_report (core, SC_RULE_KA_009, conn, ev->ts_us, 1, &ev->frame,
                        "ACK with keep in its top Via (RFC 6223 §4.3: not in ACK)");
    if (msg->has_flow_timer)
        sc_core_report (core, SC_RULE_FLOW_004, conn, ev->ts_us, 1, &ev->frame,
                        "Flow-Timer in a %s request (only a 2xx REGISTER with Require: outbound "
                        "sets it)",
                        method_or_status (msg, what));
    if (txn && top_keep) {
        txn->keep_offered = TRUE;
        txn->keep_offered_by = from_a ? 0 : 1;
    }
    if (!sc_sv_eq_ci (msg->method, "REGISTER"))
        return;
    check_reg_id (core, msg, ev, conn);
    if (!txn)
        return;
    txn->is_register = TRUE;
    /* Only a REGISTER with outbound parameters needs its details kept (most do not: they cost
     * nothing beyond the transaction). */
    gboolean outbound_params = msg->supported_outbound;
    for (guint i = 0; i < MIN (msg->contact_count, SC_SIP_MAX_CONTACTS); i++)
        outbound_params |= msg->contacts[i].instance.p || msg->contacts[i].has_reg_id;
    if (!outbound_params)
        return;
    txn->reg = register_of (core, msg);
    if (txn->reg->instance && txn->reg->supported_outbound && txn->reg->via_count == 1)
        sc_flow_rules_ua_register (core, msg, conn, from_a ? 0 : 1);

    /* An edge proxy's forwarded copy: its Path value with ob names the UA's flow (§5.1); the
     * second Via leads back to the UA's REGISTER. */
    ScTxnKey key;
    if (msg->via_count >= 2 && msg->vias[1].valid &&
        sc_txn_key (msg, &msg->vias[1], msg->method, core->key, &key)) {
        ScTxn *upstream = sc_txn_lookup (core, &key);
        for (guint i = 0; upstream && upstream->reg && i < msg->path_count; i++) {
            if (msg->path[i].ob && !upstream->reg->token) {
                upstream->reg->token = sc_sv_dup (msg->path[i].uri);
                /* A binding made before the forwarded copy was seen learns its token now. */
                for (guint k = 0; k < upstream->n_copies; k++) {
                    ScConn *c = upstream->copies[k].conn;
                    if (c && c->flow && c->flow->outbound && !c->flow->token)
                        c->flow->token = g_strdup (upstream->reg->token);
                }
            }
        }
    }

    /* A REGISTER from the UA for its instance and reg-id: a changed mapping is being dealt with
     * (RFC 5626 §4.4.2: re-register on flow failure), KA-008 no longer applies. */
    if (txn->reg->instance) {
        const char *key = binding_key (core, txn->reg->aor, txn->reg->instance, txn->reg->reg_id);
        ScConn *bound = g_hash_table_lookup (core->bindings, key);
        if (bound && bound->flow)
            bound->flow->changed_frame = 0;
        if (conn->flow)
            conn->flow->changed_frame = 0;
    }
}

/* The binding's lifetime: the 2xx Contact for this instance and reg-id, else the 2xx Expires,
 * else what the REGISTER asked for, else the registrar's usual default. */
static guint32
binding_expires (const ScSipMsg *resp, const ScTxnRegister *reg)
{
    for (guint i = 0; i < MIN (resp->contact_count, SC_SIP_MAX_CONTACTS); i++) {
        const ScSipContact *c = &resp->contacts[i];
        if (c->has_expires && c->instance.p && c->reg_id_ok && c->reg_id == reg->reg_id &&
            sc_sv_eq_ci (c->instance, reg->instance))
            return c->expires;
    }
    if (resp->has_expires)
        return resp->expires_s;
    return reg->contact_expires_set ? reg->contact_expires_s : SC_DEFAULT_EXPIRES_S;
}

static void
end_binding (ScCore *core, const char *key)
{
    ScConn *old = g_hash_table_lookup (core->bindings, key);
    if (old && old->flow) {
        old->flow->outbound = FALSE;
        if (old->flow->contact_key &&
            g_hash_table_lookup (core->contacts, old->flow->contact_key) == old)
            g_hash_table_remove (core->contacts, old->flow->contact_key);
    }
    g_hash_table_remove (core->bindings, key);
}

/* RFC 5626 §6: a 2xx with Require: outbound to a REGISTER straight from the UA binds the flow
 * that carried it; expires 0 removes the binding, another flow replaces it. */
static void
bind_flow (ScCore *core, const ScSipMsg *resp, const ScMsgEvent *ev, ScTxn *txn)
{
    ScTxnRegister *reg = txn->reg;
    ScConn *flow_conn = txn->copies[0].conn;
    if (!flow_conn)
        return;
    const char *key = binding_key (core, reg->aor, reg->instance, reg->reg_id);
    guint32 expires = binding_expires (resp, reg);
    if (expires == 0) {
        end_binding (core, key);
        return;
    }
    ScConn *old = g_hash_table_lookup (core->bindings, key);
    if (old != flow_conn) {
        end_binding (core, key);
        g_hash_table_insert (core->bindings, g_strdup (key), sc_conn_ref (flow_conn));
    }
    ScFlow *f = sc_flow_get (flow_conn);
    f->outbound = TRUE;
    sc_str_set (&f->aor, reg->aor);
    sc_str_set (&f->instance, reg->instance);
    f->reg_id = reg->reg_id;
    if (reg->token && !f->token)
        f->token = g_strdup (reg->token);
    f->expires_at_us = ev->ts_us + (gint64)expires * G_USEC_PER_SEC;
    f->binding_frame = ev->frame;
    f->ua = sc_endpoint_equal (&txn->copies[0].src, &flow_conn->a) ? 0 : 1;
    f->committed[1 - f->ua] = TRUE;
    f->flow_timer_s = resp->has_flow_timer ? resp->flow_timer_s : 0;
    f->changed_frame = 0;
    sc_flow_rules_bound (core, flow_conn, reg->contact_key);
    /* The message that set the interval starts the UA's gap (RULES.md "Gap"). */
    f->gap_open = TRUE;
    f->gap_start_us = ev->ts_us;
    f->gap_start_frame = ev->frame;
}

/* RFC 6223 §5: keep=N in the top Via of a response to a request that offered keep. */
static void
note_keep (ScCore *core, const ScVia *top, const ScMsgEvent *ev, ScTxn *txn)
{
    ScConn *c = txn->copies[0].conn;
    if (!c)
        return;
    ScFlow *f = sc_flow_get (c);
    f->keep_s = top->keep_s; /* 0: "at its discretion", no interval */
    f->keep_sender = txn->keep_offered_by;
    if (top->keep_s > 0) {
        f->committed[1 - txn->keep_offered_by] = TRUE;
        f->gap_open = TRUE;
        f->gap_start_us = ev->ts_us;
        f->gap_start_frame = ev->frame;
    }
    (void)core;
}

void
sc_outbound_response (ScCore *core, const ScSipMsg *msg, const ScMsgEvent *ev, ScConn *conn,
                      gboolean from_a, ScTxn *txn)
{
    (void)from_a;
    const ScVia *top = msg->via_count > 0 && msg->vias[0].valid ? &msg->vias[0] : NULL;
    gboolean is_2xx = msg->status >= 200 && msg->status < 300;
    gboolean register_2xx = is_2xx && sc_sv_eq_ci (msg->cseq_method, "REGISTER");
    /* Retransmitted responses are judged once. */
    gboolean first = !txn || sc_txn_first_report (txn, SC_RULE_COUNT, msg->status);

    if (first && top && top->keep_has_value && msg->has_flow_timer &&
        top->keep_s != msg->flow_timer_s)
        sc_core_report (core, SC_RULE_KA_009, conn, ev->ts_us, 1, &ev->frame,
                        "%u response with keep=%u and Flow-Timer: %u (RFC 6223 §4.4: they must "
                        "agree)",
                        msg->status, top->keep_s, msg->flow_timer_s);
    if (first && txn && top && top->keep_has_value) {
        if (!txn->resp_keep_seen) {
            txn->resp_keep_seen = TRUE;
            txn->resp_keep_s = top->keep_s;
            txn->resp_keep_frame = ev->frame;
        } else if (txn->resp_keep_s != top->keep_s) {
            guint32 frames[] = {ev->frame, txn->resp_keep_frame};
            sc_core_report (core, SC_RULE_KA_009, conn, ev->ts_us, 2, frames,
                            "responses to one request with keep=%u and keep=%u (frame %u)",
                            top->keep_s, txn->resp_keep_s, txn->resp_keep_frame);
        }
    }
    if (first && msg->has_flow_timer && !(register_2xx && msg->require_outbound))
        sc_core_report (core, SC_RULE_FLOW_004, conn, ev->ts_us, 1, &ev->frame,
                        "Flow-Timer in a %u %.*s response without Require: outbound (the UA "
                        "need not honour it)",
                        msg->status, (int)MIN (msg->cseq_method.len, 32), msg->cseq_method.p);
    if (!txn)
        return;
    if (txn->keep_offered && top && top->keep_has_value)
        note_keep (core, top, ev, txn);

    if (!txn->is_register || !register_2xx)
        return;
    ScTxnRegister *reg = txn->reg; /* NULL: a REGISTER without outbound parameters */
    gboolean instance = reg && reg->instance;
    guint32 frames[] = {ev->frame, txn->frame};
    if (first && instance && reg->supported_outbound && !msg->require_outbound)
        sc_core_report (core, SC_RULE_FLOW_003, conn, ev->ts_us, 2, frames,
                        "REGISTER with +sip.instance, reg-id and Supported: outbound accepted "
                        "without Require: outbound: no outbound on this flow");
    if (first && msg->require_outbound) {
        const char *why = !instance                  ? "no Contact with +sip.instance and reg-id"
                          : !reg->supported_outbound ? "no Supported: outbound"
                          : reg->via_count > 1 && !reg->path_ob
                              ? "more than one Via and no Path value with ob"
                              : NULL;
        if (why)
            sc_core_report (core, SC_RULE_FLOW_005, conn, ev->ts_us, 2, frames,
                            "Require: outbound in a 2xx to a REGISTER with %s (RFC 5626 §6)", why);
    }
    if (msg->require_outbound && instance && reg->via_count == 1)
        bind_flow (core, msg, ev, txn);

    /* The mapped address the server saw (received/rport), for KA-003 on the UA's flow. */
    ScConn *req_conn = txn->copies[0].conn;
    if (top && top->rport_valid && req_conn && req_conn->transport == SC_TRANSPORT_UDP) {
        /* Without received the server saw the sent-by host (RFC 3261 §18.2.1). */
        gboolean known = top->received_is_ip || top->host_is_ip;
        ScEndpoint mapped = top->received_is_ip ? top->received_ip : top->host_ip;
        mapped.port = top->rport;
        if (known)
            sc_ka_rules_mapping (core, req_conn, &mapped, ev->frame, ev->ts_us);
    }
}
