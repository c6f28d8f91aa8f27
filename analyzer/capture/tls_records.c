/* tls_records.c — TLS record layer reading on a reassembled stream. */
#include "tls_records.h"

#include "tls.h"

#define SC_TLS_RECORD_HEADER 5
/* RFC 5246 §6.2.3: a ciphertext fragment is at most 2^14 + 2048 bytes. */
#define SC_TLS_RECORD_MAX (16384 + 2048)
/* A certificate chain may be long; a handshake message beyond this is not followed. */
#define SC_TLS_HANDSHAKE_MAX (256 * 1024)

static void
drop (GByteArray **a)
{
    if (*a)
        g_byte_array_unref (*a);
    *a = NULL;
}

void
sc_tls_records_clear (ScTlsRecords *r)
{
    drop (&r->record);
    drop (&r->handshake);
}

void
sc_tls_records_gap (ScTlsRecords *r)
{
    sc_tls_records_clear (r);
    r->stopped = TRUE;
}

/* Hands the core every whole handshake message in r->handshake. */
static void
cut_handshake_messages (ScTlsRecords *r, ScCore *core, ScConn *conn, gboolean from_a, guint32 frame,
                        gint64 ts_us)
{
    GByteArray *h = r->handshake;
    gsize at = 0;
    while (h->len - at >= 4) {
        const guint8 *m = h->data + at;
        gsize body = (gsize)m[1] << 16 | (gsize)m[2] << 8 | m[3];
        if (body + 4 > SC_TLS_HANDSHAKE_MAX) {
            sc_tls_records_gap (r);
            return;
        }
        if (h->len - at < body + 4)
            break;
        sc_core_tls_handshake (core, conn, from_a, m, body + 4, frame, ts_us);
        ScTlsHandshake hs;
        if (r->session && (m[0] == SC_TLS_CLIENT_HELLO || m[0] == SC_TLS_SERVER_HELLO) &&
            sc_tls_parse_handshake (m, body + 4, FALSE, &hs)) {
            sc_tls_session_hello (r->session, from_a ? 0 : 1, &hs);
            sc_core_tls_decryption (core, conn, sc_tls_session_status (r->session));
        } else if (r->session) {
            sc_tls_session_handshake_message (r->session, from_a ? 0 : 1, m[0]);
        }
        at += body + 4;
    }
    g_byte_array_remove_range (h, 0, (guint)at);
}

/* Handshake bytes read (in clear, or decrypted): whole messages go to the core. */
static void
handshake_bytes (ScTlsRecords *r, ScCore *core, ScConn *conn, gboolean from_a, const guint8 *p,
                 gsize n, guint32 frame, gint64 ts_us)
{
    if (!r->handshake)
        r->handshake = g_byte_array_new ();
    g_byte_array_append (r->handshake, p, (guint)n);
    cut_handshake_messages (r, core, conn, from_a, frame, ts_us);
}

static void
on_record (ScTlsRecords *r, ScCore *core, ScConn *conn, gboolean from_a, const guint8 *rec,
           gsize len, guint32 frame, gint64 ts_us)
{
    guint8 type = rec[0];
    sc_core_tls_record (core, conn, from_a, type, len, frame, ts_us);
    if (type == SC_TLS_CHANGE_CIPHER_SPEC) {
        r->encrypted = TRUE;
        drop (&r->handshake);
        if (r->session)
            sc_tls_session_cipher_changed (r->session, from_a ? 0 : 1);
    } else if (r->session && (r->encrypted || type == SC_TLS_APPLICATION_DATA)) {
        /* Protected (after ChangeCipherSpec in 1.2, every application_data record in 1.3):
         * opened with the session's keys. Application data goes on as a stream; handshake
         * messages (TLS 1.3's whole flight after the ServerHello) are read as if in clear. */
        guint8 plain[SC_TLS_RECORD_HEADER + SC_TLS_RECORD_MAX];
        gsize n;
        guint8 inner;
        gboolean ok =
            sc_tls_session_decrypt (r->session, from_a ? 0 : 1, rec, len, plain, &n, &inner);
        sc_core_tls_decryption (core, conn, sc_tls_session_status (r->session));
        if (ok && inner == SC_TLS_APPLICATION_DATA && r->plain && n > 0)
            r->plain (r->plain_user, plain, n, frame, ts_us);
        else if (ok && inner == SC_TLS_HANDSHAKE && n > 0)
            handshake_bytes (r, core, conn, from_a, plain, n, frame, ts_us);
    } else if (type == SC_TLS_HANDSHAKE && !r->encrypted) {
        handshake_bytes (r, core, conn, from_a, rec + SC_TLS_RECORD_HEADER,
                         len - SC_TLS_RECORD_HEADER, frame, ts_us);
    }
}

/* The record at @p (@avail bytes): its whole length, 0 when more bytes are needed, -1 when it
 * is not a TLS record. */
static gssize
record_length (const guint8 *p, gsize avail)
{
    if (avail < SC_TLS_RECORD_HEADER)
        return 0;
    gsize n = (gsize)p[3] << 8 | p[4];
    if (p[0] < SC_TLS_CHANGE_CIPHER_SPEC || p[0] > SC_TLS_APPLICATION_DATA || p[1] != 3 ||
        n > SC_TLS_RECORD_MAX)
        return -1;
    return avail >= SC_TLS_RECORD_HEADER + n ? (gssize)(SC_TLS_RECORD_HEADER + n) : 0;
}

void
sc_tls_records_feed (ScTlsRecords *r, ScCore *core, ScConn *conn, gboolean from_a, const guint8 *p,
                     gsize len, guint32 frame, gint64 ts_us)
{
    if (r->stopped || len == 0)
        return;
    /* Whole records straight from @p when nothing is held; the rest is kept. */
    const guint8 *data = p;
    gsize avail = len;
    if (r->record && r->record->len) {
        g_byte_array_append (r->record, p, (guint)len);
        data = r->record->data;
        avail = r->record->len;
    }
    gsize at = 0;
    while (!r->stopped) {
        gssize n = record_length (data + at, avail - at);
        if (n < 0) {
            sc_tls_records_gap (r); /* not a record boundary: the stream is not (or no longer)
                                       readable as TLS */
            return;
        }
        if (n == 0)
            break;
        on_record (r, core, conn, from_a, data + at, (gsize)n, frame, ts_us);
        at += (gsize)n;
    }
    if (r->stopped)
        return;
    if (data == p) {
        if (at < len) {
            if (!r->record)
                r->record = g_byte_array_new ();
            g_byte_array_append (r->record, p + at, (guint)(len - at));
        }
    } else {
        g_byte_array_remove_range (r->record, 0, (guint)at);
    }
}
