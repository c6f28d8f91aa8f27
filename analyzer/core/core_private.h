/* core_private.h — the core's internal state, shared by core.c, txn.c and the rules_*.c files.
 * Not installed; front ends use core.h only. */
#pragma once

#include "block_pool.h"
#include "core.h"
#include "sip_msg.h"

/* STUN keep-alive state of a UDP flow (RFC 5389 transactions, per sender 0 = a, 1 = b). */
#define SC_STUN_PENDING 8
typedef struct {
    guint8 txn_id[16];
    gint64 first_ts_us;
    guint32 first_frame;
    guint8 from; /* 0 = a, 1 = b */
    gboolean answered;
    gboolean judged;   /* KA-005 reported or no longer evaluable */
    gboolean eligible; /* sent towards a peer committed to answer then: judged (RULES.md KA-005) */
} ScStunPending;

typedef struct {
    gint64 last_request_ts_us[2];
    guint32 last_request_frame[2];
    ScStunPending pending[SC_STUN_PENDING]; /* a ring: the oldest is overwritten */
    guint next;
} ScStunState;

/* What a REGISTER asked for (RFC 5626 §4.2.1), kept on its transaction until answered. One
 * block, of ScCore.register_blocks when it fits: aor, instance and contact_key are texts in the
 * same block, after the struct. */
typedef struct {
    ScBlockPool *pool; /* the pool its block came from; NULL: allocated on its own */
    char *aor;         /* the To URI */
    char *instance;    /* the first Contact with +sip.instance and a valid reg-id; NULL */
    guint32 reg_id;    /* of that Contact */
    gboolean contact_expires_set;
    guint32 contact_expires_s;
    gboolean supported_outbound;
    gboolean path_ob;  /* some Path value carries ob */
    guint via_count;   /* 1: straight from the UA (the copy that defines its flow) */
    char *token;       /* the flow token an edge proxy put in the forwarded copy's Path (owned) */
    char *contact_key; /* that Contact's "user@host:port", NULL */
} ScTxnRegister;

/* RFC 5626 / RFC 6223 state of a flow (a connection or UDP flow), created on first need. */
typedef enum {
    SC_TIMER_NONE = 0,
    SC_TIMER_FLOW_TIMER, /* Flow-Timer of the 2xx REGISTER with Require: outbound */
    SC_TIMER_KEEP,       /* keep=N in a response's top Via (RFC 6223 §5) */
    SC_TIMER_DEFAULT,    /* outbound flow without a negotiated value (RFC 5626 §4.4.1, §4.4.2) */
} ScTimerSource;

#define SC_FLOW_RECENT 15   /* interval/latency samples a flow keeps for its median */
#define SC_FLOW_MAPPINGS 16 /* mapped addresses kept per flow */

/* Keep-alive intervals or latencies of a flow in fixed memory (a flow may live for days):
 * the exact minimum and maximum of all samples, and the most recent SC_FLOW_RECENT for the
 * median (exact while there are no more than that). */
typedef struct {
    guint n; /* samples seen */
    gint64 min, max;
    gint64 recent[SC_FLOW_RECENT]; /* ring: sample k at recent[k % SC_FLOW_RECENT] */
} ScSampleStats;

