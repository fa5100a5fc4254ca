/* wave.c: a code at the first step names one of six sine waves, and the network draws it:
 * the one-to-many shape. Leaves noise out: the waves are exact, so a network can be perfect. */
#include "tasks.h"
#include "vmath.h"

#include <math.h>
#include <stdio.h>

#define WAVE_CODES 6
static const double WAVE_PERIOD[WAVE_CODES] = {8, 8, 12, 12, 20, 20};
static const double WAVE_PHASE[WAVE_CODES] = {0, M_PI / 2, 0, M_PI / 2, 0, M_PI / 2};
#define WAVE_AMPLITUDE 0.8

static double wave_value(int code, int t)
{
    return WAVE_AMPLITUDE * rl_sin(2 * M_PI * t / WAVE_PERIOD[code] + WAVE_PHASE[code]);
}

static void wave_sizes(TaskInfo *info, const Config *cfg)
{
    (void)cfg;
    info->I = WAVE_CODES, info->O = 1;
}

static void wave_sample(const Task *task, Batch *bt, Rng *rng)
{
    (void)task;
    for (int b = 0; b < bt->B; b++) {
        int code = rng_int(rng, WAVE_CODES);
        task_xat(bt, 0, b)[code] = 1.0;
        for (int t = 0; t < bt->T; t++)
            bt->y[(size_t)t * bt->B + b] = wave_value(code, t);
    }
}

/* At t = 0 the code is visible, so y_0 is known (loss 0); afterwards the input is zero at
 * every step of every wave, and without a clock the best constant is the mean of those
 * values over the six equally likely codes and t = 1 .. T-1, its loss their variance:
 * sum over codes and t >= 1 of (y - mean)^2 / (6 T), 0.3073 at T = 30. */
static double wave_baseline(const Task *task)
{
    int T = task->cfg.seq_len;
    if (T < 2)
        return 0.0;
    double mean = 0, ss = 0;
    for (int k = 0; k < WAVE_CODES; k++)
        for (int t = 1; t < T; t++)
            mean += wave_value(k, t);
    mean /= (double)WAVE_CODES * (T - 1);
    for (int k = 0; k < WAVE_CODES; k++)
        for (int t = 1; t < T; t++)
            ss += (wave_value(k, t) - mean) * (wave_value(k, t) - mean);
    return ss / WAVE_CODES / T;
}

/* "code 3": the one-hot code of the first step. */
static void wave_describe_input(const Task *task, const Batch *bt, int b, char *buf, size_t len)
{
    (void)task;
    const double *x = task_xat(bt, 0, b);
    int code = 0;
    for (int k = 1; k < bt->I; k++)
        if (x[k] > x[code])
            code = k;
    snprintf(buf, len, "code %d", code);
}

const TaskKindInfo task_kind_wave = {
    .fixed_length = "is one-to-many: its one input, a code, has no length to vary",
    .name = "wave",
    .shape = SHAPE_ONE_TO_MANY,
    .loss = LOSS_MSE,
    .default_seq_len = 30,
    .default_hidden = 16,
    .min_seq_len = 2,
    .max_seq_len = 1000,
    .metric_name = "mse",
    .metric_is_error = 1,
    .sentence = "A code at the first step names one of six sine waves; draw that wave.",
    .shape_sentence = "One-to-many: one input, a sequence out, as in captioning an image.",
    .sizes = wave_sizes,
    .sample = wave_sample,
    .baseline = wave_baseline,
    .metric = task_metric_mse,
    .symbol_name = task_symbol_number,
    .describe_input = wave_describe_input,
};
