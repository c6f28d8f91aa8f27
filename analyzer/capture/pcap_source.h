/* pcap_source.h — reads pcap and pcapng files (gzip-compressed too, as Wireshark reads them, or
 * standard input) packet by packet: itself, as libpcap would, and the rarer variants through
 * libpcap. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SC_PCAP_ERROR (sc_pcap_error_quark ())
GQuark sc_pcap_error_quark (void);

typedef enum {
    SC_PCAP_ERROR_OPEN,      /* cannot open or not a capture file */
    SC_PCAP_ERROR_TRUNCATED, /* a record is cut short */
    SC_PCAP_ERROR_READ,      /* any other read failure */
} ScPcapErrorCode;

typedef struct ScPcapSource ScPcapSource;

typedef struct {
    guint32 frame;      /* Wireshark frame number, 1-based */
    gint64 ts_us;       /* µs since the epoch (nanosecond files are truncated to µs) */
    const guint8 *data; /* (transfer none) valid until the next call */
    guint32 caplen;     /* bytes captured */
    guint32 wirelen;    /* bytes on the wire */
    int linktype;       /* DLT_* as libpcap reports it */
} ScPacket;

/* Opens @path ("-" = standard input). Returns: (transfer full) (nullable): NULL with @error
 * set when it is not a readable capture. */
ScPcapSource *sc_pcap_source_open (const char *path, GError **error);

/* As sc_pcap_source_open(), with @libpcap_only TRUE making libpcap read even the classic pcap
 * files this reads itself (the tests compare the two). */
ScPcapSource *sc_pcap_source_open_with (const char *path, gboolean libpcap_only, GError **error);

/* Reads the next packet into @out. Returns TRUE for a packet, FALSE at the end of the file or
 * on an error (then @error is set, naming frame and byte offset; packets before it stay valid). */
gboolean sc_pcap_source_next (ScPcapSource *src, ScPacket *out, GError **error);

/* Bytes of the (uncompressed) file consumed so far. */
guint64 sc_pcap_source_offset (const ScPcapSource *src);

void sc_pcap_source_close (ScPcapSource *src);

G_END_DECLS
