/* decoder.h — the audit's capture pipeline: packets from pcap_source to core events, through
 * link layers, tunnels, IP reassembly, UDP and TCP reassembly with SIP framing. */
#pragma once

#include "core.h"
#include "pcap_source.h"
#include "tls_keylog.h"

G_BEGIN_DECLS

typedef struct ScDecoder ScDecoder;

typedef struct {
    guint64 packets;
    guint64 bytes;
    guint64 unsupported_link; /* packets of a link type we do not decode */
    int unsupported_linktype; /* the first such packet's DLT_* and frame */
    guint32 unsupported_first_frame;
    guint64 malformed;   /* headers cut short or inconsistent */
    guint64 snaplen_cut; /* packets captured shorter than they were */
    guint64 frag_completed, frag_expired, frag_evicted;
    guint64 tcp_connections;
    guint64 tcp_evicted;          /* connections dropped to respect the table cap */
    guint64 tcp_gaps;             /* sequence holes skipped */
    guint64 tcp_ooo_dropped;      /* out-of-order bytes dropped to respect the memory cap */
    guint64 stream_bytes_skipped; /* bytes of SIP streams (TCP, decrypted TLS) left unframed */
} ScDecoderStats;

/* Returns: (transfer full): a decoder feeding @core (not owned; must outlive the decoder). */
ScDecoder *sc_decoder_new (ScCore *core);
void sc_decoder_free (ScDecoder *dec);

/* TLS connections are decrypted with @kl (borrowed: it must outlive the decoder), their SIP
 * audited as on TCP. Call before the first packet. */
void sc_decoder_set_keylog (ScDecoder *dec, const ScTlsKeylog *kl);

void sc_decoder_packet (ScDecoder *dec, const ScPacket *pkt);

/* End of input at capture time @ts_us: drains reassembly and settles the core. */
void sc_decoder_finish (ScDecoder *dec, gint64 ts_us);

/* Returns: (transfer none): the counters, refreshed from the reassembly layers. */
const ScDecoderStats *sc_decoder_stats (ScDecoder *dec);

G_END_DECLS
