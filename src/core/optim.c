/* optim.c: the update rules exactly as torch.optim writes them, in double precision. */
#include "optim.h"
#include "linalg.h"
#include "vmath.h"

#include <math.h>

/* The two-pass norm: the largest |g| first, then the sum of squares scaled by it, which
 * neither overflows nor loses the tiny. Inf or NaN anywhere gives Inf or NaN. */
static double norm_scaled(const double *g, size_t n)
{
    double scale = 0.0;
    for (size_t i = 0; i < n; i++) {
        double a = fabs(g[i]);
        if (!(a <= scale)) /* also catches NaN */
            scale = a;
    }
    if (scale == 0.0 || !isfinite(scale))
        return scale;
    double s = 0.0;
    for (size_t i = 0; i < n; i++) {
        double r = g[i] / scale;
        s += r * r;
    }
    return scale * sqrt(s);
}

double optim_norm_of_sumsq(double sumsq, const double *g, size_t n)
{
    /* Between 2^-900 and 2^1000 no square overflowed and the ones that underflowed weigh
     * under 2^-122 n of the sum: the one-pass sum is exact enough. Below (a gradient that
     * vanished, or none at all), every |g| is under 2^-450: the squares of g 2^600 (exact)
     * neither overflow nor lose a subnormal, in one vectorised pass. Above and NaN, the
     * scaled method. */
    if (sumsq >= 0x1p-900 && sumsq <= 0x1p1000)
        return sqrt(sumsq);
    if (sumsq < 0x1p-900)
        return sqrt(linalg_sumsq_scaled(g, n, 0x1p600)) * 0x1p-600;
    return norm_scaled(g, n);
}

double optim_norm(const double *g, size_t n)
{
    return optim_norm_of_sumsq(linalg_sumsq(g, n), g, n);
}

int optim_clip(double *g, size_t n, double norm, const Config *cfg)
{
    double C = cfg->clip;
    if (C <= 0)
        return 0;
    if (cfg->clip_mode == CLIP_NORM) {
        if (!(norm >= C) || !isfinite(norm))
            return 0;
        double k = C / norm;
        for (size_t i = 0; i < n; i++)
            g[i] *= k;
        return 1;
    }
    int clipped = 0;
    for (size_t i = 0; i < n; i++) {
        if (g[i] > C) {
            g[i] = C;
            clipped = 1;
        } else if (g[i] < -C) {
            g[i] = -C;
            clipped = 1;
        }
    }
    return clipped;
}

void optim_update(double *param, const double *grad, double *m, double *v, size_t n, long step,
                  const Config *cfg)
{
    double lr = cfg->lr;
    switch (cfg->optimizer) {
    case OPT_SGD:
        for (size_t i = 0; i < n; i++)
            param[i] -= lr * grad[i];
        break;
    case OPT_MOMENTUM: {
        double mu = cfg->momentum;
        for (size_t i = 0; i < n; i++) {
            m[i] = step == 1 ? grad[i] : mu * m[i] + grad[i];
            param[i] -= lr * m[i];
        }
        break;
    }
    case OPT_ADAM: {
        const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
        double c1 = 1.0 - rl_powi(b1, step), c2 = 1.0 - rl_powi(b2, step);
        double step_size = lr / c1, sc2 = sqrt(c2);
        for (size_t i = 0; i < n; i++) {
            m[i] = b1 * m[i] + (1.0 - b1) * grad[i];
            v[i] = b2 * v[i] + (1.0 - b2) * grad[i] * grad[i];
            param[i] -= step_size * m[i] / (sqrt(v[i]) / sc2 + eps);
        }
        break;
    }
    case OPT_ADAGRAD: {
        const double eps = 1e-10;
        for (size_t i = 0; i < n; i++) {
            m[i] += grad[i] * grad[i];
            param[i] -= lr * grad[i] / (sqrt(m[i]) + eps);
        }
        break;
    }
    case OPT_RMSPROP: {
        const double alpha = 0.99, eps = 1e-8;
        for (size_t i = 0; i < n; i++) {
            m[i] = alpha * m[i] + (1.0 - alpha) * grad[i] * grad[i];
            param[i] -= lr * grad[i] / (sqrt(m[i]) + eps);
        }
        break;
    }
    }
}
