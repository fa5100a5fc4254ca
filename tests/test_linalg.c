/* test_linalg.c: the vectorised kernels against their reference loops, power iteration
 * against LAPACK, and random orthogonal matrices. */
#include "check.h"

#include "linalg.h"

#include <lapacke.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static double *random_array(size_t n, Rng *r, double zero_fraction)
{
    double *a = malloc(n * sizeof(double));
    for (size_t i = 0; i < n; i++)
        a[i] = rng_uniform(r) < zero_fraction ? 0.0 : rng_normal(r);
    return a;
}

static void test_kernels_match_their_reference_loops(void **s)
{
    (void)s;
    Rng r;
    rng_seed(&r, 9, 0);
    const size_t dims[][3] = {{1, 2, 32}, {32, 32, 128}, {7, 3, 5}, {5, 33, 1}, {50, 17, 96}};
    for (size_t c = 0; c < sizeof dims / sizeof dims[0]; c++) {
        size_t R = dims[c][0], K = dims[c][1], N = dims[c][2];
        double *a = random_array(R * K, &r, 0.2), *w = random_array(N * K, &r, 0.0);
        double *bias = random_array(N, &r, 0.0), *wt = malloc(N * K * sizeof(double));
        double *o1 = malloc(R * N * sizeof(double)), *o2 = malloc(R * N * sizeof(double));
        linalg_transpose(wt, w, N, K);
        linalg_matmul_bias(o1, a, wt, bias, R, K, N);
        linalg_matmul_bias_ref(o2, a, w, bias, R, K, N);
        check_close("matmul_bias", o1, o2, R * N, 1e-12, 1e-12);
        linalg_matmul_bias(o1, a, wt, NULL, R, K, N);
        linalg_matmul_bias_ref(o2, a, w, NULL, R, K, N);
        check_close("matmul_bias without bias", o1, o2, R * N, 1e-12, 1e-12);

        /* backward to the input: (R, N) . (N, K), accumulating onto what is there */
        double *g = random_array(R * N, &r, 0.2);
        double *i1 = random_array(R * K, &r, 0.0), *i2 = malloc(R * K * sizeof(double));
        memcpy(i2, i1, R * K * sizeof(double));
        linalg_matmul_acc(i1, g, w, R, N, K);
        linalg_matmul_acc_ref(i2, g, w, R, N, K);
        check_close("matmul_acc", i1, i2, R * K, 1e-12, 1e-12);

        /* backward to the weights: (N, R) . (R, K) */
        double *d1 = random_array(N * K, &r, 0.0), *d2 = malloc(N * K * sizeof(double));
        memcpy(d2, d1, N * K * sizeof(double));
        linalg_matmul_tn_acc(d1, g, a, R, N, K);
        linalg_matmul_tn_acc_ref(d2, g, a, R, N, K);
        check_close("matmul_tn_acc", d1, d2, N * K, 1e-12, 1e-12);
        free(d2), free(d1), free(i2), free(i1), free(g), free(o2), free(o1), free(wt), free(bias),
            free(w), free(a);
    }
}

/* The products add a_k b_k onto c in k order, as the plain loops do: on every path the
 * CPU runs, each kernel gives the reference's bits exactly, on tiles, leftover rows and
 * columns, a single row of a matrix too big for the cache (streamed), and with the
 * sparse forward on inputs with zeros. */
