/* STUN recognition (RFC 5389 §6, §15.1, §15.2). Byte vectors are written out by hand; the
 * XOR'ed addresses are those of RFC 5769's sample responses (192.0.2.1:32853 and
 * [2001:db8:1234:5678:11:2233:4455:6677]:32853 under transaction ID b7e7a701bc34d686fa87dfae). */
#include "stun.h"

#include <string.h>

static const guint8 txn[12] = {0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34,
                               0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae};

/* Header (type, length of @attrs, cookie, txn) followed by @attrs. */
static gsize
build (guint8 *out, guint16 type, const guint8 *attrs, gsize alen, gboolean cookie)
{
    out[0] = (guint8)(type >> 8);
    out[1] = (guint8)type;
    out[2] = (guint8)(alen >> 8);
    out[3] = (guint8)alen;
    static const guint8 magic[4] = {0x21, 0x12, 0xa4, 0x42};
    memcpy (out + 4, cookie ? magic : txn, 4);
    memcpy (out + 8, txn, 12);
    if (alen) /* memcpy from NULL is undefined even for 0 bytes */
        memcpy (out + 20, attrs, alen);
    return 20 + alen;
}

static void
test_ipv4_success_after_padded_attribute (void)
{
    /* SOFTWARE (0x8022) of 11 bytes, padded to 12, then XOR-MAPPED-ADDRESS. */
    const guint8 attrs[] = {0x80, 0x22, 0x00, 0x0b, 'T',  'E',  'S',  'T',  ' ',  'v',
                            'e',  'c',  't',  'o',  'r',  0x20, 0x00, 0x20, 0x00, 0x08,
                            0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43};
    guint8 buf[128];
    gsize len = build (buf, 0x0101, attrs, sizeof attrs, TRUE);
    ScStunMsg m;
    g_assert_true (sc_stun_parse (buf, len, &m));
    g_assert_cmpint (m.klass, ==, SC_STUN_BINDING_SUCCESS);
    g_assert_false (m.legacy);
    g_assert_cmpmem (m.txn_id, 12, txn, 12);
    g_assert_true (m.has_mapped);
    char s[SC_ENDPOINT_STRLEN];
    g_assert_cmpstr (sc_endpoint_format (&m.mapped, s), ==, "192.0.2.1:32853");
}

static void
test_ipv6_success (void)
{
    const guint8 attrs[] = {0x00, 0x20, 0x00, 0x14, 0x00, 0x02, 0xa1, 0x47, 0x01, 0x13, 0xa9, 0xfa,
                            0xa5, 0xd3, 0xf1, 0x79, 0xbc, 0x25, 0xf4, 0xb5, 0xbe, 0xd2, 0xb9, 0xd9};
    guint8 buf[128];
    gsize len = build (buf, 0x0101, attrs, sizeof attrs, TRUE);
    ScStunMsg m;
    g_assert_true (sc_stun_parse (buf, len, &m));
    g_assert_true (m.has_mapped);
    char s[SC_ENDPOINT_STRLEN];
    g_assert_cmpstr (sc_endpoint_format (&m.mapped, s), ==,
                     "[2001:db8:1234:5678:11:2233:4455:6677]:32853");
}

static void
test_xor_wins_over_plain (void)
{
    /* MAPPED-ADDRESS 10.0.0.1:5060 first, then XOR-MAPPED-ADDRESS 192.0.2.1:32853. */
    const guint8 attrs[] = {0x00, 0x01, 0x00, 0x08, 0x00, 0x01, 0x13, 0xc4, 10,   0,    0,    1,
                            0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43};
    guint8 buf[128];
    ScStunMsg m;
    g_assert_true (sc_stun_parse (buf, build (buf, 0x0101, attrs, sizeof attrs, TRUE), &m));
    char s[SC_ENDPOINT_STRLEN];
    g_assert_cmpstr (sc_endpoint_format (&m.mapped, s), ==, "192.0.2.1:32853");
    /* The plain one alone is used. */
    g_assert_true (sc_stun_parse (buf, build (buf, 0x0101, attrs, 12, TRUE), &m));
    g_assert_cmpstr (sc_endpoint_format (&m.mapped, s), ==, "10.0.0.1:5060");
}

static void
test_request_error_other (void)
{
    guint8 buf[64];
    ScStunMsg m;
    g_assert_true (sc_stun_parse (buf, build (buf, 0x0001, NULL, 0, TRUE), &m));
    g_assert_cmpint (m.klass, ==, SC_STUN_BINDING_REQUEST);
    g_assert_false (m.has_mapped);
    g_assert_true (sc_stun_parse (buf, build (buf, 0x0111, NULL, 0, TRUE), &m));
    g_assert_cmpint (m.klass, ==, SC_STUN_BINDING_ERROR);
    g_assert_true (sc_stun_parse (buf, build (buf, 0x0016, NULL, 0, TRUE), &m)); /* Send ind. */
    g_assert_cmpint (m.klass, ==, SC_STUN_OTHER);
}

static void
test_legacy (void)
{
    guint8 buf[64];
    ScStunMsg m;
    g_assert_true (sc_stun_parse (buf, build (buf, 0x0001, NULL, 0, FALSE), &m));
    g_assert_true (m.legacy);
    g_assert_cmpint (m.klass, ==, SC_STUN_BINDING_REQUEST);
    /* Without the cookie, another type is noise. */
    g_assert_false (sc_stun_parse (buf, build (buf, 0x0016, NULL, 0, FALSE), &m));
}

static void
test_not_stun (void)
{
    guint8 buf[64];
    ScStunMsg m;
    gsize len = build (buf, 0x0001, NULL, 0, TRUE);
    g_assert_false (sc_stun_parse (buf, len - 1, &m)); /* shorter than the header */
    buf[3] = 4;                                        /* announces 4 bytes, has none */
    g_assert_false (sc_stun_parse (buf, len, &m));
    buf[3] = 2; /* not a multiple of 4 */
    g_assert_false (sc_stun_parse (buf, len + 2, &m));
    const char *sip = "INVITE sip:bob@example.com SIP/2.0\r\n";
    g_assert_false (sc_stun_parse ((const guint8 *)sip, 20, &m)); /* top bits set */
    const guint8 crlf[20] = {'\r', '\n', '\r', '\n'};
    g_assert_false (sc_stun_parse (crlf, 4, &m));
    g_assert_false (sc_stun_parse (crlf, 20, &m));
}

static void
test_attribute_past_the_end (void)
{
    /* An attribute announcing 32 bytes in an 8-byte body: the message is STUN, no address. */
    const guint8 attrs[] = {0x00, 0x20, 0x00, 0x20, 0x00, 0x01, 0xa1, 0x47};
    guint8 buf[64];
    ScStunMsg m;
    g_assert_true (sc_stun_parse (buf, build (buf, 0x0101, attrs, sizeof attrs, TRUE), &m));
    g_assert_false (m.has_mapped);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/stun/ipv4-success-after-padding", test_ipv4_success_after_padded_attribute);
    g_test_add_func ("/stun/ipv6-success", test_ipv6_success);
    g_test_add_func ("/stun/xor-wins", test_xor_wins_over_plain);
    g_test_add_func ("/stun/request-error-other", test_request_error_other);
    g_test_add_func ("/stun/legacy", test_legacy);
    g_test_add_func ("/stun/not-stun", test_not_stun);
    g_test_add_func ("/stun/attribute-past-the-end", test_attribute_past_the_end);
    return g_test_run ();
}
