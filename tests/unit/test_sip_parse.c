/* Unit tests of the SIP parser: start lines, Via values, URIs, headers. */
#include "excerpt.h"
#include "sip_lex.h"
#include "sip_msg.h"

#include <arpa/inet.h>
#include <string.h>

static void
parse_via_line (const char *value, ScSipMsg *msg)
{
    memset (msg, 0, sizeof *msg);
    sc_sip_parse_via_values ((ScStrView){value, strlen (value)}, msg);
}

static void
test_via_compact_multi (void)
{
    ScSipMsg m;
    parse_via_line ("SIP/2.0/UDP pc33.example.com;branch=z9hG4bK1;RPORT , "
                    "SIP / 2.0 / tcp [2001:db8::1]:5070;received=192.0.2.1;rport=5070;alias",
                    &m);
    g_assert_cmpuint (m.via_count, ==, 2);
    g_assert_true (m.vias[0].valid);
    g_assert_true (sc_sv_eq_ci (m.vias[0].host, "pc33.example.com"));
    g_assert_false (m.vias[0].host_is_ip);
    g_assert_cmpuint (m.vias[0].port, ==, 0);
    g_assert_true (m.vias[0].has_rport);
    g_assert_false (m.vias[0].rport_has_value);
    g_assert_true (sc_sv_eq_ci (m.vias[0].branch, "z9hG4bK1"));
    g_assert_cmpint (m.vias[1].transport, ==, SC_TRANSPORT_TCP);
    g_assert_true (m.vias[1].host_is_ip);
    g_assert_cmpuint (m.vias[1].host_ip.family, ==, 6);
    g_assert_cmpuint (m.vias[1].port, ==, 5070);
    g_assert_true (m.vias[1].rport_valid);
    g_assert_cmpuint (m.vias[1].rport, ==, 5070);
    g_assert_true (m.vias[1].received_is_ip);
    g_assert_true (m.vias[1].has_alias);
}

static void
test_via_rport_empty_value (void)
{
    ScSipMsg m;
    parse_via_line ("SIP/2.0/UDP 192.0.2.4:5060;rport=;branch=z9hG4bKx", &m);
    g_assert_true (m.vias[0].has_rport);
    g_assert_true (m.vias[0].rport_has_value);
    g_assert_false (m.vias[0].rport_valid);
    parse_via_line ("SIP/2.0/UDP 192.0.2.4:5060;rport=70000", &m);
    g_assert_false (m.vias[0].rport_valid);
}

static void
test_via_malformed_keeps_position (void)
{
    ScSipMsg m;
    parse_via_line ("garbage, SIP/2.0/UDP 192.0.2.4", &m);
    g_assert_cmpuint (m.via_count, ==, 2);
    g_assert_false (m.vias[0].valid);
    g_assert_true (m.vias[1].valid);
}

static void
test_via_keep_value_anywhere (void)
{
    ScSipMsg m;
    parse_via_line ("SIP/2.0/UDP 192.0.2.4;keep, SIP/2.0/UDP 192.0.2.5;keep=30", &m);
    g_assert_true (m.any_via_keep_value);
    g_assert_true (m.vias[0].has_keep);
    g_assert_false (m.vias[0].keep_has_value);
    g_assert_cmpuint (m.vias[1].keep_s, ==, 30);
}

static void
test_start_line (void)
{
    const char *req = "INVITE sip:bob@example.com SIP/2.0\r\n";
    g_assert_cmpint (sc_sip_start_line_len (req, strlen (req)), ==, (gssize)strlen (req));
    g_assert_cmpint (sc_sip_start_line_len ("INVI", 4), ==, -1);
    g_assert_cmpint (sc_sip_start_line_len ("INVITE sip:b SIP/2", 18), ==, -1);
    g_assert_cmpint (sc_sip_start_line_len ("SIP/2.0 2", 9), ==, -1);
    g_assert_cmpint (sc_sip_start_line_len ("SIP/2.0 200 OK\r\n", 16), ==, 16);
    g_assert_cmpint (sc_sip_start_line_len ("GET / HTTP/1.1\r\n", 16), ==, 0);
    g_assert_cmpint (sc_sip_start_line_len ("HTTP/1.1 200 OK\r\n", 17), ==, 0);
    g_assert_cmpint (sc_sip_start_line_len (" INVITE sip:b SIP/2.0\r\n", 23), ==, 0);
}

