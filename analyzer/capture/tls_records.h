/* tls_records.h — TLS records on one direction of a reassembled TCP stream (RFC 8446 §5.1,
 * RFC 5246 §6.2): each record's type goes to the core, and the handshake messages sent in
 * clear (before that side's ChangeCipherSpec) are cut out of the records that carry them. */
#pragma once

#include "core.h"
#include "tls_decrypt.h"

typedef struct {
    GByteArray *record;    /* bytes of a record not complete yet; NULL when none */
    GByteArray *handshake; /* clear handshake bytes not yet a whole message; NULL when none */
    gboolean encrypted;    /* this side sent ChangeCipherSpec: its handshake records are sealed */
    gboolean stopped;      /* not TLS (any more), or a record or message beyond the limits */
    /* With a key log: the connection's session (borrowed) and where decrypted application
     * data goes, in record order (@user is plain_user). */
    ScTlsSession *session;
    void (*plain) (gpointer user, const guint8 *p, gsize len, guint32 frame, gint64 ts_us);
    gpointer plain_user;
} ScTlsRecords;

/* Ordered stream bytes (@len at @p, borrowed) from one side (@from_a) of @conn. */
void sc_tls_records_feed (ScTlsRecords *r, ScCore *core, ScConn *conn, gboolean from_a,
                          const guint8 *p, gsize len, guint32 frame, gint64 ts_us);

/* Bytes were lost: what was held is dropped, and reading stops (records cannot be found again
 * in the middle of a stream with certainty). */
void sc_tls_records_gap (ScTlsRecords *r);

void sc_tls_records_clear (ScTlsRecords *r);
