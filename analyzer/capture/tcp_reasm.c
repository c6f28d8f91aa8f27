/* tcp_reasm.c — TCP connections: identity and lifecycle (a SYN after FIN/RST starts a new one;
 * the initiator is the bare SYN's sender, unknown without it), sequence reassembly
 * (out-of-order, retransmitted and overlapping segments; the first copy of a byte wins), gap
 * detection, SIP detection by content and hand-off to the framer and the core.
 *
 * Memory: the table is capped, idle state expires on capture time, out-of-order bytes have a
 * per-direction and a global cap; every drop is counted. */
#include "decoder_private.h"
#include "reader.h"
#include "sip_msg.h"
#include "stream_framer.h"
#include "tls_records.h"

#include <string.h>

#define SEQ_LT(a, b) ((gint32)((guint32)(a) - (guint32)(b)) < 0)
#define SEQ_LEQ(a, b) ((gint32)((guint32)(a) - (guint32)(b)) <= 0)
#define SEQ_GT(a, b) SEQ_LT (b, a)

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_ACK 0x10

#define SC_TCP_MAX_CONNECTIONS 200000
#define SC_TCP_OOO_DIR_MAX (1024 * 1024)
#define SC_TCP_OOO_TOTAL_MAX (64 * 1024 * 1024)
#define SC_TCP_PROBE_MAX (64 * 1024) /* mid-stream bytes searched for a SIP start line */
#define SC_TCP_SWEEP_US (10 * G_USEC_PER_SEC)
#define SC_TCP_CLOSED_LINGER_US (60 * G_USEC_PER_SEC)
#define SC_TCP_HALF_OPEN_US (60 * G_USEC_PER_SEC)
/* RFC 5626 allows CRLF keep-alives every 840 s on battery: idle SIP connections live long. */
#define SC_TCP_IDLE_US (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)

typedef enum { KIND_UNKNOWN, KIND_SIP, KIND_TLS, KIND_OTHER } ScStreamKind;

typedef struct {
    guint32 seq, len, frame;
    gint64 ts_us;
    guint8 data[];
} ScSeg;

typedef struct ScTcpConn ScTcpConn;

/* A direction's fields in the order a segment reads them; the end-of-stream and TLS ones last
 * (with thousands of connections each line a segment touches is a cache miss). */
typedef struct {
    ScTcpConn *conn;
    int index; /* 0: sent by a, 1: sent by b */
    gboolean seq_known, syn_seen, started_mid;
    guint32 next_seq;
    gboolean framing;
    gboolean data_seen;
    gboolean fin_pending;
    GQueue ooo; /* ScSeg*, sorted by seq */
    gsize ooo_bytes;
    ScFramer framer;
    gboolean fin_done;
    guint32 fin_seq, fin_frame;
    gint64 fin_ts_us;
    ScTlsRecords tls; /* when the stream is TLS */
} ScTcpDir;

struct ScTcpConn {
    ScEndpoint ep[2]; /* ep[0] = a: SYN sender, else first sender seen */
    ScConn *core;
    ScTcpTable *table;
    ScStreamKind kind;
    gboolean handshake, established, closed;
    gboolean answered; /* the core was told (SYN-ACK or data both ways) */
    gint64 last_ts_us, closed_ts_us;
    ScTlsSession *tls_session; /* with a key log, once the stream shows TLS (owned) */
    ScTcpDir dir[2];
};

struct ScTcpTable {
    ScDecoder *dec;
    GHashTable *conns;        /* ScEndpointPair* (inside the value's storage) → ScTcpConn* */
    GPtrArray *framer_spares; /* the framers' spare buffers (see ScFramer.spare_bufs) */
    gsize ooo_total;
    gint64 now_us, next_sweep_us;
    /* No connection is due for removal before this (a lower bound of conn_due ()): a sweep before
     * it would walk every connection, a cache miss each, to remove none. */
    gint64 earliest_due_us;
};

/* Hash table entries own a key copy and the connection. */
typedef struct {
    ScEndpointPair key;
    ScTcpConn conn;
} ScTcpEntry;

