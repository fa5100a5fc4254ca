/* runview.c: copying a run's observables, history and spectrum into a RunView that
 * another thread can draw from, and the few numbers lessons quote about it (grad_ratio,
 * cell_ratio, sigma_max, clipped_fraction), computed once here for lessons and views. */
#include "runview.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The arrays an Observables owns, with their lengths for a run of these sizes (the plain
 * per-layer names point into the layers_* ones). */
enum { OBS_ARRAYS = 12 };

static void obs_arrays(Observables *o, double **a[OBS_ARRAYS])
{
    a[0] = &o->layers_dh_norm, a[1] = &o->layers_dc_norm, a[2] = &o->x, a[3] = &o->layers_h;
    a[4] = &o->layers_c, a[5] = &o->layers_gate, a[6] = &o->out, a[7] = &o->layers_dh_direct_norm;
    a[8] = &o->layers_reference, a[9] = &o->n_t, a[10] = &o->n_end, a[11] = &o->layers_dh_norm_end;
}

static void obs_lengths(const ModelDims *d, int T, int n_out, size_t n[OBS_ARRAYS])
{
    size_t TT = (size_t)T, LT = (size_t)d->L * TT, H = (size_t)d->H;
    n[0] = LT, n[1] = LT, n[2] = TT * (size_t)d->I, n[3] = LT * H, n[4] = LT * H;
    n[5] = LT * (size_t)d->G * H, n[6] = (size_t)n_out * (size_t)d->O, n[7] = LT, n[8] = LT;
    n[9] = TT, n[10] = TT, n[11] = LT;
}

static void obs_free(Observables *o)
{
    double **a[OBS_ARRAYS];
    obs_arrays(o, a);
    for (int i = 0; i < OBS_ARRAYS; i++)
        free(*a[i]);
    memset(o, 0, sizeof *o);
}

/* dst (same capacity, T and G) takes the entries of src it has not seen: src->total counts
 * every entry ever pushed, so a rewind or a new run (total went down) copies afresh. */
static void history_sync(History *dst, const History *src)
{
    long fresh = src->total - dst->total;
    if (fresh < 0 || fresh > src->count || dst->total == 0) {
        dst->count = dst->next = 0;
        fresh = src->count;
    }
    for (int i = src->count - (int)fresh; i < src->count; i++)
        history_put(dst, src, history_index(src, i));
    dst->total = src->total;
}

static void spectrum_free(Spectrum *s)
{
    free(s->sv), free(s->eig_re), free(s->eig_im);
    memset(s, 0, sizeof *s);
}

static void spectrum_copy(Spectrum *dst, const Spectrum *src, int H)
{
    size_t n = (size_t)src->n_blocks * (size_t)H;
    dst->step = src->step, dst->valid = src->valid, dst->n_blocks = src->n_blocks;
    if (n && src->sv && dst->sv) {
        memcpy(dst->sv, src->sv, n * sizeof(double));
        memcpy(dst->eig_re, src->eig_re, n * sizeof(double));
        memcpy(dst->eig_im, src->eig_im, n * sizeof(double));
    }
}

void runview_free(RunView *rv)
{
    obs_free(&rv->obs);
    history_destroy(&rv->hist);
    spectrum_free(&rv->spectrum);
    free(rv->label), free(rv->target), free(rv->names);
    itemised_free(&rv->items);
    memset(rv, 0, sizeof *rv);
}

