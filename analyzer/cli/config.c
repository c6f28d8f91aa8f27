/* config.c — tunables from a GKeyFile (RULES.md "Deadlines and tunables"). */
#include "config.h"

#include <string.h>

typedef struct {
    const char *key;
    guint *field;
    guint min, max;
} ScTunable;

/* sip_ports = 5060;5061;5080 — replaces the default set. */
static gboolean
load_sip_ports (ScConfig *cfg, GKeyFile *kf, const char *path, GError **error)
{
    gsize n = 0;
    g_autoptr (GError) local = NULL;
    g_autofree gint *ports = g_key_file_get_integer_list (kf, "sipconn", "sip_ports", &n, &local);
    if (local || n == 0) {
        g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                     "%s: sip_ports must be a list of ports (e.g. 5060;5061)", path);
        return FALSE;
    }
    for (gsize i = 0; i < n; i++) {
        if (ports[i] < 1 || ports[i] > 65535) {
            g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                         "%s: sip_ports: %d is not a port", path, ports[i]);
            return FALSE;
        }
    }
    memset (cfg->sip_ports, 0, sizeof cfg->sip_ports);
    for (gsize i = 0; i < n; i++)
        sc_config_set_sip_port (cfg, (guint16)ports[i], TRUE);
    return TRUE;
}

gboolean
sc_config_load (ScConfig *cfg, const char *path, char **keylog, GError **error)
{
    const ScTunable tunables[] = {
        {"t1_ms", &cfg->t1_ms, 1, 60000},
        {"udp_max_sip_bytes", &cfg->udp_max_sip_bytes, 1, 65535},
        {"txn_max", &cfg->txn_max, 16, 100000000},
        {"udp_flow_idle_s", &cfg->udp_flow_idle_s, 1, 86400},
        {"udp_flow_max", &cfg->udp_flow_max, 16, 100000000},
        {"pong_timeout_ms", &cfg->pong_timeout_ms, 1, 3600000},
        {"stun_timeout_ms", &cfg->stun_timeout_ms, 1, 3600000},
        {"keepalive_slack_ms", &cfg->keepalive_slack_ms, 0, 600000},
        {"default_stun_interval_s", &cfg->default_stun_interval_s, 1, 86400},
        {"default_crlf_interval_s", &cfg->default_crlf_interval_s, 1, 86400},
    };
    g_autoptr (GKeyFile) kf = g_key_file_new ();
    g_autoptr (GError) local = NULL;
    if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local)) {
        g_set_error (error, G_KEY_FILE_ERROR, local->code, "%s: %s", path, local->message);
        return FALSE;
    }
    gsize n_groups = 0;
    g_auto (GStrv) groups = g_key_file_get_groups (kf, &n_groups);
    for (gsize g = 0; g < n_groups; g++) {
        if (g_strcmp0 (groups[g], "sipconn") != 0) {
            g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_GROUP_NOT_FOUND,
                         "%s: unknown group [%s] (only [sipconn])", path, groups[g]);
            return FALSE;
        }
    }
    g_auto (GStrv) keys = g_key_file_get_keys (kf, "sipconn", NULL, NULL);
    for (guint k = 0; keys && keys[k]; k++) {
        if (g_strcmp0 (keys[k], "sip_ports") == 0) {
            if (!load_sip_ports (cfg, kf, path, error))
                return FALSE;
            continue;
        }
        if (g_strcmp0 (keys[k], "keylog") == 0) {
            g_autofree char *value = g_key_file_get_string (kf, "sipconn", "keylog", NULL);
            g_autofree char *dir = g_path_get_dirname (path);
            g_free (*keylog);
            *keylog = !value || !*value            ? NULL
                      : g_path_is_absolute (value) ? g_strdup (value)
                                                   : g_build_filename (dir, value, NULL);
            continue;
        }
        const ScTunable *t = NULL;
        for (guint i = 0; i < G_N_ELEMENTS (tunables); i++)
            if (g_strcmp0 (keys[k], tunables[i].key) == 0)
                t = &tunables[i];
        if (!t) {
            g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND,
                         "%s: unknown key '%s' in [sipconn]", path, keys[k]);
            return FALSE;
        }
        guint64 value = g_key_file_get_uint64 (kf, "sipconn", keys[k], &local);
        if (local || value < t->min || value > t->max) {
            g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                         "%s: %s must be a number from %u to %u", path, keys[k], t->min, t->max);
            return FALSE;
        }
        *t->field = (guint)value;
    }
    return TRUE;
}