static void
test_message_headers (void)
{
    const char *text = "SIP/2.0 200 OK\r\n"
                       "v: SIP/2.0/TCP 192.0.2.4:5060;branch=z9hG4bKa\r\n"
                       "i: abc@h\r\n"
                       "CSEQ : 7   register\r\n"
                       "Record-Route: <sip:192.0.2.1;lr>, <sip:p.example.com;lr>\r\n"
                       "Path: <sip:[2001:db8::1]:5070;lr;ob>\r\n"
                       "Flow-Timer: 120\r\n"
                       "k: path, outbound\r\n"
                       "From: \"A\" <sip:a@h>;tag=f1\r\n"
                       "l: 4\r\n\r\nbody";
    ScSipMsg m;
    g_assert_cmpint (sc_sip_parse (text, strlen (text), &m), ==, SC_SIP_PARSE_OK);
    g_assert_false (m.is_request);
    g_assert_cmpuint (m.status, ==, 200);
    g_assert_true (sc_sv_eq_ci (m.call_id, "abc@h"));
    g_assert_cmpuint (m.cseq_number, ==, 7);
    g_assert_true (sc_sv_eq_ci (m.cseq_method, "REGISTER"));
    g_assert_cmpuint (m.record_route_count, ==, 2);
    g_assert_true (m.record_route[0].host_is_ip);
    g_assert_true (m.record_route[0].lr);
    g_assert_false (m.record_route[1].host_is_ip);
    g_assert_cmpuint (m.path_count, ==, 1);
    g_assert_cmpuint (m.path[0].port, ==, 5070);
    g_assert_true (m.has_flow_timer);
    g_assert_cmpuint (m.flow_timer_s, ==, 120);
    g_assert_true (sc_sip_tag_list_has (m.supported, "outbound"));
    g_assert_false (sc_sip_tag_list_has (m.supported, "out"));
    g_assert_true (sc_sv_eq_ci (sc_sip_tag (m.from), "f1"));
    /* The tag is a header parameter: one inside the name-addr's URI is not it. */
    g_assert_true (sc_sv_eq_ci (sc_sip_tag ((ScStrView){"<sip:a@b;tag=u>;tag=h", 21}), "h"));
    g_assert_null (sc_sip_tag ((ScStrView){"<sip:a@b;tag=u>", 15}).p);
    g_assert_true (sc_sv_eq_ci (sc_sip_tag ((ScStrView){"sip:a@b;tag=x", 13}), "x"));
    g_assert_null (sc_sip_tag (SC_SV_EMPTY).p);
    g_assert_true (m.content_length_valid);
    g_assert_cmpuint (m.content_length, ==, 4);
    g_assert_cmpuint (m.body_len, ==, 4);
}

static void
test_folded_and_absurd_length (void)
{
    const char *text = "OPTIONS sip:x SIP/2.0\r\n"
                       "Via: SIP/2.0/UDP 192.0.2.4\r\n"
                       " ;branch=z9hG4bKf\r\n"
                       "Content-Length: 99999999999999999999999\r\n\r\n";
    ScSipMsg m;
    g_assert_cmpint (sc_sip_parse (text, strlen (text), &m), ==, SC_SIP_PARSE_OK);
    g_assert_true (sc_sv_eq_ci (m.vias[0].branch, "z9hG4bKf"));
    g_assert_true (m.has_content_length);
    g_assert_false (m.content_length_valid);
}

static void
test_uri (void)
{
    ScSipUri u;
    const char *s = "sips:alice;x=1@[2001:db8::2]:5071;transport=tls;lr";
    g_assert_true (sc_sip_uri_parse ((ScStrView){s, strlen (s)}, &u));
    g_assert_true (u.sips);
    g_assert_true (u.host_is_ip);
    g_assert_cmpuint (u.port, ==, 5071);
    g_assert_true (u.lr);
    s = "tel:+1234";
    g_assert_false (sc_sip_uri_parse ((ScStrView){s, strlen (s)}, &u));
}

static void
test_ip_equal_by_value (void)
{
    ScEndpoint a = {0}, b = {0};
    g_assert_true (sc_ip_parse ("2001:DB8:0::5", 13, &a));
    g_assert_true (sc_ip_parse ("[2001:db8::5]", 13, &b));
    g_assert_true (sc_ip_equal (&a, &b));
    g_assert_true (sc_ip_parse ("100.64.1.1", 10, &a));
    g_assert_true (sc_ip_is_private (&a));
    g_assert_true (sc_ip_parse ("100.128.1.1", 11, &a));
    g_assert_false (sc_ip_is_private (&a));
}

/* IPv4 literals are read as inet_pton reads them: exactly four parts of 0..255, no leading
 * zeros, nothing else; names are not addresses. */
