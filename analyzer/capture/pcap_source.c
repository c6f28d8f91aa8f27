/* pcap_source.c — libpcap over a stdio stream. gzip files are inflated on the fly through a
 * fopencookie() stream (libpcap reads sequentially, so no seeking is needed); the same stream
 * counts bytes so errors can name an offset. */
#include "pcap_source.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

G_DEFINE_QUARK (sc - pcap - error - quark, sc_pcap_error)

struct ScPcapSource {
    char *path;
    FILE *fp;
    gzFile gz;      /* the stream under fp when it is a cookie stream */
    guint64 offset; /* bytes handed to libpcap */
    pcap_t *pcap;
    guint32 frame;
    char *read_buffer; /* the FILE's stdio buffer (owned; freed after the FILE is closed) */
};

#define SC_PCAP_READ_BUFFER (1 << 20) /* bytes */

static ssize_t
cookie_read (void *cookie, char *buf, size_t size)
{
    ScPcapSource *src = cookie;
    int n = gzread (src->gz, buf, (unsigned)MIN (size, (size_t)G_MAXINT));
    if (n < 0) {
        errno = EIO;
        return -1;
    }
    src->offset += (guint64)n;
    return n;
}

static int
cookie_close (void *cookie)
{
    ScPcapSource *src = cookie;
    int rc = gzclose (src->gz);
    src->gz = NULL;
    return rc == Z_OK ? 0 : -1;
}

ScPcapSource *
sc_pcap_source_open (const char *path, GError **error)
{
    g_return_val_if_fail (path != NULL, NULL);
    ScPcapSource *src = g_new0 (ScPcapSource, 1);
    src->path = g_strdup (path);
    gboolean is_stdin = strcmp (path, "-") == 0;
    int fd = is_stdin ? dup (0) : -1;
    FILE *raw = is_stdin ? fdopen (fd, "rb") : fopen (path, "rb");
    if (!raw) {
        g_set_error (error, SC_PCAP_ERROR, SC_PCAP_ERROR_OPEN, "%s: %s", path, g_strerror (errno));
        sc_pcap_source_close (src);
        return NULL;
    }
    /* libpcap reads a record as two small freads: with stdio's default 4 KiB buffer that is a
     * read(2) every few packets. (Set before the first read, as setvbuf requires.) */
    src->read_buffer = g_malloc (SC_PCAP_READ_BUFFER); /* glibc ignores a size without one */
    setvbuf (raw, src->read_buffer, _IOFBF, SC_PCAP_READ_BUFFER);
    /* gzip magic 1f 8b: inflate (gzread passes plain files through, but we only pay for it
     * when needed). Standard input cannot be peeked portably, so it always goes through zlib. */
    int c1 = is_stdin ? -1 : fgetc (raw), c2 = is_stdin ? -1 : fgetc (raw);
    if (is_stdin || (c1 == 0x1f && c2 == 0x8b)) {
        if (!is_stdin)
            rewind (raw);
        int gzfd = dup (fileno (raw));
        fclose (raw);
        src->gz = gzdopen (gzfd, "rb");
        cookie_io_functions_t io = {.read = cookie_read, .close = cookie_close};
        src->fp = src->gz ? fopencookie (src, "rb", io) : NULL;
        if (!src->fp) {
            g_set_error (error, SC_PCAP_ERROR, SC_PCAP_ERROR_OPEN, "%s: cannot read", path);
            sc_pcap_source_close (src);
            return NULL;
        }
        setvbuf (src->fp, src->read_buffer, _IOFBF, SC_PCAP_READ_BUFFER); /* raw's is free */
    } else {
        rewind (raw);
        src->fp = raw;
    }
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    src->pcap =
        pcap_fopen_offline_with_tstamp_precision (src->fp, PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (!src->pcap) {
        g_set_error (error, SC_PCAP_ERROR, SC_PCAP_ERROR_OPEN,
                     "%s: offset 0: not a pcap or pcapng capture (%s)", path, errbuf);
        sc_pcap_source_close (src);
        return NULL;
    }
    src->fp = NULL; /* pcap_close() closes it */
    return src;
}

guint64
sc_pcap_source_offset (const ScPcapSource *src)
{
    if (src->gz)
        return src->offset;
    FILE *fp = src->pcap ? pcap_file (src->pcap) : src->fp;
    long pos = fp ? ftell (fp) : -1;
    return pos < 0 ? 0 : (guint64)pos;
}

#define SC_PCAP_MAX_SECS ((gint64)1 << 40)

gboolean
sc_pcap_source_next (ScPcapSource *src, ScPacket *out, GError **error)
{
    struct pcap_pkthdr *hdr;
    const u_char *data;
    guint64 before = sc_pcap_source_offset (src);
    int rc = pcap_next_ex (src->pcap, &hdr, &data);
    if (rc == PCAP_ERROR_BREAK)
        return FALSE;
    if (rc != 1) {
        const char *msg = pcap_geterr (src->pcap);
        gboolean truncated = strstr (msg, "truncated") != NULL;
        g_set_error (error, SC_PCAP_ERROR, truncated ? SC_PCAP_ERROR_TRUNCATED : SC_PCAP_ERROR_READ,
                     "%s: frame %u / offset %" G_GUINT64_FORMAT ": %s", src->path, src->frame + 1,
                     before, truncated ? "record cut short (file truncated)" : msg);
        return FALSE;
    }
    src->frame++;
    out->frame = src->frame;
    /* With nanosecond precision requested, tv_usec holds nanoseconds. A pcapng interface may
     * declare any time resolution, so seconds can be absurd: they are clamped to ±2^40 s
     * (35 000 years), which keeps every sum of a time and a timeout in range. */
    gint64 secs = CLAMP ((gint64)hdr->ts.tv_sec, -SC_PCAP_MAX_SECS, SC_PCAP_MAX_SECS);
    out->ts_us = secs * G_USEC_PER_SEC + (gint64)hdr->ts.tv_usec / 1000;
    out->data = data;
    out->caplen = hdr->caplen;
    out->wirelen = hdr->len;
    out->linktype = pcap_datalink (src->pcap);
    return TRUE;
}

void
sc_pcap_source_close (ScPcapSource *src)
{
    if (!src)
        return;
    if (src->pcap)
        pcap_close (src->pcap);
    else if (src->fp)
        fclose (src->fp);
    else if (src->gz)
        gzclose (src->gz);
    g_free (src->read_buffer);
    g_free (src->path);
    g_free (src);
}
