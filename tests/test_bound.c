/* test_bound.c: the gradient view's line for a vanilla RNN is an upper bound on ||dL/dh_t||
 * (Observables.reference, REFERENCE_BOUND) for every activation, task shape, truncation and
 * rho, before and during training, per sample and over the batch; the old reference
 * sigma_max^(T-1-t) ||dL/dh_{T-1}|| is not, and the same check says so. Leaves the gated
 * cells' path factor (no bound) to a shape check. */
#include "check.h"

#include "trainer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* rounding: the bound and the gradient are computed along different paths */
#define SLACK 1e-12
#define STEPS 300

static const char *const ACTS[] = {"activation=tanh", "activation=relu", "activation=sigmoid", "activation=linear"};
static const char *const RHOS[] = {"rho=0.5", "rho=1", "rho=1.5", "rho=3"};
/* one task per shape at least; the truncated ones through truncate= */
static const char *const TASKS[][3] = {
    {"task=adding", "truncate=0", "truncate_mode=window"}, /* many-to-one */
    {"task=adding", "truncate=5", "truncate_mode=window"}, /* many-to-one, truncated */
    {"task=adding", "truncate=5", "truncate_mode=chunk"},  /* many-to-one, in chunks */
    {"task=sine", "truncate=0", "truncate_mode=window"},   /* many-to-many */
    {"task=echo", "truncate=0", "truncate_mode=window"},   /* many-to-many */
    {"task=echo", "truncate=4", "truncate_mode=window"},   /* many-to-many, truncated */
    {"task=echo", "truncate=5", "truncate_mode=chunk"},    /* many-to-many, in chunks (5, 5, 2) */
    {"task=wave", "truncate=0", "truncate_mode=window"},   /* one-to-many */
    {"task=reverse", "truncate=0", "truncate_mode=window"}, /* seq2seq: the decoder's bound chained into the encoder */
};
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static void create(Trainer *tr, const char *const *settings)
{
    Config cfg;
    char err[CONFIG_ERR_LEN];
    config_default(&cfg);
    for (int i = 0; settings[i]; i++)
        if (config_set(&cfg, settings[i], err, sizeof err) != 0)
            fail_msg("%s: %s", settings[i], err);
    if (trainer_create(tr, &cfg, err, sizeof err) != 0)
        fail_msg("%s", err);
}

/* The old reference line, for the check that can fail. */
static void old_reference(double *ref, const Observables *o, int T)
{
    for (int t = 0; t < T; t++)
        ref[t] = o->dh_norm[T - 1] * pow(o->sigma_max[0], T - 1 - t);
}

/* The worst of ||dL/dh_t|| / ref_t over every t, over the batch's norm and each sample's
 * (a finite ratio; 0 / 0 counts as 0). Both must stay <= 1 for a bound. */
static double worst_ratio(const Trainer *tr, const double *ref, double *dh, int T, int *at)
{
    int B = tr->cache.B, H = tr->dims.H;
    trainer_copy_dh(tr, dh, 0);
    double worst = 0.0;
    for (int t = 0; t < T; t++) {
        double norms[1 + 64];
        int n = 0;
        norms[n++] = tr->obs.dh_norm[t];
        for (int b = 0; b < B && n < (int)N_OF(norms); b++) {
            double s = 0.0;
            for (int j = 0; j < H; j++) {
                double v = dh[((size_t)t * B + b) * H + j];
                s += v * v;
            }
            norms[n++] = sqrt(s);
        }
        for (int k = 0; k < n; k++) {
            double r = norms[k] == 0.0 ? 0.0 : norms[k] / ref[t];
            if (!(r <= worst)) {
                worst = r;
                *at = t;
            }
        }
    }
    return worst;
}

typedef struct {
    double worst_new, worst_old; /* over every run and checked step */
    double worst_early; /* the bound's, over t < T-1 (at T-1 it is often the norm itself) */
    char where_new[160], where_old[160], where_early[160];
    long checked, skipped;
} Tally;