static void
test_ipv4_literals (void)
{
    static const struct {
        const char *text;
        gboolean ok;
    } cases[] = {
        {"192.0.2.255", TRUE},      {"0.0.0.0", TRUE},     {"[198.51.100.7]", TRUE},
        {"192.0.2.256", FALSE},     {"192.0.2", FALSE},    {"192.0.2.1.5", FALSE},
        {"192.0.2.01", FALSE},      {"192.0.2.1.", FALSE}, {".192.0.2.1", FALSE},
        {"192..2.1", FALSE},        {"1000.0.0.1", FALSE}, {"192.0.2.x", FALSE},
        {"pbx.example.com", FALSE}, {"", FALSE},           {"::ffff:192.0.2.1", TRUE},
        {"0.0.0.00", FALSE},        {"1.2.3.4 ", FALSE},   {"255.255.255.2555", FALSE},
        {"1.2.3.-4", FALSE},        {"9.9.9.9", TRUE},     {"10.0.0.0:5060", FALSE},
    };
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        ScEndpoint e = {0};
        g_assert_cmpint (sc_ip_parse (cases[i].text, strlen (cases[i].text), &e), ==, cases[i].ok);
    }
    /* The hand-written dotted-quad reader agrees with inet_pton on every text of up to 15
     * characters from digits and dots picked at random. */
    GRand *rand = g_rand_new_with_seed (5060);
    for (int n = 0; n < 200000; n++) {
        char text[16];
        gsize len = (gsize)g_rand_int_range (rand, 1, 16);
        for (gsize k = 0; k < len; k++)
            text[k] = "0123456789..2"[g_rand_int_range (rand, 0, 13)];
        text[len] = '\0';
        guint8 want[4];
        ScEndpoint e = {0};
        gboolean ok = sc_ip_parse (text, len, &e);
        g_assert_cmpint (ok, ==, inet_pton (AF_INET, text, want) == 1);
        if (ok)
            g_assert_cmpmem (e.addr, 4, want, 4);
    }
    g_rand_free (rand);
    ScEndpoint e = {0};
    g_assert_true (sc_ip_parse ("203.0.113.9", 11, &e));
    g_assert_cmpint (e.family, ==, 4);
    g_assert_cmpuint (e.addr[0], ==, 203);
    g_assert_cmpuint (e.addr[3], ==, 9);
}

