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

/* One SIP message or keep-alive of a connection or flow, kept (only when the report asks for
 * them, see ScReport.keep_events) for the HTML report's ladders and timelines. */
typedef enum {
    SC_EVENT_REQUEST,
    SC_EVENT_RESPONSE,
    SC_EVENT_KEEPALIVE,
} ScReportEventKind;

typedef struct {
    guint conn_id;
    guint32 frame;
    gint64 ts_us; /* capture time, µs since the epoch */
    ScReportEventKind kind;
    gboolean from_a;    /* sent by endpoint a of the connection (ScConnFacts.a) */
    guint status;       /* responses */
    guint32 ref_frame;  /* responses: the request's frame; pongs and STUN answers: the ping's or
                           request's frame; 0 when none */
    gint64 latency_us;  /* pongs and STUN answers: since their ping; -1 otherwise */
    guint32 interval_s; /* keep-alives: the interval in force (Flow-Timer, else keep); 0: none */
    gboolean counted;   /* keep-alives: a ping or its answer (not an unsolicited CRLF) */
    char label[24];     /* the method (responses: the CSeq method) or the keep-alive kind,
                           cut to fit */
} ScReportEvent;

/* Events kept per file at most: beyond it they are counted in events_dropped (a report of a
 * long capture then draws its beginning; memory stays bounded). */
#define SC_REPORT_EVENTS_MAX 250000

/* A count of what reading the capture met or gave up on (malformed packets, state evicted to
 * respect a cap, fragments that never completed...): facts, never silent. */
typedef struct {
    const char *name; /* static: the JSON key */
    guint64 value;
} ScReportCount;

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
    GArray *counts;            /* ScReportCount, in the order added */
    GArray *events;            /* ScReportEvent in the order seen; NULL unless kept */
    guint64 events_dropped;    /* events beyond SC_REPORT_EVENTS_MAX */
} ScFileReport;

typedef struct {
    GPtrArray *files;     /* ScFileReport*, owned */
    gboolean keep_events; /* files added from now on keep their events (the HTML report) */
} ScReport;

/* What the ticket reports open with, summed over all files. */
typedef struct {
    guint files;
    guint64 packets, sip_messages;
    gint64 first_ts_us, last_ts_us;      /* 0 when no packet had a time */
    guint conns[SC_TRANSPORT_OTHER + 1]; /* connections and flows by transport */
    guint flows;                         /* with keep-alive or outbound state */
    guint64 per_rule[SC_RULE_COUNT];
    guint64 per_severity[3];
} ScReportSummary;

void sc_report_summarize (const ScReport *report, ScReportSummary *sum);

ScReport *sc_report_new (void);
void sc_report_free (ScReport *report);

/* Returns: (transfer none): a new file entry owned by @report. */
ScFileReport *sc_report_add_file (ScReport *report, const char *path);

/* Adds the count @name (static string) = @value to @f. */
void sc_report_add_count (ScFileReport *f, const char *name, guint64 value);

/* Sink callbacks that append to @f (pass it as the sink's user data). The per-message and
 * keep-alive callbacks are set only when @f keeps events: the core then builds no facts that
 * nobody would read, for every message of the capture. */
void sc_report_sink (ScSink *sink, const ScFileReport *f);

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
/* The same as one self-contained HTML page (inline CSS and SVG, no script), with a ladder
 * diagram per connection or flow and a keep-alive timeline per flow with keep-alives. Draws
 * from the files' events (ScReport.keep_events must have been set before they were added). */
void sc_report_html (const ScReport *report, GString *out);

/* "2025-11-21T04:40:00.001Z" for @ts_us (UTC). */
void sc_report_format_time (gint64 ts_us, char buf[32]);

G_END_DECLS
