/* test_rng.c: the run's generator: same seed same bits, streams independent, sane moments. */
#include "check.h"

#include "rng.h"

#include <math.h>

static void test_same_seed_gives_the_same_sequence(void **s)
{
    (void)s;
    Rng a, b;
    rng_seed(&a, 42, 1);
    rng_seed(&b, 42, 1);
    for (int i = 0; i < 1000; i++)
        assert_true(rng_next(&a) == rng_next(&b));
}

static void test_other_seed_or_stream_gives_another_sequence(void **s)
{
    (void)s;
    Rng a, b, c;
    rng_seed(&a, 42, 1);
    rng_seed(&b, 43, 1);
    rng_seed(&c, 42, 2);
    int same_b = 0, same_c = 0;
    for (int i = 0; i < 100; i++) {
        uint64_t x = rng_next(&a);
        same_b += x == rng_next(&b);
        same_c += x == rng_next(&c);
    }
    assert_int_equal(same_b, 0);
    assert_int_equal(same_c, 0);
}

static void test_uniform_normal_and_int_have_the_right_moments(void **s)
{
    (void)s;
    Rng r;
    rng_seed(&r, 1, 0);
    const int n = 200000;
    double su = 0, su2 = 0, sn = 0, sn2 = 0;
    int counts[7] = {0};
    for (int i = 0; i < n; i++) {
        double u = rng_uniform(&r);
        assert_true(u >= 0.0 && u < 1.0);
        su += u;
        su2 += u * u;
        double z = rng_normal(&r);
        sn += z;
        sn2 += z * z;
        int k = rng_int(&r, 7);
        assert_true(k >= 0 && k < 7);
        counts[k]++;
    }
    /* Five standard errors: a broken generator fails, a good one passes always (seeded). */
    assert_true(fabs(su / n - 0.5) < 5 * sqrt(1.0 / 12 / n));
    assert_true(fabs(su2 / n - 1.0 / 3) < 0.005);
    assert_true(fabs(sn / n) < 5 / sqrt((double)n));
    assert_true(fabs(sn2 / n - 1.0) < 0.02);
    for (int k = 0; k < 7; k++)
        assert_true(fabs(counts[k] - n / 7.0) < 5 * sqrt(n / 7.0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_seed_gives_the_same_sequence),
        cmocka_unit_test(test_other_seed_or_stream_gives_another_sequence),
        cmocka_unit_test(test_uniform_normal_and_int_have_the_right_moments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
