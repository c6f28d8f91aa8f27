/* test_pcap_reader.c — the audit's own classic pcap and pcapng readers against libpcap reading
 * the same file: random files (both byte orders, µs and ns, odd snaplens, records longer than
 * the snaplen or than libpcap accepts, files cut at any byte, gzip; for pcapng also sections,
 * interfaces with time resolutions and offsets, the three packet blocks, other blocks and
 * damaged lengths) must give the same packets, bytes, times, lengths, link type and error line
 * through both. */
#include "pcap_classic.h"
#include "pcap_ng.h"
#include "pcap_source.h"

#include <glib/gstdio.h>
#include <string.h>
#include <zlib.h>

static void
put32 (GByteArray *b, guint32 v, gboolean swapped)
{
    if (swapped)
        v = GUINT32_SWAP_LE_BE (v);
    g_byte_array_append (b, (const guint8 *)&v, 4);
}

static void
put16 (GByteArray *b, guint16 v, gboolean swapped)
{
    if (swapped)
        v = GUINT16_SWAP_LE_BE (v);
    g_byte_array_append (b, (const guint8 *)&v, 2);
}

static guint32
pick (GRand *r, const guint32 *choices, guint n)
{
    return choices[g_rand_int_range (r, 0, (gint32)n)];
}

/* One file in three is cut at a random byte, its file header or section header included. */
static void
maybe_cut (GByteArray *b, GRand *r)
{
    if (g_rand_int_range (r, 0, 3) == 0 && b->len > 0)
        g_byte_array_set_size (b, (guint)g_rand_int_range (r, 0, (gint32)b->len));
}

/* A random classic pcap file in the layout libpcap writes, with the oddities readers trip on. */
static GByteArray *
random_capture (GRand *r)
{
    GByteArray *b = g_byte_array_new ();
    gboolean swapped = g_rand_boolean (r);
    static const guint32 magics[] = {0xa1b2c3d4u, 0xa1b23c4du};
    static const guint32 snaplens[] = {0, 40, 96, 1514, 65535, 262144, 262145, 0xffffffffu};
    static const guint32 linktypes[] = {1, 1, 101, 113, 276, 228, 0};
    put32 (b, pick (r, magics, G_N_ELEMENTS (magics)), swapped);
    put16 (b, 2, swapped);
    put16 (b, 4, swapped);
    put32 (b, 0, swapped);
    put32 (b, 0, swapped);
    put32 (b, pick (r, snaplens, G_N_ELEMENTS (snaplens)), swapped);
    put32 (b, pick (r, linktypes, G_N_ELEMENTS (linktypes)), swapped);
    guint records = (guint)g_rand_int_range (r, 0, 12);
    for (guint i = 0; i < records; i++) {
        /* Times below 2^31: above, libpcap reads them as negative in files of this machine's
         * byte order (test_unsigned_times). Fractions over a second are kept. */
        put32 (b, g_rand_int (r) >> 1, swapped);
        put32 (b,
               g_rand_boolean (r) ? (guint32)g_rand_int_range (r, 0, 1000000) : g_rand_int (r) >> 1,
               swapped);
        guint32 stored = (guint32)g_rand_int_range (r, 0, 2000);
        if (g_rand_int_range (r, 0, 40) == 0)
            stored = SC_PCAP_CLASSIC_MAX_CAPLEN + (guint32)g_rand_int_range (r, 0, 3);
        else if (g_rand_int_range (r, 0, 40) == 0)
            stored = SC_PCAP_CLASSIC_MAX_CAPLEN - (guint32)g_rand_int_range (r, 0, 3);
        put32 (b, stored, swapped);
        put32 (b, g_rand_boolean (r) ? stored : g_rand_int (r), swapped);
        if (stored > SC_PCAP_CLASSIC_MAX_CAPLEN)
            break; /* libpcap stops here; what follows would not be read */
        guint old = b->len;
        g_byte_array_set_size (b, old + stored);
        for (guint k = 0; k < stored; k++)
            b->data[old + k] = (guint8)g_rand_int (r);
    }
    maybe_cut (b, r);
    return b;
}

static char *
write_file (const GByteArray *b, gboolean gzip)
{
    char *path = NULL;
    int fd = g_file_open_tmp ("sipconn-pcap-XXXXXX", &path, NULL);
    g_assert_cmpint (fd, >=, 0);
    if (gzip) {
        gzFile gz = gzdopen (fd, "wb");
        g_assert_nonnull (gz);
        if (b->len)
            g_assert_cmpint (gzwrite (gz, b->data, b->len), ==, (int)b->len);
        g_assert_cmpint (gzclose (gz), ==, Z_OK);
    } else {
        g_assert_true (g_file_set_contents (path, (const char *)b->data, b->len, NULL));
        close (fd);
    }
    return path;
}

