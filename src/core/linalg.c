/* linalg.c: plain loops the compiler vectorises (axpy form, contiguous inner loops) and
 * their dot-product references; spectra through LAPACKE's dgesvd and dgeev. */
#include "linalg.h"

#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The hot kernels are compiled twice, for AVX2 and for plain x86-64, and the loader picks
 * one. AVX2 without FMA: wider vectors, the same roundings, so the bits do not depend on
 * the machine. Each kernel folds four rows of its second operand per pass, so the output
 * row is loaded and stored a quarter as often. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define HOT __attribute__((target_clones("avx2", "default")))
#else
#define HOT
#endif

HOT void linalg_matmul_bias(double *out, const double *a, const double *wt, const double *bias,
                            size_t R, size_t K, size_t N)
{
    for (size_t r = 0; r < R; r++) {
        double *o = out + r * N;
        const double *ar = a + r * K;
        if (bias)
            memcpy(o, bias, N * sizeof(double));
        else
            memset(o, 0, N * sizeof(double));
        size_t k = 0;
        for (; k + 4 <= K; k += 4) {
            double s0 = ar[k], s1 = ar[k + 1], s2 = ar[k + 2], s3 = ar[k + 3];
            if (s0 == 0.0 && s1 == 0.0 && s2 == 0.0 && s3 == 0.0)
                continue; /* one-hot inputs and the zero initial state */
            const double *w0 = wt + k * N, *w1 = w0 + N, *w2 = w1 + N, *w3 = w2 + N;
            for (size_t n = 0; n < N; n++)
                o[n] += s0 * w0[n] + s1 * w1[n] + s2 * w2[n] + s3 * w3[n];
        }
        for (; k < K; k++) {
            double s = ar[k];
            if (s == 0.0)
                continue;
            const double *w = wt + k * N;
            for (size_t n = 0; n < N; n++)
                o[n] += s * w[n];
        }
    }
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

HOT void linalg_matmul_acc(double *out, const double *a, const double *w, size_t R, size_t N,
                           size_t K)
{
    for (size_t r = 0; r < R; r++) {
        double *o = out + r * K;
        const double *ar = a + r * N;
        size_t n = 0;
        for (; n + 4 <= N; n += 4) {
            double s0 = ar[n], s1 = ar[n + 1], s2 = ar[n + 2], s3 = ar[n + 3];
            const double *w0 = w + n * K, *w1 = w0 + K, *w2 = w1 + K, *w3 = w2 + K;
            for (size_t k = 0; k < K; k++)
                o[k] += s0 * w0[k] + s1 * w1[k] + s2 * w2[k] + s3 * w3[k];
        }
        for (; n < N; n++) {
            double s = ar[n];
            const double *wn = w + n * K;
            for (size_t k = 0; k < K; k++)
                o[k] += s * wn[k];
        }
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

HOT void linalg_matmul_tn_acc(double *dw, const double *a, const double *x, size_t R, size_t N,
                              size_t K)
{
    size_t r = 0;
    for (; r + 4 <= R; r += 4) {
        const double *a0 = a + r * N, *a1 = a0 + N, *a2 = a1 + N, *a3 = a2 + N;
        const double *x0 = x + r * K, *x1 = x0 + K, *x2 = x1 + K, *x3 = x2 + K;
        for (size_t n = 0; n < N; n++) {
            double s0 = a0[n], s1 = a1[n], s2 = a2[n], s3 = a3[n];
            double *d = dw + n * K;
            for (size_t k = 0; k < K; k++)
                d[k] += s0 * x0[k] + s1 * x1[k] + s2 * x2[k] + s3 * x3[k];
        }
    }
    for (; r < R; r++) {
        const double *ar = a + r * N, *xr = x + r * K;
        for (size_t n = 0; n < N; n++) {
            double s = ar[n];
            double *d = dw + n * K;
            for (size_t k = 0; k < K; k++)
                d[k] += s * xr[k];
        }
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
    size_t nn = (size_t)n * n;
    double *tau = malloc(sizeof(double) * (size_t)n);
    double *diag = malloc(sizeof(double) * (size_t)n);
    if (!tau || !diag) {
        free(tau);
        free(diag);
        return -1;
    }
    for (size_t i = 0; i < nn; i++)
        q[i] = rng_normal(rng);
    int info = (int)LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, n, n, q, n, tau);
    if (info == 0) {
        for (int i = 0; i < n; i++)
            diag[i] = q[(size_t)i * n + i];
        info = (int)LAPACKE_dorgqr(LAPACK_ROW_MAJOR, n, n, n, q, n, tau);
    }
    if (info == 0) /* Q . diag(sign(R_ii)) makes the distribution uniform (Mezzadri 2007) */
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (diag[j] < 0)
                    q[(size_t)i * n + j] = -q[(size_t)i * n + j];
    free(diag);
    free(tau);
    return info;
}
