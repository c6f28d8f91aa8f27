/* sip_msg.h — the parts of a SIP message the rules read (RFC 3261 §7, §20, §25).
 *
 * sc_sip_parse() fills an ScSipMsg with views (ScStrView) into the caller's buffer: nothing is
 * allocated, so the message is valid only while that buffer is. Header names match
 * case-insensitively, compact forms included (v, i, l, m, f, t, k).
 */
#pragma once

#include "sc_types.h"

G_BEGIN_DECLS

#define SC_SIP_MAX_VIAS 8 /* values kept; more are counted in via_count */
#define SC_SIP_MAX_ROUTE_URIS 8
#define SC_SIP_MAX_CONTACTS 4 /* values kept; more are counted in contact_count */

typedef struct {
    gboolean valid;               /* parsed; FALSE for a malformed value */
    ScStrView protocol_transport; /* "UDP", "TCP", "TLS", "WS", ... as written */
    ScTransport transport;
    ScStrView host; /* sent-by host, IPv6 without brackets */
    guint16 port;   /* sent-by port; 0 when absent */
    gboolean host_is_ip;
    ScEndpoint host_ip; /* valid when host_is_ip (port = sent-by port or 0) */
    ScStrView branch;
    gboolean has_rport;
    gboolean rport_has_value; /* "rport=..." (the value may still be invalid) */
    gboolean rport_valid;     /* the value is a port number 1..65535 */
    ScStrView rport_value;
    guint16 rport;
    gboolean has_received;
    ScStrView received;
    gboolean received_is_ip;
    ScEndpoint received_ip;
    gboolean has_maddr;
    ScStrView maddr;
    gboolean has_alias;
    gboolean has_keep;
    gboolean keep_has_value;
    guint32 keep_s;
} ScVia;

/* A name-addr or addr-spec URI from Route, Record-Route, Path or Contact. */
typedef struct {
    ScStrView uri;  /* the URI without angle brackets */
    ScStrView host; /* host part, IPv6 without brackets */
    guint16 port;   /* 0 when absent */
    gboolean host_is_ip;
    ScStrView user; /* userinfo without password; unset when absent */
    gboolean sips;
    gboolean lr;
    gboolean ob;      /* RFC 5626 "ob" URI parameter */
    ScStrView params; /* the URI parameters (";name=value..."), up to any headers ("?") */
} ScSipUri;

/* One Contact value (RFC 3261 §20.10) with the RFC 5626 parameters (§4.2.1) as written. */
typedef struct {
    gboolean star;   /* "Contact: *" */
    gboolean uri_ok; /* @uri parsed */
    ScSipUri uri;
    ScStrView instance;  /* +sip.instance value without its quotes; unset when absent */
    gboolean has_reg_id; /* reg-id present */
    gboolean reg_id_ok;  /* ... and a number from 1 to 2^31-1 (RFC 5626 §10) */
    guint32 reg_id;
    gboolean has_expires;
    guint32 expires;
} ScSipContact;

typedef struct {
    gboolean is_request;
    ScStrView method; /* request method */
    ScStrView request_uri;
    guint status; /* response status code */

    guint via_count;             /* all Via values seen, may exceed SC_SIP_MAX_VIAS */
    gboolean any_via_keep_value; /* some Via value (any position) has keep=N */

    ScStrView call_id;
    gboolean has_cseq;
    guint32 cseq_number;
    ScStrView cseq_method;
    ScStrView from; /* the From and To header values as written (the last line of each); */
    ScStrView to;   /* sc_sip_tag () reads their tags when a rule needs one */

    gboolean has_content_length;
    gboolean content_length_valid;
    guint64 content_length;

    guint record_route_count;
    guint path_count;
    guint route_count;
    /* Contacts are parsed for requests and REGISTER responses, the messages whose Contacts the
     * rules read (a response to anything else keeps contact_count 0 unless it has more than
     * four Contact header lines). Every message carries one in a dialog; parsing them all
     * was a tenth of the parse. */
    guint contact_count; /* all Contact values seen, may exceed SC_SIP_MAX_CONTACTS */
    ScStrView to_uri;    /* the To header's URI (the AOR of a REGISTER) */
    gboolean has_expires;
    guint32 expires_s;
    gboolean require_outbound;   /* some Require header lists "outbound" */
    gboolean supported_outbound; /* some Supported header lists "outbound" */

    ScStrView require; /* raw values of the first header line of each */
    ScStrView supported;
    gboolean has_flow_timer;
    guint32 flow_timer_s;

    gboolean headers_unterminated; /* the data ended before the empty line */
    gsize header_len;              /* start line + headers + the empty line */
    gsize body_len;                /* bytes present after the headers */

    /* The lists last: sc_sip_parse () zeroes what precedes them, and an element is written
     * whole before its count covers it (read only below MIN (count, its SC_SIP_MAX_*)). Four
     * kilobytes cleared per message were a tenth of the parse. */
    ScVia vias[SC_SIP_MAX_VIAS];
    ScSipUri record_route[SC_SIP_MAX_ROUTE_URIS];
    ScSipUri path[SC_SIP_MAX_ROUTE_URIS];
    ScSipUri route[SC_SIP_MAX_ROUTE_URIS];
    ScSipContact contacts[SC_SIP_MAX_CONTACTS];
} ScSipMsg;