typedef struct {
    /* What each keep-alive and SIP message of the flow reads comes first (see ScConn). */
    /* Outbound binding (RFC 5626 §6) using this flow. */
    gboolean outbound;
    int ua; /* the side that registered (sends keep-alives): 0 = a, 1 = b */
    gint64 expires_at_us;
    gboolean committed[2]; /* the side owes pongs and STUN answers (RULES.md) */
    guint32 flow_timer_s;  /* 0 when none */
    guint32 keep_s;        /* RFC 6223 value in force, 0 when none */
    int keep_sender;       /* the side that offered keep, -1 */
    /* The keep-alive sender's current gap (RULES.md "Gap"). */
    gboolean gap_open;
    guint32 gap_start_frame;
    gint64 gap_start_us;
    /* KA-002: the latest ping towards a committed peer, not yet answered. */
    gboolean ping_due;
    guint32 ping_frame;
    gint64 ping_deadline_us;
    guint32 changed_frame; /* KA-003 fired here and no REGISTER from the UA since; 0 otherwise */
    gboolean failed; /* KA-002, KA-003 or KA-005 fired on it: a failed flow (RFC 5626 §4.4) */
    /* KA-004: the last keep-alives of the sender, to take the median of three gaps. */
    guint n_ka;
    gboolean ka004_done;
    gint64 ka_ts[4];
    guint32 ka_frame[4];
    /* KA-003 / KA-008: mapped address as the server saw it. */
    gboolean has_mapped;
    ScEndpoint mapped;
    guint32 mapped_frame;
    /* Facts. */
    ScSampleStats intervals_us, latencies_us;
    GArray *mappings; /* ScEndpoint, at most SC_FLOW_MAPPINGS */
    /* The binding's identity, read when it is made or refreshed. */
    char *aor, *instance, *token; /* (owned) */
    guint32 reg_id;
    guint32 binding_frame; /* the 2xx that created or refreshed it */
    /* FLOW-001 / FLOW-006. */
    char *contact_key; /* the registered Contact "user@host:port" (owned), NULL */
    char *ua_sent_by;  /* the UA's top Via sent-by in its REGISTER, "host:port" (owned), NULL */
} ScFlow;

/* A transaction still owed something on a stream connection (CONN-004). */
#define SC_CONN_OPEN_TXNS 8
typedef struct {
    guint32 request_frame;
    gint64 ts_us; /* the request, or the non-2xx final an ACK must follow */
    guint call_id_hash;
    gboolean is_invite, awaiting_ack;
} ScOpenTxn;

/* What a stream's TLS handshake showed in clear (tls_state.c). Frames 0: not seen. */
typedef struct {
    int client; /* the ClientHello's sender: 0 = a, 1 = b; -1 before one */
    guint32 client_hello_frame, server_hello_frame, cert_request_frame, server_done_frame;
    guint32 client_cert_frame, ccs_frame[2];
    guint32 client_finished_frame; /* TLS 1.3, decrypted: the client's Finished */
    guint16 offered_version, version;
    guint8 client_session_id[32];
    guint8 client_session_id_len;
    gboolean resumed;
    gboolean client_cert_empty;
    char *server_name; /* (owned) SNI, NULL */
    guint64 opaque_records[2];
    const char *decryption; /* static: what the front end said of decrypting it, NULL */
} ScTlsState;

struct ScConn {
    /* The fields most packets read or write come first, in the fewest cache lines: with
     * thousands of flows none of a flow's lines is in L2 when its next packet comes, so each line
     * a packet touches is a wait (README, Benchmark). The rest, read at its opening, its close or
     * in its report, follows. */

    /* UDP flows: the flow table's key, kept here (no copy to free). First, so that the table's
     * key and value are one pointer: GHashTable then keeps no separate value array, and a lookup
     * reads one line of it fewer. */
    ScEndpointPair udp_key;
    guint id; /* 0 until it carries SIP */
    ScTransport transport;
    ScInitiator initiator;
    guint refcount; /* the front end (streams) or the flow table (UDP), plus txns */
    ScEndpoint a;
    guint32 last_frame;
    gint64 last_ts_us;
    gint64 max_idle_us; /* longest silence between two events seen on it */
    /* Per direction, [0] from a, [1] from b: SIP messages, requests (retransmissions too),
     * bytes (messages, keep-alives and stray bytes, or TLS records), transactions started
     * (requests other than ACK, retransmissions once), and the frame of the first FIN or RST
     * (0: none). */
    guint messages_from[2];
    guint requests_from[2];
    guint transactions;     /* requests other than ACK, either way (CONN-003) */
    guint32 last_sip_frame; /* the newest SIP message on it (CONN-001 cites it) */
    guint64 bytes_from[2];
    gint64 last_sip_ts_us; /* the newest SIP message on it */
    ScFlow *flow;          /* RFC 5626 / 6223 state; NULL until needed (owned) */
    ScStunState *stun;     /* UDP flows that carried STUN; NULL otherwise (owned) */
    GList lru_link;        /* UDP flows: place in ScCore.udp_lru (data = this flow) */
    guint transactions_from[2];
    guint keepalives;
    gboolean prac003_done;
    gboolean ka_watched; /* in ScCore.ka_watch */
    gboolean reuse001_done;
    /* What the initiator's requests made of it (RFC 5923 §8, RFC 5626 §5.4): alias offered in a
     * top Via (the first such request and its sent-by port), an outbound registration or a
     * dialog-forming request with Contact ;ob. */
    gboolean aliased;
    gboolean outbound_offered;
    guint n_open;
    ScOpenTxn *open; /* streams: transactions still owed something, SC_CONN_OPEN_TXNS of them
                        at most (owned; allocated at the first, so UDP flows go without) */
    /* CRLF keep-alives, per sender (0 = a, 1 = b). */
    gint64 last_ping_ts_us[2];
    guint32 last_ping_frame[2];
    gboolean ping_pending[2];

