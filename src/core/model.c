/* model.c: forward and backward of the recurrent layers and head, side by side: the affine
 * maps x W_ih^T + b_ih and h W_hh^T + b_hh, time (BPTT, truncation) and the head. What a
 * cell does with the pre-activations is its table row's (cells/, PyTorch's equations).
 * Stacks: layer l > 0 reads the states of layer l-1, and its dL/dx passes down into that
 * layer's dtop. seq2seq: the encoder's final h (and c) of each layer start the decoder's
 * layer of the same index (PyTorch's h_n, c_n of shape (L, B, H)), whose input at step s is
 * the previous target (teacher forcing) or, in model_free_run, its own previous output.
 * Dimension letters: B batch, T steps (Td decoder steps), I input, H hidden, G gates,
 * O output, L layers. */
#include "model.h"
#include "vmath.h"

#include "linalg.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

ModelDims model_dims(const Config *cfg, const TaskInfo *task)
{
    ModelDims d;
    d.cell = cell_kind(cfg->model);
    d.act = cfg->activation;
    d.I = task->I;
    d.H = cfg->hidden;
    d.O = task->O;
    d.G = d.cell->gates;
    d.Id = task->Id;
    d.shape = task->shape;
    d.loss = task->loss;
    d.unpacked = cfg->unpacked;
    d.L = cfg->layers >= 1 && cfg->layers <= MODEL_MAX_LAYERS ? cfg->layers : 1;
    d.n_tensors = 4 * d.L * (task->shape == SHAPE_SEQ2SEQ ? 2 : 1) + 2;
    return d;
}

int model_head_every(const ModelDims *d)
{
    return d->shape == SHAPE_ONE_TO_MANY || d->shape == SHAPE_MANY_TO_MANY ||
           d->shape == SHAPE_SEQ2SEQ;
}

/* PyTorch's state_dict names, per stack (the plain one, seq2seq's encoder and decoder),
 * layer by layer in registration order. */
#define LAYER_NAMES(prefix, l) prefix "weight_ih_l" #l, prefix "weight_hh_l" #l, prefix "bias_ih_l" #l, prefix "bias_hh_l" #l
#define STACK_NAMES(prefix) {LAYER_NAMES(prefix, 0), LAYER_NAMES(prefix, 1), LAYER_NAMES(prefix, 2), LAYER_NAMES(prefix, 3)}
_Static_assert(MODEL_MAX_LAYERS == 4, "STACK_NAMES names four layers");
static const char *const NAMES[3][4 * MODEL_MAX_LAYERS] = {STACK_NAMES(""), STACK_NAMES("encoder."),
                                                           STACK_NAMES("decoder.")};

/* The stacks of a model: 1, or 2 for seq2seq (encoder, decoder). */
static int stacks(const ModelDims *d) { return d->shape == SHAPE_SEQ2SEQ ? 2 : 1; }

/* The input size of layer l of stack k. */
static size_t layer_input(const ModelDims *d, int k, int l)
{
    return (size_t)(l > 0 ? d->H : k == 0 ? d->I : d->Id);
}

void model_param_specs(ParamSpec specs[MODEL_MAX_TENSORS], const ModelDims *d)
{
    size_t GH = (size_t)d->G * d->H, H = (size_t)d->H;
    int n = 0;
    for (int k = 0; k < stacks(d); k++) {
        const char *const *names = NAMES[stacks(d) == 1 ? 0 : 1 + k];
        for (int l = 0; l < d->L; l++) {
            const char *const *nl = names + 4 * l;
            specs[n++] = (ParamSpec){nl[0], 2, {GH, layer_input(d, k, l)}, 0, 0};
            specs[n++] = (ParamSpec){nl[1], 2, {GH, H}, 0, 0};
            specs[n++] = (ParamSpec){nl[2], 1, {GH, 0}, 0, 0};
            specs[n++] = (ParamSpec){nl[3], 1, {GH, 0}, 0, 0};
        }
    }
    specs[n++] = (ParamSpec){"head.weight", 2, {(size_t)d->O, H}, 0, 0};
    specs[n++] = (ParamSpec){"head.bias", 1, {(size_t)d->O, 0}, 0, 0};
    assert(n == d->n_tensors);
    size_t offset = 0;
    for (int i = 0; i < n; i++) {
        specs[i].size = specs[i].shape[0] * (specs[i].ndim == 2 ? specs[i].shape[1] : 1);
        specs[i].offset = offset;
        offset += specs[i].size;
    }
}

size_t model_param_count(const ModelDims *d)
{
    ParamSpec s[MODEL_MAX_TENSORS];
    model_param_specs(s, d);
    return s[d->n_tensors - 1].offset + s[d->n_tensors - 1].size;
}

void model_params_point(Params *p, double *block, const ModelDims *d)
{
    ParamSpec s[MODEL_MAX_TENSORS];
    model_param_specs(s, d);
    memset(p, 0, sizeof *p);
    int n = 0;
    for (int k = 0; k < stacks(d); k++)
        for (int l = 0; l < d->L; l++) {
            LayerParams *lp = k == 0 ? &p->rnn[l] : &p->dec[l];
            lp->weight_ih = block + s[n++].offset;
            lp->weight_hh = block + s[n++].offset;
            lp->bias_ih = block + s[n++].offset;
            lp->bias_hh = block + s[n++].offset;
        }
    p->head_weight = block + s[n++].offset;
    p->head_bias = block + s[n++].offset;
}