/* What the framer of a SIP stream skipped goes into the counts; a stream found to be another
 * protocol was probed, not skipped. */
static void
account_skipped (ScTcpTable *t, ScTcpDir *d)
{
    if (d->framing && (d->conn->kind == KIND_SIP || d->conn->kind == KIND_TLS))
        t->dec->stats.stream_bytes_skipped += d->framer.skipped;
    d->framer.skipped = 0;
}

static void
dir_clear (ScTcpTable *t, ScTcpDir *d)
{
    account_skipped (t, d);
    ScSeg *s;
    while ((s = g_queue_pop_head (&d->ooo)))
        g_free (s);
    t->ooo_total -= d->ooo_bytes;
    d->ooo_bytes = 0;
    sc_framer_clear (&d->framer);
    sc_tls_records_clear (&d->tls);
}

static void
entry_free (gpointer p)
{
    ScTcpEntry *e = p;
    ScTcpConn *c = &e->conn;
    dir_clear (c->table, &c->dir[0]);
    dir_clear (c->table, &c->dir[1]);
    sc_tls_session_free (c->tls_session);
    sc_core_stream_release (c->table->dec->core, c->core);
    g_free (e);
}

ScTcpTable *
sc_tcp_table_new (ScDecoder *dec)
{
    ScTcpTable *t = g_new0 (ScTcpTable, 1);
    t->dec = dec;
    t->earliest_due_us = G_MAXINT64;
    t->conns =
        g_hash_table_new_full (sc_endpoint_pair_hash, sc_endpoint_pair_equal, NULL, entry_free);
    t->framer_spares = sc_framer_spare_bufs_new ();
    return t;
}

void
sc_tcp_table_free (ScTcpTable *t)
{
    if (!t)
        return;
    g_hash_table_destroy (t->conns); /* the framers give their buffers back first */
    g_ptr_array_unref (t->framer_spares);
    g_free (t);
}

/* Framer → core ------------------------------------------------------------------------- */

static void
on_message (gpointer user, const char *msg, gsize len, const ScSipMsg *parsed, guint32 frame,
            gint64 ts_us, gboolean cut, guint32 cut_frame)
{
    ScTcpDir *d = user;
    ScTcpConn *c = d->conn;
    if (c->kind != KIND_TLS)
        c->kind = KIND_SIP;
    ScMsgEvent ev = {
        .frame = frame,
        .ts_us = ts_us,
        .transport = c->kind == KIND_TLS ? SC_TRANSPORT_TLS : SC_TRANSPORT_TCP,
        .src = c->ep[d->index],
        .dst = c->ep[1 - d->index],
        .conn = c->core,
        .from_a = d->index == 0,
        .wire_len = len,
        .stream_cut = cut,
        .cut_frame = cut_frame,
    };
    if (parsed)
        sc_core_sip_message_parsed (c->table->dec->core, &ev, msg, len, parsed);
    else
        sc_core_sip_message (c->table->dec->core, &ev, msg, len);
}

static void
on_junk (gpointer user, gsize len, guint32 frame, gint64 ts_us, guint32 prev_frame)
{
    ScTcpDir *d = user;
    sc_core_stream_junk (d->conn->table->dec->core, d->conn->core, d->index == 0, len, frame, ts_us,
                         prev_frame);
}

static void
on_crlf (gpointer user, gsize count, guint32 frame, gint64 ts_us)
{
    ScTcpDir *d = user;
    sc_core_stream_crlf (d->conn->table->dec->core, d->conn->core, d->index == 0, count, frame,
                         ts_us);
}

static const ScFramerSink framer_sink = {on_message, on_junk, on_crlf};

/* Ordered bytes ---------------------------------------------------------------------------- */

static gboolean
looks_like_tls (const guint8 *p, gsize len)
{
    /* A TLS record: content type 20-23, version 3.x (RFC 8446 §5.1). */
    return len >= 3 && p[0] >= 20 && p[0] <= 23 && p[1] == 3 && p[2] <= 4;
}

