/* pcap_classic.h — the classic pcap format (a 24-byte file header, then per packet a 16-byte
 * record header and the captured bytes), decoded exactly as libpcap 1.10 decodes it, so that
 * pcap_source.c can read such files itself from large buffers: libpcap's two stdio reads and
 * copy a packet were the largest single cost of an audit. Variants this does not take are left
 * to libpcap: other versions than 2.4, Kuznetzov's longer records, FCS bits in the link type,
 * and link types the decoder would not read anyway. All numbers are host order. */
#pragma once

#include <glib.h>
#include <string.h>

G_BEGIN_DECLS

/* A 32- or 16-bit number of a capture file at @p (any alignment), in its byte order. */
static inline guint32
sc_pcap_u32 (const guint8 *p, gboolean swapped)
{
    guint32 v;
    memcpy (&v, p, sizeof v);
    return swapped ? GUINT32_SWAP_LE_BE (v) : v;
}

static inline guint16
sc_pcap_u16 (const guint8 *p, gboolean swapped)
{
    guint16 v;
    memcpy (&v, p, sizeof v);
    return swapped ? GUINT16_SWAP_LE_BE (v) : v;
}

#define SC_PCAP_CLASSIC_FILE_HEADER 24   /* bytes */
#define SC_PCAP_CLASSIC_RECORD_HEADER 16 /* bytes */
/* libpcap's MAXIMUM_SNAPLEN, its limit for every link type taken here (bytes). */
#define SC_PCAP_CLASSIC_MAX_CAPLEN 262144u

/* A file's snaplen as libpcap adjusts it (pcap_adjust_snapshot): zero, or too big for an int,
 * means "the most there can be" (bytes). */
static inline guint32
sc_pcap_adjust_snaplen (guint32 snaplen)
{
    return snaplen == 0 || snaplen > G_MAXINT ? SC_PCAP_CLASSIC_MAX_CAPLEN : snaplen;
}

/* A packet time as every reader hands it on: µs since the epoch from seconds and nanoseconds
 * (truncated toward zero). A pcapng interface may declare any resolution and offset, so seconds
 * can be absurd: they are clamped to ±2^40 s (35 000 years), which keeps every sum of a time and
 * a timeout in range. */
static inline gint64
sc_pcap_time_us (gint64 secs, gint64 ns)
{
    const gint64 most = (gint64)1 << 40;
    return CLAMP (secs, -most, most) * G_USEC_PER_SEC + ns / 1000;
}

typedef struct {
    gboolean swapped;    /* written in the other byte order than this machine's */
    gboolean nanosecond; /* record times in ns (magic a1b23c4d), not µs */
    guint32 snaplen;     /* as libpcap adjusts it: 0 or over G_MAXINT become the maximum */
    int linktype;        /* DLT_* as pcap_datalink() reports it (LINKTYPE_RAW 101 is DLT_RAW) */
} ScPcapClassicFile;

/* A file's LINKTYPE_* as the DLT_* libpcap reports, for the link types the decoder reads;
 * -1 for the rest (libpcap's own table then decides). Only LINKTYPE_RAW is numbered apart. */
int sc_pcap_linktype_to_dlt (guint32 linktype);

/* Decodes the file header at @p (SC_PCAP_CLASSIC_FILE_HEADER bytes). Returns TRUE when the file
 * is one this reader takes, with @out filled; FALSE when libpcap should open it (a pcapng file,
 * another variant, or not a capture: libpcap's error then names the reason). */
gboolean sc_pcap_classic_file_header (const guint8 *p, ScPcapClassicFile *out);

typedef enum {
    SC_PCAP_CLASSIC_OK,
    SC_PCAP_CLASSIC_TOO_LONG, /* caplen over the maximum: libpcap stops reading the file here */
} ScPcapClassicStatus;

typedef struct {
    gint64 ts_us;    /* µs since the epoch; nanoseconds are truncated toward zero */
    guint32 stored;  /* bytes of the record in the file after its header */
    guint32 caplen;  /* bytes handed on: @stored cut to the file's snaplen, as libpcap does */
    guint32 wirelen; /* bytes on the wire */
} ScPcapClassicRecord;

/* Decodes the record header at @p (SC_PCAP_CLASSIC_RECORD_HEADER bytes) of file @f. */
ScPcapClassicStatus sc_pcap_classic_record_header (const ScPcapClassicFile *f, const guint8 *p,
                                                   ScPcapClassicRecord *out);

G_END_DECLS
