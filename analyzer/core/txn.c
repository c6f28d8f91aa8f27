/* txn.c — transaction matching (RFC 3261 §17.1.3, §17.2.3) and the transaction table.
 *
 * A transaction lives from its request until 64×T1 after its final response (the longest a
 * retransmission may follow), or, without a final response, 64×T1 after its last message
 * (INVITE: 200 s, past RFC 3261 Timer C's 3 minutes). The table is capped (cfg.txn_max). */
#include "core_private.h"

#include <string.h>

#define SC_MAGIC_COOKIE "z9hG4bK"
#define SC_INVITE_PENDING_US (200 * G_USEC_PER_SEC)

/* Key building runs for every message: the key's greatest length is known from the views, so
 * it is written in place with one resize and no appends. */
static char *
put_lower (char *p, ScStrView v)
{
    for (gsize i = 0; i < v.len; i++)
        p[i] = sc_ascii_lower (v.p[i]);
    return p + v.len;
}

static char *
put_sv (char *p, ScStrView v)
{
    if (v.len)
        memcpy (p, v.p, v.len);
    return p + v.len;
}

gboolean
sc_txn_key (const ScSipMsg *msg, const ScVia *via, ScStrView method, GString *out, ScTxnKey *key)
{
    g_string_truncate (out, 0);
    if (!via->valid)
        return FALSE;
    gboolean rfc3261 =
        via->branch.len >= 7 && sc_sv_eq_ci ((ScStrView){via->branch.p, 7}, SC_MAGIC_COOKIE);
    if (!rfc3261 && (!msg->call_id.p || !msg->has_cseq))
        return FALSE; /* RFC 2543 peers: Call-ID, CSeq number, From tag and the top Via */
    ScStrView from_tag = rfc3261 ? SC_SV_EMPTY : sc_sip_tag (msg->from);
    /* "2|" call-id "|" cseq "|" from-tag "|" branch "|" host ":" port "|" METHOD */
    gsize most = 2 + msg->call_id.len + 1 + 10 + 1 + from_tag.len + 1 + via->branch.len + 1 +
                 via->host.len + 1 + 5 + 1 + method.len;
    g_string_set_size (out, most);
    char *p = out->str;
    if (rfc3261) {
        *p++ = '3';
        *p++ = '|';
    } else {
        *p++ = '2';
        *p++ = '|';
        p = put_sv (p, msg->call_id);
        *p++ = '|';
        p = sc_put_uint (p, msg->cseq_number);
        *p++ = '|';
        p = put_sv (p, from_tag);
        *p++ = '|';
    }
    p = put_lower (p, via->branch);
    *p++ = '|';
    p = put_lower (p, via->host);
    *p++ = ':';
    p = sc_put_uint (p, via->port);
    *p++ = '|';
    for (gsize i = 0; i < method.len; i++)
        *p++ = sc_ascii_upper (method.p[i]);
    g_string_truncate (out, (gsize)(p - out->str));
    key->str = out->str;
    key->len = out->len;
    key->hash = sc_mem_hash (out->str, out->len);
    return TRUE;
}

guint64
sc_call_cseq_id (const ScSipMsg *msg)
{
    /* The Call-ID's hash, then the number mixed in the same way as one more word of text. */
    guint64 words[2] = {sc_mem_hash64 (msg->call_id.p ? msg->call_id.p : "", msg->call_id.len),
                        msg->cseq_number};
    return sc_mem_hash64 (words, sizeof words);
}

guint
sc_txn_key_hash (gconstpointer key)
{
    return ((const ScTxnKey *)key)->hash;
}

gboolean
sc_txn_key_equal (gconstpointer a, gconstpointer b)
{
    const ScTxnKey *x = a, *y = b;
    return x->hash == y->hash && x->len == y->len && memcmp (x->str, y->str, x->len) == 0;
}

ScTxn *
sc_txn_lookup (ScCore *core, const ScTxnKey *key)
{
    return g_hash_table_lookup (core->txns, key);
}

/* A transaction's block when its key and top Via host fit (nearly all) is one of
 * ScCore.txn_blocks: a steady stream of requests allocates nothing once as many blocks exist as
 * transactions live at once. */
#define SC_TXN_BLOCK 768      /* bytes */
#define SC_TXN_SPARE_MAX 4096 /* spare blocks kept: 3 MiB at most */

void
sc_txn_blocks_init (ScBlockPool *pool)
{
    sc_block_pool_init (pool, SC_TXN_BLOCK, SC_TXN_SPARE_MAX);
}

void
sc_txn_free (gpointer p)
{
    ScTxn *txn = p;
    for (guint i = 0; i < txn->n_copies; i++)
        sc_conn_unref (txn->copies[i].conn);
    if (txn->expiry_queue)
        sc_queue_unlink (txn->expiry_queue, &txn->expiry_link);
    sc_outbound_free_register (txn->reg);
    sc_block_pool_release (txn->pool, txn);
}

/* A zeroed transaction with @text_room bytes after it (not zeroed: the caller writes them). */
static ScTxn *
txn_block (ScCore *core, gsize text_room)
{
    ScBlockPool *owner;
    ScTxn *txn = sc_block_pool_acquire (&core->txn_blocks, sizeof (ScTxn) + text_room,
                                        sizeof (ScTxn), &owner);
    txn->pool = owner;
    return txn;
}

