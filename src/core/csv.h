/* csv.h: the one writer of training histories as CSV, used by `train`, `train --compare`
 * and the window's export: a header naming one g_t column per time step the network runs
 * (T, or T + Td for seq2seq: the norm over the sequences that have step t), with
 * variable lengths (min_len=) one n_t column per step counting those sequences, and, for seeds=K, each run's loss, metric and grad_ratio
 * (loss_seed3, ...), then one row per step with 17 significant digits. Written through
 * fileio's one writer: a temporary file renamed over the target only when every write
 * succeeded. */
#ifndef RNNLAB_CSV_H
#define RNNLAB_CSV_H

#include "fileio.h"
#include "trainer.h"

typedef struct {
    FileWriter *w;
    int T;        /* g_t columns */
    int K;        /* runs of a seeds=K history, 3 columns each when K > 1 */
    int labelled; /* a first column naming the run (compare mode) */
    int counts;   /* n_t columns (variable lengths) */
} CsvWriter;

/* Opens path's temporary file and writes the header: T gradient columns, T count columns
 * if counts, and K runs' from `seed` on (named by their offset, seed+0 .., in a labelled
 * file). Returns 0, or -1 with a message. */
int csv_open(CsvWriter *w, const char *path, int T, int counts, int K, uint64_t seed, int labelled, char *err,
             size_t errlen);

/* One row from entry k of h: the run's label (labelled files only), the step's scalars,
 * its gradient norms and its runs' values; a run with fewer steps (or runs) than the
 * header leaves its last cells empty. */
void csv_row_history(CsvWriter *w, const char *label, const History *h, int k);

/* Checks every write, flushes to disk and renames into place. Returns 0, or -1 with a
 * message (the target is then left as it was). */
int csv_close(CsvWriter *w, char *err, size_t errlen);

/* Gives up: the temporary file removed, the target as it was. */
void csv_abort(CsvWriter *w);

/* A whole history (oldest first) into path: the window's export. */
int csv_write_history(const char *path, const History *h, uint64_t seed, char *err, size_t errlen);

#endif
