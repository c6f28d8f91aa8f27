/* Unit tests of the capture layer's reassembly pieces: IP fragments and stream framing. */
#include "defrag.h"
#include "stream_framer.h"

#include <string.h>

static void
test_defrag_out_of_order (void)
{
    ScDefrag *d = sc_defrag_new (1 << 20, 16, 30 * G_USEC_PER_SEC);
    ScDefragKey k = {.family = 4, .proto = 17, .id = 7};
    guint8 a[16], b[8];
    memset (a, 'a', sizeof a);
    memset (b, 'b', sizeof b);
    g_assert_null (sc_defrag_add (d, &k, 16, FALSE, b, sizeof b, 1));
    ScDefragDatagram *whole = sc_defrag_add (d, &k, 0, TRUE, a, sizeof a, 2);
    g_assert_nonnull (whole);
    gsize n;
    const guint8 *bytes = sc_defrag_datagram_data (whole, &n);
    g_assert_cmpuint (n, ==, 24);
    g_assert_cmpint (bytes[0], ==, 'a');
    g_assert_cmpint (bytes[16], ==, 'b');
    sc_defrag_release (d, whole);
    g_assert_cmpuint (sc_defrag_stats (d)->completed, ==, 1);
    /* The next datagram reuses the memory of the one released, and starts from nothing of it. */
    const guint8 *first = bytes;
    ScDefragKey k2 = {.family = 4, .proto = 17, .id = 8};
    g_assert_null (sc_defrag_add (d, &k2, 0, TRUE, b, sizeof b, 3));
    whole = sc_defrag_add (d, &k2, 8, FALSE, b, 4, 4);
    g_assert_nonnull (whole);
    bytes = sc_defrag_datagram_data (whole, &n);
    g_assert_true (bytes == first); /* no new allocation */
    g_assert_cmpuint (n, ==, 12);
    g_assert_cmpint (bytes[0], ==, 'b');
    g_assert_cmpint (bytes[11], ==, 'b');
    sc_defrag_release (d, whole);
    g_assert_cmpuint (sc_defrag_stats (d)->completed, ==, 2);
    sc_defrag_free (d);
}

static void
test_defrag_never_completes (void)
{
    /* First fragments only, far more than the cap: memory stays bounded, old ones go. */
    ScDefrag *d = sc_defrag_new (4096, 8, 30 * G_USEC_PER_SEC);
    guint8 chunk[512] = {0};
    for (guint32 i = 0; i < 1000; i++) {
        ScDefragKey k = {.family = 4, .proto = 17, .id = i};
        g_assert_null (sc_defrag_add (d, &k, 0, TRUE, chunk, sizeof chunk, i));
    }
    g_assert_cmpuint (sc_defrag_stats (d)->evicted, >=, 990);
    /* The oldest went: the newest still completes, the first no longer can. */
    ScDefragKey newest = {.family = 4, .proto = 17, .id = 999};
    ScDefragDatagram *whole = sc_defrag_add (d, &newest, 512, FALSE, chunk, 8, 1000);
    g_assert_nonnull (whole);
    sc_defrag_release (d, whole);
    ScDefragKey first = {.family = 4, .proto = 17, .id = 0};
    g_assert_null (sc_defrag_add (d, &first, 512, FALSE, chunk, 8, 1001));
    /* And a timed-out one expires. */
    ScDefragKey late = {.family = 6, .proto = 17, .id = 1};
    sc_defrag_add (d, &late, 0, TRUE, chunk, 8, 100 * G_USEC_PER_SEC);
    g_assert_cmpuint (sc_defrag_stats (d)->expired, >=, 1);
    sc_defrag_free (d);
}

typedef struct {
    guint messages;
    guint junk;
    gsize crlf;
    gboolean cut;
    guint32 last_frame;
    GString *parses; /* nullable: "header_len body_len status cseq" of each message */
} Seen;

static void
on_msg (gpointer u, const char *m, gsize len, const ScSipMsg *parsed, guint32 frame, gint64 ts,
        gboolean cut, guint32 cf)
{
    (void)m, (void)ts, (void)cf;
    /* A framed message comes with the framer's parse, covering exactly its bytes. */
    if (cut) {
        g_assert_null (parsed);
    } else {
        g_assert_nonnull (parsed);
        g_assert_cmpuint (parsed->header_len + parsed->body_len, ==, len);
    }
    Seen *s = u;
    if (s->parses && parsed)
        g_string_append_printf (s->parses, "%zu %zu %u %u|", parsed->header_len, parsed->body_len,
                                parsed->status, parsed->cseq_number);
    s->messages++;
    s->cut |= cut;
    s->last_frame = frame;
}

