/* tls_decrypt.h — TLS record decryption with a key log, using libgcrypt. TLS 1.2 (RFC 5246
 * §6.2.3.3, §6.3; RFC 5288 AES-GCM; RFC 7905 ChaCha20-Poly1305): the keys come from the logged
 * master secret and the two hello randoms. TLS 1.3 (RFC 8446 §5, §7): from the logged handshake
 * and application traffic secrets, following Finished and KeyUpdate. Each protected record is
 * opened with its sequence number. One session per TCP connection; sides are 0 (endpoint a) and 1
 * (b). */
#pragma once

#include "tls.h"
#include "tls_keylog.h"

G_BEGIN_DECLS

typedef struct ScTlsSession ScTlsSession;

/* Returns: (transfer full): a session looking its keys up in @kl (borrowed, nullable). */
ScTlsSession *sc_tls_session_new (const ScTlsKeylog *kl);
void sc_tls_session_free (ScTlsSession *s);

/* A ClientHello or ServerHello sent by @side (other messages are ignored). */
void sc_tls_session_hello (ScTlsSession *s, int side, const ScTlsHandshake *hs);

/* @side sent ChangeCipherSpec: its next records are protected, from sequence number 0. */
void sc_tls_session_cipher_changed (ScTlsSession *s, int side);

/* Opens the protected record @rec (@len bytes, its 5-byte header included) sent by @side into
 * @out (room for @len bytes); TRUE with *@out_len plaintext bytes of content type *@inner_type
 * (TLS 1.3 hides the real type inside). FALSE when the session cannot
 * be decrypted (see sc_tls_session_status) or the record does not authenticate. */
gboolean sc_tls_session_decrypt (ScTlsSession *s, int side, const guint8 *rec, gsize len,
                                 guint8 *out, gsize *out_len, guint8 *inner_type);

/* TLS 1.3: a handshake message of @type that @side sent under protection, as the record reader
 * cut it out: Finished moves that side to its application secret, KeyUpdate to the next one. */
void sc_tls_session_handshake_message (ScTlsSession *s, int side, guint8 type);

/* Whether the session could be decrypted, and why not: "decrypted", "no key for this session",
 * "unsupported cipher suite", "handshake not captured",
 * "records do not authenticate" (a wrong key). Static string. */
const char *sc_tls_session_status (const ScTlsSession *s);

G_END_DECLS
