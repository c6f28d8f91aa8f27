/* main.c — sipconn-audit: options, inputs, exit codes (CONTRACT.md). */
#include "config.h"
#include "decoder.h"
#include "pcap_source.h"
#include "progress.h"
#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

enum { EXIT_CLEAN = 0, EXIT_FINDINGS = 1, EXIT_USAGE = 2 };

typedef struct {
    char *format;
    char *output;
    char *fail_on;
    char *rules;
    char *ignore;
    gboolean ring;
    char *keylog;
    char *config;
    gboolean version;
    gboolean list_rules;
} ScOptions;

/* The option strings GOption allocated: freed on every way out of main, usage errors too. */
static void
options_clear (ScOptions *o)
{
    g_free (o->format);
    g_free (o->output);
    g_free (o->fail_on);
    g_free (o->rules);
    g_free (o->ignore);
    g_free (o->keylog);
    g_free (o->config);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ScOptions, options_clear)

static void usage_error (const char *fmt, ...) G_GNUC_PRINTF (1, 2);

static void
usage_error (const char *fmt, ...)
{
    va_list ap;
    va_start (ap, fmt);
    fputs ("sipconn-audit: ", stderr);
    vfprintf (stderr, fmt, ap);
    fputs (" (see --help)\n", stderr);
    va_end (ap);
}

/* Applies --rules / --ignore to @cfg. FALSE (after a message) on an unknown ID. */
static gboolean
select_rules (ScConfig *cfg, const char *list, gboolean enable)
{
    g_auto (GStrv) ids = g_strsplit (list, ",", -1);
    if (enable)
        for (guint i = 0; i < SC_RULE_COUNT; i++)
            cfg->enabled[i] = FALSE;
    for (guint i = 0; ids[i]; i++) {
        g_strstrip (ids[i]);
        if (!*ids[i])
            continue;
        ScRuleId rule;
        if (!sc_rule_from_id (ids[i], &rule)) {
            usage_error ("unknown rule ID '%s' (--list-rules shows them)", ids[i]);
            return FALSE;
        }
        cfg->enabled[rule] = enable;
    }
    return TRUE;
}

static gboolean
is_capture_name (const char *name)
{
    static const char *const exts[] = {".pcap",    ".pcapng",    ".cap",
                                       ".pcap.gz", ".pcapng.gz", ".cap.gz"};
    for (guint i = 0; i < G_N_ELEMENTS (exts); i++)
        if (g_str_has_suffix (name, exts[i]))
            return TRUE;
    return FALSE;
}

static gint
cmp_path (gconstpointer a, gconstpointer b)
{
    return g_strcmp0 (*(char *const *)a, *(char *const *)b);
}

/* Directories are searched recursively for captures, in name order for stable output. */
static void
collect_dir (const char *dir, GPtrArray *out)
{
    g_autoptr (GError) error = NULL;
    g_autoptr (GDir) d = g_dir_open (dir, 0, &error);
    if (!d) {
        fprintf (stderr, "sipconn-audit: %s: %s\n", dir, error->message);
        return;
    }
    g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
    const char *name;
    while ((name = g_dir_read_name (d)))
        g_ptr_array_add (names, g_build_filename (dir, name, NULL));
    g_ptr_array_sort (names, cmp_path);
    for (guint i = 0; i < names->len; i++) {
        const char *path = names->pdata[i];
        if (g_file_test (path, G_FILE_TEST_IS_DIR))
            collect_dir (path, out);
        else if (is_capture_name (path))
            g_ptr_array_add (out, g_strdup (path));
    }
}

/* Audits @n_paths files as one capture into @f: one file, or with --ring a file set cut by
 * dumpcap -b, whose connections, transactions and keep-alive timers carry across the cuts and
 * whose frames count on from file to file. Returns TRUE when some file could be read at all. */
