/* extract.c — Wireshark's dissection of one frame turned into core events: TCP connection
 * life (tcp.stream, and the flags read from the header it points at), SIP messages (the bytes
 * of each `sip` item, reassembled by Wireshark), keep-alives (the transport payload, placed by
 * tcp.len and udp.length), and ICMP unreachables quoting a datagram or SYN. */
#include "sipconn_plugin.h"

#include "icmp.h"
#include "sip_msg.h"

#include <epan/address.h>
#include <epan/ftypes/ftypes.h>
#include <epan/proto.h>
#include <epan/tvbuff.h>

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_ACK 0x10

gboolean
sc_plugin_endpoint (const address *addr, guint32 port, ScEndpoint *out)
{
    memset (out, 0, sizeof *out);
    if (addr->type == AT_IPv4 && addr->len == 4) {
        out->family = 4;
        memcpy (out->addr, addr->data, 4);
    } else if (addr->type == AT_IPv6 && addr->len == 16) {
        out->family = 6;
        memcpy (out->addr, addr->data, 16);
    } else {
        return FALSE;
    }
    out->port = (guint16)port;
    return TRUE;
}

/* The last (innermost) occurrence of a field, with where its item lies; NULL when absent. */
static field_info *
last_field (proto_tree *tree, int hf)
{
    GPtrArray *a = hf > 0 ? proto_get_finfo_ptr_array (tree, hf) : NULL;
    return a && a->len ? a->pdata[a->len - 1] : NULL;
}

/* The last (innermost) occurrence of an unsigned field; FALSE when absent. */
static gboolean
last_uint (proto_tree *tree, int hf, guint32 *out)
{
    field_info *fi = last_field (tree, hf);
    if (!fi)
        return FALSE;
    *out = fvalue_get_uinteger (&fi->value);
    return TRUE;
}

static gboolean
has_field (proto_tree *tree, int hf)
{
    return last_field (tree, hf) != NULL;
}

/* The TCP header of this frame, located by the tcp.stream item (Wireshark places it at the
 * header's first byte); reading the flags and header length from it costs nothing, where asking
 * for tcp.flags and tcp.payload made Wireshark build a flag subtree and copy every payload.
 * FALSE when the item is absent or the bytes there are not this frame's ports. */
static gboolean
tcp_header (packet_info *pinfo, const field_info *stream, guint32 *flags, gint *payload_at,
            tvbuff_t **ds_tvb)
{
    if (!stream->ds_tvb || tvb_captured_length_remaining (stream->ds_tvb, stream->start) < 14)
        return FALSE;
    const guint8 *h = tvb_get_ptr (stream->ds_tvb, stream->start, 14);
    if ((guint32)(h[0] << 8 | h[1]) != pinfo->srcport ||
        (guint32)(h[2] << 8 | h[3]) != pinfo->destport)
        return FALSE;
    *flags = (guint32)(h[12] & 0x01) << 8 | h[13];
    *payload_at = stream->start + (h[12] >> 4) * 4;
    *ds_tvb = stream->ds_tvb;
    return TRUE;
}

/* The whole captured payload of @len bytes at @at, or NULL (cut by the snapshot length). */
static const guint8 *
payload_bytes (tvbuff_t *ds_tvb, gint at, guint32 len)
{
    if (!ds_tvb || len == 0 || len > G_MAXINT ||
        tvb_captured_length_remaining (ds_tvb, at) < (gint)len)
        return NULL;
    return tvb_get_ptr (ds_tvb, at, (gint)len);
}

static void
pending_reset (ScStreamSide *side)
{
    if (side->pending)
        g_byte_array_set_size (side->pending, 0);
    side->pending_over = FALSE;
}

/* Keeps a copy of the bytes TCP holds for reassembly in this frame (tcp.segment_data): they are
 * the start of a message whose end has not come yet. */
