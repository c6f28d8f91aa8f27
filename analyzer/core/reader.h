/* reader.h — a checked byte reader (tcpdump's GET_* idea without longjmp): a read past the end
 * returns 0 and sets the sticky @truncated flag, checked once after a run of reads. Multi-byte
 * reads are big-endian (network order) and return host-order values. */
#pragma once

#include <glib.h>
#include <string.h>

typedef struct {
    const guint8 *p;
    gsize len;
    gsize pos;
    gboolean truncated;
} ScReader;

static inline ScReader
sc_reader_init (const guint8 *p, gsize len)
{
    ScReader r = {p, len, 0, FALSE};
    return r;
}

static inline gboolean
sc_rd_has (ScReader *r, gsize n)
{
    /* Written so that a huge @n cannot overflow. */
    if (r->truncated || n > r->len - r->pos) {
        r->truncated = TRUE;
        return FALSE;
    }
    return TRUE;
}

static inline guint8
sc_rd_u8 (ScReader *r)
{
    return sc_rd_has (r, 1) ? r->p[r->pos++] : 0;
}

static inline guint16
sc_rd_be16 (ScReader *r)
{
    if (!sc_rd_has (r, 2))
        return 0;
    guint16 v = (guint16)((r->p[r->pos] << 8) | r->p[r->pos + 1]);
    r->pos += 2;
    return v;
}

static inline guint32
sc_rd_be32 (ScReader *r)
{
    if (!sc_rd_has (r, 4))
        return 0;
    guint32 v = ((guint32)r->p[r->pos] << 24) | ((guint32)r->p[r->pos + 1] << 16) |
                ((guint32)r->p[r->pos + 2] << 8) | r->p[r->pos + 3];
    r->pos += 4;
    return v;
}

static inline void
sc_rd_skip (ScReader *r, gsize n)
{
    if (sc_rd_has (r, n))
        r->pos += n;
}

/* Copies @n bytes to @dst (zero-filled when truncated). */
static inline void
sc_rd_bytes (ScReader *r, guint8 *dst, gsize n)
{
    if (sc_rd_has (r, n)) {
        memcpy (dst, r->p + r->pos, n);
        r->pos += n;
    } else {
        memset (dst, 0, n);
    }
}

static inline const guint8 *
sc_rd_here (const ScReader *r)
{
    return r->p + r->pos;
}

static inline gsize
sc_rd_left (const ScReader *r)
{
    return r->truncated ? 0 : r->len - r->pos;
}