static void test_kernels_give_the_reference_loops_bits(void **s)
{
    (void)s;
    char paths[128], err[256];
    linalg_isa_supported(paths, sizeof paths);
    const char *names[3] = {"baseline", "avx2", "avx512"};
    /* (R, K, N); K below a vector: the narrow weight gradient, summed transposed; a single
     * row of 32 or 56 doubles: tiles of 8, 4, 2 and 1 vectors on each path; the inner
     * dimension in several panels of B (a bias then C carried from panel to panel) */
    const size_t dims[][3] = {{1, 32, 128}, {32, 32, 128}, {7, 3, 5},    {6, 33, 70},   {1, 256, 1024},
                              {3, 300, 211}, {64, 2, 128}, {65, 1, 33},  {10, 3, 2000}, {1600, 2, 128},
                              {17, 9, 1},    {1, 32, 32},  {2, 5, 56},   {1600, 2, 32},
                              {9, 300, 100}, {700, 9, 40}};
    for (int p = 0; p < 3; p++) {
        if (!strstr(paths, names[p]))
            continue;
        assert_int_equal(linalg_isa_select(names[p], err, sizeof err), 0);
        Rng r;
        rng_seed(&r, 4, 2);
        for (size_t c = 0; c < sizeof dims / sizeof dims[0]; c++) {
            size_t R = dims[c][0], K = dims[c][1], N = dims[c][2];
            double *a = random_array(R * K, &r, 0.3), *w = random_array(N * K, &r, 0.0);
            double *bias = random_array(N, &r, 0.0), *wt = malloc(N * K * sizeof(double));
            double *o1 = malloc(R * N * sizeof(double)), *o2 = malloc(R * N * sizeof(double));
            linalg_transpose(wt, w, N, K);
            linalg_matmul_bias_ref(o2, a, w, bias, R, K, N);
            linalg_matmul_bias(o1, a, wt, bias, R, K, N);
            assert_memory_equal(o1, o2, R * N * sizeof(double));
            linalg_matmul_bias_sparse(o1, a, wt, bias, R, K, N);
            assert_memory_equal(o1, o2, R * N * sizeof(double));

            double *g = random_array(R * N, &r, 0.0);
            double *i1 = random_array(R * K, &r, 0.0), *i2 = malloc(R * K * sizeof(double));
            memcpy(i2, i1, R * K * sizeof(double));
            linalg_matmul_acc(i1, g, w, R, N, K);
            linalg_matmul_acc_ref(i2, g, w, R, N, K);
            assert_memory_equal(i1, i2, R * K * sizeof(double));

            double *d1 = random_array(N * K, &r, 0.0), *d2 = malloc(N * K * sizeof(double));
            memcpy(d2, d1, N * K * sizeof(double));
            linalg_matmul_tn_acc(d1, g, a, R, N, K);
            linalg_matmul_tn_acc_ref(d2, g, a, R, N, K);
            assert_memory_equal(d1, d2, N * K * sizeof(double));

            /* the sum of g's R rows, into a bias of N (and of a's, into K) */
            double *b1 = random_array(N + K, &r, 0.0), *b2 = malloc((N + K) * sizeof(double));
            memcpy(b2, b1, (N + K) * sizeof(double));
            linalg_colsum_acc(b1, g, R, N);
            linalg_colsum_acc_ref(b2, g, R, N);
            linalg_colsum_acc(b1 + N, a, R, K);
            linalg_colsum_acc_ref(b2 + N, a, R, K);
            assert_memory_equal(b1, b2, (N + K) * sizeof(double));
            free(b2), free(b1);
            free(d2), free(d1), free(i2), free(i1), free(g), free(o2), free(o1), free(wt), free(bias),
                free(w), free(a);
        }
    }
    assert_int_equal(linalg_isa_select(NULL, err, sizeof err), 0);
}

/* Every instruction-set path this CPU runs gives the baseline's bits, on shapes whose
 * sizes are not multiples of any vector width. */
static void test_every_isa_path_gives_the_same_bits(void **s)
{
    (void)s;
    char paths[128], err[256];
    linalg_isa_supported(paths, sizeof paths);
    const char *names[3] = {"baseline", "avx2", "avx512"};
    enum { R = 7, K = 13, N = 29 };
    double a[R * K], wt[K * N], bias[N], g[R * N], x[R * K];
    Rng rng;
    rng_seed(&rng, 5, 1);
    for (int i = 0; i < R * K; i++)
        a[i] = rng_normal(&rng), x[i] = rng_normal(&rng);
    for (int i = 0; i < K * N; i++)
        wt[i] = rng_normal(&rng);
    for (int i = 0; i < N; i++)
        bias[i] = rng_normal(&rng);
    for (int i = 0; i < R * N; i++)
        g[i] = rng_normal(&rng);
    double want[3][R * N + R * K + N * K];
    int tried = 0;
    for (int p = 0; p < 3; p++) {
        if (!strstr(paths, names[p]))
            continue;
        assert_int_equal(linalg_isa_select(names[p], err, sizeof err), 0);
        assert_string_equal(linalg_isa_name(), names[p]);
        double *out = want[p], *back = out + R * N, *dw = back + R * K;
        linalg_matmul_bias(out, a, wt, bias, R, K, N);
        memset(back, 0, R * K * sizeof(double));
        linalg_matmul_acc(back, g, wt, R, N, K); /* (R, N) . (N, K): wt read as w (N, K) */
        memset(dw, 0, N * K * sizeof(double));
        linalg_matmul_tn_acc(dw, g, x, R, N, K);
        if (tried++)
            assert_memory_equal(want[p], want[0], sizeof want[0]);
    }
    assert_true(tried >= 1);
    assert_int_equal(linalg_isa_select(NULL, err, sizeof err), 0); /* back to the best */
    assert_int_equal(linalg_isa_select("avx9", err, sizeof err), -1);
    assert_non_null(strstr(err, "accepted"));
}

