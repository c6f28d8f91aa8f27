/* tls.c — reading the structure of clear TLS handshake messages. */
#include "tls.h"

#include "reader.h"

#include <string.h>

#define EXT_SERVER_NAME 0
#define EXT_SUPPORTED_VERSIONS 43
#define SNI_HOST_NAME 0

static guint32
rd_be24 (ScReader *r)
{
    guint32 hi = sc_rd_u8 (r);
    return hi << 16 | sc_rd_be16 (r);
}

static void
read_session_id (ScReader *r, ScTlsHandshake *out)
{
    guint8 n = sc_rd_u8 (r);
    if (n > sizeof out->session_id) {
        r->truncated = TRUE; /* RFC 8446 §4.1.2: at most 32 bytes */
        return;
    }
    out->session_id_len = n;
    sc_rd_bytes (r, out->session_id, n);
}

/* server_name (RFC 6066 §3): the first host_name. */
static void
read_sni (ScReader ext, ScTlsHandshake *out)
{
    guint16 list = sc_rd_be16 (&ext);
    ScReader names = sc_reader_init (sc_rd_here (&ext), MIN ((gsize)list, sc_rd_left (&ext)));
    while (sc_rd_left (&names) >= 3) {
        guint8 kind = sc_rd_u8 (&names);
        guint16 n = sc_rd_be16 (&names);
        if (!sc_rd_has (&names, n))
            return;
        if (kind == SNI_HOST_NAME && n < sizeof out->server_name) {
            memcpy (out->server_name, sc_rd_here (&names), n);
            out->server_name[n] = '\0';
            return;
        }
        sc_rd_skip (&names, n);
    }
}

/* supported_versions (RFC 8446 §4.2.1): a list in a ClientHello (the highest is kept, GREASE
 * values 0x?a?a skipped), the selected version in a ServerHello. */
static void
read_supported_versions (ScReader ext, gboolean client, ScTlsHandshake *out)
{
    if (!client) {
        guint16 v = sc_rd_be16 (&ext);
        if (!ext.truncated)
            out->version = v;
        return;
    }
    guint8 n = sc_rd_u8 (&ext);
    for (guint i = 0; i + 1 < n && sc_rd_left (&ext) >= 2; i += 2) {
        guint16 v = sc_rd_be16 (&ext);
        if ((v & 0x0f0f) != 0x0a0a && v > out->version && v <= 0x0304)
            out->version = v;
    }
}

static void
read_extensions (ScReader *r, gboolean client, ScTlsHandshake *out)
{
    if (sc_rd_left (r) < 2)
        return; /* no extensions (TLS 1.0 peers may omit the block) */
    guint16 total = sc_rd_be16 (r);
    ScReader all = sc_reader_init (sc_rd_here (r), MIN ((gsize)total, sc_rd_left (r)));
    while (sc_rd_left (&all) >= 4) {
        guint16 type = sc_rd_be16 (&all);
        guint16 n = sc_rd_be16 (&all);
        if (!sc_rd_has (&all, n))
            return;
        ScReader ext = sc_reader_init (sc_rd_here (&all), n);
        if (type == EXT_SERVER_NAME && client)
            read_sni (ext, out);
        else if (type == EXT_SUPPORTED_VERSIONS)
            read_supported_versions (ext, client, out);
        else if (type == 22 && !client)
            out->encrypt_then_mac = TRUE; /* RFC 7366: the server agreed to encrypt-then-MAC */
        sc_rd_skip (&all, n);
    }
}

gboolean
sc_tls_parse_handshake (const guint8 *msg, gsize len, gboolean tls13, ScTlsHandshake *out)
{
    memset (out, 0, sizeof *out);
    ScReader r = sc_reader_init (msg, len);
    out->type = sc_rd_u8 (&r);
    guint32 body_len = rd_be24 (&r);
    if (r.truncated || body_len > sc_rd_left (&r))
        return FALSE;
    ScReader b = sc_reader_init (sc_rd_here (&r), body_len);
    switch (out->type) {
    case SC_TLS_CLIENT_HELLO:
    case SC_TLS_SERVER_HELLO: {
        gboolean client = out->type == SC_TLS_CLIENT_HELLO;
        out->version = sc_rd_be16 (&b); /* legacy_version */
        if (sc_rd_has (&b, 32))
            memcpy (out->random, sc_rd_here (&b), 32);
        sc_rd_skip (&b, 32);
        read_session_id (&b, out);
        if (client) {
            sc_rd_skip (&b, sc_rd_be16 (&b)); /* cipher_suites */
            sc_rd_skip (&b, sc_rd_u8 (&b));   /* compression_methods */
        } else {
            out->cipher_suite = sc_rd_be16 (&b);
            sc_rd_skip (&b, 1); /* compression_method */
        }
        if (b.truncated)
            return FALSE;
        read_extensions (&b, client, out);
        return !b.truncated;
    }
    case SC_TLS_CERTIFICATE:
        if (tls13)
            sc_rd_skip (&b, sc_rd_u8 (&b)); /* certificate_request_context */
        out->certificate_list_empty = rd_be24 (&b) == 0;
        return !b.truncated;
    default:
        return TRUE; /* the type is all that is read of the others */
    }
}

const char *
sc_tls_version_name (guint16 version)
{
    switch (version) {
    case 0x0300:
        return "SSL 3.0";
    case 0x0301:
        return "TLS 1.0";
    case 0x0302:
        return "TLS 1.1";
    case 0x0303:
        return "TLS 1.2";
    case 0x0304:
        return "TLS 1.3";
    default:
        return NULL;
    }
}