double *model_tensor(const Params *p, const ModelDims *d, int i)
{
    assert(i >= 0 && i < d->n_tensors);
    if (i >= d->n_tensors - 2)
        return i == d->n_tensors - 2 ? p->head_weight : p->head_bias;
    int k = i / (4 * d->L), layer = i / 4 % d->L;
    const LayerParams *l = k == 0 ? &p->rnn[layer] : &p->dec[layer];
    switch (i % 4) {
    case 0: return l->weight_ih;
    case 1: return l->weight_hh;
    case 2: return l->bias_ih;
    default: return l->bias_hh;
    }
}

/* ---- initialisation ---- */

static void fill_uniform(double *w, size_t n, double bound, Rng *rng)
{
    for (size_t i = 0; i < n; i++)
        w[i] = rng_uniform_range(rng, -bound, bound);
}

static int layer_init(LayerParams *p, const ModelDims *d, size_t I, const Config *cfg, Rng *rng)
{
    size_t H = (size_t)d->H, G = (size_t)d->G, GH = G * H;
    double k = 1.0 / sqrt((double)d->H);
    /* PyTorch's reset_parameters draws every tensor U(-k, k) in registration order; so do
     * we, so init=default is the same distribution (not the same bits: the generators
     * differ). */
    fill_uniform(p->weight_ih, GH * I, k, rng);
    fill_uniform(p->weight_hh, GH * H, k, rng);
    fill_uniform(p->bias_ih, GH, k, rng);
    fill_uniform(p->bias_hh, GH, k, rng);

    if (cfg->init != INIT_DEFAULT) {
        /* Glorot & Bengio 2010 per gate block: fan_in I, fan_out H. */
        fill_uniform(p->weight_ih, GH * I, sqrt(6.0 / (double)(I + H)), rng);
        memset(p->bias_ih, 0, GH * sizeof(double));
        memset(p->bias_hh, 0, GH * sizeof(double));
        for (size_t g = 0; g < G; g++) {
            double *blk = p->weight_hh + g * H * H;
            switch (cfg->init) {
            case INIT_XAVIER: fill_uniform(blk, H * H, sqrt(6.0 / (double)(2 * H)), rng); break;
            case INIT_ORTHOGONAL:
                if (linalg_random_orthogonal(blk, d->H, rng) != 0)
                    return -1;
                break;
            case INIT_IDENTITY: /* Le, Jaitly & Hinton 2015 */
                memset(blk, 0, H * H * sizeof(double));
                for (size_t i = 0; i < H; i++)
                    blk[i * H + i] = 1.0;
                break;
            case INIT_NORMAL: /* N(0, 1/H): spectral radius near 1 (circular law) */
                for (size_t i = 0; i < H * H; i++)
                    blk[i] = rng_normal(rng) * k;
                break;
            case INIT_DEFAULT: break;
            }
        }
    }
    if (cfg->rho > 0) {
        for (size_t g = 0; g < G; g++) {
            double *blk = p->weight_hh + g * H * H;
            double top = linalg_sigma_max_exact(blk, d->H);
            if (isnan(top))
                return -1;
            if (top > 0)
                for (size_t i = 0; i < H * H; i++)
                    blk[i] *= cfg->rho / top;
        }
    }
    if (d->cell->forget_gate >= 0 && cfg->has_forget_bias) {
        size_t f = (size_t)d->cell->forget_gate * H; /* the forget gate's block of rows */
        for (size_t j = 0; j < H; j++) {
            p->bias_ih[f + j] = cfg->forget_bias;
            p->bias_hh[f + j] = 0.0;
        }
    }
    return 0;
}

int model_init(Params *p, const ModelDims *d, const Config *cfg, Rng *rng)
{
    /* PyTorch's registration order: the encoder's layers 0 .. L-1, then the decoder's */
    for (int k = 0; k < stacks(d); k++)
        for (int l = 0; l < d->L; l++)
            if (layer_init(k == 0 ? &p->rnn[l] : &p->dec[l], d, layer_input(d, k, l), cfg, rng) != 0)
                return -1;
    /* the head keeps nn.Linear's default, U(-1/sqrt(H), 1/sqrt(H)) */
    double k = 1.0 / sqrt((double)d->H);
    fill_uniform(p->head_weight, (size_t)d->O * d->H, k, rng);
    fill_uniform(p->head_bias, (size_t)d->O, k, rng);
    return 0;
}

/* ---- caches ---- */

/* The rows of LayerCache.run as backward starts: the gradients reaching h_t and c_t, and
 * those the step being undone passes to h_{t-1} and c_{t-1}; the pairs swap each step. */
enum { RUN_H, RUN_C, RUN_NEXT_H, RUN_NEXT_C, RUN_COUNT };

static void layer_cache_destroy(LayerCache *c)
{
    linalg_free(c->dc_init);
    linalg_free(c->dh_init);
    linalg_free(c->run);
    linalg_free(c->scratch);
    linalg_free(c->whh_t);
    linalg_free(c->wih_t);
    linalg_free(c->term);
    linalg_free(c->dtop);
    free(c->dh_sumsq);
    free(c->dc_sumsq);
    if (c->dah != c->dax)
        linalg_free(c->dah);
    linalg_free(c->dax);
    linalg_free(c->dc);
    linalg_free(c->dh);
    linalg_free(c->tc);
    linalg_free(c->cs);
    linalg_free(c->hs);
    linalg_free(c->gate);
    linalg_free(c->ah);
    linalg_free(c->ax);
    memset(c, 0, sizeof *c);
}

/* term: the layer sits below the top of a stack that window truncation may walk term by
 * term (layer_term's `g`, the buffer the layer above writes into). */
