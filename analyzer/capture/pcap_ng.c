/* pcap_ng.c — pcapng blocks, read as libpcap 1.10's sf-pcapng.c reads them (same checks, same
 * messages): the times a packet gets and the files it refuses must not depend on the reader. */
#include "pcap_ng.h"

#include "pcap_classic.h"

#include <string.h>

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 0x00000001u
#define BT_PB 0x00000002u
#define BT_SPB 0x00000003u
#define BT_EPB 0x00000006u
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du
#define SHB_INSANE_MAX (1024u * 1024u)
#define SHB_MIN 28u              /* header, byte-order magic, versions, section length, trailer */
#define USER_TSRESOL 1000000000u /* pcap_source.c asks libpcap for nanoseconds */

/* The body of a block between its header and trailer, consumed front to back. */
typedef struct {
    const guint8 *p;
    gsize left;
    guint32 type;
} Cursor;

static const guint8 *
take (Cursor *c, gsize n, char **error)
{
    if (c->left < n) {
        *error = g_strdup_printf ("block of type %u in pcapng dump file is too short", c->type);
        return NULL;
    }
    const guint8 *at = c->p;
    c->p += n;
    c->left -= n;
    return at;
}

/* Option @name of an interface description is @len bytes long where it must be @want, and, when
 * @seen is given, comes once: libpcap's checks and words. */
static gboolean
option_fits (const char *name, guint16 len, guint16 want, gboolean *seen, char **error)
{
    if (len != want) {
        *error = g_strdup_printf ("Interface Description Block has %s option with length %u != %u",
                                  name, len, want);
        return FALSE;
    }
    if (seen && *seen) {
        *error = g_strdup_printf ("Interface Description Block has more than one %s option", name);
        return FALSE;
    }
    if (seen)
        *seen = TRUE;
    return TRUE;
}

/* An interface description's options: its time resolution and offset. */
static gboolean
read_interface (const ScPcapngFile *f, Cursor *c, ScPcapngInterface *out, char **error)
{
    out->tsresol = 1000000;
    out->binary = FALSE;
    out->tsoffset = 0;
    gboolean saw_tsresol = FALSE, saw_tsoffset = FALSE;
    while (c->left != 0) {
        const guint8 *h = take (c, 4, error);
        if (!h)
            return FALSE;
        guint16 code = sc_pcap_u16 (h, f->swapped), len = sc_pcap_u16 (h + 2, f->swapped);
        const guint8 *v = take (c, ((gsize)len + 3) / 4 * 4, error);
        if (!v)
            return FALSE;
        switch (code) {
        case 0: /* opt_endofopt */
            return option_fits ("opt_endofopt", len, 0, NULL, error);
        case 9: /* if_tsresol */
            if (!option_fits ("if_tsresol", len, 1, &saw_tsresol, error))
                return FALSE;
            if (v[0] & 0x80) {
                guint shift = v[0] & 0x7F;
                if (shift > 63) {
                    *error = g_strdup_printf ("Interface Description Block if_tsresol option "
                                              "resolution 2^-%u is too high",
                                              shift);
                    return FALSE;
                }
                out->binary = TRUE;
                out->tsresol = (guint64)1 << shift;
            } else {
                if (v[0] > 19) {
                    *error = g_strdup_printf ("Interface Description Block if_tsresol option "
                                              "resolution 10^-%u is too high",
                                              v[0]);
                    return FALSE;
                }
                out->binary = FALSE;
                out->tsresol = 1;
                for (guint i = 0; i < v[0]; i++)
                    out->tsresol *= 10;
            }
            break;
        case 14: /* if_tsoffset */
            if (!option_fits ("if_tsoffset", len, 8, &saw_tsoffset, error))
                return FALSE;
            memcpy (&out->tsoffset, v, 8);
            if (f->swapped)
                out->tsoffset = (gint64)GUINT64_SWAP_LE_BE ((guint64)out->tsoffset);
            break;
        default:
            break;
        }
    }
    return TRUE;
}

static gboolean
add_interface (ScPcapngFile *f, Cursor *c, char **error)
{
    ScPcapngInterface iface;
    f->ifcount++;
    if (!read_interface (f, c, &iface, error))
        return FALSE;
    if (f->ifaces->len < f->ifcount)
        g_array_set_size (f->ifaces, f->ifcount);
    g_array_index (f->ifaces, ScPcapngInterface, f->ifcount - 1) = iface;
    return TRUE;
}

