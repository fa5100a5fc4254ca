/* echo.c: repeat each symbol `lag` steps after it was seen: many-to-many with equal
 * lengths, the simplest test of how far back a memory reaches. Leaves out variable lags. */
#include "tasks.h"
#include "vmath.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>

static void echo_sizes(TaskInfo *info, const Config *cfg)
{
    info->I = cfg->symbols, info->O = cfg->symbols + 1; /* and 'nothing yet' */
}

static void echo_sample(const Task *task, Batch *bt, Rng *rng)
{
    int B = bt->B, S = task->cfg.symbols, lag = task->cfg.lag;
    assert(bt->T <= TASK_MAX_T);
    for (int b = 0; b < B; b++) {
        int sym[TASK_MAX_T], T = bt->len[b] = task_draw_len(task, rng);
        for (int t = 0; t < T; t++) {
            sym[t] = rng_int(rng, S);
            task_xat(bt, t, b)[sym[t]] = 1.0;
            bt->label[(size_t)t * B + b] = t >= lag ? sym[t - lag] : S;
        }
    }
}

/* lag >= 1 (config makes 0 the default 3), so y_t is sym[t - lag] or 'nothing yet', both
 * independent of x_t = sym[t]: without a clock the best memoryless predictor is the
 * labels' marginal over the steps, 'nothing yet' with p0 = lag/T, each symbol with
 * (1-p0)/S, and its loss that distribution's entropy: 1.6011 at T = 20, lag 3, S = 4. */
static double echo_baseline(const Task *task)
{
    const Config *cfg = &task->cfg;
    double p0 = (double)cfg->lag / cfg->seq_len, S = cfg->symbols;
    double h = -(1 - p0) * rl_log((1 - p0) / S);
    if (p0 > 0)
        h -= p0 * rl_log(p0);
    return h;
}

static void echo_symbol_name(const Task *task, int k, int output, char *buf, size_t len)
{
    if (output && k == task->cfg.symbols)
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%c", 'A' + k);
}

const TaskKindInfo task_kind_echo = {
    .name = "echo",
    .shape = SHAPE_MANY_TO_MANY,
    .loss = LOSS_XENT,
    .default_seq_len = 20,
    .default_lag = 3,
    .default_hidden = 32,
    .default_symbols = 4,
    .min_seq_len = 2,
    .max_seq_len = 1000,
    .metric_name = "accuracy",
    .sentence = "Repeat each symbol `lag` steps after it was seen.",
    .shape_sentence = "Many-to-many: an output at every step, equal lengths, as in tagging.",
    .uses_lag = 1,
    .uses_symbols = 1,
    .input_is_one_hot = 1,
    .sizes = echo_sizes,
    .sample = echo_sample,
    .baseline = echo_baseline,
    .baseline_varies_with_length = 1,
    .metric = task_metric_accuracy,
    .symbol_name = echo_symbol_name,
};
