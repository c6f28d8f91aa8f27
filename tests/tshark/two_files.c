/* two_files.c — one libwireshark process dissects capture files one after another, as the GUI
 * does when a file is closed and another opened, and prints, per file, every frame's sipconn
 * rules and connection ids (two passes, like tshark -2). The plugin keeps per-file state, so
 * the same file dissected twice in one process must print the same thing twice.
 *
 *   two_files FILE...     (run unprivileged with WIRESHARK_PLUGIN_DIR pointing at the plugin) */
#include <wireshark.h>

#include <epan/epan.h>
#include <epan/epan_dissect.h>
#include <epan/frame_data.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/proto.h>
#include <epan/tvbuff.h>
#include <wiretap/wtap.h>
#include <wsutil/buffer.h>
#include <wsutil/filesystem.h>
#include <wsutil/privileges.h>

static GArray *frames; /* frame_data of the file being dissected */

static const nstime_t *
get_frame_ts (struct packet_provider_data *prov, guint32 num)
{
    (void)prov;
    if (num == 0 || num > frames->len)
        return NULL;
    return &g_array_index (frames, frame_data, num - 1).abs_ts;
}

/* One pass over @path. With @collect, appends "frame rule,rule conn,conn" lines to @out. */
static gboolean
pass (epan_t *epan, const char *path, gboolean first, GString *out)
{
    int err = 0;
    gchar *err_info = NULL;
    wtap *wth = wtap_open_offline (path, WTAP_TYPE_AUTO, &err, &err_info, FALSE);
    if (!wth) {
        g_printerr ("two_files: %s: cannot open (%d)\n", path, err);
        return FALSE;
    }
    int hf_rule = proto_registrar_get_id_byname ("sipconn.rule");
    int hf_conn = proto_registrar_get_id_byname ("sipconn.conn");
    if (hf_rule < 0 || hf_conn < 0) {
        g_printerr ("two_files: the sipconn plugin is not loaded\n");
        wtap_close (wth);
        return FALSE;
    }
    wtap_rec rec;
    Buffer buf;
    wtap_rec_init (&rec);
    ws_buffer_init (&buf, 1514);
    gint64 offset;
    guint32 num = 0, cum_bytes = 0;
    /* Copies: pointers into the growing array would move. */
    frame_data ref_frame, prev_frame;
    const frame_data *ref = NULL, *prev_dis = NULL;
    nstime_t elapsed = NSTIME_INIT_ZERO;
    while (wtap_read (wth, &rec, &buf, &err, &err_info, &offset)) {
        num++;
        frame_data *fd;
        if (first) {
            frame_data fresh;
            frame_data_init (&fresh, num, &rec, offset, cum_bytes);
            g_array_append_val (frames, fresh);
            fd = &g_array_index (frames, frame_data, num - 1);
            frame_data_set_before_dissect (fd, &elapsed, &ref, prev_dis);
            if (ref == fd) {
                ref_frame = *fd;
                ref = &ref_frame;
            }
        } else {
            fd = &g_array_index (frames, frame_data, num - 1);
        }
        epan_dissect_t *edt = epan_dissect_new (epan, TRUE, !first);
        /* As tshark does: the fields the postdissector reads must be in the tree. */
        prime_epan_dissect_with_postdissector_wanted_hfids (edt);
        if (!first) {
            epan_dissect_prime_with_hfid (edt, hf_rule);
            epan_dissect_prime_with_hfid (edt, hf_conn);
        }
        tvbuff_t *tvb = tvb_new_real_data (ws_buffer_start_ptr (&buf), fd->cap_len, fd->pkt_len);
        epan_dissect_run (edt, wtap_file_type_subtype (wth), &rec, tvb, fd, NULL);
        if (first) {
            frame_data_set_after_dissect (fd, &cum_bytes);
            fd->visited = 1;
            prev_frame = *fd;
            prev_dis = &prev_frame;
        } else {
            GPtrArray *rules = proto_get_finfo_ptr_array (edt->tree, hf_rule);
            GPtrArray *conns = proto_get_finfo_ptr_array (edt->tree, hf_conn);
            if ((rules && rules->len) || (conns && conns->len)) {
                g_string_append_printf (out, "%u", num);
                for (guint i = 0; rules && i < rules->len; i++)
                    g_string_append_printf (
                        out, " %s", fvalue_get_string (&((field_info *)rules->pdata[i])->value));
                for (guint i = 0; conns && i < conns->len; i++)
                    g_string_append_printf (
                        out, " conn=%u",
                        fvalue_get_uinteger (&((field_info *)conns->pdata[i])->value));
                g_string_append_c (out, '\n');
            }
        }
        epan_dissect_free (edt);
        wtap_rec_reset (&rec);
    }
    wtap_rec_cleanup (&rec);
    ws_buffer_free (&buf);
    wtap_close (wth);
    g_free (err_info);
    return TRUE;
}

int
main (int argc, char **argv)
{
    init_process_policies ();
    char *err = configuration_init (argv[0], NULL);
    if (err)
        g_printerr ("two_files: %s\n", err);
    wtap_init (TRUE);
    if (!epan_init (NULL, NULL, TRUE))
        return 2;
    epan_load_settings ();
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        static const struct packet_provider_funcs funcs = {get_frame_ts, NULL, NULL, NULL};
        frames = g_array_new (FALSE, TRUE, sizeof (frame_data));
        /* A new session per file: init routines run at epan_new, cleanup at epan_free. */
        epan_t *epan = epan_new (NULL, &funcs);
        GString *out = g_string_new (NULL);
        if (!pass (epan, argv[i], TRUE, out) || !pass (epan, argv[i], FALSE, out))
            rc = 2;
        printf ("== %s\n%s", argv[i], out->str);
        g_string_free (out, TRUE);
        epan_free (epan);
        for (guint f = 0; f < frames->len; f++)
            frame_data_destroy (&g_array_index (frames, frame_data, f));
        g_array_free (frames, TRUE);
    }
    epan_cleanup ();
    wtap_cleanup ();
    return rc;
}
