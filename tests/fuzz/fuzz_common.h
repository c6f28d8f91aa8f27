/* fuzz_common.h — what the libFuzzer harnesses share: a core wired to a report, as the audit
 * wires it, so that every input also runs the rules and the report's bookkeeping. */
#pragma once

#include "core.h"
#include "report.h"

#include <stdint.h>
#include <string.h>

#define FUZZ_T0 ((gint64)1700000000 * G_USEC_PER_SEC) /* capture time of the first packet */

typedef struct {
    ScReport *report;
    ScCore *core;
} FuzzAudit;

/* A fresh core reporting into a fresh report (excerpts on: their code runs too). */
static inline void
fuzz_audit_begin (FuzzAudit *a)
{
    ScConfig cfg;
    sc_config_init (&cfg);
    cfg.excerpts = TRUE;
    a->report = sc_report_new ();
    a->report->keep_events = TRUE;
    ScFileReport *f = sc_report_add_file (a->report, "fuzz");
    ScSink sink;
    sc_report_sink (&sink, f);
    a->core = sc_core_new (&cfg, &sink, f);
}

/* Settles the core at @ts_us; with @render, renders every report format too (the whole front
 * end's harness does: the others stay fast on their own layer). */
static inline void
fuzz_audit_end (FuzzAudit *a, gint64 ts_us, gboolean render)
{
    sc_core_finish (a->core, ts_us);
    sc_core_free (a->core);
    if (render) {
        sc_report_sort (a->report);
        GString *out = g_string_new (NULL);
        sc_report_json (a->report, out);
        sc_report_ndjson (a->report, out);
        sc_report_text (a->report, out);
        sc_report_html (a->report, out);
        sc_report_markdown (a->report, out);
        g_string_free (out, TRUE);
    }
    sc_report_free (a->report);
}

static inline ScEndpoint
fuzz_endpoint (guint8 last, guint16 port)
{
    ScEndpoint e;
    memset (&e, 0, sizeof e);
    e.family = 4;
    e.addr[0] = 192;
    e.addr[1] = 0;
    e.addr[2] = 2;
    e.addr[3] = last;
    e.port = port;
    return e;
}
