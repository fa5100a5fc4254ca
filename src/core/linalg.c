/* linalg.c: plain loops the compiler vectorises (axpy form, contiguous inner loops) and
 * their dot-product references; spectra through LAPACKE's dgesvd and dgeev. */
#include "linalg.h"
#include "vmath.h"

#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The hot kernels are compiled three times from one source (KERNELS below): for plain
 * x86-64 (SSE2), for AVX2 and for AVX-512F, and linalg_isa_select() picks one at start-up:
 * the best the CPU has, or the one RNNLAB_ISA names. No FMA in any of them (-ffp-contract=off,
 * and the AVX2 and AVX-512 targets multiply then add): wider vectors, the same roundings in
 * the same order, so the bits do not depend on the path. Each kernel folds four rows of its
 * second operand per pass, so the output row is loaded and stored a quarter as often. */
#define KERNELS(SUFFIX, TARGET) \
    TARGET static void matmul_bias_##SUFFIX(double *out, const double *a, const double *wt, const double *bias, \
                                            size_t R, size_t K, size_t N) \
{ \
    for (size_t r = 0; r < R; r++) { \
        double *o = out + r * N; \
        const double *ar = a + r * K; \
        if (bias) \
            memcpy(o, bias, N * sizeof(double)); \
        else \
            memset(o, 0, N * sizeof(double)); \
        size_t k = 0; \
        for (; k + 4 <= K; k += 4) { \
            double s0 = ar[k], s1 = ar[k + 1], s2 = ar[k + 2], s3 = ar[k + 3]; \
            if (s0 == 0.0 && s1 == 0.0 && s2 == 0.0 && s3 == 0.0) \
                continue; /* one-hot inputs and the zero initial state */ \
            const double *w0 = wt + k * N, *w1 = w0 + N, *w2 = w1 + N, *w3 = w2 + N; \
            for (size_t n = 0; n < N; n++) \
                o[n] += s0 * w0[n] + s1 * w1[n] + s2 * w2[n] + s3 * w3[n]; \
        } \
        for (; k < K; k++) { \
            double s = ar[k]; \
            if (s == 0.0) \
                continue; \
            const double *w = wt + k * N; \
            for (size_t n = 0; n < N; n++) \
                o[n] += s * w[n]; \
        } \
    } \
} \
    TARGET static void matmul_acc_##SUFFIX(double *out, const double *a, const double *w, size_t R, size_t N, \
                                           size_t K) \
{ \
    for (size_t r = 0; r < R; r++) { \
        double *o = out + r * K; \
        const double *ar = a + r * N; \
        size_t n = 0; \
        for (; n + 4 <= N; n += 4) { \
            double s0 = ar[n], s1 = ar[n + 1], s2 = ar[n + 2], s3 = ar[n + 3]; \
            const double *w0 = w + n * K, *w1 = w0 + K, *w2 = w1 + K, *w3 = w2 + K; \
            for (size_t k = 0; k < K; k++) \
                o[k] += s0 * w0[k] + s1 * w1[k] + s2 * w2[k] + s3 * w3[k]; \
        } \
        for (; n < N; n++) { \
            double s = ar[n]; \
            const double *wn = w + n * K; \
            for (size_t k = 0; k < K; k++) \
                o[k] += s * wn[k]; \
        } \
    } \
} \
    TARGET static void matmul_tn_acc_##SUFFIX(double *dw, const double *a, const double *x, size_t R, size_t N, \
                                              size_t K) \
{ \
    size_t r = 0; \
    for (; r + 4 <= R; r += 4) { \
        const double *a0 = a + r * N, *a1 = a0 + N, *a2 = a1 + N, *a3 = a2 + N; \
        const double *x0 = x + r * K, *x1 = x0 + K, *x2 = x1 + K, *x3 = x2 + K; \
        for (size_t n = 0; n < N; n++) { \
            double s0 = a0[n], s1 = a1[n], s2 = a2[n], s3 = a3[n]; \
            double *d = dw + n * K; \
            for (size_t k = 0; k < K; k++) \
                d[k] += s0 * x0[k] + s1 * x1[k] + s2 * x2[k] + s3 * x3[k]; \
        } \
    } \
    for (; r < R; r++) { \
        const double *ar = a + r * N, *xr = x + r * K; \
        for (size_t n = 0; n < N; n++) { \
            double s = ar[n]; \
            double *d = dw + n * K; \
            for (size_t k = 0; k < K; k++) \
                d[k] += s * xr[k]; \
        } \
    } \
} \
    TARGET static void vexp_##SUFFIX(double *y, const double *x, size_t n) \
{ \
    for (size_t i = 0; i < n; i++) \
        y[i] = rl_exp(x[i]); \
} \
    TARGET static void vtanh_##SUFFIX(double *y, const double *x, size_t n) \
{ \
    for (size_t i = 0; i < n; i++) \
        y[i] = rl_tanh(x[i]); \
} \
    TARGET static void vsigmoid_##SUFFIX(double *y, const double *x, size_t n) \
{ \
    for (size_t i = 0; i < n; i++) \
        y[i] = rl_sigmoid(x[i]); \
}

