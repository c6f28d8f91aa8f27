/* tls_keylog.h — an NSS key log file (SSLKEYLOGFILE, as OpenSSL, GnuTLS, NSS and most SIP stacks
 * write it): for each TLS session, identified by its ClientHello random, the secrets that let a
 * capture be decrypted. TLS 1.2: CLIENT_RANDOM <client random> <master secret>. TLS 1.3 lines
 * (CLIENT_TRAFFIC_SECRET_0 and the others) are read and kept for the day they are used. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct ScTlsKeylog ScTlsKeylog;

/* Reads @path. Returns: (transfer full) (nullable): NULL with @error set when the file cannot be
 * read or holds no key line at all ("FILE: line N: ..." for a malformed line is not an error:
 * such lines are skipped, as Wireshark skips them). */
ScTlsKeylog *sc_tls_keylog_load (const char *path, GError **error);
void sc_tls_keylog_free (ScTlsKeylog *kl);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScTlsKeylog, sc_tls_keylog_free)

/* The TLS 1.2 master secret (48 bytes, owned by @kl) of the session whose ClientHello random is
 * @client_random (32 bytes); NULL when the log has none. */
const guint8 *sc_tls_keylog_master_secret (const ScTlsKeylog *kl, const guint8 client_random[32]);

/* A TLS 1.3 session's traffic secrets (RFC 8446 §7.1), as logged. */
typedef enum {
    SC_TLS13_CLIENT_HANDSHAKE,
    SC_TLS13_SERVER_HANDSHAKE,
    SC_TLS13_CLIENT_APPLICATION, /* CLIENT_TRAFFIC_SECRET_0 */
    SC_TLS13_SERVER_APPLICATION, /* SERVER_TRAFFIC_SECRET_0 */
    SC_TLS13_SECRETS
} ScTls13Secret;

typedef struct {
    guint8 secret[SC_TLS13_SECRETS][48];
    gsize len[SC_TLS13_SECRETS]; /* 0: not logged; else the hash's length (32 or 48) */
} ScTls13Secrets;

/* The TLS 1.3 secrets (owned by @kl) of the session whose ClientHello random is @client_random;
 * NULL when the log has none. */
const ScTls13Secrets *sc_tls_keylog_tls13 (const ScTlsKeylog *kl, const guint8 client_random[32]);

G_END_DECLS