    /* Read at the opening, the close or the report. */
    ScEndpoint b;
    guint32 first_frame;
    gint64 first_ts_us;
    guint32 close_frame_from[2];
    gboolean established; /* answered (SYN-ACK), or data seen both ways */
    gboolean closed, reset, closed_by_a;
    guint32 close_frame;
    gint64 close_ts_us;
    gboolean reported;  /* facts already given to the sink */
    gboolean timed_out; /* UDP flow ended by idleness or eviction */
    guint32 alias_frame;
    guint16 alias_port;   /* 0 when the Via had no port */
    char *opener_sent_by; /* the opener's first request's top Via sent-by (owned), NULL */
    ScTlsState *tls;      /* streams that carried TLS; NULL otherwise (owned) */
    /* UDP: the latest mapped address a 2xx REGISTER's top Via gave (KA-003's first evidence),
     * kept here until the flow has state of its own. Frame 0: none. */
    ScEndpoint reg_mapped;
    guint32 reg_mapped_frame;
    GList live_link; /* place in ScCore.live_conns until its facts are reported */
};

/* The client transaction a request opened, seen from the capture point (RFC 3261 §17). */
#define SC_TXN_MAX_COPIES 4
/* Transactions wait for expiry in two queues, each in order of last activity: those that
 * linger 64×T1 (final response seen, or not an INVITE) and pending INVITEs (200 s). The oldest
 * of each is at its head, so expiry never walks the live ones. */
#define SC_TXN_QUEUE_LINGER 0
#define SC_TXN_QUEUE_INVITE 1
#define SC_TXN_MAX_REPORTED 8

typedef struct {
    ScEndpoint src, dst;
    ScConn *conn; /* (owned reference) */
    ScTransport transport;
    guint32 frame;
} ScTxnCopy;

/* The request's top Via, copied out of the packet buffer. */
typedef struct {
    gboolean valid;
    ScTransport transport;
    char *host;   /* sent-by host, NUL-terminated, in the ScTxn's own block (or NULL) */
    guint16 port; /* 0 = absent */
    gboolean host_is_ip;
    ScEndpoint host_ip;
    gboolean has_rport, rport_has_value;
    gboolean has_maddr;
    gboolean maddr_is_ip;
    ScEndpoint maddr_ip;
} ScTxnVia;

/* A transaction's key in the table: the text sc_txn_key() writes, its length and its hash,
 * computed once when the text is written (a key is looked up, inserted and removed). */
typedef struct {
    const char *str; /* @len bytes, NUL after them */
    gsize len;
    guint hash; /* sc_mem_hash (str, len) */
} ScTxnKey;