static int layer_cache_create(LayerCache *c, const ModelDims *d, int T, int B, int I, int term)
{
    memset(c, 0, sizeof *c);
    c->T = T;
    c->B = B;
    c->I = I;
    size_t TB = (size_t)T * B, H = (size_t)d->H, GH = (size_t)d->G * H;
    c->ax = linalg_calloc(TB * GH, sizeof(double));
    c->ah = d->cell->keeps_ah ? linalg_calloc(TB * GH, sizeof(double)) : NULL; /* others: in gate's place */
    c->gate = linalg_calloc(TB * GH, sizeof(double));
    c->hs = linalg_calloc((TB + B) * H, sizeof(double));
    c->cs = linalg_calloc((TB + B) * H, sizeof(double));
    c->tc = linalg_calloc(TB * H, sizeof(double));
    c->dh = linalg_calloc(TB * H, sizeof(double));
    /* dL/dc: only a cell with a cell state writes or shows it */
    c->dc = d->cell->has_cell_state ? linalg_calloc(TB * H, sizeof(double)) : NULL;
    c->dax = linalg_calloc(TB * GH, sizeof(double));
    /* A cell that adds ax and ah before anything else gives both the same gradient: one
     * array serves. */
    c->dah = d->cell->keeps_ah ? linalg_calloc(TB * GH, sizeof(double)) : c->dax;
    c->dtop = linalg_calloc(TB * H, sizeof(double));
    c->term = term ? linalg_calloc(TB * H, sizeof(double)) : NULL;
    c->wih_t = linalg_calloc((size_t)I * GH, sizeof(double));
    c->whh_t = linalg_calloc(H * GH, sizeof(double));
    c->scratch = linalg_calloc(2 * (size_t)B * GH, sizeof(double));
    c->run = linalg_calloc(RUN_COUNT * (size_t)B * H, sizeof(double));
    c->dh_init = linalg_calloc((size_t)B * H, sizeof(double));
    c->dc_init = linalg_calloc((size_t)B * H, sizeof(double));
    c->dh_sumsq = calloc((size_t)T, sizeof(double));
    c->dc_sumsq = calloc((size_t)T, sizeof(double));
    if (!c->ax || (d->cell->keeps_ah && !c->ah) || !c->gate || !c->hs || !c->cs || !c->tc || !c->dh ||
        (d->cell->has_cell_state && !c->dc) || !c->dax || !c->dah || !c->dtop || (term && !c->term) ||
        !c->wih_t || !c->whh_t || !c->scratch || !c->run || !c->dh_init || !c->dc_init || !c->dh_sumsq ||
        !c->dc_sumsq) {
        layer_cache_destroy(c);
        return -1;
    }
    return 0;
}

int model_cache_create(Cache *c, const ModelDims *d, int T, int Td, int B)
{
    memset(c, 0, sizeof *c);
    c->T = T;
    c->Td = Td;
    c->B = B;
    c->L = d->L;
    size_t O = (size_t)d->O;
    size_t rows = d->shape == SHAPE_SEQ2SEQ ? (size_t)Td * B
                  : model_head_every(d)     ? (size_t)T * B
                                            : (size_t)B;
    int ok = 1;
    for (int l = 0; l < d->L; l++)
        ok = ok && layer_cache_create(&c->rnn[l], d, T, B, (int)layer_input(d, 0, l),
                                      l < d->L - 1 && d->shape != SHAPE_SEQ2SEQ) == 0;
    if (d->shape == SHAPE_SEQ2SEQ) {
        for (int l = 0; l < d->L; l++) {
            ok = ok && layer_cache_create(&c->dec[l], d, Td, B, (int)layer_input(d, 1, l), 0) == 0;
            ok = ok && layer_cache_create(&c->free_run[l], d, Td, B, (int)layer_input(d, 1, l), 0) == 0;
        }
        ok = ok && (c->free_run_out = calloc((size_t)Td * B * O, sizeof(double))) != NULL;
        ok = ok && (c->free_run_x = calloc((size_t)Td * B * d->Id, sizeof(double))) != NULL;
    }
    ok = ok && (c->out = calloc(rows * O, sizeof(double))) != NULL;
    if (!model_head_every(d)) {
        ok = ok && (c->last_h = calloc((size_t)B * d->H, sizeof(double))) &&
             (c->d_last = calloc((size_t)B * d->H, sizeof(double))) &&
             (c->d_last_step = malloc((size_t)B * sizeof(int)));
        for (int b = 0; ok && b < B; b++)
            c->d_last_step[b] = -1;
    }
    ok = ok && (c->dout = calloc(rows * O, sizeof(double))) != NULL;
    if (!ok) {
        model_cache_destroy(c);
        return -1;
    }
    return 0;
}

void model_cache_set_cancel(Cache *c, const atomic_int *flag)
{
    for (int l = 0; l < MODEL_MAX_LAYERS; l++)
        c->rnn[l].cancel = c->dec[l].cancel = c->free_run[l].cancel = flag;
}

void model_cache_destroy(Cache *c)
{
    free(c->free_run_x);
    free(c->free_run_out);
    free(c->d_last_step);
    free(c->d_last);
    free(c->last_h);
    free(c->dout);
    free(c->out);
    for (int l = 0; l < MODEL_MAX_LAYERS; l++) {
        layer_cache_destroy(&c->free_run[l]);
        layer_cache_destroy(&c->dec[l]);
        layer_cache_destroy(&c->rnn[l]);
    }
    memset(c, 0, sizeof *c);
}

/* ---- cancelling long passes ---- */

