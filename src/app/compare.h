/* compare.h: compare mode's specification, "KEY=A,B": two runs on the same data and seed
 * differing in one key. Parsing and the two configurations only; the runs live in the
 * session (the window) or in the train verb. */
#ifndef RNNLAB_COMPARE_H
#define RNNLAB_COMPARE_H

#include "../core/budget.h"
#include "../core/config.h"

#include <stddef.h>

#define COMPARE_VALUE_LEN 256

typedef struct {
    char key[32];
    char values[2][COMPARE_VALUE_LEN];
    char labels[2][300]; /* "model=rnn" */
} CompareSpec;

/* Splits "KEY=A,B". Returns 0, or -1 with a message saying what is accepted. */
int compare_parse(CompareSpec *spec, const char *text, char *err, size_t errlen);

/* base with KEY set to run r's value (0 = A, 1 = B); a task picks its own lengths.
 * Returns 0, or -1 with a message naming the value. */
int compare_config(const Config *base, const CompareSpec *spec, int r, Config *out, char *err, size_t errlen);

/* budget_check of compare mode's two runs side by side, each reckoned as the larger of the
 * two (window: what the window keeps besides, or NULL). 0, or -1 with the message. */
int compare_budget_check(const Config *base, const CompareSpec *spec, const BudgetWindow *window, size_t budget,
                         char *err, size_t errlen);

#endif
