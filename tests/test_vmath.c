/* test_vmath.c: the project's own exp, tanh, sigmoid, log, sin and cos against long
 * double references over the ranges the cells, the losses and the tasks use; their edge
 * values; and the vector kernels giving the scalar functions' bits on every ISA path. */
#include "check.h"

#include "linalg.h"
#include "vmath.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* |y - ref| in units of the last place of ref rounded to double. */
static double ulps(double y, long double ref)
{
    double r = (double)ref;
    if (isinf(r) || isinf(y))
        return y == r ? 0.0 : INFINITY;
    double a = fabs(r), u = a == 0 ? 0x1p-1074 : nextafter(a, INFINITY) - a;
    return (double)(fabsl((long double)y - ref) / u);
}

typedef double (*Fn)(double);
typedef long double (*RefFn)(long double);

static long double ref_sigmoid(long double x) { return 1.0L / (1.0L + expl(-x)); }
static double do_exp(double x) { return rl_exp(x); }
static double do_tanh(double x) { return rl_tanh(x); }
static double do_sigmoid(double x) { return rl_sigmoid(x); }
static double do_log(double x) { return rl_log(x); }
static double do_sin(double x) { return rl_sin(x); }
static double do_cos(double x) { return rl_cos(x); }

/* The worst error over n points spread over [lo, hi] (uniform, or log-uniform when
 * log_spaced), with a fixed generator. */
static double worst_ulps(Fn f, RefFn ref, double lo, double hi, int log_spaced, long n)
{
    Rng r;
    rng_seed(&r, 11, 0);
    double worst = 0;
    for (long i = 0; i < n; i++) {
        double u = rng_uniform(&r);
        double x = log_spaced ? exp(log(lo) + u * (log(hi) - log(lo))) : lo + u * (hi - lo);
        double e = ulps(f(x), ref(x));
        worst = e > worst ? e : worst;
    }
    return worst;
}

static void test_accuracy_against_long_double(void **s)
{
    (void)s;
    enum { N = 300000 };
    struct {
        const char *name;
        Fn f;
        RefFn ref;
        double lo, hi, bound;
        int log_spaced;
    } cases[] = {
        {"exp", do_exp, expl, -745.0, 709.7, 1.0, 0},
        {"exp near 0", do_exp, expl, -1.0, 1.0, 1.0, 0},
        {"tanh", do_tanh, tanhl, -20.0, 20.0, 2.0, 0},
        {"tanh near 0", do_tanh, tanhl, -0.6, 0.6, 2.0, 0},
        {"tanh tiny", do_tanh, tanhl, 1e-300, 1e-3, 1.5, 1},
        {"sigmoid", do_sigmoid, ref_sigmoid, -40.0, 40.0, 2.0, 0},
        {"sigmoid far left", do_sigmoid, ref_sigmoid, -700.0, -30.0, 2.0, 0},
        {"log", do_log, logl, 1e-300, 1e300, 1.0, 1},
        {"log near 1", do_log, logl, 0.5, 2.0, 1.0, 0},
        {"log subnormal", do_log, logl, 1e-320, 1e-308, 1.0, 1},
        {"sin", do_sin, sinl, -10.0, 10.0, 2.0, 0},
        {"cos", do_cos, cosl, -10.0, 10.0, 2.0, 0},
        {"sin wide", do_sin, sinl, -1e4, 1e4, 3.0, 0},
        {"cos wide", do_cos, cosl, -1e4, 1e4, 3.0, 0},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        double w = worst_ulps(cases[c].f, cases[c].ref, cases[c].lo, cases[c].hi, cases[c].log_spaced, N);
        print_message("  %-16s worst %.3f ulp (bound %.1f)\n", cases[c].name, w, cases[c].bound);
        assert_true(w <= cases[c].bound);
    }
}

