/* trainer.c: one step = sample, forward, loss, backward, record, check, clip, update.
 * Everything the views need is copied out of the cache here, so views never touch the
 * model's buffers. */
#include "trainer.h"

#include "budget.h"
#include "fileio.h"
#include "linalg.h"
#include "npy.h"
#include "optim.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { STREAM_INIT = 1, STREAM_DATA = 2 };

void observables_point(Observables *o, const ModelDims *d, int T, int l)
{
    size_t TT = (size_t)T, H = (size_t)d->H, GH = (size_t)d->G * H, at = (size_t)l * TT;
    assert(l >= 0 && l < d->L);
    o->L = d->L;
    o->dh_norm = o->layers_dh_norm + at;
    o->dh_norm_end = o->layers_dh_norm_end + at;
    o->dc_norm = o->layers_dc_norm + at;
    o->dh_direct_norm = o->layers_dh_direct_norm + at;
    o->reference = o->layers_reference + at;
    o->h = o->layers_h + at * H;
    o->c = o->layers_c + at * H;
    o->gate = o->layers_gate + at * GH;
    memcpy(o->sigma_max, o->layers_sigma_max[l], sizeof o->sigma_max);
}

Observables observables_layer(const Observables *o, const ModelDims *d, int T, int l)
{
    Observables v = *o;
    observables_point(&v, d, T, l);
    return v;
}

static int observables_create(Observables *o, const ModelDims *d, int T, int T_out)
{
    memset(o, 0, sizeof *o);
    size_t H = (size_t)d->H, GH = (size_t)d->G * H, TT = (size_t)T, LT = (size_t)d->L * TT;
    o->n_out = model_head_every(d) ? T_out : 1;
    o->n_blocks = d->G * (d->shape == SHAPE_SEQ2SEQ ? 2 : 1);
    size_t outs = (size_t)o->n_out * d->O;
    o->layers_dh_norm = calloc(LT, sizeof(double));
    o->layers_dh_norm_end = calloc(LT, sizeof(double));
    o->n_t = calloc(TT, sizeof(double));
    o->n_end = calloc(TT, sizeof(double));
    o->layers_dc_norm = calloc(LT, sizeof(double));
    o->layers_dh_direct_norm = calloc(LT, sizeof(double));
    o->layers_reference = calloc(LT, sizeof(double));
    o->x = calloc(TT * d->I, sizeof(double));
    o->layers_h = calloc(LT * H, sizeof(double));
    o->layers_c = calloc(LT * H, sizeof(double));
    o->layers_gate = calloc(LT * GH, sizeof(double));
    o->out = calloc(outs, sizeof(double));
    if (!(o->layers_dh_norm && o->layers_dh_norm_end && o->n_t && o->n_end && o->layers_dc_norm && o->layers_dh_direct_norm && o->layers_reference && o->x &&
          o->layers_h && o->layers_c && o->layers_gate && o->out))
        return -1;
    observables_point(o, d, T, d->L - 1);
    return 0;
}

static void observables_destroy(Observables *o)
{
    free(o->out);
    free(o->layers_gate);
    free(o->layers_c);
    free(o->layers_h);
    free(o->x);
    free(o->layers_reference);
    free(o->layers_dh_direct_norm);
    free(o->layers_dc_norm);
    free(o->layers_dh_norm);
    free(o->layers_dh_norm_end);
    free(o->n_t);
    free(o->n_end);
    memset(o, 0, sizeof *o);
}

int history_create(History *h, int capacity, int T, int L, int G, int K)
{
    memset(h, 0, sizeof *h);
    size_t n = (size_t)capacity;
    h->capacity = capacity;
    h->T = T;
    h->L = L > 1 ? L : 1;
    h->G = G;
    h->K = K > 1 ? K : 1;
    if (h->K > 1 && !(h->seeds = calloc(n * (size_t)h->K * SEED_VALUES, sizeof(double))))
        return -1;
    h->step = calloc(n, sizeof(long));
    h->loss = calloc(n, sizeof(double));
    h->metric = calloc(n, sizeof(double));
    h->grad_norm = calloc(n, sizeof(double));
    h->grad_norm_clipped = calloc(n, sizeof(double));
    h->clipped = calloc(n, 1);
    h->sigma_max = calloc(n * (size_t)(G > 0 ? G : 1), sizeof(double));
    h->dh_norm = calloc(n * (size_t)h->L * (size_t)(T > 0 ? T : 1), sizeof(double));
    return h->step && h->loss && h->metric && h->grad_norm && h->grad_norm_clipped && h->clipped && h->sigma_max &&
                   h->dh_norm
               ? 0
               : -1;
}

int history_keep_counts(History *h)
{
    if (!h->n_t)
        h->n_t = calloc((size_t)h->capacity * (size_t)(h->T > 0 ? h->T : 1), sizeof *h->n_t);
    return h->n_t ? 0 : -1;
}

void history_destroy(History *h)
{
    free(h->n_t);
    free(h->seeds);
    free(h->dh_norm);
    free(h->sigma_max);
    free(h->clipped);
    free(h->grad_norm_clipped);
    free(h->grad_norm);
    free(h->metric);
    free(h->loss);
    free(h->step);
    memset(h, 0, sizeof *h);
}

const double *history_dh_norm(const History *h, int k, int l)
{
    if (l < 0 || l >= h->L)
        l = h->L - 1;
    return h->dh_norm + ((size_t)k * h->L + (size_t)l) * h->T;
}

int history_index(const History *h, int i)
{
    int oldest = h->count < h->capacity ? 0 : h->next;
    return (oldest + i) % h->capacity;
}

static void history_push(History *h, const Observables *o)
{
    int k = h->next;
    h->step[k] = o->step;
    h->loss[k] = o->loss;
    h->metric[k] = o->metric;
    h->grad_norm[k] = o->grad_norm;
    h->grad_norm_clipped[k] = o->grad_norm_clipped;
    h->clipped[k] = (unsigned char)o->clipped;
    memcpy(h->sigma_max + (size_t)k * h->G, o->sigma_max, (size_t)h->G * sizeof(double));
    memcpy(h->dh_norm + (size_t)k * h->L * h->T, o->layers_dh_norm, (size_t)h->L * h->T * sizeof(double));
    for (int t = 0; h->n_t && t < h->T; t++)
        h->n_t[(size_t)k * h->T + t] = (unsigned short)o->n_t[t];
    h->next = (k + 1) % h->capacity;
    if (h->count < h->capacity)
        h->count++;
    h->total++;
}

