/* optim.h: gradient clipping and the update rules, each one flat loop over the parameter
 * block (parameters, gradients and moments share one layout). Leaves out weight decay and
 * learning-rate schedules. */
#ifndef RNNLAB_OPTIM_H
#define RNNLAB_OPTIM_H

#include "config.h"

#include <stddef.h>

/* The Euclidean norm of g: one pass (linalg_sumsq) where that is safe, else with scaling,
 * so that it neither overflows nor underflows for any finite g. Inf or NaN if g holds one. */
double optim_norm(const double *g, size_t n);
/* The same from a sum of squares already taken over g (several norms from one pass). */
double optim_norm_of_sumsq(double sumsq, const double *g, size_t n);

/* Clips g in place by cfg->clip and cfg->clip_mode, given its norm before clipping.
 * norm: Pascanu, Mikolov & Bengio 2013, Algorithm 1 (if ||g|| >= C, g <- C g / ||g||).
 * value: each element into [-C, C]. Returns 1 if anything changed. */
int optim_clip(double *g, size_t n, double norm, const Config *cfg);

/* One update. m and v are the optimiser's state (zeroed before the first step); step is
 * the 1-based number of this update (Adam's bias correction). Constants are PyTorch's
 * defaults: Adam betas (0.9, 0.999), eps 1e-8; RMSprop alpha 0.99, eps 1e-8; Adagrad eps
 * 1e-10; momentum is torch.optim.SGD's (buf = mu buf + g, first buf = g). */
void optim_update(double *param, const double *grad, double *m, double *v, size_t n, long step,
                  const Config *cfg);

#endif
