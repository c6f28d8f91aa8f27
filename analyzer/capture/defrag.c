/* defrag.c — reassembly of IP fragments (RFC 791 §3.2, RFC 8200 §4.5). Large SIP over UDP
 * arrives fragmented; datagrams that never complete are dropped after the timeout (Linux's
 * ipfrag_time, 30 s) and the caps bound memory against floods of first fragments. */
#include "defrag.h"

#include <string.h>

#define SC_DEFRAG_MAX_DATAGRAM 65535u

typedef struct {
    ScDefragKey key;
    GByteArray *buf;
    GArray *ranges; /* received [start, end) ranges, merged and sorted */
    gint64 total;   /* payload length once the last fragment came, else -1 */
    gint64 first_ts_us;
} ScPending;

typedef struct {
    guint32 start, end;
} ScRange;

struct ScDefrag {
    GHashTable *pending; /* ScDefragKey* → ScPending* */
    gsize bytes;
    gsize max_bytes;
    guint max_datagrams;
    gint64 timeout_us;
    gint64 next_sweep_us;
    ScDefragStats stats;
};

static guint
key_hash (gconstpointer p)
{
    const ScDefragKey *k = p;
    guint h = k->id ^ ((guint)k->proto << 24) ^ k->family;
    for (int i = 0; i < 16; i++)
        h = h * 31u + k->src[i] + k->dst[i] * 7u;
    return h;
}

static gboolean
key_equal (gconstpointer a, gconstpointer b)
{
    return memcmp (a, b, sizeof (ScDefragKey)) == 0;
}

static void
pending_free (gpointer p)
{
    ScPending *d = p;
    g_byte_array_unref (d->buf);
    g_array_unref (d->ranges);
    g_free (d);
}

ScDefrag *
sc_defrag_new (gsize max_bytes, guint max_datagrams, gint64 timeout_us)
{
    ScDefrag *d = g_new0 (ScDefrag, 1);
    d->pending = g_hash_table_new_full (key_hash, key_equal, NULL, pending_free);
    d->max_bytes = max_bytes;
    d->max_datagrams = max_datagrams;
    d->timeout_us = timeout_us;
    return d;
}

void
sc_defrag_free (ScDefrag *d)
{
    if (!d)
        return;
    g_hash_table_destroy (d->pending);
    g_free (d);
}

const ScDefragStats *
sc_defrag_stats (const ScDefrag *d)
{
    return &d->stats;
}

static void
drop (ScDefrag *d, ScPending *p)
{
    d->bytes -= p->buf->len;
    g_hash_table_remove (d->pending, &p->key);
}

static void
sweep (ScDefrag *d, gint64 now)
{
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init (&it, d->pending);
    while (g_hash_table_iter_next (&it, NULL, &v)) {
        ScPending *p = v;
        if (now - p->first_ts_us > d->timeout_us) {
            d->bytes -= p->buf->len;
            g_hash_table_iter_remove (&it);
            d->stats.expired++;
        }
    }
}

static void
evict_oldest (ScDefrag *d)
{
    GHashTableIter it;
    gpointer v;
    ScPending *oldest = NULL;
    g_hash_table_iter_init (&it, d->pending);
    while (g_hash_table_iter_next (&it, NULL, &v))
        if (!oldest || ((ScPending *)v)->first_ts_us < oldest->first_ts_us)
            oldest = v;
    if (oldest) {
        drop (d, oldest);
        d->stats.evicted++;
    }
}

static void
add_range (GArray *ranges, guint32 start, guint32 end)
{
    ScRange r = {start, end};
    guint i = 0;
    while (i < ranges->len && g_array_index (ranges, ScRange, i).end < start)
        i++;
    /* Merge every range touching [start, end). */
    while (i < ranges->len && g_array_index (ranges, ScRange, i).start <= r.end) {
        ScRange *o = &g_array_index (ranges, ScRange, i);
        r.start = MIN (r.start, o->start);
        r.end = MAX (r.end, o->end);
        g_array_remove_index (ranges, i);
    }
    g_array_insert_val (ranges, i, r);
}

GBytes *
sc_defrag_add (ScDefrag *d, const ScDefragKey *key, guint32 offset, gboolean more,
               const guint8 *data, gsize len, gint64 ts_us)
{
    if (ts_us >= d->next_sweep_us) {
        sweep (d, ts_us);
        d->next_sweep_us = ts_us + G_USEC_PER_SEC;
    }
    if ((gsize)offset + len > SC_DEFRAG_MAX_DATAGRAM)
        return NULL; /* beyond any IP datagram: malformed */
    ScPending *p = g_hash_table_lookup (d->pending, key);
    if (!p) {
        while (g_hash_table_size (d->pending) >= d->max_datagrams)
            evict_oldest (d);
        p = g_new0 (ScPending, 1);
        p->key = *key;
        p->buf = g_byte_array_new ();
        p->ranges = g_array_new (FALSE, FALSE, sizeof (ScRange));
        p->total = -1;
        p->first_ts_us = ts_us;
        g_hash_table_insert (d->pending, &p->key, p);
    }
    guint32 end = offset + (guint32)len;
    if (p->buf->len < end) {
        gsize grow = end - p->buf->len;
        while (d->bytes + grow > d->max_bytes && g_hash_table_size (d->pending) > 1) {
            evict_oldest (d);
            if (!g_hash_table_contains (d->pending, key))
                return NULL; /* this one was the oldest */
        }
        if (d->bytes + grow > d->max_bytes) {
            drop (d, p);
            d->stats.evicted++;
            return NULL;
        }
        g_byte_array_set_size (p->buf, end);
        d->bytes += grow;
    }
    if (len > 0) /* an empty fragment on an empty buffer: no data pointer to offset */
        memcpy (p->buf->data + offset, data, len);
    add_range (p->ranges, offset, end);
    if (!more)
        p->total = end;
    if (p->total < 0 || p->ranges->len != 1)
        return NULL;
    ScRange *r = &g_array_index (p->ranges, ScRange, 0);
    if (r->start != 0 || r->end < p->total)
        return NULL;
    GBytes *whole = g_bytes_new (p->buf->data, (gsize)p->total);
    drop (d, p);
    d->stats.completed++;
    return whole;
}
