/* parity.c: a string of bits in, whether the number of ones is odd out: many-to-one, and
 * the answer depends on every bit. Leaves out any hint: no single bit says anything. */
#include "tasks.h"
#include "vmath.h"

#include <math.h>

static void parity_sizes(TaskInfo *info, const Config *cfg)
{
    (void)cfg;
    info->I = 2, info->O = 2;
}

static void parity_sample(const Task *task, Batch *bt, Rng *rng)
{
    for (int b = 0; b < bt->B; b++) {
        int p = 0, T = bt->len[b] = task_draw_len(task, rng);
        for (int t = 0; t < T; t++) {
            int bit = rng_int(rng, 2);
            task_xat(bt, t, b)[bit] = 1.0;
            p ^= bit;
        }
        bt->label[b] = p;
    }
}

/* The answer is read at the last step, which sees the last bit only. For T >= 2 the
 * parity of the other bits is a fair coin independent of it, so the label is too: ln 2.
 * For T = 1 the last bit is the whole string and its parity: 0. */
static double parity_baseline(const Task *task)
{
    return task->cfg.seq_len == 1 ? 0.0 : rl_log(2.0);
}

const TaskKindInfo task_kind_parity = {
    .name = "parity",
    .shape = SHAPE_MANY_TO_ONE,
    .loss = LOSS_XENT,
    .default_seq_len = 3,
    .default_hidden = 16,
    .min_seq_len = 1,
    .max_seq_len = 1000,
    .metric_name = "accuracy",
    .sentence = "A string of bits in; is the number of ones odd?",
    .shape_sentence = "Many-to-one: one verdict on the whole string, which depends on every bit.",
    .input_is_one_hot = 1,
    .sizes = parity_sizes,
    .sample = parity_sample,
    .baseline = parity_baseline,
    .baseline_varies_with_length = 1,
    .metric = task_metric_accuracy,
    .symbol_name = task_symbol_number,
};