/* Decrypted application data of one side: a byte stream framed as on TCP. It starts at a
 * message boundary (the first record after the handshake). */
static void
on_plain (gpointer user, const guint8 *p, gsize len, guint32 frame, gint64 ts_us)
{
    ScTcpDir *d = user;
    if (!d->framing) {
        d->framing = TRUE;
        sc_framer_init (&d->framer, FALSE, d->conn->table->framer_spares);
    }
    sc_framer_feed (&d->framer, p, len, frame, ts_us, &framer_sink, d);
}

/* The stream turned out to be TLS: with a key log, both sides read through one session. */
static void
tls_begin (ScTcpConn *c)
{
    const ScTlsKeylog *kl = c->table->dec->keylog;
    if (!kl || c->tls_session)
        return;
    c->tls_session = sc_tls_session_new (kl);
    for (int i = 0; i < 2; i++) {
        c->dir[i].tls.session = c->tls_session;
        c->dir[i].tls.plain = on_plain;
        c->dir[i].tls.plain_user = &c->dir[i];
    }
    sc_core_tls_decryption (c->table->dec->core, c->core, sc_tls_session_status (c->tls_session));
}

static void
ordered_bytes (ScTcpDir *d, const guint8 *p, gsize len, guint32 frame, gint64 ts_us)
{
    ScTcpConn *c = d->conn;
    if (c->kind == KIND_TLS) {
        sc_tls_records_feed (&d->tls, c->table->dec->core, c->core, d->index == 0, p, len, frame,
                             ts_us);
        return;
    }
    if (c->kind == KIND_OTHER || len == 0)
        return;
    if (!d->framing) {
        gsize i = 0;
        while (i < len && (p[i] == '\r' || p[i] == '\n'))
            i++;
        if (i == len)
            return; /* only CRLFs so far: nothing to decide on */
        gssize sl = sc_sip_start_line_len ((const char *)p + i, len - i);
        if (sl != 0) {
            d->framing = TRUE;
            sc_framer_init (&d->framer, FALSE, d->conn->table->framer_spares);
            /* A whole SIP start line: a SIP stream, even if its first message never completes
             * (what the framer then skips is SIP's, counted, not another protocol's). */
            if (sl > 0 && c->kind == KIND_UNKNOWN)
                c->kind = KIND_SIP;
        } else if (c->kind == KIND_UNKNOWN && looks_like_tls (p + i, len - i)) {
            c->kind = KIND_TLS;
            sc_core_stream_set_transport (c->table->dec->core, c->core, SC_TRANSPORT_TLS);
            tls_begin (c);
            sc_tls_records_feed (&d->tls, c->table->dec->core, c->core, d->index == 0, p + i,
                                 len - i, frame, ts_us);
            return;
        } else if (d->started_mid || c->kind == KIND_SIP) {
            /* Mid-message: look for the next start line without judging what precedes it. */
            d->framing = TRUE;
            sc_framer_init (&d->framer, TRUE, d->conn->table->framer_spares);
        } else {
            c->kind = KIND_OTHER;
            return;
        }
    }
    sc_framer_feed (&d->framer, p, len, frame, ts_us, &framer_sink, d);
    if (c->kind == KIND_UNKNOWN && sc_framer_resync_scanned (&d->framer) > SC_TCP_PROBE_MAX) {
        c->kind = KIND_OTHER; /* no SIP start line in the first 64 KiB: another protocol */
        sc_framer_gap (&d->framer);
    }
}

static void
drain (ScTcpTable *t, ScTcpDir *d, guint32 frame, gint64 ts_us)
{
    ScSeg *s;
    while ((s = g_queue_peek_head (&d->ooo)) && SEQ_LEQ (s->seq, d->next_seq)) {
        g_queue_pop_head (&d->ooo);
        d->ooo_bytes -= s->len;
        t->ooo_total -= s->len;
        guint32 end = s->seq + s->len;
        if (SEQ_GT (end, d->next_seq)) {
            guint32 skip = d->next_seq - s->seq;
            d->next_seq = end;
            ordered_bytes (d, s->data + skip, s->len - skip, MAX (frame, s->frame),
                           MAX (ts_us, s->ts_us));
        }
        g_free (s);
    }
}

