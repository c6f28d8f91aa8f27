/* sipconn_plugin.h — state shared by the plugin's files: registration (packet-sipconn.c),
 * reading Wireshark's dissection into core events (extract.c), and what each frame shows
 * (annotate.c). The first pass feeds the core and stores results by frame; later passes only
 * draw them (transum's shape). */
#pragma once

#include <epan/expert.h>
#include <epan/packet.h>
#include <wireshark.h>

#include "core.h"

/* Header fields (filter names in CONTRACT.md). */
extern int proto_sipconn;
extern int hf_sipconn_conn, hf_sipconn_conn_transport, hf_sipconn_conn_initiator,
    hf_sipconn_conn_class, hf_sipconn_conn_messages_a, hf_sipconn_conn_messages_b,
    hf_sipconn_conn_bytes_a, hf_sipconn_conn_bytes_b, hf_sipconn_conn_transactions_a,
    hf_sipconn_conn_transactions_b, hf_sipconn_conn_end;
extern int hf_sipconn_direction, hf_sipconn_response_request, hf_sipconn_expected_dest,
    hf_sipconn_alias;
extern int hf_sipconn_rule, hf_sipconn_related;
extern int hf_sipconn_flow, hf_sipconn_flow_instance, hf_sipconn_flow_reg_id, hf_sipconn_flow_token,
    hf_sipconn_flow_timer, hf_sipconn_keep;
extern int hf_sipconn_tls_version, hf_sipconn_tls_offered_version, hf_sipconn_tls_server_name,
    hf_sipconn_tls_resumed, hf_sipconn_tls_cert_requested, hf_sipconn_tls_client_cert,
    hf_sipconn_tls_opaque_a, hf_sipconn_tls_opaque_b;
extern gint ett_sipconn_tls;
extern int hf_sipconn_ka, hf_sipconn_ka_interval, hf_sipconn_ka_pong_latency, hf_sipconn_ka_ping,
    hf_sipconn_ka_mapped, hf_sipconn_ka_retransmission;
extern gint ett_sipconn, ett_sipconn_conn, ett_sipconn_finding, ett_sipconn_flow;
extern expert_field ei_sipconn[SC_RULE_COUNT];

/* Foreign fields read from the tree, resolved at handoff. */
typedef struct {
    int sip, udp_length, tcp_stream, tcp_len, tcp_segment_data, tcp_lost_segment, icmp_type,
        icmpv6_type, tls_content_type, tls_opaque_type, tls_handshake_type;
} ScForeignFields;
extern ScForeignFields sc_ws_fields;

/* Preferences (Edit > Preferences > Protocols > sipconn), applied when a file is opened. */
extern guint sc_pref_t1_ms, sc_pref_udp_max_sip_bytes, sc_pref_udp_flow_idle_s,
    sc_pref_pong_timeout_ms, sc_pref_stun_timeout_ms, sc_pref_keepalive_slack_ms,
    sc_pref_default_stun_interval_s, sc_pref_default_crlf_interval_s;
extern range_t *sc_pref_sip_ports;

/* A TLS connection's handshake facts (file scope). */
typedef struct {
    const char *version, *offered_version; /* static strings of the core, nullable */
    char *server_name;                     /* file scope, nullable */
    gboolean resumed;
    int certificate_requested;      /* 1, 0, -1 not evaluable */
    const char *client_certificate; /* static, NULL when not evaluable */
    guint64 opaque_records_from[2];
} ScStoredTls;

/* A connection's facts as the core gave them when it ended (file scope). */
typedef struct {
    const char *klass;    /* static strings of the core */
    const char *end_kind; /* sc_conn_end_kind(); NULL for UDP */
    guint messages_from[2];
    guint64 bytes_from[2];
    guint transactions_from[2];
    const ScStoredTls *tls; /* nullable */
} ScStoredConn;

/* What the first pass stored for one frame (file scope memory). */
typedef struct {
    ScRuleId rule;
    guint32 frames[SC_FINDING_MAX_FRAMES];
    guint n_frames;
    guint conn_id;
    char *message; /* file scope */
} ScStoredFinding;

/* A flow's RFC 5626 / 6223 state as stored (file scope), shared by the frames that saw it. */
typedef struct {
    gboolean outbound;
    char *instance, *token; /* nullable */
    guint32 reg_id, flow_timer_s, keep_s;
} ScStoredFlow;

/* Facts only: the text a person reads is built when the frame is drawn, not for every frame of
 * the first pass. What a connection's notes share (its initiator) is kept once per connection
 * (sc_plugin_conn_initiator ()), and where a message went is the frame's own destination, read
 * from pinfo when drawn: the first pass keeps a note for nearly every frame of a SIP capture. */