gboolean
sc_pcapng_block_length (const ScPcapngFile *f, const guint8 *p, guint32 *total, char **error)
{
    guint32 n = sc_pcap_u32 (p + 4, f->swapped);
    if (n < SC_PCAPNG_BLOCK_HEADER + 4) {
        *error = g_strdup_printf ("block in pcapng dump file has a length of %u < %u", n,
                                  SC_PCAPNG_BLOCK_HEADER + 4);
        return FALSE;
    }
    if (n % 4 != 0) {
        *error = g_strdup_printf ("block in pcapng dump file has a length of %u that is not a "
                                  "multiple of 4",
                                  n);
        return FALSE;
    }
    if (n > SC_PCAPNG_MAX_BLOCK) {
        *error = g_strdup_printf ("pcapng block size %u > maximum %u", n, SC_PCAPNG_MAX_BLOCK);
        return FALSE;
    }
    *total = n;
    return TRUE;
}

/* The body of the whole block at @p, once its trailer agrees with its header. */
static gboolean
open_block (const ScPcapngFile *f, const guint8 *p, guint32 total, Cursor *c, char **error)
{
    guint32 trailer = sc_pcap_u32 (p + total - 4, f->swapped);
    if (trailer != total) {
        *error = g_strdup ("block total length in header and trailer don't match");
        return FALSE;
    }
    c->type = sc_pcap_u32 (p, f->swapped);
    c->p = p + SC_PCAPNG_BLOCK_HEADER;
    c->left = total - SC_PCAPNG_BLOCK_HEADER - 4;
    return TRUE;
}

gsize
sc_pcapng_file_open (const guint8 *p, gsize len, ScPcapngFile *out, gsize *need)
{
    *need = 0;
    memset (out, 0, sizeof *out);
    if (len < 12 || sc_pcap_u32 (p, FALSE) != BT_SHB)
        return 0;
    guint32 magic = sc_pcap_u32 (p + 8, FALSE);
    if (magic != BYTE_ORDER_MAGIC && GUINT32_SWAP_LE_BE (magic) != BYTE_ORDER_MAGIC)
        return 0;
    ScPcapngFile f = {.swapped = magic != BYTE_ORDER_MAGIC};
    guint32 shb = sc_pcap_u32 (p + 4, f.swapped);
    if (shb < SHB_MIN || shb > SHB_INSANE_MAX)
        return 0; /* libpcap refuses it, in its words */
    if (len < shb) {
        *need = shb;
        return 0;
    }
    /* Version 1.0 only: libpcap releases differ on 1.2. The section header's trailer and
     * options are not looked at, as libpcap does not. */
    if (sc_pcap_u16 (p + 12, f.swapped) != 1 || sc_pcap_u16 (p + 14, f.swapped) != 0)
        return 0;
    f.ifaces = g_array_new (FALSE, TRUE, sizeof (ScPcapngInterface));
    gsize at = shb;
    for (;;) {
        if (len - at < SC_PCAPNG_BLOCK_HEADER) {
            *need = at + SC_PCAPNG_BLOCK_HEADER;
            break;
        }
        guint32 total;
        char *error = NULL;
        if (!sc_pcapng_block_length (&f, p + at, &total, &error)) {
            g_free (error);
            break;
        }
        if (len - at < total) {
            *need = at + total;
            break;
        }
        Cursor c;
        if (!open_block (&f, p + at, total, &c, &error)) {
            g_free (error);
            break;
        }
        at += total;
        if (c.type == BT_EPB || c.type == BT_SPB || c.type == BT_PB)
            break; /* a packet before any interface: libpcap refuses the file */
        if (c.type != BT_IDB)
            continue;
        const guint8 *idb = take (&c, 8, &error);
        if (!idb || !add_interface (&f, &c, &error)) {
            g_free (error);
            break;
        }
        f.linktype = sc_pcap_linktype_to_dlt (sc_pcap_u16 (idb, f.swapped));
        f.snaplen = sc_pcap_adjust_snaplen (sc_pcap_u32 (idb + 4, f.swapped));
        if (f.linktype < 0)
            break;
        *out = f;
        return at;
    }
    g_array_unref (f.ifaces);
    return 0;
}

void
sc_pcapng_file_clear (ScPcapngFile *f)
{
    if (f->ifaces)
        g_array_unref (f->ifaces);
    f->ifaces = NULL;
}

/* A later section header: the same byte order and major version, and interfaces anew. */
static ScPcapngStatus
section (ScPcapngFile *f, Cursor *c, char **error)
{
    const guint8 *shb = take (c, 16, error);
    if (!shb)
        return SC_PCAPNG_ERROR;
    guint32 magic = sc_pcap_u32 (shb, f->swapped);
    if (magic != BYTE_ORDER_MAGIC) {
        *error = g_strdup (GUINT32_SWAP_LE_BE (magic) == BYTE_ORDER_MAGIC
                               ? "the file has sections with different byte orders"
                               : "the file has a section with a bad byte order magic field");
        return SC_PCAPNG_ERROR;
    }
    guint16 major = sc_pcap_u16 (shb + 4, f->swapped);
    if (major != 1) {
        *error = g_strdup_printf ("unknown pcapng savefile major version number %u", major);
        return SC_PCAPNG_ERROR;
    }
    f->ifcount = 0;
    return SC_PCAPNG_SKIP;
}

