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

/* itemised (S, T_total): [s, t] = ||dL_s/dh_t||, Frobenius over the batch and units like
 * Observables.dh_norm, L_s the part of the trainer's loss (its mean included) that term s
 * adds, through the trainer's own truncation; so the vectors sum over s to dL/dh_t. If
 * per_term is not NULL it receives those vectors, (S, T_total, B, H). Zero for t past
 * term s's step. Leaves the caches' dL/dh_t as the trainer's step left them. 0, or -1
 * (memory). */
int itemise_gradient(Trainer *tr, double *itemised, double *per_term);

/* connectivity (S, T_total): [s, t] = ||d y_s / d x_t||, the Frobenius norm of the
 * Jacobian of the head's output at output step s (pre-softmax) with respect to the input at
 * step t (the decoder's input on seq2seq's decoder steps), for the batch's first sample,
 * through the whole graph (no truncation). Zero for t past term s's step. 0, or -1. */
int itemise_connectivity(Trainer *tr, double *connectivity);

#endif