/* Everything a reader gave for a file, as text: one line per packet, then the error. */
static char *
read_all (const char *path, gboolean libpcap_only, gboolean with_offsets)
{
    GString *out = g_string_new (NULL);
    GError *error = NULL;
    ScPcapSource *src = sc_pcap_source_open_with (path, libpcap_only, &error);
    if (!src) {
        g_string_append_printf (out, "open: %s\n", error->message);
        g_error_free (error);
        return g_string_free (out, FALSE);
    }
    ScPacket p;
    while (sc_pcap_source_next (src, &p, &error)) {
        guint32 sum = 0;
        for (guint32 i = 0; i < p.caplen; i++)
            sum = sum * 31 + p.data[i];
        g_string_append_printf (out, "%u %" G_GINT64_FORMAT " %u %u %d %08x\n", p.frame, p.ts_us,
                                p.caplen, p.wirelen, p.linktype, sum);
    }
    if (error) {
        /* A stream inflated for libpcap counts what stdio took, not where the record began:
         * only plain files compare offsets. */
        const char *msg = error->message;
        const char *tail = with_offsets ? msg : strstr (msg, ": ") + 2;
        tail = with_offsets ? msg : strstr (tail, ": ") + 2;
        g_string_append_printf (out, "error %d: %s\n", error->code, tail);
        g_error_free (error);
    }
    sc_pcap_source_close (src);
    return g_string_free (out, FALSE);
}

/* Reads @b (written as a file, gzip-compressed with @gzip) through both readers and fails the
 * test where they differ; counts what the file reached. */
typedef struct {
    guint cut, errors, lines;
} Reached;

static void
compare_readers (const GByteArray *b, gboolean gzip, guint i, Reached *reached)
{
    char *path = write_file (b, gzip);
    char *ours = read_all (path, FALSE, !gzip);
    char *theirs = read_all (path, TRUE, !gzip);
    if (g_strcmp0 (ours, theirs) != 0)
        g_error ("file %u (%u bytes%s): this reader gave\n%s\nlibpcap gave\n%s", i, b->len,
                 gzip ? ", gzip" : "", ours, theirs);
    reached->cut += strstr (ours, "record cut short") != NULL;
    reached->errors += strstr (ours, "error ") != NULL;
    for (const char *l = ours; (l = strchr (l, '\n')); l++)
        reached->lines++;
    g_free (ours);
    g_free (theirs);
    g_unlink (path);
    g_free (path);
}

static void
test_matches_libpcap (void)
{
    GRand *r = g_rand_new_with_seed (20261123);
    guint taken = 0;
    Reached reached = {0};
    for (guint i = 0; i < 400; i++) {
        GByteArray *b = random_capture (r);
        ScPcapClassicFile f;
        if (b->len >= SC_PCAP_CLASSIC_FILE_HEADER && sc_pcap_classic_file_header (b->data, &f))
            taken++;
        compare_readers (b, i % 4 == 3, i, &reached);
        g_byte_array_unref (b);
    }
    /* The random files did reach every path compared. */
    g_assert_cmpuint (taken, >, 300);
    g_assert_cmpuint (reached.cut, >, 50);
    g_assert_cmpuint (reached.errors, >, reached.cut);
    g_rand_free (r);
}

static void
header_bytes (guint8 *h, guint32 magic, guint16 major, guint16 minor, guint32 linktype)
{
    memset (h, 0, SC_PCAP_CLASSIC_FILE_HEADER);
    memcpy (h, &magic, 4);
    memcpy (h + 4, &major, 2);
    memcpy (h + 6, &minor, 2);
    memcpy (h + 20, &linktype, 4);
}