void history_put(History *dst, const History *src, int k)
{
    int d = dst->next;
    dst->step[d] = src->step[k];
    dst->loss[d] = src->loss[k];
    dst->metric[d] = src->metric[k];
    dst->grad_norm[d] = src->grad_norm[k];
    dst->grad_norm_clipped[d] = src->grad_norm_clipped[k];
    dst->clipped[d] = src->clipped[k];
    memcpy(dst->sigma_max + (size_t)d * dst->G, src->sigma_max + (size_t)k * src->G, (size_t)src->G * sizeof(double));
    size_t row = (size_t)src->L * src->T;
    memcpy(dst->dh_norm + (size_t)d * row, src->dh_norm + (size_t)k * row, row * sizeof(double));
    if (dst->n_t && src->n_t)
        memcpy(dst->n_t + (size_t)d * dst->T, src->n_t + (size_t)k * src->T, (size_t)src->T * sizeof *src->n_t);
    if (dst->seeds && src->seeds && dst->K == src->K) {
        size_t row = (size_t)src->K * SEED_VALUES;
        memcpy(dst->seeds + (size_t)d * row, src->seeds + (size_t)k * row, row * sizeof(double));
    }
    dst->next = (d + 1) % dst->capacity;
    if (dst->count < dst->capacity)
        dst->count++;
}

void history_copy_until(History *dst, const History *src, long step)
{
    dst->count = dst->next = 0;
    for (int i = 0; i < src->count; i++) {
        int k = history_index(src, i);
        if (src->step[k] > step)
            break;
        history_put(dst, src, k);
    }
    dst->total = dst->count;
}

void history_truncate(History *h, long step)
{
    while (h->count > 0) {
        int newest = history_index(h, h->count - 1);
        if (h->step[newest] <= step)
            break;
        h->count--;
        h->next = newest;
        h->total--;
    }
}

/* Gate blocks per layer: the encoder's G, then the decoder's. */
static int blocks_per_layer(const ModelDims *d) { return d->G * (d->shape == SHAPE_SEQ2SEQ ? 2 : 1); }

/* Gate block b of the weight_hh of every layer: layer 0's blocks_per_layer first. */
static const double *weight_hh_block(const Trainer *tr, int b)
{
    const ModelDims *d = &tr->dims;
    size_t HH = (size_t)d->H * d->H;
    int l = b / blocks_per_layer(d), g = b % blocks_per_layer(d);
    if (g < d->G)
        return tr->param.rnn[l].weight_hh + (size_t)g * HH;
    return tr->param.dec[l].weight_hh + (size_t)(g - d->G) * HH;
}

static int spectrum_create(Spectrum *s, const ModelDims *d)
{
    s->n_blocks = d->L * blocks_per_layer(d);
    size_t GH = (size_t)s->n_blocks * d->H;
    s->step = -1;
    s->valid = 0;
    s->sv = calloc(GH, sizeof(double));
    s->eig_re = calloc(GH, sizeof(double));
    s->eig_im = calloc(GH, sizeof(double));
    return s->sv && s->eig_re && s->eig_im ? 0 : -1;
}

static void spectrum_destroy(Spectrum *s)
{
    free(s->eig_im);
    free(s->eig_re);
    free(s->sv);
    memset(s, 0, sizeof *s);
}

const Spectrum *trainer_spectrum(Trainer *tr)
{
    Spectrum *s = &tr->spectrum;
    if (s->step == tr->step)
        return s;
    const ModelDims *d = &tr->dims;
    size_t H = (size_t)d->H;
    s->step = tr->step;
    s->valid = 1;
    for (int g = 0; g < s->n_blocks && s->valid; g++) {
        const double *blk = weight_hh_block(tr, g);
        s->valid = isfinite(optim_norm(blk, H * H));
        if (!s->valid)
            break;
        s->valid = linalg_singular_values(s->sv + g * H, blk, d->H) == 0 &&
                   linalg_eigenvalues(s->eig_re + g * H, s->eig_im + g * H, blk, d->H) == 0;
    }
    return s;
}

/* The power iteration stops when sigma_max moves by less than SIGMA_TOL relative; with its
 * warm start that is a few products per step. Within 1e-6 of the exact value (test_trainer
 * checks along training runs); the spectrum view computes the exact one per frame. */
#define SIGMA_TOL 1e-9
#define SIGMA_MAX_ITER 500

/* sigma_max of each gate block of the current weights, warm-started from the last call. */
static void record_sigma_max(Trainer *tr)
{
    const ModelDims *d = &tr->dims;
    size_t H = (size_t)d->H;
    int n = blocks_per_layer(d);
    for (int b = 0; b < d->L * n; b++)
        tr->obs.layers_sigma_max[b / n][b % n] = linalg_sigma_max(weight_hh_block(tr, b), d->H, tr->sigma_vec + b * H,
                                                                 tr->sigma_work, SIGMA_MAX_ITER, SIGMA_TOL);
    memcpy(tr->obs.sigma_max, tr->obs.layers_sigma_max[d->L - 1], sizeof tr->obs.sigma_max);
}

