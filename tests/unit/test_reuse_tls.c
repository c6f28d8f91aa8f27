/* REUSE-003 and REUSE-004 on an aliased TLS connection, driven through the core's events as a
 * front end that can read SIP inside TLS (Wireshark with keys; the audit once it decrypts)
 * would drive them. The handshakes are TLS 1.2 ones written out by hand: ServerHello (no
 * session resumption), optionally CertificateRequest, ServerHelloDone, optionally the client's
 * Certificate, then both ChangeCipherSpecs.
 *
 * The UA 203.0.113.5:50500 opens the connection to the proxy 192.0.2.1:5061 (frame 1) and
 * registers (frame 6) with `alias` in a Via whose sent-by is 203.0.113.5:5061: the alias entry
 * is 203.0.113.5:5061 (RFC 5923 §8.2). The proxy then sends an INVITE backwards (frame 8). */
#include "core.h"

#include <string.h>

typedef struct {
    GArray *rules;  /* ScRuleId */
    GArray *frames; /* the first cited frame of each */
    GArray *cited;  /* every finding's frames, flattened, with 0 between findings */
} Seen;

static void
on_finding (const ScFinding *f, gpointer user)
{
    Seen *s = user;
    g_array_append_val (s->rules, f->rule);
    g_array_append_val (s->frames, f->frames[0]);
    for (guint i = 0; i < f->n_frames; i++)
        g_array_append_val (s->cited, f->frames[i]);
    guint32 zero = 0;
    g_array_append_val (s->cited, zero);
}

static void
on_connection (const ScConnFacts *c, gpointer user)
{
    (void)c, (void)user;
}

static ScEndpoint
ep (const char *ip, guint16 port)
{
    ScEndpoint e;
    g_assert_true (sc_ip_parse (ip, strlen (ip), &e));
    e.port = port;
    return e;
}

static void
handshake (ScCore *core, ScConn *conn, gboolean ask_cert, int client_certs)
{
    static const guint8 client_hello[] = {1, 0, 0, 41,   3,    3, [6 ... 37] = 0,
                                          0, 0, 2, 0x13, 0x01, 1, 0};
    static const guint8 server_hello[] = {2, 0, 0, 38, 3, 3, [6 ... 37] = 0, 0, 0xc0, 0x2f, 0};
    static const guint8 cert_request[] = {13, 0, 0, 8, 1, 1, 0, 2, 4, 1, 0, 0};
    static const guint8 server_done[] = {14, 0, 0, 0};
    static const guint8 no_certs[] = {11, 0, 0, 3, 0, 0, 0};
    static const guint8 one_cert[] = {11, 0, 0, 9, 0, 0, 6, 0, 0, 3, 0x30, 0x01, 0x00};
    sc_core_tls_handshake (core, conn, TRUE, client_hello, sizeof client_hello, 2, 2000);
    sc_core_tls_handshake (core, conn, FALSE, server_hello, sizeof server_hello, 3, 3000);
    if (ask_cert)
        sc_core_tls_handshake (core, conn, FALSE, cert_request, sizeof cert_request, 3, 3000);
    sc_core_tls_handshake (core, conn, FALSE, server_done, sizeof server_done, 3, 3000);
    if (client_certs >= 0)
        sc_core_tls_handshake (core, conn, TRUE, client_certs ? one_cert : no_certs,
                               client_certs ? sizeof one_cert : sizeof no_certs, 4, 4000);
    sc_core_tls_record (core, conn, TRUE, 20, 6, 4, 4000);
    sc_core_tls_record (core, conn, FALSE, 20, 6, 5, 5000);
}

static void
sip (ScCore *core, ScConn *conn, gboolean from_a, guint32 frame, const char *text)
{
    ScEndpoint ua = ep ("203.0.113.5", 50500), proxy = ep ("192.0.2.1", 5061);
    ScMsgEvent ev = {.frame = frame,
                     .ts_us = frame * 1000,
                     .transport = SC_TRANSPORT_TLS,
                     .src = from_a ? ua : proxy,
                     .dst = from_a ? proxy : ua,
                     .conn = conn,
                     .from_a = from_a,
                     .wire_len = strlen (text)};
    sc_core_sip_message (core, &ev, text, strlen (text));
}