/* What libpcap reads differently is left to libpcap. */
static void
test_variants_left_to_libpcap (void)
{
    guint8 h[SC_PCAP_CLASSIC_FILE_HEADER];
    ScPcapClassicFile f;
    header_bytes (h, 0xa1b2c3d4u, 2, 4, 1);
    g_assert_true (sc_pcap_classic_file_header (h, &f));
    g_assert_cmpint (f.linktype, ==, 1);
    g_assert_cmpuint (f.snaplen, ==, SC_PCAP_CLASSIC_MAX_CAPLEN); /* 0: the maximum */
    header_bytes (h, 0xa1b2c3d4u, 2, 4, 101);
    g_assert_true (sc_pcap_classic_file_header (h, &f));
    g_assert_cmpint (f.linktype, ==, 12);   /* LINKTYPE_RAW is DLT_RAW */
    header_bytes (h, 0xa1b2c3d4u, 2, 3, 1); /* caplen and len may be interchanged */
    g_assert_false (sc_pcap_classic_file_header (h, &f));
    header_bytes (h, 0xa1b2cd34u, 2, 4, 1); /* Kuznetzov: longer records */
    g_assert_false (sc_pcap_classic_file_header (h, &f));
    header_bytes (h, 0xa1b2c3d4u, 2, 4, 1 | 0x10000000u); /* FCS length bits */
    g_assert_false (sc_pcap_classic_file_header (h, &f));
    header_bytes (h, 0xa1b2c3d4u, 2, 4, 147); /* USER0: not decoded */
    g_assert_false (sc_pcap_classic_file_header (h, &f));
    header_bytes (h, 0x0a0d0d0au, 0, 0, 0); /* pcapng */
    g_assert_false (sc_pcap_classic_file_header (h, &f));
}

/* A pcapng block of @type with @body (padded to 4 bytes), written in the file's byte order; one
 * in @damage_one_in gets a damaged length. */
static void
put_block (GByteArray *b, guint32 type, const GByteArray *body, gboolean swapped, GRand *r,
           int damage_one_in)
{
    guint32 total = 12 + (body->len + 3) / 4 * 4;
    guint32 head = total, tail = total;
    if (damage_one_in && g_rand_int_range (r, 0, damage_one_in) == 0) {
        switch (g_rand_int_range (r, 0, 4)) {
        case 0:
            head = total + 2; /* not a multiple of 4 */
            break;
        case 1:
            head = 8; /* shorter than a header and trailer */
            break;
        case 2:
            head = 0x7FFFFFF0u; /* over libpcap's 16 MiB */
            break;
        default:
            tail = total + 4; /* trailer disagrees */
            break;
        }
    }
    put32 (b, type, swapped);
    put32 (b, head, swapped);
    g_byte_array_append (b, body->data, body->len);
    static const guint8 zero[3] = {0};
    g_byte_array_append (b, zero, (4 - body->len % 4) % 4);
    put32 (b, tail, swapped);
}

static void
put_option (GByteArray *o, guint16 code, const guint8 *value, guint16 len, gboolean swapped)
{
    put16 (o, code, swapped);
    put16 (o, len, swapped);
    g_byte_array_append (o, value, len);
    static const guint8 zero[3] = {0};
    g_byte_array_append (o, zero, (4 - len % 4) % 4);
}

static void
put_shb (GByteArray *b, gboolean swapped, guint16 minor, GRand *r)
{
    GByteArray *body = g_byte_array_new ();
    put32 (body, 0x1A2B3C4Du, swapped);
    put16 (body, 1, swapped);
    put16 (body, minor, swapped);
    put32 (body, 0xFFFFFFFFu, swapped);
    put32 (body, 0xFFFFFFFFu, swapped);
    if (g_rand_boolean (r))
        put_option (body, 1, (const guint8 *)"made by a test", 14, swapped);
    put_block (b, 0x0A0D0D0Au, body, swapped, r, 0);
    g_byte_array_unref (body);
}

static void
put_idb (GByteArray *b, gboolean swapped, guint16 linktype, guint32 snaplen, GRand *r, int damage)
{
    GByteArray *body = g_byte_array_new ();
    put16 (body, linktype, swapped);
    put16 (body, 0, swapped);
    put32 (body, snaplen, swapped);
    static const guint8 resols[] = {6, 9, 3, 0, 19, 0x80 | 20, 0x80 | 30, 0x80 | 63, 20, 0x80 | 64};
    gint options = g_rand_int_range (r, 0, 4);
    for (gint i = 0; i < options; i++) {
        switch (g_rand_int_range (r, 0, 5)) {
        case 0: {
            guint8 v = resols[g_rand_int_range (r, 0, damage ? 10 : 8)];
            put_option (body, 9, &v, 1, swapped);
            break;
        }
        case 1: {
            guint64 off = (guint64)g_rand_int_range (r, -100000, 100000);
            if (swapped)
                off = GUINT64_SWAP_LE_BE (off);
            put_option (body, 14, (const guint8 *)&off, 8, swapped);
            break;
        }
        case 2:
            put_option (body, 2, (const guint8 *)"eth0", 4, swapped);
            break;
        case 3:
            if (damage)
                put_option (body, 9, (const guint8 *)"\x06\x06", 2, swapped); /* length 2 */
            break;
        default:
            put_option (body, 0, NULL, 0, swapped); /* opt_endofopt: the rest is not read */
            break;
        }
    }
    put_block (b, 1, body, swapped, r, damage);
    g_byte_array_unref (body);
}