static int cancelled(const LayerCache *c)
{
    return c->cancel && atomic_load_explicit(c->cancel, memory_order_relaxed);
}

/* Rows per piece of the big products, between two looks at the cancel flag: a multiple
 * of 4, the row blocking of linalg_matmul_tn_acc, so pieces give the same bits as one. */
#define CANCEL_ROWS 64

static void input_side(LayerCache *c, double *out, const double *x, const double *bias, size_t rows,
                       size_t I, size_t GH)
{
    for (size_t r = 0; r < rows && !cancelled(c); r += CANCEL_ROWS) {
        size_t n = rows - r < CANCEL_ROWS ? rows - r : CANCEL_ROWS;
        linalg_matmul_bias_sparse(out + r * GH, x + r * I, c->wih_t, bias, n, I, GH);
    }
}

static void weight_grad(const LayerCache *c, double *dw, const double *a, const double *x, size_t rows,
                        size_t N, size_t K)
{
    for (size_t r = 0; r < rows && !cancelled(c); r += CANCEL_ROWS) {
        size_t n = rows - r < CANCEL_ROWS ? rows - r : CANCEL_ROWS;
        linalg_matmul_tn_acc(dw, a + r * N, x + r * K, n, N, K);
    }
}

/* dL/d(input) of a layer: dx (rows, I) += dax (rows, GH) W_ih (GH, I), what it sends down
 * to the layer below. Rows are independent, so the pieces give the bits of one product. */
static void input_grad(const LayerCache *c, double *dx, const double *dax, const double *w_ih, size_t rows,
                       size_t GH, size_t I)
{
    for (size_t r = 0; r < rows && !cancelled(c); r += CANCEL_ROWS) {
        size_t n = rows - r < CANCEL_ROWS ? rows - r : CANCEL_ROWS;
        linalg_matmul_acc(dx + r * I, dax + r * GH, w_ih, n, GH, I);
    }
}

/* ---- forward ---- */

void layer_forward_steps(LayerCache *c, const double *x, const LayerParams *p,
                         const ModelDims *d, int t0, int t1, const double *h_probe,
                         const double *c_probe)
{
    int B = c->B;
    size_t H = (size_t)d->H, GH = (size_t)d->G * H, BH = (size_t)B * H, BGH = (size_t)B * GH;
    size_t I = (size_t)c->I;
    if (t1 <= t0)
        return;
    linalg_transpose(c->wih_t, p->weight_ih, GH, I);
    linalg_transpose(c->whh_t, p->weight_hh, GH, H);
    /* The input side of every step at once: (steps * B, I) . W_ih^T. */
    input_side(c, c->ax + (size_t)t0 * BGH, x + (size_t)t0 * B * I, p->bias_ih, (size_t)(t1 - t0) * B, I, GH);
    for (int t = t0; t < t1 && !cancelled(c); t++) {
        const double *h_prev = c->hs + (size_t)t * BH;
        double *h = c->hs + (size_t)(t + 1) * BH;
        double *cst = c->cs + (size_t)(t + 1) * BH;
        /* A cell that does not keep ah gets it in the gate's place (one array less to
         * write and read) and adds ax there, with the same rounding as ax + ah. */
        int keep = d->cell->keeps_ah;
        double *ah = (keep ? c->ah : c->gate) + (size_t)t * BGH;
        if (t == 0 && c->zero_h0) /* nothing to multiply */
            linalg_matmul_bias_sparse(ah, h_prev, c->whh_t, p->bias_hh, (size_t)B, H, GH);
        else
            linalg_matmul_bias(ah, h_prev, c->whh_t, p->bias_hh, (size_t)B, H, GH);
        d->cell->forward(c->gate + (size_t)t * BGH, h, cst, c->tc + (size_t)t * BH,
                         c->ax + (size_t)t * BGH, keep ? ah : NULL, h_prev, c->cs + (size_t)t * BH,
                         c_probe ? c_probe + (size_t)t * BH : NULL, B, d->H, d->act);
        if (h_probe) {
            const double *ph = h_probe + (size_t)t * BH;
            for (size_t i = 0; i < BH; i++)
                h[i] += ph[i];
        }
        for (int b = 0; c->len && b < B; b++) /* padding: past its end a sequence's state is zero */
            if (t >= c->len[b]) {
                memset(h + (size_t)b * H, 0, H * sizeof(double));
                memset(cst + (size_t)b * H, 0, H * sizeof(double));
            }
    }
}

/* Each sequence's state after its own last step: out (B, H) row b = states[len[b]] row b,
 * states (T+1, B, H) as LayerCache.hs; len NULL: all at T. */
static void gather_last(double *out, const double *states, const int *len, int T, int B, size_t H)
{
    for (int b = 0; b < B; b++)
        memcpy(out + (size_t)b * H, states + ((size_t)(len ? len[b] : T) * B + b) * H, H * sizeof(double));
}

/* The reverse: adds g (B, H) into dtop (T, B, H) at each sequence's last step. */
static void scatter_last(double *dtop, const double *g, const int *len, int T, int B, size_t H)
{
    for (int b = 0; b < B; b++) {
        double *row = dtop + ((size_t)((len ? len[b] : T) - 1) * B + b) * H;
        for (size_t j = 0; j < H; j++)
            row[j] += g[(size_t)b * H + j];
    }
}

static void layer_start(LayerCache *c, const ModelDims *d, const double *h0, const double *c0)
{
    size_t BH = (size_t)c->B * d->H;
    if (h0)
        memcpy(c->hs, h0, BH * sizeof(double));
    else
        memset(c->hs, 0, BH * sizeof(double));
    if (c0)
        memcpy(c->cs, c0, BH * sizeof(double));
    else
        memset(c->cs, 0, BH * sizeof(double));
    c->zero_h0 = h0 == NULL;
}

