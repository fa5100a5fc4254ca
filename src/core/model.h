/* model.h: one recurrent layer (vanilla RNN, LSTM or GRU, PyTorch's equations and
 * parameter layout) with a linear head, its loss, and exact BPTT with optional truncation.
 * Leaves out stacking, bidirectionality and dropout.
 *
 * Dimension letters: B batch, T steps, I input, H hidden, G gates, O output. */
#ifndef RNNLAB_MODEL_H
#define RNNLAB_MODEL_H

#include "config.h"
#include "rng.h"
#include "task.h"

#include <stddef.h>

typedef struct {
    ModelKind kind;
    Activation act;
    int I, H, O, G; /* G = 1 rnn, 4 lstm (i, f, g, o), 3 gru (r, z, n) */
    Shape shape;
    LossKind loss;
} ModelDims;

/* Points into one block of doubles; the same struct holds gradients and optimiser moments. */
typedef struct {
    double *weight_ih;   /* (G*H, I) */
    double *weight_hh;   /* (G*H, H) */
    double *bias_ih;     /* (G*H) */
    double *bias_hh;     /* (G*H) */
    double *head_weight; /* (O, H) */
    double *head_bias;   /* (O) */
} Params;

#define MODEL_N_TENSORS 6

typedef struct {
    const char *name; /* PyTorch's state_dict name */
    int ndim;
    size_t shape[2];
    size_t size;
    size_t offset; /* into the block */
} ParamSpec;

/* What forward keeps for backward, time-major, and the gradients backward leaves. */
typedef struct {
    int T, B;
    double *ax;   /* (T, B, G*H) x_t W_ih^T + b_ih */
    double *ah;   /* (T, B, G*H) h_{t-1} W_hh^T + b_hh */
    double *gate; /* (T, B, G*H) activated gates: rnn h_t before any probe; lstm i f g o; gru r z n */
    double *hs;   /* (T+1, B, H) hs[0] the initial state, hs[t+1] = h_t */
    double *cs;   /* (T+1, B, H) lstm cell states, same indexing */
    double *tc;   /* (T, B, H) lstm tanh(c_t) */
    double *out;  /* (T, B, O) many-to-many, (B, O) many-to-one: head outputs */
    double *dout; /* same shape: dL/d out */
    double *dh;   /* (T, B, H) total dL/dh_t, the recurrent path included */
    double *dc;   /* (T, B, H) lstm total dL/dc_t */
    double *dax;  /* (T, B, G*H) dL/d(input-side pre-activation) */
    double *dah;  /* (T, B, G*H) dL/d(recurrent-side pre-activation) */
    double *dhead;/* (T, B, H) the head's direct contribution to dL/dh_t */
    double *wih_t;/* (I, G*H) W_ih transposed for the forward product */
    double *whh_t;/* (H, G*H) W_hh transposed */
    double *scratch; /* (2, B, G*H) per-step temporaries */
    double *run;     /* (4, B, H) running gradients of h and c during backward */
    double *dh_init; /* (B, H) dL/d(initial h), as far as truncation lets it reach */
    double *dc_init; /* (B, H) dL/d(initial c), lstm */
    int zero_h0;     /* the last forward started from the zero state */
} Cache;

ModelDims model_dims(const Config *cfg);
void model_param_specs(ParamSpec specs[MODEL_N_TENSORS], const ModelDims *d);
size_t model_param_count(const ModelDims *d);
void model_params_point(Params *p, double *block, const ModelDims *d);
double *model_tensor(const Params *p, int i); /* i-th tensor, in ParamSpec order */

/* Fills p by cfg's init, rho and forget_bias, drawing from rng. Returns 0 or -1 (LAPACK). */
int model_init(Params *p, const ModelDims *d, const Config *cfg, Rng *rng);

int model_cache_create(Cache *c, const ModelDims *d, int T, int B);
void model_cache_destroy(Cache *c);

/* Optional inputs of the forward pass; any field may be NULL. */
typedef struct {
    const double *h0, *c0;          /* (B, H) initial states; NULL = zero */
    const double *h_probe, *c_probe;/* (T, B, H) added to h_t and c_t once computed: the
                                       gradient checks measure dL/dh_t, dL/dc_t with them */
} ForwardOptions;

/* Runs the layer and the head over the batch. opt may be NULL. */
void model_forward(Cache *c, const Batch *in, const Params *p, const ModelDims *d,
                   const ForwardOptions *opt);

/* The loss of c->out against the batch's targets (MSELoss / CrossEntropyLoss mean
 * reductions); also fills c->dout. */
double model_loss(Cache *c, const Batch *in, const ModelDims *d);

/* BPTT: accumulates (+=) into grad, and overwrites c->dh, c->dc. truncate = K > 0 lets
 * each loss term's gradient pass through at most K cell steps (K = 1: none through
 * time); 0 is full BPTT. */
void model_backward(Params *grad, Cache *c, const Batch *in, const Params *p, const ModelDims *d,
                    int truncate);

#endif
