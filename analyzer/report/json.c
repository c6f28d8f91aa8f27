/* json.c — the JSON document and NDJSON lines of CONTRACT.md ("sipconn-audit/1"). */
#include "report.h"

static void
json_string (GString *out, const char *s)
{
    g_string_append_c (out, '"');
    for (const guchar *p = (const guchar *)s; *p; p++) {
        switch (*p) {
        case '"':
            g_string_append (out, "\\\"");
            break;
        case '\\':
            g_string_append (out, "\\\\");
            break;
        case '\n':
            g_string_append (out, "\\n");
            break;
        case '\r':
            g_string_append (out, "\\r");
            break;
        case '\t':
            g_string_append (out, "\\t");
            break;
        default:
            if (*p < 0x20)
                g_string_append_printf (out, "\\u%04x", *p);
            else
                g_string_append_c (out, (gchar)*p);
        }
    }
    g_string_append_c (out, '"');
}

/* Paths and messages may carry bytes that are not UTF-8 (file names, packet data). */
static void
json_text (GString *out, const char *s)
{
    if (g_utf8_validate (s, -1, NULL)) {
        json_string (out, s);
        return;
    }
    g_autofree char *valid = g_utf8_make_valid (s, -1);
    json_string (out, valid);
}

/* @lit then @v: ", \"frame\": " 12. Numbers are written without printf: a capture of 10 000
 * flows has a hundred thousand of them, and the format parsing cost more than the rest. */
static void
json_field_uint (GString *out, const char *lit, guint64 v)
{
    g_string_append (out, lit);
    sc_string_append_uint (out, v);
}

/* A duration in µs as seconds with six decimals ("%.6f" of us / 1e6, exactly). */
static void
json_seconds (GString *out, gint64 us)
{
    if (us < 0) {
        g_string_append_c (out, '-');
        us = -us;
    }
    sc_string_append_uint (out, (guint64)us / G_USEC_PER_SEC);
    char frac[7];
    guint64 rem = (guint64)us % G_USEC_PER_SEC;
    for (int i = 5; i >= 0; i--, rem /= 10)
        frac[i + 1] = (char)('0' + rem % 10);
    frac[0] = '.';
    g_string_append_len (out, frac, 7);
}

/* A side's count pair: {"a": N, "b": N}. */
static void
per_side_json (GString *out, const char *name, guint64 from_a, guint64 from_b)
{
    g_string_append (out, ", \"");
    g_string_append (out, name);
    json_field_uint (out, "\": {\"a\": ", from_a);
    json_field_uint (out, ", \"b\": ", from_b);
    g_string_append_c (out, '}');
}

static void json_nullable (GString *out, const char *s);

/* "tls": the handshake as seen in clear; null where it cannot be told. */
static void
tls_json (GString *out, const ScTlsFacts *t)
{
    g_string_append (out, ", \"tls\": {\"version\": ");
    json_nullable (out, t->version);
    g_string_append (out, ", \"offered_version\": ");
    json_nullable (out, t->offered_version);
    g_string_append (out, ", \"server_name\": ");
    json_nullable (out, t->server_name);
    json_field_uint (out, ", \"client_hello_frame\": ", t->client_hello_frame);
    json_field_uint (out, ", \"server_hello_frame\": ", t->server_hello_frame);
    g_string_append (out, t->resumed ? ", \"resumed\": true" : ", \"resumed\": false");
    g_string_append (out, t->certificate_requested < 0    ? ", \"certificate_requested\": null"
                          : t->certificate_requested == 1 ? ", \"certificate_requested\": true"
                                                          : ", \"certificate_requested\": false");
    g_string_append (out, ", \"client_certificate\": ");
    json_nullable (out, t->client_certificate);
    per_side_json (out, "opaque_records_from", t->opaque_records_from[0],
                   t->opaque_records_from[1]);
    g_string_append (out, ", \"decryption\": ");
    json_nullable (out, t->decryption);
    g_string_append (out, "}");
}

