/* cells.h: the recurrent cells as one table; a row names a cell, says what it has and points
 * at its forward/backward pair (one file per cell). A cell is only its elementwise step: the
 * affine maps x W_ih^T + b_ih and h W_hh^T + b_hh, time and the head are model.c's.
 *
 * Dimension letters: B batch, H hidden, G gates (the cell's `gates`). */
#ifndef RNNLAB_CELLS_H
#define RNNLAB_CELLS_H

#include "../config.h" /* Activation */

#include <math.h>

/* One step for the whole batch. ax, ah (B, G*H) are the input-side and recurrent-side
 * pre-activations, x_t W_ih^T + b_ih and h_{t-1} W_hh^T + b_hh, kept apart because the
 * gru's r multiplies only the recurrent part of n; a cell whose backward does not read ah
 * (CellKind.keeps_ah 0) may be given ah = NULL with the recurrent side already in gate,
 * which it adds to ax in place. h_prev, c_prev (B, H) are the previous
 * states (c_prev only for a cell with a cell state).
 * Writes gate (B, G*H), the activated gates in PyTorch's order (rnn: h_t itself), and
 * h (B, H) = h_t; a cell with a cell state also writes c (B, H) = c_t and tc (B, H) =
 * tanh(c_t), and adds c_probe (B, H), when not NULL, to c_t once computed (how the gradient
 * checks measure dL/dc_t). Cells without a cell state leave c and tc alone and ignore
 * c_probe. act is the rnn's activation= (the other cells ignore it). */
typedef void CellForwardFn(double *gate, double *h, double *c, double *tc, const double *ax,
                           const double *ah, const double *h_prev, const double *c_prev,
                           const double *c_probe, int B, int H, Activation act);

/* That step backward. dh (B, H) is the total dL/dh_t; dc_next (B, H) the part of dL/dc_t
 * arriving from c_{t+1} (a cell with a cell state; others ignore it). Reads what forward
 * kept: gate and tc of this step, ah, h_prev, c_prev.
 * Writes dax, dah (B, G*H): dL/d ax and dL/d ah of this step. Accumulates (+=) into dh_prev
 * (B, H) the part of dL/dh_{t-1} that bypasses ah (gru: z dh; the path through W_hh is the
 * layer's), dc_prev (B, H) dL/dc_{t-1} and dc (B, H) the total dL/dc_t; the last two only
 * for a cell with a cell state. */
typedef void CellBackwardFn(double *dax, double *dah, double *dh_prev, double *dc_prev,
                            double *dc, const double *dh, const double *dc_next,
                            const double *gate, const double *tc, const double *ah,
                            const double *h_prev, const double *c_prev, int B, int H,
                            Activation act);

typedef struct CellKind {
    const char *name;               /* "rnn", "lstm", "gru": the model= word */
    const char *summary;            /* one line for --help / tooltips */
    int gates;                      /* G: gate blocks in weight_ih / weight_hh */
    const char *const *gate_names;  /* G short names in PyTorch's order, then NULL: i f g o;
                                       r z n; rnn: "h" */
    const char *const *gate_titles; /* G longer names for the gates view ("forget f"), then NULL */
    int has_cell_state;             /* c_t exists (lstm) */
    unsigned tanh_gates;            /* bit g set: gate g uses tanh (lstm g, gru n); the others
                                       are sigmoid; rnn (has_activation): 0, its one gate is
                                       activation= */
    int forget_gate;                /* the gate whose bias forget_bias sets, or -1 */
    int has_activation;             /* activation= applies (rnn) */
    int path_gate;                  /* the gate whose product over steps is the factor along
                                       the cell's own path, or -1: lstm f (dc_{t-1} gets
                                       f_t dc_t), gru z (h_t = (1-z) n + z h_{t-1}); rnn -1 */
    int keeps_ah;                   /* backward reads ah (gru's r (W_hn h + b_hn)): the layer
                                       must keep it apart from the gate */
    CellForwardFn *forward;
    CellBackwardFn *backward;
} CellKind;

/* The row Config.model starts at (the rnn), and a bound on cell_count() for arrays of
 * per-cell things. */
#define CELL_DEFAULT 0
#define CELL_MAX 8

/* model = Config.model, an index into the table; asserts the range. */
const CellKind *cell_kind(int model);
int cell_count(void);
/* The row named `name`, or -1. */
int cell_find(const char *name);

/* The largest slope of activation a anywhere (gamma in Pascanu, Mikolov & Bengio 2013):
 * 1 for tanh, relu and linear, 1/4 for sigmoid. A vanilla RNN's backward step multiplies
 * dL/dh_t by at most gamma * sigma_max(W_hh). */
double cell_activation_max_slope(Activation a);

/* The rows' pairs (one file each). */
/* CELL_PER_PATH(name) makes name_forward and name_backward from the static always-inline
 * name_forward_body and name_backward_body: compiled once per instruction-set path
 * (linalg.h) and called on the path in use, so RNNLAB_ISA chooses them with the kernels.
 * Elementwise code with no reduction and no FMA: every path gives the same bits. */
#define CELL_FORWARD_PARAMS \
    (double *gate, double *h, double *c, double *tc, const double *ax, const double *ah, const double *h_prev, \
     const double *c_prev, const double *c_probe, int B, int H, Activation act)
#define CELL_FORWARD_ARGS (gate, h, c, tc, ax, ah, h_prev, c_prev, c_probe, B, H, act)
#define CELL_BACKWARD_PARAMS \
    (double *dax, double *dah, double *dh_prev, double *dc_prev, double *dc, const double *dh, const double *dc_next, \
     const double *gate, const double *tc, const double *ah, const double *h_prev, const double *c_prev, int B, int H, \
     Activation act)
#define CELL_BACKWARD_ARGS (dax, dah, dh_prev, dc_prev, dc, dh, dc_next, gate, tc, ah, h_prev, c_prev, B, H, act)
/* What a cell's _body functions are declared with. */
#define CELL_BODY static inline __attribute__((always_inline)) void
#define CELL_PER_PATH(name) \
    LINALG_PER_PATH(name##_forward, name##_forward_body, CELL_FORWARD_PARAMS, CELL_FORWARD_ARGS) \
    LINALG_PER_PATH(name##_backward, name##_backward_body, CELL_BACKWARD_PARAMS, CELL_BACKWARD_ARGS)

CellForwardFn rnn_forward, lstm_forward, gru_forward;
CellBackwardFn rnn_backward, lstm_backward, gru_backward;

#endif
