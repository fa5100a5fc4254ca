/* seeds.c: seeds=K, K runs that differ only in the seed (seed, seed+1, ..., seed+K-1: the
 * initial weights and the data), trained step for step, so that the plots can show how
 * much an outcome owes to the seed. The run itself is the first; the other K-1 live in
 * tr->copies, each a whole Trainer of seeds=1, and leave in tr's history only their loss,
 * metric and grad_ratio at each step (History.seeds). The views draw from tr as before. */
#include "trainer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int seeds_create(Trainer *tr, char *err, size_t errlen)
{
    int n = tr->cfg.seeds - 1;
    tr->copies = calloc((size_t)n, sizeof(Trainer));
    if (!tr->copies) {
        snprintf(err, errlen, "out of memory for seeds=%d", tr->cfg.seeds);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        Config c = tr->cfg;
        c.seed = tr->cfg.seed + (uint64_t)i + 1;
        c.seeds = 1;
        c.history = 10; /* the values that matter go into tr's history */
        if (trainer_create(&tr->copies[i], &c, err, errlen) != 0) {
            seeds_destroy(tr);
            return -1;
        }
        tr->n_copies = i + 1;
        trainer_set_cancel(&tr->copies[i], tr->cancel);
    }
    size_t bytes = 0;
    for (int i = 0; i < n; i++)
        bytes += trainer_state_bytes(&tr->copies[i]);
    if (!(tr->copies_saved = malloc(bytes))) {
        snprintf(err, errlen, "out of memory for seeds=%d", tr->cfg.seeds);
        seeds_destroy(tr);
        return -1;
    }
    return 0;
}

void seeds_destroy(Trainer *tr)
{
    for (int i = 0; i < tr->n_copies; i++)
        trainer_destroy(&tr->copies[i]);
    free(tr->copies);
    free(tr->copies_saved);
    tr->copies = NULL;
    tr->copies_saved = NULL;
    tr->n_copies = 0;
}

/* The values History.seeds keeps of one run's last step. */
static void seed_values(const Trainer *tr, double *v)
{
    const Observables *o = &tr->obs;
    v[SEED_LOSS] = o->loss;
    v[SEED_METRIC] = o->metric;
    v[SEED_GRAD_RATIO] = grad_ratio_of(o->dh_norm, tr->T);
}

/* Puts the copies back as they were before this step (the first n of them stepped). */
static void restore_copies(Trainer *tr, int n)
{
    const unsigned char *p = tr->copies_saved;
    for (int i = 0; i < tr->n_copies; i++) {
        Trainer *c = &tr->copies[i];
        if (i < n) {
            trainer_state_restore(c, p);
            history_truncate(&c->hist, c->step);
        }
        p += trainer_state_bytes(c);
    }
}

int seeds_step(Trainer *tr)
{
    unsigned char *p = tr->copies_saved;
    for (int i = 0; i < tr->n_copies; i++) {
        Trainer *c = &tr->copies[i];
        trainer_state_save(c, p);
        p += trainer_state_bytes(c);
        if (trainer_step_alone(c) == TRAIN_CANCELLED) { /* c undid itself */
            restore_copies(tr, i);
            return TRAIN_CANCELLED;
        }
    }
    int r = trainer_step_alone(tr);
    if (r == TRAIN_CANCELLED) {
        restore_copies(tr, tr->n_copies);
        return r;
    }
    /* the entry trainer_step_alone just recorded (a diverged step records one too) */
    History *h = &tr->hist;
    double *row = h->seeds + (size_t)history_index(h, h->count - 1) * h->K * SEED_VALUES;
    seed_values(tr, row);
    for (int i = 0; i < tr->n_copies && i + 1 < h->K; i++)
        seed_values(&tr->copies[i], row + (size_t)(i + 1) * SEED_VALUES);
    return r;
}

double history_seed_value(const History *h, int k, int run, int v)
{
    if (!h->seeds || run < 0 || run >= h->K)
        return NAN;
    return h->seeds[((size_t)k * h->K + run) * SEED_VALUES + v];
}

int history_seed_spread(const History *h, int k, int v, double *lo, double *median, double *hi)
{
    double x[8];
    int n = 0;
    for (int r = 0; r < h->K && n < 8; r++) {
        double a = history_seed_value(h, k, r, v);
        if (!isfinite(a))
            continue;
        int j = n++; /* insertion: x stays sorted */
        for (; j > 0 && x[j - 1] > a; j--)
            x[j] = x[j - 1];
        x[j] = a;
    }
    if (n == 0) {
        *lo = *median = *hi = NAN;
        return 0;
    }
    *lo = x[0], *hi = x[n - 1];
    *median = n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
    return n;
}
