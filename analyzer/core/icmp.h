/* icmp.h — what an ICMP destination-unreachable message says failed: the transport and the
 * destination of the datagram or segment it quotes. Shared by the audit's decoder and the
 * plugin, so both read a quote alike. */
#pragma once

#include "sc_types.h"

/* @icmp: the ICMP message from its type byte, @len bytes (borrowed); @v6: ICMPv6. TRUE for RFC
 * 792 type 3 or RFC 4443 type 1 quoting a UDP datagram or a TCP segment whose IP header and
 * first four transport bytes were captured: then *@transport and *@dst (port in host order) are
 * set. FALSE for any other ICMP message and for a quote cut short. */
gboolean sc_icmp_unreachable_parse (const guint8 *icmp, gsize len, gboolean v6,
                                    ScTransport *transport, ScEndpoint *dst);
