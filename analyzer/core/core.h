/* core.h — the analysis core's event interface, shared by sipconn-audit and the Wireshark plugin.
 *
 * A front end turns packets into events (a SIP message with its frame and addressing, a stream
 * opened/closed/with a gap or stray bytes) and the core answers through an ScSink with findings
 * and facts. The core never reads files or clocks: every time is capture time in µs since the
 * epoch, every frame a Wireshark frame number (1-based). Ports are host order.
 *
 * Threading: an ScCore is used from one thread at a time.
 */
#pragma once

#include "rules.h"
#include "sc_types.h"
#include "sip_msg.h"

G_BEGIN_DECLS

typedef struct ScCore ScCore;
typedef struct ScConn ScConn; /* a TCP/TLS connection or a UDP flow, owned by the core */

typedef enum {
    SC_INITIATOR_A = 0,   /* endpoint a opened it (sent the bare SYN; UDP: sent first) */
    SC_INITIATOR_UNKNOWN, /* the capture began after the handshake */
} ScInitiator;

/* Tunables (RULES.md "Deadlines and tunables"). sc_config_init() sets the RFC defaults. */
typedef struct {
    guint t1_ms;                   /* RFC 3261 T1, 500 ms */
    guint udp_max_sip_bytes;       /* PRAC-001/004 threshold, 1300 B */
    guint txn_max;                 /* cap on live transactions; oldest evicted beyond it */
    gboolean excerpts;             /* give findings on a SIP message its excerpt (ScFinding) */
    guint udp_flow_idle_s;         /* a UDP flow with no packet for this long is ended */
    guint udp_flow_max;            /* cap on live UDP flows */
    guint route_uri_max;           /* cap on remembered Record-Route/Path URIs (PRAC-002) */
    guint pong_timeout_ms;         /* KA-002: a pong is due this long after its ping, 10000 */
    guint stun_timeout_ms;         /* KA-005: a STUN answer is due, 39500 (RFC 5389 §7.2.1) */
    guint keepalive_slack_ms;      /* added to every keep-alive deadline, 1000 */
    guint default_stun_interval_s; /* KA-010 bound without Flow-Timer: STUN 29 s (§4.4.2) */
    guint default_crlf_interval_s; /* KA-010 bound without Flow-Timer: CRLF 840 s (§4.4.1) */
    /* SIP ports (host order): a datagram to or from one is on a SIP flow even before SIP is seen
     * on it. A bit per port; 5060 and 5061 by default. Set with sc_config_set_sip_port(). */
    guint8 sip_ports[65536 / 8];
    gboolean enabled[SC_RULE_COUNT];
} ScConfig;

void sc_config_init (ScConfig *cfg);
void sc_config_set_sip_port (ScConfig *cfg, guint16 port, gboolean on);
gboolean sc_config_is_sip_port (const ScConfig *cfg, guint16 port);

/* RFC 5626 / RFC 6223 facts of a flow that had an outbound binding, keep-alives or a mapped
 * address (RULES.md §4). Strings and arrays are valid during the callback only. Times in µs;
 * -1 where there is no sample. */
typedef struct {
    const char *aor, *instance, *token; /* NULL when the flow was never outbound-registered */
    guint32 reg_id;
    guint32 timer_s;            /* keep-alive interval in force at the end, 0 when none */
    const char *timer_source;   /* "flow-timer", "keep", "default", "none" */
    guint keepalives;           /* pings, STUN requests and their answers, retransmissions once */
    gint64 interval_us[3];      /* the sender's keep-alive intervals: min, median, max (the
                                   median of the last 15, exact up to 15) */
    gint64 latency_us[3];       /* pong and STUN answer latencies: min, median, max (idem) */
    const ScEndpoint *mappings; /* mapped addresses in the order seen (STUN, REGISTER 2xx) */
    guint n_mappings;
} ScFlowFacts;

/* What a TLS connection's handshake showed in clear. Strings are static or valid during the
 * callback only. */