/* The transpose moves each element to its place, on any shape. */
static void test_transpose_moves_every_element_once(void **s)
{
    (void)s;
    /* Shapes on, under and across the copy's tiles, a single row and column among them. */
    const size_t dims[][2] = {{1, 1}, {1, 37}, {37, 1}, {16, 16}, {17, 15}, {33, 48}, {1024, 256}};
    for (size_t c = 0; c < sizeof dims / sizeof dims[0]; c++) {
        size_t N = dims[c][0], K = dims[c][1];
        double *w = malloc(N * K * sizeof(double)), *wt = malloc(N * K * sizeof(double));
        assert_non_null(w);
        assert_non_null(wt);
        for (size_t i = 0; i < N * K; i++) {
            w[i] = (double)i;
            wt[i] = -1.0;
        }
        linalg_transpose(wt, w, N, K);
        for (size_t n = 0; n < N; n++)
            for (size_t k = 0; k < K; k++)
                if (wt[k * N + n] != w[n * K + k])
                    fail_msg("transpose (%zu, %zu): wt[%zu][%zu] = %g, want %g", N, K, k, n, wt[k * N + n],
                             w[n * K + k]);
        free(w);
        free(wt);
    }
}

/* The arrays the kernels sweep start on a cache line, zeroed; an impossible size is refused. */
static void test_linalg_calloc_gives_zeroed_cache_lines(void **s)
{
    (void)s;
    size_t sizes[] = {1, 3, 100, 4096, 40000, 300000};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        double *p = linalg_calloc(sizes[i], sizeof(double));
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 64, 0);
        for (size_t k = 0; k < sizes[i]; k++)
            assert_true(p[k] == 0.0);
        linalg_free(p);
    }
    assert_null(linalg_calloc(SIZE_MAX / 4, 8));
    void *one = linalg_calloc(0, 8); /* like calloc: a pointer to free */
    assert_non_null(one);
    linalg_free(one);
    linalg_free(NULL);
}

static void test_power_iteration_finds_lapacks_largest_singular_value(void **s)
{
    (void)s;
    Rng r;
    rng_seed(&r, 4, 0);
    for (int n = 1; n <= 64; n = n * 2 + 1) {
        double *a = random_array((size_t)n * n, &r, 0.0), *sv = malloc(n * sizeof(double));
        double *v = calloc(n, sizeof(double)), *work = malloc((size_t)(n + n * n) * sizeof(double));
        assert_int_equal(linalg_singular_values(sv, a, n), 0);
        double sigma = linalg_sigma_max(a, n, v, work, 5000, 1e-15);
        if (!(fabs(sigma - sv[0]) <= 1e-9 * sv[0]))
            fail_msg("n=%d: power iteration %.17g, LAPACK %.17g", n, sigma, sv[0]);
        /* warm start: a small change converges in a few products */
        a[0] += 1e-3;
        assert_int_equal(linalg_singular_values(sv, a, n), 0);
        sigma = linalg_sigma_max(a, n, v, work, 5000, 1e-15);
        assert_true(fabs(sigma - sv[0]) <= 1e-9 * sv[0]);
        free(work), free(v), free(sv), free(a);
    }
}

