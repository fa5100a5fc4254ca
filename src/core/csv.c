/* csv.c: training histories as CSV, written safely. Leaves reading CSV to other tools. */
#include "csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int csv_open(CsvWriter *w, const char *path, int T, int counts, int K, uint64_t seed, int labelled, char *err,
             size_t errlen)
{
    memset(w, 0, sizeof *w);
    w->w = malloc(sizeof *w->w);
    if (!w->w) {
        snprintf(err, errlen, "%s: cannot write: out of memory", path);
        return -1;
    }
    if (file_writer_open(w->w, path, err, errlen) != 0) {
        free(w->w);
        w->w = NULL;
        return -1;
    }
    w->T = T;
    w->K = K > 1 ? K : 1;
    w->labelled = labelled;
    w->counts = counts;
    file_writer_printf(w->w, "%s", labelled ? "run,step,loss,metric,grad_norm,clipped" : "step,loss,metric,grad_norm,clipped");
    for (int t = 0; t < T; t++)
        file_writer_printf(w->w, ",g_%d", t);
    for (int t = 0; counts && t < T; t++)
        file_writer_printf(w->w, ",n_%d", t);
    /* each run by its seed; in compare mode, where the runs' seeds may differ, by its
     * offset from the run's own */
    for (int r = 0; w->K > 1 && r < w->K; r++) {
        unsigned long long s = labelled ? (unsigned long long)r : (unsigned long long)seed + (unsigned long long)r;
        const char *plus = labelled ? "+" : "";
        file_writer_printf(w->w, ",loss_seed%s%llu,metric_seed%s%llu,grad_ratio_seed%s%llu", plus, s, plus, s, plus, s);
    }
    file_writer_write(w->w, "\n", 1);
    return 0;
}

void csv_row_history(CsvWriter *w, const char *label, const History *h, int k)
{
    if (w->labelled)
        file_writer_printf(w->w, "%s,", label ? label : "");
    file_writer_printf(w->w, "%ld,%.17g,%.17g,%.17g,%d", h->step[k], h->loss[k], h->metric[k], h->grad_norm[k], h->clipped[k]);
    const double *g = history_dh_norm(h, k, -1);
    for (int t = 0; t < w->T; t++) {
        if (t < h->T)
            file_writer_printf(w->w, ",%.17g", g[t]);
        else
            file_writer_write(w->w, ",", 1);
    }
    for (int t = 0; w->counts && t < w->T; t++) {
        if (t < h->T && h->n_t)
            file_writer_printf(w->w, ",%u", (unsigned)h->n_t[(size_t)k * h->T + t]);
        else
            file_writer_write(w->w, ",", 1);
    }
    for (int r = 0; w->K > 1 && r < w->K; r++)
        for (int v = 0; v < SEED_VALUES; v++) {
            if (r < h->K && h->K > 1)
                file_writer_printf(w->w, ",%.17g", history_seed_value(h, k, r, v));
            else
                file_writer_write(w->w, ",", 1);
        }
    file_writer_write(w->w, "\n", 1);
}

int csv_close(CsvWriter *w, char *err, size_t errlen)
{
    if (!w->w)
        return -1;
    int r = file_writer_close(w->w, err, errlen);
    free(w->w);
    w->w = NULL;
    return r;
}

void csv_abort(CsvWriter *w)
{
    if (!w->w)
        return;
    file_writer_abort(w->w);
    free(w->w);
    w->w = NULL;
}

int csv_write_history(const char *path, const History *h, uint64_t seed, char *err, size_t errlen)
{
    CsvWriter w;
    if (csv_open(&w, path, h->T, h->n_t != NULL, h->K, seed, 0, err, errlen) != 0)
        return -1;
    for (int i = 0; i < h->count; i++)
        csv_row_history(&w, NULL, h, history_index(h, i));
    return csv_close(&w, err, errlen);
}
