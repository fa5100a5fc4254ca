/* linalg.h: the few dense kernels small RNNs need, each with a plain reference loop kept
 * beside it for the tests, the orthogonal init and the exact sigma_max in plain loops, and
 * LAPACKE wrappers for the spectrum view.
 * Leaves out general BLAS: every matrix here is small enough to sit in cache. */
#ifndef RNNLAB_LINALG_H
#define RNNLAB_LINALG_H

#include "rng.h"

#include <stddef.h>

/* out (R, N) = a (R, K) . w^T + bias, with w (N, K) given transposed as wt (K, N): the inner
 * loop runs along contiguous rows of wt and vectorises. bias may be NULL. */
void linalg_matmul_bias(double *out, const double *a, const double *wt, const double *bias,
                        size_t R, size_t K, size_t N);
/* The same, leaving out the k at which a whole tile of rows of a is zero: for one-hot
 * inputs and the zero initial state. Differs from the dense product at most in the sign of
 * a zero result, or where an infinite weight meets a zero input (NaN there, not here). */
void linalg_matmul_bias_sparse(double *out, const double *a, const double *wt, const double *bias,
                               size_t R, size_t K, size_t N);
/* The same product from w (N, K) by dot products: the reference, with the same bits. */
void linalg_matmul_bias_ref(double *out, const double *a, const double *w, const double *bias,
                            size_t R, size_t K, size_t N);

/* out (R, K) += a (R, N) . w (N, K): backward through a layer, to its input. */
void linalg_matmul_acc(double *out, const double *a, const double *w, size_t R, size_t N,
                       size_t K);
void linalg_matmul_acc_ref(double *out, const double *a, const double *w, size_t R, size_t N,
                           size_t K);

/* dw (N, K) += a^T . x, with a (R, N), x (R, K): backward through a layer, to its weights. */
void linalg_matmul_tn_acc(double *dw, const double *a, const double *x, size_t R, size_t N,
                          size_t K);
void linalg_matmul_tn_acc_ref(double *dw, const double *a, const double *x, size_t R, size_t N,
                              size_t K);

/* The sum of g's squares, in sixteen interleaved partial sums added in a fixed order: one
 * pass, and the same bits on every path. Overflows for |g| beyond about 1e154. */
double linalg_sumsq(const double *g, size_t n);
/* The same for g times c, (g_i c)^2 summed: with c a power of two, g_i c is exact, so a
 * norm far below (or above) the range of the squares is sqrt(this) / c. */
double linalg_sumsq_scaled(const double *g, size_t n, double c);

/* acc (N) += the sum of a's R rows (R, N), row after row: a bias's gradient over a batch and
 * its steps. linalg_colsum_acc_ref is the plain loop, with the same bits. */
void linalg_colsum_acc(double *acc, const double *a, size_t R, size_t N);
void linalg_colsum_acc_ref(double *acc, const double *a, size_t R, size_t N);

/* y = e^x, tanh x, 1 / (1 + e^-x) element by element (vmath.h's functions on this path's
 * vectors, the scalar functions' bits; y may be x). */
void linalg_vexp(double *y, const double *x, size_t n);
void linalg_vtanh(double *y, const double *x, size_t n);
void linalg_vsigmoid(double *y, const double *x, size_t n);

/* The instruction set the kernels above run on: "baseline" (SSE2), "avx2" or
 * "avx512" (on x86-64), all giving the same bits. want NULL or "" picks the best this CPU
 * has; a name forces that path (RNNLAB_ISA, read by main). 0, or -1 with a message naming
 * what is accepted (a path the CPU lacks is refused). Call once, before any thread. */
int linalg_isa_select(const char *want, char *err, size_t errlen);
const char *linalg_isa_name(void);
/* The path in use as a number: 0 baseline, 1 avx2, 2 avx512. */
int linalg_isa_index(void);

/* LINALG_PER_PATH(NAME, BODY, PARAMS, ARGS) defines void NAME PARAMS, which calls the
 * static always-inline BODY compiled for the path in use: one copy per path (GCC target
 * attributes), as the kernels are, for elementwise code outside this file. */
#if defined(__x86_64__) && defined(__GNUC__)
#define LINALG_PER_PATH(NAME, BODY, PARAMS, ARGS) \
    static void NAME##_baseline PARAMS { BODY ARGS; } \
    __attribute__((target("avx2"))) static void NAME##_avx2 PARAMS { BODY ARGS; } \
    __attribute__((target("avx512f"))) static void NAME##_avx512 PARAMS { BODY ARGS; } \
    void NAME PARAMS \
    { \
        switch (linalg_isa_index()) { \
        case 2: NAME##_avx512 ARGS; break; \
        case 1: NAME##_avx2 ARGS; break; \
        default: NAME##_baseline ARGS; break; \
        } \
    }
#else
#define LINALG_PER_PATH(NAME, BODY, PARAMS, ARGS) \
    void NAME PARAMS { BODY ARGS; }
#endif
/* "baseline, avx2, avx512": the paths this CPU runs, into buf. Returns buf. */
const char *linalg_isa_supported(char *buf, size_t len);

/* n zeroed elements of `size` bytes on a 64-byte boundary (a cache line, an AVX-512 vector):
 * the kernels' rows of eight doubles then never straddle two lines (glibc's calloc gives 16).
 * Freed with linalg_free, not free(). NULL when memory runs out or n * size overflows. */
void *linalg_calloc(size_t n, size_t size);
void linalg_free(void *p);

/* wt (K, N) = w (N, K)^T */
void linalg_transpose(double *wt, const double *w, size_t N, size_t K);

/* The largest singular value of a (n, n) by power iteration on a^T a, warm-started from v
 * (n, unit length or all zero) and leaving the converged right singular vector there, so
 * that when a changes a little between calls a few products suffice. Stops when the
 * estimate has moved, and is expected still to move, by less than tol relative, or after
 * max_iter products. work: n + n^2. */
double linalg_sigma_max(const double *a, int n, double *v, double *work, int max_iter, double tol);

/* Singular values of a (n, n), descending, into s (n). Returns 0 or a LAPACK error code. */
int linalg_singular_values(double *s, const double *a, int n);

/* Eigenvalues of a (n, n) into re (n), im (n). Returns 0 or a LAPACK error code. */
int linalg_eigenvalues(double *re, double *im, const double *a, int n);

/* A uniformly random orthogonal (n, n) matrix: QR of a Gaussian matrix with the signs of
 * R's diagonal folded into Q, as torch.nn.init.orthogonal_ does. */
int linalg_random_orthogonal(double *q, int n, Rng *rng);

/* The largest singular value of m (n, n) to working precision, by one-sided Jacobi in plain
 * loops: what init's rho= scales by, the same on every machine (LAPACK's would depend on
 * the system's BLAS). NAN when memory runs out. */
double linalg_sigma_max_exact(const double *m, int n);

#endif
