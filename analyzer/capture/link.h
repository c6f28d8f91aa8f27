/* link.h — link layers to the network layer: Ethernet (802.1Q, QinQ), Linux cooked v1/v2,
 * raw IPv4/IPv6, BSD null/loopback. */
#pragma once

#include <glib.h>

#define SC_ETHERTYPE_IPV4 0x0800
#define SC_ETHERTYPE_IPV6 0x86DD

/* Finds the network layer of a frame of link type @dlt. Sets *ethertype (IPv4/IPv6 or another
 * value) and *offset. Returns FALSE when the link type is unknown or the header is cut short. */
gboolean sc_link_decode (int dlt, const guint8 *p, gsize len, guint16 *ethertype, gsize *offset);

/* Ethernet (after a tunnel: VXLAN, GRE TEB, ERSPAN). */
gboolean sc_link_ethernet (const guint8 *p, gsize len, guint16 *ethertype, gsize *offset);

/* TRUE when libpcap link type @dlt is one sc_link_decode() understands. */
gboolean sc_link_supported (int dlt);