/* Allocates every array for these sizes; the contents are filled by the caller. */
static int runview_alloc(RunView *rv, const ModelDims *d, int T, int n_out, int n_blocks, int capacity, int K,
                         int has_labels, int counts)
{
    runview_free(rv);
    size_t n[OBS_ARRAYS];
    double **a[OBS_ARRAYS];
    obs_lengths(d, T, n_out, n);
    obs_arrays(&rv->obs, a);
    int ok = 1;
    for (int i = 0; i < OBS_ARRAYS; i++)
        ok &= (*a[i] = calloc(n[i] + 1, sizeof(double))) != NULL;
    ok &= history_create(&rv->hist, capacity, T, d->L, n_blocks, K) == 0;
    ok &= !counts || history_keep_counts(&rv->hist) == 0;
    size_t sn = (size_t)d->L * (size_t)n_blocks * (size_t)d->H + 1; /* every layer's spectrum */
    ok &= (rv->spectrum.sv = calloc(sn, sizeof(double))) != NULL;
    ok &= (rv->spectrum.eig_re = calloc(sn, sizeof(double))) != NULL;
    ok &= (rv->spectrum.eig_im = calloc(sn, sizeof(double))) != NULL;
    if (has_labels)
        ok &= (rv->label = calloc((size_t)n_out + 1, sizeof(int64_t))) != NULL;
    else
        ok &= (rv->target = calloc((size_t)n_out * (size_t)d->O + 1, sizeof(double))) != NULL;
    ok &= (rv->names = calloc((size_t)(d->I + d->O) + 1, RUNVIEW_NAME_LEN)) != NULL;
    if (!ok) {
        runview_free(rv);
        return -1;
    }
    observables_point(&rv->obs, d, T, d->L - 1);
    rv->spectrum.step = -1;
    return 0;
}

/* Whether dst's arrays already have src's sizes. */
static int same_shapes(const RunView *dst, const ModelDims *d, int T, int n_out, int capacity, int G, int K,
                       int has_labels, int counts)
{
    if (dst->valid && (dst->hist.n_t != NULL) != counts)
        return 0;
    return dst->valid && memcmp(&dst->dims, d, sizeof *d) == 0 && dst->T == T && dst->obs.n_out == n_out &&
           dst->hist.capacity == capacity && dst->hist.G == G && dst->hist.K == K &&
           (dst->label != NULL) == has_labels;
}

void observables_copy(Observables *dst, const Observables *src, const ModelDims *d, int T)
{
    size_t n[OBS_ARRAYS];
    double **to[OBS_ARRAYS], **from[OBS_ARRAYS];
    Observables tmp = *src;
    obs_lengths(d, T, src->n_out, n);
    obs_arrays(dst, to);
    obs_arrays(&tmp, from);
    double *keep[OBS_ARRAYS];
    for (int i = 0; i < OBS_ARRAYS; i++)
        keep[i] = *to[i];
    *dst = *src;
    for (int i = 0; i < OBS_ARRAYS; i++) {
        memcpy(keep[i], *from[i], n[i] * sizeof(double));
        *to[i] = keep[i];
    }
    observables_point(dst, d, T, d->L - 1);
}

static void copy_observables(RunView *dst, const Observables *src)
{
    observables_copy(&dst->obs, src, &dst->dims, dst->T);
}

int runview_sync(RunView *dst, const Trainer *tr, const Observables *last_good, uint64_t run_id)
{
    const Observables *o = last_good ? last_good : &tr->obs;
    int has_labels = tr->batch.label != NULL, n_out = o->n_out;
    int counts = tr->hist.n_t != NULL;
    if (!same_shapes(dst, &tr->dims, tr->T, n_out, tr->hist.capacity, tr->hist.G, tr->hist.K, has_labels, counts)) {
        if (runview_alloc(dst, &tr->dims, tr->T, n_out, tr->hist.G, tr->hist.capacity, tr->hist.K, has_labels,
                          counts) != 0)
            return -1;
        dst->dims = tr->dims;
        dst->T = tr->T;
    }
    if (!dst->valid || memcmp(&dst->cfg, &tr->cfg, sizeof tr->cfg) != 0) {
        for (int k = 0; k < tr->dims.I + tr->dims.O; k++) {
            int output = k >= tr->dims.I;
            task_symbol_name(&tr->task, output ? k - tr->dims.I : k, output, dst->names[k], RUNVIEW_NAME_LEN);
        }
    }
    if (dst->run_id != run_id)
        dst->hist.total = 0; /* another run: its history from the start */
    dst->run_id = run_id;
    dst->cfg = tr->cfg;
    dst->T_enc = tr->task.info.T;
    dst->step = tr->step;
    dst->baseline = task_baseline(&tr->task);
    dst->step_below_tenth = tr->step_below_tenth;
    copy_observables(dst, o);
    history_sync(&dst->hist, &tr->hist);
    spectrum_copy(&dst->spectrum, &tr->spectrum, tr->dims.H);
    /* the first sample's targets, where the head reads */
    const Batch *b = &tr->batch;
    for (int row = 0; row < n_out; row++) {
        size_t at = n_out > 1 ? (size_t)row * (size_t)b->B : 0;
        if (has_labels)
            dst->label[row] = b->label[at];
        else if (b->y)
            memcpy(dst->target + (size_t)row * tr->dims.O, b->y + at * tr->dims.O, (size_t)tr->dims.O * sizeof(double));
    }
    dst->diverged = last_good != NULL;
    dst->event = tr->event;
    dst->valid = 1;
    return 0;
}

