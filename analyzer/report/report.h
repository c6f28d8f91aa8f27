/* report.h — what an audit found, per input file, and its renderings (text, JSON, NDJSON,
 * Markdown).
 * Renderers append to a GString: no I/O here. */
#pragma once

#include "core.h"

G_BEGIN_DECLS

typedef struct {
    ScRuleId rule;
    guint32 frames[SC_FINDING_MAX_FRAMES];
    guint n_frames;
    gint64 ts_us;
    guint conn_id;
    char *message; /* owned */
    char *excerpt; /* owned, nullable: the offending message's start line and key headers */
} ScReportFinding;

/* A flow's RFC 5626 / 6223 facts, copied out of the core's callback. */
typedef struct {
    guint conn_id;
    ScTransport transport;
    char *aor, *instance, *token; /* owned, nullable */
    guint32 reg_id;
    guint32 timer_s;
    const char *timer_source; /* static */
    guint keepalives;
    gint64 interval_us[3], latency_us[3]; /* min, median, max; -1 when none */
    GArray *mappings;                     /* ScEndpoint, owned */
    gboolean closed, reset, timed_out;
    guint32 close_frame;
} ScReportFlow;

typedef struct {
    char *path; /* owned */
    guint64 packets;
    guint64 sip_messages;
    gint64 first_ts_us, last_ts_us; /* capture time of the first and last packet; 0: none */
    GPtrArray *errors;              /* char*, owned: one-line read errors */
    GArray *connections;            /* ScConnFacts (klass points to static strings, flow NULL) */
    GArray *flows;                  /* ScReportFlow, by connection id */
    GArray *findings;               /* ScReportFinding */
    gboolean usable;                /* at least the file header could be read */
    /* --ring: the files read as this one capture, in order, and the frame number each one's
     * first packet got (frames count on across them); empty otherwise. */
    GPtrArray *parts;          /* char*, owned */
    GArray *parts_first_frame; /* guint32 */
} ScFileReport;

typedef struct {
    GPtrArray *files; /* ScFileReport*, owned */
} ScReport;

ScReport *sc_report_new (void);
void sc_report_free (ScReport *report);

/* Returns: (transfer none): a new file entry owned by @report. */
ScFileReport *sc_report_add_file (ScReport *report, const char *path);

/* Sink callbacks that append to an ScFileReport (pass it as the sink's user data). */
void sc_report_sink (ScSink *sink);

/* Orders findings by first frame then rule, connections by id. */
void sc_report_sort (ScReport *report);

/* Counts findings of each severity over all files into @counts[ScSeverity]. */
void sc_report_count (const ScReport *report, guint64 counts[3]);

void sc_report_json (const ScReport *report, GString *out);
void sc_report_ndjson (const ScReport *report, GString *out);
void sc_report_text (const ScReport *report, GString *out);
/* The ticket report: summary, then each finding with its rule, frames and message excerpt
 * (findings carry excerpts when the core ran with ScConfig.excerpts). */
void sc_report_markdown (const ScReport *report, GString *out);

/* "2025-11-21T04:40:00.001Z" for @ts_us (UTC). */
void sc_report_format_time (gint64 ts_us, char buf[32]);

G_END_DECLS