static gboolean
audit_capture (char **paths, guint n_paths, const ScConfig *cfg, const ScTlsKeylog *keylog,
               ScFileReport *f, ScProgress *progress)
{
    ScSink sink;
    sc_report_sink (&sink, f);
    ScCore *core = sc_core_new (cfg, &sink, f);
    ScDecoder *dec = sc_decoder_new (core);
    sc_decoder_set_keylog (dec, keylog);
    gint64 last_ts = 0;
    guint32 frame_base = 0;
    gboolean any_read = FALSE;
    for (guint i = 0; i < n_paths; i++) {
        g_autoptr (GError) error = NULL;
        if (n_paths > 1) {
            g_ptr_array_add (f->parts, g_strdup (paths[i]));
            guint32 first = frame_base + 1;
            g_array_append_val (f->parts_first_frame, first);
        }
        ScPcapSource *src = sc_pcap_source_open (paths[i], &error);
        if (!src) {
            fprintf (stderr, "sipconn-audit: %s\n", error->message);
            g_ptr_array_add (f->errors, g_strdup (error->message));
            continue;
        }
        ScPacket pkt;
        guint64 n = 0;
        while (sc_pcap_source_next (src, &pkt, &error)) {
            pkt.frame += frame_base;
            sc_decoder_packet (dec, &pkt);
            if ((++n & 4095) == 0)
                sc_progress_update (progress, sc_pcap_source_offset (src), n);
            if (!f->first_ts_us)
                f->first_ts_us = pkt.ts_us;
            last_ts = MAX (last_ts, pkt.ts_us);
        }
        if (error) {
            fprintf (stderr, "sipconn-audit: %s\n", error->message);
            g_ptr_array_add (f->errors, g_strdup (error->message));
        }
        /* Usable: some packet was read, or the file is a valid capture that holds none. */
        any_read = any_read || n > 0 || !error;
        frame_base += (guint32)n;
        sc_progress_file_done (progress, sc_pcap_source_offset (src), n);
        sc_pcap_source_close (src);
    }
    f->last_ts_us = last_ts;
    sc_decoder_finish (dec, last_ts);
    const ScDecoderStats *st = sc_decoder_stats (dec);
    if (st->unsupported_link) {
        /* Packets read but not understood: said once, in one line, as a read error would be. */
        char *line = g_strdup_printf (
            "%s: frame %u: link type %d is not decoded (%" G_GUINT64_FORMAT " packets skipped)",
            paths[0], st->unsupported_first_frame, st->unsupported_linktype, st->unsupported_link);
        fprintf (stderr, "sipconn-audit: %s\n", line);
        g_ptr_array_add (f->errors, line);
    }
    f->packets = st->packets;
    f->sip_messages = sc_core_sip_message_count (core);
    /* What was met or given up on, as facts (a cap never drops state silently). */
    sc_report_add_count (f, "malformed", st->malformed);
    sc_report_add_count (f, "unsupported_link", st->unsupported_link);
    sc_report_add_count (f, "snaplen_cut", st->snaplen_cut);
    sc_report_add_count (f, "fragments_reassembled", st->frag_completed);
    sc_report_add_count (f, "fragments_expired", st->frag_expired);
    sc_report_add_count (f, "fragments_evicted", st->frag_evicted);
    sc_report_add_count (f, "tcp_connections", st->tcp_connections);
    sc_report_add_count (f, "tcp_connections_evicted", st->tcp_evicted);
    sc_report_add_count (f, "tcp_gaps", st->tcp_gaps);
    sc_report_add_count (f, "tcp_out_of_order_dropped", st->tcp_ooo_dropped);
    sc_report_add_count (f, "stream_bytes_skipped", st->stream_bytes_skipped);
    sc_report_add_count (f, "udp_flows_evicted", sc_core_udp_flows_evicted (core));
    sc_report_add_count (f, "transactions_evicted", sc_core_transactions_evicted (core));
    f->usable = any_read;
    sc_decoder_free (dec);
    sc_core_free (core);
    return f->usable;
}

/* dumpcap's file-set names sort in the order they were written (a counter, then the time). */
static gint
compare_paths (gconstpointer a, gconstpointer b)
{
    return strcmp (*(char *const *)a, *(char *const *)b);
}

static void
list_rules (void)
{
    for (guint i = 0; i < SC_RULE_COUNT; i++) {
        const ScRuleInfo *r = sc_rule_info ((ScRuleId)i);
        printf ("%-9s %-7s %-11s %s (%s)\n", r->id, sc_severity_name (r->severity),
                r->implemented ? "active" : "not-yet", r->title, r->reference);
    }
}

