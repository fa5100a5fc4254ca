/* trainer.h: a training run: configuration, model, task, optimiser, the run's data
 * generator, and everything the window draws, recorded each step without extra passes.
 * Leaves out drawing, files other than the saved run, and any threads. */
#ifndef RNNLAB_TRAINER_H
#define RNNLAB_TRAINER_H

#include "config.h"
#include "fileio.h"
#include "model.h"
#include "rng.h"
#include "task.h"

#include <stdatomic.h>
#include <stddef.h>

/* Dimension letters: T steps, H hidden, G gates, L layers. For seq2seq every per-step
 * array runs over the encoder's steps, then the decoder's: T = T_enc + T_dec. */

typedef enum { EVENT_NONE, EVENT_NONFINITE } EventKind;

/* Set when a step produced Inf or NaN; the step's update is not applied. */
typedef struct {
    EventKind kind;
    long step;         /* the step that failed (1-based) */
    char what[96];     /* "loss", "hidden state", "dL/dh_t", "gradient of weight_hh_l0" ... */
    int t;             /* the time step where it started, or -1 */
    char message[320]; /* one line for people */
} TrainEvent;

/* What Observables.reference holds: nothing; an upper bound on dh_norm (vanilla RNN); or
 * the cell path's own factor times the last step's norm (lstm prod f, gru prod z), which
 * is no bound: the gates' other paths add to the gradient. */
typedef enum { REFERENCE_NONE, REFERENCE_BOUND, REFERENCE_CELL_PATH } ReferenceKind;

/* The latest step, ready to draw. Per-sample arrays are the batch's first sample. The
 * per-step arrays of a layer (dh_norm, dc_norm, dh_direct_norm, reference, h, c, gate) are
 * kept for every layer, layer 0 first, in the layers_* blocks; the plain names point at the
 * top layer's part (the one the head reads), and observables_layer points them at another. */
typedef struct {
    long step;
    double loss, metric;
    double grad_norm; /* global, before clipping */
    double grad_norm_clipped; /* global, after clipping (the same when nothing was clipped) */
    int clipped;
    double param_grad_norm[MODEL_MAX_TENSORS];
    double *dh_norm;  /* (T) ||dL/dh_t||, Frobenius over the batch */
    double *dc_norm;  /* (T) ||dL/dc_t|| (lstm; zero otherwise) */
    /* (T) ||the head's own dL/dh_t||, Frobenius over the batch like dh_norm: what the loss
     * term at t sends into h_t before the path from t+1 joins it. Zero where the head does
     * not read, so on seq2seq's encoder steps. Below the top layer: what the layer above
     * sends down into h_t (seq2seq's encoder: and the decoder into its last step). */
    double *dh_direct_norm;
    /* (T) the gradient view's line, of kind reference_kind (zero where it has nothing to
     * say). REFERENCE_BOUND (rnn): B_t = sum over loss terms s >= t that reach t of
     * (gamma sigma_max)^(s-t) dh_direct_norm[s] >= dh_norm[t], gamma the activation's
     * largest slope; seq2seq chains the decoder's factor into the encoder's.
     * REFERENCE_CELL_PATH: the last step's norm (dc_norm for lstm, dh_norm for gru) times
     * the mean over batch and units of prod_{s=t+1}^{T-1} of the path gate. Below the top
     * layer the same with that layer's own sigma_max, gates and dh_direct_norm. */
    double *reference;
    ReferenceKind reference_kind;
    double *x;        /* (T, I) the input; seq2seq: the encoder's */
    double *h;        /* (T, H) */
    double *c;        /* (T, H) lstm */
    double *gate;     /* (T, G*H) */
    int L;            /* layers */
    double *layers_dh_norm, *layers_dc_norm, *layers_dh_direct_norm, *layers_reference; /* (L, T) */
    /* Variable lengths (min_len=; otherwise n_t = n_end = B and dh_norm_end = dh_norm):
     * n_t (T) the sequences that have step t; dh_norm_end (T) the norm with each sequence
     * shifted right until its own last step sits at T-1 (encoder and decoder each aligned
     * on its own end), so at x it pools every sequence's step x - (T - len); n_end (T) how
     * many sequences reach x so aligned; len0, len0_d the first sample's lengths. */
    double *n_t, *n_end;
    double *dh_norm_end, *layers_dh_norm_end; /* (L, T) as dh_norm */
    int len0, len0_d;
    double *layers_h, *layers_c; /* (L, T, H) */
    double *layers_gate;         /* (L, T, G*H) */
    double *out;      /* (O) on the last step, or (T_out, O) on every step: the head's output */
    int n_out;        /* rows of out: 1 or T_out */
    /* Largest singular value of each H x H gate block of the top layer's weight_hh (the
     * encoder's, then the decoder's for seq2seq), of the weights this step's gradients were
     * computed with (power iteration, warm-started every step); layers_sigma_max the same
     * for every layer. */
    int n_blocks;
    double sigma_max[8]; /* (n_blocks) */
    double layers_sigma_max[MODEL_MAX_LAYERS][8];
} Observables;