void model_head(double *out, const double *h, const Params *p, const ModelDims *d, size_t rows)
{
    linalg_matmul_bias_ref(out, h, p->head_weight, p->head_bias, rows, (size_t)d->H,
                           (size_t)d->O);
}

LayerCache *model_top(Cache *c, const ModelDims *d)
{
    return d->shape == SHAPE_SEQ2SEQ ? &c->dec[d->L - 1] : &c->rnn[d->L - 1];
}

/* Steps t0 .. t1-1 of each layer of a stack in turn, layer 0 reading x; the probes are
 * (L, ...) with `stride` doubles per layer. */
static void stack_steps(LayerCache *lc, const double *x, const LayerParams *p, const ModelDims *d, int t0, int t1,
                        const double *h_probe, const double *c_probe, size_t stride)
{
    size_t BH = (size_t)lc[0].B * d->H;
    for (int l = 0; l < d->L; l++)
        layer_forward_steps(&lc[l], l > 0 ? lc[l - 1].hs + BH : x, &p[l], d, t0, t1,
                            h_probe ? h_probe + (size_t)l * stride : NULL,
                            c_probe ? c_probe + (size_t)l * stride : NULL);
}

void stack_forward_steps(LayerCache *lc, const double *x, const LayerParams *p, const ModelDims *d, int t0, int t1)
{
    stack_steps(lc, x, p, d, t0, t1, NULL, NULL, 0);
}

void model_forward(Cache *c, const Batch *in, const Params *p, const ModelDims *d,
                   const ForwardOptions *opt)
{
    const ForwardOptions none = {0};
    if (!opt)
        opt = &none;
    int T = c->T, B = c->B;
    assert(in->T == T && in->B == B && in->I == d->I);
    size_t H = (size_t)d->H, BH = (size_t)B * d->H, TBH = (size_t)T * BH, stride = (size_t)(T + c->Td) * BH;
    /* the lengths count only when they vary (min_len=); else every sequence is T long */
    int packed = in->varlen && !d->unpacked;
    c->len = packed ? in->len : NULL, c->len_d = packed ? in->len_d : NULL;
    for (int l = 0; l < d->L; l++) {
        layer_start(&c->rnn[l], d, opt->h0 ? opt->h0 + (size_t)l * BH : NULL, opt->c0 ? opt->c0 + (size_t)l * BH : NULL);
        c->rnn[l].len = c->len;
    }
    stack_steps(c->rnn, in->x, p->rnn, d, 0, T, opt->h_probe, opt->c_probe, stride);
    if (d->shape == SHAPE_SEQ2SEQ) {
        assert(in->Td == c->Td && in->Id == d->Id);
        for (int l = 0; l < d->L; l++) { /* each encoder layer's state after each sequence's end */
            gather_last(c->dec[l].hs, c->rnn[l].hs, c->len, T, B, H);
            gather_last(c->dec[l].cs, c->rnn[l].cs, c->len, T, B, H);
            c->dec[l].zero_h0 = 0;
            c->dec[l].len = c->len_d;
        }
        stack_steps(c->dec, in->xd, p->dec, d, 0, c->Td, opt->h_probe ? opt->h_probe + TBH : NULL,
                    opt->c_probe ? opt->c_probe + TBH : NULL, stride);
        model_head(c->out, c->dec[d->L - 1].hs + BH, p, d, (size_t)c->Td * B);
    } else if (model_head_every(d)) {
        model_head(c->out, c->rnn[d->L - 1].hs + BH, p, d, (size_t)T * B);
    } else {
        gather_last(c->last_h, c->rnn[d->L - 1].hs, c->len, T, B, H);
        model_head(c->out, c->last_h, p, d, (size_t)B);
    }
}

static size_t out_rows(const Cache *c, const ModelDims *d)
{
    if (d->shape == SHAPE_SEQ2SEQ)
        return (size_t)c->Td * c->B;
    return model_head_every(d) ? (size_t)c->T * c->B : (size_t)c->B;
}

double model_loss(Cache *c, const Batch *in, const ModelDims *d)
{
    size_t positions = out_rows(c, d);
    size_t O = (size_t)d->O, real = task_real_positions(in);
    double loss = 0.0;
    if (d->loss == LOSS_MSE) {
        double n = (double)(real * O);
        for (size_t i = 0; i < positions * O; i++) {
            if (!task_position_real(in, i / O)) { /* padding */
                c->dout[i] = 0.0;
                continue;
            }
            double e = c->out[i] - in->y[i];
            loss += e * e;
            c->dout[i] = 2.0 * e / n;
        }
        return loss / n;
    }
    for (size_t p = 0; p < positions; p++) {
        const double *z = c->out + p * O;
        double *dz = c->dout + p * O;
        if (!task_position_real(in, p)) {
            memset(dz, 0, O * sizeof(double));
            continue;
        }
        double m = z[0];
        for (size_t k = 1; k < O; k++)
            m = z[k] > m ? z[k] : m;
        double s = 0.0;
        for (size_t k = 0; k < O; k++)
            s += rl_exp(z[k] - m);
        double lse = m + rl_log(s);
        int64_t y = in->label[p];
        assert(y >= 0 && (size_t)y < O);
        loss += lse - z[y];
        for (size_t k = 0; k < O; k++)
            dz[k] = (rl_exp(z[k] - lse) - (k == (size_t)y)) / (double)real;
    }
    return loss / (double)real;
}

