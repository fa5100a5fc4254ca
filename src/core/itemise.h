/* itemise.h: the grads verb's two extra pictures of a gradient: dL/dh_t split by loss term
 * (RNNbow, Cashman et al. 2018) and the output-input Jacobian norms (Madsen 2019,
 * "Visualizing memorization in RNNs"). Extra backward passes over the batch the trainer
 * last evaluated; the training step never calls these. */
#ifndef RNNLAB_ITEMISE_H
#define RNNLAB_ITEMISE_H

#include "trainer.h"

/* Loss terms S (= output steps T_out): 1 when the head reads only the last step, else one
 * per step the head reads (the decoder's steps for seq2seq). */
int itemise_terms(const Trainer *tr);

/* The step on the T_total axis (encoder, then decoder) that term s reads. */
int itemise_term_step(const Trainer *tr, int s);

/* itemised (S, T_total): [s, t] = ||dL_s/dh_t|| of the top layer (a stack's, the one the head reads), Frobenius over the batch and units like
 * Observables.dh_norm, L_s the part of the trainer's loss (its mean included) that term s
 * adds, through the trainer's own truncation; so the vectors sum over s to dL/dh_t. If
 * first is not NULL it receives the same norms over the batch's first sample only (its H
 * units), and per_term, if not NULL, the vectors, (S, T_total, B, H). Zero for t past
 * term s's step. Leaves the caches' dL/dh_t as the trainer's step left them. 0, or -1
 * (memory). */
int itemise_gradient(Trainer *tr, double *itemised, double *first, double *per_term);

/* connectivity (S, T_total): [s, t] = ||d y_s / d x_t||, the Frobenius norm of the
 * Jacobian of the head's output at output step s (pre-softmax) with respect to the input at
 * step t (the decoder's input on seq2seq's decoder steps), for the batch's first sample,
 * through the whole graph (no truncation). Zero for t past term s's step. 0, or -1. */
int itemise_connectivity(Trainer *tr, double *connectivity);

/* What the terms view shows of one run: the three (S, T_total) arrays above for the current
 * weights, on the batch the trainer last evaluated (the one its next step will use, when
 * that was a preview). Computed on the worker thread while the view is visible. */
typedef struct {
    int valid;           /* 0: nothing computed (or a computation was cancelled) */
    uint64_t run_id;     /* the run (its owner's id) ... */
    long step;           /* ... and its weights: after this many updates */
    int S, T;            /* loss terms, steps (T_total) */
    int T_enc;           /* the encoder's steps: seq2seq's terms read T_enc + s */
    int every;           /* the head reads every step (term s reads step s), else the last */
    double *batch;       /* (S, T) ||dL_s/dh_t|| over the batch and units */
    double *first;       /* (S, T) the same over the first sample */
    double *conn;        /* (S, T) ||d y_s / d x_t||, the first sample */
    size_t cap;          /* cells the arrays hold */
} Itemised;

/* The multiply-adds of itemise_now for a run of these sizes (S terms, T_total steps, batch
 * B): S backward passes over the batch and S x O over one sample, each about T cell steps
 * of G H (H + I). */
double itemise_work(const ModelDims *d, int S, int T, int B);

/* The most itemise_now takes on (a few seconds of one core): beyond it the view says so,
 * and `rnnlab grads` still writes the arrays. */
#define ITEMISE_MAX_WORK 1e10

/* Fills it for tr's current weights (one forward, then S + S x O backward passes): 0; 1
 * when tr's cancel flag stopped it (it->valid is then 0); -1 when the work would exceed
 * ITEMISE_MAX_WORK or memory ran out. Overwrites tr's caches and nothing else: the next
 * step computes its own, so training is not changed by it. */
int itemise_now(Trainer *tr, Itemised *it, uint64_t run_id);

/* The step on the T_total axis that term s of it reads. */
int itemised_term_step(const Itemised *it, int s);

/* dst becomes a copy of src (copying the arrays only when src holds another run or step).
 * 0, or -1 (memory: dst is then invalid). */
int itemised_copy(Itemised *dst, const Itemised *src);
void itemised_free(Itemised *it);

#endif
