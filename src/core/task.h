/* task.h: the tasks a network learns; each draws batches from the run's data generator
 * and knows its shape, loss, metric and memoryless baseline. Leaves the model alone:
 * a task only fills inputs and targets. */
#ifndef RNNLAB_TASK_H
#define RNNLAB_TASK_H

#include "config.h"
#include "rng.h"

#include <stdint.h>

/* Dimension letters: B batch, T steps, I input, O output. */
typedef struct {
    int I, O;
    Shape shape;
    LossKind loss;
    int default_seq_len, default_lag, min_seq_len;
    const char *metric_name;
    const char *sentence;
} TaskInfo;

typedef struct {
    int T, B, I, O;
    Shape shape;
    LossKind loss;
    double *x;       /* (T, B, I) */
    double *y;       /* mse targets: (B, O) many-to-one, (T, B, O) many-to-many */
    int64_t *label;  /* xent classes: (B) many-to-one, (T, B) many-to-many */
} Batch;

TaskInfo task_info(const Config *cfg);

/* A batch sized for the resolved configuration; task_batch_destroy frees it. */
int task_batch_create(Batch *batch, const Config *cfg);
void task_batch_destroy(Batch *batch);

/* Draws a fresh batch from rng. */
void task_sample(Batch *batch, const Config *cfg, Rng *rng);

/* Number of targets (elements for mse, positions for xent) the loss averages over. */
size_t task_target_count(const Batch *batch);

/* The task's metric for predictions `out` ((B, O) or (T, B, O)); higher is better. */
double task_metric(const Batch *batch, const Config *cfg, const double *out);

/* The loss of the best predictor that uses no memory, for this configuration. */
double task_baseline(const Config *cfg);

#endif