/* o's per-layer arrays, allocated for L layers of T steps, with the plain names pointed at
 * layer l's part. */
void observables_point(Observables *o, const ModelDims *d, int T, int l);

/* A shallow copy of o showing layer l: its plain names (and sigma_max) are layer l's. */
Observables observables_layer(const Observables *o, const ModelDims *d, int T, int l);

/* The whole spectrum of each gate block of every layer's weight_hh (LAPACK dgesvd and
 * dgeev): too dear to compute at every step at batch 1, so computed when asked for, for the
 * current weights, and kept until they change. */
typedef struct {
    long step;      /* the weights after this many updates; -1 = never computed */
    int valid;      /* 0 if the weights were not finite or LAPACK failed */
    /* L times G, or 2G for seq2seq: layer 0's encoder blocks, then its decoder blocks, then
     * layer 1's ... (spectrum_blocks_per_layer blocks a layer) */
    int n_blocks;
    double *sv;     /* (n_blocks, H) singular values per block, descending */
    double *eig_re; /* (n_blocks, H) eigenvalues per block */
    double *eig_im; /* (n_blocks, H) */
} Spectrum;

/* What History.seeds keeps of each copy at each step (seeds.c). */
enum { SEED_LOSS, SEED_METRIC, SEED_GRAD_RATIO, SEED_VALUES };

/* A ring of the last `capacity` steps. */
typedef struct {
    int capacity, count, next, T, G; /* G: sigma_max values per entry (the top layer's n_blocks) */
    int L;             /* layers whose dh_norm each entry keeps */
    int K;             /* runs per entry: cfg.seeds (1: this run alone) */
    long total; /* entries ever pushed: tells a copy which entries it has not seen */
    long *step;
    double *loss, *metric, *grad_norm;
    double *grad_norm_clipped;
    unsigned char *clipped;
    double *sigma_max; /* (capacity, G) */
    double *dh_norm;   /* (capacity, L, T): read it through history_dh_norm */
    unsigned short *n_t; /* (capacity, T) Observables.n_t, kept for variable lengths only (else NULL) */
    /* (capacity, K, SEED_VALUES) when K > 1: each copy's loss, metric and grad_ratio at
     * that step, copy 0 this run (the others: seeds.c); NULL when K = 1 */
    double *seeds;
} History;

typedef struct Trainer {
    Config cfg; /* resolved */
    ModelDims dims;
    Task task;
    int T;      /* steps recorded per sample: T_enc + T_dec */
    ParamSpec specs[MODEL_MAX_TENSORS];
    size_t n_params;
    double *block; /* 4 * n_params: parameters, gradients, first and second moments */
    Params param, grad, m, v;
    Rng rng_data;
    Batch batch;
    Cache cache;
    long step;     /* updates applied so far */
    long opt_step; /* updates since the optimiser (re)started: Adam's bias correction */
    Observables obs;
    Spectrum spectrum;
    double *sigma_vec; /* (G, H) power-iteration vectors, warm starts */
    double *sigma_work; /* (H + 1, H): the power iteration's scratch */
    double *path_products; /* (B, H): the cell path's running products (record_cell_path) */
    History hist;
    /* the first recorded step whose loss fell below a tenth of the task's memoryless
     * baseline (compare mode's verdict; the history keeps only the latest steps), or -1 */
    long step_below_tenth;
    TrainEvent event;
    const atomic_int *cancel; /* see trainer_set_cancel */
    /* seeds=K: the K - 1 other runs, seeds seed+1 .. seed+K-1, stepped with this one
     * (seeds.c); their own histories keep almost nothing */
    struct Trainer *copies;
    int n_copies;
    unsigned char *copies_saved; /* their states before the step in progress */
} Trainer;

/* Resolves cfg, allocates and initialises. Returns 0, or -1 with a message. */
int trainer_create(Trainer *tr, const Config *cfg, char *err, size_t errlen);
void trainer_destroy(Trainer *tr);

enum { TRAIN_OK = 0, TRAIN_DIVERGED = 1, TRAIN_CANCELLED = 2 };

/* One training step on a fresh batch. Returns TRAIN_OK; TRAIN_DIVERGED when the step met
 * Inf/NaN: then tr->event says where, and the parameters are left as they were before the
 * step; or TRAIN_CANCELLED: the cancel flag was raised during the step, which is then
 * undone entirely (parameters, data generator, history and observables as before it). */
int trainer_step(Trainer *tr);

/* A flag another thread may raise to stop the step in progress: the passes look at it
 * between time steps and between pieces of the big products. NULL = never. */
void trainer_set_cancel(Trainer *tr, const atomic_int *flag);
int trainer_cancelled(const Trainer *tr);

/* Draws the next batch and runs forward and backward on it without updating anything
 * (the `grads` command). Returns like trainer_step. */
