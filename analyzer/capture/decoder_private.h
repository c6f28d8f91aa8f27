/* decoder_private.h — state shared by decoder.c, ip.c and tcp_reasm.c. */
#pragma once

#include "decoder.h"
#include "defrag.h"
#include "tls_keylog.h"

typedef struct ScTcpTable ScTcpTable;

struct ScDecoder {
    ScCore *core;
    ScDefrag *defrag;
    ScTcpTable *tcp;
    ScDecoderStats stats;
    const ScPacket *pkt;       /* the packet being decoded */
    const ScTlsKeylog *keylog; /* borrowed, nullable: TLS is decrypted with it */
};

/* One transport-layer packet after IP (and fragment reassembly). */
typedef struct {
    ScEndpoint src, dst; /* ports filled by the transport decoder */
    guint8 proto;
    const guint8 *data; /* transport header + payload, captured bytes */
    gsize len;
    gsize wire_len; /* the same per the IP header */
    gboolean fragmented;
} ScIpPayload;

#define SC_MAX_TUNNEL_DEPTH 4

/* ip.c: an IPv4/IPv6 packet (or a tunnel's inner one at @depth). */
void sc_ip_decode (ScDecoder *dec, guint16 ethertype, const guint8 *p, gsize len, int depth);

/* decoder.c: after IP. */
void sc_decoder_transport (ScDecoder *dec, const ScIpPayload *ip, int depth);

/* tcp_reasm.c */
ScTcpTable *sc_tcp_table_new (ScDecoder *dec);
void sc_tcp_table_free (ScTcpTable *t);
void sc_tcp_segment (ScTcpTable *t, const ScIpPayload *ip);
void sc_tcp_finish (ScTcpTable *t);
