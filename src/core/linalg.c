/* linalg.c: a register-blocked product compiled per instruction set, beside plain
 * reference loops that give the same bits; spectra through LAPACKE's dgesvd and dgeev. */
#include "linalg.h"
#include "vmath.h"

#include <lapacke.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The hot kernels are compiled three times from one source (KERNELS below): for plain
 * x86-64 (SSE2), for AVX2 and for AVX-512F, and linalg_isa_select() picks one at start-up:
 * the best the CPU has, or the one RNNLAB_ISA names. No FMA in any of them (-ffp-contract=off,
 * and the AVX2 and AVX-512 targets multiply then add): wider vectors, the same roundings in
 * the same order, so the bits do not depend on the path.
 *
 * The three products are one register-blocked kernel, gemm: C (M, N) += A (M, K) . B (K, N)
 * with B's rows contiguous and A read through strides (so A may be a transposed view).
 * Every element of C gets the same sequence of roundings, whatever the tile or the vector
 * width, the plain loop's:  c = c0;  c = c + a_k b_k  for k = 0, 1, ..., K-1  (the _ref
 * functions below, which give the same bits). With `skip`, a k at which every row of a tile
 * of MR rows has a zero a is left out (one-hot inputs, the zero initial state): that changes
 * at most the sign of a zero, or a NaN from an infinite weight times zero. A tile of MR rows
 * by two vectors of C stays in registers across the whole of K, and each load of B serves MR
 * rows: that is what lets throughput grow with the batch. (Grouping four products before
 * each accumulation, as an earlier version did, needs four B vectors live per output vector:
 * the tile spilled to the stack and ran at 18-25 GFLOP/s against 33-35 for this order.)
 * Columns left over from the vectors are done one at a time in the same order. */
#define MR 4
/* B bigger than this (in doubles, 256 KB) is streamed by rows for a single row of C. */
#define GEMM_STREAM_DOUBLES 32768
/* Tiles of MR rows sweep B in panels of at most this many doubles (32 KB, L1), of at least
 * GEMM_PANEL_MIN of its rows. Unblocked, a weight gradient's B (all T x batch rows of the
 * states) left L1 for every tile: 10-18 GFLOP/s against 35-48 at batch 32 and 128. */
#define GEMM_PANEL_DOUBLES 4096
#define GEMM_PANEL_MIN 64

/* Vectors of a tile: MR rows by 2, or a single row by up to GEMM_NV (the independent sums a
 * single row needs to hide the latency of the additions). */
#define GEMM_NV 8

/* One tile: `rows` (<= MR) rows of C by `nv` vectors of type T (W doubles each) at c,
 * starting from c0 (row stride ld0: c0 = c to accumulate, a bias with ld0 = 0) or from 0
 * where c0 is NULL. */
#define GEMM_TILE(T, W, LOAD, STORE, c, ldc, c0, ld0, a, rsa, csa, b, ldb, K, rows, nv, skip) \
    do { \
        T acc[MR][GEMM_NV], zero_ = {0}; \
        for (int i_ = 0; i_ < (rows); i_++) \
            for (int v_ = 0; v_ < (nv); v_++) \
                acc[i_][v_] = (c0) ? LOAD((c0) + i_ * (ld0) + v_ * (W)) : zero_; \
        for (size_t k_ = 0; k_ < (K); k_++) { \
            const double *ak_ = (a) + k_ * (csa); \
            if (skip) { \
                int nz_ = 0; \
                for (int i_ = 0; i_ < (rows); i_++) \
                    nz_ |= ak_[i_ * (rsa)] != 0.0; /* NaN is not zero */ \
                if (!nz_) \
                    continue; \
            } \
            T bv_[GEMM_NV]; \
            for (int v_ = 0; v_ < (nv); v_++) \
                bv_[v_] = LOAD((b) + k_ * (ldb) + v_ * (W)); \
            for (int i_ = 0; i_ < (rows); i_++) { \
                double s_ = ak_[i_ * (rsa)]; \
                for (int v_ = 0; v_ < (nv); v_++) \
                    acc[i_][v_] = acc[i_][v_] + s_ * bv_[v_]; \
            } \
        } \
        for (int i_ = 0; i_ < (rows); i_++) \
            for (int v_ = 0; v_ < (nv); v_++) \
                STORE((c) + i_ * (ldc) + v_ * (W), acc[i_][v_]); \
    } while (0)

