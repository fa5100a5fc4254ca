/* vmath.h: the project's own exp, tanh, sigmoid, log, sin and cos, so that a result
 * never depends on which variant of libm's functions the C library picks for this CPU
 * (glibc chooses FMA versions of exp and expm1 at run time, and their last bits differ).
 *
 * Each function is a fixed sequence of IEEE additions, multiplications and divisions with
 * no branch on the value in exp, tanh and sigmoid (clamps are selects), written once for
 * vectors of any width (VMATH_VECTOR below), so the same inputs give the same bits lane by
 * lane on SSE2, AVX2 and AVX-512 and in the scalar functions.
 * Compiled with -ffp-contract=off: no fused multiply-add. Polynomials are Taylor series,
 * truncated where the next term is below half an ulp, evaluated by Horner's rule.
 * Accuracy: see test_vmath, which measures each against long double; overflow gives Inf,
 * underflow 0 (through the subnormals), NaN in, NaN out. */
#ifndef RNNLAB_VMATH_H
#define RNNLAB_VMATH_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#define VMATH_INLINE static inline __attribute__((always_inline))

VMATH_INLINE uint64_t vm_bits(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

VMATH_INLINE double vm_double(uint64_t u)
{
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* Adding then subtracting 1.5 * 2^52 rounds |x| < 2^51 to the nearest integer (ties to
 * even), and leaves that integer in the low bits of the sum. */
#define VM_SHIFT 0x1.8p52
#define VM_INV_LN2 0x1.71547652b82fep0
/* ln 2 in two parts, the first with 32 significant bits so that k * LN2_HI is exact. */
#define VM_LN2_HI 6.93147180369123816490e-01
#define VM_LN2_LO 1.90821492927058770002e-10

/* The exp, tanh and sigmoid are written once, for any GCC vector of doubles VD (with VI and
 * VU, the signed and unsigned integer vectors of the same size) and any number N of such
 * vectors at a time: VMATH_VECTOR(SUF, VD, VI, VU, N) defines vm_exp_SUF, vm_tanh_SUF and
 * vm_sigmoid_SUF on arrays of N vectors. The scalar rl_exp, rl_tanh and rl_sigmoid below
 * are the one-lane, N = 1 instance; the kernels of linalg.c take their path's vector width
 * and N = 8, 4 and 1. Every statement applies one IEEE operation lane by lane to the N
 * vectors in turn, so the lanes get the scalar's bits, and the N independent chains of a
 * polynomial are interleaved in the program (and kept so: VM_KEEP_INTERLEAVED): a single
 * chain of Horner's rule is latency-bound, and a loop of them is not vectorised by GCC at
 * all (the selects read as control flow to it). Clamps and choices are
 * selects on masks, copysign and fabs are bit operations: no branch on a value. */
#define VM_EACH(N, stmt) \
    for (int u_ = 0; u_ < (N); u_++) { \
        stmt; \
    }

/* e^r - 1 - r for |r| <= ln2 / 2, as r^2 (1/2! + r/3! + ... + r^11/13!): the first term
 * left out, r^14/14!, is below 2^-57 of the result. Highest first, for Horner's rule. */
static const double VM_EXPM1_TAIL[12] = {
    1.0 / 6227020800.0, 1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0,
    1.0 / 362880.0,     1.0 / 40320.0,     1.0 / 5040.0,     1.0 / 720.0,
    1.0 / 120.0,        1.0 / 24.0,        1.0 / 6.0,        0.5};

/* tanh x for |x| < 0.55: its Taylor series x - x^3/3 + 2x^5/15 - ... to x^37, as
 * x + x z P(z) with z = x^2 (the first term left out is under 2^-57 of the result there). */
static const double VM_TANH_SERIES[18] = {
    7.054636946400968e-08,   -1.7406618963571648e-07, 4.294911078273806e-07,
    -1.0597268320104654e-06, 2.6147711512907546e-06,  -6.451689215655431e-06,
    1.5918905069328964e-05,  -3.927832388331683e-05,  9.691537956929451e-05,
    -0.00023912911424355248, 0.000590027440945586,    -0.0014558343870513183,
    0.003592128036572481,    -0.008863235529902197,   0.021869488536155203,
    -0.05396825396825397,    0.13333333333333333,     -0.3333333333333333};

#define VM_SIGN_BIT ((int64_t)0x8000000000000000ull)

/* m ? a : b lane by lane, m a mask (all ones or zeros) as a comparison gives. */
#define VM_SELECT(VD, VI, m, a, b) ((VD)(((m) & (VI)(a)) | (~(m) & (VI)(b))))

/* 2^k for an integer-valued k with |k| <= 1022 held as a double: its bits built directly. */
#define VM_POW2(VD, VU, k) ((VD)(((VU)((k) + (VM_SHIFT + 1023.0)) - (VU)((VD){0} + VM_SHIFT)) << 52))

/* VM_KEEP_INTERLEAVED(N, v): an empty asm that takes the N chains' values v[0..N-1] in
 * registers and gives them back unchanged. It emits no instruction, but the compiler can no
 * longer move a chain's next step before every chain's current one. Left alone, GCC emits
 * each chain of Horner's rule whole, one after another; those long dependent runs fill the
 * out-of-order core's scheduler and leave its pipes idle (exp: 2.5 against 1.6 ns a value
 * with N = 8 on AVX2, docs/BENCHMARKS.md). N is 1, 4 or 8 (a literal, pasted). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) /* clang refuses "+v" for ymm */
#define VM_KEEP_1(v) ((void)0)
#define VM_KEEP_4(v) __asm__("" : "+v"((v)[0]), "+v"((v)[1]), "+v"((v)[2]), "+v"((v)[3]))
#define VM_KEEP_8(v) \
    __asm__("" : "+v"((v)[0]), "+v"((v)[1]), "+v"((v)[2]), "+v"((v)[3]), "+v"((v)[4]), "+v"((v)[5]), \
            "+v"((v)[6]), "+v"((v)[7]))
#define VM_KEEP_(N, v) VM_KEEP_##N(v)
#define VM_KEEP_INTERLEAVED(N, v) VM_KEEP_(N, v)
#else
#define VM_KEEP_INTERLEAVED(N, v) ((void)0)
#endif

#define VMATH_VECTOR(SUF, VD, VI, VU, N) \
    /* (No function returns a vector: that would take the ABI of the wider types.) */ \
    /* x = k ln 2 + r with k an integer (as a double) and |r| <= ln2 / 2 (a little more at \
     * the rounding boundary); p = r + (e^r - 1 - r) = e^r - 1 by the series above. */ \
    VMATH_INLINE void vm_expm1_reduced_##SUF(const VD *x, VD *k, VD *p) \
    { \
        VD r[N]; \
        VM_EACH(N, k[u_] = (x[u_] * VM_INV_LN2 + VM_SHIFT) - VM_SHIFT) \
        VM_EACH(N, r[u_] = (x[u_] - k[u_] * VM_LN2_HI) - k[u_] * VM_LN2_LO) \
        VM_EACH(N, p[u_] = (VD){0} + VM_EXPM1_TAIL[0]) \
        _Pragma("GCC unroll 12") for (int j_ = 1; j_ < 12; j_++) \
        { \
            VM_EACH(N, p[u_] = VM_EXPM1_TAIL[j_] + r[u_] * p[u_]) \
            VM_KEEP_INTERLEAVED(N, p); \
        } \
        VM_EACH(N, p[u_] = r[u_] + (r[u_] * r[u_]) * p[u_]) \
    } \
    /* e^x. Beyond 709.78 the product overflows to Inf and below -745.13 it rounds to 0, as \
     * the true value does; the clamp only keeps k in range (NaN fails both tests and stays \
     * NaN). 2^k is applied in two halves so that neither half overflows nor underflows and \
     * a subnormal result is rounded once. */ \
    VMATH_INLINE void vm_exp_##SUF(VD *y, const VD *x) \
    { \
        VD xc[N], k[N], p[N]; \
        VM_EACH(N, xc[u_] = VM_SELECT(VD, VI, x[u_] < -746.0, (VD){0} - 746.0, x[u_])) \
        VM_EACH(N, xc[u_] = VM_SELECT(VD, VI, xc[u_] > 710.0, (VD){0} + 710.0, xc[u_])) \
        vm_expm1_reduced_##SUF(xc, k, p); \
        VM_EACH(N, VD k1 = (k[u_] * 0.5 + VM_SHIFT) - VM_SHIFT; VD k2 = k[u_] - k1; \
                y[u_] = ((1.0 + p[u_]) * VM_POW2(VD, VU, k1)) * VM_POW2(VD, VU, k2)) \
    } \
    /* tanh x: the series below |x| = atanh(1/2), and from there 1 - 2w / (1 + w) with \
     * w = e^-2|x| <= 1/3, which does not cancel. Exactly +-1 from |x| = 19.1 on (the clamp \
     * keeps 2^k normal). Both forms are computed and one selected (NaN takes the second). */ \
    VMATH_INLINE void vm_tanh_##SUF(VD *y, const VD *x) \
    { \
        const VI sign = (VI){0} + VM_SIGN_BIT; \
        VD a[N], m[N], k[N], p[N], z[N], q[N]; \
        VM_EACH(N, a[u_] = (VD)((VI)x[u_] & ~sign)) \
        VM_EACH(N, m[u_] = -2.0 * a[u_]) \
        VM_EACH(N, m[u_] = VM_SELECT(VD, VI, m[u_] < -40.0, (VD){0} - 40.0, m[u_])) \
        vm_expm1_reduced_##SUF(m, k, p); \
        VM_EACH(N, z[u_] = a[u_] * a[u_]) \
        VM_EACH(N, q[u_] = (VD){0} + VM_TANH_SERIES[0]) \
        _Pragma("GCC unroll 18") for (int j_ = 1; j_ < 18; j_++) \
        { \
            VM_EACH(N, q[u_] = VM_TANH_SERIES[j_] + z[u_] * q[u_]) \
            VM_KEEP_INTERLEAVED(N, q); \
        } \
        VM_EACH(N, VD s = VM_POW2(VD, VU, k[u_]); VD w = s * p[u_] + s; \
                VD far = 1.0 - 2.0 * w / (1.0 + w); VD near = a[u_] + (a[u_] * z[u_]) * q[u_]; \
                VI sx = (VI)x[u_] & sign; /* copysign: near >= 0, far may be a NaN */ \
                y[u_] = VM_SELECT(VD, VI, a[u_] < 0.5493061443340549, (VD)((VI)near | sx), \
                                        (VD)(((VI)far & ~sign) | sx))) \
    } \
    /* 1 / (1 + e^-x) with e^-x = 2^k (1 + p) and 1 + e^-x = (1 + 2^k) + 2^k p, one \
     * rounding (1 + 2^k is exact for |k| <= 52; above, 2^k + (1 + 2^k p)). 1 from x = 37 \
     * on; 0 below -709, where the true value is under 2^-1022 (and e^-x would overflow). */ \
    VMATH_INLINE void vm_sigmoid_##SUF(VD *y, const VD *x) \
    { \
        VD m[N], k[N], p[N]; \
        VM_EACH(N, m[u_] = -x[u_]) \
        VM_EACH(N, m[u_] = VM_SELECT(VD, VI, m[u_] < -40.0, (VD){0} - 40.0, m[u_])) \
        VM_EACH(N, m[u_] = VM_SELECT(VD, VI, m[u_] > 709.0, (VD){0} + 709.0, m[u_])) \
        vm_expm1_reduced_##SUF(m, k, p); \
        VM_EACH(N, VD s = VM_POW2(VD, VU, k[u_]); VD sp = s * p[u_]; \
                VD d = VM_SELECT(VD, VI, k[u_] > 52.0, s + (1.0 + sp), (1.0 + s) + sp); \
                y[u_] = VM_SELECT(VD, VI, x[u_] < -709.0, (VD){0}, 1.0 / d)) \
    }

typedef double vm_lane __attribute__((vector_size(8)));
typedef int64_t vm_lane_int __attribute__((vector_size(8)));
typedef uint64_t vm_lane_uint __attribute__((vector_size(8)));
VMATH_VECTOR(lane, vm_lane, vm_lane_int, vm_lane_uint, 1)

VMATH_INLINE double rl_exp(double x)
{
    vm_lane v = {x}, y;
    vm_exp_lane(&y, &v);
    return y[0];
}

VMATH_INLINE double rl_tanh(double x)
{
    vm_lane v = {x}, y;
    vm_tanh_lane(&y, &v);
    return y[0];
}

VMATH_INLINE double rl_sigmoid(double x)
{
    vm_lane v = {x}, y;
    vm_sigmoid_lane(&y, &v);
    return y[0];
}

/* ln x: x = 2^e m with m in [sqrt(1/2), sqrt(2)), f = m - 1, s = f / (2 + f), and
 * ln(1 + f) = f - f^2/2 + s (f^2/2 + R(s^2)) with R(z) = 2z/3 + 2z^2/5 + ... + 2z^10/21,
 * the arrangement of fdlibm's e_log.c with the plain series. 0 gives -Inf, a negative x
 * NaN, +Inf Inf. Scalar: it branches on special values. */
static inline double rl_log(double x)
{
    if (!(x > 0.0))
        return x == 0.0 ? -INFINITY : NAN;
    if (isinf(x))
        return x;
    uint64_t u = vm_bits(x);
    int e = 0;
    if (u < (1ull << 52)) { /* subnormal */
        x *= 0x1p54;
        u = vm_bits(x);
        e = -54;
    }
    /* m = the significand in [1, 2), moved to [sqrt(1/2), sqrt(2)). */
    e += (int)(u >> 52) - 1023;
    double m = vm_double((u & ((1ull << 52) - 1)) | (1023ull << 52));
    if (m > 1.4142135623730951) {
        m *= 0.5;
        e += 1;
    }
    double f = m - 1.0, s = f / (2.0 + f), z = s * s;
    double R = 2.0 / 21.0;
    R = 2.0 / 19.0 + z * R;
    R = 2.0 / 17.0 + z * R;
    R = 2.0 / 15.0 + z * R;
    R = 2.0 / 13.0 + z * R;
    R = 2.0 / 11.0 + z * R;
    R = 2.0 / 9.0 + z * R;
    R = 2.0 / 7.0 + z * R;
    R = 2.0 / 5.0 + z * R;
    R = 2.0 / 3.0 + z * R;
    R = z * R;
    double hfsq = 0.5 * f * f, k = (double)e;
    return k * VM_LN2_HI - ((hfsq - (s * (hfsq + R) + k * VM_LN2_LO)) - f);
}

/* sin r and cos r for |r| <= pi/4: Taylor series to r^19 / 19! and r^18 / 18!. */
VMATH_INLINE double vm_sin_kernel(double r)
{
    double z = r * r;
    double p = -1.0 / 121645100408832000.0;
    p = 1.0 / 355687428096000.0 + z * p;
    p = -1.0 / 1307674368000.0 + z * p;
    p = 1.0 / 6227020800.0 + z * p;
    p = -1.0 / 39916800.0 + z * p;
    p = 1.0 / 362880.0 + z * p;
    p = -1.0 / 5040.0 + z * p;
    p = 1.0 / 120.0 + z * p;
    p = -1.0 / 6.0 + z * p;
    return r + (r * z) * p;
}

VMATH_INLINE double vm_cos_kernel(double r)
{
    double z = r * r;
    double p = -1.0 / 6402373705728000.0;
    p = 1.0 / 20922789888000.0 + z * p;
    p = -1.0 / 87178291200.0 + z * p;
    p = 1.0 / 479001600.0 + z * p;
    p = -1.0 / 3628800.0 + z * p;
    p = 1.0 / 40320.0 + z * p;
    p = -1.0 / 720.0 + z * p;
    p = 1.0 / 24.0 + z * p;
    return (1.0 - 0.5 * z) + (z * z) * p;
}

/* x = q pi/2 + r with |r| <= pi/4, pi/2 in three parts of 33 bits (fdlibm's), exact in
 * q * part for |q| < 2^20: accurate for |x| up to about 10^6, which covers every angle the
 * tasks and the random numbers use. Returns q mod 4. */
static inline int vm_reduce_pio2(double x, double *r)
{
    double q = (x * 0x1.45f306dc9c883p-1 + VM_SHIFT) - VM_SHIFT; /* 2 / pi */
    *r = ((x - q * 1.57079632673412561417e+00) - q * 6.07710050630396597660e-11) -
         q * 2.02226624879595063154e-21;
    return (int)((int64_t)q & 3);
}

/* sin(x + shift pi/2): quadrant q + shift of the reduced angle picks the kernel and sign. */
static inline double vm_sin_shifted(double x, int shift)
{
    if (!isfinite(x))
        return x - x; /* NaN for Inf and NaN */
    double r;
    switch ((vm_reduce_pio2(x, &r) + shift) & 3) {
    case 0: return vm_sin_kernel(r);
    case 1: return vm_cos_kernel(r);
    case 2: return -vm_sin_kernel(r);
    default: return -vm_cos_kernel(r);
    }
}

static inline double rl_sin(double x)
{
    return vm_sin_shifted(x, 0);
}

static inline double rl_cos(double x)
{
    return vm_sin_shifted(x, 1); /* cos x = sin(x + pi/2) */
}

/* b^n for an integer n >= 0 by repeated squaring: the same few roundings everywhere. */
static inline double rl_powi(double b, long n)
{
    double r = 1.0;
    while (n > 0) {
        if (n & 1)
            r *= b;
        b *= b;
        n >>= 1;
    }
    return r;
}

#endif
