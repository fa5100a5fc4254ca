/* task.c: the task table and what every task shares: building a task and its batches,
 * dispatching to a row's functions, the common metrics and symbol names. What each task
 * is and does lives in its own file under tasks/; charlm's corpus in tasks/corpus.c. */
#include "task.h"

#include "tasks/tasks.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the table ---- */

/* One row per task; the order is the order of config's word list and of `rnnlab tasks`.
 * A new task is a file under tasks/ defining its row (listed in CMakeLists.txt), its
 * declaration in tasks/tasks.h, and a line here; test_task checks every row is complete. */
static const TaskKindInfo *const KINDS[] = {
    &task_kind_xor,
    &task_kind_wave,
    &task_kind_adding,
    &task_kind_parity,
    &task_kind_order,
    &task_kind_sentiment,
    &task_kind_echo,
    &task_kind_sine,
    &task_kind_charlm,
    &task_kind_copy,
    &task_kind_reverse,
};
#define N_KINDS ((int)(sizeof KINDS / sizeof KINDS[0]))
_Static_assert(sizeof KINDS / sizeof KINDS[0] <= TASK_MAX_KINDS, "raise TASK_MAX_KINDS in task.h");

int task_kind_count(void) { return N_KINDS; }

const TaskKindInfo *task_kind_info(int kind)
{
    assert(kind >= 0 && kind < N_KINDS);
    return KINDS[kind];
}

int task_find(const char *name)
{
    for (int k = 0; k < N_KINDS; k++)
        if (strcmp(KINDS[k]->name, name) == 0)
            return k;
    return -1;
}

/* ---- a task and its data ---- */

TaskInfo task_info(const Config *cfg)
{
    TaskInfo t = {0};
    const TaskKindInfo *k = task_kind_info(cfg->task);
    t.shape = k->shape;
    t.loss = k->loss;
    t.T = cfg->seq_len;
    k->sizes(&t, cfg);
    return t;
}

/* The baseline of min_len=: lengths n uniform in [min_len, seq_len]. A loss read once a
 * sequence averages the per-length baselines; a loss over every real position weighs each
 * length by its positions (the batch's mean pools them: sum_n P(n) b(n) / sum_n P(n)). */
static double baseline_over_lengths(Task *task, const TaskKindInfo *k)
{
    const Config *cfg = &task->cfg;
    if (cfg->min_len <= 0 || !k->baseline_varies_with_length)
        return k->baseline(task);
    Task one = *task;
    double sum = 0, weight = 0;
    for (int n = cfg->min_len; n <= cfg->seq_len; n++) {
        one.cfg.seq_len = n;
        one.info = task_info(&one.cfg);
        double w = k->shape == SHAPE_MANY_TO_ONE || k->shape == SHAPE_ONE_TO_ONE ? 1.0
                   : one.info.Td                                                ? one.info.Td
                                                                                : one.info.T;
        sum += w * k->baseline(&one);
        weight += w;
    }
    return sum / weight;
}

int task_create(Task *task, const Config *cfg, char *err, size_t errlen)
{
    memset(task, 0, sizeof *task);
    const TaskKindInfo *k = task_kind_info(cfg->task);
    task->kind = cfg->task;
    task->cfg = *cfg;
    task->info = task_info(cfg);
    if (k->create && k->create(task, err, errlen) != 0) {
        task_destroy(task);
        return -1;
    }
    task->baseline = baseline_over_lengths(task, k);
    return 0;
}

void task_destroy(Task *task)
{
    const TaskKindInfo *k = task_kind_info(task->kind);
    if (k->destroy)
        k->destroy(task);
    memset(task, 0, sizeof *task);
}

double task_baseline(const Task *task) { return task->baseline; }

double task_reference(const Config *cfg, const char **name)
{
    const TaskKindInfo *k = task_kind_info(cfg->task);
    *name = k->reference ? k->reference_name : NULL;
    return k->reference ? k->reference(cfg) : NAN;
}

/* ---- batches ---- */

/* Positions with a target: one per sequence, or one per (decoder) step and sequence. */
static size_t positions(const Batch *b)
{
    if (b->shape == SHAPE_SEQ2SEQ)
        return (size_t)b->Td * b->B;
    if (b->shape == SHAPE_ONE_TO_ONE || b->shape == SHAPE_MANY_TO_ONE)
        return (size_t)b->B;
    return (size_t)b->T * b->B;
}

int task_draw_len(const Task *task, Rng *rng)
{
    const Config *c = &task->cfg;
    return c->min_len > 0 ? c->min_len + rng_int(rng, c->seq_len - c->min_len + 1) : c->seq_len;
}

int task_position_real(const Batch *b, size_t p)
{
    if (!b->varlen || b->shape == SHAPE_ONE_TO_ONE || b->shape == SHAPE_MANY_TO_ONE)
        return 1;
    size_t t = p / (size_t)b->B, s = p % (size_t)b->B;
    return (int)t < (b->shape == SHAPE_SEQ2SEQ ? b->len_d : b->len)[s];
}

