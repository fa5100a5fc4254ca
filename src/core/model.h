/* model.h: a stack of L recurrent layers (vanilla RNN, LSTM or GRU, PyTorch's equations and
 * parameter layout, as nn.RNN/LSTM/GRU(num_layers=L)) with a linear head, or an
 * encoder-decoder of two such stacks; its loss; and exact BPTT with optional truncation.
 * Leaves out bidirectionality and dropout.
 *
 * Dimension letters: B batch, T steps (Td decoder steps), I input (Id decoder input),
 * H hidden, G gates, O output, L layers. Layer 0 reads the input; layer l > 0 reads the
 * states h_t of layer l-1 (its input size is H); the head reads the top layer, L-1. */
#ifndef RNNLAB_MODEL_H
#define RNNLAB_MODEL_H

#include "cells/cells.h"
#include "config.h"
#include "rng.h"
#include "task.h"

#include <stdatomic.h>
#include <stddef.h>

typedef struct {
    const CellKind *cell; /* the row of cfg->model in the cell table */
    Activation act;
    int I, H, O, G; /* G = cell->gates: 1 rnn, 4 lstm (i, f, g, o), 3 gru (r, z, n) */
    int Id;         /* seq2seq: the decoder's input size; 0 otherwise */
    Shape shape;
    LossKind loss;
    int L;          /* stacked layers, 1 .. MODEL_MAX_LAYERS */
    int unpacked;   /* packing=off: variable lengths run through the padding (Batch.len ignored
                       but by the loss, which still scores the real positions only) */
    int n_tensors;  /* 4 L + 2, or 8 L + 2 for seq2seq */
} ModelDims;

#define MODEL_MAX_LAYERS CONFIG_MAX_LAYERS

/* One recurrent layer's parameters, pointing into a block. */
typedef struct {
    double *weight_ih; /* (G*H, I) */
    double *weight_hh; /* (G*H, H) */
    double *bias_ih;   /* (G*H) */
    double *bias_hh;   /* (G*H) */
} LayerParams;

/* Points into one block of doubles; the same struct holds gradients and optimiser moments.
 * `rnn` is the stack (the encoder for seq2seq), layer 0 first; `dec` is only used by
 * seq2seq. Layers L and up are unused. */
typedef struct {
    LayerParams rnn[MODEL_MAX_LAYERS];
    LayerParams dec[MODEL_MAX_LAYERS];
    double *head_weight; /* (O, H) */
    double *head_bias;   /* (O) */
} Params;

#define MODEL_MAX_TENSORS (8 * MODEL_MAX_LAYERS + 2)

typedef struct {
    const char *name; /* PyTorch's state_dict name */
    int ndim;
    size_t shape[2];
    size_t size;
    size_t offset; /* into the block */
} ParamSpec;

/* What one layer's forward keeps for backward, time-major, and what backward leaves. */
typedef struct {
    int T, B, I;
    double *ax;    /* (T, B, G*H) x_t W_ih^T + b_ih */
    double *ah;    /* (T, B, G*H) h_{t-1} W_hh^T + b_hh; only for a cell that keeps_ah, else NULL
                      (gru): the others get it in gate's place */
    double *gate;  /* (T, B, G*H) activated gates: rnn h_t before any probe; lstm i f g o; gru r z n */
    double *hs;    /* (T+1, B, H) hs[0] the initial state, hs[t+1] = h_t */
    double *cs;    /* (T+1, B, H) cell states (cell->has_cell_state), same indexing */
    double *tc;    /* (T, B, H) tanh(c_t) */
    double *dh;    /* (T, B, H) total dL/dh_t, the recurrent path included */
    double *dc;    /* (T, B, H) total dL/dc_t (cell->has_cell_state) */
    double *dax;   /* (T, B, G*H) dL/d(input-side pre-activation) */
    double *dah;   /* (T, B, G*H) dL/d(recurrent-side pre-activation); dax itself for a cell
                      that does not keep_ah (the two are equal there) */
    double *dtop;  /* (T, B, H) gradient arriving at h_t from above: the head, or the layer
                      above (seq2seq's encoder: also the decoder, at the last step) */
    double *term;  /* (T, B, H) below the top of a stack that window truncation walks term
                      by term: one loss term's share of dtop; NULL otherwise */
    double *wih_t; /* (I, G*H) W_ih transposed for the forward product */
    double *whh_t; /* (H, G*H) W_hh transposed */
    double *scratch; /* (2, B, G*H) one step's dL/d ax_t, dL/d ah_t during backward */
    double *run;     /* (4, B, H) running gradients of h and c during backward (RUN_* rows) */
    double *dh_init; /* (B, H) dL/d(initial h), as far as truncation lets it reach */
    double *dc_init; /* (B, H) dL/d(initial c), cell->has_cell_state */
    double *dh_sumsq, *dc_sumsq; /* (T) linalg_sumsq of dh_t and dc_t, taken as a full sweep
                                  * writes them (sums_valid) for the recording's norms */
    int sums_valid;
    int zero_h0;     /* the last forward started from the zero state */
    const int *len;  /* (B) the sequences' lengths, set by the forward pass: h_t and c_t are
                        zero past them (padding); NULL: every one T long */
    /* If set and nonzero, the passes stop early (between time steps and between chunks of
     * the big products) and leave meaningless results: the caller discards them. */
    const atomic_int *cancel;
} LayerCache;

