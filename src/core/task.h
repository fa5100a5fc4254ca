/* task.h: the tasks a network learns, one for every input/output shape a lesson teaches.
 * A task draws batches from the run's data generator and knows its shape, loss, metric
 * and memoryless baseline. Leaves the model alone: a task only fills inputs and targets.
 *
 * The tasks are one table (task.c), a row per task, each row defined in its own file under
 * tasks/. A kind is an index into that table; config's word list and count come from it.
 *
 * Dimension letters: B batch, T steps, I input, O output; Td and Id for seq2seq's decoder. */
#ifndef RNNLAB_TASK_H
#define RNNLAB_TASK_H

#include "config.h"
#include "rng.h"

#include <stddef.h>
#include <stdint.h>

#define TASK_MAX_VOCAB 256
#define TASK_MAX_KINDS 32           /* room for a caller's list of task names; task.c checks the table fits */
#define TASK_MAX_T CONFIG_SEQ_MAX   /* the longest sequence a sampler keeps a symbol for per step */

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
    /* (B) each sequence's length in network steps (<= T), the decoder's for seq2seq in
     * len_d (<= Td); all T (Td) unless min_len= is set. Steps past a length are padding:
     * zero inputs, no target. */
    int *len, *len_d;
    int varlen;     /* min_len= is set: the lengths vary */
    double *x;      /* (T, B, I) */
    double *xd;     /* (Td, B, Id) seq2seq decoder input: start symbol, then the previous target */
    double *y;      /* mse targets: (B, O) on the last step, (T, B, O) on every step */
    int64_t *label; /* xent classes: (B) on the last step, (T, B) or (Td, B) on every step */
} Batch;

/* A task with its data (the character corpus). */
typedef struct {
    int kind;   /* its row in the task table */
    Config cfg; /* resolved */
    TaskInfo info;
    double baseline;
    /* charlm's corpus (tasks/corpus.c) */
    uint32_t vocab[TASK_MAX_VOCAB]; /* code points, sorted */
    int n_vocab;
    int *corpus; /* indices into vocab */
    size_t corpus_len;
} Task;

/* One row of the task table: what a task is before any data (the defaults config_resolve
 * fills in, the text `rnnlab tasks` prints, the flags the window and the CLI read), and the
 * functions that make and judge its data. Every function is required unless it says NULL. */
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

    /* Which keys it reads, and how callers outside the task code treat it. */
    int uses_lag;          /* lag= is how far back its target is (< seq_len); the window shows a slider */
    int uses_symbols;      /* symbols= sizes its alphabet */
    int uses_text;         /* text= names its corpus; the other tasks reject text= */
    int generates_text;    /* `rnnlab sample` writes text from it (--prime, --temperature) */
    int input_is_one_hot;  /* every input row is one symbol, one-hot: printed by its name */
    int symbols_are_words; /* its symbol names are words: print them with spaces between */
    /* NULL where min_len= varies its sequences' lengths (sample honours Batch.len); else
     * why it cannot, as a phrase after the task's name ("has one step") */
    const char *fixed_length;

    /* I and O, and T, Td, Id where they are not seq_len and 0 (info holds T = seq_len, the
     * shape and the loss on entry); I = O = 0 where the data decides (charlm's vocabulary). */
    void (*sizes)(TaskInfo *info, const Config *cfg);
    /* NULL, or reads or makes the task's data and fixes any size it decides; returns 0, or
     * -1 with a message (task_destroy then calls destroy). */
    int (*create)(Task *task, char *err, size_t errlen);
    void (*destroy)(Task *task); /* NULL exactly when create is */
    /* Fills x (xd) and y or label of a batch whose inputs are zeroed, from rng. */
    void (*sample)(const Task *task, Batch *batch, Rng *rng);
    double (*baseline)(const Task *task); /* see task_baseline */
    /* the baseline changes with seq_len: min_len= then averages it over the lengths */
    int baseline_varies_with_length;
    /* NULL, or a second reference loss the loss view draws beside the baseline, named
     * reference_name (copy's clock baseline, xor's chance level); see task_reference. */
    double (*reference)(const Config *cfg);
    const char *reference_name;
    double (*metric)(const Task *task, const Batch *batch, const double *out); /* see task_metric */
    void (*symbol_name)(const Task *task, int k, int output, char *buf, size_t len);
    /* NULL, or a readable form of sample b's input where it is not a row of symbols or
     * numbers (wave's code, adding's two marked values). */
    void (*describe_input)(const Task *task, const Batch *batch, int b, char *buf, size_t len);
} TaskKindInfo;

/* The table: rows 0 .. task_kind_count()-1. task_kind_info asserts kind is one of them. */
int task_kind_count(void);
const TaskKindInfo *task_kind_info(int kind);
/* The row named name (as config spells it), or -1. */
int task_find(const char *name);

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

/* Whether the target at position p of the head's layout (batch.y rows, batch.label) is a
 * real one, not padding: one per sequence (many-to-one), or (t, b) = (p / B, p % B). */
int task_position_real(const Batch *batch, size_t p);
/* Positions with a target, padding left out. */
size_t task_real_positions(const Batch *batch);

/* The task's metric for predictions `out` in the head's output layout. */
double task_metric(const Task *task, const Batch *batch, const double *out);

/* The memoryless baseline: the loss of the best predictor that sees only the current
 * input (and the position where the loss is read at one step only, as in many-to-one),
 * for this configuration; each row's file gives its formula. docs/TASKS.md lists them. */
double task_baseline(const Task *task);

/* The row's second reference loss for a resolved configuration, with its name in *name,
 * or NAN (and *name NULL) where the row has none. Needs no task data: views call it. */
double task_reference(const Config *cfg, const char **name);

/* Writes a readable form of symbol k of the task's input or output alphabet ("good",
 * "X", "e", "·") into buf. */
void task_symbol_name(const Task *task, int k, int output, char *buf, size_t len);

/* Writes the task's own readable form of sample b's input (wave's code, adding's marked
 * values) into buf and returns 1, or returns 0 where the input is best printed as its
 * symbols or numbers. */
int task_describe_input(const Task *task, const Batch *batch, int b, char *buf, size_t len);

#endif