/* Bytes before the first queued segment will never come (the receiver acknowledged past them,
 * or the queue is full): skip the hole and resynchronise. */
/* Bytes of @d were lost before @frame: the core must not judge keep-alive timing across it. */
static void
report_gap (ScTcpTable *t, ScTcpDir *d, guint32 frame, gint64 ts_us)
{
    if (d->conn->core)
        sc_core_stream_gap (t->dec->core, d->conn->core, d->index == 0, frame, ts_us);
}

static void
skip_gap (ScTcpTable *t, ScTcpDir *d)
{
    ScSeg *s = g_queue_peek_head (&d->ooo);
    if (!s)
        return;
    t->dec->stats.tcp_gaps++;
    report_gap (t, d, s->frame, s->ts_us);
    d->next_seq = s->seq;
    if (d->framing)
        sc_framer_gap (&d->framer);
    else
        d->started_mid = TRUE;
    sc_tls_records_gap (&d->tls);
    drain (t, d, s->frame, s->ts_us);
}

static void
queue_segment (ScTcpTable *t, ScTcpDir *d, guint32 seq, const guint8 *p, gsize len, guint32 frame,
               gint64 ts_us)
{
    if (t->ooo_total + len > SC_TCP_OOO_TOTAL_MAX) {
        t->dec->stats.tcp_ooo_dropped += len;
        return;
    }
    ScSeg *s = g_malloc (sizeof *s + len);
    s->seq = seq;
    s->len = (guint32)len;
    s->frame = frame;
    s->ts_us = ts_us;
    memcpy (s->data, p, len);
    GList *l = d->ooo.head;
    while (l && SEQ_LEQ (((ScSeg *)l->data)->seq, seq))
        l = l->next;
    if (l)
        g_queue_insert_before (&d->ooo, l, s);
    else
        g_queue_push_tail (&d->ooo, s);
    d->ooo_bytes += len;
    t->ooo_total += len;
    while (d->ooo_bytes > SC_TCP_OOO_DIR_MAX && d->ooo.length > 0)
        skip_gap (t, d);
}

static void
check_fin (ScTcpTable *t, ScTcpDir *d)
{
    if (!d->fin_pending || d->fin_done || d->next_seq != d->fin_seq)
        return;
    d->fin_done = TRUE;
    /* Every byte before the FIN is in: an unfinished body is the sender's (FRAME-002). */
    if (d->framing)
        sc_framer_close (&d->framer, d->fin_frame, d->fin_ts_us, &framer_sink, d);
    (void)t;
}

/* Connection table --------------------------------------------------------------------------- */

/* When @c may be forgotten (µs, capture time): a while after its close, sooner when it never
 * got past its SYN, else after an hour without a segment. */
static gint64
conn_due (const ScTcpConn *c)
{
    if (c->closed)
        return c->closed_ts_us + SC_TCP_CLOSED_LINGER_US;
    if (!c->established)
        return c->last_ts_us + SC_TCP_HALF_OPEN_US;
    return c->last_ts_us + SC_TCP_IDLE_US;
}

static gboolean
sweep_one (gpointer key, gpointer value, gpointer data)
{
    (void)key;
    ScTcpTable *t = data;
    gint64 due = conn_due (&((ScTcpEntry *)value)->conn);
    if (t->now_us > due)
        return TRUE;
    t->earliest_due_us = MIN (t->earliest_due_us, due);
    return FALSE;
}

static void
sweep (ScTcpTable *t)
{
    if (t->now_us <= t->earliest_due_us)
        return; /* none due: the walk would remove nothing */
    t->earliest_due_us = G_MAXINT64;
    g_hash_table_foreach_remove (t->conns, sweep_one, t);
}