typedef struct {
    /* What every message of the transaction and its expiry read comes first (see ScConn). */
    ScTxnKey key;         /* the table's key; its text is stored after the struct in the same block,
                           * and after it the top Via's host (via.host): one allocation a transaction */
    GList expiry_link;    /* place in one of ScCore.txn_expiry (data = this transaction) */
    GQueue *expiry_queue; /* that queue, NULL before the first touch */
    gint64 last_ts_us;
    gint64 ts_us;
    gint64 final_ts_us;
    gboolean final_seen;
    guint final_status;
    gboolean is_invite;
    gboolean is_register;
    guint n_copies;
    guint32 frame;      /* first transmission */
    ScTxnRegister *reg; /* REGISTERs with outbound parameters: what they asked for (owned) */
    ScBlockPool *pool;  /* &ScCore.txn_blocks when the block is one of its, else NULL */
    ScTxnCopy copies[SC_TXN_MAX_COPIES];
    ScTxnVia via;
    gboolean via007;         /* the request's top Via lies about the transport: SYM skipped */
    gboolean keep_offered;   /* the request's top Via has keep (RFC 6223 §4.3) */
    int keep_offered_by;     /* its sender on the request's flow: 0 = a, 1 = b */
    gboolean resp_keep_seen; /* KA-009 (c): the first keep value among its responses */
    guint32 resp_keep_s;
    guint32 resp_keep_frame;
    gboolean forwarded_checked; /* VIA rules judged once per transaction */
    guint n_reported;
    struct {
        ScRuleId rule;
        guint status;
    } reported[SC_TXN_MAX_REPORTED];
} ScTxn;

struct ScCore {
    /* The SIP message being processed (sc_core_sip_message), for findings' excerpts: bytes
     * borrowed from the front end, NULL outside that call. */
    const char *current_msg;
    gsize current_len;
    guint32 current_frame;
    GString *excerpt;
    ScConfig cfg;
    ScSink sink;
    gpointer user;
    guint next_conn_id;
    guint64 sip_messages;
    gint64 now_us;
    gint64 next_sweep_us;
    GHashTable *udp_flows; /* ScEndpointPair* (the ScConn's udp_key) → ScConn* */
    GQueue udp_lru;        /* the same flows, least recently active first (links in ScConn) */
    GQueue txn_expiry[2];  /* live transactions by last activity, see SC_TXN_QUEUE_* */
    guint64 udp_flows_evicted;
    GHashTable *txns;            /* char* key → ScTxn* */
    ScBlockPool txn_blocks;      /* transactions' blocks (sc_txn_blocks_init) */
    ScBlockPool register_blocks; /* ScTxnRegister blocks (sc_outbound_register_blocks_init) */
    GHashTable *route_uris;      /* char* → NULL: Record-Route/Path URIs already reported */
    GHashTable *invite_2xx; /* sc_call_cseq_id () as the key itself (no allocation a call) → the
                               same: INVITEs answered 2xx (PRAC-001 ACK) */
    GHashTable *attempts;   /* ScEndpoint* far end → ScConn*: the latest connection attempt */
    GHashTable *udp_failed; /* ScEndpoint* → frame of an ICMP unreachable for a datagram to it */
    GQueue live_conns;      /* every connection whose facts are still due (links in ScConn) */
    GString *scratch;       /* message text being built for a finding */
    GString *key;           /* transaction key being built */
    GString *uri_key;       /* sc_flow_uri_key_in () being built */
    GString *sent_by;       /* sc_via_sent_by_in () being built */
    GString *binding_key;   /* an outbound binding's "aor|instance|reg-id" being built */
    GString *expected;      /* expected destination of the response being judged */
    guint64 txn_evicted;
    GHashTable *bindings;       /* "aor|instance|reg-id" → ScConn* (ref) holding that binding */
    GPtrArray *ka_watch;        /* ScConn* (ref), each once (ka_watched): flows with a keep-alive
                                   deadline pending */
    gint64 next_ka_deadline_us; /* earliest deadline in ka_watch, G_MAXINT64 when none */
    GHashTable *churn;    /* ScDestKey* (opener → far end) → ScChurn*: CONN-003's run so far */
    GHashTable *opened;   /* ScDestKey* (opener → far end) → ScConn* (ref): the connection an
                             element opened there that is the one to reuse (CONN-001) */
    GHashTable *contacts; /* registered Contact "user@host:port" → ScConn* (ref): its flow */
    GHashTable *ua_flows; /* ScDestKey* (UA → far end) → ScConn* (ref): the flow an outbound UA
                             registered over (FLOW-006) */
};

/* Reporting ---------------------------------------------------------------------------- */

