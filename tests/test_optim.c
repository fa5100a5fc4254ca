/* test_optim.c: clipping as in Pascanu et al.'s Algorithm 1, the norm at extreme scales,
 * and the first two steps of every optimiser against values worked out by hand. */
#include "check.h"

#include "optim.h"

#include <math.h>
#include <string.h>

static void test_norm_clipping_follows_algorithm_1(void **s)
{
    (void)s;
    Config cfg;
    config_default(&cfg);
    cfg.clip_mode = CLIP_NORM;
    double g[2] = {3, 4};
    cfg.clip = 1;
    assert_int_equal(optim_clip(g, 2, optim_norm(g, 2), &cfg), 1);
    double want[2] = {0.6, 0.8};
    check_close("clip=1", g, want, 2, 1e-15, 0);

    double h[2] = {3, 4};
    cfg.clip = 6; /* ||g|| < threshold: untouched */
    assert_int_equal(optim_clip(h, 2, optim_norm(h, 2), &cfg), 0);
    assert_true(h[0] == 3 && h[1] == 4);
    cfg.clip = 0; /* off */
    assert_int_equal(optim_clip(h, 2, 1e300, &cfg), 0);
    assert_true(h[0] == 3 && h[1] == 4);
}

static void test_value_clipping_clamps_each_element(void **s)
{
    (void)s;
    Config cfg;
    config_default(&cfg);
    cfg.clip_mode = CLIP_VALUE;
    cfg.clip = 0.5;
    double g[4] = {0.2, -3, 0.7, -0.5}, want[4] = {0.2, -0.5, 0.5, -0.5};
    assert_int_equal(optim_clip(g, 4, optim_norm(g, 4), &cfg), 1);
    check_close("clip_mode=value", g, want, 4, 0, 0);
    double small[2] = {0.1, -0.1};
    assert_int_equal(optim_clip(small, 2, 0.2, &cfg), 0);
}

static void test_norm_is_exact_far_outside_float_range(void **s)
{
    (void)s;
    double tiny[2] = {3e-200, 4e-200}, huge[2] = {3e200, 4e200}, zero[3] = {0, 0, 0};
    assert_true(fabs(optim_norm(tiny, 2) / 5e-200 - 1) < 1e-15);
    assert_true(fabs(optim_norm(huge, 2) / 5e200 - 1) < 1e-15);
    assert_true(optim_norm(zero, 3) == 0.0);
    /* squares that all underflow to 0 beside zeros of both signs: not the zero vector */
    double under[5] = {0, -0.0, 0, 3e-170, -4e-170}, negzero[2] = {-0.0, -0.0};
    assert_true(fabs(optim_norm(under, 5) / 5e-170 - 1) < 1e-15);
    assert_true(optim_norm(negzero, 2) == 0.0 && !signbit(optim_norm(negzero, 2)));
    double bad[2] = {1, NAN};
    assert_true(isnan(optim_norm(bad, 2)));
    double inf[2] = {1, -INFINITY};
    assert_true(isinf(optim_norm(inf, 2)));
    /* a vanished gradient: 37 values from 1e-140 down to subnormals (the vector loop and
     * its tail), against the long double sum */
    double vanished[37];
    long double ref = 0;
    for (int i = 0; i < 36; i++) {
        vanished[i] = (i % 5 - 2.5) * 1e-140 * pow(1e-5, i % 7) * (1 + 0.1 * i);
        ref += (long double)vanished[i] * vanished[i];
    }
    vanished[36] = 5e-324, ref += (long double)5e-324 * 5e-324;
    assert_true(fabs(optim_norm(vanished, 37) / (double)sqrtl(ref) - 1) < 1e-15);
    double one_sub[1] = {-4e-320};
    assert_true(optim_norm(one_sub, 1) == 4e-320);
}

/* Parameters (1, -2), gradients (0.5, -1) then (0.25, 2), lr 0.1. */
static void two_steps(OptimizerKind kind, double want1[2], double want2[2])
{
    Config cfg;
    config_default(&cfg);
    cfg.optimizer = kind;
    cfg.lr = 0.1;
    cfg.momentum = 0.9;
    double p[2] = {1, -2}, m[2] = {0, 0}, v[2] = {0, 0};
    double g1[2] = {0.5, -1}, g2[2] = {0.25, 2};
    optim_update(p, g1, m, v, 2, 1, &cfg);
    check_close("step 1", p, want1, 2, 1e-14, 1.0); /* |error| < 1e-14 near zero */
    optim_update(p, g2, m, v, 2, 2, &cfg);
    check_close("step 2", p, want2, 2, 1e-14, 1.0);
}

static void test_sgd_first_two_steps(void **s)
{
    (void)s;
    double w1[2] = {0.95, -1.9}, w2[2] = {0.925, -2.1};
    two_steps(OPT_SGD, w1, w2);
}

static void test_momentum_first_two_steps(void **s)
{
    (void)s;
    /* buf1 = g1; buf2 = 0.9 buf1 + g2 = (0.7, 1.1) */
    double w1[2] = {0.95, -1.9}, w2[2] = {0.95 - 0.07, -1.9 - 0.11};
    two_steps(OPT_MOMENTUM, w1, w2);
}

static void test_adam_first_two_steps(void **s)
{
    (void)s;
    /* Step 1: m_hat = g, v_hat = g^2, so each moves lr * |g| / (|g| + eps). */
    double w1[2] = {1 - 0.1 * 0.5 / (0.5 + 1e-8), -2 + 0.1 * 1 / (1 + 1e-8)};
    /* Step 2: m = (0.07, 0.11), v = (0.00031225, 0.004999), 1 - b1^2 = 0.19,
     * 1 - b2^2 = 0.001999. */
    double mh[2] = {0.07 / 0.19, 0.11 / 0.19}, vh[2] = {0.00031225 / 0.001999, 0.004999 / 0.001999};
    double w2[2] = {w1[0] - 0.1 * mh[0] / (sqrt(vh[0]) + 1e-8), w1[1] - 0.1 * mh[1] / (sqrt(vh[1]) + 1e-8)};
    two_steps(OPT_ADAM, w1, w2);
}

static void test_adagrad_first_two_steps(void **s)
{
    (void)s;
    /* sums (0.25, 1) then (0.3125, 5) */
    double w1[2] = {1 - 0.05 / (0.5 + 1e-10), -2 + 0.1 / (1 + 1e-10)};
    double w2[2] = {w1[0] - 0.025 / (sqrt(0.3125) + 1e-10), w1[1] - 0.2 / (sqrt(5.0) + 1e-10)};
    two_steps(OPT_ADAGRAD, w1, w2);
}

static void test_rmsprop_first_two_steps(void **s)
{
    (void)s;
    /* squares (0.0025, 0.01) then (0.0031, 0.0499) */
    double w1[2] = {1 - 0.05 / (0.05 + 1e-8), -2 + 0.1 / (0.1 + 1e-8)};
    double w2[2] = {w1[0] - 0.025 / (sqrt(0.0031) + 1e-8), w1[1] - 0.2 / (sqrt(0.0499) + 1e-8)};
    two_steps(OPT_RMSPROP, w1, w2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_norm_clipping_follows_algorithm_1),
        cmocka_unit_test(test_value_clipping_clamps_each_element),
        cmocka_unit_test(test_norm_is_exact_far_outside_float_range),
        cmocka_unit_test(test_sgd_first_two_steps),
        cmocka_unit_test(test_momentum_first_two_steps),
        cmocka_unit_test(test_adam_first_two_steps),
        cmocka_unit_test(test_adagrad_first_two_steps),
        cmocka_unit_test(test_rmsprop_first_two_steps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
