/* tls.h — the clear part of a TLS handshake (RFC 5246 §7.4, RFC 8446 §4): what each handshake
 * message says about versions, the server name, session resumption and client certificates.
 * Only structure is read; nothing is decrypted or verified. */
#pragma once

#include <glib.h>

/* Handshake message types (RFC 8446 §4, RFC 5246 §7.4). */
#define SC_TLS_CLIENT_HELLO 1
#define SC_TLS_SERVER_HELLO 2
#define SC_TLS_CERTIFICATE 11
#define SC_TLS_CERTIFICATE_REQUEST 13
#define SC_TLS_SERVER_HELLO_DONE 14
#define SC_TLS_FINISHED 20

/* Record content types (RFC 8446 §5.1). */
#define SC_TLS_CHANGE_CIPHER_SPEC 20
#define SC_TLS_ALERT 21
#define SC_TLS_HANDSHAKE 22
#define SC_TLS_APPLICATION_DATA 23

typedef struct {
    guint8 type;
    /* ClientHello / ServerHello */
    guint16 version;           /* ServerHello: the negotiated version (supported_versions, else the
                                  legacy field); ClientHello: the highest offered. 0x0303 = TLS 1.2 */
    guint8 random[32];         /* ClientHello / ServerHello random */
    guint16 cipher_suite;      /* ServerHello: the chosen suite */
    gboolean encrypt_then_mac; /* ServerHello: RFC 7366 extension (CBC suites MAC the ciphertext) */
    guint8 session_id[32];
    guint8 session_id_len;
    char server_name[256]; /* ClientHello SNI host_name, NUL-terminated; "" when absent */
    /* Certificate: the certificate_list is empty (TLS 1.2: a client without a certificate to
     * send; RFC 5246 §7.4.6) */
    gboolean certificate_list_empty;
} ScTlsHandshake;

/* Parses one handshake message (@msg: type, 24-bit length and body; @len bytes, borrowed).
 * @tls13: the ServerHello chose TLS 1.3 (a Certificate then has a request context first).
 * FALSE when the message is cut short or malformed. */
gboolean sc_tls_parse_handshake (const guint8 *msg, gsize len, gboolean tls13, ScTlsHandshake *out);

/* "TLS 1.2" for 0x0303 and so on; "SSL 3.0"; NULL for anything else. Static string. */
const char *sc_tls_version_name (guint16 version);
