/* defrag.c — reassembly of IP fragments (RFC 791 §3.2, RFC 8200 §4.5). Large SIP over UDP
 * arrives fragmented; datagrams that never complete are dropped after the timeout (Linux's
 * ipfrag_time, 30 s) and the caps bound memory against floods of first fragments. */
#include "defrag.h"

#include <string.h>

#define SC_DEFRAG_MAX_DATAGRAM 65535u

/* Spare datagrams kept at most, and the largest kept: bigger ones are freed, so that the spares
 * stay within 16 x 32 KiB. */
#define SC_DEFRAG_SPARES_MAX 16
#define SC_DEFRAG_SPARE_BYTES_MAX (16 * 1024)

typedef struct ScDefragPending {
    ScDefragKey key;
    GByteArray *buf;
    GArray *ranges; /* received [start, end) ranges, merged and sorted */
    gint64 total;   /* payload length once the last fragment came, else -1 */
    gint64 first_ts_us;
    GList age_link; /* place in ScDefrag.by_age (data = this datagram) */
} ScPending;

typedef struct {
    guint32 start, end;
} ScRange;

struct ScDefrag {
    GHashTable *pending; /* ScDefragKey* → ScPending* */
    GQueue by_age;       /* the same, oldest first fragment first: the one a cap evicts */
    /* Ended datagrams whose buffers are kept for the next ones (ScPending*, owned): fragmented
     * traffic then allocates nothing in the steady state. */
    GPtrArray *spares;
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
    /* No destroy notify: a datagram leaving the table goes to the spares (recycle ()). */
    d->pending = g_hash_table_new (key_hash, key_equal);
    d->spares = g_ptr_array_new_with_free_func (pending_free);
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
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init (&it, d->pending);
    while (g_hash_table_iter_next (&it, NULL, &v))
        pending_free (v);
    g_hash_table_destroy (d->pending);
    g_ptr_array_unref (d->spares);
    g_free (d);
}

const ScDefragStats *
sc_defrag_stats (const ScDefrag *d)
{
    return &d->stats;
}

/* Ends @p, out of the table: kept among the spares while there is room and it is small. */
static void
recycle (ScDefrag *d, ScPending *p)
{
    if (d->spares->len >= SC_DEFRAG_SPARES_MAX || p->buf->len > SC_DEFRAG_SPARE_BYTES_MAX) {
        pending_free (p);
        return;
    }
    g_byte_array_set_size (p->buf, 0); /* both keep their allocations */
    g_array_set_size (p->ranges, 0);
    g_ptr_array_add (d->spares, p);
}

/* An empty datagram for @key: a spare one, or a new one. */
static ScPending *
pending_new (ScDefrag *d, const ScDefragKey *key, gint64 ts_us)
{
    ScPending *p;
    if (d->spares->len) {
        p = g_ptr_array_steal_index_fast (d->spares, d->spares->len - 1);
    } else {
        p = g_new0 (ScPending, 1);
        p->buf = g_byte_array_new ();
        p->ranges = g_array_new (FALSE, FALSE, sizeof (ScRange));
    }
    p->key = *key;
    p->total = -1;
    p->first_ts_us = ts_us;
    return p;
}

/* Takes @p out of the table and its bytes out of the count (the caller ends it). */
static void
unlist (ScDefrag *d, ScPending *p)
{
    d->bytes -= p->buf->len;
    g_queue_unlink (&d->by_age, &p->age_link);
    g_hash_table_remove (d->pending, &p->key);
}

static void
drop (ScDefrag *d, ScPending *p)
{
    unlist (d, p);
    recycle (d, p);
}

/* Every pending datagram is looked at, not only the head of by_age: a capture's timestamps may
 * step back, and its order is that of arrival. */
static void
sweep (ScDefrag *d, gint64 now)
{
    for (GList *l = d->by_age.head, *next; l; l = next) {
        next = l->next;
        ScPending *p = l->data;
        if (now - p->first_ts_us > d->timeout_us) {
            drop (d, p);
            d->stats.expired++;
        }
    }
}

/* The datagram whose first fragment came first goes: at the head of by_age, not searched for
 * (a flood of first fragments would cost a walk of every pending one each). */
static void
evict_oldest (ScDefrag *d)
{
    if (d->by_age.head) {
        drop (d, d->by_age.head->data);
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

ScDefragDatagram *
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
        p = pending_new (d, key, ts_us);
        p->age_link.data = p;
        g_queue_push_tail_link (&d->by_age, &p->age_link);
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
    unlist (d, p);
    d->stats.completed++;
    return p;
}

const guint8 *
sc_defrag_datagram_data (const ScDefragDatagram *dg, gsize *len)
{
    *len = (gsize)dg->total;
    return dg->buf->data;
}

void
sc_defrag_release (ScDefrag *d, ScDefragDatagram *dg)
{
    if (dg)
        recycle (d, dg);
}