int trainer_create(Trainer *tr, const Config *cfg_in, char *err, size_t errlen)
{
    memset(tr, 0, sizeof *tr);
    tr->step_below_tenth = -1;
    tr->cfg = *cfg_in;
    if (config_resolve(&tr->cfg, err, errlen) != 0)
        return -1;
    const Config *cfg = &tr->cfg;
    if (task_create(&tr->task, cfg, err, errlen) != 0)
        return -1;
    const TaskInfo *ti = &tr->task.info;
    tr->dims = model_dims(cfg, ti);
    tr->T = ti->T + ti->Td;
    int T_out = ti->Td ? ti->Td : ti->T;
    model_param_specs(tr->specs, &tr->dims);
    tr->n_params = model_param_count(&tr->dims);
    int blocks = blocks_per_layer(&tr->dims); /* sigma_max values per layer */
    tr->block = linalg_calloc(4 * tr->n_params, sizeof(double));
    if (!tr->block || task_batch_create(&tr->batch, &tr->task) != 0 ||
        model_cache_create(&tr->cache, &tr->dims, ti->T, ti->Td, cfg->batch) != 0 ||
        observables_create(&tr->obs, &tr->dims, tr->T, T_out) != 0 ||
        spectrum_create(&tr->spectrum, &tr->dims) != 0 ||
        !(tr->sigma_vec = calloc((size_t)(tr->dims.L * blocks + 1) * tr->dims.H, sizeof(double))) ||
        !(tr->sigma_work = malloc(((size_t)tr->dims.H + 1) * tr->dims.H * sizeof(double))) ||
        !(tr->path_products = malloc((size_t)cfg->batch * tr->dims.H * sizeof(double))) ||
        history_create(&tr->hist, cfg->history, tr->T, tr->dims.L, blocks, cfg->seeds) != 0 ||
        (cfg->min_len > 0 && history_keep_counts(&tr->hist) != 0)) {
        Config failed = *cfg;
        trainer_destroy(tr);
        budget_explain(&failed, err, errlen); /* names what dominates: history, not always hidden */
        return -1;
    }
    model_params_point(&tr->param, tr->block, &tr->dims);
    model_params_point(&tr->grad, tr->block + tr->n_params, &tr->dims);
    model_params_point(&tr->m, tr->block + 2 * tr->n_params, &tr->dims);
    model_params_point(&tr->v, tr->block + 3 * tr->n_params, &tr->dims);

    Rng rng_init;
    rng_seed(&rng_init, cfg->seed, STREAM_INIT);
    rng_seed(&tr->rng_data, cfg->seed, STREAM_DATA);
    if (model_init(&tr->param, &tr->dims, cfg, &rng_init) != 0) {
        snprintf(err, errlen, "initialisation failed in LAPACK (init=%s)",
                 cfg->init == INIT_ORTHOGONAL ? "orthogonal" : "rho");
        trainer_destroy(tr);
        return -1;
    }
    record_sigma_max(tr);
    if (cfg->seeds > 1 && seeds_create(tr, err, errlen) != 0) {
        trainer_destroy(tr);
        return -1;
    }
    return 0;
}

void trainer_destroy(Trainer *tr)
{
    seeds_destroy(tr);
    history_destroy(&tr->hist);
    free(tr->sigma_work);
    free(tr->path_products);
    free(tr->sigma_vec);
    spectrum_destroy(&tr->spectrum);
    observables_destroy(&tr->obs);
    model_cache_destroy(&tr->cache);
    task_batch_destroy(&tr->batch);
    task_destroy(&tr->task);
    linalg_free(tr->block);
    memset(tr, 0, sizeof *tr);
}

static int all_finite(const double *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(a[i]))
            return 0;
    return 1;
}

static const char *nonfinite_word(double v) { return isnan(v) ? "NaN" : "Inf"; }

/* The per-step (B, H) arrays of the layer caches that layer_step reads. */
typedef enum { STEP_H, STEP_C, STEP_DH, STEP_DC } StepArray;

/* A per-step (T_total, B, H) view of layer `layer`: the encoder's (or only) stack, then
 * the decoder's. */
static const double *layer_step(const Trainer *tr, int layer, int t, StepArray which)
{
    const Cache *c = &tr->cache;
    const LayerCache *l = t < c->T ? &c->rnn[layer] : &c->dec[layer];
    int tl = t < c->T ? t : t - c->T;
    size_t BH = (size_t)c->B * tr->dims.H;
    switch (which) {
    case STEP_H: return l->hs + (size_t)(tl + 1) * BH;
    case STEP_C: return l->cs + (size_t)(tl + 1) * BH;
    case STEP_DH: return l->dh + (size_t)tl * BH;
    case STEP_DC: return l->dc + (size_t)tl * BH;
    }
    assert(0);
    return NULL;
}

/* ||dL/dh_t|| or ||dL/dc_t|| of a layer: from the sum of squares its full sweep took as it
 * wrote the step (the same one-pass sum), else from the array. */
static double step_norm(const Trainer *tr, int layer, int t, StepArray which)
{
    const Cache *c = &tr->cache;
    const LayerCache *l = t < c->T ? &c->rnn[layer] : &c->dec[layer];
    int tl = t < c->T ? t : t - c->T;
    size_t BH = (size_t)c->B * tr->dims.H;
    const double *g = layer_step(tr, layer, t, which);
    if (l->sums_valid)
        return optim_norm_of_sumsq(which == STEP_DC ? l->dc_sumsq[tl] : l->dh_sumsq[tl], g, BH);
    return optim_norm(g, BH);
}

static void copy_layer(const Trainer *tr, int l, double *out, StepArray which)
{
    size_t BH = (size_t)tr->cache.B * tr->dims.H;
    for (int t = 0; t < tr->T; t++)
        memcpy(out + (size_t)t * BH, layer_step(tr, l, t, which), BH * sizeof(double));
}

void trainer_copy_states(const Trainer *tr, double *out, int cell)
{
    size_t n = (size_t)tr->T * tr->cache.B * tr->dims.H;
    for (int l = 0; l < tr->dims.L; l++)
        copy_layer(tr, l, out + (size_t)l * n, cell ? STEP_C : STEP_H);
}

void trainer_copy_layer_dh(const Trainer *tr, int l, double *out, int cell)
{
    copy_layer(tr, l, out, cell ? STEP_DC : STEP_DH);
}

void trainer_copy_dh(const Trainer *tr, double *out, int cell)
{
    size_t n = (size_t)tr->T * tr->cache.B * tr->dims.H;
    for (int l = 0; l < tr->dims.L; l++)
        trainer_copy_layer_dh(tr, l, out + (size_t)l * n, cell);
}