static void
connection_json (GString *out, const ScConnFacts *c)
{
    char ep[SC_ENDPOINT_STRLEN];
    json_field_uint (out, "{\"id\": ", c->id);
    g_string_append (out, ", \"transport\": \"");
    g_string_append (out, sc_transport_name (c->transport));
    g_string_append (out, "\", \"a\": \"");
    g_string_append (out, sc_endpoint_format (&c->a, ep));
    g_string_append (out, "\", \"b\": \"");
    g_string_append (out, sc_endpoint_format (&c->b, ep));
    g_string_append (out, c->initiator == SC_INITIATOR_A ? "\", \"initiator\": \"a\""
                                                         : "\", \"initiator\": \"unknown\"");
    json_field_uint (out, ", \"first_frame\": ", c->first_frame);
    json_field_uint (out, ", \"last_frame\": ", c->last_frame);
    g_string_append (out, ", \"class\": \"");
    g_string_append (out, c->klass);
    json_field_uint (out, "\", \"messages\": ", c->messages);
    json_field_uint (out, ", \"keepalives\": ", c->keepalives);
    json_field_uint (out, ", \"requests_from_a\": ", c->requests_from_a);
    json_field_uint (out, ", \"requests_from_b\": ", c->requests_from_b);
    per_side_json (out, "messages_from", c->messages_from[0], c->messages_from[1]);
    per_side_json (out, "bytes_from", c->bytes_from[0], c->bytes_from[1]);
    per_side_json (out, "transactions_from", c->transactions_from[0], c->transactions_from[1]);
    if (c->tls)
        tls_json (out, c->tls);
    g_string_append (out, ", \"end\": ");
    const char *kind = sc_conn_end_kind (c);
    if (!kind) {
        g_string_append (out, "null}");
        return;
    }
    g_string_append (out, "{\"kind\": \"");
    g_string_append (out, kind);
    g_string_append_c (out, '"');
    if (c->closed) {
        json_field_uint (out, ", \"frame\": ", c->close_frame);
        g_string_append (out, c->close_frame_from[0] == c->close_frame ? ", \"by\": \"a\""
                                                                       : ", \"by\": \"b\"");
    }
    g_string_append (out, "}}");
}

static void
json_nullable (GString *out, const char *s)
{
    if (s)
        json_text (out, s);
    else
        g_string_append (out, "null");
}

/* {"min": s, "median": s, "max": s} in seconds, or null without samples. */
static void
stats_json (GString *out, const gint64 us[3])
{
    if (us[0] < 0) {
        g_string_append (out, "null");
        return;
    }
    g_string_append (out, "{\"min\": ");
    json_seconds (out, us[0]);
    g_string_append (out, ", \"median\": ");
    json_seconds (out, us[1]);
    g_string_append (out, ", \"max\": ");
    json_seconds (out, us[2]);
    g_string_append_c (out, '}');
}

static void
flow_json (GString *out, const ScReportFlow *f)
{
    json_field_uint (out, "{\"connection\": ", f->conn_id);
    g_string_append (out, ", \"transport\": \"");
    g_string_append (out, sc_transport_name (f->transport));
    g_string_append (out, "\", \"aor\": ");
    json_nullable (out, f->aor);
    g_string_append (out, ", \"instance\": ");
    json_nullable (out, f->instance);
    if (f->instance)
        json_field_uint (out, ", \"reg_id\": ", f->reg_id);
    else
        g_string_append (out, ", \"reg_id\": null");
    g_string_append (out, ", \"token\": ");
    json_nullable (out, f->token);
    json_field_uint (out, ", \"timer_s\": ", f->timer_s);
    g_string_append (out, ", \"timer_source\": \"");
    g_string_append (out, f->timer_source);
    json_field_uint (out, "\", \"keepalives\": ", f->keepalives);
    g_string_append (out, ", \"interval_s\": ");
    stats_json (out, f->interval_us);
    g_string_append (out, ", \"latency_s\": ");
    stats_json (out, f->latency_us);
    g_string_append (out, ", \"mapped\": [");
    for (guint i = 0; i < f->mappings->len; i++) {
        char ep[SC_ENDPOINT_STRLEN];
        g_string_append (out, i ? ", \"" : "\"");
        g_string_append (out, sc_endpoint_format (&g_array_index (f->mappings, ScEndpoint, i), ep));
        g_string_append_c (out, '"');
    }
    g_string_append (out, "], \"end\": ");
    if (f->closed) {
        json_field_uint (out,
                         f->reset ? "{\"kind\": \"reset\", \"frame\": "
                                  : "{\"kind\": \"closed\", \"frame\": ",
                         f->close_frame);
        g_string_append (out, "}}");
    } else {
        g_string_append (out, f->timed_out ? "{\"kind\": \"timed-out\"}}"
                                           : "{\"kind\": \"capture-end\"}}");
    }
}

static void
finding_json (GString *out, const ScReportFinding *f)
{
    const ScRuleInfo *info = sc_rule_info (f->rule);
    char when[32];
    sc_report_format_time (f->ts_us, when);
    g_string_append (out, "{\"rule\": \"");
    g_string_append (out, info->id);
    g_string_append (out, "\", \"severity\": \"");
    g_string_append (out, sc_severity_name (info->severity));
    g_string_append (out, "\", \"frames\": [");
    for (guint i = 0; i < f->n_frames; i++)
        json_field_uint (out, i ? ", " : "", f->frames[i]);
    g_string_append (out, "], \"time\": \"");
    g_string_append (out, when);
    g_string_append (out, "\", \"connection\": ");
    if (f->conn_id)
        sc_string_append_uint (out, f->conn_id);
    else
        g_string_append (out, "null");
    g_string_append (out, ", \"reference\": ");
    json_string (out, info->reference);
    g_string_append (out, ", \"message\": ");
    json_text (out, f->message);
    g_string_append_c (out, '}');
}