#if defined(__x86_64__) && defined(__GNUC__)
#define X86 1
KERNELS(baseline, )
KERNELS(avx2, __attribute__((target("avx2"))))
KERNELS(avx512, __attribute__((target("avx512f"))))
#else
#define X86 0
KERNELS(baseline, )
#endif

typedef struct {
    const char *name;
    void (*bias)(double *, const double *, const double *, const double *, size_t, size_t, size_t);
    void (*acc)(double *, const double *, const double *, size_t, size_t, size_t);
    void (*tn_acc)(double *, const double *, const double *, size_t, size_t, size_t);
    void (*exp)(double *, const double *, size_t);
    void (*tanh)(double *, const double *, size_t);
    void (*sigmoid)(double *, const double *, size_t);
} KernelSet;

static const KernelSet PATHS[] = {
    {"baseline", matmul_bias_baseline, matmul_acc_baseline, matmul_tn_acc_baseline, vexp_baseline, vtanh_baseline, vsigmoid_baseline},
#if X86
    {"avx2", matmul_bias_avx2, matmul_acc_avx2, matmul_tn_acc_avx2, vexp_avx2, vtanh_avx2, vsigmoid_avx2},
    {"avx512", matmul_bias_avx512, matmul_acc_avx512, matmul_tn_acc_avx512, vexp_avx512, vtanh_avx512, vsigmoid_avx512},
#endif
};
#define N_PATHS ((int)(sizeof PATHS / sizeof PATHS[0]))

/* The path in use: the best the CPU has, from before main runs (pick_best); main may
 * force another (RNNLAB_ISA) before any thread starts. */
static const KernelSet *kernels = &PATHS[0];

/* Whether this CPU runs path i. */
static int path_supported(int i)
{
#if X86
    __builtin_cpu_init();
    if (!strcmp(PATHS[i].name, "avx2"))
        return __builtin_cpu_supports("avx2");
    if (!strcmp(PATHS[i].name, "avx512"))
        return __builtin_cpu_supports("avx512f");
#endif
    return i == 0;
}

int linalg_isa_select(const char *want, char *err, size_t errlen)
{
    int best = 0;
    for (int i = 0; i < N_PATHS; i++)
        if (path_supported(i))
            best = i;
    if (!want || !*want) {
        kernels = &PATHS[best];
        return 0;
    }
    char list[128] = "";
    for (int i = 0; i < N_PATHS; i++) {
        if (!strcmp(want, PATHS[i].name)) {
            if (!path_supported(i)) {
                snprintf(err, errlen, "RNNLAB_ISA=%s: this CPU has no %s; it runs %s", want,
                         !strcmp(want, "avx512") ? "AVX-512F" : "AVX2", linalg_isa_supported(list, sizeof list));
                return -1;
            }
            kernels = &PATHS[i];
            return 0;
        }
    }
    snprintf(err, errlen, "RNNLAB_ISA=%s: unknown; accepted: %s (this CPU runs %s)", want,
             X86 ? "baseline, avx2, avx512" : "baseline", linalg_isa_supported(list, sizeof list));
    return -1;
}

const char *linalg_isa_supported(char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int i = 0; i < N_PATHS && n < len; i++)
        if (path_supported(i))
            n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "", PATHS[i].name);
    return buf;
}

__attribute__((constructor)) static void pick_best(void)
{
    char err[8];
    linalg_isa_select(NULL, err, sizeof err);
}

const char *linalg_isa_name(void)
{
    return kernels->name;
}

void linalg_matmul_bias(double *out, const double *a, const double *wt, const double *bias, size_t R, size_t K,
                        size_t N)
{
    kernels->bias(out, a, wt, bias, R, K, N);
}

void linalg_matmul_acc(double *out, const double *a, const double *w, size_t R, size_t N, size_t K)
{
    kernels->acc(out, a, w, R, N, K);
}

void linalg_matmul_tn_acc(double *dw, const double *a, const double *x, size_t R, size_t N, size_t K)
{
    kernels->tn_acc(dw, a, x, R, N, K);
}

