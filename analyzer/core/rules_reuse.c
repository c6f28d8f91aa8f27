/* rules_reuse.c — connection reuse (RFC 5923). REUSE-001: `alias` offered outside TLS, where
 * RFC 5923 defines no aliasing and servers that honour it alias an unauthenticated connection. */
#include "core_private.h"

void
sc_rules_reuse_request (ScCore *core, const ScSipMsg *msg, const ScMsgEvent *ev, ScConn *conn)
{
    if (msg->via_count == 0 || !msg->vias[0].valid || !msg->vias[0].has_alias)
        return;
    if (conn->transport == SC_TRANSPORT_TLS || conn->reuse001_done)
        return;                 /* alias in (decrypted) TLS is what RFC 5923 defines */
    conn->reuse001_done = TRUE; /* once per flow */
    sc_core_report (core, SC_RULE_REUSE_001, conn, ev->ts_us, 1, &ev->frame,
                    "%.*s offers alias in its top Via over %s (RFC 5923 defines connection "
                    "aliasing for TLS only)",
                    (int)MIN (msg->method.len, 32), msg->method.p,
                    conn->transport == SC_TRANSPORT_UDP ? "UDP" : "cleartext TCP");
}
