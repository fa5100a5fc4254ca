/* csv.h: the one writer of training histories as CSV, used by `train`, `train --compare`
 * and the window's export: a header naming one g_t column per time step the network runs
 * (T, or T + Td for seq2seq), then one row per step with 17 significant digits. Written to
 * a temporary name and renamed over the target only when every write succeeded. */
#ifndef RNNLAB_CSV_H
#define RNNLAB_CSV_H

#include "trainer.h"

#include <stdio.h>

typedef struct {
    FILE *f;
    char path[4096], tmp[4200];
    int T;        /* g_t columns */
    int labelled; /* a first column naming the run (compare mode) */
} CsvWriter;

/* Opens path's temporary file and writes the header. Returns 0, or -1 with a message. */
int csv_open(CsvWriter *w, const char *path, int T, int labelled, char *err, size_t errlen);

/* One row: the run's label (labelled files only), the step's scalars and its n_g
 * gradient norms; a run with fewer steps than the header leaves its last cells empty. */
void csv_row(CsvWriter *w, const char *label, long step, double loss, double metric, double grad_norm,
             int clipped, const double *g, int n_g);
void csv_row_observables(CsvWriter *w, const char *label, const Observables *o, int T);

/* Checks every write, flushes to disk and renames into place. Returns 0, or -1 with a
 * message (the target is then left as it was). */
int csv_close(CsvWriter *w, char *err, size_t errlen);

/* A whole history (oldest first) into path: the window's export. */
int csv_write_history(const char *path, const History *h, char *err, size_t errlen);

#endif