/* Reports @rule citing @n frames (varargs guint32) on @conn with the printf-style message. */
void sc_core_report (ScCore *core, ScRuleId rule, ScConn *conn, gint64 ts_us, guint n_frames,
                     const guint32 *frames, const char *fmt, ...) G_GNUC_PRINTF (7, 8);

/* Connections --------------------------------------------------------------------------- */

/* The UDP flow between @src and @dst (either direction), created when @create (its first frame
 * @frame). Returns: (transfer none) (nullable). */
ScConn *sc_core_udp_flow (ScCore *core, const ScEndpoint *src, const ScEndpoint *dst, guint32 frame,
                          gint64 ts_us, gboolean create);
/* Capture time moves to @ts_us: expired transactions and idle flows are settled. */
void sc_core_advance_clock (ScCore *core, gint64 ts_us);

ScConn *sc_conn_ref (ScConn *conn);
/* An element's traffic to one destination: the transport, the sender's address (its port left
 * 0) and the destination's address and port. The key of the per-destination indexes (FLOW-006,
 * CONN-001, CONN-002, CONN-003), built on every request for FLOW-006's lookup: no text. */
typedef struct {
    ScEndpoint from, to;
    ScTransport transport;
} ScDestKey;

/* Fills @key; bytes the address family does not use are zero, so equal keys hash equally. */
void sc_dest_key_make (ScDestKey *key, ScTransport transport, const ScEndpoint *from,
                       const ScEndpoint *to);
/* The same, allocated: (transfer full), g_free () it (hash tables own theirs). */
ScDestKey *sc_dest_key_new (ScTransport transport, const ScEndpoint *from, const ScEndpoint *to);
guint sc_dest_key_hash (gconstpointer key);
gboolean sc_dest_key_equal (gconstpointer a, gconstpointer b);
/* "host:port" of @via's sent-by, the default port 5060 when none is written (owned). */
char *sc_via_sent_by (const ScVia *via);
/* The same written into @scratch: (transfer none), valid until @scratch changes. */
const char *sc_via_sent_by_in (const ScVia *via, GString *scratch);
/* Orders connections by id (GCompareFunc). */
gint sc_conn_compare_id (gconstpointer a, gconstpointer b);
void sc_conn_unref (ScConn *conn);
/* Activity on @conn at @frame: last frame and time, longest silence so far. */
void sc_conn_touch (ScConn *conn, guint32 frame, gint64 ts_us);

/* Takes @link out of @q. g_queue_unlink () reads both neighbours to check the list before it
 * writes them: in a queue in order of activity (idle UDP flows, transactions by expiry, live
 * connections) they were last touched long ago, two cache misses the CPU waits for at each
 * packet. This only writes them, which it does not wait for. */
static inline void
sc_queue_unlink (GQueue *q, GList *link)
{
    if (link->prev)
        link->prev->next = link->next;
    else
        q->head = link->next;
    if (link->next)
        link->next->prev = link->prev;
    else
        q->tail = link->prev;
    link->prev = link->next = NULL;
    q->length--;
}

/* Moves @link, a link of @q, to the tail of @q (its tail is recent: in cache). */
static inline void
sc_queue_move_to_tail (GQueue *q, GList *link)
{
    if (q->tail == link)
        return;
    sc_queue_unlink (q, link);
    g_queue_push_tail_link (q, link);
}

/* Gives @conn an id if it has none and counts the message. */
void sc_conn_note_message (ScCore *core, ScConn *conn, const ScMsgEvent *ev, const ScSipMsg *msg,
                           gboolean from_a);

/* TRUE when a captured failed attempt to @dst (refused, unreachable, or for streams a SYN
 * unanswered for 3 s) lies between frames @after and @before (RFC 3263 §5 fallback). */
gboolean sc_core_fallback_allowed (ScCore *core, ScTransport transport, const ScEndpoint *dst,
                                   guint32 after, guint32 before, gint64 before_ts_us);

/* TRUE when the latest connection attempt to @dst came from @src's IP address. */
gboolean sc_core_attempt_from (ScCore *core, const ScEndpoint *dst, const ScEndpoint *src);

/* Transactions (txn.c) -------------------------------------------------------------------- */