static void test_edges_overflow_underflow_and_nan(void **s)
{
    (void)s;
    assert_true(isinf(rl_exp(709.8)) && rl_exp(709.8) > 0);
    assert_true(isinf(rl_exp(INFINITY)));
    assert_true(isfinite(rl_exp(709.78)));
    assert_true(rl_exp(-745.2) == 0.0 && rl_exp(-INFINITY) == 0.0);
    assert_true(rl_exp(-745.0) > 0.0); /* the smallest subnormal, as the true value rounds */
    assert_true(rl_exp(0.0) == 1.0);
    assert_true(isnan(rl_exp(NAN)) && isnan(rl_tanh(NAN)) && isnan(rl_sigmoid(NAN)));
    assert_true(isnan(rl_log(NAN)) && isnan(rl_log(-1.0)) && isnan(rl_sin(INFINITY)) && isnan(rl_cos(NAN)));
    assert_true(rl_tanh(INFINITY) == 1.0 && rl_tanh(-INFINITY) == -1.0 && rl_tanh(25.0) == 1.0);
    assert_true(rl_tanh(0.0) == 0.0 && signbit(rl_tanh(-0.0)));
    assert_true(rl_tanh(1e-310) == 1e-310); /* subnormal in, the same out */
    assert_true(rl_sigmoid(40.0) == 1.0 && rl_sigmoid(INFINITY) == 1.0);
    assert_true(rl_sigmoid(-800.0) == 0.0 && rl_sigmoid(-INFINITY) == 0.0);
    assert_true(rl_sigmoid(0.0) == 0.5);
    assert_true(rl_log(1.0) == 0.0 && rl_log(0.0) == -INFINITY && rl_log(INFINITY) == INFINITY);
    assert_true(rl_log(2.0) == 0x1.62e42fefa39efp-1); /* ln 2 correctly rounded */
    assert_true(rl_sin(0.0) == 0.0 && rl_cos(0.0) == 1.0);
    assert_true(rl_powi(0.9, 0) == 1.0 && rl_powi(0.5, 10) == 0x1p-10);
    assert_true(fabsl(rl_powi(0.999, 1000) - powl(0.999L, 1000)) < 1e-14L);
}

/* The vector kernels on every path give rl_*'s bits, in place and not, on lengths that
 * are not multiples of any vector width, over the values the cells see (and the edges). */
static void test_vector_kernels_give_the_scalar_bits_on_every_path(void **s)
{
    (void)s;
    enum { N = 1003 };
    static double x[N], want[3][N], got[N];
    Rng r;
    rng_seed(&r, 3, 0);
    for (int i = 0; i < N; i++)
        x[i] = rng_normal(&r) * (i % 7 == 0 ? 40.0 : 3.0);
    x[0] = NAN, x[1] = INFINITY, x[2] = -INFINITY, x[3] = -0.0, x[4] = 800.0, x[5] = -800.0;
    for (int i = 0; i < N; i++)
        want[0][i] = rl_exp(x[i]), want[1][i] = rl_tanh(x[i]), want[2][i] = rl_sigmoid(x[i]);
    void (*fns[3])(double *, const double *, size_t) = {linalg_vexp, linalg_vtanh, linalg_vsigmoid};
    char paths[128], err[256];
    linalg_isa_supported(paths, sizeof paths);
    const char *names[3] = {"baseline", "avx2", "avx512"};
    int tried = 0;
    for (int p = 0; p < 3; p++) {
        if (!strstr(paths, names[p]))
            continue;
        assert_int_equal(linalg_isa_select(names[p], err, sizeof err), 0);
        tried++;
        for (int f = 0; f < 3; f++) {
            fns[f](got, x, N);
            assert_memory_equal(got, want[f], sizeof got);
            memcpy(got, x, sizeof got);
            fns[f](got + 1, got + 1, N - 1); /* in place, unaligned */
            assert_memory_equal(got + 1, want[f] + 1, (N - 1) * sizeof(double));
        }
    }
    assert_true(tried >= 1);
    assert_int_equal(linalg_isa_select(NULL, err, sizeof err), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accuracy_against_long_double),
        cmocka_unit_test(test_edges_overflow_underflow_and_nan),
        cmocka_unit_test(test_vector_kernels_give_the_scalar_bits_on_every_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
