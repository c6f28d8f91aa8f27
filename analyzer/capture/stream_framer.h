/* stream_framer.h — SIP message framing on one direction of a byte stream (RFC 3261 §18.3:
 * Content-Length delimits messages on streams; CRLFs between messages are keep-alives, §7.5).
 * A four-way answer at each step, as sngrep's validator gives: not SIP, partial, complete,
 * several messages. */
#pragma once

#include "sip_msg.h"

#include <glib.h>

typedef struct {
    /* A complete message (@len bytes at @msg). @frame completed it. @cut: the sender closed
     * before the announced body arrived (@cut_frame is its FIN/RST). @parsed: the framer's own
     * parse of it (its views into @msg; valid during the call), NULL when it has none (a cut
     * message): framing needs Content-Length, so the headers are parsed once, here. */
    void (*message) (gpointer user, const char *msg, gsize len, const ScSipMsg *parsed,
                     guint32 frame, gint64 ts_us, gboolean cut, guint32 cut_frame);
    /* @len bytes that are neither CRLF nor a start line, after the message of @prev_frame. */
    void (*junk) (gpointer user, gsize len, guint32 frame, gint64 ts_us, guint32 prev_frame);
    /* A run of @count CR/LF bytes between messages (keep-alive bytes). Nullable. */
    void (*crlf) (gpointer user, gsize count, guint32 frame, gint64 ts_us);
} ScFramerSink;

typedef struct {
    GByteArray *buf; /* the bytes of an unfinished message; NULL when none wait */
    gsize buf_peak;  /* the most bytes buf held since this framer took it (a spare one keeps
                        the allocation its earlier users grew it to, within the spares' cap) */
    /* The owner's spare buffers (GByteArray*, shared by its framers; NULL: none): a drained
     * buffer goes there and the next one is taken from there, so that messages arriving in
     * pieces allocate nothing in the steady state while idle streams hold no buffer. */
    GPtrArray *spare_bufs;
    gboolean resync;   /* skip silently to the next start line (mid-stream start, gap) */
    gboolean in_junk;  /* a FRAME-003 run is open: report it once */
    gboolean sip_seen; /* a complete message came: only then can stray bytes be judged */
    guint32 prev_msg_frame;
    guint32 last_frame; /* frame of the newest bytes in buf */
    gint64 last_ts_us;
    gsize scanned; /* bytes scanned in resync mode without a start line */
    /* Bytes the message at the start of buf needs in all (headers and announced body), known
     * once its headers were parsed; 0 when not known. A body arriving in many segments is then
     * waited for without parsing the headers again at each one. */
    gsize awaiting;
    /* Bytes dropped unframed: skipped to find a start line (after a gap, a mid-stream start,
     * headers beyond SC_FRAMER_MAX_HEADERS, a body beyond SC_FRAMER_MAX_BODY, stray bytes) or
     * buffered when a gap came. The owner reads and resets it. */
    guint64 skipped;
} ScFramer;

#define SC_FRAMER_MAX_HEADERS (64 * 1024)
#define SC_FRAMER_MAX_BODY (1024 * 1024)

/* @spare_bufs: see ScFramer (borrowed; it must outlive the framer's last clear). */
void sc_framer_init (ScFramer *f, gboolean resync, GPtrArray *spare_bufs);

/* A spare-buffer list for sc_framer_init (), freeing its buffers with it. */
GPtrArray *sc_framer_spare_bufs_new (void);
void sc_framer_clear (ScFramer *f);

/* Appends @len bytes that arrived in @frame and delivers what is complete. */
void sc_framer_feed (ScFramer *f, const guint8 *data, gsize len, guint32 frame, gint64 ts_us,
                     const ScFramerSink *sink, gpointer user);

/* Bytes were lost before the next ones: what is buffered is dropped, framing resynchronises
 * silently (RULES.md: no FRAME finding after a capture gap). */
void sc_framer_gap (ScFramer *f);

/* The sender closed (FIN or RST in @frame) with every byte before it delivered: a message
 * whose headers came but whose body did not is delivered with cut = TRUE. */
void sc_framer_close (ScFramer *f, guint32 frame, gint64 ts_us, const ScFramerSink *sink,
                      gpointer user);

/* Bytes scanned for a start line without finding one since the last resync. */
gsize sc_framer_resync_scanned (const ScFramer *f);
