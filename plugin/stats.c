/* stats.c — the connection table: one row per connection or UDP flow with its transport,
 * initiator, class, SIP messages, keep-alives and findings, then messages, bytes and
 * transactions from each side and how it ended. A stat_tap_table gives both the GUI
 * dialog (Statistics > Telephony) and tshark's -z sipconn,conns. */
#include "sipconn_plugin.h"

#include <epan/stat_tap_ui.h>
#include <epan/tap.h>

int sc_tap_id = -1;

enum {
    COL_CONN,
    COL_TRANSPORT,
    COL_INITIATOR,
    COL_CLASS,
    COL_MESSAGES,
    COL_KEEPALIVES,
    COL_FINDINGS,
    COL_MESSAGES_A,
    COL_MESSAGES_B,
    COL_BYTES_A,
    COL_BYTES_B,
    COL_TRANSACTIONS_A,
    COL_TRANSACTIONS_B,
    COL_END,
    N_COLS
};

static stat_tap_table_item columns[N_COLS] = {
    {TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Connection", "%u"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Transport", "%s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Initiator", "%s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Class", "%s"},
    {TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "SIP messages", "%u"},
    {TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Keep-alives", "%u"},
    {TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Findings", "%u"},
    {TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Msgs a", "%u"},
    {TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Msgs b", "%u"},
    {TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Bytes a", "%u"},
    {TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Bytes b", "%u"},
    {TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Txns a", "%u"},
    {TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Txns b", "%u"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "End", "%s"},
};

static void
init_table (stat_tap_table_ui *ui)
{
    stat_tap_table *table = stat_tap_init_table ("SIP connections and flows", N_COLS, 0, NULL);
    stat_tap_add_table (ui, table);
}

/* Rows are indexed by connection id - 1 (ids count up from 1 in frame order). */
static stat_tap_table_item_type *
row_for (stat_tap_table *table, guint conn_id)
{
    while (table->num_elements < conn_id) {
        stat_tap_table_item_type items[N_COLS];
        memset (items, 0, sizeof items);
        items[COL_CONN].type = TABLE_ITEM_UINT;
        items[COL_CONN].value.uint_value = table->num_elements + 1;
        items[COL_TRANSPORT].type = TABLE_ITEM_STRING;
        items[COL_TRANSPORT].value.string_value = g_strdup ("");
        items[COL_INITIATOR].type = TABLE_ITEM_STRING;
        items[COL_INITIATOR].value.string_value = g_strdup ("");
        items[COL_CLASS].type = TABLE_ITEM_STRING;
        items[COL_CLASS].value.string_value = g_strdup ("");
        for (guint c = COL_MESSAGES; c < N_COLS; c++)
            items[c].type = TABLE_ITEM_UINT;
        items[COL_END].type = TABLE_ITEM_STRING;
        items[COL_END].value.string_value = g_strdup ("");
        stat_tap_init_table_row (table, table->num_elements, N_COLS, items);
    }
    return table->elements[conn_id - 1];
}

static void
set_string (stat_tap_table_item_type *cell, const char *value)
{
    if (g_strcmp0 (cell->value.string_value, value) == 0)
        return;
    g_free ((char *)cell->value.string_value);
    cell->value.string_value = g_strdup (value);
}

/* Transport, initiator, class and facts of connection @conn_id's row. */
static void
describe (stat_tap_table_item_type *row, guint conn_id, ScTransport transport)
{
    char ep[SC_ENDPOINT_STRLEN];
    const ScEndpoint *initiator = sc_plugin_conn_initiator (conn_id);
    set_string (&row[COL_TRANSPORT], sc_transport_name (transport));
    set_string (&row[COL_INITIATOR], initiator ? sc_endpoint_format (initiator, ep) : "unknown");
    const ScStoredConn *c = sc_plugin_conn (conn_id);
    set_string (&row[COL_CLASS], c ? c->klass : "unknown");
    if (!c)
        return;
    /* The end-of-connection facts (the table is filled on later passes, when they are known).
     * A stat table cell is 32 bits: byte counts beyond 4 GiB saturate. */
    const guint64 counts[] = {c->messages_from[0],     c->messages_from[1],
                              c->bytes_from[0],        c->bytes_from[1],
                              c->transactions_from[0], c->transactions_from[1]};
    for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
        row[COL_MESSAGES_A + i].value.uint_value = (guint)MIN (counts[i], G_MAXUINT);
    set_string (&row[COL_END], c->end_kind ? c->end_kind : "");
}

static tap_packet_status
on_packet (void *tapdata, packet_info *pinfo, epan_dissect_t *edt, const void *data,
           tap_flags_t flags)
{
    (void)pinfo, (void)edt, (void)flags;
    stat_data_t *sd = tapdata;
    stat_tap_table *table = g_array_index (sd->stat_tap_data->tables, stat_tap_table *, 0);
    const ScFrameNotes *n = data;
    for (guint i = 0; i < n->n_messages; i++) {
        const ScStoredMessage *m = sc_plugin_notes_message (n, i);
        if (m->conn_id == 0)
            continue;
        stat_tap_table_item_type *row = row_for (table, m->conn_id);
        describe (row, m->conn_id, m->transport);
        row[COL_MESSAGES].value.uint_value++;
    }
    if (n->tls_conn_id) /* a TLS connection may show nothing else (no keys) */
        describe (row_for (table, n->tls_conn_id), n->tls_conn_id, SC_TRANSPORT_TLS);
    const ScStoredKeepalive *k = n->keepalive;
    if (k && k->conn_id) {
        /* A flow may carry keep-alives only (a capture that starts mid-flow). */
        stat_tap_table_item_type *row = row_for (table, k->conn_id);
        describe (row, k->conn_id, k->transport);
        if (k->counted)
            row[COL_KEEPALIVES].value.uint_value++;
    }
    for (guint i = 0; n->findings && i < wmem_array_get_count (n->findings); i++) {
        const ScStoredFinding *f = wmem_array_index (n->findings, i);
        if (f->conn_id)
            row_for (table, f->conn_id)[COL_FINDINGS].value.uint_value++;
    }
    return TAP_PACKET_REDRAW;
}

static void
reset_table (stat_tap_table *table)
{
    for (guint r = 0; r < table->num_elements; r++) {
        table->elements[r][COL_MESSAGES].value.uint_value = 0;
        table->elements[r][COL_KEEPALIVES].value.uint_value = 0;
        table->elements[r][COL_FINDINGS].value.uint_value = 0;
    }
}

static void
free_item (stat_tap_table *table, guint row, guint column, stat_tap_table_item_type *field)
{
    (void)table, (void)row;
    if (column == COL_TRANSPORT || column == COL_INITIATOR || column == COL_CLASS ||
        column == COL_END)
        g_free ((char *)field->value.string_value);
}

void
sc_plugin_register_stats (void)
{
    static stat_tap_table_ui ui = {
        REGISTER_STAT_GROUP_TELEPHONY,
        "SIP Connections (sipconn)",
        "sipconn",
        "sipconn,conns",
        init_table,
        on_packet,
        reset_table,
        free_item,
        NULL,
        N_COLS,
        columns,
        0,
        NULL,
        NULL,
        0,
    };
    sc_tap_id = register_tap ("sipconn");
    register_stat_tap_table_ui (&ui);
}