typedef struct {
    const char *version;         /* negotiated ("TLS 1.2"), NULL when no ServerHello was seen */
    const char *offered_version; /* the ClientHello's highest, NULL when none was seen */
    const char *server_name;     /* SNI, NULL when absent */
    guint32 client_hello_frame, server_hello_frame; /* 0 when not seen */
    gboolean resumed;               /* the ServerHello resumed the ClientHello's session */
    int certificate_requested;      /* CertificateRequest: 1 seen, 0 not sent, -1 not evaluable
                                       (TLS 1.3 without keys, resumed, handshake not captured) */
    const char *client_certificate; /* "sent", "empty", "none", NULL when not evaluable */
    guint64 opaque_records_from[2]; /* records the capture cannot read into (application data,
                                       encrypted handshake), [0] sent by a, [1] by b */
    const char *decryption;         /* with a key log: "decrypted" or why not; NULL without */
} ScTlsFacts;

/* Facts about one connection or UDP flow, given once when it ends (closed and released by the
 * front end, expired, or at sc_core_finish). Strings are valid during the callback only. */
typedef struct {
    guint id;
    ScTransport transport;
    ScEndpoint a, b;
    ScInitiator initiator;
    guint32 first_frame, last_frame;
    guint messages;
    guint requests_from_a, requests_from_b;
    /* Per direction, [0] sent by a, [1] by b. */
    guint messages_from[2];
    guint64 bytes_from[2];       /* bytes of SIP messages, keep-alives and stray bytes (not
                                    TCP/IP headers, not TCP retransmissions) */
    guint transactions_from[2];  /* requests starting a transaction (not ACK) */
    guint32 close_frame_from[2]; /* the side's first FIN or RST, 0 when none */
    guint keepalives;
    gboolean closed;    /* FIN or RST seen (from either side) */
    gboolean timed_out; /* UDP: ended after udp_flow_idle_s of silence (or evicted), not by the
                           capture's end */
    gboolean reset;
    guint32 close_frame;
    const char *klass;       /* "uni-ephemeral", "bi-ephemeral", "persistent", "unknown" */
    const ScFlowFacts *flow; /* NULL when the flow had no keep-alive or outbound state */
    const ScTlsFacts *tls;   /* NULL when the stream carried no TLS */
} ScConnFacts;

/* How a stream connection ended, as far as the capture shows: "reset", "closed" (a FIN each
 * way), "half-closed" (one side's FIN only) or "open"; NULL for a UDP flow. Static string. */
const char *sc_conn_end_kind (const ScConnFacts *c);

/* The RFC 5626 / 6223 state of a message's or keep-alive's flow at that moment. Strings valid
 * during the callback only. */
typedef struct {
    gboolean outbound;    /* a live outbound binding uses this flow */
    const char *instance; /* its +sip.instance, NULL when not outbound */
    const char *token;    /* its flow token (edge proxy's Path URI), nullable */
    guint32 reg_id;
    guint32 flow_timer_s; /* Flow-Timer in force, 0 when none */
    guint32 keep_s;       /* RFC 6223 keep in force, 0 when none */
} ScFlowView;

/* Facts about one SIP message (for the plugin's per-message subtree). Valid during the
 * callback only. */
typedef struct {
    guint32 frame;
    gint64 ts_us; /* capture time, µs since the epoch */
    guint conn_id;
    gboolean is_request;
    ScStrView method;  /* requests: the method; responses: the CSeq method (may be unset) */
    guint status;      /* responses: the status code */
    gboolean backward; /* sent by the acceptor of a connection with known initiator */
    gboolean direction_known;
    ScEndpoint src, dst;   /* as the message travelled */
    ScTransport transport; /* of the connection or flow */
    ScInitiator initiator;
    ScEndpoint initiator_ep;   /* endpoint a: the opener (UDP: the first sender) */
    guint32 request_frame;     /* responses: the request's frame, 0 when not captured */
    const char *expected_dest; /* responses: RULES.md expected destination, NULL if none */
    gboolean alias;            /* the top Via carries alias (RFC 5923 §5) */
    ScFlowView flow;
} ScMessageFacts;

/* One keep-alive: CRLF on a stream (RFC 5626 §3.5.1, §4.4.1) or on UDP, STUN on a UDP SIP flow
 * (§4.4.2). Valid during the callback only. */