/* Writes the matching key of a message with top Via @via into @out (RFC 3261 §17.2.3; RFC 2543
 * fallback without the magic cookie). @method is the request method or the CSeq method of a
 * response; an ACK is keyed as "ACK" (its own retransmissions) and looked up with "INVITE" to
 * find the transaction a non-2xx ACK belongs to. Returns FALSE when the message cannot be
 * matched (no valid top Via). */
/* Writes the key of the transaction @msg belongs to, by @via and @method, into @text (scratch,
 * reused) and @key (which points into @text). FALSE when the message cannot be matched. */
gboolean sc_txn_key (const ScSipMsg *msg, const ScVia *via, ScStrView method, GString *text,
                     ScTxnKey *key);

/* The identity of @msg's Call-ID and CSeq number, which an INVITE and the ACK of its 2xx share:
 * a 64-bit hash of them (sc_mem_hash64). Two different pairs share one with odds of 1 in 2^64,
 * then an ACK of a non-2xx would be judged as one of a 2xx by PRAC-001. */
guint64 sc_call_cseq_id (const ScSipMsg *msg);

ScTxn *sc_txn_lookup (ScCore *core, const ScTxnKey *key);
/* The table's hash and equality over ScTxnKey. */
guint sc_txn_key_hash (gconstpointer key);
gboolean sc_txn_key_equal (gconstpointer a, gconstpointer b);
ScTxn *sc_txn_insert (ScCore *core, const ScTxnKey *key, const ScSipMsg *msg, const ScMsgEvent *ev,
                      ScConn *conn);
/* Adds the addressing of a retransmission when it differs from the copies known. */
void sc_txn_add_copy (ScCore *core, ScTxn *txn, const ScMsgEvent *ev, ScConn *conn);
void sc_txn_touch (ScCore *core, ScTxn *txn, gint64 ts_us);
/* Ends @txn (GDestroyNotify of ScCore.txns): its block goes back to ScCore.txn_blocks when it
 * came from there. */
void sc_txn_free (gpointer txn);
void sc_txn_blocks_init (ScBlockPool *pool);
void sc_txn_sweep (ScCore *core);
/* TRUE the first time (rule, status) is reported on @txn: later calls say FALSE. */
gboolean sc_txn_first_report (ScTxn *txn, ScRuleId rule, guint status);

/* Rules ------------------------------------------------------------------------------------ */

/* One request, first transmission only (rules_via.c, rules_prac.c). */
void sc_rules_via_request (ScCore *core, const ScSipMsg *msg, const ScMsgEvent *ev, ScConn *conn,
                           ScTxn *txn);
void sc_rules_prac_message (ScCore *core, const ScSipMsg *msg, const ScMsgEvent *ev, ScConn *conn,
                            ScTxn *txn);
/* Via parameters the server wrote (response top Via or forwarded copy's second Via). */
void sc_rules_via_server_view (ScCore *core, ScTxn *txn, const ScVia *server_via,
                               const ScMsgEvent *ev, ScConn *conn);
/* Where a response went (rules_sym.c). Writes the expected destination into @expected. */
void sc_rules_sym_response (ScCore *core, ScTxn *txn, const ScSipMsg *msg, const ScMsgEvent *ev,
                            ScConn *conn, GString *expected);
/* RFC 5626 outbound and RFC 6223 keep (outbound.c): every message on its flow (@from_a: sent by
 * endpoint a), with its transaction when it has one. */
void sc_outbound_request (ScCore *core, const ScSipMsg *msg, const ScMsgEvent *ev, ScConn *conn,
                          gboolean from_a, ScTxn *txn, gboolean first_copy);
void sc_outbound_response (ScCore *core, const ScSipMsg *msg, const ScMsgEvent *ev, ScConn *conn,
                           gboolean from_a, ScTxn *txn);
void sc_outbound_free_register (ScTxnRegister *reg);
void sc_outbound_register_blocks_init (ScBlockPool *pool);
void sc_flow_free (ScFlow *flow);
/* Returns: (transfer none): @conn's flow state, created empty. */
ScFlow *sc_flow_get (ScConn *conn);
/* The keep-alive interval in force on @conn for a sender using @stun (else CRLF), in µs, and
 * its source; 0 and SC_TIMER_NONE when no interval applies (RULES.md, first that applies). */
