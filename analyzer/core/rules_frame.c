/* rules_frame.c — FRAME-001 and FRAME-002: message framing (RFC 3261 §18.3, §20.14).
 * FRAME-003 (stray bytes) comes from the front end's framer through sc_core_stream_junk(). */
#include "core_private.h"

/* "INVITE" or "200 response", for a finding's text; called only when one is reported. */
static const char *
describe (const ScSipMsg *msg, char buf[48])
{
    if (msg->is_request)
        g_snprintf (buf, 48, "%.*s", (int)MIN (msg->method.len, 32), msg->method.p);
    else
        g_snprintf (buf, 48, "%u response", msg->status);
    return buf;
}

void
sc_rules_frame_message (ScCore *core, const ScSipMsg *msg, const ScMsgEvent *ev, ScConn *conn)
{
    gboolean stream = ev->transport == SC_TRANSPORT_TCP || ev->transport == SC_TRANSPORT_TLS;
    guint32 frames[] = {ev->frame, ev->cut_frame};
    char what[48];

    if (stream && !msg->has_content_length)
        sc_core_report (core, SC_RULE_FRAME_001, conn, ev->ts_us, 1, frames,
                        "%s over %s without Content-Length (taken as having no body)",
                        describe (msg, what), sc_transport_name (ev->transport));

    if (stream && ev->stream_cut) {
        sc_core_report (core, SC_RULE_FRAME_002, conn, ev->ts_us, 2, frames,
                        "%s announced Content-Length %" G_GUINT64_FORMAT
                        " but the sender closed after %" G_GSIZE_FORMAT " body bytes",
                        describe (msg, what), msg->content_length, msg->body_len);
    } else if (!stream && !ev->captured_short && msg->content_length_valid &&
               msg->body_len < msg->content_length) {
        sc_core_report (core, SC_RULE_FRAME_002, conn, ev->ts_us, 1, frames,
                        "%s announced Content-Length %" G_GUINT64_FORMAT
                        " but the datagram holds %" G_GSIZE_FORMAT " body bytes",
                        describe (msg, what), msg->content_length, msg->body_len);
    }
}
