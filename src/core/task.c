/* task.c: adding (Hochreiter & Schmidhuber 1997) and echo. The full task library is a
 * later issue; each task here is a sampler plus a few facts about it. */
#include "task.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

TaskInfo task_info(const Config *cfg)
{
    TaskInfo t = {0};
    switch (cfg->task) {
    case TASK_ADDING:
        t.I = 2;
        t.O = 1;
        t.shape = SHAPE_MANY_TO_ONE;
        t.loss = LOSS_MSE;
        t.default_seq_len = 50;
        t.default_lag = 3; /* unused */
        t.min_seq_len = 2;
        t.metric_name = "accuracy (|error| < 0.04)";
        t.sentence = "Two numbers in a long stream are marked; output their sum.";
        break;
    case TASK_ECHO:
        t.I = cfg->symbols;
        t.O = cfg->symbols + 1; /* the last class is 'nothing yet' */
        t.shape = SHAPE_MANY_TO_MANY;
        t.loss = LOSS_XENT;
        t.default_seq_len = 20;
        t.default_lag = 3;
        t.min_seq_len = 2;
        t.metric_name = "accuracy";
        t.sentence = "Repeat each symbol `lag` steps after it was seen.";
        break;
    }
    return t;
}

int task_batch_create(Batch *batch, const Config *cfg)
{
    TaskInfo info = task_info(cfg);
    memset(batch, 0, sizeof *batch);
    batch->T = cfg->seq_len;
    batch->B = cfg->batch;
    batch->I = info.I;
    batch->O = info.O;
    batch->shape = info.shape;
    batch->loss = info.loss;
    size_t T = (size_t)batch->T, B = (size_t)batch->B;
    size_t positions = info.shape == SHAPE_MANY_TO_ONE ? B : T * B;
    batch->x = calloc(T * B * (size_t)info.I, sizeof(double));
    if (info.loss == LOSS_MSE)
        batch->y = calloc(positions * (size_t)info.O, sizeof(double));
    else
        batch->label = calloc(positions, sizeof(int64_t));
    if (!batch->x || (!batch->y && !batch->label)) {
        task_batch_destroy(batch);
        return -1;
    }
    return 0;
}

void task_batch_destroy(Batch *batch)
{
    free(batch->label);
    free(batch->y);
    free(batch->x);
    memset(batch, 0, sizeof *batch);
}

static void sample_adding(Batch *bt, Rng *rng)
{
    int T = bt->T, B = bt->B, half = T / 2;
    for (int b = 0; b < B; b++) {
        int m1 = rng_int(rng, half);
        int m2 = half + rng_int(rng, T - half);
        for (int t = 0; t < T; t++) {
            double *x = &bt->x[((size_t)t * B + b) * 2];
            x[0] = rng_uniform(rng);
            x[1] = (t == m1 || t == m2) ? 1.0 : 0.0;
        }
        bt->y[b] = bt->x[((size_t)m1 * B + b) * 2] + bt->x[((size_t)m2 * B + b) * 2];
    }
}

static void sample_echo(Batch *bt, const Config *cfg, Rng *rng)
{
    int T = bt->T, B = bt->B, S = cfg->symbols, lag = cfg->lag;
    int *sym = malloc(sizeof(int) * (size_t)T);
    assert(sym);
    memset(bt->x, 0, sizeof(double) * (size_t)T * B * S);
    for (int b = 0; b < B; b++) {
        for (int t = 0; t < T; t++) {
            sym[t] = rng_int(rng, S);
            bt->x[((size_t)t * B + b) * S + sym[t]] = 1.0;
            bt->label[(size_t)t * B + b] = t >= lag ? sym[t - lag] : S;
        }
    }
    free(sym);
}

void task_sample(Batch *batch, const Config *cfg, Rng *rng)
{
    switch (cfg->task) {
    case TASK_ADDING: sample_adding(batch, rng); break;
    case TASK_ECHO: sample_echo(batch, cfg, rng); break;
    }
}

size_t task_target_count(const Batch *batch)
{
    size_t positions = batch->shape == SHAPE_MANY_TO_ONE ? (size_t)batch->B
                                                         : (size_t)batch->T * batch->B;
    return batch->loss == LOSS_MSE ? positions * (size_t)batch->O : positions;
}

double task_metric(const Batch *batch, const Config *cfg, const double *out)
{
    (void)cfg;
    size_t positions = batch->shape == SHAPE_MANY_TO_ONE ? (size_t)batch->B
                                                         : (size_t)batch->T * batch->B;
    size_t hits = 0;
    int O = batch->O;
    for (size_t p = 0; p < positions; p++) {
        const double *o = out + p * (size_t)O;
        if (batch->loss == LOSS_MSE) {
            int ok = 1;
            for (int k = 0; k < O; k++)
                ok &= fabs(o[k] - batch->y[p * (size_t)O + k]) < 0.04;
            hits += (size_t)ok;
        } else {
            int best = 0;
            for (int k = 1; k < O; k++)
                if (o[k] > o[best])
                    best = k;
            hits += best == batch->label[p];
        }
    }
    return (double)hits / (double)positions;
}

double task_baseline(const Config *cfg)
{
    switch (cfg->task) {
    case TASK_ADDING:
        /* Predicting E[y] = 1 leaves Var(u1 + u2) = 2/12. */
        return 1.0 / 6.0;
    case TASK_ECHO: {
        /* y_t is independent of x_t, so the best memoryless predictor is the marginal of
         * the labels: 'nothing yet' with p0 = lag/T, each symbol with (1-p0)/S. Its
         * cross-entropy is that distribution's entropy. */
        double p0 = (double)cfg->lag / cfg->seq_len, S = cfg->symbols;
        double h = -(1 - p0) * log((1 - p0) / S);
        if (p0 > 0)
            h -= p0 * log(p0);
        return h;
    }
    }
    return NAN;
}