static void
on_junk (gpointer u, gsize len, guint32 frame, gint64 ts, guint32 prev)
{
    (void)len, (void)frame, (void)ts, (void)prev;
    ((Seen *)u)->junk++;
}

static void
on_crlf (gpointer u, gsize n, guint32 frame, gint64 ts)
{
    (void)frame, (void)ts;
    ((Seen *)u)->crlf += n;
}

static const ScFramerSink sink = {on_msg, on_junk, on_crlf};

static const char msg1[] = "OPTIONS sip:x SIP/2.0\r\nContent-Length: 3\r\n\r\nabc";

static void
test_framer_byte_by_byte (void)
{
    ScFramer f;
    Seen s = {0};
    sc_framer_init (&f, FALSE, NULL);
    for (gsize i = 0; i < strlen (msg1); i++)
        sc_framer_feed (&f, (const guint8 *)msg1 + i, 1, (guint32)i + 1, 0, &sink, &s);
    g_assert_cmpuint (s.messages, ==, 1);
    g_assert_cmpuint (s.last_frame, ==, strlen (msg1));
    sc_framer_feed (&f, (const guint8 *)"\r\n\r\n", 4, 99, 0, &sink, &s);
    g_assert_cmpuint (s.crlf, ==, 4);
    sc_framer_clear (&f);
}

/* Messages arriving in pieces on many streams: a drained buffer goes to the shared spares and
 * the next stream that must wait for bytes takes it, without allocating. */
static void
test_framer_spare_buffers (void)
{
    GPtrArray *spares = sc_framer_spare_bufs_new ();
    ScFramer f, g;
    Seen s = {0};
    sc_framer_init (&f, FALSE, spares);
    sc_framer_init (&g, FALSE, spares);
    sc_framer_feed (&f, (const guint8 *)msg1, 10, 1, 0, &sink, &s);
    g_assert_nonnull (f.buf);
    GByteArray *held = f.buf;
    sc_framer_feed (&f, (const guint8 *)msg1 + 10, strlen (msg1) - 10, 2, 0, &sink, &s);
    g_assert_cmpuint (s.messages, ==, 1);
    g_assert_null (f.buf);
    g_assert_cmpuint (spares->len, ==, 1);
    sc_framer_feed (&g, (const guint8 *)msg1, 20, 3, 0, &sink, &s);
    g_assert_true (g.buf == held);
    g_assert_cmpuint (g.buf->len, ==, 20); /* nothing of f's bytes */
    g_assert_cmpuint (spares->len, ==, 0);
    sc_framer_feed (&g, (const guint8 *)msg1 + 20, strlen (msg1) - 20, 4, 0, &sink, &s);
    g_assert_cmpuint (s.messages, ==, 2);
    sc_framer_clear (&f);
    sc_framer_clear (&g);
    g_assert_cmpuint (spares->len, ==, 1);
    g_ptr_array_unref (spares);
}

static void
test_framer_junk_once_then_resync (void)
{
    ScFramer f;
    Seen s = {0};
    sc_framer_init (&f, FALSE, NULL);
    GString *in = g_string_new (msg1);
    g_string_append (in, "stray bytes\r\nmore stray\r\n");
    g_string_append (in, msg1);
    sc_framer_feed (&f, (const guint8 *)in->str, in->len, 1, 0, &sink, &s);
    g_assert_cmpuint (s.messages, ==, 2);
    g_assert_cmpuint (s.junk, ==, 1);
    g_string_free (in, TRUE);
    sc_framer_clear (&f);
}

static void
test_framer_no_junk_after_gap (void)
{
    ScFramer f;
    Seen s = {0};
    sc_framer_init (&f, FALSE, NULL);
    sc_framer_feed (&f, (const guint8 *)msg1, strlen (msg1), 1, 0, &sink, &s);
    sc_framer_gap (&f);
    sc_framer_feed (&f, (const guint8 *)"tail of something\r\n", 19, 2, 0, &sink, &s);
    sc_framer_feed (&f, (const guint8 *)msg1, strlen (msg1), 3, 0, &sink, &s);
    g_assert_cmpuint (s.junk, ==, 0);
    g_assert_cmpuint (s.messages, ==, 2);
    sc_framer_clear (&f);
}

static void
test_framer_close_cuts_body (void)
{
    ScFramer f;
    Seen s = {0};
    sc_framer_init (&f, FALSE, NULL);
    sc_framer_feed (&f, (const guint8 *)msg1, strlen (msg1) - 2, 1, 0, &sink, &s);
    g_assert_cmpuint (s.messages, ==, 0);
    sc_framer_close (&f, 2, 0, &sink, &s);
    g_assert_cmpuint (s.messages, ==, 1);
    g_assert_true (s.cut);
    sc_framer_clear (&f);
}

