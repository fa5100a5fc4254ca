/* csv.c: training histories as CSV, written safely. Leaves reading CSV to other tools. */
#include "csv.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

int csv_open(CsvWriter *w, const char *path, int T, int K, uint64_t seed, int labelled, char *err, size_t errlen)
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
    w->K = K > 1 ? K : 1;
    w->labelled = labelled;
    fputs(labelled ? "run,step,loss,metric,grad_norm,clipped" : "step,loss,metric,grad_norm,clipped", w->f);
    for (int t = 0; t < T; t++)
        fprintf(w->f, ",g_%d", t);
    /* each run by its seed; in compare mode, where the runs' seeds may differ, by its
     * offset from the run's own */
    for (int r = 0; w->K > 1 && r < w->K; r++) {
        unsigned long long s = labelled ? (unsigned long long)r : (unsigned long long)seed + (unsigned long long)r;
        const char *plus = labelled ? "+" : "";
        fprintf(w->f, ",loss_seed%s%llu,metric_seed%s%llu,grad_ratio_seed%s%llu", plus, s, plus, s, plus, s);
    }
    fputc('\n', w->f);
    return 0;
}

void csv_row_history(CsvWriter *w, const char *label, const History *h, int k)
{
    if (w->labelled)
        fprintf(w->f, "%s,", label ? label : "");
    fprintf(w->f, "%ld,%.17g,%.17g,%.17g,%d", h->step[k], h->loss[k], h->metric[k], h->grad_norm[k], h->clipped[k]);
    const double *g = h->dh_norm + (size_t)k * h->T;
    for (int t = 0; t < w->T; t++) {
        if (t < h->T)
            fprintf(w->f, ",%.17g", g[t]);
        else
            fputc(',', w->f);
    }
    for (int r = 0; w->K > 1 && r < w->K; r++)
        for (int v = 0; v < SEED_VALUES; v++) {
            if (r < h->K && h->K > 1)
                fprintf(w->f, ",%.17g", history_seed_value(h, k, r, v));
            else
                fputc(',', w->f);
        }
    fputc('\n', w->f);
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

int csv_write_history(const char *path, const History *h, uint64_t seed, char *err, size_t errlen)
{
    CsvWriter w;
    if (csv_open(&w, path, h->T, h->K, seed, 0, err, errlen) != 0)
        return -1;
    for (int i = 0; i < h->count; i++)
        csv_row_history(&w, NULL, h, history_index(h, i));
    return csv_close(&w, err, errlen);
}
