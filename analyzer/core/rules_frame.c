/* rules_frame.c — FRAME-001 and FRAME-002: message framing (RFC 3261 §18.3, §20.14).
 * FRAME-003 (stray bytes) comes from the front end's framer through sc_core_stream_junk(). */
#include "core_private.h"

void
sc_rules_frame_message (ScCore *core, const ScSipMsg *msg, const ScMsgEvent *ev, ScConn *conn)
{
    gboolean stream = ev->transport == SC_TRANSPORT_TCP || ev->transport == SC_TRANSPORT_TLS;
    guint32 frames[] = {ev->frame, ev->cut_frame};
    /* Built only when something is reported: this runs for every message. */
    char what[48];
    if (msg->is_request)
        g_snprintf (what, sizeof what, "%.*s", (int)MIN (msg->method.len, 32), msg->method.p);
    else
        g_snprintf (what, sizeof what, "%u response", msg->status);

    if (stream && !msg->has_content_length)
        sc_core_report (core, SC_RULE_FRAME_001, conn, ev->ts_us, 1, frames,
                        "%s over %s without Content-Length (taken as having no body)", what,
                        sc_transport_name (ev->transport));

    if (stream && ev->stream_cut) {
        sc_core_report (core, SC_RULE_FRAME_002, conn, ev->ts_us, 2, frames,
                        "%s announced Content-Length %" G_GUINT64_FORMAT
                        " but the sender closed after %" G_GSIZE_FORMAT " body bytes",
                        what, msg->content_length, msg->body_len);
    } else if (!stream && !ev->captured_short && msg->content_length_valid &&
               msg->body_len < msg->content_length) {
        sc_core_report (core, SC_RULE_FRAME_002, conn, ev->ts_us, 1, frames,
                        "%s announced Content-Length %" G_GUINT64_FORMAT
                        " but the datagram holds %" G_GSIZE_FORMAT " body bytes",
                        what, msg->content_length, msg->body_len);
    }
}
