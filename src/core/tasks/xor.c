/* xor.c: two bits in, their exclusive or out, in one step: the one-to-one shape, where an
 * RNN is a plain feed-forward network. Leaves memory out: there is nothing to remember. */
#include "tasks.h"

#include <math.h>

static void xor_sizes(TaskInfo *info, const Config *cfg)
{
    (void)cfg;
    info->I = 2, info->O = 2;
}

static void xor_sample(const Task *task, Batch *bt, Rng *rng)
{
    (void)task;
    for (int b = 0; b < bt->B; b++) {
        int u = rng_int(rng, 2), v = rng_int(rng, 2);
        task_xat(bt, 0, b)[0] = u;
        task_xat(bt, 0, b)[1] = v;
        bt->label[b] = u ^ v;
    }
}

/* The label is independent of either bit alone, and both classes are equally likely. */
static double xor_baseline(const Task *task)
{
    (void)task;
    return log(2.0);
}

const TaskKindInfo task_kind_xor = {
    .name = "xor",
    .shape = SHAPE_ONE_TO_ONE,
    .loss = LOSS_XENT,
    .default_seq_len = 1,
    .default_hidden = 8,
    .min_seq_len = 1,
    .max_seq_len = 1,
    .metric_name = "accuracy",
    .sentence = "Two bits in, their exclusive or out.",
    .shape_sentence = "One-to-one: a single step, so the RNN is a plain feed-forward network.",
    .sizes = xor_sizes,
    .sample = xor_sample,
    .baseline = xor_baseline,
    .metric = task_metric_accuracy,
    .symbol_name = task_symbol_number,
};
