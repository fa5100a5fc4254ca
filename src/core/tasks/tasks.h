/* tasks.h: private to the task code. The rows of the task table (each defined in its own
 * file here, listed in task.c), the helpers they share (task.c) and charlm's corpus
 * (corpus.c). Callers outside src/core/task* use task.h only. */
#ifndef RNNLAB_TASKS_H
#define RNNLAB_TASKS_H

#include "../task.h"

/* ---- the rows, in table order (task.c) ---- */

extern const TaskKindInfo task_kind_xor;
extern const TaskKindInfo task_kind_wave;
extern const TaskKindInfo task_kind_adding;
extern const TaskKindInfo task_kind_parity;
extern const TaskKindInfo task_kind_order;
extern const TaskKindInfo task_kind_sentiment;
extern const TaskKindInfo task_kind_echo;
extern const TaskKindInfo task_kind_sine;
extern const TaskKindInfo task_kind_charlm;
extern const TaskKindInfo task_kind_copy;
extern const TaskKindInfo task_kind_reverse;

/* ---- shared by the rows (task.c) ---- */

/* x at (t, b), a row of I. */
double *task_xat(const Batch *bt, int t, int b);

/* A sequence's length in the task's own units (its seq_len): seq_len itself, drawing
 * nothing, unless min_len= is set; then uniform in [min_len, seq_len]. Samplers draw it
 * first for each sequence and set Batch.len (and len_d) in network steps. */
int task_draw_len(const Task *task, Rng *rng);

/* Metrics: the mean squared error over every target; the fraction of right answers (the
 * argmax for xent, |error| < 0.04 on every output for mse) over every position, or over
 * positions from `first` on (time-major, so first = t * B skips steps before t). */
double task_metric_mse(const Task *task, const Batch *batch, const double *out);
double task_metric_accuracy(const Task *task, const Batch *batch, const double *out);
double task_accuracy_from(const Batch *batch, const double *out, size_t first);

/* Symbol names: the number k; the letter 'A' + k. */
void task_symbol_number(const Task *task, int k, int output, char *buf, size_t len);
void task_symbol_letter(const Task *task, int k, int output, char *buf, size_t len);

/* ---- charlm's corpus (corpus.c) ---- */

/* Reads text= (or, when it is empty, generates the agreement grammar's text from the seed)
 * into task->vocab, n_vocab, corpus and corpus_len. Returns 0, or -1 with a message naming
 * the file and what is wrong with it (the byte, the count). */
int corpus_load(Task *task, char *err, size_t errlen);
void corpus_free(Task *task);

/* The best memoryless next-character loss: the bigram conditional entropy of the corpus. */
double corpus_bigram_entropy(const Task *task);

/* Writes code point cp as UTF-8 into buf (at least 5 bytes), NUL-terminated. */
void corpus_utf8_encode(uint32_t cp, char *buf);

#endif