int trainer_evaluate_next(Trainer *tr);

/* The spectrum of the current weights, computed now if they changed since last asked. */
const Spectrum *trainer_spectrum(Trainer *tr);

/* Switches the update rule (and lr, momentum, clip: any of cfg's training-only keys) in the
 * middle of a run. A new optimizer starts with zero moments. */
void trainer_set_training(Trainer *tr, const Config *cfg);

/* Forward and backward on the batch that training will use next, without consuming it or
 * updating anything: what the views show before the first step. */
int trainer_preview(Trainer *tr);

/* A ring of `capacity` entries for T steps of L layers, G sigma_max values and K runs'
 * values each. 0, or -1 (memory). */
int history_create(History *h, int capacity, int T, int L, int G, int K);
/* Keeps each entry's n_t from now on (variable lengths): 0, or -1 (memory). */
int history_keep_counts(History *h);
/* Entry k's (T) ||dL/dh_t|| of layer l; l = -1 the top layer. */
const double *history_dh_norm(const History *h, int k, int l);
void history_destroy(History *h);
/* Appends src's entry k to dst (the same T and G). */
void history_put(History *dst, const History *src, int k);

/* History access in chronological order, i = 0 the oldest kept. */
int history_index(const History *h, int i);

/* Copies src's entries up to and including `step` into dst (same capacity and T), for
 * looking at an earlier state. */
void history_copy_until(History *dst, const History *src, long step);
/* Drops the newest entries recorded after `step` (a rewind to that step's snapshot). */
void history_truncate(History *h, long step);

/* The run's state as a snapshot keeps it (parameters, moments, data generator, counts), its
 * copies' included: the bytes it takes, and saving into / restoring from such a buffer.
 * Restoring leaves the history alone. */
size_t trainer_state_bytes(const Trainer *tr);
void trainer_state_save(const Trainer *tr, unsigned char *buf);
void trainer_state_restore(Trainer *tr, const unsigned char *buf);

/* grad_ratio = ||dL/dh_0|| / ||dL/dh_{T-1}|| of T per-step norms (NAN for T = 0): the one
 * definition lessons, views, the seeds' history and the CSV use. */
double grad_ratio_of(const double *dh_norm, int T);

/* One step of this run alone, not its copies (trainer_step does both). */
int trainer_step_alone(Trainer *tr);

/* seeds.c: the copies of a seeds=K run. Creates them (after tr itself): 0, or -1. */
int seeds_create(Trainer *tr, char *err, size_t errlen);
void seeds_destroy(Trainer *tr);
/* A step of every copy, then of tr, then each one's values into tr's newest history
 * entry. Returns like trainer_step; a cancel undoes all of them. */
int seeds_step(Trainer *tr);
/* Over the finite values of entry k's runs: the least, the median and the largest of
 * value v (SEED_*). Returns how many were finite. */
int history_seed_spread(const History *h, int k, int v, double *lo, double *median, double *hi);
/* A run's value v at entry k: run 0 this one, then the copies. */
double history_seed_value(const History *h, int k, int run, int v);

/* A saved run: config.txt, NAME.npy per parameter, the optimiser's moments, state.txt
 * (step and the data generator) and, for seeds=K, a seed_N folder of the same per further
 * seed. The directory is written whole (fileio's DirWriter): a new one beside dir swapped
 * in by one rename, so --load sees the old run or the new one, never a mixture. An
 * existing dir must hold nothing but a saved run's files. */
int trainer_save(const Trainer *tr, const char *dir, char *err, size_t errlen);
/* The same for a run stopped by a signal: state.txt adds "stopped=WHY at step N". */
int trainer_save_stopped(const Trainer *tr, const char *dir, const char *stopped, char *err, size_t errlen);
/* The files alone, into an existing (new) directory; stopped may be NULL. For writers that
 * add files of their own before swapping the directory in (grads). */
int trainer_save_files(const Trainer *tr, const char *dir, const char *stopped, char *err, size_t errlen);
/* Ends a DirWriter a trainer_save_files went into: swaps it in when status is 0, else
 * removes it (err, which names its files, is made to name dir instead). Returns 0 or -1. */
int trainer_save_dir_finish(DirWriter *d, int status, char *err, size_t errlen);

/* Loads parameters (and, if present, optimiser state and generator) from dir into a
 * trainer created from that dir's configuration. Shapes must match. */
int trainer_load(Trainer *tr, const char *dir, char *err, size_t errlen);

/* Copies the per-step (L, T_total, B, H) gradient arrays, each layer's encoder steps then
 * its decoder steps, layer 0 first, into out; the _layer forms one layer's (T_total, B, H). */
void trainer_copy_dh(const Trainer *tr, double *out, int cell);
void trainer_copy_states(const Trainer *tr, double *out, int cell);
void trainer_copy_layer_dh(const Trainer *tr, int l, double *out, int cell);

#endif