typedef struct {
    guint32 frame;
    gint64 ts_us; /* capture time, µs since the epoch */
    guint conn_id;
    const char *kind;      /* "crlf-ping", "crlf-pong", "crlf-unsolicited", "crlf-udp",
                              "stun-request", "stun-response" (success), "stun-error",
                              "stun-legacy" (RFC 3489, no cookie) */
    gboolean from_a;       /* sent by endpoint a of the connection or flow */
    ScTransport transport; /* of the connection or flow */
    ScInitiator initiator;
    ScEndpoint a;       /* endpoint a: the opener (UDP: the first sender) */
    gint64 interval_us; /* pings and STUN requests: since the same sender's previous one; -1
                           for the first */
    gint64 latency_us;  /* pongs and STUN answers: since their ping or first transmission; -1 */
    guint32 ping_frame; /* pongs and STUN answers: the ping's or request's frame; 0 otherwise */
    gboolean counted;   /* a ping or its answer: counted in ScConnFacts.keepalives */
    gboolean retransmission; /* STUN: a request or answer already seen with this transaction ID */
    const char *mapped;      /* STUN answers: the mapped address "ip:port", NULL when none */
    ScFlowView flow;
} ScKeepaliveFacts;

typedef struct {
    void (*finding) (const ScFinding *finding, gpointer user);
    void (*connection) (const ScConnFacts *conn, gpointer user);
    void (*message) (const ScMessageFacts *msg, gpointer user);    /* nullable */
    void (*keepalive) (const ScKeepaliveFacts *ka, gpointer user); /* nullable */
} ScSink;

/* A SIP message as the front end delivers it: one datagram, or one message framed out of a
 * stream (Content-Length framing done by the front end). */
typedef struct {
    guint32 frame; /* frame completing the message (last IP fragment / TCP segment) */
    gint64 ts_us;
    ScTransport transport; /* what it travelled on: UDP, TCP, or TLS (decrypted) */
    ScEndpoint src, dst;
    ScConn *conn;            /* streams: from sc_core_stream_open(); UDP: NULL (the core keys
                                flows by 5-tuple itself) */
    gboolean from_a;         /* streams: sent by endpoint a of @conn */
    gsize wire_len;          /* UDP: payload length per the UDP header (≥ captured bytes) */
    gboolean captured_short; /* snaplen cut: the message's tail is missing from the capture */
    gboolean ip_fragmented;
    gboolean stream_cut; /* streams: the sender closed before the announced body arrived */
    guint32 cut_frame;   /* the FIN/RST frame when stream_cut */
} ScMsgEvent;

/* Returns: (transfer full): a core reporting to @sink (copied) with @user. @cfg is copied. */
ScCore *sc_core_new (const ScConfig *cfg, const ScSink *sink, gpointer user);
void sc_core_free (ScCore *core);

/* The id @conn is listed under (the JSON's connections[].id), 0 while it is not a SIP one. */
guint sc_core_conn_id (const ScConn *conn);

/* A TCP connection (or TLS over it) seen for the first time. @a is the SYN sender when
 * @initiator is SC_INITIATOR_A, otherwise the sender of the first segment seen.
 * Returns: (transfer none): the connection, owned by the core until sc_core_stream_release(). */
ScConn *sc_core_stream_open (ScCore *core, ScTransport transport, const ScEndpoint *a,
                             const ScEndpoint *b, ScInitiator initiator, guint32 frame,
                             gint64 ts_us);

/* The first FIN or RST on @conn (later ones are ignored: half-closed counts as closed). */
void sc_core_stream_close (ScCore *core, ScConn *conn, gboolean from_a, gboolean reset,
                           guint32 frame, gint64 ts_us);

/* The connection was answered (SYN-ACK seen). */
void sc_core_stream_established (ScCore *core, ScConn *conn);

/* A send towards @dst failed in @frame: an ICMP unreachable quoting a datagram or SYN sent to it
 * (@transport UDP or TCP as quoted). RFC 3263 §5 lets a sender fall back elsewhere after that,
 * so a response sent elsewhere afterwards is not judged (SYM-001, SYM-003, SYM-005). */
