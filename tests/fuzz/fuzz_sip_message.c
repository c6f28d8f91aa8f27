/* fuzz_sip_message.c — the SIP message parser and everything a message goes through in the core:
 * framing helpers, the parser, then the rules as a UDP datagram and as a message on a stream. */
#include "fuzz_common.h"
#include "sip_msg.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    ScSipMsg msg;
    sc_sip_parse (text, size, &msg);
    guint64 cl;
    gboolean valid;
    sc_sip_find_content_length (text, size, &cl, &valid);
    sc_sip_headers_end (text, size);
    sc_sip_message_is_cut (text, size);
    sc_sip_start_line_len (text, size);

    FuzzAudit a;
    fuzz_audit_begin (&a);
    ScEndpoint ua = fuzz_endpoint (5, 40001), proxy = fuzz_endpoint (1, 5060);
    gint64 t = FUZZ_T0;
    ScMsgEvent ev = {.frame = 1,
                     .ts_us = t,
                     .transport = SC_TRANSPORT_UDP,
                     .src = ua,
                     .dst = proxy,
                     .wire_len = size};
    sc_core_sip_message (a.core, &ev, text, size);
    ev.frame = 2;
    ev.src = proxy;
    ev.dst = ua;
    ev.ts_us += 1000;
    sc_core_sip_message (a.core, &ev, text, size); /* the same bytes the other way */
    ScConn *conn =
        sc_core_stream_open (a.core, SC_TRANSPORT_TCP, &ua, &proxy, SC_INITIATOR_A, 3, t + 2000);
    ScMsgEvent sev = {.frame = 4,
                      .ts_us = t + 3000,
                      .transport = SC_TRANSPORT_TCP,
                      .src = proxy,
                      .dst = ua,
                      .conn = conn,
                      .from_a = FALSE,
                      .wire_len = size};
    sc_core_sip_message (a.core, &sev, text, size);
    sc_core_stream_close (a.core, conn, TRUE, FALSE, 5, t + 4000);
    sc_core_stream_release (a.core, conn);
    fuzz_audit_end (&a, t + 100 * G_USEC_PER_SEC, FALSE);
    return 0;
}
