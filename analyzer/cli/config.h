/* config.h — the audit's --config file (GKeyFile) into an ScConfig. */
#pragma once

#include "core.h"

/* Reads @path into @cfg (already holding the defaults). Group [sipconn], keys: t1_ms,
 * udp_max_sip_bytes, txn_max, udp_flow_idle_s, udp_flow_max and the other tunables, sip_ports,
 * and keylog (a TLS key log's path, relative to the config file's folder unless absolute:
 * *@keylog, transfer full, untouched when absent). An unknown group or key, or a value out of
 * range, is an error naming the file: a typo must not pass silently. */
gboolean sc_config_load (ScConfig *cfg, const char *path, char **keylog, GError **error);