/* One run: handshake as given, REGISTER with alias, INVITE backwards for @ruri. */
static Seen
run (gboolean ask_cert, int client_certs, const char *ruri)
{
    Seen seen = {g_array_new (FALSE, FALSE, sizeof (ScRuleId)),
                 g_array_new (FALSE, FALSE, sizeof (guint32)),
                 g_array_new (FALSE, FALSE, sizeof (guint32))};
    ScConfig cfg;
    sc_config_init (&cfg);
    ScSink sink = {on_finding, on_connection, NULL, NULL};
    ScCore *core = sc_core_new (&cfg, &sink, &seen);
    ScEndpoint ua = ep ("203.0.113.5", 50500), proxy = ep ("192.0.2.1", 5061);
    ScConn *conn =
        sc_core_stream_open (core, SC_TRANSPORT_TCP, &ua, &proxy, SC_INITIATOR_A, 1, 1000);
    handshake (core, conn, ask_cert, client_certs);
    sip (core, conn, TRUE, 6,
         "REGISTER sips:example.com SIP/2.0\r\n"
         "Via: SIP/2.0/TLS 203.0.113.5:5061;branch=z9hG4bK-r1;alias\r\n"
         "From: <sips:alice@example.com>;tag=a\r\nTo: <sips:alice@example.com>\r\n"
         "Call-ID: reg@example.com\r\nCSeq: 1 REGISTER\r\n"
         "Contact: <sips:alice@203.0.113.5:5061>\r\nContent-Length: 0\r\n\r\n");
    char *invite = g_strdup_printf ("INVITE %s SIP/2.0\r\n"
                                    "Via: SIP/2.0/TLS 192.0.2.1:5061;branch=z9hG4bK-i1\r\n"
                                    "From: <sips:bob@example.com>;tag=b\r\n"
                                    "To: <sips:alice@example.com>\r\nCall-ID: in@example.com\r\n"
                                    "CSeq: 1 INVITE\r\nContact: <sips:bob@192.0.2.1:5061>\r\n"
                                    "Content-Length: 0\r\n\r\n",
                                    ruri);
    sip (core, conn, FALSE, 8, invite);
    g_free (invite);
    sc_core_stream_release (core, conn);
    sc_core_finish (core, 10000);
    sc_core_free (core);
    return seen;
}

static void
seen_free (Seen *s)
{
    g_array_unref (s->rules);
    g_array_unref (s->frames);
    g_array_unref (s->cited);
}

/* The first cited frame of @rule's finding, 0 when it did not fire. */
static guint32
fired (const Seen *s, ScRuleId rule)
{
    for (guint i = 0; i < s->rules->len; i++)
        if (g_array_index (s->rules, ScRuleId, i) == rule)
            return g_array_index (s->frames, guint32, i);
    return 0;
}

static void
test_mutual_tls_to_the_alias_entry (void)
{
    /* Asked and sent a certificate; the INVITE goes to the alias entry: RFC 5923 as meant. */
    Seen s = run (TRUE, 1, "sips:alice@203.0.113.5:5061");
    g_assert_cmpuint (fired (&s, SC_RULE_REUSE_003), ==, 0);
    g_assert_cmpuint (fired (&s, SC_RULE_REUSE_004), ==, 0);
    g_assert_cmpuint (fired (&s, SC_RULE_REUSE_002), ==, 0);
    seen_free (&s);
}

static void
test_no_certificate_request (void)
{
    /* Not asked: the alias is void (REUSE-003: request 8, ServerHello 3, aliasing REGISTER 6). */
    Seen s = run (FALSE, -1, "sips:alice@203.0.113.5:5061");
    g_assert_cmpuint (fired (&s, SC_RULE_REUSE_003), ==, 8);
    const guint32 want[] = {8, 3, 6, 0};
    g_assert_cmpmem (s.cited->data, s.cited->len * sizeof (guint32), want, sizeof want);
    g_assert_cmpuint (fired (&s, SC_RULE_REUSE_004), ==, 0);
    seen_free (&s);
}

static void
test_empty_client_certificate (void)
{
    Seen s = run (TRUE, 0, "sips:alice@203.0.113.5:5061");
    g_assert_cmpuint (fired (&s, SC_RULE_REUSE_003), ==, 8);
    seen_free (&s);
}

static void
test_destination_outside_the_alias (void)
{
    /* Mutual TLS, but the INVITE is for port 5071: not the entry, not the far end (REUSE-004:
     * request 8, aliasing REGISTER 6). */
    Seen s = run (TRUE, 1, "sips:alice@203.0.113.5:5071");
    g_assert_cmpuint (fired (&s, SC_RULE_REUSE_003), ==, 0);
    g_assert_cmpuint (fired (&s, SC_RULE_REUSE_004), ==, 8);
    const guint32 want[] = {8, 6, 0};
    g_assert_cmpmem (s.cited->data, s.cited->len * sizeof (guint32), want, sizeof want);
    seen_free (&s);
}

static void
test_to_the_far_end_is_plain_reuse (void)
{
    /* Backwards to the connection's own far end: RFC 3261 §18 reuse, no REUSE finding. */
    Seen s = run (FALSE, -1, "sips:alice@203.0.113.5:50500");
    g_assert_cmpuint (s.rules->len, ==, 0);
    seen_free (&s);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/reuse-tls/mutual-to-alias-entry", test_mutual_tls_to_the_alias_entry);
    g_test_add_func ("/reuse-tls/no-certificate-request", test_no_certificate_request);
    g_test_add_func ("/reuse-tls/empty-client-certificate", test_empty_client_certificate);
    g_test_add_func ("/reuse-tls/outside-the-alias", test_destination_outside_the_alias);
    g_test_add_func ("/reuse-tls/far-end", test_to_the_far_end_is_plain_reuse);
    return g_test_run ();
}
