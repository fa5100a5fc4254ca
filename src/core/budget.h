/* budget.h: the memory a configuration will take, reckoned before anything is allocated
 * from the sizes the allocations use, and the check that refuses what exceeds a budget
 * with a message naming the setting that dominates and the largest value of it that fits.
 * Leaves out measuring the process: these are sums (tests/test_budget.c holds them against
 * what malloc hands out and against the peak resident size of `rnnlab train`). */
#ifndef RNNLAB_BUDGET_H
#define RNNLAB_BUDGET_H

#include "config.h"

#include <stddef.h>

/* The smallest budget --memory accepts: less would refuse the defaults' own runs. */
#define BUDGET_MIN ((size_t)16 << 20)

/* What the window's session keeps besides its trainers (session_run.c fills it from its
 * own constants); NULL where a verb keeps only its trainers (train, grads, bench). */
typedef struct {
    int view_copies;       /* copies of each run's observables, history and terms arrays
                              (the last good state, the published buffers) */
    int scrub;             /* 1: a time-travel trainer of run A, seeds' copies included ... */
    int scrub_views;       /* ... and this many copies of its views */
    size_t snapshot_bytes; /* run A's snapshots take at most this much, but at least one ... */
    int snapshots;         /* ... and are at most this many */
} BudgetWindow;

/* Where the bytes go, summed over every trainer (the runs, seeds=K's copies, time travel)
 * and every copy the window keeps. */
typedef struct {
    size_t caches;      /* forward and backward arrays: (T, B, G*H), (T+1, B, H), ... */
    size_t history;     /* recorded steps: capacity x (T + G + 5 values) (+ 3K for seeds=K) */
    size_t observables; /* the last step's arrays (T x (G*H + 2H + I + 4)), spectra */
    size_t data;        /* the task's batch (T, B, I) and targets, charlm's text */
    size_t parameters;  /* parameters, gradients and both moments (4 x), seeds' saved states */
    size_t snapshots;   /* the window's snapshots of run A */
    size_t terms;       /* the window's terms-view arrays (3 x S x T) and the passes making them */
    size_t total;
} BudgetParts;

/* Bytes that `runs` trainers of the resolved configuration cfg need side by side (2:
 * compare mode's A and B, the larger of the two given), with what window keeps of them
 * when it is not NULL; parts (may be NULL) says where they go. charlm's sizes come from
 * its text, read here once (one over 4 MiB is reckoned with the largest vocabulary). */
size_t budget_estimate(const Config *cfg, int runs, const BudgetWindow *window, BudgetParts *parts);

/* 0 when cfg (resolved here on a copy) fits in budget bytes; else -1 and one line in err:
 * "needs 2.2 GiB, more than the memory budget of 1.0 GiB (--memory): batch=128
 * dominates; batch=56 fits". The dominant setting is the one among batch, history,
 * seeds, seq_len and hidden whose lowest value saves the most (near ties, within 5%, go to
 * the one listed first: it changes the experiment least); the value said to fit is the
 * largest that does with the others unchanged. When no value of it fits, the next setting
 * is lowered as well ("with batch=1, seq_len=120 fits"). A configuration that does not
 * resolve gets config_resolve's message. */
int budget_check(const Config *cfg, int runs, const BudgetWindow *window, size_t budget, char *err,
                 size_t errlen);

/* One line for an allocation that failed anyway: "out of memory: needs 8.1 GiB;
 * history=1000000 dominates". */
void budget_explain(const Config *cfg, char *err, size_t errlen);

/* Half of physical memory, or of the memory limit of the process's cgroup when that is
 * lower (where rnnlab is killed rather than swapped). */
size_t budget_default(void);

/* "4G", "512M", "16384K" or "1000000": bytes, the suffixes powers of 1024; at least
 * BUDGET_MIN. Returns 0, or -1 with a message saying what is accepted. */
int budget_parse(const char *text, size_t *bytes, char *err, size_t errlen);

/* "3.4 GiB", "64 MiB", "512 KiB", "900 B"; returns the length, like snprintf. */
int budget_format(char *buf, size_t len, size_t bytes);

#endif
