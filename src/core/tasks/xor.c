/* xor.c: two bits in, their exclusive or out, in one step: the one-to-one shape, where an
 * RNN is a plain feed-forward network. Leaves memory out: there is nothing to remember. */
#include "tasks.h"
#include "vmath.h"

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

/* The one step's input holds both bits, so the label u ^ v is a function of the current
 * input: the memoryless predictor is exact and its loss is 0 (the task needs a hidden
 * layer, not memory). */
static double xor_baseline(const Task *task)
{
    (void)task;
    return 0.0;
}

/* Chance level: both classes equally likely, and either bit alone says nothing. */
static double xor_chance(const Config *cfg)
{
    (void)cfg;
    return rl_log(2.0);
}

const TaskKindInfo task_kind_xor = {
    .fixed_length = "has one step, a lone pair of bits",
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
    .reference = xor_chance,
    .reference_name = "chance level",
    .metric = task_metric_accuracy,
    .symbol_name = task_symbol_number,
};