int runview_copy(RunView *dst, const RunView *src)
{
    if (!src->valid) {
        runview_free(dst);
        return 0;
    }
    int has_labels = src->label != NULL;
    int counts = src->hist.n_t != NULL;
    if (!same_shapes(dst, &src->dims, src->T, src->obs.n_out, src->hist.capacity, src->hist.G, src->hist.K,
                     has_labels, counts)) {
        if (runview_alloc(dst, &src->dims, src->T, src->obs.n_out, src->hist.G, src->hist.capacity, src->hist.K,
                          has_labels, counts) != 0)
            return -1;
        dst->dims = src->dims;
        dst->T = src->T;
    }
    if (dst->run_id != src->run_id)
        dst->hist.total = 0;
    dst->run_id = src->run_id;
    dst->cfg = src->cfg;
    dst->T_enc = src->T_enc;
    dst->step = src->step;
    dst->baseline = src->baseline;
    dst->step_below_tenth = src->step_below_tenth;
    copy_observables(dst, &src->obs);
    history_sync(&dst->hist, &src->hist);
    spectrum_copy(&dst->spectrum, &src->spectrum, src->dims.H);
    if (itemised_copy(&dst->items, &src->items) != 0)
        return -1;
    size_t n_out = (size_t)src->obs.n_out;
    if (has_labels)
        memcpy(dst->label, src->label, n_out * sizeof(int64_t));
    else
        memcpy(dst->target, src->target, n_out * (size_t)src->dims.O * sizeof(double));
    memcpy(dst->names, src->names, (size_t)(src->dims.I + src->dims.O) * RUNVIEW_NAME_LEN);
    dst->diverged = src->diverged;
    dst->event = src->event;
    dst->valid = 1;
    return 0;
}

const char *runview_symbol(const RunView *rv, int k, int output)
{
    int n = output ? rv->dims.O : rv->dims.I;
    if (!rv->names || k < 0 || k >= n)
        return "?";
    return rv->names[(output ? rv->dims.I : 0) + k];
}

double runview_grad_ratio(const RunView *rv)
{
    return grad_ratio_of(rv->obs.dh_norm, rv->T);
}

double runview_cell_ratio(const RunView *rv)
{
    return rv->T > 0 ? rv->obs.dc_norm[0] / rv->obs.dc_norm[rv->T - 1] : NAN;
}

double runview_depth_ratio(const RunView *rv)
{
    int T = rv->T, L = rv->obs.L;
    return T > 0 && L > 0 ? rv->obs.layers_dh_norm[0] / rv->obs.layers_dh_norm[(size_t)L * T - 1] : NAN;
}

double runview_layer_ratio(const RunView *rv)
{
    int T = rv->T, L = rv->obs.L;
    return T > 0 && L > 0 ? rv->obs.layers_dh_norm[T - 1] / rv->obs.layers_dh_norm[(size_t)L * T - 1] : NAN;
}

double runview_sigma_max(const RunView *rv)
{
    double m = 0;
    for (int b = 0; b < rv->obs.n_blocks; b++)
        m = rv->obs.sigma_max[b] > m ? rv->obs.sigma_max[b] : m;
    return m;
}

double runview_clipped_fraction(const RunView *rv, long last, int *counted)
{
    const History *h = &rv->hist;
    int n = last < h->count ? (int)last : h->count, c = 0;
    for (int i = h->count - n; i < h->count; i++)
        c += h->clipped[history_index(h, i)];
    if (counted)
        *counted = n;
    return n ? (double)c / n : 0;
}
