/* pcap_source.c — capture files packet by packet. Classic pcap and pcapng files are read here
 * from large buffers (pcap_classic.c and pcap_ng.c decode them as libpcap would); the rarer
 * variants go through libpcap over a stdio stream. gzip files (and standard input, which cannot
 * be peeked) are inflated on the fly by zlib, which passes plain bytes through. */
#include "pcap_source.h"

#include "pcap_classic.h"
#include "pcap_ng.h"

#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

G_DEFINE_QUARK (sc - pcap - error - quark, sc_pcap_error)

/* Room for the largest record libpcap accepts, many times over: one read(2) per megabyte. */
#define SC_PCAP_READ_BUFFER (1 << 20) /* bytes */

struct ScPcapSource {
    char *path;
    int fd;    /* the file, or a copy of standard input; -1 once a stdio stream owns it */
    gzFile gz; /* inflates @fd when compressed (or standard input); owns @fd then */

    /* What has been read from fd or gz and not yet consumed. */
    guint8 *buf;
    gsize buf_cap; /* SC_PCAP_READ_BUFFER, more while a larger pcapng block is read */
    gsize buf_len, buf_pos;
    guint64 buf_offset; /* offset in the (uncompressed) stream of buf[0] */
    gboolean at_end;    /* the last read returned 0 */
    int read_errno;     /* nonzero once a read failed */

    /* Classic pcap or pcapng, read here. */
    gboolean classic;
    ScPcapClassicFile file;
    gboolean ng;
    ScPcapngFile ng_file;

    /* Anything else: libpcap, over a stdio stream. */
    pcap_t *pcap;
    FILE *fp;          /* until pcap_close() owns it */
    gboolean fp_plain; /* fp reads the file itself: ftell() is its offset */
    guint64 handed;    /* bytes handed to libpcap through the cookie stream */

    guint32 frame;
};

/* One read from the underlying stream into @dst; -1 with errno on failure. */
static gssize
raw_read (ScPcapSource *src, guint8 *dst, gsize size)
{
    if (src->gz) {
        int n = gzread (src->gz, dst, (unsigned)MIN (size, (gsize)G_MAXINT));
        if (n < 0)
            errno = EIO;
        return n;
    }
    gssize n;
    do
        n = read (src->fd, dst, size);
    while (n < 0 && errno == EINTR);
    return n;
}

/* Makes at least @need bytes available from buf_pos unless the stream ends first. Returns
 * the bytes available (less than @need only at the end or after a read error). */
static gsize
fill (ScPcapSource *src, gsize need)
{
    gsize have = src->buf_len - src->buf_pos;
    if (have >= need || src->at_end || src->read_errno)
        return have;
    if (src->buf_pos + need > src->buf_cap) {
        memmove (src->buf, src->buf + src->buf_pos, have);
        src->buf_offset += src->buf_pos;
        src->buf_pos = 0;
        src->buf_len = have;
        if (need > src->buf_cap) { /* a pcapng block of up to SC_PCAPNG_MAX_BLOCK */
            src->buf_cap = need;
            src->buf = g_realloc (src->buf, src->buf_cap);
        }
    }
    while (have < need) {
        gssize n = raw_read (src, src->buf + src->buf_len, src->buf_cap - src->buf_len);
        if (n <= 0) {
            if (n < 0)
                src->read_errno = errno ? errno : EIO;
            else
                src->at_end = TRUE;
            break;
        }
        src->buf_len += (gsize)n;
        have += (gsize)n;
    }
    return have;
}

/* libpcap's stream when the file was inflated or cannot seek: first what was peeked, then
 * the rest of the stream. */
static ssize_t
cookie_read (void *cookie, char *out, size_t size)
{
    ScPcapSource *src = cookie;
    gsize have = src->buf_len - src->buf_pos;
    gssize n;
    if (have) {
        n = (gssize)MIN (have, size);
        memcpy (out, src->buf + src->buf_pos, (gsize)n);
        src->buf_pos += (gsize)n;
    } else {
        n = raw_read (src, (guint8 *)out, size);
    }
    if (n > 0)
        src->handed += (guint64)n;
    return n;
}

static gboolean
open_stream (ScPcapSource *src, GError **error)
{
    gboolean is_stdin = strcmp (src->path, "-") == 0;
    src->fd = is_stdin ? dup (0) : open (src->path, O_RDONLY | O_CLOEXEC);
    if (src->fd < 0) {
        g_set_error (error, SC_PCAP_ERROR, SC_PCAP_ERROR_OPEN, "%s: %s", src->path,
                     g_strerror (errno));
        return FALSE;
    }
    /* gzip magic 1f 8b: inflate. Standard input cannot be peeked and put back portably, so it
     * always goes through zlib (which passes plain bytes through). */
    guint8 magic[2];
    gboolean gzip = is_stdin;
    if (!is_stdin) {
        /* A FIFO cannot be peeked either (pread fails): zlib then, as for standard input. */
        gssize n = pread (src->fd, magic, sizeof magic, 0);
        gzip = n < 0 || (n == 2 && magic[0] == 0x1f && magic[1] == 0x8b);
    }
    if (gzip) {
        src->gz = gzdopen (src->fd, "rb");
        if (!src->gz) {
            g_set_error (error, SC_PCAP_ERROR, SC_PCAP_ERROR_OPEN, "%s: cannot read", src->path);
            return FALSE;
        }
        src->fd = -1; /* gzclose() closes it */
    }
    return TRUE;
}