static void
pending_add (proto_tree *tree, ScStreamSide *side, guint32 frame)
{
    field_info *fi = last_field (tree, sc_ws_fields.tcp_segment_data);
    if (!fi || !fi->ds_tvb || fi->length <= 0 || side->pending_over)
        return;
    if (!side->pending)
        side->pending = g_byte_array_new ();
    if (side->pending->len + (guint)fi->length > SC_PLUGIN_PENDING_MAX) {
        side->pending_over = TRUE; /* the audit's framer gives up on such a message too */
        g_byte_array_set_size (side->pending, 0);
        return;
    }
    g_byte_array_append (side->pending, tvb_get_ptr (fi->ds_tvb, fi->start, fi->length),
                         (guint)fi->length);
    side->pending_frame = frame;
}

/* An ICMP message: the core reads its quote from the bytes, from the type field on (reading
 * Wireshark's fields for the quoted addresses would mean asking for ip.dst, which makes
 * Wireshark build and name-resolve address items in every IP packet). */
static gboolean
feed_icmp (packet_info *pinfo, proto_tree *tree, gint64 ts_us)
{
    gboolean v6 = TRUE;
    GPtrArray *a = proto_get_finfo_ptr_array (tree, sc_ws_fields.icmpv6_type);
    if (!a || a->len == 0) {
        v6 = FALSE;
        a = proto_get_finfo_ptr_array (tree, sc_ws_fields.icmp_type);
    }
    if (!a || a->len == 0)
        return FALSE;
    field_info *fi = a->pdata[0]; /* the outer message; a quoted ICMP is not an error of ours */
    if (!fi->ds_tvb)
        return TRUE;
    gint len = tvb_captured_length_remaining (fi->ds_tvb, fi->start);
    ScTransport t;
    ScEndpoint dst;
    if (len > 0 && sc_icmp_unreachable_parse (tvb_get_ptr (fi->ds_tvb, fi->start, len), (gsize)len,
                                              v6, &t, &dst))
        sc_core_destination_failed (sc_plugin_core (), t, &dst, pinfo->num, ts_us);
    return TRUE; /* any ICMP: no SIP to take from it */
}

/* TLS on a stream, as Wireshark dissected it: each record's type (TLS 1.3 protected records
 * show an opaque type), and the bytes of each handshake message it could read (the type field
 * starts it; its 24-bit length follows). */
static void
feed_tls (proto_tree *tree, ScTcpRef *ref, gboolean from_a, guint32 frame, gint64 ts_us)
{
    ScCore *core = sc_plugin_core ();
    /* Opaque types first: with TLS 1.3 decrypted, Wireshark also gives the record's inner
     * content type an item at the same place, which is the same record and not counted twice. */
    const int record_fields[] = {sc_ws_fields.tls_opaque_type, sc_ws_fields.tls_content_type};
    tvbuff_t *opaque_tvb[16];
    gint opaque_at[16];
    guint n_opaque = 0;
    for (guint f = 0; f < G_N_ELEMENTS (record_fields); f++) {
        GPtrArray *a =
            record_fields[f] > 0 ? proto_get_finfo_ptr_array (tree, record_fields[f]) : NULL;
        for (guint i = 0; a && i < a->len; i++) {
            field_info *fi = a->pdata[i];
            /* The type is the record header's first byte; its length is at offset 3. */
            if (!fi->ds_tvb || tvb_captured_length_remaining (fi->ds_tvb, fi->start) < 5)
                continue;
            gboolean seen = FALSE;
            for (guint k = 0; k < n_opaque && !seen; k++)
                seen = opaque_tvb[k] == fi->ds_tvb && opaque_at[k] == fi->start;
            if (seen)
                continue;
            if (f == 0 && n_opaque < G_N_ELEMENTS (opaque_tvb)) {
                opaque_tvb[n_opaque] = fi->ds_tvb;
                opaque_at[n_opaque++] = fi->start;
            }
            ref->tls = TRUE;
            sc_core_tls_record (core, ref->conn, from_a, (guint8)fvalue_get_uinteger (&fi->value),
                                5 + (gsize)tvb_get_ntohs (fi->ds_tvb, fi->start + 3), frame, ts_us);
        }
    }
    GPtrArray *hs = sc_ws_fields.tls_handshake_type > 0
                        ? proto_get_finfo_ptr_array (tree, sc_ws_fields.tls_handshake_type)
                        : NULL;
    for (guint i = 0; hs && i < hs->len; i++) {
        field_info *fi = hs->pdata[i];
        gint avail = fi->ds_tvb ? tvb_captured_length_remaining (fi->ds_tvb, fi->start) : 0;
        if (avail < 4)
            continue;
        const guint8 *h = tvb_get_ptr (fi->ds_tvb, fi->start, 4);
        gsize len = 4 + ((gsize)h[1] << 16 | (gsize)h[2] << 8 | h[3]);
        if (len > (gsize)avail)
            continue;
        ref->tls = TRUE;
        sc_core_tls_handshake (core, ref->conn, from_a,
                               tvb_get_ptr (fi->ds_tvb, fi->start, (gint)len), len, frame, ts_us);
    }
}

