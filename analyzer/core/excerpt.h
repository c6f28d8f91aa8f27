/* excerpt.h — the few lines of a SIP message a person needs next to a finding: the start line
 * and the headers the rules read (Via, Contact, Route, Record-Route, Path, CSeq, Require,
 * Supported, Flow-Timer, Expires, Content-Length), in message order. */
#pragma once

#include <glib.h>

/* Appends the excerpt of the message at @msg (@len bytes, borrowed) to @out: at most
 * SC_EXCERPT_MAX_LINES lines of at most SC_EXCERPT_MAX_LINE bytes (longer ones end in "..."),
 * each ended by "\n"; folded continuation lines are left out. */
#define SC_EXCERPT_MAX_LINES 12
#define SC_EXCERPT_MAX_LINE 160
void sc_sip_excerpt (const char *msg, gsize len, GString *out);
