/* sine.c: forecast the next value of a noisy sum of three sine waves with random phases:
 * many-to-many regression, as in time-series prediction. Leaves out forecasts further
 * ahead than one step. */
#include "tasks.h"

#include <math.h>

#define SINE_N 3
static const double SINE_PERIOD[SINE_N] = {7, 13, 29};
static const double SINE_AMPLITUDE[SINE_N] = {0.5, 0.3, 0.2};
#define SINE_NOISE 0.05

static void sine_sizes(TaskInfo *info, const Config *cfg)
{
    (void)cfg;
    info->I = 1, info->O = 1;
}

static void sine_sample(const Task *task, Batch *bt, Rng *rng)
{
    (void)task;
    int T = bt->T, B = bt->B;
    for (int b = 0; b < B; b++) {
        double phase[SINE_N];
        for (int k = 0; k < SINE_N; k++)
            phase[k] = rng_uniform_range(rng, 0, 2 * M_PI);
        for (int t = 0; t <= T; t++) {
            double v = SINE_NOISE * rng_normal(rng);
            for (int k = 0; k < SINE_N; k++)
                v += SINE_AMPLITUDE[k] * sin(2 * M_PI * t / SINE_PERIOD[k] + phase[k]);
            if (t < T)
                task_xat(bt, t, b)[0] = v;
            if (t > 0)
                bt->y[(size_t)(t - 1) * B + b] = v;
        }
    }
}

/* The best linear predictor from the current value alone: Var(x) - Cov(x_t, x_{t+1})^2 /
 * Var(x), with Var = sum a^2/2 + noise^2, Cov = sum a^2/2 cos(w). */
static double sine_baseline(const Task *task)
{
    (void)task;
    double var = SINE_NOISE * SINE_NOISE, cov = 0;
    for (int k = 0; k < SINE_N; k++) {
        double p = SINE_AMPLITUDE[k] * SINE_AMPLITUDE[k] / 2;
        var += p;
        cov += p * cos(2 * M_PI / SINE_PERIOD[k]);
    }
    return var - cov * cov / var;
}

const TaskKindInfo task_kind_sine = {
    .name = "sine",
    .shape = SHAPE_MANY_TO_MANY,
    .loss = LOSS_MSE,
    .default_seq_len = 50,
    .default_hidden = 32,
    .min_seq_len = 2,
    .max_seq_len = 1000,
    .metric_name = "mse",
    .metric_is_error = 1,
    .sentence = "Forecast the next value of a noisy sum of three sine waves.",
    .shape_sentence = "Many-to-many: a forecast at every step, as in time-series prediction.",
    .sizes = sine_sizes,
    .sample = sine_sample,
    .baseline = sine_baseline,
    .metric = task_metric_mse,
    .symbol_name = task_symbol_number,
};
