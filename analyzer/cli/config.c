/* config.c — tunables from a GKeyFile (RULES.md "Deadlines and tunables"). */
#include "config.h"

typedef struct {
    const char *key;
    guint *field;
    guint min, max;
} ScTunable;

gboolean
sc_config_load (ScConfig *cfg, const char *path, GError **error)
{
    const ScTunable tunables[] = {
        {"t1_ms", &cfg->t1_ms, 1, 60000},
        {"udp_max_sip_bytes", &cfg->udp_max_sip_bytes, 1, 65535},
        {"txn_max", &cfg->txn_max, 16, 100000000},
        {"udp_flow_idle_s", &cfg->udp_flow_idle_s, 1, 86400},
        {"udp_flow_max", &cfg->udp_flow_max, 16, 100000000},
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