static size_t out_count(const Trainer *tr)
{
    const Cache *c = &tr->cache;
    size_t rows = tr->dims.shape == SHAPE_SEQ2SEQ ? (size_t)c->Td * c->B
                  : model_head_every(&tr->dims)   ? (size_t)c->T * c->B
                                                  : (size_t)c->B;
    return rows * tr->dims.O;
}

/* The vanilla RNN's bound on ||dL/dh_t|| over one layer's n steps. Its backward step is
 * dL/dh_{t-1} = (dL/dh_t * act'(a_t)) W_hh + direct_{t-1}, row by row; |act'| <= gamma and
 * ||v W_hh|| <= sigma_max ||v|| hold for every sample and so for the Frobenius norm over the
 * batch: ||dh_{t-1}|| <= r ||dh_t|| + d_{t-1}, r = gamma sigma_max (Pascanu, Mikolov &
 * Bengio 2013, eq. 7). d (n) are the head's direct norms, start the bound arriving at the
 * last step from outside (seq2seq's decoder into the encoder), window the steps one loss
 * term reaches (truncate; <= 0 or >= n: all, and the recursion is the whole sum). chunk > 0
 * (truncate_mode=chunk) instead restarts the recursion at each chunk boundary: nothing
 * crosses from step t into t-1 where t is a multiple of chunk. */
static void bound_layer(double *bound, const double *d, int n, double r, double start, int window,
                        int chunk)
{
    if (chunk > 0 || window <= 0 || window >= n) {
        double b = start + d[n - 1];
        bound[n - 1] = b;
        for (int t = n - 2; t >= 0; t--)
            bound[t] = b = (chunk > 0 && (t + 1) % chunk == 0 ? 0.0 : r * b) + d[t];
        return;
    }
    /* truncated: term s reaches s-window+1 .. s only, as in model.c's layer_backward */
    assert(start == 0.0);
    memset(bound, 0, (size_t)n * sizeof(double));
    for (int s = n - 1; s >= 0; s--) {
        int stop = s - window + 1 > 0 ? s - window + 1 : 0;
        double p = d[s];
        for (int t = s; t >= stop && p != 0.0; t--) {
            bound[t] += p;
            p *= r;
        }
    }
}

/* The cell path's factor (lstm prod f, gru prod z from t+1 to T-1, averaged over the batch
 * and the units) times the last step's norm along that path; over the encoder's steps then
 * the decoder's, which the path crosses unchanged. Truncation cuts it K steps back. */
static void record_cell_path(Trainer *tr, int layer)
{
    const ModelDims *d = &tr->dims;
    const Cache *c = &tr->cache;
    int T = tr->T, B = c->B, H = d->H, K = tr->cfg.truncate;
    Observables lo = observables_layer(&tr->obs, d, T, layer), *o = &lo;
    size_t GH = (size_t)d->G * H, gate_at = (size_t)d->cell->path_gate * H;
    int first = K > 0 && tr->cfg.truncate_mode == TRUNCATE_CHUNK ? (T - 1) / K * K /* the last chunk */
                : K > 0 && K < T                               ? T - K
                                                               : 0;
    memset(o->reference, 0, (size_t)T * sizeof(double));
    /* Steps outer, from the last: each (sample, unit) keeps its running product in p, and
     * reference[t] adds them in sample then unit order. The gates are read step by step,
     * in memory order (a sample's unit across all steps touched a new cache line a step). */
    double *p = tr->path_products;
    for (size_t i = 0; i < (size_t)B * H; i++)
        p[i] = 1.0;
    for (int t = T - 1; t >= first; t--) {
        const LayerCache *l = t < c->T ? &c->rnn[layer] : &c->dec[layer];
        int tl = t < c->T ? t : t - c->T;
        double r = o->reference[t];
        for (int b = 0; b < B; b++) {
            const double *g = l->gate + ((size_t)tl * B + b) * GH + gate_at;
            double *pb = p + (size_t)b * H;
            for (int j = 0; j < H; j++) {
                r += pb[j];
                pb[j] *= g[j];
            }
        }
        o->reference[t] = r;
    }
    double last = d->cell->has_cell_state ? o->dc_norm[T - 1] : o->dh_norm[T - 1];
    for (int t = first; t < T; t++)
        o->reference[t] = last * (o->reference[t] / ((double)B * H));
}

/* Whether the head sends anything into the top layer at step t: at every step, or (a head
 * on the last step) at some sequence's last step; elsewhere that row of dtop is zero. */
static int sent_at(const Cache *c, const ModelDims *d, int t)
{
    if (model_head_every(d))
        return 1;
    for (int b = 0; b < c->B; b++)
        if ((c->len ? c->len[b] : c->T) - 1 == t)
            return 1;
    return 0;
}

/* Layer l's dh_direct_norm from the gradients arriving from above (model.c's dtop: the
 * head's, or the layer above's), and the view's line. */
static void record_reference(Trainer *tr, int l)
{
    const ModelDims *d = &tr->dims;
    const Cache *c = &tr->cache;
    int T = tr->T, Te = c->T, top = l == d->L - 1;
    Observables lo = observables_layer(&tr->obs, d, T, l), *o = &lo;
    size_t BH = (size_t)c->B * d->H;
    int s2s = d->shape == SHAPE_SEQ2SEQ;
    /* the top encoder layer has no head: what reaches its last step from the decoder is
     * the bound's start below, not a direct term */
    for (int t = 0; t < T; t++)
        o->dh_direct_norm[t] = s2s && t < Te && top ? 0.0
                               : s2s && t >= Te     ? optim_norm(c->dec[l].dtop + (size_t)(t - Te) * BH, BH)
                               : top && !sent_at(c, d, t) ? 0.0 /* the head sent nothing there */
                                                          : optim_norm(c->rnn[l].dtop + (size_t)t * BH, BH);
    if (d->cell->path_gate >= 0) {
        tr->obs.reference_kind = REFERENCE_CELL_PATH;
        record_cell_path(tr, l);
        return;
    }
    if (!d->cell->has_activation) { /* a cell the table gives neither */
        tr->obs.reference_kind = REFERENCE_NONE;
        memset(o->reference, 0, (size_t)T * sizeof(double));
        return;
    }
    tr->obs.reference_kind = REFERENCE_BOUND;
    double gamma = cell_activation_max_slope(d->act);
    double r_enc = gamma * o->sigma_max[0];
    if (!s2s) {
        int chunk = tr->cfg.truncate_mode == TRUNCATE_CHUNK ? tr->cfg.truncate : 0;
        bound_layer(o->reference, o->dh_direct_norm, T, r_enc, 0.0, tr->cfg.truncate, chunk);
        return;
    }
    /* seq2seq (full BPTT only): the decoder's own bound, then the encoder's last step gets
     * what the decoder's first step passes back through its W_hh, and no head of its own. */
    double r_dec = gamma * o->sigma_max[d->G];
    bound_layer(o->reference + Te, o->dh_direct_norm + Te, T - Te, r_dec, 0.0, 0, 0);
    bound_layer(o->reference, o->dh_direct_norm, Te, r_enc, top ? r_dec * o->reference[Te] : 0.0, 0, 0);
}

