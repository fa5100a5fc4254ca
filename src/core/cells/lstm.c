/* lstm.c: the LSTM cell of torch.nn.LSTM, one step for a batch, forward and backward side by
 * side:  i,f,g,o = sigma, sigma, tanh, sigma of (W_i* x + b_i* + W_h* h + b_h*),
 *        c' = f c + i g,  h' = o tanh(c').
 * No peepholes or projection; the affine maps and time are the layer's (model.c). */
#include "cells.h"
#include "linalg.h"

#include <math.h>
#include <stddef.h>

/* Gate blocks within a row of G*H, PyTorch's order. */
enum { LSTM_I, LSTM_F, LSTM_G, LSTM_O };

CELL_BODY lstm_forward_body(double *gate, double *h, double *c, double *tc, const double *ax,
                            const double *ah, const double *h_prev, const double *c_prev,
                            const double *c_probe, int B, int H, Activation act)
{
    (void)h_prev, (void)act;
    size_t Hs = (size_t)H, GH = 4 * Hs, BH = (size_t)B * Hs;
    for (size_t k = 0; k < (size_t)B * GH; k++) /* ah NULL: gate holds the recurrent side */
        gate[k] = ax[k] + (ah ? ah[k] : gate[k]);
    for (int b = 0; b < B; b++) { /* i and f, g, o: whole blocks through the vector functions */
        double *gb = gate + b * GH;
        linalg_vsigmoid(gb, gb, 2 * Hs);
        linalg_vtanh(gb + LSTM_G * Hs, gb + LSTM_G * Hs, Hs);
        linalg_vsigmoid(gb + LSTM_O * Hs, gb + LSTM_O * Hs, Hs);
        const double *cp = c_prev + b * Hs;
        double *cb = c + b * Hs;
        for (size_t j = 0; j < Hs; j++) {
            cb[j] = gb[LSTM_F * Hs + j] * cp[j] + gb[LSTM_I * Hs + j] * gb[LSTM_G * Hs + j];
            if (c_probe)
                cb[j] += c_probe[b * Hs + j];
        }
    }
    linalg_vtanh(tc, c, BH);
    for (int b = 0; b < B; b++)
        for (size_t j = 0; j < Hs; j++)
            h[b * Hs + j] = gate[b * GH + LSTM_O * Hs + j] * tc[b * Hs + j];
}

/* dL/dc_t = dc_next + dh o (1 - tanh^2 c_t); then each gate's pre-activation through its
 * own nonlinearity. ax and ah enter the gates as a sum, so they get the same gradient. */
CELL_BODY lstm_backward_body(double *dax, double *dah, double *dh_prev, double *dc_prev, double *dc,
                             const double *dh, const double *dc_next, const double *gate,
                             const double *tc, const double *ah, const double *h_prev,
                             const double *c_prev, int B, int H, Activation act)
{
    (void)dh_prev, (void)ah, (void)h_prev, (void)act;
    size_t Hs = (size_t)H, GH = 4 * Hs;
    for (int b = 0; b < B; b++) {
        const double *g = gate + b * GH, *dhb = dh + b * Hs, *cp = c_prev + b * Hs;
        const double *tb = tc + b * Hs, *dcn = dc_next + b * Hs;
        double *dcb = dc + b * Hs, *dcp = dc_prev + b * Hs, *gx = dax + b * GH, *gh = dah + b * GH;
        _Pragma("GCC ivdep") for (size_t j = 0; j < Hs; j++) {
            double i = g[LSTM_I * Hs + j], f = g[LSTM_F * Hs + j], gg = g[LSTM_G * Hs + j],
                   o = g[LSTM_O * Hs + j];
            double dct = dcn[j] + dhb[j] * o * (1.0 - tb[j] * tb[j]);
            dcb[j] += dct;
            dcp[j] += dct * f;
            double di = dct * gg * i * (1.0 - i);
            double df = dct * cp[j] * f * (1.0 - f);
            double dg = dct * i * (1.0 - gg * gg);
            double d_o = dhb[j] * tb[j] * o * (1.0 - o);
            gx[LSTM_I * Hs + j] = di;
            gx[LSTM_F * Hs + j] = df;
            gx[LSTM_G * Hs + j] = dg;
            gx[LSTM_O * Hs + j] = d_o;
        }
        if (gh != gx) /* one array for both where the layer keeps no ah (model.c) */
            for (size_t k = 0; k < GH; k++)
                gh[k] = gx[k];
    }
}

CELL_PER_PATH(lstm)