typedef struct {
    guint32 conn_id;
    guint32 request_frame;
    char *expected_dest;      /* file scope, nullable */
    const ScStoredFlow *flow; /* file scope, nullable: no outbound or keep state */
    guint8 transport;         /* ScTransport */
    guint8 is_request : 1, direction_known : 1, backward : 1, alias : 1;
} ScStoredMessage;

typedef struct {
    gint64 interval_us, latency_us; /* -1 when not known */
    const char *kind;               /* static strings of the core */
    char *mapped;                   /* file scope, nullable: STUN mapped address */
    const ScStoredFlow *flow;       /* file scope, nullable */
    guint32 conn_id;
    guint32 ping_frame;
    guint8 transport; /* ScTransport */
    /* counted: a ping or its answer (the connection table counts these) */
    guint8 counted : 1, retransmission : 1;
} ScStoredKeepalive;

typedef struct {
    ScStoredKeepalive *keepalive; /* file scope, nullable */
    wmem_array_t *findings;       /* ScStoredFinding; NULL when the frame has none */
    wmem_array_t *more;           /* ScStoredMessage: the second and later; NULL when none */
    guint32 tls_conn_id;          /* the SIP connection whose TLS records it carried; 0: none */
    guint32 n_messages;
    ScStoredMessage first; /* most frames carry one message at most */
} ScFrameNotes;

/* Returns: (transfer none): message @i (< n->n_messages) of a frame. */
const ScStoredMessage *sc_plugin_notes_message (const ScFrameNotes *n, guint i);

/* What the plugin tracks per direction of a TCP connection to see what Wireshark's SIP dissector
 * does not say: a message its sender cut short (FRAME-002) and stray bytes (FRAME-003). */
typedef struct {
    GByteArray *pending;   /* bytes Wireshark holds for a message not complete yet; nullable */
    gboolean pending_over; /* more than SC_PLUGIN_PENDING_MAX: no longer judged */
    guint32 pending_frame; /* newest frame that added to @pending */
    guint32 last_msg_frame;
    gboolean sip_seen; /* a complete message came since the start or the last gap */
    gboolean in_junk;  /* a FRAME-003 run is open: reported once */
} ScStreamSide;

/* Headers cap plus the largest body judged, as the audit's stream framer. */
#define SC_PLUGIN_PENDING_MAX (64 * 1024 + 1024 * 1024)

typedef struct {
    ScConn *conn; /* owned by the core until released */
    ScEndpoint a;
    ScStreamSide side[2];     /* [0]: sent by a, [1]: sent by b */
    gboolean tls;             /* TLS records were seen on it */
    gboolean initiator_known; /* @a sent the bare SYN */
} ScTcpRef;

/* annotate.c: per-capture-file state (created by the init routine, freed by cleanup). */
void sc_plugin_state_init (void);
void sc_plugin_state_cleanup (void);
ScCore *sc_plugin_core (void);
/* Notes that frame @frame carried TLS records of @ref's connection (when it is a SIP one). */
void sc_plugin_note_tls (guint32 frame, const ScTcpRef *ref);
/* Returns: (transfer none): TCP stream @stream, created on first sight with @a as endpoint a;
 * *from_a tells whether @src is endpoint a. */
ScTcpRef *sc_plugin_tcp_conn (guint32 stream, const ScEndpoint *a, const ScEndpoint *b,
                              ScInitiator initiator, guint32 frame, gint64 ts_us, gboolean *from_a,
                              const ScEndpoint *src);
/* Draws what the first pass noted for frame @pinfo (its messages went to the frame's own
 * destination). */
void sc_plugin_draw (tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree);
/* Capture time of the newest frame fed (for settling at the end of the first pass). */
void sc_plugin_note_time (gint64 ts_us);
/* Called on every later pass: settles the core once (connection classes need the end). */
void sc_plugin_settle (void);
/* Returns: (transfer none) (nullable): connection @conn_id's facts, once it has ended or the
 * capture has (later passes). */
const ScStoredConn *sc_plugin_conn (guint conn_id);
/* Returns: (transfer none) (nullable): who opened connection @conn_id (its endpoint a), NULL
 * when the capture does not show it or no note of the connection was stored. */
const ScEndpoint *sc_plugin_conn_initiator (guint conn_id);
/* Returns: (transfer none) (nullable): what frame @frame carries. */
const ScFrameNotes *sc_plugin_notes (guint32 frame);

/* stats.c: Statistics > Telephony > SIP Connections (sipconn), and tshark -z sipconn,conns. */
extern int sc_tap_id;
void sc_plugin_register_stats (void);

/* extract.c */
void sc_plugin_feed (packet_info *pinfo, proto_tree *tree);
/* The network address and port in @addr and @port as an endpoint; FALSE when not IPv4 or IPv6. */
gboolean sc_plugin_endpoint (const address *addr, guint32 port, ScEndpoint *out);
