/* test_itemise.c: the gradient itemised by loss term sums to the trainer's dL/dh_t and is
 * zero before a term's step is reached (after it, in time); the connectivity is zero past
 * its output step; both leave the trainer's step as it was. PyTorch checks the values
 * (bench/check_pytorch.py). */
#include "check.h"

#include "itemise.h"
#include "optim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void create(Trainer *tr, const char *const *settings)
{
    Config cfg;
    char err[CONFIG_ERR_LEN];
    config_default(&cfg);
    for (int i = 0; settings[i]; i++)
        if (config_set(&cfg, settings[i], err, sizeof err) != 0)
            fail_msg("%s", err);
    if (trainer_create(tr, &cfg, err, sizeof err) != 0)
        fail_msg("%s", err);
}

/* Every cell on a many-to-many task, a many-to-one task, a truncated run and seq2seq. */
static const char *const CASES[][8] = {
    {"task=echo", "seq_len=9", NULL},
    {"task=adding", "seq_len=9", NULL},
    {"task=echo", "seq_len=9", "truncate=3", NULL},
    {"task=wave", "seq_len=7", "truncate=2", NULL},
    {"task=reverse", "seq_len=5", NULL},
};
static const char *const MODELS[] = {"model=rnn", "model=lstm", "model=gru"};

static void for_each_case(void (*check)(Trainer *tr, const char *what))
{
    for (size_t m = 0; m < sizeof MODELS / sizeof *MODELS; m++)
        for (size_t k = 0; k < sizeof CASES / sizeof *CASES; k++) {
            const char *settings[12] = {MODELS[m], "hidden=5", "batch=3", "seed=4"};
            int n = 4;
            for (int i = 0; CASES[k][i]; i++)
                settings[n++] = CASES[k][i];
            settings[n] = NULL;
            char what[128];
            snprintf(what, sizeof what, "%s %s %s %s", MODELS[m], CASES[k][0], CASES[k][1],
                     CASES[k][2] ? CASES[k][2] : "");
            Trainer tr;
            create(&tr, settings);
            assert_int_equal(trainer_evaluate_next(&tr), 0);
            check(&tr, what);
            trainer_destroy(&tr);
        }
}

static void per_term_sums_to_dh(Trainer *tr, const char *what)
{
    int S = itemise_terms(tr), TT = tr->T;
    size_t BH = (size_t)tr->cache.B * tr->dims.H, n = (size_t)TT * BH;
    double *dh = malloc(n * sizeof(double)), *sum = calloc(n, sizeof(double));
    double *terms = malloc((size_t)S * n * sizeof(double));
    double *itemised = malloc((size_t)S * TT * sizeof(double)), *first = malloc((size_t)S * TT * sizeof(double));
    double *grad = malloc(tr->n_params * sizeof(double)), *after = malloc(n * sizeof(double));
    assert_non_null(dh && sum && terms && itemised && first && grad && after);
    trainer_copy_dh(tr, dh, 0);
    memcpy(grad, tr->block + tr->n_params, tr->n_params * sizeof(double));

    assert_int_equal(itemise_gradient(tr, itemised, first, terms), 0);
    for (int s = 0; s < S; s++) {
        /* the first sample's norms are those of the first H numbers of each step's block */
        for (int t = 0; t < TT; t++) {
            double want = optim_norm(terms + (size_t)s * n + (size_t)t * BH, (size_t)tr->dims.H);
            if (first[(size_t)s * TT + t] != want)
                fail_msg("%s: first[%d, %d] = %.17g, its sample's norm %.17g", what, s, t,
                         first[(size_t)s * TT + t], want);
        }
        for (size_t i = 0; i < n; i++)
            sum[i] += terms[(size_t)s * n + i];
        for (int t = itemise_term_step(tr, s) + 1; t < TT; t++)
            if (itemised[(size_t)s * TT + t] != 0.0)
                fail_msg("%s: itemised[%d, %d] = %g past the term's step", what, s, t,
                         itemised[(size_t)s * TT + t]);
        /* the term's own step always receives its gradient */
        assert_true(itemised[(size_t)s * TT + itemise_term_step(tr, s)] > 0.0);
    }
    double e = check_rel_error(sum, dh, n, 1e-300);
    if (e > 1e-12)
        fail_msg("%s: the terms' dL_s/dh_t sum to dL/dh_t within %.3g only", what, e);

    /* the trainer's step is as it was: dL/dh_t and the parameter gradients, bit for bit */
    trainer_copy_dh(tr, after, 0);
    assert_memory_equal(after, dh, n * sizeof(double));
    assert_memory_equal(grad, tr->block + tr->n_params, tr->n_params * sizeof(double));
    free(after);
    free(grad);
    free(first);
    free(itemised);
    free(terms);
    free(sum);
    free(dh);
}