static void
make_room (ScTcpTable *t)
{
    if (g_hash_table_size (t->conns) < SC_TCP_MAX_CONNECTIONS)
        return;
    sweep (t);
    GHashTableIter it;
    gpointer v;
    /* Still full: half-open and closed ones go first, then any, down to 7/8 of the cap. */
    for (int pass = 0; pass < 2; pass++) {
        g_hash_table_iter_init (&it, t->conns);
        while (g_hash_table_size (t->conns) > SC_TCP_MAX_CONNECTIONS / 8 * 7 &&
               g_hash_table_iter_next (&it, NULL, &v)) {
            ScTcpConn *c = &((ScTcpEntry *)v)->conn;
            if (pass == 0 && c->established && !c->closed)
                continue;
            g_hash_table_iter_remove (&it);
            t->dec->stats.tcp_evicted++;
        }
    }
}

static void
mark_answered (ScTcpConn *c)
{
    if (c->answered)
        return;
    c->answered = TRUE;
    sc_core_stream_established (c->table->dec->core, c->core);
}

static ScTcpConn *
conn_new (ScTcpTable *t, const ScEndpointPair *key, const ScEndpoint *a, const ScEndpoint *b,
          gboolean syn, guint32 frame, gint64 ts_us)
{
    make_room (t);
    ScTcpEntry *e = g_new0 (ScTcpEntry, 1);
    e->key = *key;
    ScTcpConn *c = &e->conn;
    c->table = t;
    c->ep[0] = *a;
    c->ep[1] = *b;
    c->handshake = syn;
    c->last_ts_us = ts_us;
    for (int i = 0; i < 2; i++) {
        c->dir[i].conn = c;
        c->dir[i].index = i;
        g_queue_init (&c->dir[i].ooo);
    }
    c->core = sc_core_stream_open (t->dec->core, SC_TRANSPORT_TCP, a, b,
                                   syn ? SC_INITIATOR_A : SC_INITIATOR_UNKNOWN, frame, ts_us);
    g_hash_table_insert (t->conns, &e->key, e);
    t->earliest_due_us = MIN (t->earliest_due_us, conn_due (c));
    t->dec->stats.tcp_connections++;
    return c;
}