/* Hands the file to libpcap: the file itself when it can seek back to its start (so ftell()
 * gives exact offsets), else a stream that replays what was peeked. */
static gboolean
open_with_libpcap (ScPcapSource *src, GError **error)
{
    if (!src->gz && lseek (src->fd, 0, SEEK_SET) == 0) {
        src->fp = fdopen (src->fd, "rb");
        if (src->fp)
            src->fd = -1; /* fclose() closes it */
        src->fp_plain = src->fp != NULL;
        src->buf_pos = src->buf_len = 0;
        src->buf_offset = 0;
    } else {
        cookie_io_functions_t io = {.read = cookie_read};
        src->fp = fopencookie (src, "rb", io);
    }
    if (!src->fp) {
        g_set_error (error, SC_PCAP_ERROR, SC_PCAP_ERROR_OPEN, "%s: cannot read", src->path);
        return FALSE;
    }
    if (src->fp_plain) {
        /* libpcap reads a record as two small freads: with stdio's default 4 KiB buffer that is
         * a read(2) every few packets. Our buffer is free when the file is read directly (glibc
         * ignores a size given without a buffer); the cookie stream replays it, so keeps its
         * own. setvbuf() comes before any other operation on the stream, as it must. */
        setvbuf (src->fp, (char *)src->buf, _IOFBF, src->buf_cap);
        /* A stream from fdopen() knows no offset until it seeks once: without this, every
         * ftell() is an lseek(2). */
        rewind (src->fp);
    }
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    src->pcap =
        pcap_fopen_offline_with_tstamp_precision (src->fp, PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (!src->pcap) {
        g_set_error (error, SC_PCAP_ERROR, SC_PCAP_ERROR_OPEN,
                     "%s: offset 0: not a pcap or pcapng capture (%s)", src->path, errbuf);
        return FALSE;
    }
    src->fp = NULL; /* pcap_close() closes it */
    return TRUE;
}

/* Takes a pcapng file whose first section and interface pcap_ng.c reads. Nothing is consumed
 * otherwise: libpcap then gets the file from its start. */
static gboolean
open_pcapng (ScPcapSource *src)
{
    gsize want = 0, have;
    for (;;) {
        have = fill (src, want);
        gsize need, taken = sc_pcapng_file_open (src->buf, have, &src->ng_file, &need);
        if (taken) {
            src->ng = TRUE;
            src->buf_pos = taken;
            return TRUE;
        }
        /* Its first blocks are not all in yet: read on while they can be (libpcap allows a
         * section header of 1 MiB and blocks of 16 MiB). */
        if (need <= have || need > SC_PCAPNG_MAX_BLOCK + (gsize)(1 << 20) || src->at_end ||
            src->read_errno)
            return FALSE;
        want = need;
    }
}

ScPcapSource *
sc_pcap_source_open_with (const char *path, gboolean libpcap_only, GError **error)
{
    g_return_val_if_fail (path != NULL, NULL);
    ScPcapSource *src = g_new0 (ScPcapSource, 1);
    src->path = g_strdup (path);
    src->fd = -1;
    src->buf_cap = SC_PCAP_READ_BUFFER;
    src->buf = g_malloc (src->buf_cap);
    if (!open_stream (src, error))
        goto fail;
    if (!libpcap_only && fill (src, SC_PCAP_CLASSIC_FILE_HEADER) >= SC_PCAP_CLASSIC_FILE_HEADER &&
        sc_pcap_classic_file_header (src->buf, &src->file)) {
        src->classic = TRUE;
        src->buf_pos = SC_PCAP_CLASSIC_FILE_HEADER;
        return src;
    }
    if (!libpcap_only && open_pcapng (src))
        return src;
    if (open_with_libpcap (src, error))
        return src;
fail:
    sc_pcap_source_close (src);
    return NULL;
}

ScPcapSource *
sc_pcap_source_open (const char *path, GError **error)
{
    return sc_pcap_source_open_with (path, FALSE, error);
}

guint64
sc_pcap_source_offset (const ScPcapSource *src)
{
    if (src->classic || src->ng)
        return src->buf_offset + src->buf_pos;
    if (!src->fp_plain)
        return src->handed;
    FILE *fp = src->pcap ? pcap_file (src->pcap) : src->fp;
    long pos = fp ? ftell (fp) : -1;
    return pos < 0 ? 0 : (guint64)pos;
}

static gboolean
record_error (ScPcapSource *src, ScPcapErrorCode code, guint64 offset, const char *what,
              GError **error)
{
    g_set_error (error, SC_PCAP_ERROR, code, "%s: frame %u / offset %" G_GUINT64_FORMAT ": %s",
                 src->path, src->frame + 1, offset, what);
    return FALSE;
}

/* The stream ended, or failed, inside the record or block that begins at @offset. */
static gboolean
short_read_error (ScPcapSource *src, guint64 offset, GError **error)
{
    if (src->read_errno) {
        char *what = g_strdup_printf ("error reading dump file: %s", g_strerror (src->read_errno));
        record_error (src, SC_PCAP_ERROR_READ, offset, what, error);
        g_free (what);
        return FALSE;
    }
    return record_error (src, SC_PCAP_ERROR_TRUNCATED, offset, "record cut short (file truncated)",
                         error);
}

static gboolean
classic_next (ScPcapSource *src, ScPacket *out, GError **error)
{
    guint64 offset = sc_pcap_source_offset (src);
    gsize have = fill (src, SC_PCAP_CLASSIC_RECORD_HEADER);
    if (have == 0 && !src->read_errno)
        return FALSE; /* the end, between records */
    if (have < SC_PCAP_CLASSIC_RECORD_HEADER)
        goto short_read;
    ScPcapClassicRecord rec;
    if (sc_pcap_classic_record_header (&src->file, src->buf + src->buf_pos, &rec) !=
        SC_PCAP_CLASSIC_OK) {
        /* libpcap's words, so that an error reads the same whichever reader met it. */
        gboolean over_snaplen = rec.stored > src->file.snaplen;
        char *what =
            g_strdup_printf ("invalid packet capture length %u, bigger than %s of %u", rec.stored,
                             over_snaplen ? "snaplen" : "maximum",
                             over_snaplen ? src->file.snaplen : SC_PCAP_CLASSIC_MAX_CAPLEN);
        record_error (src, SC_PCAP_ERROR_READ, offset, what, error);
        g_free (what);
        return FALSE;
    }
    gsize record = SC_PCAP_CLASSIC_RECORD_HEADER + (gsize)rec.stored;
    if (fill (src, record) < record)
        goto short_read;
    src->frame++;
    out->frame = src->frame;
    out->ts_us = rec.ts_us;
    out->data = src->buf + src->buf_pos + SC_PCAP_CLASSIC_RECORD_HEADER;
    out->caplen = rec.caplen;
    out->wirelen = rec.wirelen;
    out->linktype = src->file.linktype;
    src->buf_pos += record;
    return TRUE;

short_read:
    return short_read_error (src, offset, error);
}

/* The next packet block, past the other blocks (a call's error names where it began, as
 * libpcap's does). */
static gboolean
ng_next (ScPcapSource *src, ScPacket *out, GError **error)
{
    guint64 offset = sc_pcap_source_offset (src);
    for (;;) {
        gsize have = fill (src, SC_PCAPNG_BLOCK_HEADER);
        if (have == 0 && !src->read_errno)
            return FALSE; /* the end, between blocks */
        if (have < SC_PCAPNG_BLOCK_HEADER)
            goto short_read;
        guint32 total;
        char *what = NULL;
        ScPcapngPacket pkt;
        ScPcapngStatus st = SC_PCAPNG_ERROR;
        if (sc_pcapng_block_length (&src->ng_file, src->buf + src->buf_pos, &total, &what)) {
            if (fill (src, total) < total)
                goto short_read;
            st = sc_pcapng_block (&src->ng_file, src->buf + src->buf_pos, total, &pkt, &what);
        }
        if (st == SC_PCAPNG_ERROR) {
            record_error (src, SC_PCAP_ERROR_READ, offset, what, error);
            g_free (what);
            return FALSE;
        }
        src->buf_pos += total; /* the packet's bytes stay where they are until the next call */
        if (st == SC_PCAPNG_SKIP)
            continue;
        src->frame++;
        out->frame = src->frame;
        out->ts_us = pkt.ts_us;
        out->data = pkt.data;
        out->caplen = pkt.caplen;
        out->wirelen = pkt.wirelen;
        out->linktype = src->ng_file.linktype;
        return TRUE;
    }
short_read:
    return short_read_error (src, offset, error);
}

gboolean
sc_pcap_source_next (ScPcapSource *src, ScPacket *out, GError **error)
{
    if (src->classic)
        return classic_next (src, out, error);
    if (src->ng)
        return ng_next (src, out, error);
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
    /* With nanosecond precision requested, tv_usec holds nanoseconds. */
    out->ts_us = sc_pcap_time_us ((gint64)hdr->ts.tv_sec, (gint64)hdr->ts.tv_usec);
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
    if (src->gz)
        gzclose (src->gz);
    if (src->fd >= 0)
        close (src->fd);
    sc_pcapng_file_clear (&src->ng_file);
    g_free (src->buf);
    g_free (src->path);
    g_free (src);
}