static void
test_contacts_outbound (void)
{
    const char *text = "REGISTER sip:example.com SIP/2.0\r\n"
                       "Via: SIP/2.0/TCP 192.0.2.4;branch=z9hG4bK-1\r\n"
                       "To: \"Alice\" <sip:alice@example.com>\r\n"
                       "Contact: \"A, B\" <sip:alice@192.0.2.4:5060;ob>;+sip.instance="
                       "\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\";reg-id=1;expires=3600, "
                       "<sip:b@h>;reg-id=0\r\n"
                       "m: sip:c@h;reg-id=2147483647, sip:d@h;reg-id=2147483648\r\n"
                       "Supported: path\r\nSupported: gruu, outbound\r\n"
                       "Require: outbound\r\nExpires: 600\r\n"
                       "Content-Length: 0\r\n\r\n";
    ScSipMsg m;
    g_assert_cmpint (sc_sip_parse (text, strlen (text), &m), ==, SC_SIP_PARSE_OK);
    g_assert_cmpuint (m.contact_count, ==, 4);
    const ScSipContact *c = &m.contacts[0];
    g_assert_true (c->uri_ok);
    g_assert_true (sc_sv_eq_ci (c->uri.user, "alice"));
    g_assert_true (sc_sv_eq_ci (c->uri.host, "192.0.2.4"));
    g_assert_cmpuint (c->uri.port, ==, 5060);
    g_assert_true (c->uri.ob);
    g_assert_true (sc_sv_eq_ci (c->instance, "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"));
    g_assert_true (c->reg_id_ok);
    g_assert_cmpuint (c->reg_id, ==, 1);
    g_assert_true (c->has_expires);
    g_assert_cmpuint (c->expires, ==, 3600);
    g_assert_true (m.contacts[1].has_reg_id);
    g_assert_false (m.contacts[1].reg_id_ok); /* 0 */
    g_assert_false (m.contacts[1].uri.ob);
    g_assert_true (m.contacts[2].reg_id_ok);  /* 2^31 - 1, compact form, addr-spec */
    g_assert_false (m.contacts[3].reg_id_ok); /* 2^31 */
    g_assert_true (sc_sv_eq_ci (m.to_uri, "sip:alice@example.com"));
    g_assert_true (m.supported_outbound); /* in the second Supported line */
    g_assert_true (m.require_outbound);
    g_assert_true (m.has_expires);
    g_assert_cmpuint (m.expires_s, ==, 600);

    const char *star = "REGISTER sip:example.com SIP/2.0\r\nContact: *\r\nExpires: 0\r\n\r\n";
    g_assert_cmpint (sc_sip_parse (star, strlen (star), &m), ==, SC_SIP_PARSE_OK);
    g_assert_cmpuint (m.contact_count, ==, 1);
    g_assert_true (m.contacts[0].star);
    g_assert_false (m.supported_outbound);

    /* Contacts are parsed for requests and REGISTER responses only (sip_msg.h). */
    const char *ok_invite =
        "SIP/2.0 200 OK\r\nContact: <sip:b@192.0.2.9>\r\nCSeq: 1 INVITE\r\n\r\n";
    g_assert_cmpint (sc_sip_parse (ok_invite, strlen (ok_invite), &m), ==, SC_SIP_PARSE_OK);
    g_assert_cmpuint (m.contact_count, ==, 0);
    const char *ok_reg = "SIP/2.0 200 OK\r\nContact: <sip:b@192.0.2.9>;expires=60\r\n"
                         "CSeq: 1 REGISTER\r\n\r\n";
    g_assert_cmpint (sc_sip_parse (ok_reg, strlen (ok_reg), &m), ==, SC_SIP_PARSE_OK);
    g_assert_cmpuint (m.contact_count, ==, 1);
    g_assert_cmpuint (m.contacts[0].expires, ==, 60);
    /* Six Contact lines, more than wait for CSeq: all counted, the first four kept in order. */
    const char *six = "REGISTER sip:example.com SIP/2.0\r\nContact: <sip:a@h1>\r\n"
                      "Contact: <sip:a@h2>\r\nContact: <sip:a@h3>, <sip:a@h4>\r\n"
                      "Contact: <sip:a@h5>\r\nContact: <sip:a@h6>\r\nCSeq: 2 REGISTER\r\n\r\n";
    g_assert_cmpint (sc_sip_parse (six, strlen (six), &m), ==, SC_SIP_PARSE_OK);
    g_assert_cmpuint (m.contact_count, ==, 6);
    for (guint i = 0; i < SC_SIP_MAX_CONTACTS; i++) {
        char host[3] = {'h', (char)('1' + i), 0};
        g_assert_true (sc_sv_eq_ci (m.contacts[i].uri.host, host));
    }

    /* A Contact value whose quoted display name ends in a backslash: the value ends with its
     * last byte and nothing past it is read (ASan's unit build checks the read). */
    static const char cut[] = "\"A\\";
    char *heap = g_memdup2 (cut, sizeof cut - 1);
    m.contact_count = 0;
    sc_sip_parse_contact_values ((ScStrView){heap, sizeof cut - 1}, &m);
    g_assert_cmpuint (m.contact_count, ==, 1);
    g_assert_false (m.contacts[0].uri_ok);
    g_free (heap);
}

/* The token table against RFC 3261 §25.1's definition, for every byte. */
static void
test_token_chars (void)
{
    for (int c = 0; c < 256; c++) {
        gboolean want = g_ascii_isalnum (c) || (c != 0 && strchr ("-.!%*_+`'~", c) != NULL);
        g_assert_cmpint (sc_is_token_char ((char)c), ==, want);
    }
}

/* Every class of the table in sip_lex.c, byte by byte, against its definition in sip_lex.h. */
static void
test_char_classes (void)
{
    for (int c = 0; c < 256; c++) {
        gboolean lws = c == ' ' || c == '\t' || c == '\r' || c == '\n';
        gboolean in = c != 0 && c < 128;
        g_assert_cmpint (sc_char_is ((char)c, SC_CH_LWS), ==, lws);
        g_assert_cmpint (sc_char_is ((char)c, SC_CH_DIGIT), ==, c >= '0' && c <= '9');
        g_assert_cmpint (sc_char_is ((char)c, SC_CH_VIA_VALUE_END), ==, lws || c == ';');
        g_assert_cmpint (sc_char_is ((char)c, SC_CH_PARAM_VALUE_END), ==,
                         lws || (in && strchr (";,?>", c)));
        g_assert_cmpint (sc_char_is ((char)c, SC_CH_VIA_HOST_END), ==,
                         lws || (in && strchr (":;", c)));
        g_assert_cmpint (sc_char_is ((char)c, SC_CH_URI_HOST_END), ==,
                         lws || (in && strchr (":;?>", c)));
        g_assert_cmpint (sc_char_is ((char)c, SC_CH_CONTACT_SPECIAL), ==,
                         in && strchr ("\"\\<>,", c));
    }
}