size_t task_real_positions(const Batch *b)
{
    size_t P = positions(b), n = 0;
    if (!b->varlen)
        return P;
    for (size_t p = 0; p < P; p++)
        n += (size_t)task_position_real(b, p);
    return n;
}

int task_batch_create(Batch *batch, const Task *task)
{
    const TaskInfo *info = &task->info;
    memset(batch, 0, sizeof *batch);
    batch->T = info->T;
    batch->B = task->cfg.batch;
    batch->I = info->I;
    batch->O = info->O;
    batch->Td = info->Td;
    batch->Id = info->Id;
    batch->shape = info->shape;
    batch->loss = info->loss;
    size_t T = (size_t)batch->T, B = (size_t)batch->B, P = positions(batch);
    int ok = (batch->x = calloc(T * B * (size_t)info->I, sizeof(double))) != NULL;
    ok = ok && (batch->len = calloc(B, sizeof(int))) && (batch->len_d = calloc(B, sizeof(int)));
    for (size_t b = 0; ok && b < B; b++)
        batch->len[b] = batch->T, batch->len_d[b] = batch->Td;
    batch->varlen = task->cfg.min_len > 0;
    if (info->Td)
        ok = ok && (batch->xd = calloc((size_t)info->Td * B * info->Id, sizeof(double))) != NULL;
    if (info->loss == LOSS_MSE)
        ok = ok && (batch->y = calloc(P * (size_t)info->O, sizeof(double))) != NULL;
    else
        ok = ok && (batch->label = calloc(P, sizeof(int64_t))) != NULL;
    if (!ok) {
        task_batch_destroy(batch);
        return -1;
    }
    return 0;
}

void task_batch_destroy(Batch *batch)
{
    free(batch->len_d);
    free(batch->len);
    free(batch->label);
    free(batch->y);
    free(batch->xd);
    free(batch->x);
    memset(batch, 0, sizeof *batch);
}

double *task_xat(const Batch *bt, int t, int b)
{
    return bt->x + ((size_t)t * bt->B + b) * bt->I;
}

void task_sample(const Task *task, Batch *bt, Rng *rng)
{
    memset(bt->x, 0, (size_t)bt->T * bt->B * bt->I * sizeof(double));
    if (bt->xd)
        memset(bt->xd, 0, (size_t)bt->Td * bt->B * bt->Id * sizeof(double));
    size_t P = positions(bt); /* padding's targets: zero, whatever the last batch left */
    if (bt->label)
        memset(bt->label, 0, P * sizeof(int64_t));
    if (bt->y)
        memset(bt->y, 0, P * (size_t)bt->O * sizeof(double));
    for (int b = 0; b < bt->B; b++)
        bt->len[b] = bt->T, bt->len_d[b] = bt->Td;
    task_kind_info(task->kind)->sample(task, bt, rng);
}

/* ---- metrics ---- */

double task_metric(const Task *task, const Batch *batch, const double *out)
{
    return task_kind_info(task->kind)->metric(task, batch, out);
}

double task_metric_mse(const Task *task, const Batch *batch, const double *out)
{
    (void)task;
    size_t O = (size_t)batch->O, P = positions(batch);
    double se = 0;
    for (size_t p = 0; p < P; p++)
        for (size_t k = 0; k < O && task_position_real(batch, p); k++)
            se += (out[p * O + k] - batch->y[p * O + k]) * (out[p * O + k] - batch->y[p * O + k]);
    return se / (double)(task_real_positions(batch) * O);
}

double task_metric_accuracy(const Task *task, const Batch *batch, const double *out)
{
    (void)task;
    return task_accuracy_from(batch, out, 0);
}

double task_accuracy_from(const Batch *batch, const double *out, size_t first)
{
    size_t P = positions(batch);
    int O = batch->O;
    size_t hits = 0, counted = 0;
    for (size_t p = first; p < P; p++) {
        const double *o = out + p * (size_t)O;
        if (!task_position_real(batch, p))
            continue;
        counted++;
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
    return counted ? (double)hits / (double)counted : 0.0;
}

/* ---- names ---- */

void task_symbol_name(const Task *task, int k, int output, char *buf, size_t len)
{
    task_kind_info(task->kind)->symbol_name(task, k, output, buf, len);
}

void task_symbol_number(const Task *task, int k, int output, char *buf, size_t len)
{
    (void)task, (void)output;
    snprintf(buf, len, "%d", k);
}

void task_symbol_letter(const Task *task, int k, int output, char *buf, size_t len)
{
    (void)task, (void)output;
    snprintf(buf, len, "%c", 'A' + k);
}

int task_describe_input(const Task *task, const Batch *batch, int b, char *buf, size_t len)
{
    const TaskKindInfo *k = task_kind_info(task->kind);
    if (!k->describe_input)
        return 0;
    k->describe_input(task, batch, b, buf, len);
    return 1;
}
