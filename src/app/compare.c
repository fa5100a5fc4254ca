/* compare.c: parsing "KEY=A,B", making the two runs' configurations, and checking that
 * the two fit the memory budget together. */
#include "compare.h"

#include <stdio.h>
#include <string.h>

int compare_parse(CompareSpec *spec, const char *text, char *err, size_t errlen)
{
    memset(spec, 0, sizeof *spec);
    const char *eq = text ? strchr(text, '=') : NULL;
    const char *comma = eq ? strchr(eq + 1, ',') : NULL;
    if (!eq || !comma || eq == text || comma == eq + 1 || !comma[1] || strchr(comma + 1, ',') ||
        (size_t)(eq - text) >= sizeof spec->key || strlen(eq) > 2 * COMPARE_VALUE_LEN - 2) {
        snprintf(err, errlen, "compare %.200s: expected KEY=A,B with two values (for example model=rnn,lstm or rho=0.9,1.1)",
                 text ? text : "");
        return -1;
    }
    snprintf(spec->key, sizeof spec->key, "%.*s", (int)(eq - text), text);
    snprintf(spec->values[0], COMPARE_VALUE_LEN, "%.*s", (int)(comma - eq - 1), eq + 1);
    snprintf(spec->values[1], COMPARE_VALUE_LEN, "%s", comma + 1);
    if (!strcmp(spec->values[0], spec->values[1])) {
        snprintf(err, errlen, "compare %.200s: the two values are the same", text);
        return -1;
    }
    for (int r = 0; r < 2; r++)
        snprintf(spec->labels[r], sizeof spec->labels[r], "%.31s=%.255s", spec->key, spec->values[r]);
    return 0;
}

int compare_config(const Config *base, const CompareSpec *spec, int r, Config *out, char *err, size_t errlen)
{
    char pair[600], msg[CONFIG_ERR_LEN];
    *out = *base;
    out->shape_given = out->loss_given = -1;
    snprintf(pair, sizeof pair, "%s=%s", spec->key, spec->values[r]);
    if (config_set(out, pair, msg, sizeof msg) != 0) {
        snprintf(err, errlen, "compare: %s", msg);
        return -1;
    }
    if (!strcmp(spec->key, "task")) /* a task picks its own lengths */
        out->seq_len = out->lag = out->hidden = out->symbols = 0;
    Config probe = *out;
    if (config_resolve(&probe, msg, sizeof msg) != 0) {
        snprintf(err, errlen, "compare %s=%s: %s", spec->key, spec->values[r], msg);
        return -1;
    }
    return 0;
}

int compare_budget_check(const Config *base, const CompareSpec *spec, const BudgetWindow *window, size_t budget,
                         char *err, size_t errlen)
{
    Config c[2];
    size_t need[2];
    for (int r = 0; r < 2; r++) {
        if (compare_config(base, spec, r, &c[r], err, errlen) != 0 || config_resolve(&c[r], err, errlen) != 0)
            return -1;
        need[r] = budget_estimate(&c[r], 1, window, NULL);
    }
    return budget_check(&c[need[1] > need[0]], 2, window, budget, err, errlen);
}