/* The inputs' sizes on disk, for the progress line's ETA; 0 when one cannot be known ahead
 * (standard input, or gzip, whose offset counts uncompressed bytes). */
static guint64
inputs_size (const GPtrArray *paths)
{
    guint64 total = 0;
    for (guint i = 0; i < paths->len; i++) {
        const char *path = paths->pdata[i];
        struct stat st;
        if (strcmp (path, "-") == 0 || g_str_has_suffix (path, ".gz") || stat (path, &st) != 0)
            return 0;
        total += (guint64)st.st_size;
    }
    return total;
}

static gboolean
write_output (const char *path, const GString *text)
{
    if (!path || strcmp (path, "-") == 0)
        return fwrite (text->str, 1, text->len, stdout) == text->len && fflush (stdout) == 0;
    /* A new or regular file is replaced whole (a nightly job never reads half a report). Any
     * other existing path (/dev/null, a FIFO, a terminal, a symbolic link) is written into: the
     * replacing rename would put a regular file in its place. */
    struct stat st;
    if (lstat (path, &st) == 0 && !S_ISREG (st.st_mode)) {
        FILE *fp = fopen (path, "w");
        gboolean ok = fp && fwrite (text->str, 1, text->len, fp) == text->len;
        if (fp && fclose (fp) != 0)
            ok = FALSE;
        if (!ok)
            fprintf (stderr, "sipconn-audit: cannot write %s: %s\n", path, g_strerror (errno));
        return ok;
    }
    g_autoptr (GError) error = NULL;
    if (!g_file_set_contents (path, text->str, (gssize)text->len, &error)) {
        fprintf (stderr, "sipconn-audit: %s\n", error->message);
        return FALSE;
    }
    return TRUE;
}