/* A random pcapng file: mostly what dumpcap writes, with the oddities libpcap checks. */
static GByteArray *
random_pcapng (GRand *r)
{
    GByteArray *b = g_byte_array_new ();
    gboolean swapped = g_rand_boolean (r);
    gboolean damage = g_rand_int_range (r, 0, 3) == 0;
    static const guint16 linktypes[] = {1, 1, 1, 101, 113, 276, 147};
    static const guint32 snaplens[] = {0, 96, 1514, 65535, 262144, 262145, 0x80000000u};
    put_shb (b, swapped, g_rand_int_range (r, 0, 12) == 0 ? 2 : 0, r);
    if (g_rand_int_range (r, 0, 4) == 0) { /* a name resolution block before the interface */
        GByteArray *nrb = g_byte_array_new ();
        put32 (nrb, 0, swapped);
        put_block (b, 4, nrb, swapped, r, 0);
        g_byte_array_unref (nrb);
    }
    guint16 linktype = linktypes[g_rand_int_range (r, 0, G_N_ELEMENTS (linktypes))];
    guint32 snaplen = snaplens[g_rand_int_range (r, 0, G_N_ELEMENTS (snaplens))];
    guint ifaces = (guint)g_rand_int_range (r, 1, 3);
    for (guint i = 0; i < ifaces; i++)
        put_idb (b, swapped, linktype, snaplen, r, damage ? 12 : 0);
    guint blocks = (guint)g_rand_int_range (r, 0, 14);
    for (guint i = 0; i < blocks; i++) {
        GByteArray *body = g_byte_array_new ();
        guint32 len = (guint32)g_rand_int_range (r, 0, 1600);
        guint32 caplen = damage && g_rand_int_range (r, 0, 10) == 0 ? len + 4 : len;
        int kind = g_rand_int_range (r, 0, 20);
        if (kind < 13) { /* enhanced packet block */
            put32 (body, damage ? (guint32)g_rand_int_range (r, 0, (gint32)ifaces + 1) : 0,
                   swapped);
            put32 (body, g_rand_int (r) >> 8, swapped);
            put32 (body, g_rand_int (r), swapped);
            put32 (body, caplen, swapped);
            put32 (body, len + (guint32)g_rand_int_range (r, 0, 3), swapped);
        } else if (kind < 15) { /* simple packet block */
            put32 (body, len, swapped);
        } else if (kind < 16) { /* obsolete packet block */
            put16 (body, 0, swapped);
            put16 (body, 0, swapped);
            put32 (body, g_rand_int (r) >> 8, swapped);
            put32 (body, g_rand_int (r), swapped);
            put32 (body, caplen, swapped);
            put32 (body, len, swapped);
        }
        if (kind < 16) {
            guint old = body->len;
            g_byte_array_set_size (body, old + len);
            for (guint k = 0; k < len; k++)
                body->data[old + k] = (guint8)g_rand_int (r);
            if (kind < 13 && g_rand_int_range (r, 0, 4) == 0) { /* an EPB comment */
                static const guint8 zero[3] = {0};
                g_byte_array_append (body, zero, (4 - body->len % 4) % 4);
                put_option (body, 1, (const guint8 *)"seen", 4, swapped);
            }
            put_block (b, kind < 13 ? 6 : kind < 15 ? 3 : 2, body, swapped, r, damage ? 25 : 0);
        } else if (kind < 18) { /* interface statistics, or a custom block: skipped */
            put32 (body, 0, swapped);
            put32 (body, g_rand_int (r), swapped);
            put_block (b, kind == 16 ? 5 : 0x00000BADu, body, swapped, r, 0);
        } else if (kind == 18) { /* another interface: the same, or (damaged) another type */
            put_idb (b, swapped, damage && g_rand_boolean (r) ? 1 : linktype,
                     damage && g_rand_boolean (r) ? 1500 : snaplen, r, 0);
            ifaces++;
        } else { /* a new section: the same byte order, or (damaged) the other */
            put_shb (b, damage && g_rand_boolean (r) ? !swapped : swapped, 0, r);
            put_idb (b, swapped, linktype, snaplen, r, 0);
            ifaces = 1;
        }
        g_byte_array_unref (body);
    }
    maybe_cut (b, r);
    return b;
}