typedef struct {
    int T, Td, B, L;  /* Td = 0 unless seq2seq */
    LayerCache rnn[MODEL_MAX_LAYERS]; /* the stack, or the encoder, layer 0 first */
    LayerCache dec[MODEL_MAX_LAYERS]; /* seq2seq decoder */
    double *out;      /* head outputs: (B, O) on the last step, (T, B, O) or (Td, B, O) on every step */
    double *last_h;   /* (B, H) the head reading the last step: each sequence's own last h */
    double *d_last;   /* (B, H) and its gradient */
    int *d_last_step; /* (B) the step of the top layer's dtop each d_last row went into at
                       * the last backward (-1: none yet); every other row of it is zero */
    const int *len, *len_d; /* the last forward's batch lengths (Batch.len, len_d) */
    double *dout;     /* same shape: dL/d out */
    LayerCache free_run[MODEL_MAX_LAYERS]; /* seq2seq: the decoder run again, fed its own predictions */
    double *free_run_out; /* seq2seq: (Td, B, O) the free-running decoder's outputs */
    double *free_run_x;   /* seq2seq: (Td, B, Id) the inputs it fed itself */
} Cache;

ModelDims model_dims(const Config *cfg, const TaskInfo *task);
void model_param_specs(ParamSpec specs[MODEL_MAX_TENSORS], const ModelDims *d);
size_t model_param_count(const ModelDims *d);
void model_params_point(Params *p, double *block, const ModelDims *d);
double *model_tensor(const Params *p, const ModelDims *d, int i); /* in ParamSpec order */

/* Whether the head reads every step (one-to-many, many-to-many, seq2seq's decoder) or
 * only the last (one-to-one, many-to-one). */
int model_head_every(const ModelDims *d);

/* Fills p by cfg's init, rho and forget_bias, drawing from rng. Returns 0 or -1 (LAPACK). */
int model_init(Params *p, const ModelDims *d, const Config *cfg, Rng *rng);

int model_cache_create(Cache *c, const ModelDims *d, int T, int Td, int B);
/* Points every layer cache's cancel flag at flag. */
void model_cache_set_cancel(Cache *c, const atomic_int *flag);
void model_cache_destroy(Cache *c);

/* Optional inputs of the forward pass; any field may be NULL. */
typedef struct {
    const double *h0, *c0;           /* (L, B, H) initial states; NULL = zero */
    const double *h_probe, *c_probe; /* (L, T+Td, B, H) added to h_t and c_t once computed,
                                        per layer on the encoder's steps then the decoder's:
                                        the gradient checks measure dL/dh_t, dL/dc_t with them */
} ForwardOptions;

/* The layer the head reads: the stack's top (seq2seq: the decoder's). */
LayerCache *model_top(Cache *c, const ModelDims *d);

/* Runs the layers and the head over the batch. opt may be NULL. Sequences shorter than T
 * (Batch.len) are padded as PyTorch's packed sequences: their states are zero past their
 * end, and the head (seq2seq: the decoder) reads each one's own last step. */
void model_forward(Cache *c, const Batch *in, const Params *p, const ModelDims *d,
                   const ForwardOptions *opt);

/* The loss of c->out against the batch's targets (MSELoss / CrossEntropyLoss mean
 * reductions over the real positions: padding has no loss and a zero dout); also fills
 * c->dout. */
double model_loss(Cache *c, const Batch *in, const ModelDims *d);

/* BPTT: accumulates (+=) into grad, and overwrites the caches' dh, dc. truncate = K > 0
 * with mode TRUNCATE_WINDOW lets each loss term's gradient pass through at most K cell
 * steps (K = 1: none through time); with TRUNCATE_CHUNK the steps fall into chunks of K
 * and no gradient crosses from one chunk into the one before (the state is detached at
 * t = K, 2K, ...). 0 is full BPTT in either mode. In a stack truncation acts along time
 * in every layer: a term at step s reaches steps s-K+1 .. s of each layer (window), or
 * every layer's state is detached at the chunk boundaries (chunk); the gradient passes
 * down the layers freely. seq2seq takes full BPTT only (config_resolve says so). */
void model_backward(Params *grad, Cache *c, const Batch *in, const Params *p, const ModelDims *d,
                    int truncate, TruncateMode mode);

/* seq2seq after model_forward: runs the decoder again from the encoder's final state, fed
 * its own previous prediction (argmax) instead of the target, in c->free_run (the training
 * caches are left as they were); fills c->free_run_out. */
void model_free_run(Cache *c, const Params *p, const ModelDims *d);

/* Steps t0 .. t1-1 of every layer of a stack, layer 0 reading x (T, B, I) and layer l the
 * states of layer l-1, each continuing from its hs[t0], cs[t0]. For generation. */
void stack_forward_steps(LayerCache *lc, const double *x, const LayerParams *p, const ModelDims *d, int t0,
                         int t1);

/* One layer forward over steps t0 .. t1-1 of x (T, B, I), continuing from lc->hs[t0] and
 * lc->cs[t0], which the caller sets for t0 = 0. For generation, step by step. */
void layer_forward_steps(LayerCache *lc, const double *x, const LayerParams *p,
                         const ModelDims *d, int t0, int t1, const double *h_probe,
                         const double *c_probe);

/* The head on rows of hidden states: out (R, O) = h (R, H) W^T + b. */
void model_head(double *out, const double *h, const Params *p, const ModelDims *d, size_t rows);

#endif
