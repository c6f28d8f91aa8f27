/* rules.h — the rule registry (expanded from rules.def) and findings. */
#pragma once

#include "sc_types.h"

G_BEGIN_DECLS

typedef enum {
    SC_SEVERITY_INFO = 0,
    SC_SEVERITY_WARNING = 1,
    SC_SEVERITY_ERROR = 2,
} ScSeverity;

typedef enum {
#define SC_RULE(sym, id, sev, ref, title, impl) SC_RULE_##sym,
#include "rules.def"
#undef SC_RULE
    SC_RULE_COUNT
} ScRuleId;

typedef struct {
    const char *id; /* "SYM-001" */
    ScSeverity severity;
    const char *reference; /* "RFC 3581 §4" */
    const char *title;
    gboolean implemented;
} ScRuleInfo;

/* Returns: (transfer none): the static registry row for @rule. */
const ScRuleInfo *sc_rule_info (ScRuleId rule);

/* Looks up an ID string ("SYM-001", case-insensitive); FALSE if unknown. */
gboolean sc_rule_from_id (const char *id, ScRuleId *out);

const char *sc_severity_name (ScSeverity s); /* "error", "warning", "info" */
gboolean sc_severity_parse (const char *name, ScSeverity *out);

#define SC_FINDING_MAX_FRAMES 4

/* A finding as the core reports it. Frames are Wireshark frame numbers; frames[0] is the
 * offending packet, the others its evidence. The message is owned by the core and valid only
 * during the sink callback: copy what you keep. */
typedef struct {
    ScRuleId rule;
    guint32 frames[SC_FINDING_MAX_FRAMES];
    guint n_frames;
    gint64 ts_us;  /* capture time of frames[0], µs since the epoch */
    guint conn_id; /* connection / UDP flow id of frames[0]; 0 when none */
    const char *message;
    /* The offending message's start line and the headers the rules read (one per line), when
     * frames[0] is a SIP message; NULL otherwise. Valid during the callback only. */
    const char *excerpt;
} ScFinding;

G_END_DECLS
