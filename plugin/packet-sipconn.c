/* packet-sipconn.c — registration of the sipconn postdissector: fields, subtrees, one expert
 * info per rule (from the core's registry), init/cleanup of per-file state. */
#define WS_BUILD_DLL
#include "sipconn_plugin.h"

#include <epan/prefs.h>
#include <epan/proto.h>
#include <epan/tap.h>

#ifndef SIPCONN_VERSION
#define SIPCONN_VERSION "0.0.0"
#endif

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = SIPCONN_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = 4;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = 0;
WS_DLL_PUBLIC void plugin_register (void);

int proto_sipconn = -1;
int hf_sipconn_conn = -1, hf_sipconn_conn_transport = -1, hf_sipconn_conn_initiator = -1,
    hf_sipconn_conn_class = -1, hf_sipconn_conn_messages_a = -1, hf_sipconn_conn_messages_b = -1,
    hf_sipconn_conn_bytes_a = -1, hf_sipconn_conn_bytes_b = -1, hf_sipconn_conn_transactions_a = -1,
    hf_sipconn_conn_transactions_b = -1, hf_sipconn_conn_end = -1;
int hf_sipconn_direction = -1, hf_sipconn_response_request = -1, hf_sipconn_expected_dest = -1,
    hf_sipconn_alias = -1;
int hf_sipconn_rule = -1, hf_sipconn_related = -1;
int hf_sipconn_flow = -1, hf_sipconn_flow_instance = -1, hf_sipconn_flow_reg_id = -1,
    hf_sipconn_flow_token = -1, hf_sipconn_flow_timer = -1, hf_sipconn_keep = -1;
int hf_sipconn_tls_version = -1, hf_sipconn_tls_offered_version = -1,
    hf_sipconn_tls_server_name = -1, hf_sipconn_tls_resumed = -1,
    hf_sipconn_tls_cert_requested = -1, hf_sipconn_tls_client_cert = -1,
    hf_sipconn_tls_opaque_a = -1, hf_sipconn_tls_opaque_b = -1;
gint ett_sipconn_tls = -1;
int hf_sipconn_ka = -1, hf_sipconn_ka_interval = -1, hf_sipconn_ka_pong_latency = -1,
    hf_sipconn_ka_ping = -1, hf_sipconn_ka_mapped = -1, hf_sipconn_ka_retransmission = -1;
gint ett_sipconn = -1, ett_sipconn_conn = -1, ett_sipconn_finding = -1, ett_sipconn_flow = -1;
guint sc_pref_t1_ms = 500, sc_pref_udp_max_sip_bytes = 1300, sc_pref_udp_flow_idle_s = 900,
      sc_pref_pong_timeout_ms = 10000, sc_pref_stun_timeout_ms = 39500,
      sc_pref_keepalive_slack_ms = 1000, sc_pref_default_stun_interval_s = 29,
      sc_pref_default_crlf_interval_s = 840;
range_t *sc_pref_sip_ports;
expert_field ei_sipconn[SC_RULE_COUNT];
ScForeignFields sc_ws_fields;

static dissector_handle_t sipconn_handle;
static int expert_tap_id = -1;

static int proto_ws_expert = -1;

/* Whether anyone will look at what we draw on this pass: the visible tree (details pane, tshark
 * -V/-O/-T json), a filter, column or -e field naming sipconn or expert fields, or the expert
 * tap (Expert Information dialog, tshark -z expert). Otherwise the items would be thrown away
 * unseen: tshark -2's first pass, or -Y sip -T fields -e frame.number. Skipping them is what
 * proto_field_is_referenced() is for; the core still sees every frame, so the verdicts, the
 * statistics tap and later passes are unchanged. */
static gboolean
drawing_wanted (proto_tree *tree)
{
    if (!tree)
        return FALSE;
    return proto_field_is_referenced (tree, proto_sipconn) ||
           (proto_ws_expert > 0 && proto_field_is_referenced (tree, proto_ws_expert)) ||
           (expert_tap_id > 0 && have_tap_listener (expert_tap_id));
}

