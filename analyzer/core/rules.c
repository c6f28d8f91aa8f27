/* rules.c — the registry: rules.def expanded into one table. */
#include "rules.h"

static const ScRuleInfo registry[SC_RULE_COUNT] = {
#define SC_RULE(sym, id, sev, ref, title, impl) {id, SC_SEVERITY_##sev, ref, title, impl},
#include "rules.def"
#undef SC_RULE
};

const ScRuleInfo *
sc_rule_info (ScRuleId rule)
{
    g_return_val_if_fail (rule < SC_RULE_COUNT, NULL);
    return &registry[rule];
}

gboolean
sc_rule_from_id (const char *id, ScRuleId *out)
{
    for (guint i = 0; i < SC_RULE_COUNT; i++) {
        if (g_ascii_strcasecmp (registry[i].id, id) == 0) {
            *out = (ScRuleId)i;
            return TRUE;
        }
    }
    return FALSE;
}

const char *
sc_severity_name (ScSeverity s)
{
    switch (s) {
    case SC_SEVERITY_ERROR:
        return "error";
    case SC_SEVERITY_WARNING:
        return "warning";
    default:
        return "info";
    }
}

gboolean
sc_severity_parse (const char *name, ScSeverity *out)
{
    static const char *const names[] = {"info", "warning", "error"};
    for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
        if (g_ascii_strcasecmp (names[i], name) == 0) {
            *out = (ScSeverity)i;
            return TRUE;
        }
    }
    return FALSE;
}