void
sc_plugin_feed (packet_info *pinfo, proto_tree *tree)
{
    ScCore *core = sc_plugin_core ();
    if (!core || !tree)
        return;
    gint64 ts_us = (gint64)pinfo->abs_ts.secs * G_USEC_PER_SEC + pinfo->abs_ts.nsecs / 1000;
    sc_plugin_note_time (ts_us);
    /* An ICMP error quotes another packet (even SIP): that is not a message on the wire. */
    if (feed_icmp (pinfo, tree, ts_us))
        return;

    ScEndpoint src, dst;
    if (!sc_plugin_endpoint (&pinfo->net_src, pinfo->srcport, &src) ||
        !sc_plugin_endpoint (&pinfo->net_dst, pinfo->destport, &dst))
        return;

    ScTcpRef *ref = NULL;
    ScConn *conn = NULL;
    gboolean from_a = TRUE;
    ScTransport transport = SC_TRANSPORT_UDP;
    guint32 flags = 0;
    gint tcp_payload_at = 0;
    tvbuff_t *tcp_tvb = NULL;
    field_info *stream_item =
        pinfo->ptype == PT_TCP ? last_field (tree, sc_ws_fields.tcp_stream) : NULL;
    if (stream_item && tcp_header (pinfo, stream_item, &flags, &tcp_payload_at, &tcp_tvb)) {
        guint32 stream = fvalue_get_uinteger (&stream_item->value);
        transport = SC_TRANSPORT_TCP;
        gboolean bare_syn = (flags & (TH_SYN | TH_ACK)) == TH_SYN;
        ref = sc_plugin_tcp_conn (stream, &src, &dst,
                                  bare_syn ? SC_INITIATOR_A : SC_INITIATOR_UNKNOWN, pinfo->num,
                                  ts_us, &from_a, &src);
        conn = ref->conn;
        if ((flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK))
            sc_core_stream_established (core, conn);
    }
    if (ref) {
        feed_tls (tree, ref, from_a, pinfo->num, ts_us);
        if (ref->tls)
            sc_plugin_note_tls (pinfo->num, ref);
    }
    if (ref && ref->tls)
        transport = SC_TRANSPORT_TLS;
    ScStreamSide *side = ref ? &ref->side[from_a ? 0 : 1] : NULL;
    if (side && has_field (tree, sc_ws_fields.tcp_lost_segment)) {
        /* Bytes were lost: as the audit's framer, judge no framing until the next message, and
         * no keep-alive timing across the hole. */
        side->sip_seen = FALSE;
        side->in_junk = FALSE;
        pending_reset (side);
        sc_core_stream_gap (core, conn, from_a, pinfo->num, ts_us);
    }

    /* What every message of this frame shares. */
    const ScMsgEvent base = {.frame = pinfo->num,
                             .ts_us = ts_us,
                             .transport = transport,
                             .src = src,
                             .dst = dst,
                             .conn = conn,
                             .from_a = from_a};
    GPtrArray *sips = proto_get_finfo_ptr_array (tree, sc_ws_fields.sip);
    gboolean sip_here = FALSE;
    for (guint i = 0; sips && i < sips->len; i++) {
        field_info *fi = sips->pdata[i];
        if (!fi->ds_tvb || fi->length <= 0)
            continue;
        const char *bytes = (const char *)tvb_get_ptr (fi->ds_tvb, fi->start, fi->length);
        if (side && sc_sip_start_line_len (bytes, (gsize)fi->length) <= 0) {
            /* Wireshark's "Continuation": bytes that are not SIP after a message (FRAME-003). */
            if (side->sip_seen && !side->in_junk)
                sc_core_stream_junk (core, conn, from_a, (gsize)fi->length, pinfo->num, ts_us,
                                     side->last_msg_frame);
            side->in_junk = TRUE;
            continue;
        }
        gint reported = tvb_reported_length_remaining (fi->ds_tvb, fi->start);
        ScMsgEvent ev = base;
        ev.wire_len =
            transport == SC_TRANSPORT_UDP && reported > 0 ? (gsize)reported : (gsize)fi->length;
        ev.captured_short = transport == SC_TRANSPORT_UDP && reported > fi->length;
        sc_core_sip_message (core, &ev, bytes, (gsize)fi->length);
        sip_here = TRUE;
        if (side) {
            side->sip_seen = TRUE;
            side->in_junk = FALSE;
            side->last_msg_frame = pinfo->num;
        }
    }

    if (side) {
        if (sip_here)
            pending_reset (side); /* what was held is the message just delivered */
        pending_add (tree, side, pinfo->num);
    }

    /* STUN and CR/LF keep-alives on UDP: the core tells whether the flow is a SIP one. The
     * datagram ends where udp.length says, before any Ethernet padding. */
    if (!ref && !sip_here && pinfo->ptype == PT_UDP) {
        field_info *ulen = last_field (tree, sc_ws_fields.udp_length);
        guint32 udp_len = ulen ? fvalue_get_uinteger (&ulen->value) : 0;
        /* The item is the header's length field, 4 bytes into it. */
        const guint8 *p =
            udp_len > 8 ? payload_bytes (ulen->ds_tvb, ulen->start + 4, udp_len - 8) : NULL;
        if (p)
            sc_core_udp_datagram (core, pinfo->num, ts_us, &src, &dst, p, udp_len - 8);
    }

    /* CRLF keep-alives: Wireshark leaves them as bare TCP payload of a segment of their own. */
    if (conn && !sip_here) {
        guint32 seg_len;
        const guint8 *p = last_uint (tree, sc_ws_fields.tcp_len, &seg_len)
                              ? payload_bytes (tcp_tvb, tcp_payload_at, seg_len)
                              : NULL;
        guint32 i = 0;
        while (p && i < seg_len && (p[i] == '\r' || p[i] == '\n'))
            i++;
        if (p && i == seg_len)
            sc_core_stream_crlf (core, conn, from_a, seg_len, pinfo->num, ts_us);
    }

    if (conn && (flags & (TH_FIN | TH_RST))) {
        /* A message Wireshark still holds when its sender closes was cut short (FRAME-002):
         * Wireshark never shows it, so hand the held bytes to the core as the audit does. */
        if (side && side->pending && !side->pending_over &&
            sc_sip_message_is_cut ((const char *)side->pending->data, side->pending->len)) {
            ScMsgEvent ev = base;
            ev.frame = side->pending_frame;
            ev.wire_len = side->pending->len;
            ev.stream_cut = TRUE;
            ev.cut_frame = pinfo->num;
            sc_core_sip_message (core, &ev, (const char *)side->pending->data, side->pending->len);
        }
        if (side)
            pending_reset (side);
        sc_core_stream_close (core, conn, from_a, (flags & TH_RST) != 0, pinfo->num, ts_us);
    }
}