/* ---- backward ---- */

/* One step backward for the whole batch: the cell's own step, then the path through
 * W_hh. dh_in (B, H) is dL/dh_t reaching this step, dc_in (B, H) the part of dL/dc_t
 * coming from c_{t+1}. Adds this step's pre-activation gradients into dax_t, dah_t and its
 * dL/dc_t into dc_t; writes the gradient reaching h_{t-1} and c_{t-1} into dh_prev and
 * dc_prev. The cell writes this step's dL/d ax_t, dL/d ah_t into scratch: dL/d ah_t of this
 * step alone is what W_hh carries back, however often truncation revisits the step. */
static void step_backward(double *dh_prev, double *dc_prev, double *dax, double *dah,
                          double *dc_rec, const double *dh_in, const double *dc_in, int t,
                          const LayerCache *c, const LayerParams *p, const ModelDims *d, int once)
{
    int B = c->B;
    size_t H = (size_t)d->H, GH = (size_t)d->G * H, BH = (size_t)B * H, BGH = (size_t)B * GH;
    /* once: a sweep visits each step once, so the cell writes dax_t, dah_t themselves. */
    double *sx = once ? dax : c->scratch, *sh = once ? dah : c->scratch + BGH;

    memset(dh_prev, 0, BH * sizeof(double));
    if (d->cell->has_cell_state) /* otherwise the c pair stays zero */
        memset(dc_prev, 0, BH * sizeof(double));
    d->cell->backward(sx, sh, dh_prev, dc_prev, dc_rec, dh_in, dc_in, c->gate + (size_t)t * BGH,
                      c->tc + (size_t)t * BH, c->ah ? c->ah + (size_t)t * BGH : NULL, c->hs + (size_t)t * BH,
                      c->cs + (size_t)t * BH, B, d->H, d->act);
    for (size_t i = 0; !once && i < BGH; i++) {
        dax[i] += sx[i];
        if (dah != dax)
            dah[i] += sh[i];
    }
    /* dL/dh_{t-1} += dah . W_hh, after the cell's direct path (gru's z dh). */
    linalg_matmul_acc(dh_prev, sh, p->weight_hh, (size_t)B, GH, H);
}

/* Padding takes no gradient: zeroes the rows of g (B, H) at step t past their sequence's
 * end. (A training loss sends none there; itemise's Jacobian rows may.) */
static void mask_padding(double *g, const LayerCache *c, int t, size_t H)
{
    for (int b = 0; c->len && b < c->B; b++)
        if (t >= c->len[b])
            memset(g + (size_t)b * H, 0, H * sizeof(double));
}

/* dL/dc_t's place in the cache; NULL for a cell without a cell state. */
static double *dc_at(const LayerCache *c, int t, size_t BH)
{
    return c->dc ? c->dc + (size_t)t * BH : NULL;
}

/* Clears what backward accumulates into in one layer's cache. A sweep overwrites dh, dax
 * and dah at every step (a cancelled one is thrown away); a cell without a cell state has
 * no dc. */
static void layer_backward_begin(LayerCache *c, const ModelDims *d, int sweep)
{
    size_t BH = (size_t)c->B * d->H, TBH = (size_t)c->T * BH, TBGH = TBH * d->G;
    if (d->cell->has_cell_state)
        memset(c->dc, 0, TBH * sizeof(double));
    c->sums_valid = sweep;
    if (!sweep) {
        memset(c->dh, 0, TBH * sizeof(double));
        memset(c->dax, 0, TBGH * sizeof(double));
        if (c->dah != c->dax)
            memset(c->dah, 0, TBGH * sizeof(double));
    }
    memset(c->run, 0, RUN_COUNT * BH * sizeof(double));
    memset(c->dh_init, 0, BH * sizeof(double));
    memset(c->dc_init, 0, BH * sizeof(double));
}

/* Full BPTT through one layer in one sweep, the gradient from above (c->dtop) joining at
 * every step; dc_last (B, H), if given, is dL/dc arriving from outside (the decoder) at
 * each sequence's last step (c->len; T-1 without). chunk
 * = K > 0 (truncate_mode=chunk) detaches the state carried into steps K, 2K, ...: nothing
 * from step t reaches h_{t-1}, c_{t-1} there. For a cell without a cell state the c pair
 * of running gradients stays zero. */
static void layer_sweep(LayerCache *c, const LayerParams *p, const ModelDims *d, int chunk, const double *dc_last)
{
    int T = c->T;
    size_t BH = (size_t)c->B * d->H, BGH = BH * d->G;
    double *run_h = c->run + RUN_H * BH, *run_c = c->run + RUN_C * BH, *next_c = c->run + RUN_NEXT_C * BH;
    size_t H = (size_t)d->H;
    for (int t = T - 1; t >= 0 && !cancelled(c); t--) {
        for (int b = 0; dc_last && b < c->B; b++)
            if ((c->len ? c->len[b] : T) - 1 == t)
                for (size_t j = 0; j < H; j++)
                    run_c[(size_t)b * H + j] += dc_last[(size_t)b * H + j];
        double *dh = c->dh + (size_t)t * BH;
        const double *dtop = c->dtop + (size_t)t * BH;
        for (size_t i = 0; i < BH; i++)
            dh[i] = run_h[i] + dtop[i];
        mask_padding(dh, c, t, H);
        c->dh_sumsq[t] = linalg_sumsq(dh, BH); /* while in L1: the recording's norms */
        step_backward(run_h, next_c, c->dax + (size_t)t * BGH, c->dah + (size_t)t * BGH, dc_at(c, t, BH), dh,
                      run_c, t, c, p, d, 1);
        if (c->dc)
            c->dc_sumsq[t] = linalg_sumsq(dc_at(c, t, BH), BH);
        if (chunk && t > 0 && t % chunk == 0) { /* a chunk boundary: the carried state is detached */
            memset(run_h, 0, BH * sizeof(double));
            memset(next_c, 0, BH * sizeof(double));
        }
        double *s = run_c;
        run_c = next_c;
        next_c = s;
    }
    memcpy(c->dh_init, run_h, BH * sizeof(double));
    memcpy(c->dc_init, run_c, BH * sizeof(double));
}

