/* stun.h — recognising STUN keep-alives in a UDP datagram (RFC 5389 §6, §15; RFC 5626 §4.4.2,
 * §8) and the cookie-less RFC 3489 form, which is only a fact. */
#pragma once

#include "sc_types.h"

G_BEGIN_DECLS

#define SC_STUN_MAGIC_COOKIE 0x2112A442u

typedef enum {
    SC_STUN_BINDING_REQUEST, /* 0x0001 */
    SC_STUN_BINDING_SUCCESS, /* 0x0101 */
    SC_STUN_BINDING_ERROR,   /* 0x0111 */
    SC_STUN_OTHER,           /* another method or an indication: STUN, not a keep-alive */
} ScStunClass;

typedef struct {
    ScStunClass klass;
    gboolean legacy;     /* RFC 3489: no magic cookie (transaction ID is then 16 bytes) */
    guint8 txn_id[16];   /* RFC 5389: 12 bytes, zero-padded; legacy: all 16 */
    gboolean has_mapped; /* XOR-MAPPED-ADDRESS, else MAPPED-ADDRESS, was present and valid */
    ScEndpoint mapped;   /* the reflexive transport address (port in host order) */
} ScStunMsg;

/* Parses the @len bytes of a UDP payload at @buf. Returns FALSE unless the whole payload is one
 * STUN message: top two bits 0, length a multiple of 4 with length + 20 = @len, and either the
 * magic cookie at bytes 4-7 or (legacy) a Binding request/response type. Attributes are walked
 * with their bounds checked; a malformed one ends the walk without failing the message. */
gboolean sc_stun_parse (const guint8 *buf, gsize len, ScStunMsg *out);

G_END_DECLS
