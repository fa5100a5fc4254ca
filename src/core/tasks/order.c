/* order.c: Hochreiter & Schmidhuber's (1997) temporal order problem: two symbols, X or Y,
 * hide among distractors, and the class is the order they came in. Leaves out the
 * three-symbol variant. */
#include "tasks.h"
#include "vmath.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>

enum { ORD_A, ORD_B, ORD_C, ORD_D, ORD_X, ORD_Y, ORD_START, ORD_END, ORD_N };
static const char *const ORDER_NAMES[ORD_N] = {"a", "b", "c", "d", "X", "Y", "E", "B"};
static const char *const ORDER_CLASSES[4] = {"XX", "XY", "YX", "YY"};

static void order_sizes(TaskInfo *info, const Config *cfg)
{
    (void)cfg;
    info->I = ORD_N, info->O = 4;
}

static void order_sample(const Task *task, Batch *bt, Rng *rng)
{
    assert(bt->T <= TASK_MAX_T);
    for (int b = 0; b < bt->B; b++) {
        int T = bt->len[b] = task_draw_len(task, rng), span = T / 10 > 1 ? T / 10 : 1;
        int sym[TASK_MAX_T];
        for (int t = 0; t < T; t++)
            sym[t] = rng_int(rng, 4); /* distractors a b c d */
        sym[0] = ORD_START;
        sym[T - 1] = ORD_END;
        int t1 = span + rng_int(rng, span), t2 = T / 2 + rng_int(rng, span);
        int s1 = rng_int(rng, 2), s2 = rng_int(rng, 2);
        sym[t1] = s1 ? ORD_Y : ORD_X;
        sym[t2] = s2 ? ORD_Y : ORD_X;
        for (int t = 0; t < T; t++)
            task_xat(bt, t, b)[sym[t]] = 1.0;
        bt->label[b] = 2 * s1 + s2; /* XX XY YX YY */
    }
}

/* The answer is read at the last step, whose input is always the end marker: it says
 * nothing, and the four classes are equally likely (s1, s2 fair and independent): ln 4. */
static double order_baseline(const Task *task)
{
    (void)task;
    return rl_log(4.0);
}

static void order_symbol_name(const Task *task, int k, int output, char *buf, size_t len)
{
    (void)task;
    snprintf(buf, len, "%s", output ? ORDER_CLASSES[k] : ORDER_NAMES[k]);
}

const TaskKindInfo task_kind_order = {
    .name = "order",
    .shape = SHAPE_MANY_TO_ONE,
    .loss = LOSS_XENT,
    .default_seq_len = 20,
    .default_hidden = 32,
    .min_seq_len = 10,
    .max_seq_len = 1000,
    .metric_name = "accuracy",
    .sentence = "Two symbols, X or Y, hide among distractors; say in which order they came "
                "(Hochreiter & Schmidhuber 1997).",
    .shape_sentence = "Many-to-one: one of four classes for the whole sequence.",
    .input_is_one_hot = 1,
    .sizes = order_sizes,
    .sample = order_sample,
    .baseline = order_baseline,
    .metric = task_metric_accuracy,
    .symbol_name = order_symbol_name,
};
