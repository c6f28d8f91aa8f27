/* fuzz_stun.c — the STUN parser (RFC 5389), and a datagram on a SIP flow as the core takes it:
 * STUN keep-alive, CRLF keep-alive or SIP, both ways. */
#include "fuzz_common.h"
#include "stun.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    ScStunMsg m;
    sc_stun_parse (data, size, &m);
    FuzzAudit a;
    fuzz_audit_begin (&a);
    ScEndpoint ua = fuzz_endpoint (5, 40001), proxy = fuzz_endpoint (1, 5060);
    gint64 t = FUZZ_T0;
    sc_core_udp_datagram (a.core, 1, t, &ua, &proxy, data, size);
    sc_core_udp_datagram (a.core, 2, t + 1000, &proxy, &ua, data, size);
    sc_core_udp_datagram (a.core, 3, t + 30 * G_USEC_PER_SEC, &ua, &proxy, data, size);
    fuzz_audit_end (&a, t + 100 * G_USEC_PER_SEC, FALSE);
    return 0;
}