void linalg_vexp(double *y, const double *x, size_t n)
{
    kernels->exp(y, x, n);
}

void linalg_vtanh(double *y, const double *x, size_t n)
{
    kernels->tanh(y, x, n);
}

void linalg_vsigmoid(double *y, const double *x, size_t n)
{
    kernels->sigmoid(y, x, n);
}

void linalg_matmul_bias_ref(double *out, const double *a, const double *w, const double *bias,
                            size_t R, size_t K, size_t N)
{
    for (size_t r = 0; r < R; r++)
        for (size_t n = 0; n < N; n++) {
            double s = bias ? bias[n] : 0.0;
            for (size_t k = 0; k < K; k++)
                s += a[r * K + k] * w[n * K + k];
            out[r * N + n] = s;
        }
}

void linalg_matmul_acc_ref(double *out, const double *a, const double *w, size_t R, size_t N,
                           size_t K)
{
    for (size_t r = 0; r < R; r++)
        for (size_t k = 0; k < K; k++) {
            double s = 0.0;
            for (size_t n = 0; n < N; n++)
                s += a[r * N + n] * w[n * K + k];
            out[r * K + k] += s;
        }
}

void linalg_matmul_tn_acc_ref(double *dw, const double *a, const double *x, size_t R, size_t N,
                              size_t K)
{
    for (size_t n = 0; n < N; n++)
        for (size_t k = 0; k < K; k++) {
            double s = 0.0;
            for (size_t r = 0; r < R; r++)
                s += a[r * N + n] * x[r * K + k];
            dw[n * K + k] += s;
        }
}

void linalg_transpose(double *wt, const double *w, size_t N, size_t K)
{
    for (size_t n = 0; n < N; n++)
        for (size_t k = 0; k < K; k++)
            wt[k * N + n] = w[n * K + k];
}

static double norm2(const double *v, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += v[i] * v[i];
    return sqrt(s);
}

double linalg_sigma_max(const double *a, int n, double *v, double *work, int max_iter, double tol)
{
    size_t N = (size_t)n;
    double nv = norm2(v, N);
    if (!(nv > 0) || !isfinite(nv)) {
        for (size_t i = 0; i < N; i++)
            v[i] = 1.0 / sqrt((double)n);
    }
    double sigma = 0.0;
    for (int it = 0; it < max_iter; it++) {
        /* u = a v: its norm is a lower bound on sigma_max that rises to it. */
        for (size_t i = 0; i < N; i++) {
            double s = 0.0;
            for (size_t k = 0; k < N; k++)
                s += a[i * N + k] * v[k];
            work[i] = s;
        }
        double next = norm2(work, N);
        if (next == 0.0) {
            if (it == 0) { /* v is in the null space: try a basis vector */
                memset(v, 0, N * sizeof(double));
                v[(size_t)it % N] = 1.0;
                continue;
            }
            return 0.0;
        }
        /* v = a^T u / ||a^T u|| */
        memset(v, 0, N * sizeof(double));
        for (size_t i = 0; i < N; i++)
            for (size_t k = 0; k < N; k++)
                v[k] += a[i * N + k] * work[i];
        double nw = norm2(v, N);
        for (size_t k = 0; k < N; k++)
            v[k] /= nw;
        int done = fabs(next - sigma) <= tol * next;
        sigma = next;
        if (done)
            break;
    }
    return sigma;
}

int linalg_singular_values(double *s, const double *a, int n)
{
    size_t nn = (size_t)n * n;
    double *work = malloc(sizeof(double) * (nn + (size_t)n));
    if (!work)
        return -1;
    memcpy(work, a, nn * sizeof(double));
    double *superb = work + nn;
    int info = (int)LAPACKE_dgesvd(LAPACK_ROW_MAJOR, 'N', 'N', n, n, work, n, s, NULL, 1, NULL, 1,
                                   superb);
    free(work);
    return info;
}

int linalg_eigenvalues(double *re, double *im, const double *a, int n)
{
    size_t nn = (size_t)n * n;
    double *work = malloc(sizeof(double) * nn);
    if (!work)
        return -1;
    memcpy(work, a, nn * sizeof(double));
    int info = (int)LAPACKE_dgeev(LAPACK_ROW_MAJOR, 'N', 'N', n, work, n, re, im, NULL, 1, NULL, 1);
    free(work);
    return info;
}

