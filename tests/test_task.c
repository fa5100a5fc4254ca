/* test_task.c: what each task draws, its metric, and its memoryless baseline measured
 * against the formula. */
#include "check.h"

#include "task.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static Config make(TaskKind task, int T, int B)
{
    Config cfg;
    char err[CONFIG_ERR_LEN];
    config_default(&cfg);
    cfg.task = task;
    cfg.seq_len = T;
    cfg.batch = B;
    assert_int_equal(config_resolve(&cfg, err, sizeof err), 0);
    return cfg;
}

static void test_adding_marks_one_value_in_each_half_and_sums_them(void **s)
{
    (void)s;
    Config cfg = make(TASK_ADDING, 21, 64);
    Batch b;
    Rng r;
    rng_seed(&r, 3, 2);
    assert_int_equal(task_batch_create(&b, &cfg), 0);
    task_sample(&b, &cfg, &r);
    for (int i = 0; i < 64; i++) {
        int first = 0, second = 0;
        double sum = 0;
        for (int t = 0; t < 21; t++) {
            const double *x = b.x + ((size_t)t * 64 + i) * 2;
            assert_true(x[0] >= 0 && x[0] < 1);
            assert_true(x[1] == 0.0 || x[1] == 1.0);
            if (x[1] == 1.0) {
                sum += x[0];
                if (t < 10)
                    first++;
                else
                    second++;
            }
        }
        assert_int_equal(first, 1);
        assert_int_equal(second, 1);
        assert_true(b.y[i] == sum);
    }
    task_batch_destroy(&b);
}

static void test_adding_baseline_is_what_a_constant_predictor_scores(void **s)
{
    (void)s;
    Config cfg = make(TASK_ADDING, 10, 4096);
    Batch b;
    Rng r;
    rng_seed(&r, 5, 2);
    assert_int_equal(task_batch_create(&b, &cfg), 0);
    double se = 0;
    const int rounds = 25;
    for (int k = 0; k < rounds; k++) {
        task_sample(&b, &cfg, &r);
        for (int i = 0; i < 4096; i++)
            se += (b.y[i] - 1.0) * (b.y[i] - 1.0);
    }
    double mse = se / (rounds * 4096.0);
    assert_true(fabs(task_baseline(&cfg) - 1.0 / 6.0) < 1e-15);
    assert_true(fabs(mse - 1.0 / 6.0) < 0.003);
    task_batch_destroy(&b);
}

static void test_echo_targets_are_the_symbol_lag_steps_back(void **s)
{
    (void)s;
    Config cfg = make(TASK_ECHO, 12, 8);
    cfg.lag = 4;
    Batch b;
    Rng r;
    rng_seed(&r, 1, 2);
    assert_int_equal(task_batch_create(&b, &cfg), 0);
    task_sample(&b, &cfg, &r);
    int S = cfg.symbols;
    for (int i = 0; i < 8; i++)
        for (int t = 0; t < 12; t++) {
            const double *x = b.x + ((size_t)t * 8 + i) * S;
            int hot = -1, ones = 0;
            for (int k = 0; k < S; k++)
                if (x[k] == 1.0) {
                    hot = k;
                    ones++;
                } else
                    assert_true(x[k] == 0.0);
            assert_int_equal(ones, 1);
            if (t + 4 < 12)
                assert_int_equal(b.label[(size_t)(t + 4) * 8 + i], hot);
            if (t < 4)
                assert_int_equal(b.label[(size_t)t * 8 + i], S); /* 'nothing yet' */
        }
    task_batch_destroy(&b);
}

static void test_echo_baseline_is_the_cross_entropy_of_the_label_marginal(void **s)
{
    (void)s;
    Config cfg = make(TASK_ECHO, 10, 2000);
    cfg.lag = 3;
    Batch b;
    Rng r;
    rng_seed(&r, 2, 2);
    assert_int_equal(task_batch_create(&b, &cfg), 0);
    task_sample(&b, &cfg, &r);
    /* The memoryless predictor: 'nothing yet' with probability lag/T, each symbol with the
     * rest shared equally; its measured cross-entropy must equal the formula. */
    int S = cfg.symbols;
    double p0 = 0.3, ps = 0.7 / S, ce = 0;
    for (size_t p = 0; p < 10 * 2000; p++)
        ce -= log(b.label[p] == S ? p0 : ps);
    ce /= 10 * 2000;
    assert_true(fabs(ce - task_baseline(&cfg)) < 0.01);
    /* and the formula by hand: -(0.3 ln 0.3 + 0.7 ln(0.7/4)) */
    assert_true(fabs(task_baseline(&cfg) - (-(0.3 * log(0.3) + 0.7 * log(0.7 / 4)))) < 1e-15);
    task_batch_destroy(&b);
}

static void test_metrics_count_right_answers(void **s)
{
    (void)s;
    Config cfg = make(TASK_ADDING, 6, 4);
    Batch b;
    Rng r;
    rng_seed(&r, 1, 2);
    assert_int_equal(task_batch_create(&b, &cfg), 0);
    task_sample(&b, &cfg, &r);
    double out[4];
    for (int i = 0; i < 4; i++)
        out[i] = b.y[i] + (i < 3 ? 0.039 : 0.041); /* within 0.04 counts */
    assert_true(task_metric(&b, &cfg, out) == 0.75);
    task_batch_destroy(&b);

    Config ec = make(TASK_ECHO, 5, 2);
    assert_int_equal(task_batch_create(&b, &ec), 0);
    task_sample(&b, &ec, &r);
    int O = ec.symbols + 1;
    double *logits = calloc(10 * (size_t)O, sizeof(double));
    for (int p = 0; p < 10; p++) /* right on the first 7 positions */
        logits[p * O + (p < 7 ? b.label[p] : (b.label[p] + 1) % O)] = 1.0;
    assert_true(fabs(task_metric(&b, &ec, logits) - 0.7) < 1e-15);
    free(logits);
    task_batch_destroy(&b);
}

static void test_samples_depend_only_on_the_generator(void **s)
{
    (void)s;
    Config cfg = make(TASK_ECHO, 8, 3);
    Batch a, b;
    Rng r1, r2;
    rng_seed(&r1, 11, 2);
    rng_seed(&r2, 11, 2);
    assert_int_equal(task_batch_create(&a, &cfg), 0);
    assert_int_equal(task_batch_create(&b, &cfg), 0);
    task_sample(&a, &cfg, &r1);
    task_sample(&b, &cfg, &r2);
    assert_memory_equal(a.x, b.x, 8 * 3 * cfg.symbols * sizeof(double));
    assert_memory_equal(a.label, b.label, 8 * 3 * sizeof(int64_t));
    task_sample(&b, &cfg, &r2);
    assert_true(memcmp(a.x, b.x, 8 * 3 * cfg.symbols * sizeof(double)) != 0);
    task_batch_destroy(&b);
    task_batch_destroy(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_adding_marks_one_value_in_each_half_and_sums_them),
        cmocka_unit_test(test_adding_baseline_is_what_a_constant_predictor_scores),
        cmocka_unit_test(test_echo_targets_are_the_symbol_lag_steps_back),
        cmocka_unit_test(test_echo_baseline_is_the_cross_entropy_of_the_label_marginal),
        cmocka_unit_test(test_metrics_count_right_answers),
        cmocka_unit_test(test_samples_depend_only_on_the_generator),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