/* A body in many segments: delivered once, whole, by the segment that completes it, and the
 * framer waits by the length it learnt from the headers (f.awaiting) rather than reparsing. */
static void
test_framer_body_in_segments (void)
{
    ScFramer f;
    Seen s = {0};
    sc_framer_init (&f, FALSE, NULL);
    GString *in = g_string_new ("MESSAGE sip:x SIP/2.0\r\nContent-Length: 20000\r\n\r\n");
    gsize head = in->len;
    for (int i = 0; i < 20000; i++)
        g_string_append_c (in, (char)('a' + i % 26));
    g_string_append (in, msg1);
    guint32 frame = 0;
    for (gsize at = 0; at < in->len; at += 100) {
        gsize n = MIN (100, in->len - at);
        sc_framer_feed (&f, (const guint8 *)in->str + at, n, ++frame, 0, &sink, &s);
        if (at + n < head + 20000) {
            g_assert_cmpuint (s.messages, ==, 0);
            if (at + n > head)
                g_assert_cmpuint (f.awaiting, ==, head + 20000);
        }
    }
    g_assert_cmpuint (s.messages, ==, 2); /* the MESSAGE, then msg1 behind it */
    g_assert_cmpuint (f.awaiting, ==, 0);
    g_assert_cmpuint (s.junk, ==, 0);
    g_string_free (in, TRUE);
    sc_framer_clear (&f);
}

/* Two messages in two segments cut at every byte: the message parsed where it lies and the one
 * completed from the buffer get the same parse as when the whole stream comes in one segment. */
static void
test_framer_cut_anywhere (void)
{
    static const char two[] = "SIP/2.0 200 OK\r\nCSeq: 7 INVITE\r\nContent-Length: 4\r\n\r\nv=0\n"
                              "BYE sip:x SIP/2.0\r\nCSeq: 8 BYE\r\nContent-Length: 0\r\n\r\n";
    gsize n = strlen (two);
    Seen whole = {.parses = g_string_new (NULL)};
    ScFramer f;
    sc_framer_init (&f, FALSE, NULL);
    sc_framer_feed (&f, (const guint8 *)two, n, 1, 0, &sink, &whole);
    sc_framer_clear (&f);
    /* 16 + 16 + 19 + 2 header bytes and "v=0\n"; 19 + 13 + 19 + 2 and no body. */
    g_assert_cmpstr (whole.parses->str, ==, "53 4 200 7|53 0 0 8|");
    for (gsize k = 1; k < n; k++) {
        Seen s = {.parses = g_string_new (NULL)};
        sc_framer_init (&f, FALSE, NULL);
        sc_framer_feed (&f, (const guint8 *)two, k, 1, 0, &sink, &s);
        sc_framer_feed (&f, (const guint8 *)two + k, n - k, 2, 0, &sink, &s);
        sc_framer_clear (&f);
        g_assert_cmpstr (s.parses->str, ==, whole.parses->str);
        g_assert_cmpuint (s.junk, ==, 0); /* k = 75: cut between the CR and LF of a start line */
        g_string_free (s.parses, TRUE);
    }
    g_string_free (whole.parses, TRUE);
}

static void
test_framer_absurd_content_length (void)
{
    ScFramer f;
    Seen s = {0};
    sc_framer_init (&f, FALSE, NULL);
    const char *big = "OPTIONS sip:x SIP/2.0\r\nContent-Length: 4000000000\r\n\r\nxx";
    sc_framer_feed (&f, (const guint8 *)big, strlen (big), 1, 0, &sink, &s);
    g_assert_cmpuint (s.messages, ==, 1); /* headers delivered, no 4 GB wait */
    g_assert_true (f.buf == NULL || f.buf->len < 16);
    sc_framer_clear (&f);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/defrag/out-of-order", test_defrag_out_of_order);
    g_test_add_func ("/defrag/never-completes", test_defrag_never_completes);
    g_test_add_func ("/framer/byte-by-byte", test_framer_byte_by_byte);
    g_test_add_func ("/framer/spare-buffers", test_framer_spare_buffers);
    g_test_add_func ("/framer/junk-once-then-resync", test_framer_junk_once_then_resync);
    g_test_add_func ("/framer/no-junk-after-gap", test_framer_no_junk_after_gap);
    g_test_add_func ("/framer/close-cuts-body", test_framer_close_cuts_body);
    g_test_add_func ("/framer/absurd-content-length", test_framer_absurd_content_length);
    g_test_add_func ("/framer/body-in-segments", test_framer_body_in_segments);
    g_test_add_func ("/framer/cut-anywhere", test_framer_cut_anywhere);
    return g_test_run ();
}