typedef enum {
    SC_SIP_PARSE_OK = 0,
    SC_SIP_PARSE_NOT_SIP,    /* no SIP start line */
    SC_SIP_PARSE_INCOMPLETE, /* start line but no end of headers */
} ScSipParseResult;

/* Parses @len bytes at @buf. The message ends at @len (datagram) — the caller has framed it.
 * @msg's views point into @buf; its lists hold only what their counts say (the rest of each
 * array is left as it was). */
ScSipParseResult sc_sip_parse (const char *buf, gsize len, ScSipMsg *msg);

/* sc_sip_parse () for a caller that has measured the start line already (@start_line_len, from
 * sc_sip_start_line_len (), > 0): the framer, which needs its length first, and the UDP front
 * end, which tells SIP from keep-alives by it. Fills @msg as sc_sip_parse () does when it
 * returns SC_SIP_PARSE_OK; headers_unterminated says the empty line was not within @len. */
void sc_sip_parse_after_start_line (const char *buf, gsize len, gsize start_line_len,
                                    ScSipMsg *msg);

/* Length of a SIP start line at @buf if it is one ("METHOD uri SIP/2.0" or "SIP/2.0 NNN ..."),
 * counting its CRLF; 0 when it is not one, -1 when more bytes are needed to tell. */
gssize sc_sip_start_line_len (const char *buf, gsize len);

/* Offset of the end of headers (after the empty line) or 0 when not found in @len bytes.
 * Accepts CRLF CRLF and, as receivers do, LF LF. */
gsize sc_sip_headers_end (const char *buf, gsize len);

/* Finds the Content-Length (or "l") header in the header block @buf/@len.
 * Returns FALSE when absent; *valid is FALSE when present but not a number. */
gboolean sc_sip_find_content_length (const char *buf, gsize len, guint64 *value, gboolean *valid);

/* TRUE when @len bytes at @buf are the beginning of a SIP message cut short: a start line,
 * complete headers with a valid Content-Length, and fewer body bytes than it announces. Stream
 * front ends ask this when the sender closes (FRAME-002). */
gboolean sc_sip_message_is_cut (const char *buf, gsize len);

/* Parses the Contact values of one header value into @msg (exposed for unit tests). */
void sc_sip_parse_contact_values (ScStrView value, ScSipMsg *msg);

/* Parses the Via values of one header value into @msg (exposed for unit tests). */
void sc_sip_parse_via_values (ScStrView value, ScSipMsg *msg);

/* Parses one URI (e.g. "sip:a@[2001:db8::1]:5070;lr"); FALSE if it has no host. */
gboolean sc_sip_uri_parse (ScStrView uri, ScSipUri *out);

/* Finds parameter @name (case-insensitive) in ";a=b;c" style @params; *value is the value
 * view (unset when the parameter has none). */
gboolean sc_sip_param_find (ScStrView params, const char *name, ScStrView *value);

/* Steps through ";a=b;c" style @params from *@pos (start at 0): the next parameter's @name and
 * @value (unset when it has none; a quoted value keeps its quotes). FALSE at the end. For
 * callers wanting several parameters: one pass instead of one sc_sip_param_find each. */
gboolean sc_sip_param_next (ScStrView params, gsize *pos, ScStrView *name, ScStrView *value);

/* The tag parameter of a From or To header value (after the name-addr's '>' when there is
 * one); unset when absent or without a value. */
ScStrView sc_sip_tag (ScStrView from_or_to);

/* TRUE if @list (comma separated option tags) contains @tag (case-insensitive). */
gboolean sc_sip_tag_list_has (ScStrView list, const char *tag);

G_END_DECLS
