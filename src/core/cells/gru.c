/* gru.c: the GRU cell of torch.nn.GRU, one step for a batch, forward and backward side by
 * side:  r,z = sigma(W_i* x + b_i* + W_h* h + b_h*),
 *        n = tanh(W_in x + b_in + r (W_hn h + b_hn)),  h' = (1 - z) n + z h.
 * No cell state; the affine maps and time are the layer's (model.c). */
#include "cells.h"
#include "linalg.h"

#include <math.h>
#include <stddef.h>

/* Gate blocks within a row of G*H, PyTorch's order. */
enum { GRU_R, GRU_Z, GRU_N };

CELL_BODY gru_forward_body(double *gate, double *h, double *c, double *tc, const double *ax,
                           const double *ah, const double *h_prev, const double *c_prev,
                           const double *c_probe, int B, int H, Activation act)
{
    (void)c, (void)tc, (void)c_prev, (void)c_probe, (void)act;
    size_t Hs = (size_t)H, GH = 3 * Hs;
    for (int b = 0; b < B; b++) {
        const double *axb = ax + b * GH, *ahb = ah + b * GH, *hp = h_prev + b * Hs;
        double *gb = gate + b * GH, *hb = h + b * Hs;
        for (size_t j = 0; j < 2 * Hs; j++) /* r and z */
            gb[j] = axb[j] + ahb[j];
        linalg_vsigmoid(gb, gb, 2 * Hs);
        double *n = gb + GRU_N * Hs;
        for (size_t j = 0; j < Hs; j++)
            n[j] = axb[GRU_N * Hs + j] + gb[GRU_R * Hs + j] * ahb[GRU_N * Hs + j];
        linalg_vtanh(n, n, Hs);
        for (size_t j = 0; j < Hs; j++) {
            double z = gb[GRU_Z * Hs + j];
            hb[j] = (1.0 - z) * n[j] + z * hp[j];
        }
    }
}

/* r multiplies only ah's n block, so ax and ah get different gradients there; h_{t-1} is
 * reached directly through z h as well as through ah. */
CELL_BODY gru_backward_body(double *dax, double *dah, double *dh_prev, double *dc_prev, double *dc,
                            const double *dh, const double *dc_next, const double *gate,
                            const double *tc, const double *ah, const double *h_prev,
                            const double *c_prev, int B, int H, Activation act)
{
    (void)dc_prev, (void)dc, (void)dc_next, (void)tc, (void)c_prev, (void)act;
    size_t Hs = (size_t)H, GH = 3 * Hs;
    for (int b = 0; b < B; b++) {
        const double *g = gate + b * GH, *dhb = dh + b * Hs, *hp = h_prev + b * Hs;
        const double *ahb = ah + b * GH;
        double *gx = dax + b * GH, *gh = dah + b * GH, *dhp = dh_prev + b * Hs;
        /* (without ivdep GCC does not vectorise it: 10 % of a gru step at batch 32) */
        _Pragma("GCC ivdep") for (size_t j = 0; j < Hs; j++) {
            double r = g[GRU_R * Hs + j], z = g[GRU_Z * Hs + j], n = g[GRU_N * Hs + j];
            double dn = dhb[j] * (1.0 - z) * (1.0 - n * n);
            double dz = dhb[j] * (hp[j] - n) * z * (1.0 - z);
            double dr = dn * ahb[GRU_N * Hs + j] * r * (1.0 - r);
            gx[GRU_R * Hs + j] = dr;
            gx[GRU_Z * Hs + j] = dz;
            gx[GRU_N * Hs + j] = dn;
            gh[GRU_R * Hs + j] = dr;
            gh[GRU_Z * Hs + j] = dz;
            gh[GRU_N * Hs + j] = dn * r;
            dhp[j] += dhb[j] * z;
        }
    }
}

CELL_PER_PATH(gru)
