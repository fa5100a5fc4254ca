/* csv.c: training histories as CSV, written safely. Leaves reading CSV to other tools. */
#include "csv.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

int csv_open(CsvWriter *w, const char *path, int T, int labelled, char *err, size_t errlen)
{
    memset(w, 0, sizeof *w);
    if (snprintf(w->path, sizeof w->path, "%s", path) >= (int)sizeof w->path ||
        snprintf(w->tmp, sizeof w->tmp, "%s.tmp", path) >= (int)sizeof w->tmp) {
        snprintf(err, errlen, "%.200s...: path too long", path);
        return -1;
    }
    w->f = fopen(w->tmp, "w");
    if (!w->f) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        return -1;
    }
    w->T = T;
    w->labelled = labelled;
    fputs(labelled ? "run,step,loss,metric,grad_norm,clipped" : "step,loss,metric,grad_norm,clipped", w->f);
    for (int t = 0; t < T; t++)
        fprintf(w->f, ",g_%d", t);
    fputc('\n', w->f);
    return 0;
}

void csv_row(CsvWriter *w, const char *label, long step, double loss, double metric, double grad_norm,
             int clipped, const double *g, int n_g)
{
    if (w->labelled)
        fprintf(w->f, "%s,", label ? label : "");
    fprintf(w->f, "%ld,%.17g,%.17g,%.17g,%d", step, loss, metric, grad_norm, clipped);
    for (int t = 0; t < w->T; t++) {
        if (t < n_g)
            fprintf(w->f, ",%.17g", g[t]);
        else
            fputc(',', w->f);
    }
    fputc('\n', w->f);
}

void csv_row_observables(CsvWriter *w, const char *label, const Observables *o, int T)
{
    csv_row(w, label, o->step, o->loss, o->metric, o->grad_norm, o->clipped, o->dh_norm, T);
}

int csv_close(CsvWriter *w, char *err, size_t errlen)
{
    if (!w->f)
        return -1;
    int ok = !ferror(w->f);
    ok = fflush(w->f) == 0 && ok;
    ok = fsync(fileno(w->f)) == 0 && ok;
    int saved = errno;
    ok = fclose(w->f) == 0 && ok;
    w->f = NULL;
    if (!ok || rename(w->tmp, w->path) != 0) {
        if (ok)
            saved = errno;
        snprintf(err, errlen, "%s: cannot write: %s", w->path, strerror(saved ? saved : EIO));
        remove(w->tmp);
        return -1;
    }
    return 0;
}

int csv_write_history(const char *path, const History *h, char *err, size_t errlen)
{
    CsvWriter w;
    if (csv_open(&w, path, h->T, 0, err, errlen) != 0)
        return -1;
    for (int i = 0; i < h->count; i++) {
        int k = history_index(h, i);
        csv_row(&w, NULL, h->step[k], h->loss[k], h->metric[k], h->grad_norm[k], h->clipped[k],
                h->dh_norm + (size_t)k * h->T, h->T);
    }
    return csv_close(&w, err, errlen);
}