gint64 sc_flow_interval_us (const ScCore *core, const ScConn *conn, gboolean stun,
                            ScTimerSource *source);

/* FLOW-001 and FLOW-006 (flow_rules.c): a new request on @conn; a binding made on @conn for
 * @contact (RFC 5626 §6); an outbound REGISTER from @ua_side of @conn (§4.2.1). */
void sc_flow_rules_request (ScCore *core, const ScSipMsg *msg, const ScMsgEvent *ev, ScConn *conn,
                            gboolean from_a);
void sc_flow_rules_bound (ScCore *core, ScConn *conn, const char *contact_key);
void sc_flow_rules_ua_register (ScCore *core, const ScSipMsg *msg, ScConn *conn, int ua_side);
/* "user@host:port" of @uri with the default port of its scheme, written into @scratch (reused).
 * Returns: (transfer none): its text. */
const char *sc_flow_uri_key_in (const ScSipUri *uri, GString *scratch);

/* Fills @view with @conn's state now (outbound.c). */
void sc_flow_view (const ScCore *core, const ScConn *conn, ScFlowView *view);

/* Keep-alive rules (ka_rules.c), fed by keepalive.c. @kind as in ScKeepaliveFacts. */
void sc_ka_rules_keepalive (ScCore *core, ScConn *conn, int from, const ScKeepaliveFacts *ka,
                            gint64 ts_us, const ScEndpoint *mapped);
/* A SIP message from @from on @conn ends that sender's gap without a verdict (RULES.md). */
void sc_ka_rules_sip_message (ScCore *core, ScConn *conn, int from, guint32 frame, gint64 ts_us);
/* The mapped address the server wrote in a 2xx REGISTER's top Via on UDP flow @conn. */
void sc_ka_rules_mapping (ScCore *core, ScConn *conn, const ScEndpoint *mapped, guint32 frame,
                          gint64 ts_us);
/* Deadlines (KA-002, KA-005) that have passed by @now_us are judged; at @final (capture end)
 * those not passed are dropped as not evaluable. */
void sc_ka_rules_deadlines (ScCore *core, gint64 now_us, gboolean final);
/* @conn closed or ended: its pending deadlines are not evaluable. */
void sc_ka_rules_conn_ended (ScCore *core, ScConn *conn);

/* Connection lifetime (rules_conn.c): a new request on @conn; the final response of @txn
 * (whose request went over @req_conn); the first FIN or RST on @conn. */
void sc_rules_conn_request (ScConn *conn, const ScSipMsg *msg, const ScMsgEvent *ev);
/* CONN-001: a request on @conn from its opener (@from_a with a known initiator). */
void sc_rules_conn_reuse (ScCore *core, ScConn *conn, const ScSipMsg *msg, const ScMsgEvent *ev,
                          gboolean from_a);
void sc_rules_conn_final (ScConn *req_conn, ScTxn *txn, guint status, gint64 ts_us);
void sc_rules_conn_close (ScCore *core, ScConn *conn, guint32 frame, gint64 ts_us);
/* CONN-003's run of short-lived connections from one element to one destination. */
typedef struct {
    guint run;      /* consecutive short-lived connections so far */
    guint32 syn[2]; /* SYN frames of the two before the next one ([1] the latest) */
} ScChurn;

/* TLS state (tls_state.c). */
void sc_tls_state_free (ScTlsState *tls);
/* Certificate request and client certificate as far as the handshake shows them: requested
 * 1/0, -1 not evaluable; client certificate "sent", "empty", "none" or NULL (not evaluable). */
int sc_tls_state_cert_requested (const ScTlsState *tls);
const char *sc_tls_state_client_cert (const ScTlsState *tls);

/* Connection reuse (rules_reuse.c): a new request. */
void sc_rules_reuse_request (ScCore *core, const ScSipMsg *msg, const ScMsgEvent *ev, ScConn *conn,
                             gboolean from_a);

/* Framing (rules_frame.c). */
void sc_rules_frame_message (ScCore *core, const ScSipMsg *msg, const ScMsgEvent *ev, ScConn *conn);