static void test_random_orthogonal_is_orthogonal(void **s)
{
    (void)s;
    Rng r;
    rng_seed(&r, 2, 0);
    const int n = 20;
    double q[400], qtq[400], eye[400] = {0};
    assert_int_equal(linalg_random_orthogonal(q, n, &r), 0);
    memset(qtq, 0, sizeof qtq);
    linalg_matmul_tn_acc(qtq, q, q, n, n, n);
    for (int i = 0; i < n; i++)
        eye[i * n + i] = 1.0;
    check_close("Q^T Q", qtq, eye, 400, 1e-12, 1.0);
    double sv[20];
    assert_int_equal(linalg_singular_values(sv, q, n), 0);
    for (int i = 0; i < n; i++)
        assert_true(fabs(sv[i] - 1.0) < 1e-12);
}

/* The orthogonal init is LAPACK's dgeqrf/dorgqr result (the Haar sample Q diag(sign R_ii)
 * of the same Gaussian matrix) to rounding, computed without LAPACK; and the exact sigma_max
 * rho= scales by is dgesvd's largest singular value to rounding. */
static void test_the_plain_loop_qr_and_sigma_max_agree_with_lapack(void **s)
{
    (void)s;
    for (int n = 1; n <= 40; n += 13) {
        size_t nn = (size_t)n * n;
        double *q = malloc(nn * sizeof(double)), *ref = malloc(nn * sizeof(double));
        double *tau = malloc((size_t)n * sizeof(double)), *diag = malloc((size_t)n * sizeof(double));
        assert_non_null(q && ref && tau && diag);
        Rng r1, r2;
        rng_seed(&r1, 9, 3);
        r2 = r1;
        assert_int_equal(linalg_random_orthogonal(q, n, &r1), 0);
        for (size_t i = 0; i < nn; i++)
            ref[i] = rng_normal(&r2);
        assert_int_equal((int)LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, n, n, ref, n, tau), 0);
        for (int i = 0; i < n; i++)
            diag[i] = ref[(size_t)i * n + i];
        assert_int_equal((int)LAPACKE_dorgqr(LAPACK_ROW_MAJOR, n, n, n, ref, n, tau), 0);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (diag[j] < 0)
                    ref[(size_t)i * n + j] = -ref[(size_t)i * n + j];
        check_close("Q against LAPACK's", q, ref, nn, 1e-12, 1.0);
        /* sigma_max of a Gaussian matrix, and of a matrix with a repeated top value */
        for (size_t i = 0; i < nn; i++)
            ref[i] = rng_normal(&r2);
        double sv[40];
        assert_int_equal(linalg_singular_values(sv, ref, n), 0);
        double got = linalg_sigma_max_exact(ref, n);
        if (fabs(got - sv[0]) > 1e-13 * sv[0])
            fail_msg("n=%d: sigma_max %.17g, LAPACK %.17g", n, got, sv[0]);
        assert_true(fabs(linalg_sigma_max_exact(q, n) - 1.0) < 1e-13);
        free(diag), free(tau), free(ref), free(q);
    }
}

static void test_eigenvalues_of_a_rotation_lie_on_the_unit_circle(void **s)
{
    (void)s;
    const double c = cos(0.3), sn = sin(0.3);
    double a[9] = {c, -sn, 0, sn, c, 0, 0, 0, 0.5}, re[3], im[3];
    assert_int_equal(linalg_eigenvalues(re, im, a, 3), 0);
    int on_circle = 0, half = 0;
    for (int i = 0; i < 3; i++) {
        if (fabs(hypot(re[i], im[i]) - 1.0) < 1e-12 && fabs(fabs(im[i]) - sn) < 1e-12)
            on_circle++;
        if (fabs(re[i] - 0.5) < 1e-12 && im[i] == 0.0)
            half++;
    }
    assert_int_equal(on_circle, 2);
    assert_int_equal(half, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kernels_match_their_reference_loops),
        cmocka_unit_test(test_kernels_give_the_reference_loops_bits),
        cmocka_unit_test(test_every_isa_path_gives_the_same_bits),
        cmocka_unit_test(test_transpose_moves_every_element_once),
        cmocka_unit_test(test_linalg_calloc_gives_zeroed_cache_lines),
        cmocka_unit_test(test_power_iteration_finds_lapacks_largest_singular_value),
        cmocka_unit_test(test_random_orthogonal_is_orthogonal),
        cmocka_unit_test(test_the_plain_loop_qr_and_sigma_max_agree_with_lapack),
        cmocka_unit_test(test_eigenvalues_of_a_rotation_lie_on_the_unit_circle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
