/* progress.c — the batch progress line. */
#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define SC_PROGRESS_DEFAULT_AFTER_MS 2000
#define SC_PROGRESS_REDRAW_US (500 * 1000)
#define SC_MB (1024.0 * 1024.0)

void
sc_progress_init (ScProgress *p, guint64 total_bytes)
{
    *p = (ScProgress){0};
    p->enabled = isatty (STDERR_FILENO);
    p->total_bytes = total_bytes;
    p->start_us = g_get_monotonic_time ();
    const char *after = g_getenv ("SIPCONN_PROGRESS_AFTER_MS");
    gint64 ms = after ? g_ascii_strtoll (after, NULL, 10) : SC_PROGRESS_DEFAULT_AFTER_MS;
    p->after_us = MAX (ms, 0) * 1000;
    p->next_us = p->start_us + p->after_us;
}

void
sc_progress_update (ScProgress *p, guint64 offset, guint64 packets)
{
    if (!p->enabled)
        return;
    gint64 now = g_get_monotonic_time ();
    if (now < p->next_us)
        return;
    p->next_us = now + SC_PROGRESS_REDRAW_US;
    guint64 bytes = p->done_bytes + offset;
    double seconds = MAX ((double)(now - p->start_us) / G_USEC_PER_SEC, 1e-3);
    double rate = (double)bytes / seconds; /* bytes per second */
    char line[160];
    int n = snprintf (line, sizeof line, "sipconn-audit: %.1f", (double)bytes / SC_MB);
    if (p->total_bytes && bytes <= p->total_bytes)
        n += snprintf (line + n, sizeof line - (gsize)n, " of %.1f", p->total_bytes / SC_MB);
    n +=
        snprintf (line + n, sizeof line - (gsize)n, " MB, %" G_GUINT64_FORMAT " packets, %.1f MB/s",
                  p->packets + packets, rate / SC_MB);
    if (p->total_bytes && bytes <= p->total_bytes && rate > 0)
        snprintf (line + n, sizeof line - (gsize)n, ", ETA %.0f s",
                  (double)(p->total_bytes - bytes) / rate);
    fprintf (stderr, "\r%-79s", line);
    fflush (stderr);
    p->shown = TRUE;
}

void
sc_progress_file_done (ScProgress *p, guint64 bytes, guint64 packets)
{
    p->done_bytes += bytes;
    p->packets += packets;
}

void
sc_progress_end (ScProgress *p)
{
    if (!p->shown)
        return;
    fprintf (stderr, "\r%79s\r", "");
    fflush (stderr);
    p->shown = FALSE;
}