/* @host_room: via->host.len + 1 bytes for the host, in the transaction's block. */
static void
copy_via (ScTxnVia *dst, const ScVia *via, char *host_room)
{
    dst->valid = via->valid;
    dst->transport = via->transport;
    dst->host = NULL;
    if (via->host.p) {
        memcpy (host_room, via->host.p, via->host.len);
        host_room[via->host.len] = '\0';
        dst->host = host_room;
    }
    dst->port = via->port;
    dst->host_is_ip = via->host_is_ip;
    dst->host_ip = via->host_ip;
    dst->has_rport = via->has_rport;
    dst->rport_has_value = via->rport_has_value;
    dst->has_maddr = via->has_maddr;
    if (via->has_maddr)
        dst->maddr_is_ip = sc_ip_parse (via->maddr.p, via->maddr.len, &dst->maddr_ip);
}

static gboolean
expired (ScCore *core, const ScTxn *txn)
{
    gint64 linger = (gint64)core->cfg.t1_ms * 64 * 1000;
    if (txn->final_seen)
        return core->now_us - MAX (txn->final_ts_us, txn->last_ts_us) > linger;
    return core->now_us - txn->last_ts_us > (txn->is_invite ? SC_INVITE_PENDING_US : linger);
}

/* Records activity at @ts_us and moves @txn to the tail of the queue its state belongs in. */
void
sc_txn_touch (ScCore *core, ScTxn *txn, gint64 ts_us)
{
    txn->last_ts_us = MAX (txn->last_ts_us, ts_us);
    GQueue *q = &core->txn_expiry[txn->is_invite && !txn->final_seen ? SC_TXN_QUEUE_INVITE
                                                                     : SC_TXN_QUEUE_LINGER];
    if (txn->expiry_queue)
        sc_queue_unlink (txn->expiry_queue, &txn->expiry_link);
    txn->expiry_link.data = txn;
    txn->expiry_queue = q;
    g_queue_push_tail_link (q, &txn->expiry_link);
}

/* Ends the transactions whose time is up: each queue from its head while the head has expired.
 * (A capture's timestamps may step back a little, so a queue is only nearly in order; a
 * transaction behind a younger one then goes at the next sweep after that one.) */
void
sc_txn_sweep (ScCore *core)
{
    for (guint q = 0; q < G_N_ELEMENTS (core->txn_expiry); q++) {
        GList *head;
        while ((head = core->txn_expiry[q].head) && expired (core, head->data))
            g_hash_table_remove (core->txns, &((ScTxn *)head->data)->key);
    }
}

/* Makes room when the table is full: expired ones first, then any (counted as evicted). */
static void
make_room (ScCore *core)
{
    if (g_hash_table_size (core->txns) < core->cfg.txn_max)
        return;
    sc_txn_sweep (core);
    guint target = core->cfg.txn_max - core->cfg.txn_max / 8;
    GHashTableIter it;
    g_hash_table_iter_init (&it, core->txns);
    while (g_hash_table_size (core->txns) > target && g_hash_table_iter_next (&it, NULL, NULL)) {
        g_hash_table_iter_remove (&it);
        core->txn_evicted++;
    }
}

ScTxn *
sc_txn_insert (ScCore *core, const ScTxnKey *key, const ScSipMsg *msg, const ScMsgEvent *ev,
               ScConn *conn)
{
    make_room (core);
    gsize key_len = key->len;
    const ScVia *top = msg->via_count > 0 ? &msg->vias[0] : NULL;
    gsize host_room = top && top->host.p ? top->host.len + 1 : 0;
    /* One block: the struct, then the key, then the top Via's host. */
    ScTxn *txn = txn_block (core, key_len + 1 + host_room);
    char *text = memcpy ((char *)(txn + 1), key->str, key_len);
    text[key_len] = '\0';
    txn->key = (ScTxnKey){.str = text, .len = key_len, .hash = key->hash};
    txn->frame = ev->frame;
    txn->ts_us = txn->last_ts_us = ev->ts_us;
    txn->is_invite = sc_sv_eq_ci (msg->method, "INVITE");
    if (top)
        copy_via (&txn->via, top, text + key_len + 1);
    sc_txn_add_copy (core, txn, ev, conn);
    g_hash_table_insert (core->txns, &txn->key, txn);
    return txn;
}

void
sc_txn_add_copy (ScCore *core, ScTxn *txn, const ScMsgEvent *ev, ScConn *conn)
{
    sc_txn_touch (core, txn, ev->ts_us);
    for (guint i = 0; i < txn->n_copies; i++) {
        const ScTxnCopy *c = &txn->copies[i];
        if (c->conn == conn && c->transport == ev->transport &&
            sc_endpoint_equal (&c->src, &ev->src) && sc_endpoint_equal (&c->dst, &ev->dst))
            return;
    }
    if (txn->n_copies == SC_TXN_MAX_COPIES)
        return;
    ScTxnCopy *c = &txn->copies[txn->n_copies++];
    c->src = ev->src;
    c->dst = ev->dst;
    c->transport = ev->transport;
    c->frame = ev->frame;
    c->conn = sc_conn_ref (conn);
}

gboolean
sc_txn_first_report (ScTxn *txn, ScRuleId rule, guint status)
{
    for (guint i = 0; i < txn->n_reported; i++)
        if (txn->reported[i].rule == rule && txn->reported[i].status == status)
            return FALSE;
    if (txn->n_reported < SC_TXN_MAX_REPORTED) {
        txn->reported[txn->n_reported].rule = rule;
        txn->reported[txn->n_reported].status = status;
        txn->n_reported++;
    }
    return TRUE;
}