/* Variable lengths: how many sequences have each step, and every layer's dL/dh_t norm with
 * the sequences aligned on their own ends (each stack part, encoder and decoder, on its
 * own). With equal lengths these are B and dh_norm. */
static void record_lengths(Trainer *tr)
{
    const Batch *bt = &tr->batch;
    const Cache *c = &tr->cache;
    Observables *o = &tr->obs;
    int T = tr->T, Te = c->T, B = c->B, H = tr->dims.H;
    o->len0 = bt->len[0], o->len0_d = bt->len_d[0];
    if (!bt->varlen) {
        for (int t = 0; t < T; t++)
            o->n_t[t] = o->n_end[t] = B;
        memcpy(o->layers_dh_norm_end, o->layers_dh_norm, (size_t)tr->dims.L * T * sizeof(double));
        return;
    }
    for (int t = 0; t < T; t++) {
        int dec = t >= Te, part = dec ? T - Te : Te, x = dec ? t - Te : t, have = 0, reach = 0;
        for (int b = 0; b < B; b++) {
            int n = dec ? bt->len_d[b] : bt->len[b];
            have += x < n;
            reach += x >= part - n;
        }
        o->n_t[t] = have, o->n_end[t] = reach;
        for (int l = 0; l < tr->dims.L; l++) {
            double ss = 0;
            for (int b = 0; b < B; b++) {
                int n = dec ? bt->len_d[b] : bt->len[b], s = x - (part - n); /* this sequence's step */
                if (s < 0)
                    continue;
                const double *g = layer_step(tr, l, (dec ? Te : 0) + s, STEP_DH) + (size_t)b * H;
                for (int j = 0; j < H; j++)
                    ss += g[j] * g[j];
            }
            o->layers_dh_norm_end[(size_t)l * T + t] = sqrt(ss);
        }
    }
}

/* Fills tr->event when the forward or backward pass left Inf/NaN; returns 1 then. */
static int check_finite(Trainer *tr, double loss)
{
    const ModelDims *d = &tr->dims;
    const Cache *c = &tr->cache;
    int T = tr->T;
    size_t BH = (size_t)c->B * d->H;
    TrainEvent *e = &tr->event;
    long step = tr->step + 1;

    char in_layer[32] = ""; /* where a stack's overflow started */
    if (!isfinite(loss)) {
        for (int t = 0; t < T; t++)
            for (int l = 0; l < d->L; l++) {
                if (all_finite(layer_step(tr, l, t, STEP_H), BH))
                    continue;
                if (d->L > 1)
                    snprintf(in_layer, sizeof in_layer, " in layer %d", l);
                *e = (TrainEvent){EVENT_NONFINITE, step, "hidden state", t, ""};
                snprintf(e->message, sizeof e->message,
                         "step %ld: the loss is %s: the hidden state h_t overflowed first at "
                         "t=%d%s (forward pass)",
                         step, nonfinite_word(loss), t, in_layer);
                return 1;
            }
        int out_ok = all_finite(c->out, out_count(tr));
        *e = (TrainEvent){EVENT_NONFINITE, step, "", -1, ""};
        snprintf(e->what, sizeof e->what, "%s", out_ok ? "loss" : "output");
        snprintf(e->message, sizeof e->message,
                 "step %ld: the loss is %s although every hidden state is finite (%s)", step,
                 nonfinite_word(loss),
                 out_ok ? "the outputs are finite; the loss itself overflowed"
                        : "the head's output overflowed");
        return 1;
    }
    if (all_finite(tr->block + tr->n_params, tr->n_params))
        return 0;
    int where = -1;
    for (int t = T - 1; t >= 0 && where < 0; t--)
        for (int l = d->L - 1; l >= 0 && where < 0; l--)
            if (!all_finite(layer_step(tr, l, t, STEP_DH), BH) ||
                (d->cell->has_cell_state && !all_finite(layer_step(tr, l, t, STEP_DC), BH))) {
                where = t;
                if (d->L > 1)
                    snprintf(in_layer, sizeof in_layer, " in layer %d", l);
            }
    const char *name = "?";
    for (int i = 0; i < d->n_tensors; i++)
        if (!all_finite(model_tensor(&tr->grad, d, i), tr->specs[i].size)) {
            name = tr->specs[i].name;
            break;
        }
    *e = (TrainEvent){EVENT_NONFINITE, step, "", where, ""};
    snprintf(e->what, sizeof e->what, "gradient of %s", name);
    if (where >= 0)
        snprintf(e->message, sizeof e->message,
                 "step %ld: the gradient overflowed: dL/dh_t first became non-finite at t=%d%s "
                 "travelling back from t=%d; first bad parameter gradient: %s",
                 step, where, in_layer, T - 1, name);
    else
        snprintf(e->message, sizeof e->message,
                 "step %ld: the gradient of %s is non-finite (every dL/dh_t is finite)", step,
                 name);
    return 1;
}