int
main (int argc, char **argv)
{
    g_auto (ScOptions) o = {0};
    GOptionEntry entries[] = {
        {"format", 'f', 0, G_OPTION_ARG_STRING, &o.format,
         "text, json, ndjson, markdown or html (default text)", "FORMAT"},
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output, "write the report to FILE", "FILE"},
        {"fail-on", 0, 0, G_OPTION_ARG_STRING, &o.fail_on,
         "error, warning, info or never: what makes the exit status 1 (default warning)", "LEVEL"},
        {"rules", 0, 0, G_OPTION_ARG_STRING, &o.rules, "only these rule IDs", "ID,..."},
        {"ignore", 0, 0, G_OPTION_ARG_STRING, &o.ignore, "not these rule IDs", "ID,..."},
        {"ring", 0, 0, G_OPTION_ARG_NONE, &o.ring, "PATHs are one capture split in files", NULL},
        {"keylog", 0, 0, G_OPTION_ARG_FILENAME, &o.keylog, "TLS key log (NSS format)", "FILE"},
        {"config", 0, 0, G_OPTION_ARG_FILENAME, &o.config,
         "tunables (GKeyFile, group [sipconn]: t1_ms, udp_max_sip_bytes, ...)", "FILE"},
        {"list-rules", 0, 0, G_OPTION_ARG_NONE, &o.list_rules, "list the rules and exit", NULL},
        {"version", 0, 0, G_OPTION_ARG_NONE, &o.version, "print the version and exit", NULL},
        {NULL}};
    g_autoptr (GOptionContext) ctx =
        g_option_context_new ("PATH... - audit SIP transport behaviour");
    g_option_context_add_main_entries (ctx, entries, NULL);
    g_option_context_set_description (
        ctx, "PATH is a pcap/pcapng file (gzip allowed), a directory (searched recursively) or -\n"
             "for standard input. Exit status: 0 clean, 1 findings at or above --fail-on,\n"
             "2 usage error or no input readable.\n");
    g_autoptr (GError) error = NULL;
    if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
        usage_error ("%s", error->message);
        return EXIT_USAGE;
    }
    if (o.version) {
        printf ("sipconn-audit %s\n", SIPCONN_VERSION);
        return EXIT_CLEAN;
    }
    if (o.list_rules) {
        list_rules ();
        return EXIT_CLEAN;
    }
    const char *format = o.format ? o.format : "text";
    if (strcmp (format, "text") && strcmp (format, "json") && strcmp (format, "ndjson") &&
        strcmp (format, "markdown") && strcmp (format, "html")) {
        usage_error ("unknown format '%s'", format);
        return EXIT_USAGE;
    }
    ScSeverity fail_level = SC_SEVERITY_WARNING;
    gboolean fail_never = FALSE;
    if (o.fail_on) {
        if (strcmp (o.fail_on, "never") == 0)
            fail_never = TRUE;
        else if (!sc_severity_parse (o.fail_on, &fail_level)) {
            usage_error ("unknown --fail-on level '%s'", o.fail_on);
            return EXIT_USAGE;
        }
    }
    ScConfig cfg;
    sc_config_init (&cfg);
    g_autofree char *config_keylog = NULL;
    if (o.config && !sc_config_load (&cfg, o.config, &config_keylog, &error)) {
        fprintf (stderr, "sipconn-audit: %s\n", error->message);
        return EXIT_USAGE;
    }
    /* A key log that cannot be read is a usage error: auditing without it would report the
     * TLS connections as undecrypted and say nothing of why. --keylog wins over the config's. */
    const char *keylog_path = o.keylog ? o.keylog : config_keylog;
    g_autoptr (GError) keylog_error = NULL;
    g_autoptr (ScTlsKeylog) keylog =
        keylog_path ? sc_tls_keylog_load (keylog_path, &keylog_error) : NULL;
    if (keylog_path && !keylog) {
        fprintf (stderr, "sipconn-audit: %s\n", keylog_error->message);
        return EXIT_USAGE;
    }
    /* Only the ticket reports show excerpts; only the HTML one draws messages. */
    gboolean html = strcmp (format, "html") == 0;
    cfg.excerpts = html || strcmp (format, "markdown") == 0;
    if ((o.rules && !select_rules (&cfg, o.rules, TRUE)) ||
        (o.ignore && !select_rules (&cfg, o.ignore, FALSE)))
        return EXIT_USAGE;
    if (argc < 2) {
        usage_error ("no PATH given");
        return EXIT_USAGE;
    }

    g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (strcmp (argv[i], "-") != 0 && stat (argv[i], &st) == 0 && S_ISDIR (st.st_mode))
            collect_dir (argv[i], paths);
        else
            g_ptr_array_add (paths, g_strdup (argv[i]));
    }

    ScReport *report = sc_report_new ();
    report->keep_events = html;
    ScProgress progress;
    sc_progress_init (&progress, inputs_size (paths));
    guint usable = 0;
    if (o.ring && paths->len > 0) {
        g_ptr_array_sort (paths, compare_paths);
        ScFileReport *f = sc_report_add_file (report, paths->pdata[0]);
        usable +=
            audit_capture ((char **)paths->pdata, paths->len, &cfg, keylog, f, &progress) ? 1 : 0;
    } else {
        for (guint i = 0; i < paths->len; i++) {
            ScFileReport *f = sc_report_add_file (report, paths->pdata[i]);
            usable +=
                audit_capture ((char **)&paths->pdata[i], 1, &cfg, keylog, f, &progress) ? 1 : 0;
        }
    }
    sc_progress_end (&progress);
    sc_report_sort (report);
    GString *out = g_string_sized_new (4096);
    if (strcmp (format, "json") == 0)
        sc_report_json (report, out);
    else if (strcmp (format, "ndjson") == 0)
        sc_report_ndjson (report, out);
    else if (strcmp (format, "markdown") == 0)
        sc_report_markdown (report, out);
    else if (html)
        sc_report_html (report, out);
    else
        sc_report_text (report, out);
    gboolean written = write_output (o.output, out);
    g_string_free (out, TRUE);

    guint64 counts[3];
    sc_report_count (report, counts);
    sc_report_free (report);

    if (usable == 0 || !written)
        return EXIT_USAGE;
    if (!fail_never)
        for (int s = (int)fail_level; s <= SC_SEVERITY_ERROR; s++)
            if (counts[s])
                return EXIT_FINDINGS;
    return EXIT_CLEAN;
}