/* A weight gradient with fewer columns than a vector and at most this many doubles is summed
 * transposed (matmul_tn_acc). */
#define TN_NARROW_MAX 4096

/* The cells' exp, tanh and sigmoid over n doubles (y may be x): eight vectors at a time,
 * their chains interleaved, then four, then single vectors, then the last doubles with the
 * scalar function; all give the same bits. Eight chains keep the pipes busy (AVX2, a value:
 * exp 1.6, tanh 2.9, sigmoid 1.6 ns, against 2.5, 4.8, 2.6 with four chains as GCC ordered
 * them; docs/BENCHMARKS.md); four serve a row of 32 doubles on AVX-512. */
#define VMATH_BLOCK(T, W, NV, FN) \
    for (; i + (NV) * (W) <= n; i += (NV) * (W)) { \
        T v[NV], r[NV]; /* T may alias a double, unaligned */ \
        for (int u = 0; u < (NV); u++) \
            v[u] = *(const T *)(x + i + u * (W)); \
        FN(r, v); \
        for (int u = 0; u < (NV); u++) \
            *(T *)(y + i + u * (W)) = r[u]; \
    }
#define VMATH_LOOP(NAME, TARGET, FN8, FN4, FN1, SCALARFN, T, W) \
    TARGET static void NAME(double *y, const double *x, size_t n) \
    { \
        size_t i = 0; \
        VMATH_BLOCK(T, W, 8, FN8) \
        VMATH_BLOCK(T, W, 4, FN4) \
        VMATH_BLOCK(T, W, 1, FN1) \
        for (; i < n; i++) \
            y[i] = SCALARFN(x[i]); \
    }

#define SCALAR_LOAD(p) (*(p))
#define SCALAR_STORE(p, x) (*(p) = (x))

