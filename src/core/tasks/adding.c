/* adding.c: Hochreiter & Schmidhuber's (1997) adding problem: two of a stream of uniform
 * numbers are marked, and the answer is their sum after the whole stream: the many-to-one
 * shape with a real-valued answer. Leaves out marks anywhere: one falls in each half. */
#include "tasks.h"

#include <stdio.h>
#include <string.h>

static void adding_sizes(TaskInfo *info, const Config *cfg)
{
    (void)cfg;
    info->I = 2, info->O = 1;
}

static void adding_sample(const Task *task, Batch *bt, Rng *rng)
{
    for (int b = 0; b < bt->B; b++) {
        int T = bt->len[b] = task_draw_len(task, rng), half = T / 2; /* one mark in each half of its own length */
        int m1 = rng_int(rng, half);
        int m2 = half + rng_int(rng, T - half);
        for (int t = 0; t < T; t++) {
            double *x = task_xat(bt, t, b);
            x[0] = rng_uniform(rng);
            x[1] = (t == m1 || t == m2) ? 1.0 : 0.0;
        }
        bt->y[b] = task_xat(bt, m1, b)[0] + task_xat(bt, m2, b)[0];
    }
}

/* The answer is read at the last step, t = T - 1, whose input is (u, mark). The first mark
 * m1 < T/2 never falls there; the second, uniform over the T - floor(T/2) steps of the
 * second half, does with p = 1 / (T - floor(T/2)). Marked: y = u_m1 + u, predict 0.5 + u,
 * leaving Var(u_m1) = 1/12. Unmarked: u says nothing, predict E[y] = 1, leaving
 * Var(u_m1 + u_m2) = 2/12. So p/12 + (1 - p)/6 = 1/6 - 1/(12 (T - floor(T/2))):
 * 0.1633 at T = 50, 0.15 at T = 10, 1/12 at T = 2 (always marked). */
static double adding_baseline(const Task *task)
{
    int T = task->cfg.seq_len;
    return 1.0 / 6.0 - 1.0 / (12.0 * (T - T / 2));
}

/* "0.412 + 0.093   (the two marked of 50 values)". */
static void adding_describe_input(const Task *task, const Batch *bt, int b, char *buf, size_t len)
{
    (void)task;
    int T = bt->len[b];
    buf[0] = '\0';
    for (int t = 0; t < T; t++) {
        const double *x = task_xat(bt, t, b);
        size_t used = strlen(buf);
        if (x[1] == 1.0)
            snprintf(buf + used, len - used, "%s%.3f", t < T / 2 ? "" : " + ", x[0]);
    }
    size_t used = strlen(buf);
    snprintf(buf + used, len - used, "   (the two marked of %d values)", T);
}

const TaskKindInfo task_kind_adding = {
    .name = "adding",
    .shape = SHAPE_MANY_TO_ONE,
    .loss = LOSS_MSE,
    .default_seq_len = 50,
    .default_hidden = 32,
    .min_seq_len = 2,
    .max_seq_len = 1000,
    .metric_name = "accuracy (|error| < 0.04)",
    .sentence = "Two numbers in a long stream are marked; output their sum.",
    .shape_sentence = "Many-to-one: the answer comes once, after the whole stream.",
    .sizes = adding_sizes,
    .sample = adding_sample,
    .baseline = adding_baseline,
    .baseline_varies_with_length = 1,
    .metric = task_metric_accuracy,
    .symbol_name = task_symbol_number,
    .describe_input = adding_describe_input,
};