void
sc_tcp_segment (ScTcpTable *t, const ScIpPayload *ip)
{
    ScDecoder *dec = t->dec;
    ScReader r = sc_reader_init (ip->data, ip->len);
    guint16 sport = sc_rd_be16 (&r);
    guint16 dport = sc_rd_be16 (&r);
    guint32 seq = sc_rd_be32 (&r);
    guint32 ack = sc_rd_be32 (&r);
    guint8 off = sc_rd_u8 (&r);
    guint8 flags = sc_rd_u8 (&r);
    gsize hlen = (gsize)(off >> 4) * 4;
    if (r.truncated || hlen < 20 || hlen > ip->len) {
        dec->stats.malformed++;
        return;
    }
    const guint8 *payload = ip->data + hlen;
    gsize plen = ip->len - hlen;
    gsize wire_plen = ip->wire_len > hlen ? ip->wire_len - hlen : 0;
    guint32 frame = dec->pkt->frame;
    gint64 ts = dec->pkt->ts_us;
    t->now_us = MAX (t->now_us, ts);
    if (t->now_us >= t->next_sweep_us) {
        t->next_sweep_us = t->now_us + SC_TCP_SWEEP_US;
        sweep (t);
    }

    ScEndpoint src = ip->src, dst = ip->dst;
    src.port = sport;
    dst.port = dport;
    ScEndpointPair key;
    sc_endpoint_pair_make (&key, &src, &dst);
    ScTcpEntry *e = g_hash_table_lookup (t->conns, &key);
    ScTcpConn *c = e ? &e->conn : NULL;
    gboolean bare_syn = (flags & (TH_SYN | TH_ACK)) == TH_SYN;

    if (c && bare_syn) {
        ScTcpDir *mine = sc_endpoint_equal (&c->ep[0], &src) ? &c->dir[0] : &c->dir[1];
        /* A SYN after FIN/RST, or with another ISN, starts a new connection (port reuse). */
        if (c->closed || !mine->syn_seen || mine->next_seq != seq + 1) {
            g_hash_table_remove (t->conns, &key);
            c = NULL;
        }
    }
    if (!c) {
        if (flags & TH_RST)
            return; /* a reset for something we never saw */
        c = conn_new (t, &key, &src, &dst, bare_syn, frame, ts);
    }
    c->last_ts_us = ts;
    int di = sc_endpoint_equal (&c->ep[0], &src) ? 0 : 1;
    ScTcpDir *d = &c->dir[di];
    ScTcpDir *other = &c->dir[1 - di];

    if (flags & TH_SYN) {
        if (!d->syn_seen) {
            d->syn_seen = TRUE;
            d->seq_known = TRUE;
            d->next_seq = seq + 1;
        }
        if (flags & TH_ACK) {
            c->established = TRUE;
            mark_answered (c);
        }
        seq++;
    }
    if (!d->seq_known) {
        d->seq_known = TRUE;
        d->next_seq = seq;
        d->started_mid = TRUE;
    }
    if (plen > 0) {
        c->established = TRUE; /* for expiry: not a half-open attempt */
        d->data_seen = TRUE;
        if (other->data_seen)
            mark_answered (c); /* data both ways: answered even if the SYN-ACK was missed */
    }

    /* The receiver acknowledged bytes we never saw: the hole is a capture gap. */
    if ((flags & TH_ACK) && other->seq_known && other->ooo.length > 0 &&
        SEQ_GT (ack, other->next_seq))
        skip_gap (t, other);

    if (plen > 0 && plen == wire_plen) {
        if (SEQ_LEQ (seq, d->next_seq)) {
            guint32 end = seq + (guint32)plen;
            if (SEQ_GT (end, d->next_seq)) {
                guint32 skip = d->next_seq - seq;
                d->next_seq = end;
                ordered_bytes (d, payload + skip, plen - skip, frame, ts);
                drain (t, d, frame, ts);
            } /* else: a retransmission of bytes already delivered */
        } else {
            queue_segment (t, d, seq, payload, plen, frame, ts);
        }
    } else if (plen > 0) {
        /* Snaplen cut the payload: the bytes are lost to us, a gap. */
        dec->stats.snaplen_cut++;
        if (SEQ_LEQ (seq, d->next_seq) && SEQ_GT (seq + (guint32)wire_plen, d->next_seq)) {
            report_gap (t, d, frame, ts);
            d->next_seq = seq + (guint32)wire_plen;
            if (d->framing)
                sc_framer_gap (&d->framer);
            else
                d->started_mid = TRUE;
            sc_tls_records_gap (&d->tls);
            drain (t, d, frame, ts);
        }
    }

    if (flags & (TH_FIN | TH_RST)) {
        if (!c->closed) {
            c->closed = TRUE;
            c->closed_ts_us = ts;
        }
        if (!d->fin_pending) {
            /* Each side's first FIN or RST: the core tells closed from half-closed. */
            sc_core_stream_close (dec->core, c->core, di == 0, (flags & TH_RST) != 0, frame, ts);
            d->fin_pending = TRUE;
            /* A RST ends the stream where it stands; a FIN after its payload. */
            d->fin_seq = (flags & TH_RST) ? d->next_seq : seq + (guint32)wire_plen;
            d->fin_frame = frame;
            d->fin_ts_us = ts;
        }
    }
    /* Only a segment changes when a connection is due (its time can run backwards). */
    t->earliest_due_us = MIN (t->earliest_due_us, conn_due (c));
    check_fin (t, d);
}

static void
finish_one (gpointer key, gpointer value, gpointer data)
{
    (void)key;
    ScTcpTable *t = data;
    ScTcpConn *c = &((ScTcpEntry *)value)->conn;
    for (int i = 0; i < 2; i++) {
        while (c->dir[i].ooo.length > 0)
            skip_gap (t, &c->dir[i]);
        account_skipped (t, &c->dir[i]);
    }
}

void
sc_tcp_finish (ScTcpTable *t)
{
    g_hash_table_foreach (t->conns, finish_one, t);
}