#define KERNELS(SUFFIX, TARGET, W) \
    typedef double vec_##SUFFIX __attribute__((vector_size(8 * (W)), aligned(8), may_alias)); \
    typedef int64_t veci_##SUFFIX __attribute__((vector_size(8 * (W)))); \
    typedef uint64_t vecu_##SUFFIX __attribute__((vector_size(8 * (W)))); \
    TARGET static inline vec_##SUFFIX load_##SUFFIX(const double *p) \
{ \
    return *(const vec_##SUFFIX *)p; \
} \
    TARGET static inline void store_##SUFFIX(double *p, vec_##SUFFIX x) \
{ \
    *(vec_##SUFFIX *)p = x; \
} \
    /* Rows of C in tiles of MR (M a multiple of MR) in one strip of nv vectors. */ \
    TARGET static inline __attribute__((always_inline)) void gemm_strip_##SUFFIX( \
        double *c, const double *c0, size_t ld0, const double *a, size_t rsa, size_t csa, const double *b, size_t M, \
        size_t K, size_t N, int nv, int skip) \
{ \
    for (size_t i = 0; i < M; i += MR) \
        GEMM_TILE(vec_##SUFFIX, W, load_##SUFFIX, store_##SUFFIX, c + i * N, N, c0 ? c0 + i * ld0 : NULL, ld0, \
                  a + i * rsa, rsa, csa, b, N, K, MR, nv, skip); \
} \
    /* One row of C across all N: GEMM_NV vectors at a time, then 4, 2 and single vectors \
     * (each a chain of K additions: as many side by side as there are vectors left; one at \
     * a time, a row of 32 doubles on AVX-512 waited on the latency of each addition), then \
     * doubles. */ \
    TARGET static void gemm_row_##SUFFIX(double *c, const double *c0, const double *a, size_t csa, const double *b, \
                                         size_t K, size_t N, int skip) \
{ \
    size_t j = 0; \
    for (; j + GEMM_NV * (W) <= N; j += GEMM_NV * (W)) \
        GEMM_TILE(vec_##SUFFIX, W, load_##SUFFIX, store_##SUFFIX, c + j, 0, c0 ? c0 + j : NULL, 0, a, 0, csa, b + j, \
                  N, K, 1, GEMM_NV, skip); \
    if (j + 4 * (W) <= N) { \
        GEMM_TILE(vec_##SUFFIX, W, load_##SUFFIX, store_##SUFFIX, c + j, 0, c0 ? c0 + j : NULL, 0, a, 0, csa, b + j, \
                  N, K, 1, 4, skip); \
        j += 4 * (W); \
    } \
    if (j + 2 * (W) <= N) { \
        GEMM_TILE(vec_##SUFFIX, W, load_##SUFFIX, store_##SUFFIX, c + j, 0, c0 ? c0 + j : NULL, 0, a, 0, csa, b + j, \
                  N, K, 1, 2, skip); \
        j += 2 * (W); \
    } \
    for (; j + (W) <= N; j += (W)) \
        GEMM_TILE(vec_##SUFFIX, W, load_##SUFFIX, store_##SUFFIX, c + j, 0, c0 ? c0 + j : NULL, 0, a, 0, csa, b + j, \
                  N, K, 1, 1, skip); \
    for (; j < N; j++) \
        GEMM_TILE(double, 1, SCALAR_LOAD, SCALAR_STORE, c + j, 0, c0 ? c0 + j : NULL, 0, a, 0, csa, b + j, N, K, 1, 1, \
                  skip); \
} \
    /* Rows of C in tiles of MR in one column, one double at a time in the same order. */ \
    TARGET static void gemm_column_##SUFFIX(double *c, const double *c0, size_t ld0, const double *a, size_t rsa, \
                                            size_t csa, const double *b, size_t M, size_t K, size_t N, int skip) \
{ \
    for (size_t i = 0; i < M; i += MR) \
        GEMM_TILE(double, 1, SCALAR_LOAD, SCALAR_STORE, c + i * N, N, c0 ? c0 + i * ld0 : NULL, ld0, a + i * rsa, \
                  rsa, csa, b, N, K, MR, 1, skip); \
} \
    /* One row of C by streaming B's rows: for a single row and a B too big for the cache, \
     * where walking B by column strips would touch a new line every load. Four rows of B \
     * at a time pass over a piece of the output held in registers, in the order of the \
     * tile: o = o + a_k b_k, k ascending (skip: a block of four zero a's is left out). */ \
    TARGET static void gemm_stream_row_##SUFFIX(double *o, const double *a, size_t csa, const double *b, size_t K, \
                                                size_t N, int skip) \
{ \
    size_t k = 0; \
    for (; k + 4 <= K; k += 4) { \
        double s0 = a[k * csa], s1 = a[(k + 1) * csa], s2 = a[(k + 2) * csa], s3 = a[(k + 3) * csa]; \
        if (skip && s0 == 0.0 && s1 == 0.0 && s2 == 0.0 && s3 == 0.0) \
            continue; \
        const double *b0 = b + k * N, *b1 = b0 + N, *b2 = b1 + N, *b3 = b2 + N; \
        size_t n = 0; \
        for (; n + (W) <= N; n += (W)) { \
            vec_##SUFFIX y = load_##SUFFIX(o + n); \
            y = y + s0 * load_##SUFFIX(b0 + n); \
            y = y + s1 * load_##SUFFIX(b1 + n); \
            y = y + s2 * load_##SUFFIX(b2 + n); \
            y = y + s3 * load_##SUFFIX(b3 + n); \
            store_##SUFFIX(o + n, y); \
        } \
        for (; n < N; n++) { \
            double y = o[n]; \
            y = y + s0 * b0[n]; \
            y = y + s1 * b1[n]; \
            y = y + s2 * b2[n]; \
            y = y + s3 * b3[n]; \
            o[n] = y; \
        } \
    } \
    for (; k < K; k++) { \
        double s = a[k * csa]; \
        if (skip && s == 0.0) \
            continue; \
        const double *bk = b + k * N; \
        for (size_t n = 0; n < N; n++) \
            o[n] = o[n] + s * bk[n]; \
    } \
} \
    /* Rows M of C (a multiple of MR), column strips outer and row tiles inner: a strip of B \
     * (K by two vectors) stays in L1 while every row tile uses it. */ \
    TARGET static void gemm_strips_##SUFFIX(double *c, const double *c0, size_t ld0, const double *a, size_t rsa, \
                                            size_t csa, const double *b, size_t M, size_t K, size_t N, int skip) \
{ \
    size_t j = 0; \
    for (; j + 2 * (W) <= N; j += 2 * (W)) \
        gemm_strip_##SUFFIX(c + j, c0 ? c0 + j : NULL, ld0, a, rsa, csa, b + j, M, K, N, 2, skip); \
    if (j + (W) <= N) { \
        gemm_strip_##SUFFIX(c + j, c0 ? c0 + j : NULL, ld0, a, rsa, csa, b + j, M, K, N, 1, skip); \
        j += (W); \
    } \
    for (; j < N; j++) \
        gemm_column_##SUFFIX(c + j, c0 ? c0 + j : NULL, ld0, a, rsa, csa, b + j, M, K, N, skip); \
} \
    /* Rows in tiles of MR: the inner dimension in panels of B of at most GEMM_PANEL_DOUBLES, \
     * each swept by every row tile in turn (a tile's rows of A stay in L1 as it sweeps the \
     * panel, and the panel in L1 for the next tile); C is stored after a panel and loaded \
     * for the next, which rounds nothing: the same sums in the same order. The last M mod \
     * MR rows one by one, B streamed by rows when it is too big for the cache. */ \
    TARGET static void gemm_##SUFFIX(double *c, const double *c0, size_t ld0, const double *a, size_t rsa, \
                                     size_t csa, const double *b, size_t M, size_t K, size_t N, int skip) \
{ \
    size_t full = M - M % MR; \
    size_t kc = N ? GEMM_PANEL_DOUBLES / N : K; \
    kc = kc < GEMM_PANEL_MIN ? GEMM_PANEL_MIN : kc; \
    for (size_t k0 = 0; full && k0 < K; k0 += kc) { \
        size_t kn = K - k0 < kc ? K - k0 : kc; \
        const double *from = k0 ? c : c0; /* the panels after the first continue C's sums */ \
        size_t ldf = k0 ? N : ld0; \
        for (size_t i = 0; i < full; i += MR) \
            gemm_strips_##SUFFIX(c + i * N, from ? from + i * ldf : NULL, ldf, a + i * rsa + k0 * csa, rsa, csa, \
                                 b + k0 * N, MR, kn, N, skip); \
    } \
    for (size_t i = full; i < M; i++) { \
        if (K * N <= GEMM_STREAM_DOUBLES) { \
            gemm_row_##SUFFIX(c + i * N, c0 ? c0 + i * ld0 : NULL, a + i * rsa, csa, b, K, N, skip); \
            continue; \
        } \
        if (!c0) \
            memset(c + i * N, 0, N * sizeof(double)); \
        else if (c0 != c) \
            memcpy(c + i * N, c0 + i * ld0, N * sizeof(double)); \
        gemm_stream_row_##SUFFIX(c + i * N, a + i * rsa, csa, b, K, N, skip); \
    } \
} \
    TARGET static void matmul_bias_##SUFFIX(double *out, const double *a, const double *wt, const double *bias, \
                                            size_t R, size_t K, size_t N) \
{ \
    gemm_##SUFFIX(out, bias, 0, a, K, 1, wt, R, K, N, 0); \
} \
    TARGET static void matmul_bias_sparse_##SUFFIX(double *out, const double *a, const double *wt, \
                                                   const double *bias, size_t R, size_t K, size_t N) \
{ \
    gemm_##SUFFIX(out, bias, 0, a, K, 1, wt, R, K, N, 1); \
} \
    TARGET static void matmul_acc_##SUFFIX(double *out, const double *a, const double *w, size_t R, size_t N, \
                                           size_t K) \
{ \
    gemm_##SUFFIX(out, out, K, a, N, 1, w, R, N, K, 0); \
} \
    TARGET static void matmul_tn_acc_##SUFFIX(double *dw, const double *a, const double *x, size_t R, size_t N, \
                                              size_t K) \
{ \
    if (N == 0 || K == 0) \
        return; \
    if (K < (W) && N * K <= TN_NARROW_MAX) { \
        /* dw narrower than a vector (an input of 1 or 2, say) would be summed one double at \
         * a time: sum dw^T += x^T a instead, K rows of N, the same sums in the same order. */ \
        static _Thread_local double t[TN_NARROW_MAX]; /* 32 KB: not on the stack */ \
        for (size_t n = 0; n < N; n++) \
            for (size_t k = 0; k < K; k++) \
                t[k * N + n] = dw[n * K + k]; \
        gemm_##SUFFIX(t, t, N, x, 1, K, a, K, R, N, 0); /* A = x^T: row k is column k of x */ \
        for (size_t n = 0; n < N; n++) \
            for (size_t k = 0; k < K; k++) \
                dw[n * K + k] = t[k * N + n]; \
        return; \
    } \
    gemm_##SUFFIX(dw, dw, K, a, 1, N, x, N, R, K, 0); /* A = a^T: row n is column n of a */ \
} \
    /* acc[j] += a[r][j] for r = 0, 1, ..., R-1 in turn (the plain loop's order): eight rows \
     * at a time, the sums held in a register across them instead of loaded and stored for \
     * every row. */ \
    TARGET static void colsum_acc_##SUFFIX(double *acc, const double *a, size_t R, size_t N) \
{ \
    size_t r = 0; \
    for (; r + 8 <= R; r += 8) { \
        const double *a0 = a + r * N; \
        size_t j = 0; \
        for (; j + (W) <= N; j += (W)) { \
            vec_##SUFFIX s = load_##SUFFIX(acc + j); \
            for (int i = 0; i < 8; i++) \
                s = s + load_##SUFFIX(a0 + (size_t)i * N + j); \
            store_##SUFFIX(acc + j, s); \
        } \
        for (; j < N; j++) { \
            double s = acc[j]; \
            for (int i = 0; i < 8; i++) \
                s = s + a0[(size_t)i * N + j]; \
            acc[j] = s; \
        } \
    } \
    for (; r < R; r++) \
        for (size_t j = 0; j < N; j++) \
            acc[j] = acc[j] + a[r * N + j]; \
} \
    /* The sum of (g_i c)^2 (c = 1: g_i g_i exactly), in sixteen running sums. */ \
    TARGET static double sumsq_##SUFFIX(const double *g, size_t n, double c) \
{ \
    double acc[16] = {0}; \
    size_t i = 0; \
    for (; i + 16 <= n; i += 16) \
        for (int j = 0; j < 16; j++) { \
            double t = g[i + j] * c; \
            acc[j] += t * t; \
        } \
    for (int j = 0; j < 8; j++) \
        acc[j] += acc[j + 8]; \
    double s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7])); \
    for (; i < n; i++) { \
        double t = g[i] * c; \
        s += t * t; \
    } \
    return s; \
} \
    VMATH_VECTOR(eight_##SUFFIX, vec_##SUFFIX, veci_##SUFFIX, vecu_##SUFFIX, 8) \
    VMATH_VECTOR(four_##SUFFIX, vec_##SUFFIX, veci_##SUFFIX, vecu_##SUFFIX, 4) \
    VMATH_VECTOR(one_##SUFFIX, vec_##SUFFIX, veci_##SUFFIX, vecu_##SUFFIX, 1) \
    VMATH_LOOP(vexp_##SUFFIX, TARGET, vm_exp_eight_##SUFFIX, vm_exp_four_##SUFFIX, vm_exp_one_##SUFFIX, rl_exp, \
               vec_##SUFFIX, W) \
    VMATH_LOOP(vtanh_##SUFFIX, TARGET, vm_tanh_eight_##SUFFIX, vm_tanh_four_##SUFFIX, vm_tanh_one_##SUFFIX, rl_tanh, \
               vec_##SUFFIX, W) \
    VMATH_LOOP(vsigmoid_##SUFFIX, TARGET, vm_sigmoid_eight_##SUFFIX, vm_sigmoid_four_##SUFFIX, \
               vm_sigmoid_one_##SUFFIX, rl_sigmoid, vec_##SUFFIX, W)

#if defined(__x86_64__) && defined(__GNUC__)
#define X86 1
KERNELS(baseline, , 2)
KERNELS(avx2, __attribute__((target("avx2"))), 4)
KERNELS(avx512, __attribute__((target("avx512f"))), 8)
#else
#define X86 0
KERNELS(baseline, , 2)
#endif

typedef struct {
    const char *name;
    void (*bias)(double *, const double *, const double *, const double *, size_t, size_t, size_t);
    void (*bias_sparse)(double *, const double *, const double *, const double *, size_t, size_t, size_t);
    void (*acc)(double *, const double *, const double *, size_t, size_t, size_t);
    void (*tn_acc)(double *, const double *, const double *, size_t, size_t, size_t);
    double (*sumsq)(const double *, size_t, double);
    void (*colsum_acc)(double *, const double *, size_t, size_t);
    void (*exp)(double *, const double *, size_t);
    void (*tanh)(double *, const double *, size_t);
    void (*sigmoid)(double *, const double *, size_t);
} KernelSet;

static const KernelSet PATHS[] = {
    {"baseline", matmul_bias_baseline, matmul_bias_sparse_baseline, matmul_acc_baseline, matmul_tn_acc_baseline, sumsq_baseline, colsum_acc_baseline, vexp_baseline, vtanh_baseline, vsigmoid_baseline},
#if X86
    {"avx2", matmul_bias_avx2, matmul_bias_sparse_avx2, matmul_acc_avx2, matmul_tn_acc_avx2, sumsq_avx2, colsum_acc_avx2, vexp_avx2, vtanh_avx2, vsigmoid_avx2},
    {"avx512", matmul_bias_avx512, matmul_bias_sparse_avx512, matmul_acc_avx512, matmul_tn_acc_avx512, sumsq_avx512, colsum_acc_avx512, vexp_avx512, vtanh_avx512, vsigmoid_avx512},
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

int linalg_isa_index(void)
{
    return (int)(kernels - PATHS);
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

void linalg_matmul_bias_sparse(double *out, const double *a, const double *wt, const double *bias, size_t R,
                               size_t K, size_t N)
{
    kernels->bias_sparse(out, a, wt, bias, R, K, N);
}

void linalg_matmul_acc(double *out, const double *a, const double *w, size_t R, size_t N, size_t K)
{
    kernels->acc(out, a, w, R, N, K);
}

void linalg_matmul_tn_acc(double *dw, const double *a, const double *x, size_t R, size_t N, size_t K)
{
    kernels->tn_acc(dw, a, x, R, N, K);
}

double linalg_sumsq(const double *g, size_t n)
{
    return kernels->sumsq(g, n, 1.0);
}

double linalg_sumsq_scaled(const double *g, size_t n, double c)
{
    return kernels->sumsq(g, n, c);
}

void linalg_colsum_acc(double *acc, const double *a, size_t R, size_t N)
{
    kernels->colsum_acc(acc, a, R, N);
}

void linalg_colsum_acc_ref(double *acc, const double *a, size_t R, size_t N)
{
    for (size_t r = 0; r < R; r++)
        for (size_t j = 0; j < N; j++)
            acc[j] += a[r * N + j];
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
            double s = out[r * K + k];
            for (size_t n = 0; n < N; n++)
                s += a[r * N + n] * w[n * K + k];
            out[r * K + k] = s;
        }
}

void linalg_matmul_tn_acc_ref(double *dw, const double *a, const double *x, size_t R, size_t N,
                              size_t K)
{
    for (size_t n = 0; n < N; n++)
        for (size_t k = 0; k < K; k++) {
            double s = dw[n * K + k];
            for (size_t r = 0; r < R; r++)
                s += a[r * N + n] * x[r * K + k];
            dw[n * K + k] = s;
        }
}

void *linalg_calloc(size_t n, size_t size)
{
    if (size && n > (SIZE_MAX - 128) / size)
        return NULL;
    /* calloc's zeros: malloc maps the large blocks, whose pages stay untouched (and cost
     * nothing) until used, where posix_memalign and a memset would touch them all now. The
     * line's start is at least malloc's 16 bytes in, room for the pointer to free. */
    unsigned char *raw = calloc(n * size + 64, 1), *p;
    if (!raw)
        return NULL;
    p = raw + (64 - (uintptr_t)raw % 64);
    memcpy(p - sizeof raw, &raw, sizeof raw);
    return p;
}

void linalg_free(void *p)
{
    if (!p)
        return;
    unsigned char *raw;
    memcpy(&raw, (unsigned char *)p - sizeof raw, sizeof raw);
    free(raw);
}

/* In tiles of TRANSPOSE_TILE x TRANSPOSE_TILE: a row of w at a time went down a column of
 * wt, a new cache line for every element (and, past 512 rows, a new page), 11 % of an lstm
 * step at H = 256; a tile's lines of both stay in L1 while it is copied. */
#define TRANSPOSE_TILE 16

void linalg_transpose(double *wt, const double *w, size_t N, size_t K)
{
    for (size_t n0 = 0; n0 < N; n0 += TRANSPOSE_TILE) {
        size_t n1 = n0 + TRANSPOSE_TILE < N ? n0 + TRANSPOSE_TILE : N;
        for (size_t k0 = 0; k0 < K; k0 += TRANSPOSE_TILE) {
            size_t k1 = k0 + TRANSPOSE_TILE < K ? k0 + TRANSPOSE_TILE : K;
            for (size_t k = k0; k < k1; k++)
                for (size_t n = n0; n < n1; n++)
                    wt[k * N + n] = w[n * K + k];
        }
    }
}

double linalg_sigma_max(const double *a, int n, double *v, double *work, int max_iter, double tol)
{
    /* Both products through the vectorised kernels: u = a v as v . (a^T)^T, from a^T
     * copied once, and a^T u as u . a. */
    size_t N = (size_t)n;
    double *u = work, *at = work + N;
    linalg_transpose(at, a, N, N);
    double nv = linalg_sumsq(v, N);
    if (!(nv > 0) || !isfinite(nv)) {
        for (size_t i = 0; i < N; i++)
            v[i] = 1.0 / sqrt((double)n);
    }
    double sigma = 0.0, prev = 0.0;
    for (int it = 0; it < max_iter; it++) {
        memset(u, 0, N * sizeof(double)); /* u = a v */
        linalg_matmul_acc(u, v, at, 1, N, N);
        double nu = sqrt(linalg_sumsq(u, N));
        if (nu == 0.0) {
            if (it == 0) { /* v is in the null space: try a basis vector */
                memset(v, 0, N * sizeof(double));
                v[(size_t)it % N] = 1.0;
                continue;
            }
            return 0.0;
        }
        memset(v, 0, N * sizeof(double)); /* v = a^T u / ||a^T u|| */
        linalg_matmul_acc(v, u, a, 1, N, N);
        double nw = sqrt(linalg_sumsq(v, N));
        for (size_t k = 0; k < N; k++)
            v[k] /= nw;
        /* ||a^T a v|| / ||a v|| <= sigma_max, and rises to it faster than ||a v||. The
         * estimate climbs by steps that shrink geometrically by rho; what is still to come
         * is about delta rho / (1 - rho): stop when that and the step are below tol. */
        double next = nw / nu, delta = fabs(next - sigma), rho = prev > 0 ? delta / prev : 1.0;
        int done = delta <= tol * next &&
                   (rho < 1.0 ? delta * rho / (1.0 - rho) <= tol * next : delta <= 1e-3 * tol * next);
        sigma = next;
        prev = delta;
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