/* A later interface description: it must match the first interface. */
static ScPcapngStatus
interface (ScPcapngFile *f, Cursor *c, char **error)
{
    const guint8 *idb = take (c, 8, error);
    if (!idb)
        return SC_PCAPNG_ERROR;
    guint16 linktype = sc_pcap_u16 (idb, f->swapped);
    guint32 snaplen = sc_pcap_u32 (idb + 4, f->swapped);
    /* libpcap compares the first interface's DLT with this one's LINKTYPE: a second
     * LINKTYPE_RAW interface is refused. Read alike. */
    if ((guint32)f->linktype != linktype) {
        *error = g_strdup_printf ("an interface has a type %u different from the type of the "
                                  "first interface",
                                  linktype);
        return SC_PCAPNG_ERROR;
    }
    if (sc_pcap_adjust_snaplen (snaplen) != f->snaplen) {
        *error = g_strdup_printf ("an interface has a snapshot length %u different from the "
                                  "snapshot length of the first interface",
                                  snaplen);
        return SC_PCAPNG_ERROR;
    }
    return add_interface (f, c, error) ? SC_PCAPNG_SKIP : SC_PCAPNG_ERROR;
}

/* Ticks of @iface since the epoch as libpcap turns them into seconds and nanoseconds, then
 * into pcap_source.c's µs. */
static gint64
packet_time (const ScPcapngInterface *iface, guint64 t)
{
    guint64 sec = t / iface->tsresol + (guint64)iface->tsoffset;
    guint64 frac = t % iface->tsresol;
    if (iface->tsresol == USER_TSRESOL)
        ; /* as it is */
    else if (iface->binary)
        frac = frac * USER_TSRESOL / iface->tsresol;
    else if (iface->tsresol > USER_TSRESOL)
        frac /= iface->tsresol / USER_TSRESOL;
    else
        frac *= USER_TSRESOL / iface->tsresol;
    return sc_pcap_time_us ((gint64)sec, (gint32)(guint32)frac); /* libpcap's (int) casts */
}

ScPcapngStatus
sc_pcapng_block (ScPcapngFile *f, const guint8 *p, guint32 total, ScPcapngPacket *out, char **error)
{
    Cursor c;
    if (!open_block (f, p, total, &c, error))
        return SC_PCAPNG_ERROR;
    guint32 iface;
    guint64 t;
    const guint8 *h;
    switch (c.type) {
    case BT_EPB:
        if (!(h = take (&c, 20, error)))
            return SC_PCAPNG_ERROR;
        iface = sc_pcap_u32 (h, f->swapped);
        t = (guint64)sc_pcap_u32 (h + 4, f->swapped) << 32 | sc_pcap_u32 (h + 8, f->swapped);
        out->caplen = sc_pcap_u32 (h + 12, f->swapped);
        out->wirelen = sc_pcap_u32 (h + 16, f->swapped);
        break;
    case BT_SPB:
        if (!(h = take (&c, 4, error)))
            return SC_PCAPNG_ERROR;
        iface = 0; /* the first interface's, with no time */
        out->wirelen = sc_pcap_u32 (h, f->swapped);
        out->caplen = MIN (out->wirelen, f->snaplen);
        t = 0;
        break;
    case BT_PB:
        if (!(h = take (&c, 20, error)))
            return SC_PCAPNG_ERROR;
        iface = sc_pcap_u16 (h, f->swapped);
        t = (guint64)sc_pcap_u32 (h + 4, f->swapped) << 32 | sc_pcap_u32 (h + 8, f->swapped);
        out->caplen = sc_pcap_u32 (h + 12, f->swapped);
        out->wirelen = sc_pcap_u32 (h + 16, f->swapped);
        break;
    case BT_IDB:
        return interface (f, &c, error);
    case BT_SHB:
        return section (f, &c, error);
    default:
        return SC_PCAPNG_SKIP;
    }
    if (iface >= f->ifcount) {
        *error = g_strdup_printf ("a packet arrived on interface %u, but there's no Interface "
                                  "Description Block for that interface",
                                  iface);
        return SC_PCAPNG_ERROR;
    }
    if (out->caplen > f->snaplen) {
        *error = g_strdup_printf ("invalid packet capture length %u, bigger than snaplen of %u",
                                  out->caplen, f->snaplen);
        return SC_PCAPNG_ERROR;
    }
    out->ts_us = packet_time (&g_array_index (f->ifaces, ScPcapngInterface, iface), t);
    if (!(out->data = take (&c, out->caplen, error)))
        return SC_PCAPNG_ERROR;
    return SC_PCAPNG_PACKET;
}