/* Window truncation: the loss term at step s walks back through one layer on its own, over
 * steps s down to stop. g (T, B, H) is what this term alone sends into h_t from above, read
 * at steps stop .. s; NULL means the top layer, where the term is the head's dtop at step s
 * alone. The recorded dL/dh_t sums what reaches t from every term. below, if given,
 * receives (overwrites) what the term sends into the layer below at steps stop .. s. */
static void layer_term(LayerCache *c, const double *g, double *below, const LayerParams *p, const ModelDims *d,
                       int s, int stop)
{
    int B = c->B;
    size_t H = (size_t)d->H, GH = (size_t)d->G * H, BH = (size_t)B * H, BGH = (size_t)B * GH;
    double *run_h = c->run + RUN_H * BH, *run_c = c->run + RUN_C * BH, *next_h = c->run + RUN_NEXT_H * BH,
           *next_c = c->run + RUN_NEXT_C * BH;
    memset(run_h, 0, BH * sizeof(double));
    memset(run_c, 0, BH * sizeof(double));
    for (int t = s; t >= stop; t--) {
        const double *gt = g ? g + (size_t)t * BH : t == s ? c->dtop + (size_t)s * BH : NULL;
        double *dh = c->dh + (size_t)t * BH;
        for (size_t i = 0; gt && i < BH; i++)
            run_h[i] += gt[i];
        mask_padding(run_h, c, t, H);
        for (size_t i = 0; i < BH; i++)
            dh[i] += run_h[i];
        step_backward(next_h, next_c, c->dax + (size_t)t * BGH, c->dah + (size_t)t * BGH, dc_at(c, t, BH),
                      run_h, run_c, t, c, p, d, 0);
        if (below) { /* the step's own dL/d ax_t, left in scratch, through W_ih */
            memset(below + (size_t)t * BH, 0, BH * sizeof(double));
            linalg_matmul_acc(below + (size_t)t * BH, c->scratch, p->weight_ih, (size_t)B, GH, (size_t)c->I);
        }
        double *x = run_h;
        run_h = next_h;
        next_h = x;
        x = run_c;
        run_c = next_c;
        next_c = x;
    }
    if (stop == 0) /* this term's gradient reached the initial state */
        for (size_t i = 0; i < BH; i++) {
            c->dh_init[i] += run_h[i];
            c->dc_init[i] += run_c[i];
        }
}

/* Weight gradients of one layer for all steps at once, x (T, B, I) its input. A zero
 * initial state adds nothing to dW_hh at step 0, so that step is skipped then. */
static void layer_weight_grads(LayerParams *grad, const LayerCache *c, const double *x, const ModelDims *d)
{
    int T = c->T, B = c->B;
    size_t H = (size_t)d->H, GH = (size_t)d->G * H, BH = (size_t)B * H, BGH = (size_t)B * GH;
    weight_grad(c, grad->weight_ih, c->dax, x, (size_t)T * B, GH, (size_t)c->I);
    int t0 = c->zero_h0 ? 1 : 0;
    if (T > t0)
        weight_grad(c, grad->weight_hh, c->dah + (size_t)t0 * BGH, c->hs + (size_t)t0 * BH, (size_t)(T - t0) * B, GH,
                    H);
    /* Where the layer keeps one array for dL/d(ax) and dL/d(ah) (rnn, lstm) and the two
     * biases' gradients start equal, they end equal: summed once. */
    int same = c->dah == c->dax && !memcmp(grad->bias_ih, grad->bias_hh, GH * sizeof(double));
    linalg_colsum_acc(grad->bias_ih, c->dax, (size_t)T * B, GH);
    if (same)
        memcpy(grad->bias_hh, grad->bias_ih, GH * sizeof(double));
    else
        linalg_colsum_acc(grad->bias_hh, c->dah, (size_t)T * B, GH);
}

/* BPTT through a stack of d->L layers, x its input. The top layer's dtop holds what the
 * head sends; each lower layer's dtop gets what the one above sends down (its dL/dx).
 * `every` says whether loss terms sit at every step or only the last (which matters only
 * for window truncation). dec, for seq2seq's encoder, is the decoder stack: its layer l's
 * dL/d(initial h, c) arrives at layer l's last step. */
