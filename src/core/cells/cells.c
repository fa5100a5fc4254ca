/* cells.c: the table of recurrent cells, one row each (the config's model= words, --help, the
 * views and the layer all read it). The cells' maths is in rnn.c, lstm.c and gru.c; the
 * layer around them is model.c's. */
#include "cells.h"

#include <assert.h>
#include <string.h>

static const char *const RNN_GATES[] = {"h", NULL};
static const char *const RNN_TITLES[] = {"h_t", NULL};
static const char *const LSTM_GATES[] = {"i", "f", "g", "o", NULL};
static const char *const LSTM_TITLES[] = {"input i", "forget f", "cell g", "output o", NULL};
static const char *const GRU_GATES[] = {"r", "z", "n", NULL};
static const char *const GRU_TITLES[] = {"reset r", "update z", "new n", NULL};

/* Row CELL_DEFAULT is the rnn. Equations: PyTorch's docs of torch.nn.RNN, LSTM and GRU. */
static const CellKind CELLS[] = {
    {
        .name = "rnn",
        .summary = "vanilla RNN: h' = act(W_ih x + b_ih + W_hh h + b_hh), activation= picks act",
        .gates = 1,
        .gate_names = RNN_GATES,
        .gate_titles = RNN_TITLES,
        .has_cell_state = 0,
        .tanh_gates = 0u,
        .forget_gate = -1,
        .has_activation = 1,
        .path_gate = -1,
        .forward = rnn_forward,
        .backward = rnn_backward,
    },
    {
        .name = "lstm",
        .summary = "LSTM: input, forget and output gates around a cell state c (Hochreiter & Schmidhuber 1997)",
        .gates = 4,
        .gate_names = LSTM_GATES,
        .gate_titles = LSTM_TITLES,
        .has_cell_state = 1,
        .tanh_gates = 1u << 2, /* g */
        .forget_gate = 1,      /* f */
        .has_activation = 0,
        .path_gate = 1,      /* f */
        .forward = lstm_forward,
        .backward = lstm_backward,
    },
    {
        .name = "gru",
        .summary = "GRU: reset and update gates, no separate cell state (Cho et al. 2014)",
        .gates = 3,
        .gate_names = GRU_GATES,
        .gate_titles = GRU_TITLES,
        .has_cell_state = 0,
        .tanh_gates = 1u << 2, /* n */
        .forget_gate = -1,
        .has_activation = 0,
        .path_gate = 1,      /* z */
        .keeps_ah = 1,
        .forward = gru_forward,
        .backward = gru_backward,
    },
};
#define N_CELLS ((int)(sizeof CELLS / sizeof CELLS[0]))
_Static_assert(N_CELLS <= CELL_MAX, "raise CELL_MAX in cells.h");

const CellKind *cell_kind(int model)
{
    assert(model >= 0 && model < N_CELLS);
    return &CELLS[model];
}

int cell_count(void) { return N_CELLS; }

int cell_find(const char *name)
{
    for (int m = 0; m < N_CELLS; m++)
        if (strcmp(CELLS[m].name, name) == 0)
            return m;
    return -1;
}
