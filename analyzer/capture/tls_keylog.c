/* tls_keylog.c — see tls_keylog.h. */
#include "tls_keylog.h"

#include <string.h>

#define SC_TLS_RANDOM_LEN 32
#define SC_TLS12_MASTER_LEN 48

struct ScTlsKeylog {
    GHashTable *master; /* GBytes client random → GBytes master secret (TLS 1.2) */
    GHashTable *tls13;  /* GBytes client random → ScTls13Secrets* (owned) */
};

/* Decodes @n bytes of hex at @hex into @out; FALSE when it is not exactly that. */
static gboolean
unhex (const char *hex, gsize hex_len, guint8 *out, gsize n)
{
    if (hex_len != 2 * n)
        return FALSE;
    for (gsize i = 0; i < n; i++) {
        int hi = g_ascii_xdigit_value (hex[2 * i]), lo = g_ascii_xdigit_value (hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return FALSE;
        out[i] = (guint8)(hi << 4 | lo);
    }
    return TRUE;
}

ScTlsKeylog *
sc_tls_keylog_load (const char *path, GError **error)
{
    g_autofree char *text = NULL;
    gsize len;
    if (!g_file_get_contents (path, &text, &len, error))
        return NULL;
    ScTlsKeylog *kl = g_new0 (ScTlsKeylog, 1);
    kl->master = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify)g_bytes_unref,
                                        (GDestroyNotify)g_bytes_unref);
    kl->tls13 =
        g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify)g_bytes_unref, g_free);
    g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        g_auto (GStrv) f = g_strsplit_set (g_strstrip (lines[i]), " \t", -1);
        if (!f[0] || !f[1] || !f[2] || f[0][0] == '#')
            continue;
        guint8 random[SC_TLS_RANDOM_LEN], secret[64];
        if (!unhex (f[1], strlen (f[1]), random, sizeof random))
            continue;
        if (strcmp (f[0], "CLIENT_RANDOM") == 0) {
            if (!unhex (f[2], strlen (f[2]), secret, SC_TLS12_MASTER_LEN))
                continue;
            g_hash_table_replace (kl->master, g_bytes_new (random, sizeof random),
                                  g_bytes_new (secret, SC_TLS12_MASTER_LEN));
        } else {
            static const char *const labels[SC_TLS13_SECRETS] = {
                "CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
                "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0"};
            gsize n = strlen (f[2]) / 2;
            for (int k = 0; k < SC_TLS13_SECRETS; k++) {
                if (strcmp (f[0], labels[k]) != 0 || (n != 32 && n != 48) ||
                    !unhex (f[2], strlen (f[2]), secret, n))
                    continue;
                GBytes *key = g_bytes_new (random, sizeof random);
                ScTls13Secrets *t = g_hash_table_lookup (kl->tls13, key);
                if (!t) {
                    t = g_new0 (ScTls13Secrets, 1);
                    g_hash_table_insert (kl->tls13, g_bytes_ref (key), t);
                }
                g_bytes_unref (key);
                memcpy (t->secret[k], secret, n);
                t->len[k] = n;
            }
        }
    }
    if (g_hash_table_size (kl->master) + g_hash_table_size (kl->tls13) == 0) {
        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: no TLS key line in it", path);
        sc_tls_keylog_free (kl);
        return NULL;
    }
    return kl;
}

void
sc_tls_keylog_free (ScTlsKeylog *kl)
{
    if (!kl)
        return;
    g_hash_table_destroy (kl->master);
    g_hash_table_destroy (kl->tls13);
    g_free (kl);
}

const guint8 *
sc_tls_keylog_master_secret (const ScTlsKeylog *kl, const guint8 client_random[32])
{
    g_autoptr (GBytes) key = g_bytes_new_static (client_random, SC_TLS_RANDOM_LEN);
    GBytes *v = kl ? g_hash_table_lookup (kl->master, key) : NULL;
    return v ? g_bytes_get_data (v, NULL) : NULL;
}

const ScTls13Secrets *
sc_tls_keylog_tls13 (const ScTlsKeylog *kl, const guint8 client_random[32])
{
    g_autoptr (GBytes) key = g_bytes_new_static (client_random, SC_TLS_RANDOM_LEN);
    return kl ? g_hash_table_lookup (kl->tls13, key) : NULL;
}
