/* defrag.h — IPv4 and IPv6 fragment reassembly with a timeout and memory caps. */
#pragma once

#include <glib.h>

typedef struct ScDefrag ScDefrag;
/* A reassembled datagram: its payload is read with sc_defrag_datagram_data () and it is given
 * back with sc_defrag_release (), which keeps its memory for the next one. */
typedef struct ScDefragPending ScDefragDatagram;

typedef struct {
    guint8 family; /* 4 or 6 */
    guint8 proto;  /* next protocol after the fragment */
    guint8 src[16], dst[16];
    guint32 id; /* IPv4 identification (16 bits) or IPv6 fragment identification */
} ScDefragKey;

typedef struct {
    guint64 completed;
    guint64 expired; /* timed out incomplete */
    guint64 evicted; /* dropped to respect the caps */
} ScDefragStats;

/* @max_bytes: all pending fragments together; @timeout_us: how long an incomplete datagram is
 * kept (capture time). Returns: (transfer full). */
ScDefrag *sc_defrag_new (gsize max_bytes, guint max_datagrams, gint64 timeout_us);
void sc_defrag_free (ScDefrag *d);

/* Adds a fragment of @len bytes at byte @offset of the datagram's payload; @more is the MF flag.
 * Returns: (transfer full) (nullable): the datagram when this fragment completes it, to be given
 * back to @d with sc_defrag_release () (several may be held at once: a tunnel's inner datagram
 * is reassembled while its outer one is read). */
ScDefragDatagram *sc_defrag_add (ScDefrag *d, const ScDefragKey *key, guint32 offset, gboolean more,
                                 const guint8 *data, gsize len, gint64 ts_us);

/* The whole payload of @dg: *@len bytes, valid until @dg is released. */
const guint8 *sc_defrag_datagram_data (const ScDefragDatagram *dg, gsize *len);

/* Ends @dg (from sc_defrag_add () on @d): its memory is kept for reuse while it is small. */
void sc_defrag_release (ScDefrag *d, ScDefragDatagram *dg);

const ScDefragStats *sc_defrag_stats (const ScDefrag *d);
