/* runview.h: a consistent, self-contained copy of what one run shows: its configuration,
 * sizes, the last step's observables, the history, the spectrum, the baseline and the
 * names of the task's symbols. The training thread fills one from its Trainer; the window
 * draws from another, so drawing never touches the trainer. Leaves out the parameters and
 * everything only training needs. */
#ifndef RNNLAB_RUNVIEW_H
#define RNNLAB_RUNVIEW_H

#include "itemise.h"
#include "trainer.h"

#include <stdint.h>

#define RUNVIEW_NAME_LEN 24

typedef struct {
    int valid;          /* 0 until the first sync */
    uint64_t run_id;    /* changes when the run is re-created (new network, new shapes) */
    Config cfg;         /* resolved */
    ModelDims dims;
    int T;              /* steps recorded per sample: T_enc + T_dec */
    int T_enc;          /* the input's (the encoder's) steps */
    long step;          /* updates applied */
    double baseline;    /* the task's memoryless loss */
    Observables obs;    /* the last step (or the last finite one after a divergence) */
    History hist;
    Spectrum spectrum;  /* step -1: not computed for these weights */
    /* The first sample's targets where the head reads: (n_out) class labels, or (n_out, O)
     * values; one of them is NULL. */
    int64_t *label;
    double *target;
    /* Readable names of the input and output symbols (task_symbol_name), I then O rows. */
    char (*names)[RUNVIEW_NAME_LEN];
    /* set when the run met Inf or NaN */
    int diverged;
    TrainEvent event;
    int past;           /* a look back at an earlier snapshot, not the live run (set by its owner) */
    long step_below_tenth; /* Trainer's: the first step with loss < baseline / 10, or -1 */
    Itemised items;     /* the terms view's arrays, set by the owner (itemised_copy) */
} RunView;

/* Brings dst up to date with tr: every field, the history incrementally (only the steps
 * dst has not seen), re-allocating when the shapes changed. `last_good` is given only for
 * a diverged run: it replaces tr->obs (the views show the last finite step) and sets
 * dst->diverged. run_id names the run (the caller changes it whenever it creates a new
 * trainer): a new id copies the history afresh. Returns 0, or -1 when
 * memory ran out (dst is then invalid). */
int runview_sync(RunView *dst, const Trainer *tr, const Observables *last_good, uint64_t run_id);

/* Makes dst an exact copy of src (the same incremental rule for the history). */
int runview_copy(RunView *dst, const RunView *src);

void runview_free(RunView *rv);

/* Copies src's scalars and arrays into dst's arrays, already allocated for a run of sizes d
 * with T steps (a trainer's own, or a RunView's). */
void observables_copy(Observables *dst, const Observables *src, const ModelDims *d, int T);

/* The name of input symbol k (output = 0) or output symbol k (output = 1). */
const char *runview_symbol(const RunView *rv, int k, int output);

/* The numbers lessons quote, one definition for lessons and views alike.
 * grad_ratio = ||dL/dh_0|| / ||dL/dh_{T-1}||, cell_ratio the same for dL/dc (cells with a
 * cell state; NaN otherwise), sigma_max the largest of the gate blocks' sigma_max(W_hh) (the
 * power iteration's, of the weights the last step's gradients were computed with), and
 * clipped_fraction the share of the last `last` recorded steps that were clipped (how many
 * it counted in *counted, when given). */
double runview_grad_ratio(const RunView *rv);
double runview_cell_ratio(const RunView *rv);
double runview_sigma_max(const RunView *rv);
/* Stacks (grad_ratio is the top layer's, along time): depth_ratio = ||dL/dh_0|| of layer 0
 * over ||dL/dh_{T-1}|| of the top layer, across both time and the layers; layer_ratio the
 * same with layer 0's last step, across the layers alone. 1 for a single layer. */
double runview_depth_ratio(const RunView *rv);
double runview_layer_ratio(const RunView *rv);
double runview_clipped_fraction(const RunView *rv, long last, int *counted);

#endif