static void test_per_term_gradients_sum_to_dh_and_vanish_past_their_step(void **s)
{
    (void)s;
    for_each_case(per_term_sums_to_dh);
}

static void connectivity_is_causal(Trainer *tr, const char *what)
{
    int S = itemise_terms(tr), TT = tr->T;
    size_t n = (size_t)TT * tr->cache.B * tr->dims.H;
    double *conn = malloc((size_t)S * TT * sizeof(double));
    double *dh = malloc(n * sizeof(double)), *after = malloc(n * sizeof(double));
    assert_non_null(conn && dh && after);
    trainer_copy_dh(tr, dh, 0);
    assert_int_equal(itemise_connectivity(tr, conn), 0);
    for (int s = 0; s < S; s++) {
        int ts = itemise_term_step(tr, s);
        for (int t = ts + 1; t < TT; t++)
            if (conn[(size_t)s * TT + t] != 0.0)
                fail_msg("%s: connectivity[%d, %d] = %g past the output's step", what, s, t,
                         conn[(size_t)s * TT + t]);
        assert_true(conn[(size_t)s * TT + ts] > 0.0);
    }
    trainer_copy_dh(tr, after, 0);
    assert_memory_equal(after, dh, n * sizeof(double));
    free(after);
    free(dh);
    free(conn);
}

static void test_connectivity_is_zero_past_the_output_step(void **s)
{
    (void)s;
    for_each_case(connectivity_is_causal);
}

/* itemise_now between steps: the arrays of the current weights (as a preview's pass would
 * give them), and training afterwards bit for bit as without it. */
static void itemise_now_changes_nothing(Trainer *tr, const char *what)
{
    Trainer plain; /* the same run, never itemised: tr has evaluated one batch already */
    char err[CONFIG_ERR_LEN];
    if (trainer_create(&plain, &tr->cfg, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(trainer_evaluate_next(&plain), 0);
    Itemised it = {0};
    for (int k = 0; k < 3; k++) {
        assert_int_equal(trainer_step(tr), 0);
        assert_int_equal(trainer_step(&plain), 0);
        assert_int_equal(itemise_now(tr, &it, 7), 0);
        assert_true(it.valid && it.step == tr->step && it.run_id == 7);
        assert_int_equal(it.S, itemise_terms(tr));
        for (int s = 0; s < it.S; s++)
            assert_int_equal(itemised_term_step(&it, s), itemise_term_step(tr, s));
    }
    /* the same weights, the same batch, evaluated afresh: the arrays agree bit for bit */
    size_t n = (size_t)it.S * (size_t)it.T;
    double *want = malloc(n * sizeof(double)), *want_first = malloc(n * sizeof(double));
    assert_non_null(want && want_first);
    model_forward(&plain.cache, &tr->batch, &plain.param, &plain.dims, NULL);
    model_loss(&plain.cache, &tr->batch, &plain.dims);
    assert_int_equal(itemise_gradient(&plain, want, want_first, NULL), 0);
    assert_memory_equal(want, it.batch, n * sizeof(double));
    assert_memory_equal(want_first, it.first, n * sizeof(double));
    Itemised copy = {0};
    assert_int_equal(itemised_copy(&copy, &it), 0);
    assert_memory_equal(copy.conn, it.conn, n * sizeof(double));
    assert_true(copy.valid && copy.step == it.step && copy.S == it.S);
    /* training went on as if nothing had been computed */
    for (int k = 0; k < 2; k++) {
        assert_int_equal(trainer_step(tr), 0);
        assert_int_equal(trainer_step(&plain), 0);
    }
    if (memcmp(tr->block, plain.block, 4 * tr->n_params * sizeof(double)) != 0 ||
        memcmp(&tr->obs.loss, &plain.obs.loss, sizeof(double)) != 0)
        fail_msg("%s: training changed after itemise_now", what);
    itemised_free(&copy);
    itemised_free(&it);
    free(want_first);
    free(want);
    trainer_destroy(&plain);
}

static void test_itemise_now_is_the_current_weights_and_changes_no_training(void **s)
{
    (void)s;
    for_each_case(itemise_now_changes_nothing);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_per_term_gradients_sum_to_dh_and_vanish_past_their_step),
        cmocka_unit_test(test_connectivity_is_zero_past_the_output_step),
        cmocka_unit_test(test_itemise_now_is_the_current_weights_and_changes_no_training),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
