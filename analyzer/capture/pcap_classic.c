/* pcap_classic.c — classic pcap headers, read as libpcap 1.10's sf-pcap.c reads them. */
#include "pcap_classic.h"

#include <string.h>

#define MAGIC_MICRO 0xa1b2c3d4u
#define MAGIC_NANO 0xa1b23c4du

int
sc_pcap_linktype_to_dlt (guint32 linktype)
{
    switch (linktype) {
    case 0:   /* NULL */
    case 1:   /* ETHERNET */
    case 108: /* LOOP: DLT_LOOP is 108 on Linux */
    case 113: /* LINUX_SLL */
    case 228: /* IPV4 */
    case 229: /* IPV6 */
    case 276: /* LINUX_SLL2 */
        return (int)linktype;
    case 101: /* RAW, which is DLT_RAW (12 on Linux) */
        return 12;
    default:
        return -1;
    }
}

gboolean
sc_pcap_classic_file_header (const guint8 *p, ScPcapClassicFile *out)
{
    guint32 magic;
    memcpy (&magic, p, sizeof magic);
    gboolean swapped = FALSE;
    if (magic != MAGIC_MICRO && magic != MAGIC_NANO) {
        magic = GUINT32_SWAP_LE_BE (magic);
        if (magic != MAGIC_MICRO && magic != MAGIC_NANO)
            return FALSE;
        swapped = TRUE;
    }
    /* 2.4 only: before 2.3 (and in 2.3 files, sometimes) caplen and len are interchanged. */
    if (sc_pcap_u16 (p + 4, swapped) != 2 || sc_pcap_u16 (p + 6, swapped) != 4)
        return FALSE;
    guint32 linktype = sc_pcap_u32 (p + 20, swapped);
    int dlt = (linktype & 0xFC000000u) ? -1 : sc_pcap_linktype_to_dlt (linktype);
    if (dlt < 0)
        return FALSE;
    guint32 snaplen = sc_pcap_u32 (p + 16, swapped);
    out->swapped = swapped;
    out->nanosecond = magic == MAGIC_NANO;
    out->snaplen = sc_pcap_adjust_snaplen (snaplen);
    out->linktype = dlt;
    return TRUE;
}

ScPcapClassicStatus
sc_pcap_classic_record_header (const ScPcapClassicFile *f, const guint8 *p,
                               ScPcapClassicRecord *out)
{
    /* Both time fields are unsigned 32-bit numbers (pcap-savefile(5), and Wireshark reads them
     * so): times after 2038 stay in order. libpcap 1.10 makes them signed in files of this
     * machine's byte order only. A fraction over one second is added as it is, as both do. */
    gint64 secs = sc_pcap_u32 (p, f->swapped);
    gint64 frac = sc_pcap_u32 (p + 4, f->swapped);
    out->ts_us = sc_pcap_time_us (secs, f->nanosecond ? frac : frac * 1000);
    out->stored = sc_pcap_u32 (p + 8, f->swapped);
    out->wirelen = sc_pcap_u32 (p + 12, f->swapped);
    if (out->stored > SC_PCAP_CLASSIC_MAX_CAPLEN)
        return SC_PCAP_CLASSIC_TOO_LONG;
    /* Longer than the file's snaplen but sane: libpcap reads it all and hands on the first
     * snaplen bytes. */
    out->caplen = MIN (out->stored, f->snaplen);
    return SC_PCAP_CLASSIC_OK;
}
