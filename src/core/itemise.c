/* itemise.c: dL/dh_t split by loss term, and the output-input Jacobian norms, each by
 * running model.c's backward again with one output gradient non-zero (backward is linear in
 * dL/d out). The training step never calls these: the grads verb does, and the session for
 * the terms view (itemise_now). */
#include "itemise.h"

#include "linalg.h"
#include "optim.h"

#include <stdlib.h>
#include <string.h>

/* Dimension letters: S loss terms, T steps (T_total = encoder then decoder), B batch,
 * I input, H hidden, G gates, O output. */

int itemise_terms(const Trainer *tr)
{
    const ModelDims *d = &tr->dims;
    if (d->shape == SHAPE_SEQ2SEQ)
        return tr->cache.Td;
    return model_head_every(d) ? tr->cache.T : 1;
}

int itemise_term_step(const Trainer *tr, int s)
{
    const ModelDims *d = &tr->dims;
    if (d->shape == SHAPE_SEQ2SEQ)
        return tr->cache.T + s;
    return model_head_every(d) ? s : tr->cache.T - 1;
}

/* The head's output rows (B of them) that term s reads, as an offset into c->out. */
static size_t term_row(const Trainer *tr, int s)
{
    return model_head_every(&tr->dims) ? (size_t)s * tr->cache.B : 0;
}

static size_t out_size(const Trainer *tr)
{
    return (size_t)itemise_terms(tr) * tr->cache.B * tr->dims.O;
}

int itemise_gradient(Trainer *tr, double *itemised, double *first, double *per_term)
{
    Cache *c = &tr->cache;
    const ModelDims *d = &tr->dims;
    int S = itemise_terms(tr), TT = tr->T;
    size_t B = (size_t)c->B, O = (size_t)d->O, BH = B * d->H, n = out_size(tr);
    double *dout = malloc(n * sizeof(double)), *dh = malloc((size_t)TT * BH * sizeof(double));
    double *scratch = malloc(tr->n_params * sizeof(double));
    if (!dout || !dh || !scratch) {
        free(dout);
        free(dh);
        free(scratch);
        return -1;
    }
    Params g; /* the parameter gradients these passes also produce, thrown away */
    model_params_point(&g, scratch, d);
    memcpy(dout, c->dout, n * sizeof(double));
    for (int s = 0; s < S; s++) {
        memset(c->dout, 0, n * sizeof(double));
        memcpy(c->dout + term_row(tr, s) * O, dout + term_row(tr, s) * O, B * O * sizeof(double));
        model_backward(&g, c, &tr->batch, &tr->param, d, tr->cfg.truncate, tr->cfg.truncate_mode);
        trainer_copy_layer_dh(tr, d->L - 1, dh, 0); /* the top layer's, the one the terms enter */
        if (per_term)
            memcpy(per_term + (size_t)s * TT * BH, dh, (size_t)TT * BH * sizeof(double));
        for (int t = 0; t < TT; t++) {
            itemised[(size_t)s * TT + t] = optim_norm(dh + (size_t)t * BH, BH);
            if (first) /* sample 0's units lead each step's (B, H) block */
                first[(size_t)s * TT + t] = optim_norm(dh + (size_t)t * BH, (size_t)d->H);
        }
    }
    /* The whole loss again: the caches hold the trainer's dL/dh_t, as before. */
    memcpy(c->dout, dout, n * sizeof(double));
    model_backward(&g, c, &tr->batch, &tr->param, d, tr->cfg.truncate, tr->cfg.truncate_mode);
    free(scratch);
    free(dh);
    free(dout);
    return 0;
}

/* The batch's first sample alone, as a batch of one: its arrays in one block (free it). */
static double *first_sample(Batch *one, const Batch *in, int every)
{
    size_t T = (size_t)in->T, Td = (size_t)in->Td, B = (size_t)in->B, I = (size_t)in->I, Id = (size_t)in->Id;
    size_t O = (size_t)in->O, rows = every ? (Td ? Td : T) : 1, ny = in->y ? rows * O : 0;
    *one = *in;
    one->B = 1;
    double *block = calloc(T * I + Td * Id + ny + 1, sizeof(double));
    int64_t *label = calloc((T > Td ? T : Td) + 1, sizeof(int64_t));
    if (!block || !label) {
        free(block);
        free(label);
        return NULL;
    }
    one->x = block, one->xd = Td ? block + T * I : NULL, one->y = in->y ? block + T * I + Td * Id : NULL;
    one->label = in->label ? label : NULL;
    if (!in->label)
        free(label), label = NULL;
    for (size_t t = 0; t < T; t++)
        memcpy(one->x + t * I, in->x + t * B * I, I * sizeof(double));
    for (size_t t = 0; t < Td; t++)
        memcpy(one->xd + t * Id, in->xd + t * B * Id, Id * sizeof(double));
    for (size_t t = 0; t < rows && in->y; t++)
        memcpy(one->y + t * O, in->y + t * B * O, O * sizeof(double));
    for (size_t t = 0; t < rows && in->label; t++)
        one->label[t] = in->label[t * B];
    return block;
}

