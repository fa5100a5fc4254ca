/* vmath.h: the project's own exp, expm1, tanh, sigmoid, log, sin and cos, so that a result
 * never depends on which variant of libm's functions the C library picks for this CPU
 * (glibc chooses FMA versions of exp and expm1 at run time, and their last bits differ).
 *
 * Each function is a fixed sequence of IEEE additions, multiplications and divisions with
 * no branch on the value in exp, expm1, tanh and sigmoid (clamps are selects), so a loop
 * over them vectorises and gives the same bits lane by lane on SSE2, AVX2 and AVX-512.
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

/* 2^k for an integer-valued k with |k| <= 1022 held as a double: its bits built directly. */
VMATH_INLINE double vm_pow2(double k)
{
    return vm_double((vm_bits(k + (VM_SHIFT + 1023.0)) - vm_bits(VM_SHIFT)) << 52);
}

/* e^r - 1 - r for |r| <= ln2 / 2, as r^2 (1/2! + r/3! + ... + r^11/13!): the first term
 * left out, r^14/14!, is below 2^-57 of the result. */
VMATH_INLINE double vm_expm1_tail(double r)
{
    double p = 1.0 / 6227020800.0;
    p = 1.0 / 479001600.0 + r * p;
    p = 1.0 / 39916800.0 + r * p;
    p = 1.0 / 3628800.0 + r * p;
    p = 1.0 / 362880.0 + r * p;
    p = 1.0 / 40320.0 + r * p;
    p = 1.0 / 5040.0 + r * p;
    p = 1.0 / 720.0 + r * p;
    p = 1.0 / 120.0 + r * p;
    p = 1.0 / 24.0 + r * p;
    p = 1.0 / 6.0 + r * p;
    p = 0.5 + r * p;
    return (r * r) * p;
}

/* x = k ln 2 + r with k an integer (as a double) and |r| <= ln2 / 2 (a little more at the
 * rounding boundary). */
VMATH_INLINE double vm_reduce(double x, double *k)
{
    double kd = (x * VM_INV_LN2 + VM_SHIFT) - VM_SHIFT;
    *k = kd;
    return (x - kd * VM_LN2_HI) - kd * VM_LN2_LO;
}

/* e^x. Beyond 709.78 the product overflows to Inf and below -745.13 it rounds to 0, as the
 * true value does; the clamp only keeps k in range. 2^k is applied in two halves so that
 * neither half overflows nor underflows and a subnormal result is rounded once. */
VMATH_INLINE double rl_exp(double x)
{
    double xc = x < -746.0 ? -746.0 : x; /* NaN fails both tests and stays NaN */
    xc = xc > 710.0 ? 710.0 : xc;
    double k, r = vm_reduce(xc, &k);
    double e = 1.0 + (r + vm_expm1_tail(r));
    double k1 = (k * 0.5 + VM_SHIFT) - VM_SHIFT, k2 = k - k1;
    return (e * vm_pow2(k1)) * vm_pow2(k2);
}

/* tanh x for |x| < 0.55: its Taylor series x - x^3/3 + 2x^5/15 - ... to x^37 (the first
 * term left out is under 2^-57 of the result there). */
VMATH_INLINE double vm_tanh_series(double x)
{
    double z = x * x;
    double p = 7.054636946400968e-08;
    p = -1.7406618963571648e-07 + z * p;
    p = 4.294911078273806e-07 + z * p;
    p = -1.0597268320104654e-06 + z * p;
    p = 2.6147711512907546e-06 + z * p;
    p = -6.451689215655431e-06 + z * p;
    p = 1.5918905069328964e-05 + z * p;
    p = -3.927832388331683e-05 + z * p;
    p = 9.691537956929451e-05 + z * p;
    p = -0.00023912911424355248 + z * p;
    p = 0.000590027440945586 + z * p;
    p = -0.0014558343870513183 + z * p;
    p = 0.003592128036572481 + z * p;
    p = -0.008863235529902197 + z * p;
    p = 0.021869488536155203 + z * p;
    p = -0.05396825396825397 + z * p;
    p = 0.13333333333333333 + z * p;
    p = -0.3333333333333333 + z * p;
    return x + (x * z) * p;
}

/* tanh x: the series below |x| = atanh(1/2), and from there 1 - 2w / (1 + w) with
 * w = e^-2|x| <= 1/3, which does not cancel. Exactly +-1 from |x| = 19.1 on (the clamp
 * keeps 2^k normal). Both forms are computed and one selected: no branch. */
VMATH_INLINE double rl_tanh(double x)
{
    double a = fabs(x), y = -2.0 * a;
    y = y < -40.0 ? -40.0 : y;
    double k, r = vm_reduce(y, &k);
    double s = vm_pow2(k), w = s * (r + vm_expm1_tail(r)) + s;
    double far = copysign(1.0 - 2.0 * w / (1.0 + w), x);
    return a < 0.5493061443340549 ? copysign(vm_tanh_series(a), x) : far; /* NaN takes far */
}

/* 1 / (1 + e^-x) with e^-x = 2^k (1 + p) and 1 + e^-x = (1 + 2^k) + 2^k p, one rounding
 * (1 + 2^k is exact for |k| <= 52; above, 2^k + (1 + 2^k p)). 1 from x = 37 on; 0 below -709, where the true value is under 2^-1022 (and
 * e^-x would overflow). */
VMATH_INLINE double rl_sigmoid(double x)
{
    double xc = -x;
    xc = xc < -40.0 ? -40.0 : xc;
    xc = xc > 709.0 ? 709.0 : xc;
    double k, r = vm_reduce(xc, &k);
    double p = r + vm_expm1_tail(r), s = vm_pow2(k);
    double sp = s * p, d = k > 52.0 ? s + (1.0 + sp) : (1.0 + s) + sp;
    return x < -709.0 ? 0.0 : 1.0 / d;
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
