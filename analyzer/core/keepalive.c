/* keepalive.c — CRLF keep-alives on streams (RFC 5626 §3.5.1, §4.4.1): a run of an even number
 * (two or more) of CRLFs from one side is a ping; a single CRLF from the other side after it is
 * its pong; anything else is unsolicited (RFC 3261 §7.5 lets receivers ignore it). Facts only:
 * the KA rules that judge them come with outbound flow state. */
#include "core_private.h"

void
sc_core_stream_crlf (ScCore *core, ScConn *conn, gboolean from_a, gsize count, guint32 frame,
                     gint64 ts_us)
{
    if (conn->id == 0)
        return; /* not a SIP stream (yet): CRLFs mean nothing here */
    int me = from_a ? 0 : 1, peer = 1 - me;
    gsize pairs = count / 2;
    ScKeepaliveFacts ka = {.frame = frame,
                           .conn_id = conn->id,
                           .kind = "crlf-unsolicited",
                           .interval_us = -1,
                           .latency_us = -1};
    if (count % 2 == 0 && pairs >= 2 && pairs % 2 == 0) {
        ka.kind = "crlf-ping";
        if (conn->last_ping_frame[me])
            ka.interval_us = ts_us - conn->last_ping_ts_us[me];
        conn->last_ping_ts_us[me] = ts_us;
        conn->last_ping_frame[me] = frame;
        conn->ping_pending[me] = TRUE;
        ka.counted = TRUE;
    } else if (count == 2 && conn->ping_pending[peer]) {
        ka.kind = "crlf-pong";
        ka.latency_us = ts_us - conn->last_ping_ts_us[peer];
        ka.ping_frame = conn->last_ping_frame[peer];
        conn->ping_pending[peer] = FALSE;
        ka.counted = TRUE;
    }
    if (ka.counted)
        conn->keepalives++;
    sc_conn_touch (conn, frame, ts_us);
    if (core->sink.keepalive)
        core->sink.keepalive (&ka, core->user);
}