int itemise_connectivity(Trainer *tr, double *connectivity)
{
    const ModelDims *d = &tr->dims;
    const Batch *in = &tr->batch;
    int S = itemise_terms(tr), TT = tr->T;
    size_t O = (size_t)d->O, GH = (size_t)d->G * d->H;
    size_t I = (size_t)(d->Id > d->I ? d->Id : d->I); /* a row of J: either layer's input */
    /* The Jacobian of one sample needs only that sample: a forward and S x O backward
     * passes on a batch of one. */
    Batch one;
    Cache c1;
    double *block = first_sample(&one, in, model_head_every(d));
    if (!block)
        return -1;
    if (model_cache_create(&c1, d, in->T, in->Td, 1) != 0) {
        free(one.label);
        free(block);
        return -1;
    }
    model_cache_set_cancel(&c1, tr->cache.rnn[0].cancel);
    size_t n = (size_t)(model_head_every(d) ? S : 1) * O;
    double *jac = malloc((size_t)TT * O * I * sizeof(double)), *scratch = malloc(tr->n_params * sizeof(double));
    if (!jac || !scratch) {
        free(jac);
        free(scratch);
        model_cache_destroy(&c1);
        free(one.label);
        free(block);
        return -1;
    }
    Params g;
    model_params_point(&g, scratch, d);
    model_forward(&c1, &one, &tr->param, d, NULL);
    for (int s = 0; s < S; s++) {
        memset(jac, 0, (size_t)TT * O * I * sizeof(double));
        size_t row = model_head_every(d) ? (size_t)s : 0; /* the head's output row of term s */
        for (size_t k = 0; k < O; k++) {
            /* row k of the Jacobian: d y_s[k] / d x_t */
            memset(c1.dout, 0, n * sizeof(double));
            c1.dout[row * O + k] = 1.0;
            model_backward(&g, &c1, &one, &tr->param, d, 0, TRUNCATE_WINDOW);
            for (int t = 0; t < TT; t++) {
                /* x_t enters only through layer 0's ax_t = x_t W_ih^T + b_ih: dL/dx_t = dL/dax_t W_ih */
                int dec = t >= c1.T;
                const LayerCache *l = dec ? &c1.dec[0] : &c1.rnn[0];
                const LayerParams *p = dec ? &tr->param.dec[0] : &tr->param.rnn[0];
                int tl = dec ? t - c1.T : t;
                linalg_matmul_acc(jac + ((size_t)t * O + k) * I, l->dax + (size_t)tl * GH, p->weight_ih, 1, GH,
                                  (size_t)l->I);
            }
        }
        for (int t = 0; t < TT; t++)
            connectivity[(size_t)s * TT + t] = optim_norm(jac + (size_t)t * O * I, O * I);
    }
    free(scratch);
    free(jac);
    model_cache_destroy(&c1);
    free(one.label);
    free(block);
    return 0;
}

int itemised_term_step(const Itemised *it, int s)
{
    return it->every ? it->T_enc + s : it->T - 1;
}

/* Room for n cells in each of it's arrays (their contents lost). */
static int itemised_reserve(Itemised *it, size_t n)
{
    if (n <= it->cap)
        return 0;
    itemised_free(it);
    it->batch = malloc(n * sizeof(double));
    it->first = malloc(n * sizeof(double));
    it->conn = malloc(n * sizeof(double));
    if (!it->batch || !it->first || !it->conn) {
        itemised_free(it);
        return -1;
    }
    it->cap = n;
    return 0;
}

double itemise_work(const ModelDims *d, int S, int T, int B)
{
    double step = (double)d->G * d->H * (d->H + (d->I > d->Id ? d->I : d->Id) + d->O);
    return (double)S * T * step * ((double)B + d->O);
}

int itemise_now(Trainer *tr, Itemised *it, uint64_t run_id)
{
    Cache *c = &tr->cache;
    const ModelDims *d = &tr->dims;
    int S = itemise_terms(tr), TT = tr->T;
    size_t n = (size_t)S * (size_t)TT;
    it->valid = 0;
    if (itemise_work(d, S, TT, c->B) > ITEMISE_MAX_WORK || itemised_reserve(it, n) != 0)
        return -1;
    model_forward(c, &tr->batch, &tr->param, d, NULL);
    model_loss(c, &tr->batch, d);
    if (trainer_cancelled(tr))
        return 1;
    if (itemise_gradient(tr, it->batch, it->first, NULL) != 0 || itemise_connectivity(tr, it->conn) != 0)
        return -1;
    if (trainer_cancelled(tr))
        return 1;
    it->run_id = run_id;
    it->step = tr->step;
    it->S = S, it->T = TT;
    it->T_enc = d->shape == SHAPE_SEQ2SEQ ? c->T : 0;
    it->every = model_head_every(d) || d->shape == SHAPE_SEQ2SEQ;
    it->valid = 1;
    return 0;
}

int itemised_copy(Itemised *dst, const Itemised *src)
{
    if (!src->valid) {
        dst->valid = 0;
        return 0;
    }
    if (dst->valid && dst->run_id == src->run_id && dst->step == src->step && dst->S == src->S && dst->T == src->T)
        return 0;
    size_t n = (size_t)src->S * (size_t)src->T;
    dst->valid = 0;
    if (itemised_reserve(dst, n) != 0)
        return -1;
    memcpy(dst->batch, src->batch, n * sizeof(double));
    memcpy(dst->first, src->first, n * sizeof(double));
    memcpy(dst->conn, src->conn, n * sizeof(double));
    size_t cap = dst->cap;
    double *b = dst->batch, *f = dst->first, *cn = dst->conn;
    *dst = *src;
    dst->batch = b, dst->first = f, dst->conn = cn, dst->cap = cap;
    return 0;
}

void itemised_free(Itemised *it)
{
    free(it->batch);
    free(it->first);
    free(it->conn);
    memset(it, 0, sizeof *it);
}