static void
test_pcapng_matches_libpcap (void)
{
    GRand *r = g_rand_new_with_seed (5626);
    guint taken = 0;
    Reached reached = {0};
    for (guint i = 0; i < 600; i++) {
        GByteArray *b = random_pcapng (r);
        ScPcapngFile f;
        gsize need;
        if (sc_pcapng_file_open (b->data, b->len, &f, &need)) {
            taken++;
            sc_pcapng_file_clear (&f);
        }
        compare_readers (b, i % 5 == 4, i, &reached);
        g_byte_array_unref (b);
    }
    /* The random files did reach every path compared. */
    g_assert_cmpuint (taken, >, 300);
    g_assert_cmpuint (reached.cut, >, 50);
    g_assert_cmpuint (reached.errors, >, reached.cut + 50);
    g_assert_cmpuint (reached.lines, >, 1000);
    g_rand_free (r);
}

/* A block larger than the read buffer (3 MiB of a custom block, then a packet): the buffer grows
 * for it, and a section header larger than the buffer at the start is read alike. */
static void
test_pcapng_large_blocks (void)
{
    GRand *r = g_rand_new_with_seed (1);
    GByteArray *b = g_byte_array_new ();
    put_shb (b, FALSE, 0, r);
    put_idb (b, FALSE, 1, 65535, r, 0);
    GByteArray *body = g_byte_array_new ();
    g_byte_array_set_size (body, 3 * 1024 * 1024);
    memset (body->data, 0xA5, body->len);
    put_block (b, 0x00000BADu, body, FALSE, r, 0);
    g_byte_array_set_size (body, 0);
    put32 (body, 0, FALSE);
    put32 (body, 0, FALSE);
    put32 (body, 1000000, FALSE); /* 1 s at the default µs resolution */
    put32 (body, 60, FALSE);
    put32 (body, 60, FALSE);
    g_byte_array_set_size (body, body->len + 60);
    memset (body->data + body->len - 60, 0, 60);
    put_block (b, 6, body, FALSE, r, 0);
    char *path = write_file (b, FALSE);
    char *ours = read_all (path, FALSE, TRUE);
    char *theirs = read_all (path, TRUE, TRUE);
    g_assert_cmpstr (ours, ==, theirs);
    g_assert_cmpstr (ours, ==, "1 1000000 60 60 1 00000000\n");
    g_free (ours);
    g_free (theirs);
    g_unlink (path);
    g_free (path);
    g_byte_array_unref (body);
    g_byte_array_unref (b);
    g_rand_free (r);
}

/* Times are unsigned in either byte order (libpcap would give 1902 for a native file). */
static void
test_unsigned_times (void)
{
    for (int swapped = 0; swapped < 2; swapped++) {
        GByteArray *b = g_byte_array_new ();
        put32 (b, 0xa1b23c4du, swapped);
        put16 (b, 2, swapped);
        put16 (b, 4, swapped);
        put32 (b, 0, swapped);
        put32 (b, 0, swapped);
        put32 (b, 65535, swapped);
        put32 (b, 1, swapped);
        put32 (b, 0xF0000000u, swapped); /* 2097-08-04 */
        put32 (b, 2999999999u, swapped); /* ns: 2.999999999 s */
        put32 (b, 0, swapped);
        put32 (b, 60, swapped);
        char *path = write_file (b, FALSE);
        char *ours = read_all (path, FALSE, TRUE);
        g_assert_cmpstr (ours, ==, "1 4026531842999999 0 60 1 00000000\n");
        g_free (ours);
        g_unlink (path);
        g_free (path);
        g_byte_array_unref (b);
    }
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/pcap-classic/matches-libpcap", test_matches_libpcap);
    g_test_add_func ("/pcap-classic/variants-left-to-libpcap", test_variants_left_to_libpcap);
    g_test_add_func ("/pcap-classic/unsigned-times", test_unsigned_times);
    g_test_add_func ("/pcapng/matches-libpcap", test_pcapng_matches_libpcap);
    g_test_add_func ("/pcapng/large-blocks", test_pcapng_large_blocks);
    return g_test_run ();
}
