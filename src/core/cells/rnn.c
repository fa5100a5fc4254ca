/* rnn.c: the vanilla (Elman) cell of torch.nn.RNN, h' = act(W_ih x + b_ih + W_hh h + b_hh),
 * one step for a batch, forward and backward side by side. No gates and no cell state; the
 * affine maps and time are the layer's (model.c). */
#include "cells.h"
#include "linalg.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

/* The bound on act' over every input: y (1 - y) peaks at y = 1/2. */
double cell_activation_max_slope(Activation a)
{
    switch (a) {
    case ACT_TANH: return 1.0;
    case ACT_RELU: return 1.0;
    case ACT_SIGMOID: return 0.25;
    case ACT_LINEAR: return 1.0;
    }
    return 1.0;
}

/* G = 1: gate, ax, ah are (B, H) like h. The gate is h_t. */
CELL_BODY rnn_forward_body(double *gate, double *h, double *c, double *tc, const double *ax,
                           const double *ah, const double *h_prev, const double *c_prev,
                           const double *c_probe, int B, int H, Activation act)
{
    (void)c, (void)tc, (void)h_prev, (void)c_prev, (void)c_probe;
    size_t BH = (size_t)B * H;
    for (size_t i = 0; i < BH; i++) /* ah NULL: gate holds the recurrent side */
        gate[i] = ax[i] + (ah ? ah[i] : gate[i]);
    switch (act) {
    case ACT_TANH: linalg_vtanh(gate, gate, BH); break;
    case ACT_SIGMOID: linalg_vsigmoid(gate, gate, BH); break;
    case ACT_RELU:
        for (size_t i = 0; i < BH; i++)
            gate[i] = gate[i] > 0 ? gate[i] : 0.0;
        break;
    case ACT_LINEAR: break;
    }
    memcpy(h, gate, BH * sizeof(double));
}

/* dL/d ax = dL/d ah = dh act'(.); h_{t-1} is reached only through ah. */
CELL_BODY rnn_backward_body(double *dax, double *dah, double *dh_prev, double *dc_prev, double *dc,
                            const double *dh, const double *dc_next, const double *gate,
                            const double *tc, const double *ah, const double *h_prev,
                            const double *c_prev, int B, int H, Activation act)
{
    (void)dh_prev, (void)dc_prev, (void)dc, (void)dc_next, (void)tc, (void)ah, (void)h_prev,
        (void)c_prev;
    size_t BH = (size_t)B * H;
    /* act' written in terms of the output y = act(x); one loop per activation (a switch
     * inside the loop kept GCC from vectorising it: 9 % of an rnn step at batch 32) */
    switch (act) {
    case ACT_TANH:
        for (size_t i = 0; i < BH; i++)
            dax[i] = dh[i] * (1.0 - gate[i] * gate[i]);
        break;
    case ACT_RELU:
        for (size_t i = 0; i < BH; i++)
            dax[i] = dh[i] * (gate[i] > 0 ? 1.0 : 0.0);
        break;
    case ACT_SIGMOID:
        for (size_t i = 0; i < BH; i++)
            dax[i] = dh[i] * (gate[i] * (1.0 - gate[i]));
        break;
    case ACT_LINEAR:
        for (size_t i = 0; i < BH; i++)
            dax[i] = dh[i] * 1.0;
        break;
    }
    if (dah != dax) /* one array for both where the layer keeps no ah (model.c) */
        for (size_t i = 0; i < BH; i++)
            dah[i] = dax[i];
}

CELL_PER_PATH(rnn)
