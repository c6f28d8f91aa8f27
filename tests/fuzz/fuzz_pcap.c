/* fuzz_pcap.c — the whole front end on a capture in memory: the input is a pcap or pcapng file
 * (gzip too), read as the audit reads a file (its own readers, libpcap for the rarer variants),
 * decoded, audited and reported. */
#include "decoder.h"
#include "fuzz_common.h"
#include "pcap_source.h"

#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    /* The reader takes a path: an anonymous in-memory file, opened by its /proc name. */
    int fd = memfd_create ("capture", 0);
    if (fd < 0 || (size && write (fd, data, size) != (ssize_t)size)) {
        if (fd >= 0)
            close (fd);
        return 0;
    }
    char path[64];
    g_snprintf (path, sizeof path, "/proc/self/fd/%d", fd);
    GError *error = NULL;
    ScPcapSource *src = sc_pcap_source_open (path, &error);
    if (!src) {
        g_clear_error (&error);
        close (fd);
        return 0;
    }
    FuzzAudit a;
    fuzz_audit_begin (&a);
    ScDecoder *dec = sc_decoder_new (a.core);
    ScPacket p;
    gint64 last = 0;
    while (sc_pcap_source_next (src, &p, &error)) {
        sc_decoder_packet (dec, &p);
        last = MAX (last, p.ts_us);
    }
    g_clear_error (&error);
    sc_pcap_source_close (src);
    close (fd);
    sc_decoder_finish (dec, last);
    sc_decoder_free (dec);
    fuzz_audit_end (&a, last, TRUE);
    return 0;
}