static void
test_endpoint_format (void)
{
    char buf[SC_ENDPOINT_STRLEN];
    ScEndpoint a = {0};
    g_assert_true (sc_ip_parse ("0.0.0.0", 7, &a));
    g_assert_cmpstr (sc_endpoint_format (&a, buf), ==, "0.0.0.0:0");
    g_assert_true (sc_ip_parse ("255.255.255.255", 15, &a));
    a.port = 65535;
    g_assert_cmpstr (sc_endpoint_format (&a, buf), ==, "255.255.255.255:65535");
    g_assert_cmpstr (sc_ip_format (&a, buf), ==, "255.255.255.255");
    g_assert_true (sc_ip_parse ("203.0.113.10", 12, &a));
    a.port = 5060;
    g_assert_cmpstr (sc_endpoint_format (&a, buf), ==, "203.0.113.10:5060");
    g_assert_true (sc_ip_parse ("2001:DB8:0::5", 13, &a));
    a.port = 5061;
    g_assert_cmpstr (sc_endpoint_format (&a, buf), ==, "[2001:db8::5]:5061");
    /* The longest IPv6 text fits with brackets and port. */
    g_assert_true (sc_ip_parse ("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", 45, &a));
    a.port = 65535;
    g_assert_cmpuint (strlen (sc_endpoint_format (&a, buf)), <, SC_ENDPOINT_STRLEN);
}

static void
test_excerpt (void)
{
    /* Start line, then only the wanted headers (compact "v" included), a folded continuation
     * left out, a long line cut to SC_EXCERPT_MAX_LINE, nothing after the empty line. */
    GString *long_via = g_string_new ("Via: SIP/2.0/UDP h;branch=z9hG4bK-");
    while (long_via->len < 300)
        g_string_append_c (long_via, 'x');
    char *msg = g_strdup_printf ("INVITE sip:b@example.com SIP/2.0\r\n"
                                 "Max-Forwards: 70\r\n"
                                 "v: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK-1\r\n"
                                 "Contact: <sip:a@192.0.2.1>\r\n"
                                 " ;expires=60\r\n"
                                 "%s\r\n"
                                 "Content-Length: 4\r\n\r\n"
                                 "Via:",
                                 long_via->str);
    GString *out = g_string_new (NULL);
    sc_sip_excerpt (msg, strlen (msg), out);
    char **lines = g_strsplit (out->str, "\n", -1);
    g_assert_cmpuint (g_strv_length (lines), ==, 6); /* five lines and the empty tail */
    g_assert_cmpstr (lines[0], ==, "INVITE sip:b@example.com SIP/2.0");
    g_assert_cmpstr (lines[1], ==, "v: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK-1");
    g_assert_cmpstr (lines[2], ==, "Contact: <sip:a@192.0.2.1>");
    g_assert_cmpuint (strlen (lines[3]), ==, SC_EXCERPT_MAX_LINE);
    g_assert_true (g_str_has_suffix (lines[3], "..."));
    g_assert_cmpstr (lines[4], ==, "Content-Length: 4");
    g_strfreev (lines);
    g_string_free (out, TRUE);
    g_string_free (long_via, TRUE);
    g_free (msg);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/via/compact-multi", test_via_compact_multi);
    g_test_add_func ("/via/rport/empty-value", test_via_rport_empty_value);
    g_test_add_func ("/via/malformed-keeps-position", test_via_malformed_keeps_position);
    g_test_add_func ("/via/keep-value-anywhere", test_via_keep_value_anywhere);
    g_test_add_func ("/sip/start-line", test_start_line);
    g_test_add_func ("/sip/headers", test_message_headers);
    g_test_add_func ("/sip/folded-and-absurd-length", test_folded_and_absurd_length);
    g_test_add_func ("/uri/parse", test_uri);
    g_test_add_func ("/ip/equal-by-value", test_ip_equal_by_value);
    g_test_add_func ("/ip/ipv4-literals", test_ipv4_literals);
    g_test_add_func ("/ip/endpoint-format", test_endpoint_format);
    g_test_add_func ("/sip/token-chars", test_token_chars);
    g_test_add_func ("/sip/char-classes", test_char_classes);
    g_test_add_func ("/sip/contacts-outbound", test_contacts_outbound);
    g_test_add_func ("/sip/excerpt", test_excerpt);
    return g_test_run ();
}