int linalg_random_orthogonal(double *q, int n, Rng *rng)
{
    /* Householder QR of a Gaussian matrix in plain loops (no LAPACK: its result would
     * depend on which BLAS the system picked), R's diagonal signs folded into Q, which makes
     * the distribution uniform (Mezzadri 2007). The same reflections as LAPACK's dgeqrf. */
    size_t N = (size_t)n, nn = N * N;
    double *a = malloc(nn * sizeof(double)), *v = malloc(nn * sizeof(double)), *sign = malloc(N * sizeof(double));
    if (!a || !v || !sign) {
        free(a), free(v), free(sign);
        return -1;
    }
    for (size_t i = 0; i < nn; i++)
        a[i] = rng_normal(rng);
    memset(v, 0, nn * sizeof(double));
    for (size_t k = 0; k < N; k++) {
        double norm = 0;
        for (size_t i = k; i < N; i++)
            norm += a[i * N + k] * a[i * N + k];
        norm = sqrt(norm);
        double x0 = a[k * N + k], alpha = x0 >= 0 ? -norm : norm; /* R_kk */
        sign[k] = alpha < 0 ? -1.0 : 1.0;
        double *vk = v + k * N, vv = 0;
        for (size_t i = k; i < N; i++)
            vk[i] = a[i * N + k];
        vk[k] = x0 - alpha;
        for (size_t i = k; i < N; i++)
            vv += vk[i] * vk[i];
        if (vv == 0)
            continue; /* already triangular in this column */
        for (size_t j = k; j < N; j++) { /* A[k:, j] -= 2 v (v . A[k:, j]) / (v . v) */
            double d = 0;
            for (size_t i = k; i < N; i++)
                d += vk[i] * a[i * N + j];
            double f = 2.0 * d / vv;
            for (size_t i = k; i < N; i++)
                a[i * N + j] -= f * vk[i];
        }
    }
    /* Q = H_0 H_1 ... H_{n-1}, applied to the identity from the last reflection back */
    memset(q, 0, nn * sizeof(double));
    for (size_t i = 0; i < N; i++)
        q[i * N + i] = 1.0;
    for (size_t k = N; k-- > 0;) {
        const double *vk = v + k * N;
        double vv = 0;
        for (size_t i = k; i < N; i++)
            vv += vk[i] * vk[i];
        if (vv == 0)
            continue;
        for (size_t j = 0; j < N; j++) {
            double d = 0;
            for (size_t i = k; i < N; i++)
                d += vk[i] * q[i * N + j];
            double f = 2.0 * d / vv;
            for (size_t i = k; i < N; i++)
                q[i * N + j] -= f * vk[i];
        }
    }
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++)
            q[i * N + j] *= sign[j];
    free(sign), free(v), free(a);
    return 0;
}

double linalg_sigma_max_exact(const double *m, int n)
{
    /* One-sided Jacobi (Hestenes 1958): rotate pairs of columns of a copy until every pair
     * is orthogonal to working precision; the singular values are then the column norms.
     * Plain loops in a fixed order: the same bits on every machine and BLAS. */
    size_t N = (size_t)n;
    double *a = malloc(N * N * sizeof(double));
    if (!a)
        return NAN;
    memcpy(a, m, N * N * sizeof(double));
    for (int sweep = 0; sweep < 60; sweep++) {
        int rotated = 0;
        for (size_t p = 0; p + 1 < N; p++)
            for (size_t r = p + 1; r < N; r++) {
                double alpha = 0, beta = 0, gamma = 0;
                for (size_t i = 0; i < N; i++) {
                    double x = a[i * N + p], y = a[i * N + r];
                    alpha += x * x, beta += y * y, gamma += x * y;
                }
                if (gamma == 0 || fabs(gamma) <= 1e-15 * sqrt(alpha * beta))
                    continue;
                rotated = 1;
                double zeta = (beta - alpha) / (2 * gamma);
                double t = (zeta >= 0 ? 1.0 : -1.0) / (fabs(zeta) + sqrt(1 + zeta * zeta));
                double c = 1 / sqrt(1 + t * t), s = c * t;
                for (size_t i = 0; i < N; i++) {
                    double x = a[i * N + p], y = a[i * N + r];
                    a[i * N + p] = c * x - s * y;
                    a[i * N + r] = s * x + c * y;
                }
            }
        if (!rotated)
            break;
    }
    double best = 0;
    for (size_t j = 0; j < N; j++) {
        double s2 = 0;
        for (size_t i = 0; i < N; i++)
            s2 += a[i * N + j] * a[i * N + j];
        best = s2 > best ? s2 : best;
    }
    free(a);
    return sqrt(best);
}
