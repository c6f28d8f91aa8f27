/* pcap_ng.h — pcapng blocks (section and interface headers, enhanced, simple and obsolete packet
 * blocks) decoded exactly as libpcap 1.10 decodes them, with its checks and its words for what
 * it refuses, so that pcap_source.c can read pcapng files itself from large buffers and give
 * the same packets, times and errors as libpcap. A file whose first section or first interface
 * this does not take (another version, a link type the decoder would not read, anything
 * libpcap itself would refuse to open) is left to libpcap. All numbers are host order. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SC_PCAPNG_BLOCK_HEADER 8 /* bytes: type and total length */
/* libpcap's limit on a block's length (bytes): larger ones end the file with an error. */
#define SC_PCAPNG_MAX_BLOCK (16u * 1024 * 1024)

typedef struct {
    guint64 tsresol; /* ticks a second */
    gboolean binary; /* tsresol is a power of 2, not of 10 */
    gint64 tsoffset; /* seconds added to every time */
} ScPcapngInterface;

typedef struct {
    gboolean swapped; /* this machine's byte order is not the file's */
    int linktype;     /* DLT_* of the first interface, as pcap_datalink() reports it */
    guint32 snaplen;  /* the first interface's, adjusted as libpcap does */
    GArray *ifaces;   /* ScPcapngInterface, the current section's from index 0 (owned) */
    guint ifcount;    /* interfaces of the current section */
} ScPcapngFile;

/* Decodes the section header and the blocks up to the first interface description at @p
 * (@len bytes available). Returns the bytes they take when this reader takes the file, with
 * @out set up (free it with sc_pcapng_file_clear); 0 when libpcap should open it, or when more
 * than @len bytes would be needed (@need then says how many, else 0). */
gsize sc_pcapng_file_open (const guint8 *p, gsize len, ScPcapngFile *out, gsize *need);

void sc_pcapng_file_clear (ScPcapngFile *f);

/* Checks a block header (SC_PCAPNG_BLOCK_HEADER bytes at @p): TRUE with its total length in
 * @total, or FALSE with libpcap's message in @error (owned by the caller). */
gboolean sc_pcapng_block_length (const ScPcapngFile *f, const guint8 *p, guint32 *total,
                                 char **error);

typedef enum {
    SC_PCAPNG_SKIP,   /* a block that is not a packet: read on */
    SC_PCAPNG_PACKET, /* @out holds a packet */
    SC_PCAPNG_ERROR,  /* the file is unreadable from here: @error says why */
} ScPcapngStatus;

typedef struct {
    gint64 ts_us; /* µs since the epoch, clamped to ±2^40 s as pcap_source.c clamps */
    guint32 caplen, wirelen;
    const guint8 *data; /* inside the block */
} ScPcapngPacket;

/* Decodes the whole block at @p (@total bytes, as sc_pcapng_block_length gave). */
ScPcapngStatus sc_pcapng_block (ScPcapngFile *f, const guint8 *p, guint32 total,
                                ScPcapngPacket *out, char **error);

G_END_DECLS
