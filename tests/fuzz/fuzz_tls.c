/* fuzz_tls.c — the TLS record reader and handshake parser: the input is one side's stream bytes,
 * cut in two at a point its first byte chooses, then read as single handshake messages in both
 * TLS 1.2 and TLS 1.3 form. */
#include "fuzz_common.h"
#include "tls.h"
#include "tls_records.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    ScTlsHandshake hs;
    sc_tls_parse_handshake (data, size, FALSE, &hs);
    sc_tls_parse_handshake (data, size, TRUE, &hs);
    if (size < 1)
        return 0;
    FuzzAudit a;
    fuzz_audit_begin (&a);
    ScEndpoint ua = fuzz_endpoint (5, 40001), tls = fuzz_endpoint (1, 5061);
    gint64 t = FUZZ_T0;
    ScConn *conn = sc_core_stream_open (a.core, SC_TRANSPORT_TCP, &ua, &tls, SC_INITIATOR_A, 1, t);
    ScTlsRecords client = {0}, server = {0};
    gsize cut = size > 1 ? 1 + data[0] % (size - 1) : 1;
    sc_tls_records_feed (&client, a.core, conn, TRUE, data + 1, cut - 1, 2, t + 1);
    sc_tls_records_feed (&client, a.core, conn, TRUE, data + cut, size - cut, 3, t + 2);
    sc_tls_records_feed (&server, a.core, conn, FALSE, data + 1, size - 1, 4, t + 3);
    sc_tls_records_clear (&client);
    sc_tls_records_clear (&server);
    sc_core_stream_release (a.core, conn);
    fuzz_audit_end (&a, t + G_USEC_PER_SEC, FALSE);
    return 0;
}
