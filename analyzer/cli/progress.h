/* progress.h — a progress line on stderr for long batch runs: only when stderr is a terminal
 * (never in pipes or logs), only after the run has lasted a while, redrawn at most twice a
 * second, cleared at the end. */
#pragma once

#include <glib.h>

typedef struct {
    gboolean enabled;    /* stderr is a terminal */
    guint64 total_bytes; /* of all inputs, as on disk; 0 when unknown (stdin, gzip) */
    guint64 done_bytes;  /* of the inputs finished */
    guint64 packets;     /* of the inputs finished */
    gint64 start_us;     /* monotonic */
    gint64 after_us;     /* nothing is shown before this much time has passed */
    gint64 next_us;      /* the next redraw, monotonic */
    gboolean shown;      /* a line is on the terminal */
} ScProgress;

/* @total_bytes: the inputs' sizes, 0 when any is unknown. The delay before the first line is
 * 2 s, or SIPCONN_PROGRESS_AFTER_MS milliseconds. */
void sc_progress_init (ScProgress *p, guint64 total_bytes);

/* In the current input: @offset bytes read (uncompressed), @packets read. Cheap when nothing
 * is due. */
void sc_progress_update (ScProgress *p, guint64 offset, guint64 packets);

/* The current input is done: it had @bytes bytes (as counted by sc_progress_update's offset)
 * and @packets packets. */
void sc_progress_file_done (ScProgress *p, guint64 bytes, guint64 packets);

/* Clears the line, if one is shown. */
void sc_progress_end (ScProgress *p);