static void check_run(Tally *ty, const char *act, const char *rho, const char *task, const char *trunc,
                      const char *mode)
{
    const char *const settings[] = {"model=rnn", act, rho, task, trunc, mode, "hidden=6", "seq_len=12", "batch=3",
                                    "optimizer=adam", "lr=0.01", "seed=3", NULL};
    Trainer tr;
    create(&tr, settings);
    int T = tr.T;
    double *dh = malloc((size_t)T * tr.cache.B * tr.dims.H * sizeof(double));
    double *old = malloc((size_t)T * sizeof(double));
    assert_non_null(dh);
    assert_non_null(old);
    for (int step = 1; step <= STEPS; step++) {
        int r = trainer_step(&tr);
        const Observables *o = &tr.obs;
        assert_int_equal(o->reference_kind, REFERENCE_BOUND);
        int finite = r == TRAIN_OK;
        for (int t = 0; t < T && finite; t++)
            finite = isfinite(o->dh_norm[t]) && isfinite(o->reference[t]);
        if (!finite) { /* an overflowing run has nothing to bound */
            ty->skipped++;
            continue;
        }
        ty->checked++;
        int at = -1;
        double w = worst_ratio(&tr, o->reference, dh, T, &at);
        if (!(w <= ty->worst_new)) {
            ty->worst_new = w;
            snprintf(ty->where_new, sizeof ty->where_new, "%s %s %s %s %s step %d t=%d", act, rho, task, trunc, mode, step,
                     at);
        }
        w = worst_ratio(&tr, o->reference, dh, T - 1, &at);
        if (!(w <= ty->worst_early)) {
            ty->worst_early = w;
            snprintf(ty->where_early, sizeof ty->where_early, "%s %s %s %s %s step %d t=%d", act, rho, task, trunc, mode,
                     step, at);
        }
        old_reference(old, o, T);
        w = worst_ratio(&tr, old, dh, T, &at);
        if (!(w <= ty->worst_old)) {
            ty->worst_old = w;
            snprintf(ty->where_old, sizeof ty->where_old, "%s %s %s %s %s step %d t=%d", act, rho, task, trunc, mode, step,
                     at);
        }
    }
    free(old);
    free(dh);
    trainer_destroy(&tr);
}

static void test_rnn_bound_is_never_below_the_gradient_norm_and_the_old_line_was(void **s)
{
    (void)s;
    Tally ty = {0};
    for (size_t a = 0; a < N_OF(ACTS); a++)
        for (size_t r = 0; r < N_OF(RHOS); r++)
            for (size_t k = 0; k < N_OF(TASKS); k++)
                check_run(&ty, ACTS[a], RHOS[r], TASKS[k][0], TASKS[k][1], TASKS[k][2]);
    print_message("bound: %ld steps checked (%ld overflowed, skipped); tightest ||dh||/bound = %.15g at %s\n",
                  ty.checked, ty.skipped, ty.worst_new, ty.where_new);
    print_message("bound over t < T-1: tightest ||dh||/bound = %.6g at %s\n", ty.worst_early, ty.where_early);
    print_message("old line sigma_max^(T-1-t) ||dh_{T-1}||: worst ||dh||/line = %.4g at %s\n", ty.worst_old,
                  ty.where_old);
    assert_true(ty.checked > 0);
    if (!(ty.worst_new <= 1.0 + SLACK))
        fail_msg("the bound is below ||dL/dh_t||: ratio %.17g at %s", ty.worst_new, ty.where_new);
    /* the checker can fail: the old line is broken by a loss at every step */
    assert_true(ty.worst_old > 1.5);
    /* and the bound is not vacuous: before the last step it comes within 10% somewhere */
    assert_true(ty.worst_early > 0.9);
}

/* Step 1's bound by hand for one many-to-many run: the recursion from the head's norms. */
static void test_bound_is_the_recursion_from_the_heads_direct_norms(void **s)
{
    (void)s;
    const char *const settings[] = {"model=rnn", "activation=sigmoid", "task=echo", "hidden=6", "seq_len=12",
                                    "batch=3", "rho=1.5", NULL};
    Trainer tr;
    create(&tr, settings);
    assert_int_equal(trainer_step(&tr), 0);
    const Observables *o = &tr.obs;
    int T = tr.T;
    size_t BH = (size_t)tr.cache.B * tr.dims.H;
    double r = 0.25 * o->sigma_max[0], b = 0.0;
    for (int t = T - 1; t >= 0; t--) {
        double dir = 0.0;
        for (size_t i = 0; i < BH; i++)
            dir += tr.cache.rnn[0].dtop[t * BH + i] * tr.cache.rnn[0].dtop[t * BH + i];
        dir = sqrt(dir);
        assert_true(fabs(o->dh_direct_norm[t] - dir) <= 1e-14 * dir);
        b = t == T - 1 ? dir : r * b + dir;
        assert_true(fabs(o->reference[t] - b) <= 1e-14 * b);
    }
    trainer_destroy(&tr);
}

/* truncate_mode=chunk: the recursion restarts at each chunk boundary (T = 12 in chunks of
 * 5: nothing crosses from step 5 into 4 or from 10 into 9); the gated cells' path factor
 * covers the last chunk (10, 11) only. */
