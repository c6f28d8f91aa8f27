/* TLS handshake structure (RFC 8446 §4.1.2, §4.2.1; RFC 6066 §3; RFC 5246 §7.4.6). The byte
 * vectors are written out by hand, field by field. */
#include "tls.h"

#include <string.h>

/* A ClientHello: legacy_version 0x0303, 32 zero random bytes, an empty session ID, one cipher
 * suite, null compression, then @ext (@ext_len bytes of extensions). */
static gsize
client_hello (guint8 *out, const guint8 *ext, gsize ext_len)
{
    guint8 body[512];
    gsize n = 0;
    body[n++] = 0x03;
    body[n++] = 0x03;
    memset (body + n, 0, 32);
    n += 32;
    body[n++] = 0;                      /* session_id */
    body[n++] = 0, body[n++] = 2;       /* cipher_suites length */
    body[n++] = 0x13, body[n++] = 0x01; /* TLS_AES_128_GCM_SHA256 */
    body[n++] = 1, body[n++] = 0;       /* compression: null */
    body[n++] = (guint8)(ext_len >> 8), body[n++] = (guint8)ext_len;
    if (ext_len) /* memcpy from NULL is undefined even for 0 bytes */
        memcpy (body + n, ext, ext_len);
    n += ext_len;
    out[0] = 1;
    out[1] = 0, out[2] = (guint8)(n >> 8), out[3] = (guint8)n;
    memcpy (out + 4, body, n);
    return n + 4;
}

static void
test_sni_and_versions_with_grease (void)
{
    const guint8 ext[] = {
        0x00, 0x00, 0x00, 0x0e, /* server_name, 14 bytes */
        0x00, 0x0c,             /* server_name_list, 12 bytes */
        0x00, 0x00, 0x09,       /* host_name, 9 bytes */
        's',  'i',  'p',  '.',  'e',  'x',  '.',
        'o',  'r',  0x00, 0x2b, 0x00, 0x07,       /* supported_versions, 7 bytes */
        0x06, 0x5a, 0x5a, 0x03, 0x04, 0x03, 0x03, /* GREASE, TLS 1.3, TLS 1.2 */
    };
    guint8 msg[600];
    gsize len = client_hello (msg, ext, sizeof ext);
    ScTlsHandshake h;
    g_assert_true (sc_tls_parse_handshake (msg, len, FALSE, &h));
    g_assert_cmpuint (h.type, ==, 1);
    g_assert_cmpstr (h.server_name, ==, "sip.ex.or");
    g_assert_cmphex (h.version, ==, 0x0304);
    g_assert_cmpstr (sc_tls_version_name (h.version), ==, "TLS 1.3");
}

static void
test_truncated_message_is_rejected (void)
{
    guint8 msg[600];
    gsize len = client_hello (msg, NULL, 0);
    ScTlsHandshake h;
    for (gsize cut = 0; cut < len; cut++)
        g_assert_false (sc_tls_parse_handshake (msg, cut, FALSE, &h));
    g_assert_true (sc_tls_parse_handshake (msg, len, FALSE, &h));
    g_assert_cmpstr (h.server_name, ==, "");
    g_assert_cmphex (h.version, ==, 0x0303); /* no supported_versions: the legacy field */
}

static void
test_certificate_lists (void)
{
    /* TLS 1.2 client Certificate with no certificates (RFC 5246 §7.4.6), then one with one
     * 3-byte certificate; a TLS 1.3 one starts with an empty request context. */
    const guint8 empty12[] = {11, 0, 0, 3, 0, 0, 0};
    const guint8 one12[] = {11, 0, 0, 9, 0, 0, 6, 0, 0, 3, 0x30, 0x01, 0x00};
    const guint8 empty13[] = {11, 0, 0, 4, 0, 0, 0, 0};
    ScTlsHandshake h;
    g_assert_true (sc_tls_parse_handshake (empty12, sizeof empty12, FALSE, &h));
    g_assert_true (h.certificate_list_empty);
    g_assert_true (sc_tls_parse_handshake (one12, sizeof one12, FALSE, &h));
    g_assert_false (h.certificate_list_empty);
    g_assert_true (sc_tls_parse_handshake (empty13, sizeof empty13, TRUE, &h));
    g_assert_true (h.certificate_list_empty);
}

static void
test_session_id_over_32_bytes_is_malformed (void)
{
    guint8 msg[600];
    gsize len = client_hello (msg, NULL, 0);
    msg[4 + 2 + 32] = 33; /* session_id length */
    ScTlsHandshake h;
    g_assert_false (sc_tls_parse_handshake (msg, len, FALSE, &h));
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/tls/sni-and-versions-with-grease", test_sni_and_versions_with_grease);
    g_test_add_func ("/tls/truncated-message-is-rejected", test_truncated_message_is_rejected);
    g_test_add_func ("/tls/certificate-lists", test_certificate_lists);
    g_test_add_func ("/tls/session-id-over-32-bytes", test_session_id_over_32_bytes_is_malformed);
    return g_test_run ();
}