/* Forward, loss, backward and recording on the batch already drawn. */
static int evaluate(Trainer *tr)
{
    const ModelDims *d = &tr->dims;
    Cache *c = &tr->cache;
    Observables *o = &tr->obs;
    int T = tr->T, B = c->B;
    size_t H = (size_t)d->H, GH = (size_t)d->G * H, I = (size_t)d->I;
    double *grad = tr->block + tr->n_params;

    memset(grad, 0, tr->n_params * sizeof(double));
    model_forward(c, &tr->batch, &tr->param, d, NULL);
    double loss = model_loss(c, &tr->batch, d);
    model_backward(&tr->grad, c, &tr->batch, &tr->param, d, tr->cfg.truncate, tr->cfg.truncate_mode);
    if (trainer_cancelled(tr))
        return TRAIN_CANCELLED;

    o->step = tr->step + 1;
    record_sigma_max(tr);
    o->loss = loss;
    /* One pass over the gradient for the global norm and each tensor's: the tensors tile it. */
    double total = 0.0, part[MODEL_MAX_TENSORS];
    for (int i = 0; i < d->n_tensors; i++) {
        part[i] = linalg_sumsq(model_tensor(&tr->grad, d, i), tr->specs[i].size);
        total += part[i];
    }
    o->grad_norm = optim_norm_of_sumsq(total, grad, tr->n_params);
    o->grad_norm_clipped = o->grad_norm;
    o->clipped = 0;
    for (int i = 0; i < d->n_tensors; i++)
        o->param_grad_norm[i] = optim_norm_of_sumsq(part[i], model_tensor(&tr->grad, d, i), tr->specs[i].size);
    for (int l = 0; l < d->L; l++) {
        Observables lo = observables_layer(o, d, T, l);
        for (int t = 0; t < T; t++) {
            lo.dh_norm[t] = step_norm(tr, l, t, STEP_DH);
            lo.dc_norm[t] = d->cell->has_cell_state ? step_norm(tr, l, t, STEP_DC) : 0.0;
            memcpy(lo.h + t * H, layer_step(tr, l, t, STEP_H), H * sizeof(double));
            memcpy(lo.c + t * H, layer_step(tr, l, t, STEP_C), H * sizeof(double));
            const LayerCache *lc = t < c->T ? &c->rnn[l] : &c->dec[l];
            int tl = t < c->T ? t : t - c->T;
            memcpy(lo.gate + t * GH, lc->gate + (size_t)tl * B * GH, GH * sizeof(double));
        }
        record_reference(tr, l);
    }
    record_lengths(tr);
    for (int t = 0; t < c->T; t++)
        memcpy(o->x + t * I, tr->batch.x + (size_t)t * B * I, I * sizeof(double));

    /* seq2seq is scored, and shown, with the decoder fed its own predictions. */
    const double *out = c->out;
    if (d->shape == SHAPE_SEQ2SEQ && isfinite(loss)) {
        model_free_run(c, &tr->param, d);
        if (trainer_cancelled(tr))
            return TRAIN_CANCELLED;
        out = c->free_run_out;
    }
    o->metric = task_metric(&tr->task, &tr->batch, out);
    size_t O = (size_t)d->O;
    for (int r = 0; r < o->n_out; r++)
        memcpy(o->out + r * O, out + (size_t)r * B * O, O * sizeof(double));

    tr->event.kind = EVENT_NONE;
    return check_finite(tr, loss);
}

int trainer_cancelled(const Trainer *tr)
{
    return tr->cancel && atomic_load_explicit(tr->cancel, memory_order_relaxed);
}

void trainer_set_cancel(Trainer *tr, const atomic_int *flag)
{
    tr->cancel = flag;
    model_cache_set_cancel(&tr->cache, flag);
    for (int i = 0; i < tr->n_copies; i++)
        trainer_set_cancel(&tr->copies[i], flag);
}

int trainer_evaluate_next(Trainer *tr)
{
    Rng keep = tr->rng_data;
    task_sample(&tr->task, &tr->batch, &tr->rng_data);
    int r = evaluate(tr);
    if (r == TRAIN_CANCELLED) /* as if the step had never begun */
        tr->rng_data = keep;
    return r;
}

int trainer_preview(Trainer *tr)
{
    Rng keep = tr->rng_data;
    int bad = trainer_evaluate_next(tr);
    tr->rng_data = keep;
    return bad;
}

double grad_ratio_of(const double *dh_norm, int T)
{
    return T > 0 ? dh_norm[0] / dh_norm[T - 1] : NAN;
}

int trainer_step(Trainer *tr)
{
    return tr->n_copies ? seeds_step(tr) : trainer_step_alone(tr);
}

int trainer_step_alone(Trainer *tr)
{
    int bad = trainer_evaluate_next(tr);
    Observables *o = &tr->obs;
    if (bad == TRAIN_CANCELLED)
        return bad;
    if (bad) {
        history_push(&tr->hist, o);
        return 1;
    }
    size_t n = tr->n_params;
    double *param = tr->block, *grad = param + n, *m = grad + n, *v = m + n;
    o->clipped = optim_clip(grad, n, o->grad_norm, &tr->cfg);
    if (o->clipped)
        o->grad_norm_clipped = optim_norm(grad, n);
    tr->step++;
    tr->opt_step++;
    optim_update(param, grad, m, v, n, tr->opt_step, &tr->cfg);
    history_push(&tr->hist, o);
    if (tr->step_below_tenth < 0 && o->loss < task_baseline(&tr->task) / 10)
        tr->step_below_tenth = o->step;
    return 0;
}

void trainer_set_training(Trainer *tr, const Config *cfg)
{
    if (cfg->optimizer != tr->cfg.optimizer) {
        memset(tr->block + 2 * tr->n_params, 0, 2 * tr->n_params * sizeof(double));
        tr->opt_step = 0;
    }
    tr->cfg.optimizer = cfg->optimizer;
    tr->cfg.lr = cfg->lr;
    tr->cfg.momentum = cfg->momentum;
    tr->cfg.clip = cfg->clip;
    tr->cfg.clip_mode = cfg->clip_mode;
    tr->cfg.truncate = tr->dims.shape == SHAPE_SEQ2SEQ ? 0 : cfg->truncate;
    tr->cfg.truncate_mode = tr->dims.shape == SHAPE_SEQ2SEQ ? TRUNCATE_WINDOW : cfg->truncate_mode;
    for (int i = 0; i < tr->n_copies; i++)
        trainer_set_training(&tr->copies[i], cfg);
}