static void stack_backward(LayerParams *grad, LayerCache *lc, const double *x, const LayerParams *p,
                           const ModelDims *d, int truncate, TruncateMode mode, int every, const LayerCache *dec)
{
    int L = d->L, T = lc[0].T, B = lc[0].B;
    size_t H = (size_t)d->H, GH = (size_t)d->G * H, BH = (size_t)B * H, TB = (size_t)T * B;
    int window = mode == TRUNCATE_WINDOW && truncate > 0 && truncate < T;
    for (int l = 0; l < L; l++) {
        layer_backward_begin(&lc[l], d, !window);
        if (l < L - 1)
            memset(lc[l].dtop, 0, TB * H * sizeof(double));
        if (dec) /* into each sequence's last step */
            scatter_last(lc[l].dtop, dec[l].dh_init, lc[l].len, T, B, H);
    }
    if (window) {
        assert(!dec);
        int first = every ? 0 : T - 1;
        for (int s = T - 1; s >= first && !cancelled(&lc[0]); s--) {
            int stop = s - truncate + 1 > 0 ? s - truncate + 1 : 0;
            for (int l = L - 1; l >= 0; l--)
                layer_term(&lc[l], l == L - 1 ? NULL : lc[l].term, l > 0 ? lc[l - 1].term : NULL, &p[l], d, s, stop);
        }
        for (int l = L - 2; l >= 0; l--) /* what each layer received in all, for the views */
            input_grad(&lc[l], lc[l].dtop, lc[l + 1].dax, p[l + 1].weight_ih, TB, GH, H);
    } else {
        int chunk = mode == TRUNCATE_CHUNK && truncate > 0 ? truncate : 0;
        for (int l = L - 1; l >= 0; l--) {
            if (l < L - 1)
                input_grad(&lc[l], lc[l].dtop, lc[l + 1].dax, p[l + 1].weight_ih, TB, GH, H);
            layer_sweep(&lc[l], &p[l], d, chunk, dec && d->cell->has_cell_state ? dec[l].dc_init : NULL);
        }
    }
    for (int l = 0; l < L; l++)
        layer_weight_grads(&grad[l], &lc[l], l > 0 ? lc[l - 1].hs + BH : x, d);
}

void model_backward(Params *grad, Cache *c, const Batch *in, const Params *p, const ModelDims *d,
                    int truncate, TruncateMode mode)
{
    int T = c->T, B = c->B;
    size_t H = (size_t)d->H, O = (size_t)d->O, BH = (size_t)B * H, TBH = (size_t)T * BH;
    LayerCache *top = model_top(c, d);
    int Tt = top->T;
    size_t rows = out_rows(c, d);

    /* The head: out = h W^T + b. Its gradient dout W is written whole (the product from
     * zero, the same sums as into a cleared array): into every step's row of dtop, or into
     * d_last, which goes to each sequence's last step. There the rows the last backward
     * wrote are cleared again; no other row of dtop is ever written. */
    int every = model_head_every(d);
    const double *h_read = every ? top->hs + BH : c->last_h; /* each sequence's last h */
    double *dtop = every ? top->dtop : c->d_last;
    for (int b = 0; !every && b < B; b++)
        if (c->d_last_step[b] >= 0)
            memset(top->dtop + ((size_t)c->d_last_step[b] * B + b) * H, 0, H * sizeof(double));
    linalg_matmul_tn_acc(grad->head_weight, c->dout, h_read, rows, O, H);
    linalg_matmul_bias(dtop, c->dout, p->head_weight, NULL, rows, O, H);
    if (!every) {
        scatter_last(top->dtop, c->d_last, top->len, Tt, B, H);
        for (int b = 0; b < B; b++)
            c->d_last_step[b] = (top->len ? top->len[b] : Tt) - 1;
    }
    linalg_colsum_acc(grad->head_bias, c->dout, rows, O);

    if (d->shape != SHAPE_SEQ2SEQ) {
        /* a window walks from each loss term: with lengths that vary, each sequence's last
         * step is one, so every step may hold terms */
        stack_backward(grad->rnn, c->rnn, in->x, p->rnn, d, truncate, mode, every || c->len, NULL);
        return;
    }
    /* Through the decoder, then into the encoder through each layer's final state. */
    stack_backward(grad->dec, c->dec, in->xd, p->dec, d, 0, TRUNCATE_WINDOW, 1, NULL);
    memset(c->rnn[d->L - 1].dtop, 0, TBH * sizeof(double));
    stack_backward(grad->rnn, c->rnn, in->x, p->rnn, d, 0, TRUNCATE_WINDOW, 0, c->dec);
}

void model_free_run(Cache *c, const Params *p, const ModelDims *d)
{
    assert(d->shape == SHAPE_SEQ2SEQ);
    int B = c->B, Td = c->Td, Id = d->Id, O = d->O;
    size_t BH = (size_t)B * d->H;
    LayerCache *fr = c->free_run;
    for (int l = 0; l < d->L; l++) {
        gather_last(fr[l].hs, c->rnn[l].hs, c->len, c->T, B, (size_t)d->H);
        gather_last(fr[l].cs, c->rnn[l].cs, c->len, c->T, B, (size_t)d->H);
        fr[l].zero_h0 = 0;
        fr[l].len = c->len_d;
    }
    memset(c->free_run_x, 0, (size_t)Td * B * Id * sizeof(double));
    for (int s = 0; s < Td; s++) {
        double *xs = c->free_run_x + (size_t)s * B * Id;
        for (int b = 0; b < B; b++) {
            if (s == 0) {
                xs[(size_t)b * Id + (Id - 1)] = 1.0; /* the start symbol */
                continue;
            }
            const double *prev = c->free_run_out + ((size_t)(s - 1) * B + b) * O;
            int best = 0;
            for (int k = 1; k < O; k++)
                if (prev[k] > prev[best])
                    best = k;
            xs[(size_t)b * Id + best] = 1.0;
        }
        stack_forward_steps(fr, c->free_run_x, p->dec, d, s, s + 1);
        model_head(c->free_run_out + (size_t)s * B * O, fr[d->L - 1].hs + (size_t)(s + 1) * BH, p, d, (size_t)B);
    }
}
