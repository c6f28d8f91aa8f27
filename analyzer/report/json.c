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
    g_autofree char *valid = g_utf8_make_valid (s, -1);
    json_string (out, valid);
}

/* A side's count pair: {"a": N, "b": N}. */
static void
per_side_json (GString *out, const char *name, guint64 from_a, guint64 from_b)
{
    g_string_append_printf (
        out, ", \"%s\": {\"a\": %" G_GUINT64_FORMAT ", \"b\": %" G_GUINT64_FORMAT "}", name, from_a,
        from_b);
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
    g_string_append_printf (out,
                            ", \"client_hello_frame\": %u, \"server_hello_frame\": %u, "
                            "\"resumed\": %s, \"certificate_requested\": %s, "
                            "\"client_certificate\": ",
                            t->client_hello_frame, t->server_hello_frame,
                            t->resumed ? "true" : "false",
                            t->certificate_requested < 0    ? "null"
                            : t->certificate_requested == 1 ? "true"
                                                            : "false");
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
    char a[SC_ENDPOINT_STRLEN], b[SC_ENDPOINT_STRLEN];
    g_string_append_printf (out,
                            "{\"id\": %u, \"transport\": \"%s\", \"a\": \"%s\", \"b\": \"%s\", "
                            "\"initiator\": \"%s\", \"first_frame\": %u, \"last_frame\": %u, "
                            "\"class\": \"%s\", \"messages\": %u, \"keepalives\": %u, "
                            "\"requests_from_a\": %u, \"requests_from_b\": %u",
                            c->id, sc_transport_name (c->transport), sc_endpoint_format (&c->a, a),
                            sc_endpoint_format (&c->b, b),
                            c->initiator == SC_INITIATOR_A ? "a" : "unknown", c->first_frame,
                            c->last_frame, c->klass, c->messages, c->keepalives, c->requests_from_a,
                            c->requests_from_b);
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
    g_string_append_printf (out, "{\"kind\": \"%s\"", kind);
    if (c->closed)
        g_string_append_printf (out, ", \"frame\": %u, \"by\": \"%s\"", c->close_frame,
                                c->close_frame_from[0] == c->close_frame ? "a" : "b");
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
    g_string_append_printf (out, "{\"min\": %.6f, \"median\": %.6f, \"max\": %.6f}",
                            (double)us[0] / G_USEC_PER_SEC, (double)us[1] / G_USEC_PER_SEC,
                            (double)us[2] / G_USEC_PER_SEC);
}

static void
flow_json (GString *out, const ScReportFlow *f)
{
    g_string_append_printf (out,
                            "{\"connection\": %u, \"transport\": \"%s\", \"aor\": ", f->conn_id,
                            sc_transport_name (f->transport));
    json_nullable (out, f->aor);
    g_string_append (out, ", \"instance\": ");
    json_nullable (out, f->instance);
    if (f->instance)
        g_string_append_printf (out, ", \"reg_id\": %u", f->reg_id);
    else
        g_string_append (out, ", \"reg_id\": null");
    g_string_append (out, ", \"token\": ");
    json_nullable (out, f->token);
    g_string_append_printf (out,
                            ", \"timer_s\": %u, \"timer_source\": \"%s\", \"keepalives\": %u, "
                            "\"interval_s\": ",
                            f->timer_s, f->timer_source, f->keepalives);
    stats_json (out, f->interval_us);
    g_string_append (out, ", \"latency_s\": ");
    stats_json (out, f->latency_us);
    g_string_append (out, ", \"mapped\": [");
    for (guint i = 0; i < f->mappings->len; i++) {
        char ep[SC_ENDPOINT_STRLEN];
        g_string_append_printf (
            out, "%s\"%s\"", i ? ", " : "",
            sc_endpoint_format (&g_array_index (f->mappings, ScEndpoint, i), ep));
    }
    g_string_append (out, "], \"end\": ");
    if (f->closed)
        g_string_append_printf (out, "{\"kind\": \"%s\", \"frame\": %u}}",
                                f->reset ? "reset" : "closed", f->close_frame);
    else
        g_string_append (out, f->timed_out ? "{\"kind\": \"timed-out\"}}"
                                           : "{\"kind\": \"capture-end\"}}");
}

static void
finding_json (GString *out, const ScReportFinding *f)
{
    const ScRuleInfo *info = sc_rule_info (f->rule);
    char when[32];
    sc_report_format_time (f->ts_us, when);
    g_string_append_printf (out, "{\"rule\": \"%s\", \"severity\": \"%s\", \"frames\": [", info->id,
                            sc_severity_name (info->severity));
    for (guint i = 0; i < f->n_frames; i++)
        g_string_append_printf (out, "%s%u", i ? ", " : "", f->frames[i]);
    g_string_append_printf (out, "], \"time\": \"%s\", \"connection\": ", when);
    if (f->conn_id)
        g_string_append_printf (out, "%u", f->conn_id);
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
        g_string_append_printf (out, "%s\"%s\": %" G_GUINT64_FORMAT, i ? ", " : "", c->name,
                                c->value);
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