/* ---- the state a snapshot keeps ---- */

typedef struct {
    Rng rng;
    long step, opt_step, step_below_tenth;
} StateHead;

/* One run's part: its head, parameters and moments (not the gradients: each step makes
 * its own), power-iteration vectors. */
static size_t state_bytes_one(const Trainer *tr)
{
    size_t sigma = (size_t)(tr->spectrum.n_blocks + 1) * tr->dims.H;
    return sizeof(StateHead) + (3 * tr->n_params + sigma) * sizeof(double);
}

size_t trainer_state_bytes(const Trainer *tr)
{
    size_t n = state_bytes_one(tr);
    for (int i = 0; i < tr->n_copies; i++)
        n += state_bytes_one(&tr->copies[i]);
    return n;
}

static unsigned char *state_save_one(const Trainer *tr, unsigned char *p)
{
    StateHead h = {tr->rng_data, tr->step, tr->opt_step, tr->step_below_tenth};
    size_t n = tr->n_params * sizeof(double), ns = (size_t)(tr->spectrum.n_blocks + 1) * tr->dims.H * sizeof(double);
    memcpy(p, &h, sizeof h);
    memcpy(p + sizeof h, tr->block, n);                              /* parameters */
    memcpy(p + sizeof h + n, tr->block + 2 * tr->n_params, 2 * n);   /* moments */
    memcpy(p + sizeof h + 3 * n, tr->sigma_vec, ns);
    return p + sizeof h + 3 * n + ns;
}

static const unsigned char *state_restore_one(Trainer *tr, const unsigned char *p)
{
    StateHead h;
    size_t n = tr->n_params * sizeof(double), ns = (size_t)(tr->spectrum.n_blocks + 1) * tr->dims.H * sizeof(double);
    memcpy(&h, p, sizeof h);
    memcpy(tr->block, p + sizeof h, n);
    memcpy(tr->block + 2 * tr->n_params, p + sizeof h + n, 2 * n);
    memcpy(tr->sigma_vec, p + sizeof h + 3 * n, ns);
    tr->rng_data = h.rng;
    tr->step = h.step;
    tr->opt_step = h.opt_step;
    tr->step_below_tenth = h.step_below_tenth;
    tr->spectrum.step = -1;
    return p + sizeof h + 3 * n + ns;
}

void trainer_state_save(const Trainer *tr, unsigned char *buf)
{
    buf = state_save_one(tr, buf);
    for (int i = 0; i < tr->n_copies; i++)
        buf = state_save_one(&tr->copies[i], buf);
}

void trainer_state_restore(Trainer *tr, const unsigned char *buf)
{
    buf = state_restore_one(tr, buf);
    for (int i = 0; i < tr->n_copies; i++)
        buf = state_restore_one(&tr->copies[i], buf);
}

/* ---- saving and loading ---- */

static int join(char *out, size_t len, const char *dir, const char *a, const char *b)
{
    return snprintf(out, len, "%s/%s%s", dir, a, b ? b : "") < (int)len ? 0 : -1;
}

/* The folder of a seeds=K run's copy under dir: seed_N, N its seed. */
static int copy_dir(char *out, size_t len, const char *dir, const Trainer *copy)
{
    return snprintf(out, len, "%s/seed_%llu", dir, (unsigned long long)copy->cfg.seed) < (int)len ? 0 : -1;
}

int trainer_save_files(const Trainer *tr, const char *dir, const char *stopped, char *err, size_t errlen)
{
    char path[4096], text[4096];
    config_format(&tr->cfg, text, sizeof text);
    if (join(path, sizeof path, dir, "config.txt", NULL) || file_write_text(path, text, err, errlen))
        return -1;
    const Params *sets[3] = {&tr->param, &tr->m, &tr->v};
    const char *prefix[3] = {"", "optimizer.m.", "optimizer.v."};
    for (int s = 0; s < 3; s++)
        for (int i = 0; i < tr->dims.n_tensors; i++) {
            const ParamSpec *sp = &tr->specs[i];
            if (join(path, sizeof path, dir, prefix[s], sp->name) ||
                strlen(path) + 4 >= sizeof path) {
                snprintf(err, errlen, "%s: path too long", dir);
                return -1;
            }
            strcat(path, ".npy");
            if (npy_write(path, NPY_F8, sp->ndim, sp->shape, model_tensor(sets[s], &tr->dims, i), err,
                          errlen) != 0)
                return -1;
        }
    int n = snprintf(text, sizeof text,
                     "# rnnlab run state: updates applied and the data generator's state\n"
                     "step=%ld\nopt_step=%ld\nrng_data=%016" PRIx64 " %016" PRIx64 " %016" PRIx64 " %016" PRIx64 "\n",
                     tr->step, tr->opt_step, tr->rng_data.s[0], tr->rng_data.s[1], tr->rng_data.s[2],
                     tr->rng_data.s[3]);
    if (stopped && n > 0 && (size_t)n < sizeof text) /* an interrupted run says so */
        snprintf(text + n, sizeof text - (size_t)n, "stopped=%s at step %ld\n", stopped, tr->step);
    if (join(path, sizeof path, dir, "state.txt", NULL) || file_write_text(path, text, err, errlen))
        return -1;
    /* seeds=K: each further seed's run in a folder of its own, seed_N */
    for (int i = 0; i < tr->n_copies; i++) {
        if (copy_dir(path, sizeof path, dir, &tr->copies[i]) != 0) {
            snprintf(err, errlen, "%s: path too long", dir);
            return -1;
        }
        if (mkdir(path, 0755) != 0) {
            snprintf(err, errlen, "%s: cannot create directory: %s", path, strerror(errno));
            return -1;
        }
        if (trainer_save_files(&tr->copies[i], path, stopped, err, errlen) != 0)
            return -1;
    }
    return 0;
}

/* err with every mention of the temporary directory tmp named as dir, its future name. */
static void name_as(char *err, size_t errlen, const char *tmp, const char *dir)
{
    char *at = strstr(err, tmp);
    if (!at)
        return;
    char rest[1024];
    snprintf(rest, sizeof rest, "%s", at + strlen(tmp));
    *at = '\0';
    size_t used = strlen(err);
    snprintf(err + used, errlen - used, "%s%s", dir, rest);
}

