/* task.h: the tasks a network learns, one for every input/output shape a lesson teaches.
 * A task draws batches from the run's data generator and knows its shape, loss, metric
 * and memoryless baseline. Leaves the model alone: a task only fills inputs and targets.
 *
 * Dimension letters: B batch, T steps, I input, O output; Td and Id for seq2seq's decoder. */
#ifndef RNNLAB_TASK_H
#define RNNLAB_TASK_H

#include "config.h"
#include "rng.h"

#include <stddef.h>
#include <stdint.h>

#define TASK_ERR_LEN 512
#define TASK_MAX_VOCAB 256

/* What a task is, before any data: the defaults config_resolve fills in and the text
 * `rnnlab tasks` prints. */
typedef struct {
    const char *name;
    Shape shape;
    LossKind loss;
    int default_seq_len, default_lag, default_hidden, default_symbols;
    int min_seq_len, max_seq_len;
    const char *metric_name;
    int metric_is_error; /* 1: lower is better (mse); 0: accuracy */
    const char *sentence;       /* what it is */
    const char *shape_sentence; /* which shape it is and why */
} TaskKindInfo;

const TaskKindInfo *task_kind_info(TaskKind kind);

/* Sizes for a resolved configuration. */
typedef struct {
    int I, O;
    int T;       /* network steps of the input (the encoder's for seq2seq) */
    int Td, Id;  /* seq2seq: decoder steps and decoder input size; 0 otherwise */
    Shape shape;
    LossKind loss;
} TaskInfo;

typedef struct {
    int T, B, I, O;
    int Td, Id;
    Shape shape;
    LossKind loss;
    double *x;      /* (T, B, I) */
    double *xd;     /* (Td, B, Id) seq2seq decoder input: start symbol, then the previous target */
    double *y;      /* mse targets: (B, O) on the last step, (T, B, O) on every step */
    int64_t *label; /* xent classes: (B) on the last step, (T, B) or (Td, B) on every step */
} Batch;

/* A task with its data (the character corpus, the wave table). */
typedef struct {
    TaskKind kind;
    Config cfg; /* resolved */
    TaskInfo info;
    double baseline;
    /* charlm */
    uint32_t vocab[TASK_MAX_VOCAB]; /* code points, sorted */
    int n_vocab;
    int *corpus; /* indices into vocab */
    size_t corpus_len;
} Task;

/* Builds the task for a resolved configuration; for charlm reads text= or generates its
 * corpus. Returns 0, or -1 with a message naming the problem (the file, the byte). */
int task_create(Task *task, const Config *cfg, char *err, size_t errlen);
void task_destroy(Task *task);

/* Sizes without building the task's data (0 for charlm's vocabulary-dependent sizes). */
TaskInfo task_info(const Config *cfg);

int task_batch_create(Batch *batch, const Task *task);
void task_batch_destroy(Batch *batch);

/* Draws a fresh batch from rng. */
void task_sample(const Task *task, Batch *batch, Rng *rng);

/* The task's metric for predictions `out` in the head's output layout. */
double task_metric(const Task *task, const Batch *batch, const double *out);

/* The loss of the best predictor that uses no memory, for this configuration. */
double task_baseline(const Task *task);

/* Writes a readable form of symbol k of the task's input or output alphabet ("good",
 * "X", "e", "·") into buf. */
void task_symbol_name(const Task *task, int k, int output, char *buf, size_t len);

#endif