void sc_core_destination_failed (ScCore *core, ScTransport transport, const ScEndpoint *dst,
                                 guint32 frame, gint64 ts_us);

/* A TLS handshake message read in clear on @conn (type, 24-bit length and body: @len bytes,
 * borrowed), sent by a (@from_a) or b. Marks the stream as TLS. */
void sc_core_tls_handshake (ScCore *core, ScConn *conn, gboolean from_a, const guint8 *msg,
                            gsize len, guint32 frame, gint64 ts_us);

/* A TLS record of @content_type (RFC 8446 §5.1), @len bytes with its header, on @conn: the
 * core counts its bytes, the records the capture cannot read into, and each side's
 * ChangeCipherSpec. Marks the stream as TLS. */
void sc_core_tls_record (ScCore *core, ScConn *conn, gboolean from_a, guint8 content_type,
                         gsize len, guint32 frame, gint64 ts_us);

/* Whether the front end could decrypt the TLS on @conn, and why not (a static string such as
 * "decrypted" or "no key for this session"; see tls_decrypt.h). Shown as a fact. */
void sc_core_tls_decryption (ScCore *core, ScConn *conn, const char *status);

/* The stream switched to TLS (first bytes were a TLS record). */
void sc_core_stream_set_transport (ScCore *core, ScConn *conn, ScTransport transport);

/* @len bytes after a complete SIP message that are neither CRLF nor a start line (FRAME-003).
 * @prev_frame is the frame of the message before them. Not called after a capture gap. */
void sc_core_stream_junk (ScCore *core, ScConn *conn, gboolean from_a, gsize len, guint32 frame,
                          gint64 ts_us, guint32 prev_frame);

/* A run of @count CR/LF bytes between SIP messages on @conn from endpoint a (@from_a) or b.
 * Ignored on a connection that has not carried SIP. */
void sc_core_stream_crlf (ScCore *core, ScConn *conn, gboolean from_a, gsize count, guint32 frame,
                          gint64 ts_us);

/* Bytes sent by endpoint a (@from_a) or b of @conn were lost (a capture gap) before @frame: no
 * keep-alive verdict spans it (RULES.md "Evidence only"). */
void sc_core_stream_gap (ScCore *core, ScConn *conn, gboolean from_a, guint32 frame, gint64 ts_us);

/* The front end forgets @conn (closed and drained, or evicted): its facts are reported. */
void sc_core_stream_release (ScCore *core, ScConn *conn);

/* One SIP message (@bytes, @len: the captured part). */
void sc_core_sip_message (ScCore *core, const ScMsgEvent *ev, const char *bytes, gsize len);

/* The same with the front end's sc_sip_parse () of it (borrowed; its views into @bytes), for a
 * front end that had to parse the headers anyway (the stream framer, for Content-Length). */
void sc_core_sip_message_parsed (ScCore *core, const ScMsgEvent *ev, const char *bytes, gsize len,
                                 const ScSipMsg *msg);

/* A UDP datagram from @src to @dst that is not SIP (@len captured bytes at @bytes). On a SIP flow
 * (one that carried SIP, or with a SIP port at either end) a STUN Binding message or a payload of
 * only CR/LF is a keep-alive, reported through ScSink.keepalive. Returns TRUE when it was one. */
gboolean sc_core_udp_datagram (ScCore *core, guint32 frame, gint64 ts_us, const ScEndpoint *src,
                               const ScEndpoint *dst, const guint8 *bytes, gsize len);

/* State dropped so far to respect the caps (ScConfig.udp_flow_max, txn_max). */
guint64 sc_core_udp_flows_evicted (const ScCore *core);
guint64 sc_core_transactions_evicted (const ScCore *core);

/* Number of SIP messages parsed so far. */
guint64 sc_core_sip_message_count (const ScCore *core);

/* End of capture at @ts_us: pending verdicts are settled, every live connection reported. */
void sc_core_finish (ScCore *core, gint64 ts_us);

G_END_DECLS