int trainer_save_dir_finish(DirWriter *d, int status, char *err, size_t errlen)
{
    if (status != 0) {
        name_as(err, errlen, d->tmp, d->dir);
        dir_writer_abort(d);
        return -1;
    }
    return dir_writer_close(d, err, errlen);
}

int trainer_save_stopped(const Trainer *tr, const char *dir, const char *stopped, char *err, size_t errlen)
{
    DirWriter d;
    if (dir_writer_open(&d, dir, err, errlen) != 0)
        return -1;
    return trainer_save_dir_finish(&d, trainer_save_files(tr, d.tmp, stopped, err, errlen), err, errlen);
}

int trainer_save(const Trainer *tr, const char *dir, char *err, size_t errlen)
{
    return trainer_save_stopped(tr, dir, NULL, err, errlen);
}

static int load_tensor(double *dst, const ParamSpec *sp, const char *path, int required,
                       char *err, size_t errlen)
{
    struct stat probe; /* absent (not: unopenable) is what optional files may be */
    if (lstat(path, &probe) != 0 && errno == ENOENT) {
        if (!required)
            return 1;
        snprintf(err, errlen, "%s: missing (a saved run has one .npy per parameter)", path);
        return -1;
    }
    NpyArray a;
    if (npy_read_shaped(path, NPY_F8, sp->ndim, sp->shape, &a, err, errlen) != 0)
        return -1;
    if (!all_finite(a.data, a.count)) {
        snprintf(err, errlen, "%s: holds Inf or NaN; only finite values are accepted", path);
        npy_free(&a);
        return -1;
    }
    memcpy(dst, a.data, sp->size * sizeof(double));
    npy_free(&a);
    return 0;
}

int trainer_load(Trainer *tr, const char *dir, char *err, size_t errlen)
{
    char path[4096];
    /* Read everything into a copy first so a bad file leaves the trainer untouched. */
    double *staged = malloc(3 * tr->n_params * sizeof(double));
    if (!staged) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    memcpy(staged, tr->block, tr->n_params * sizeof(double));
    memset(staged + tr->n_params, 0, 2 * tr->n_params * sizeof(double));
    const char *prefix[3] = {"", "optimizer.m.", "optimizer.v."};
    int have_moments = 1;
    for (int s = 0; s < 3; s++)
        for (int i = 0; i < tr->dims.n_tensors; i++) {
            const ParamSpec *sp = &tr->specs[i];
            if (join(path, sizeof path, dir, prefix[s], sp->name) ||
                strlen(path) + 4 >= sizeof path) {
                snprintf(err, errlen, "%s: path too long", dir);
                free(staged);
                return -1;
            }
            strcat(path, ".npy");
            int r = load_tensor(staged + s * tr->n_params + sp->offset, sp, path, s == 0, err,
                                errlen);
            if (r < 0) {
                free(staged);
                return -1;
            }
            if (r == 1)
                have_moments = 0;
        }
    long step = 0, opt_step = -1;
    Rng rng = tr->rng_data;
    int have_state = 0;
    struct stat probe;
    if (join(path, sizeof path, dir, "state.txt", NULL) == 0 && !(lstat(path, &probe) != 0 && errno == ENOENT)) {
        unsigned char *text;
        size_t n;
        FileStatus fs = file_read_all(path, 1 << 16, &text, &n);
        if (fs != FILE_OK) {
            file_read_error(err, errlen, path, fs, errno, 1 << 16, "state.txt is a few lines");
            free(staged);
            return -1;
        }
        int got_step = 0, got_rng = 0;
        for (char *line = (char *)text, *next; line && *line; line = next) {
            next = strchr(line, '\n');
            if (next)
                *next++ = '\0';
            if (sscanf(line, "step=%ld", &step) == 1 && step >= 0)
                got_step = 1;
            else if (sscanf(line, "opt_step=%ld", &opt_step) == 1 && opt_step >= 0)
                ;
            else if (sscanf(line, "rng_data=%" SCNx64 " %" SCNx64 " %" SCNx64 " %" SCNx64, &rng.s[0], &rng.s[1],
                            &rng.s[2], &rng.s[3]) == 4)
                got_rng = 1;
        }
        free(text);
        if (!got_step || !got_rng) {
            snprintf(err, errlen, "%s: malformed; expected lines step=N and rng_data=4 hex words", path);
            free(staged);
            return -1;
        }
        if ((rng.s[0] | rng.s[1] | rng.s[2] | rng.s[3]) == 0) { /* xoshiro's fixed point: all zeros forever */
            snprintf(err, errlen, "%s: rng_data is all zero, a state the generator never leaves; not a saved state",
                     path);
            free(staged);
            return -1;
        }
        have_state = 1;
    }
    /* Adam's and RMSprop's second moments are squares: a negative one is a damaged file */
    for (size_t i = 0; have_moments && i < tr->n_params; i++)
        if (staged[2 * tr->n_params + i] < 0) {
            snprintf(err, errlen, "%s: optimizer.v.* holds a negative value (a second moment is a mean of squares)",
                     dir);
            free(staged);
            return -1;
        }
    memcpy(tr->block, staged, tr->n_params * sizeof(double));
    if (have_moments && have_state) {
        memcpy(tr->block + 2 * tr->n_params, staged + tr->n_params,
               2 * tr->n_params * sizeof(double));
        tr->step = step;
        tr->opt_step = opt_step >= 0 ? opt_step : step;
        tr->rng_data = rng;
    }
    free(staged);
    tr->spectrum.step = -1; /* the weights changed without an update */
    record_sigma_max(tr);
    /* seeds=K: each further seed's run from its own folder */
    for (int i = 0; i < tr->n_copies; i++) {
        char sub[4096];
        if (copy_dir(sub, sizeof sub, dir, &tr->copies[i]) != 0) {
            snprintf(err, errlen, "%s: path too long", dir);
            return -1;
        }
        if (trainer_load(&tr->copies[i], sub, err, errlen) != 0)
            return -1;
    }
    return 0;
}