static void
file_head_json (GString *out, const ScFileReport *f)
{
    g_string_append (out, "\"path\": ");
    json_text (out, f->path);
    g_string_append_printf (out,
                            ", \"packets\": %" G_GUINT64_FORMAT
                            ", \"sip_messages\": %" G_GUINT64_FORMAT ", \"errors\": [",
                            f->packets, f->sip_messages);
    for (guint i = 0; i < f->errors->len; i++) {
        if (i)
            g_string_append (out, ", ");
        json_text (out, f->errors->pdata[i]);
    }
    g_string_append_c (out, ']');
    g_string_append (out, ", \"capture\": {");
    for (guint i = 0; i < f->counts->len; i++) {
        const ScReportCount *c = &g_array_index (f->counts, ScReportCount, i);
        g_string_append (out, i ? ", \"" : "\"");
        g_string_append (out, c->name);
        json_field_uint (out, "\": ", c->value);
    }
    g_string_append_c (out, '}');
    if (f->parts->len) {
        g_string_append (out, ", \"ring\": [");
        for (guint i = 0; i < f->parts->len; i++) {
            g_string_append (out, i ? ", {\"path\": " : "{\"path\": ");
            json_text (out, f->parts->pdata[i]);
            g_string_append_printf (out, ", \"first_frame\": %u}",
                                    g_array_index (f->parts_first_frame, guint32, i));
        }
        g_string_append_c (out, ']');
    }
}

void
sc_report_json (const ScReport *report, GString *out)
{
    g_string_append (out, "{\n  \"schema\": \"sipconn-audit/1\",\n  \"tool\": {\"name\": "
                          "\"sipconn-audit\", \"version\": \"" SIPCONN_VERSION "\"},\n"
                          "  \"files\": [");
    guint64 packets = 0, messages = 0;
    for (guint i = 0; i < report->files->len; i++) {
        const ScFileReport *f = report->files->pdata[i];
        packets += f->packets;
        messages += f->sip_messages;
        g_string_append (out, i ? ",\n    {" : "\n    {");
        file_head_json (out, f);
        g_string_append (out, ",\n      \"connections\": [");
        for (guint j = 0; j < f->connections->len; j++) {
            g_string_append (out, j ? ",\n        " : "\n        ");
            connection_json (out, &g_array_index (f->connections, ScConnFacts, j));
        }
        g_string_append (out, f->connections->len ? "\n      ],\n" : "],\n");
        g_string_append (out, "      \"flows\": [");
        for (guint j = 0; j < f->flows->len; j++) {
            g_string_append (out, j ? ",\n        " : "\n        ");
            flow_json (out, &g_array_index (f->flows, ScReportFlow, j));
        }
        g_string_append (out, f->flows->len ? "\n      ],\n" : "],\n");
        g_string_append (out, "      \"findings\": [");
        for (guint j = 0; j < f->findings->len; j++) {
            g_string_append (out, j ? ",\n        " : "\n        ");
            finding_json (out, &g_array_index (f->findings, ScReportFinding, j));
        }
        g_string_append (out, f->findings->len ? "\n      ]\n    }" : "]\n    }");
    }
    guint64 counts[3];
    sc_report_count (report, counts);
    g_string_append_printf (
        out,
        "%s],\n  \"totals\": {\"files\": %u, \"packets\": %" G_GUINT64_FORMAT
        ", \"sip_messages\": %" G_GUINT64_FORMAT ", \"error\": %" G_GUINT64_FORMAT
        ", \"warning\": %" G_GUINT64_FORMAT ", \"info\": %" G_GUINT64_FORMAT "}\n}\n",
        report->files->len ? "\n  " : "", report->files->len, packets, messages,
        counts[SC_SEVERITY_ERROR], counts[SC_SEVERITY_WARNING], counts[SC_SEVERITY_INFO]);
}

void
sc_report_ndjson (const ScReport *report, GString *out)
{
    for (guint i = 0; i < report->files->len; i++) {
        const ScFileReport *f = report->files->pdata[i];
        g_string_append (out, "{\"type\": \"file\", ");
        file_head_json (out, f);
        g_string_append (out, "}\n");
        for (guint j = 0; j < f->connections->len; j++) {
            g_string_append (out, "{\"type\": \"connection\", \"file\": ");
            json_text (out, f->path);
            g_string_append (out, ", \"connection\": ");
            connection_json (out, &g_array_index (f->connections, ScConnFacts, j));
            g_string_append (out, "}\n");
        }
        for (guint j = 0; j < f->flows->len; j++) {
            g_string_append (out, "{\"type\": \"flow\", \"file\": ");
            json_text (out, f->path);
            g_string_append (out, ", \"flow\": ");
            flow_json (out, &g_array_index (f->flows, ScReportFlow, j));
            g_string_append (out, "}\n");
        }
        for (guint j = 0; j < f->findings->len; j++) {
            g_string_append (out, "{\"type\": \"finding\", \"file\": ");
            json_text (out, f->path);
            g_string_append (out, ", \"finding\": ");
            finding_json (out, &g_array_index (f->findings, ScReportFinding, j));
            g_string_append (out, "}\n");
        }
    }
}