/* The expert tap is registered after plugins' handoffs: look it up when a file is opened. */
static void
find_expert_tap (void)
{
    expert_tap_id = find_tap_id ("expert");
}

static int
dissect_sipconn (tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    (void)data;
    if (!PINFO_FD_VISITED (pinfo))
        sc_plugin_feed (pinfo, tree);
    else
        sc_plugin_settle ();
    if (drawing_wanted (tree))
        sc_plugin_draw (tvb, pinfo, tree);
    const ScFrameNotes *n = sc_plugin_notes (pinfo->num);
    if (n)
        tap_queue_packet (sc_tap_id, pinfo, n);
    return 0; /* a postdissector consumes nothing */
}

static void
proto_register_sipconn (void)
{
    static hf_register_info hf[] = {
        {&hf_sipconn_conn,
         {"Connection", "sipconn.conn", FT_UINT32, BASE_DEC, NULL, 0,
          "Connection or UDP flow id (the audit's connections[].id)", HFILL}},
        {&hf_sipconn_conn_transport,
         {"Transport", "sipconn.conn.transport", FT_STRING, BASE_NONE, NULL, 0, "udp, tcp or tls",
          HFILL}},
        {&hf_sipconn_conn_initiator,
         {"Initiator", "sipconn.conn.initiator", FT_STRING, BASE_NONE, NULL, 0,
          "ip:port of the side that opened the connection", HFILL}},
        {&hf_sipconn_conn_class,
         {"Class", "sipconn.conn.class", FT_STRING, BASE_NONE, NULL, 0,
          "uni-ephemeral, bi-ephemeral, persistent or unknown (draft-jain, as observed)", HFILL}},
        {&hf_sipconn_conn_messages_a,
         {"Messages from the initiator", "sipconn.conn.messages_a", FT_UINT64, BASE_DEC, NULL, 0,
          "SIP messages sent by endpoint a (the initiator when known)", HFILL}},
        {&hf_sipconn_conn_messages_b,
         {"Messages from the acceptor", "sipconn.conn.messages_b", FT_UINT64, BASE_DEC, NULL, 0,
          "SIP messages sent by endpoint b", HFILL}},
        {&hf_sipconn_conn_bytes_a,
         {"Bytes from the initiator", "sipconn.conn.bytes_a", FT_UINT64, BASE_DEC, NULL, 0,
          "Bytes of SIP messages, keep-alives and stray bytes sent by endpoint a", HFILL}},
        {&hf_sipconn_conn_bytes_b,
         {"Bytes from the acceptor", "sipconn.conn.bytes_b", FT_UINT64, BASE_DEC, NULL, 0,
          "Bytes of SIP messages, keep-alives and stray bytes sent by endpoint b", HFILL}},
        {&hf_sipconn_conn_transactions_a,
         {"Transactions started by the initiator", "sipconn.conn.transactions_a", FT_UINT64,
          BASE_DEC, NULL, 0, "Requests other than ACK sent by endpoint a", HFILL}},
        {&hf_sipconn_conn_transactions_b,
         {"Transactions started by the acceptor", "sipconn.conn.transactions_b", FT_UINT64,
          BASE_DEC, NULL, 0, "Requests other than ACK sent by endpoint b (backwards)", HFILL}},
        {&hf_sipconn_conn_end,
         {"End", "sipconn.conn.end", FT_STRING, BASE_NONE, NULL, 0,
          "open, closed (a FIN each way), half-closed (one side's FIN) or reset", HFILL}},
        {&hf_sipconn_tls_version,
         {"TLS version", "sipconn.tls.version", FT_STRING, BASE_NONE, NULL, 0,
          "Negotiated in the ServerHello (unknown when it was not captured)", HFILL}},
        {&hf_sipconn_tls_offered_version,
         {"Offered", "sipconn.tls.offered_version", FT_STRING, BASE_NONE, NULL, 0,
          "The highest version of the ClientHello", HFILL}},
        {&hf_sipconn_tls_server_name,
         {"Server name", "sipconn.tls.server_name", FT_STRING, BASE_NONE, NULL, 0,
          "SNI of the ClientHello", HFILL}},
        {&hf_sipconn_tls_resumed,
         {"Resumed", "sipconn.tls.resumed", FT_BOOLEAN, BASE_NONE, NULL, 0,
          "The ServerHello resumed the ClientHello's session (abbreviated handshake)", HFILL}},
        {&hf_sipconn_tls_cert_requested,
         {"Client certificate requested", "sipconn.tls.cert_requested", FT_STRING, BASE_NONE, NULL,
          0, "yes, no, or not evaluable (TLS 1.3 without keys, resumed, not captured)", HFILL}},
        {&hf_sipconn_tls_client_cert,
         {"Client certificate", "sipconn.tls.client_cert", FT_STRING, BASE_NONE, NULL, 0,
          "sent, empty, none, or not evaluable: mutual authentication, which RFC 5923 "
          "aliasing depends on (§9.2)",
          HFILL}},
        {&hf_sipconn_tls_opaque_a,
         {"Opaque records from the initiator", "sipconn.tls.opaque_a", FT_UINT64, BASE_DEC, NULL, 0,
          "Records not readable without keys (application data, encrypted handshake)", HFILL}},
        {&hf_sipconn_tls_opaque_b,
         {"Opaque records from the acceptor", "sipconn.tls.opaque_b", FT_UINT64, BASE_DEC, NULL, 0,
          "Records not readable without keys (application data, encrypted handshake)", HFILL}},
        {&hf_sipconn_direction,
         {"Direction", "sipconn.direction", FT_STRING, BASE_NONE, NULL, 0,
          "forward (sent by the initiator) or backward", HFILL}},
        {&hf_sipconn_response_request,
         {"Request in frame", "sipconn.response.request", FT_FRAMENUM, BASE_NONE,
          FRAMENUM_TYPE (FT_FRAMENUM_REQUEST), 0, "The request this response answers", HFILL}},
        {&hf_sipconn_expected_dest,
         {"Expected destination", "sipconn.response.expected_dest", FT_STRING, BASE_NONE, NULL, 0,
          "Where RFC 3261 §18.2.2 / RFC 3581 §4 send this response", HFILL}},
        {&hf_sipconn_alias,
         {"Alias", "sipconn.alias", FT_BOOLEAN, BASE_NONE, NULL, 0,
          "The top Via carries alias: the sender offers the connection for reuse (RFC 5923 §5)",
          HFILL}},
        {&hf_sipconn_flow,
         {"Outbound flow", "sipconn.flow", FT_UINT32, BASE_DEC, NULL, 0,
          "RFC 5626 flow (the connection or UDP flow a live outbound registration uses)", HFILL}},
        {&hf_sipconn_flow_instance,
         {"Instance", "sipconn.flow.instance", FT_STRING, BASE_NONE, NULL, 0,
          "+sip.instance of the registration using this flow", HFILL}},
        {&hf_sipconn_flow_reg_id,
         {"reg-id", "sipconn.flow.reg_id", FT_UINT32, BASE_DEC, NULL, 0,
          "reg-id of the registration using this flow", HFILL}},
        {&hf_sipconn_flow_token,
         {"Flow token", "sipconn.flow.token", FT_STRING, BASE_NONE, NULL, 0,
          "The edge proxy's Path URI (with ob) naming this flow (RFC 5626 §5.1)", HFILL}},
        {&hf_sipconn_flow_timer,
         {"Flow-Timer", "sipconn.flow.timer", FT_UINT32, BASE_DEC, NULL, 0,
          "Flow-Timer in force (seconds, RFC 5626 §4.4)", HFILL}},
        {&hf_sipconn_keep,
         {"keep", "sipconn.keep", FT_UINT32, BASE_DEC, NULL, 0,
          "RFC 6223 keep-alive interval in force (seconds)", HFILL}},
        {&hf_sipconn_ka,
         {"Keep-alive", "sipconn.ka", FT_STRING, BASE_NONE, NULL, 0,
          "crlf-ping, crlf-pong, crlf-unsolicited, crlf-udp (RFC 5626 §3.5.1), stun-request, "
          "stun-response, stun-error, stun-legacy (RFC 5626 §4.4.2)",
          HFILL}},
        {&hf_sipconn_ka_interval,
         {"Since previous ping", "sipconn.ka.interval", FT_RELATIVE_TIME, BASE_NONE, NULL, 0,
          "Time since the same sender's previous keep-alive on this connection or flow", HFILL}},
        {&hf_sipconn_ka_pong_latency,
         {"Pong latency", "sipconn.ka.pong_latency", FT_RELATIVE_TIME, BASE_NONE, NULL, 0,
          "Time from the ping (or the STUN request's first transmission) to this answer", HFILL}},
        {&hf_sipconn_ka_ping,
         {"Ping in frame", "sipconn.ka.ping", FT_FRAMENUM, BASE_NONE,
          FRAMENUM_TYPE (FT_FRAMENUM_REQUEST), 0, "The ping or STUN request this answers", HFILL}},
        {&hf_sipconn_ka_mapped,
         {"Mapped address", "sipconn.ka.mapped", FT_STRING, BASE_NONE, NULL, 0,
          "STUN XOR-MAPPED-ADDRESS (else MAPPED-ADDRESS): the flow's address seen by the server",
          HFILL}},
        {&hf_sipconn_ka_retransmission,
         {"Retransmission", "sipconn.ka.retransmission", FT_BOOLEAN, BASE_NONE, NULL, 0,
          "A STUN request or answer with a transaction ID already seen (counted once)", HFILL}},
        {&hf_sipconn_rule,
         {"Rule", "sipconn.rule", FT_STRING, BASE_NONE, NULL, 0, "A rule that fired on this frame",
          HFILL}},
        {&hf_sipconn_related,
         {"Related frame", "sipconn.related", FT_FRAMENUM, BASE_NONE, NULL, 0,
          "Another frame the finding cites", HFILL}},
    };
    static gint *ett[] = {&ett_sipconn, &ett_sipconn_conn, &ett_sipconn_finding, &ett_sipconn_flow,
                          &ett_sipconn_tls};

    proto_sipconn = proto_register_protocol ("SIP connection analysis", "sipconn", "sipconn");
    proto_register_field_array (proto_sipconn, hf, G_N_ELEMENTS (hf));
    proto_register_subtree_array (ett, G_N_ELEMENTS (ett));

    /* One expert info per rule, built from the registry. epan keeps pointers into this array
     * and into the names, so both live for the process. */
    static ei_register_info ei[SC_RULE_COUNT];
    for (guint i = 0; i < SC_RULE_COUNT; i++) {
        const ScRuleInfo *r = sc_rule_info ((ScRuleId)i);
        int severity = r->severity == SC_SEVERITY_ERROR     ? PI_ERROR
                       : r->severity == SC_SEVERITY_WARNING ? PI_WARN
                                                            : PI_NOTE;
        ei_register_info one = {&ei_sipconn[i],
                                {g_strdup_printf ("sipconn.%s", r->id), PI_PROTOCOL, severity,
                                 g_strdup_printf ("%s: %s", r->id, r->title), EXPFILL}};
        ei[i] = one;
    }
    expert_module_t *em = expert_register_protocol (proto_sipconn);
    expert_register_field_array (em, ei, SC_RULE_COUNT);

    module_t *prefs = prefs_register_protocol (proto_sipconn, NULL);
    prefs_register_uint_preference (prefs, "t1_ms", "T1 (ms)",
                                    "RFC 3261 T1; transactions linger 64*T1 after their final "
                                    "response",
                                    10, &sc_pref_t1_ms);
    prefs_register_uint_preference (prefs, "udp_max_sip_bytes", "UDP size limit (bytes)",
                                    "PRAC-001/PRAC-004 threshold (RFC 3261 §18.1.1: 1300 without a "
                                    "known path MTU)",
                                    10, &sc_pref_udp_max_sip_bytes);
    prefs_register_uint_preference (prefs, "udp_flow_idle_s", "UDP flow idle timeout (s)",
                                    "A UDP flow silent this long is ended", 10,
                                    &sc_pref_udp_flow_idle_s);
    prefs_register_uint_preference (prefs, "pong_timeout_ms", "CRLF pong deadline (ms)",
                                    "RFC 5626 §4.4.1: a pong is due 10 s after its ping", 10,
                                    &sc_pref_pong_timeout_ms);
    prefs_register_uint_preference (prefs, "stun_timeout_ms", "STUN answer deadline (ms)",
                                    "RFC 5389 §7.2.1: 39.5 s after the first transmission", 10,
                                    &sc_pref_stun_timeout_ms);
    prefs_register_uint_preference (prefs, "keepalive_slack_ms", "Keep-alive slack (ms)",
                                    "Added to every keep-alive deadline", 10,
                                    &sc_pref_keepalive_slack_ms);
    prefs_register_uint_preference (
        prefs, "default_stun_interval_s", "Default STUN keep-alive interval (s)",
        "Outbound flow without Flow-Timer: RFC 5626 §4.4.2 sends STUN every 24-29 s", 10,
        &sc_pref_default_stun_interval_s);
    prefs_register_uint_preference (
        prefs, "default_crlf_interval_s", "Default CRLF keep-alive interval (s)",
        "Outbound flow without Flow-Timer: RFC 5626 §4.4.1 allows up to 840 s on battery", 10,
        &sc_pref_default_crlf_interval_s);
    range_convert_str (wmem_epan_scope (), &sc_pref_sip_ports, "5060-5061", 65535);
    prefs_register_range_preference (
        prefs, "sip_ports", "SIP ports",
        "STUN or CR/LF datagrams to or from these ports are keep-alives on a SIP flow even before "
        "SIP is seen on it",
        &sc_pref_sip_ports, 65535);

    sc_plugin_register_stats ();
    register_init_routine (sc_plugin_state_init);
    register_init_routine (find_expert_tap);
    register_cleanup_routine (sc_plugin_state_cleanup);
}