static void test_chunks_restart_the_bound_and_cut_the_cell_path(void **s)
{
    (void)s;
    const char *const settings[] = {"model=rnn", "activation=sigmoid", "task=echo", "hidden=6", "seq_len=12",
                                    "batch=3", "rho=1.5", "truncate=5", "truncate_mode=chunk", NULL};
    Trainer tr;
    create(&tr, settings);
    assert_int_equal(trainer_step(&tr), 0);
    const Observables *o = &tr.obs;
    int T = tr.T;
    double r = 0.25 * o->sigma_max[0], b = 0.0;
    for (int t = T - 1; t >= 0; t--) {
        double dir = o->dh_direct_norm[t];
        b = t == T - 1 || (t + 1) % 5 == 0 ? dir : r * b + dir;
        assert_true(fabs(o->reference[t] - b) <= 1e-14 * b);
    }
    trainer_destroy(&tr);
    const char *const gated[] = {"model=lstm", "task=sine", "hidden=5", "seq_len=12", "batch=2",
                                 "truncate=5", "truncate_mode=chunk", NULL};
    create(&tr, gated);
    assert_int_equal(trainer_step(&tr), 0);
    for (int t = 0; t < 10; t++)
        assert_true(tr.obs.reference[t] == 0.0);
    assert_true(tr.obs.reference[10] > 0 && tr.obs.reference[10] < tr.obs.reference[11]);
    trainer_destroy(&tr);
}

/* lstm and gru draw their own path's factor (no bound): 1 at the last step, times that
 * step's norm, and a product of gates in (0, 1) before it. */
static void test_gated_cells_draw_the_cell_path_factor(void **s)
{
    (void)s;
    const char *const models[] = {"model=lstm", "model=gru"};
    for (int m = 0; m < 2; m++) {
        const char *const settings[] = {models[m], "task=sine", "hidden=5", "seq_len=10", "batch=2", NULL};
        Trainer tr;
        create(&tr, settings);
        assert_int_equal(trainer_step(&tr), 0);
        const Observables *o = &tr.obs;
        int T = tr.T;
        assert_int_equal(o->reference_kind, REFERENCE_CELL_PATH);
        double last = tr.dims.cell->has_cell_state ? o->dc_norm[T - 1] : o->dh_norm[T - 1];
        assert_true(fabs(o->reference[T - 1] - last) <= 1e-15 * last);
        for (int t = 0; t < T - 1; t++)
            assert_true(o->reference[t] > 0 && o->reference[t] < o->reference[t + 1]);
        trainer_destroy(&tr);
    }
}

/* The cell path's factor by hand, bit for bit: for each step from the last, every sample's
 * and unit's running product of the path gate (lstm f, gru z) added in sample then unit
 * order, then averaged and scaled by the last step's norm. */
static void test_the_cell_path_factor_is_the_plain_loop_bit_for_bit(void **s)
{
    (void)s;
    const char *const models[] = {"model=lstm", "model=gru"};
    for (int m = 0; m < 2; m++) {
        const char *const settings[] = {models[m], "task=sine", "hidden=5", "seq_len=10", "batch=3", NULL};
        Trainer tr;
        create(&tr, settings);
        assert_int_equal(trainer_step(&tr), 0);
        const Observables *o = &tr.obs;
        int T = tr.T, B = tr.cache.B, H = tr.dims.H;
        size_t GH = (size_t)tr.dims.G * H, at = (size_t)tr.dims.cell->path_gate * H;
        double p[3][5], want[10] = {0};
        for (int b = 0; b < B; b++)
            for (int j = 0; j < H; j++)
                p[b][j] = 1.0;
        for (int t = T - 1; t >= 0; t--)
            for (int b = 0; b < B; b++)
                for (int j = 0; j < H; j++) {
                    want[t] += p[b][j];
                    p[b][j] *= tr.cache.rnn[0].gate[((size_t)t * B + b) * GH + at + (size_t)j];
                }
        double last = tr.dims.cell->has_cell_state ? o->dc_norm[T - 1] : o->dh_norm[T - 1];
        for (int t = 0; t < T; t++)
            assert_true(o->reference[t] == last * (want[t] / ((double)B * H)));
        trainer_destroy(&tr);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rnn_bound_is_never_below_the_gradient_norm_and_the_old_line_was),
        cmocka_unit_test(test_bound_is_the_recursion_from_the_heads_direct_norms),
        cmocka_unit_test(test_gated_cells_draw_the_cell_path_factor),
        cmocka_unit_test(test_the_cell_path_factor_is_the_plain_loop_bit_for_bit),
        cmocka_unit_test(test_chunks_restart_the_bound_and_cut_the_cell_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
