/* core_private.h — the core's internal state, shared by core.c, txn.c and the rules_*.c files.
 * Not installed; front ends use core.h only. */
#pragma once

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
} ScStunPending;

typedef struct {
    gint64 last_request_ts_us[2];
    guint32 last_request_frame[2];
    ScStunPending pending[SC_STUN_PENDING]; /* a ring: the oldest is overwritten */
    guint next;
} ScStunState;

struct ScConn {
    guint refcount; /* the front end (streams) or the flow table (UDP), plus txns */
    guint id;       /* 0 until it carries SIP */
    ScTransport transport;
    ScEndpoint a, b;
    ScInitiator initiator;
    guint32 first_frame, last_frame;
    gint64 first_ts_us, last_ts_us;
    gint64 max_idle_us; /* longest silence between two events seen on it */
    guint messages;
    guint requests_from_a, requests_from_b;
    guint keepalives;
    gboolean established; /* answered (SYN-ACK), or data seen both ways */
    gboolean closed, reset, closed_by_a;
    guint32 close_frame;
    gint64 close_ts_us;
    gboolean reported; /* facts already given to the sink */
    /* CRLF keep-alives, per sender (0 = a, 1 = b). */
    gint64 last_ping_ts_us[2];
    guint32 last_ping_frame[2];
    gboolean ping_pending[2];
    gboolean prac003_done;
    ScStunState *stun; /* UDP flows that carried STUN; NULL otherwise (owned) */
    GList lru_link;    /* UDP flows: place in ScCore.udp_lru (data = this flow) */
};

/* The client transaction a request opened, seen from the capture point (RFC 3261 §17). */
#define SC_TXN_MAX_COPIES 4
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
    char *host;   /* (owned) sent-by host */
    guint16 port; /* 0 = absent */
    gboolean host_is_ip;
    ScEndpoint host_ip;
    gboolean has_rport, rport_has_value;
    gboolean has_maddr;
    gboolean maddr_is_ip;
    ScEndpoint maddr_ip;
} ScTxnVia;

typedef struct {
    char *key; /* (owned) the hash key, see sc_txn_key() */
    ScTxnCopy copies[SC_TXN_MAX_COPIES];
    guint n_copies;
    guint32 frame; /* first transmission */
    gint64 ts_us, last_ts_us;
    ScTxnVia via;
    gboolean via007; /* the request's top Via lies about the transport: SYM skipped */
    gboolean is_invite;
    gboolean final_seen;
    guint final_status;
    gint64 final_ts_us;
    gboolean forwarded_checked; /* VIA rules judged once per transaction */
    struct {
        ScRuleId rule;
        guint status;
    } reported[SC_TXN_MAX_REPORTED];
    guint n_reported;
} ScTxn;

struct ScCore {
    ScConfig cfg;
    ScSink sink;
    gpointer user;
    guint next_conn_id;
    guint64 sip_messages;
    gint64 now_us;
    gint64 next_sweep_us;
    GHashTable *udp_flows; /* ScEndpointPair* → ScConn* */
    GQueue udp_lru;        /* the same flows, least recently active first (links in ScConn) */
    guint64 udp_flows_evicted;
    GHashTable *txns;       /* char* key → ScTxn* */
    GHashTable *route_uris; /* char* → NULL: Record-Route/Path URIs already reported */
    GHashTable *invite_2xx; /* "callid\1cseq" → NULL: INVITEs answered 2xx (PRAC-001 ACK) */
    GHashTable *attempts;   /* ScEndpoint* far end → ScConn*: the latest connection attempt */
    GHashTable *udp_failed; /* ScEndpoint* → frame of an ICMP unreachable for a datagram to it */
    GHashTable *live_conns; /* ScConn* set: every connection whose facts are still due */
    GString *scratch;       /* message text being built for a finding */
    GString *key;           /* transaction key being built */
    GString *expected;      /* expected destination of the response being judged */
    guint64 txn_evicted;
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
void sc_conn_unref (ScConn *conn);
/* Activity on @conn at @frame: last frame and time, longest silence so far. */
void sc_conn_touch (ScConn *conn, guint32 frame, gint64 ts_us);
/* Gives @conn an id if it has none and counts the message. */
void sc_conn_note_message (ScCore *core, ScConn *conn, const ScMsgEvent *ev, gboolean request,
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
gboolean sc_txn_key (const ScSipMsg *msg, const ScVia *via, ScStrView method, GString *out);

ScTxn *sc_txn_lookup (ScCore *core, const char *key);
ScTxn *sc_txn_insert (ScCore *core, const char *key, const ScSipMsg *msg, const ScMsgEvent *ev,
                      ScConn *conn);
/* Adds the addressing of a retransmission when it differs from the copies known. */
void sc_txn_add_copy (ScTxn *txn, const ScMsgEvent *ev, ScConn *conn);
void sc_txn_free (gpointer txn);
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
/* Framing (rules_frame.c). */
void sc_rules_frame_message (ScCore *core, const ScSipMsg *msg, const ScMsgEvent *ev, ScConn *conn);