static void
proto_reg_handoff_sipconn (void)
{
    sipconn_handle = create_dissector_handle (dissect_sipconn, proto_sipconn);
    register_postdissector (sipconn_handle);
    proto_ws_expert = proto_registrar_get_id_byname ("_ws.expert");
    sc_ws_fields.sip = proto_registrar_get_id_byname ("sip");
    sc_ws_fields.udp_length = proto_registrar_get_id_byname ("udp.length");
    sc_ws_fields.tcp_stream = proto_registrar_get_id_byname ("tcp.stream");
    sc_ws_fields.tcp_len = proto_registrar_get_id_byname ("tcp.len");
    sc_ws_fields.tcp_segment_data = proto_registrar_get_id_byname ("tcp.segment_data");
    sc_ws_fields.tcp_lost_segment = proto_registrar_get_id_byname ("tcp.analysis.lost_segment");
    sc_ws_fields.icmp_type = proto_registrar_get_id_byname ("icmp.type");
    sc_ws_fields.icmpv6_type = proto_registrar_get_id_byname ("icmpv6.type");
    sc_ws_fields.tls_content_type = proto_registrar_get_id_byname ("tls.record.content_type");
    sc_ws_fields.tls_opaque_type = proto_registrar_get_id_byname ("tls.record.opaque_type");
    sc_ws_fields.tls_handshake_type = proto_registrar_get_id_byname ("tls.handshake.type");
    GArray *wanted = g_array_new (FALSE, FALSE, sizeof (int));
    const int *all = &sc_ws_fields.sip;
    for (guint i = 0; i < sizeof sc_ws_fields / sizeof (int); i++)
        if (all[i] > 0)
            g_array_append_val (wanted, all[i]);
    set_postdissector_wanted_hfids (sipconn_handle, wanted);
}

void
plugin_register (void)
{
    static proto_plugin plug;
    plug.register_protoinfo = proto_register_sipconn;
    plug.register_handoff = proto_reg_handoff_sipconn;
    proto_register_plugin (&plug);
}
