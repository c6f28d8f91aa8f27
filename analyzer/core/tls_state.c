/* tls_state.c — a stream's TLS handshake as the capture shows it in clear (RFC 5246 §7.3,
 * RFC 8446 §2): who is the client, versions, SNI, resumption, whether the server asked for a
 * client certificate and whether the client sent one (RFC 5923 §9.2 makes aliasing depend on
 * it), and how many records stay opaque. */
#include "core_private.h"
#include "tls.h"

#include <string.h>

#define SC_TLS13 0x0304

void
sc_tls_state_free (ScTlsState *tls)
{
    if (!tls)
        return;
    g_free (tls->server_name);
    g_free (tls);
}

/* The connection's TLS state; TLS to or from a SIP port (5061 by default) is listed as a SIP
 * connection from its first record on, though its SIP cannot be read. */
static ScTlsState *
tls_of (ScCore *core, ScConn *conn)
{
    conn->transport = SC_TRANSPORT_TLS;
    if (conn->id == 0 && (sc_config_is_sip_port (&core->cfg, conn->a.port) ||
                          sc_config_is_sip_port (&core->cfg, conn->b.port)))
        conn->id = ++core->next_conn_id;
    if (!conn->tls) {
        conn->tls = g_new0 (ScTlsState, 1);
        conn->tls->client = -1;
    }
    return conn->tls;
}

void
sc_core_tls_handshake (ScCore *core, ScConn *conn, gboolean from_a, const guint8 *msg, gsize len,
                       guint32 frame, gint64 ts_us)
{
    sc_core_advance_clock (core, ts_us);
    ScTlsState *t = tls_of (core, conn);
    int side = from_a ? 0 : 1;
    ScTlsHandshake h;
    if (!sc_tls_parse_handshake (msg, len, t->version == SC_TLS13, &h))
        return;
    switch (h.type) {
    case SC_TLS_CLIENT_HELLO:
        if (t->client_hello_frame)
            return; /* a second ClientHello (after HelloRetryRequest): the first one stands */
        t->client = side;
        t->client_hello_frame = frame;
        t->offered_version = h.version;
        memcpy (t->client_session_id, h.session_id, h.session_id_len);
        t->client_session_id_len = h.session_id_len;
        if (h.server_name[0])
            t->server_name = g_strdup (h.server_name);
        break;
    case SC_TLS_SERVER_HELLO:
        if (t->server_hello_frame || side == t->client)
            return;
        t->server_hello_frame = frame;
        t->version = h.version;
        /* RFC 5246 §7.4.1.3: the server echoes the session ID it resumes. TLS 1.3 echoes it
         * always (legacy_session_id_echo), so there only PSK tells, and that is not read. */
        t->resumed = h.version < SC_TLS13 && h.session_id_len > 0 &&
                     h.session_id_len == t->client_session_id_len &&
                     memcmp (h.session_id, t->client_session_id, h.session_id_len) == 0;
        break;
    case SC_TLS_CERTIFICATE_REQUEST:
        if (side != t->client && !t->cert_request_frame)
            t->cert_request_frame = frame;
        break;
    case SC_TLS_SERVER_HELLO_DONE:
        if (side != t->client && !t->server_done_frame)
            t->server_done_frame = frame;
        break;
    case SC_TLS_FINISHED:
        /* Only read when decrypted. TLS 1.3: the server's Finished ends its flight (no
         * CertificateRequest by then: none was sent); the client's ends its own. */
        if (t->version == SC_TLS13 && side != t->client && !t->server_done_frame)
            t->server_done_frame = frame;
        else if (t->version == SC_TLS13 && side == t->client && !t->client_finished_frame)
            t->client_finished_frame = frame;
        break;
    case SC_TLS_CERTIFICATE:
        if (side == t->client && t->client >= 0 && !t->client_cert_frame) {
            t->client_cert_frame = frame;
            t->client_cert_empty = h.certificate_list_empty;
        }
        break;
    default:
        break;
    }
}

void
sc_core_tls_decryption (ScCore *core, ScConn *conn, const char *status)
{
    tls_of (core, conn)->decryption = status;
}

void
sc_core_tls_record (ScCore *core, ScConn *conn, gboolean from_a, guint8 content_type, gsize len,
                    guint32 frame, gint64 ts_us)
{
    sc_core_advance_clock (core, ts_us);
    ScTlsState *t = tls_of (core, conn);
    int side = from_a ? 0 : 1;
    conn->bytes_from[side] += len;
    if (content_type == SC_TLS_CHANGE_CIPHER_SPEC) {
        if (!t->ccs_frame[side])
            t->ccs_frame[side] = frame;
    } else if (content_type == SC_TLS_APPLICATION_DATA ||
               (content_type != SC_TLS_ALERT && t->ccs_frame[side])) {
        t->opaque_records[side]++; /* sent under the negotiated keys */
    }
}

int
sc_tls_state_cert_requested (const ScTlsState *t)
{
    if (t->cert_request_frame)
        return 1;
    if (t->version == SC_TLS13)
        return t->server_done_frame ? 0 : -1; /* decrypted, or encrypted and unknown */
    if (t->resumed || !t->server_hello_frame)
        return -1; /* encrypted (1.3), not part of an abbreviated handshake, or not captured */
    return t->server_done_frame ? 0 : -1;
}

const char *
sc_tls_state_client_cert (const ScTlsState *t)
{
    if (t->client_cert_frame)
        return t->client_cert_empty ? "empty" : "sent";
    int requested = sc_tls_state_cert_requested (t);
    if (requested == 0)
        return "none"; /* RFC 5246 §7.4.6: a client sends one only when asked */
    if (requested == 1 && t->version != SC_TLS13 && t->client >= 0 && t->ccs_frame[t->client])
        return "none"; /* asked, and went on to ChangeCipherSpec without one */
    if (requested == 1 && t->version == SC_TLS13 && t->client_finished_frame)
        return "none"; /* asked, and finished without one (decrypted) */
    return NULL;
}
