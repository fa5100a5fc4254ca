/* test_model.c: BPTT against finite differences for every model, activation, shape, loss
 * and truncation, one layer and stacks; the exact linear law of gradient decay; PyTorch's
 * parameter layout. */
#include "check.h"

#include "config.h"
#include "linalg.h"
#include "model.h"
#include "optim.h"
#include "task.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A tiny problem: H=3, B=2, a few steps, parameters and a batch drawn from fixed seeds. */
typedef struct {
    Config cfg;
    Task task;
    ModelDims d;
    size_t n;
    int T, Td, TT; /* encoder (or only) steps, decoder steps, all steps */
    double *block, *grad_block;
    Params p, g;
    Batch batch;
    Cache cache;
} Problem;

static void problem_create_full(Problem *pb, int model, Activation act, int task, int truncate, int seq_len,
                                int layers, int min_len, int batch)
{
    char err[CONFIG_ERR_LEN];
    config_default(&pb->cfg);
    pb->cfg.model = model;
    pb->cfg.activation = act;
    pb->cfg.task = task;
    pb->cfg.hidden = 3;
    pb->cfg.seq_len = seq_len;
    pb->cfg.batch = batch;
    pb->cfg.lag = 2;
    pb->cfg.symbols = 3;
    pb->cfg.truncate = truncate;
    pb->cfg.layers = layers;
    pb->cfg.min_len = min_len;
    if (config_resolve(&pb->cfg, err, sizeof err) != 0)
        fail_msg("%s", err);
    if (task_create(&pb->task, &pb->cfg, err, sizeof err) != 0)
        fail_msg("%s", err);
    pb->d = model_dims(&pb->cfg, &pb->task.info);
    pb->T = pb->task.info.T;
    pb->Td = pb->task.info.Td;
    pb->TT = pb->T + pb->Td;
    pb->n = model_param_count(&pb->d);
    pb->block = calloc(pb->n, sizeof(double));
    pb->grad_block = calloc(pb->n, sizeof(double));
    model_params_point(&pb->p, pb->block, &pb->d);
    model_params_point(&pb->g, pb->grad_block, &pb->d);
    Rng rng;
    rng_seed(&rng, 7, 1);
    /* Larger than PyTorch's default so every nonlinearity works away from its linear part. */
    for (size_t i = 0; i < pb->n; i++)
        pb->block[i] = rng_uniform_range(&rng, -1.0, 1.0);
    assert_int_equal(task_batch_create(&pb->batch, &pb->task), 0);
    task_sample(&pb->task, &pb->batch, &rng);
    assert_int_equal(model_cache_create(&pb->cache, &pb->d, pb->T, pb->Td, batch), 0);
    /* The arrays the kernels sweep start on a cache line (linalg_calloc): a row of eight
     * doubles straddling two lines cost 10-20 % of an lstm step at batch 32. */
    assert_int_equal((uintptr_t)pb->cache.rnn[0].whh_t % 64, 0);
    assert_int_equal((uintptr_t)pb->cache.rnn[0].gate % 64, 0);
    assert_int_equal((uintptr_t)pb->cache.rnn[0].dax % 64, 0);
}

static void problem_create_layers(Problem *pb, int model, Activation act, int task, int truncate, int seq_len,
                                  int layers)
{
    problem_create_full(pb, model, act, task, truncate, seq_len, layers, 0, 2);
}

static void problem_create_len(Problem *pb, int model, Activation act, int task, int truncate, int seq_len)
{
    problem_create_layers(pb, model, act, task, truncate, seq_len, 1);
}

static void problem_destroy(Problem *pb)
{
    model_cache_destroy(&pb->cache);
    task_batch_destroy(&pb->batch);
    task_destroy(&pb->task);
    free(pb->grad_block);
    free(pb->block);
}

/* dL/dh_t (or dL/dc_t) over all steps, encoder then decoder, of every layer: (L, TT, B, H). */
static void analytic_dh(const Problem *pb, double *out, int cell)
{
    size_t BH = (size_t)pb->cfg.batch * pb->d.H;
    for (int l = 0; l < pb->d.L; l++, out += (size_t)pb->TT * BH) {
        if (cell && !pb->d.cell->has_cell_state) { /* no dc kept: dL/dc is zero */
            memset(out, 0, (size_t)pb->TT * BH * sizeof(double));
            continue;
        }
        memcpy(out, cell ? pb->cache.rnn[l].dc : pb->cache.rnn[l].dh, (size_t)pb->T * BH * sizeof(double));
        if (pb->Td)
            memcpy(out + (size_t)pb->T * BH, cell ? pb->cache.dec[l].dc : pb->cache.dec[l].dh,
                   (size_t)pb->Td * BH * sizeof(double));
    }
}

/* Every layer's state at step s0 of fixed (L, T+1, B, H), as the (L, B, H) a forward starts from. */
static void states_at(double *out, const double *fixed, int L, int T, size_t BH, int s0)
{
    for (int l = 0; l < L; l++)
        memcpy(out + (size_t)l * BH, fixed + ((size_t)l * (T + 1) + s0) * BH, BH * sizeof(double));
}

/* The loss whose exact gradient (truncated) BPTT computes. With full BPTT, the loss itself,
 * from the initial states at step 0 of fixed_hs (and fixed_cs). Truncated: each loss term
 * at t sees the network only through the last K steps, every layer's state before them
 * held at the value the unperturbed parameters give (`fixed_hs`, `fixed_cs`: (L, T+1, B,
 * H)). probe_t >= 0 adds `delta` to h_t (or c_t) of layer probe_l at (t, i) (i over B*H) in
 * every window that computes it. */
static double surrogate_loss(const Problem *pb, const double *fixed_hs, const double *fixed_cs, int probe_l,
                             int probe_t, size_t probe_i, int probe_c, double delta)
{
    const ModelDims *d = &pb->d;
    int T = pb->T, B = pb->cfg.batch, K = pb->cfg.truncate, L = d->L;
    size_t BH = (size_t)B * d->H, O = (size_t)d->O;
    double *h0 = malloc((size_t)L * BH * sizeof(double)), *c0 = malloc((size_t)L * BH * sizeof(double));
    if (K <= 0 || K >= T) {
        double *probe = calloc((size_t)L * pb->TT * BH, sizeof(double));
        if (probe_t >= 0)
            probe[((size_t)probe_l * pb->TT + probe_t) * BH + probe_i] = delta;
        states_at(h0, fixed_hs, L, T, BH, 0);
        states_at(c0, fixed_cs, L, T, BH, 0);
        ForwardOptions opt = {h0, c0, probe_c ? NULL : probe, probe_c ? probe : NULL};
        Cache c;
        assert_int_equal(model_cache_create(&c, d, T, pb->Td, B), 0);
        model_forward(&c, &pb->batch, &pb->p, d, &opt);
        double l = model_loss(&c, &pb->batch, d);
        model_cache_destroy(&c);
        free(probe);
        free(c0);
        free(h0);
        return l;
    }
    ModelDims sub = *d;
    sub.shape = SHAPE_MANY_TO_ONE;
    int every = model_head_every(d);
    int first = every ? 0 : T - 1;
    double total = 0.0;
    for (int tl = first; tl < T; tl++) {
        int s0 = tl - K + 1 > 0 ? tl - K + 1 : 0, Tw = tl - s0 + 1;
        Batch w = pb->batch;
        w.T = Tw;
        w.shape = SHAPE_MANY_TO_ONE;
        w.x = pb->batch.x + (size_t)s0 * B * d->I;
        if (every) {
            if (w.y)
                w.y = pb->batch.y + (size_t)tl * B * O;
            if (w.label)
                w.label = pb->batch.label + (size_t)tl * B;
        }
        double *probe = calloc((size_t)L * Tw * BH, sizeof(double));
        if (probe_t >= s0 && probe_t <= tl)
            probe[((size_t)probe_l * Tw + (probe_t - s0)) * BH + probe_i] = delta;
        states_at(h0, fixed_hs, L, T, BH, s0);
        states_at(c0, fixed_cs, L, T, BH, s0);
        ForwardOptions opt = {h0, c0, probe_c ? NULL : probe, probe_c ? probe : NULL};
        Cache c;
        assert_int_equal(model_cache_create(&c, &sub, Tw, 0, B), 0);
        model_forward(&c, &w, &pb->p, &sub, &opt);
        double l = model_loss(&c, &w, &sub);
        /* A loss on every step averages over T positions: one term is 1/T of it. */
        total += every ? l / T : l;
        model_cache_destroy(&c);
        free(probe);
    }
    free(c0);
    free(h0);
    return total;
}

static void gradient_check_layers(int model, Activation act, int task, int truncate, int layers)
{
    Problem pb;
    int T = task == task_find("xor") ? 1 : task == task_find("copy") ? 1 : task == task_find("reverse") ? 3 : 5;
    problem_create_layers(&pb, model, act, task, truncate, T, layers);
    const ModelDims *d = &pb.d;
    int B = pb.cfg.batch, TT = pb.TT, L = d->L;
    size_t BH = (size_t)B * d->H, TBH = (size_t)pb.T * BH, LTT = (size_t)L * TT;
    char what[200];
    snprintf(what, sizeof what, "%s %s %s truncate=%d layers=%d", config_model_name(model),
             config_activation_name(act), config_task_name(task), truncate, L);

    model_forward(&pb.cache, &pb.batch, &pb.p, d, NULL);
    double loss = model_loss(&pb.cache, &pb.batch, d);
    model_backward(&pb.g, &pb.cache, &pb.batch, &pb.p, d, truncate, TRUNCATE_WINDOW);
    double *fixed_hs = malloc((size_t)L * (TBH + BH) * sizeof(double));
    double *fixed_cs = malloc((size_t)L * (TBH + BH) * sizeof(double));
    for (int l = 0; l < L; l++) {
        memcpy(fixed_hs + (size_t)l * (TBH + BH), pb.cache.rnn[l].hs, (TBH + BH) * sizeof(double));
        memcpy(fixed_cs + (size_t)l * (TBH + BH), pb.cache.rnn[l].cs, (TBH + BH) * sizeof(double));
    }
    if (truncate == 0) {
        double s = surrogate_loss(&pb, fixed_hs, fixed_cs, 0, -1, 0, 0, 0);
        if (!(fabs(s - loss) <= 1e-14 * fabs(loss)))
            fail_msg("%s: the loss from a given zero state %.17g differs from %.17g", what, s, loss);
    }

    const double eps = 1e-5;
    ParamSpec specs[MODEL_MAX_TENSORS];
    model_param_specs(specs, d);
    for (int k = 0; k < d->n_tensors; k++) {
        double *fd = calloc(specs[k].size, sizeof(double));
        double *w = model_tensor(&pb.p, d, k);
        for (size_t i = 0; i < specs[k].size; i++) {
            double keep = w[i];
            w[i] = keep + eps;
            double up = surrogate_loss(&pb, fixed_hs, fixed_cs, 0, -1, 0, 0, 0);
            w[i] = keep - eps;
            double down = surrogate_loss(&pb, fixed_hs, fixed_cs, 0, -1, 0, 0, 0);
            w[i] = keep;
            fd[i] = (up - down) / (2 * eps);
        }
        double e = check_rel_error(fd, model_tensor(&pb.g, d, k), specs[k].size, 1e-300);
        if (!(e < 1e-6))
            fail_msg("%s: %s: relative error %.3g", what, specs[k].name, e);
        free(fd);
    }
    /* dL/dh_t (and dL/dc_t) of every layer through the probes, one time step at a time. */
    double *an = malloc(LTT * BH * sizeof(double));
    for (int pc = 0; pc <= d->cell->has_cell_state; pc++) {
        double *fd = calloc(LTT * BH, sizeof(double));
        for (int l = 0; l < L; l++)
            for (int t = 0; t < TT; t++)
                for (size_t i = 0; i < BH; i++) {
                    double up = surrogate_loss(&pb, fixed_hs, fixed_cs, l, t, i, pc, eps);
                    double down = surrogate_loss(&pb, fixed_hs, fixed_cs, l, t, i, pc, -eps);
                    fd[((size_t)l * TT + t) * BH + i] = (up - down) / (2 * eps);
                }
        analytic_dh(&pb, an, pc);
        for (size_t lt = 0; lt < LTT; lt++) {
            double e = check_rel_error(fd + lt * BH, an + lt * BH, BH, 1e-300);
            if (!(e < 1e-6))
                fail_msg("%s: %s of layer %d at t=%d: relative error %.3g", what, pc ? "dL/dc_t" : "dL/dh_t",
                         (int)(lt / (size_t)TT), (int)(lt % (size_t)TT), e);
        }
        free(fd);
    }
    free(an);
    /* dL/d(initial state) of each layer: what of each term's gradient reaches before t = 0. */
    for (int l = 0; l < L; l++)
        for (int pc = 0; pc <= d->cell->has_cell_state; pc++) {
            double *fd = calloc(BH, sizeof(double)), *v = (pc ? fixed_cs : fixed_hs) + (size_t)l * (TBH + BH);
            for (size_t i = 0; i < BH; i++) {
                v[i] = eps;
                double up = surrogate_loss(&pb, fixed_hs, fixed_cs, 0, -1, 0, 0, 0);
                v[i] = -eps;
                double down = surrogate_loss(&pb, fixed_hs, fixed_cs, 0, -1, 0, 0, 0);
                v[i] = 0.0;
                fd[i] = (up - down) / (2 * eps);
            }
            double e = check_rel_error(fd, pc ? pb.cache.rnn[l].dc_init : pb.cache.rnn[l].dh_init, BH, 1e-300);
            if (!(e < 1e-6))
                fail_msg("%s: dL/d initial %s of layer %d: relative error %.3g", what, pc ? "c" : "h", l, e);
            free(fd);
        }
    free(fixed_cs);
    free(fixed_hs);
    problem_destroy(&pb);
}

static void gradient_check(int model, Activation act, int task, int truncate)
{
    gradient_check_layers(model, act, task, truncate, 1);
}

/* Every shape and both losses: xor one-to-one, wave one-to-many (mse), adding many-to-one
 * (mse), parity many-to-one (xent), echo many-to-many (xent), sine many-to-many (mse), copy
 * (many-to-many, 21 steps), reverse seq2seq (full BPTT only), each truncated where it can be. */
static void check_all_tasks(const char *model, Activation a)
{
    const int tasks[] = {task_find("xor"), task_find("wave"), task_find("adding"), task_find("parity"),
                         task_find("echo"), task_find("sine"), task_find("copy"), task_find("reverse")};
    const int truncations[3] = {0, 2, 1};
    assert_true(cell_find(model) >= 0);
    for (size_t t = 0; t < sizeof tasks / sizeof tasks[0]; t++)
        for (int k = 0; k < (tasks[t] == task_find("reverse") ? 1 : 3); k++)
            gradient_check(cell_find(model), a, tasks[t], truncations[k]);
}

static void test_rnn_tanh_backward_matches_finite_differences(void **s) { (void)s; check_all_tasks("rnn", ACT_TANH); }
static void test_rnn_relu_backward_matches_finite_differences(void **s) { (void)s; check_all_tasks("rnn", ACT_RELU); }
static void test_rnn_sigmoid_backward_matches_finite_differences(void **s) { (void)s; check_all_tasks("rnn", ACT_SIGMOID); }
static void test_rnn_linear_backward_matches_finite_differences(void **s) { (void)s; check_all_tasks("rnn", ACT_LINEAR); }
static void test_lstm_backward_matches_finite_differences(void **s) { (void)s; check_all_tasks("lstm", ACT_TANH); }
static void test_gru_backward_matches_finite_differences(void **s) { (void)s; check_all_tasks("gru", ACT_TANH); }

/* Forward, loss and backward of pb into fresh gradients; returns the loss. */
static double pass(Problem *pb, int K, TruncateMode mode)
{
    memset(pb->grad_block, 0, pb->n * sizeof(double));
    model_forward(&pb->cache, &pb->batch, &pb->p, &pb->d, NULL);
    double loss = model_loss(&pb->cache, &pb->batch, &pb->d);
    model_backward(&pb->g, &pb->cache, &pb->batch, &pb->p, &pb->d, K, mode);
    return loss;
}

/* Padding is inert: with min_len=, writing anything into x past a sequence's length (and
 * into the decoder's input past its own) changes no bit of the loss, the outputs, the
 * parameter gradients or any dL/dh_t, dL/dc_t; and the states and gradients are zero there. */
static void padding_is_inert(const char *model, const char *task, int seq_len, int min_len, int layers, int K,
                             TruncateMode mode)
{
    Problem pb;
    problem_create_full(&pb, cell_find(model), ACT_TANH, task_find(task), 0, seq_len, layers, min_len, 6);
    const ModelDims *d = &pb.d;
    const Batch *bt = &pb.batch;
    int B = bt->B, TT = pb.TT, L = d->L;
    size_t H = (size_t)d->H, BH = (size_t)B * H, LN = (size_t)L * TT * BH, OUT = (size_t)d->O;
    size_t n_out = (d->shape == SHAPE_SEQ2SEQ ? (size_t)pb.Td * B : model_head_every(d) ? (size_t)pb.T * B : (size_t)B) * OUT;
    int shorter = 0;
    for (int b = 0; b < B; b++)
        shorter += bt->len[b] < pb.T;
    assert_true(shorter > 0); /* some padding to test */
    double loss = pass(&pb, K, mode);
    double *grad = malloc(pb.n * sizeof(double)), *out = malloc(n_out * sizeof(double));
    double *dh = malloc(LN * sizeof(double)), *dc = malloc(LN * sizeof(double));
    memcpy(grad, pb.grad_block, pb.n * sizeof(double));
    memcpy(out, pb.cache.out, n_out * sizeof(double));
    analytic_dh(&pb, dh, 0);
    analytic_dh(&pb, dc, 1);
    for (int l = 0; l < L; l++) /* zero past each end, in every layer */
        for (int t = 0; t < pb.T; t++)
            for (int b = 0; b < B; b++)
                for (size_t j = 0; j < H && t >= bt->len[b]; j++) {
                    assert_true(pb.cache.rnn[l].hs[((size_t)(t + 1) * B + b) * H + j] == 0.0);
                    assert_true(dh[((size_t)l * TT + t) * BH + (size_t)b * H + j] == 0.0);
                }
    Rng rng;
    rng_seed(&rng, 99, 3);
    for (int t = 0; t < pb.T; t++)
        for (int b = 0; b < B; b++)
            for (int i = 0; i < bt->I && t >= bt->len[b]; i++)
                bt->x[((size_t)t * B + b) * bt->I + i] = rng_uniform_range(&rng, -3, 3);
    for (int s = 0; s < pb.Td; s++)
        for (int b = 0; b < B; b++)
            for (int i = 0; i < bt->Id && s >= bt->len_d[b]; i++)
                bt->xd[((size_t)s * B + b) * bt->Id + i] = rng_uniform_range(&rng, -3, 3);
    double loss2 = pass(&pb, K, mode);
    double *dh2 = calloc(LN, sizeof(double));
    char what[160];
    snprintf(what, sizeof what, "%s %s min_len=%d layers=%d truncate=%d", model, task, min_len, layers, K);
    if (memcmp(&loss, &loss2, sizeof loss) != 0)
        fail_msg("%s: the loss moved from %.17g to %.17g", what, loss, loss2);
    if (memcmp(out, pb.cache.out, n_out * sizeof(double)) != 0)
        fail_msg("%s: an output moved", what);
    if (memcmp(grad, pb.grad_block, pb.n * sizeof(double)) != 0)
        fail_msg("%s: a parameter gradient moved", what);
    analytic_dh(&pb, dh2, 0);
    if (memcmp(dh, dh2, LN * sizeof(double)) != 0)
        fail_msg("%s: dL/dh_t moved", what);
    analytic_dh(&pb, dh2, 1);
    if (memcmp(dc, dh2, LN * sizeof(double)) != 0)
        fail_msg("%s: dL/dc_t moved", what);
    /* and a gradient put on the outputs past an end (as itemise's Jacobian rows do) reaches
     * nothing: the padded outputs do not depend on the parameters or the inputs */
    int padded_out = 0;
    for (size_t i = 0; i < n_out; i++) {
        int real = task_position_real(bt, i / OUT);
        pb.cache.dout[i] = real ? 0.0 : 1.0;
        padded_out += !real;
    }
    if (padded_out) {
        memset(pb.grad_block, 0, pb.n * sizeof(double));
        model_backward(&pb.g, &pb.cache, &pb.batch, &pb.p, d, K, mode);
        for (size_t i = 0; i < pb.n - (size_t)d->O * (d->H + 1); i++) /* the head's own weights do take it */
            if (pb.grad_block[i] != 0.0)
                fail_msg("%s: a padded output's gradient reached parameter %zu", what, i);
    }
    free(dh2), free(dc), free(dh), free(out), free(grad);
    problem_destroy(&pb);
}

static void test_a_padded_step_contributes_nothing(void **s)
{
    (void)s;
    const char *models[] = {"rnn", "lstm", "gru"};
    for (int m = 0; m < 3; m++)
        for (int L = 1; L <= 2; L++) {
            padding_is_inert(models[m], "adding", 12, 2, L, 0, TRUNCATE_WINDOW);
            padding_is_inert(models[m], "adding", 12, 2, L, 3, TRUNCATE_WINDOW);
            padding_is_inert(models[m], "echo", 12, 2, L, 0, TRUNCATE_WINDOW);
            padding_is_inert(models[m], "echo", 12, 2, L, 4, TRUNCATE_CHUNK);
            padding_is_inert(models[m], "sine", 10, 2, L, 3, TRUNCATE_WINDOW);
            padding_is_inert(models[m], "copy", 6, 1, L, 0, TRUNCATE_WINDOW);
            padding_is_inert(models[m], "reverse", 6, 2, L, 0, TRUNCATE_WINDOW);
        }
}

/* A cache used before gives what a new one gives: a head on the last step writes only each
 * sequence's last row of the top layer's dL/dh from above and clears it at the next backward
 * (model.c keeps the other rows zero instead of clearing them all). Two batches of other
 * lengths through one cache, the second against a fresh cache: the same gradient, dL/dh_t
 * and dL/dh from above, bit for bit (full BPTT, a window, chunks; one layer and two). */
static void a_used_cache_gives_a_fresh_caches_bits(const char *model, int layers, int K, TruncateMode mode)
{
    Problem pb, fresh;
    problem_create_full(&pb, cell_find(model), ACT_TANH, task_find("adding"), 0, 9, layers, 2, 5);
    problem_create_full(&fresh, cell_find(model), ACT_TANH, task_find("adding"), 0, 9, layers, 2, 5);
    Rng rng;
    rng_seed(&rng, 99, 3);
    pass(&pb, K, mode); /* the first batch (problem_create_full's sample) */
    Rng same = rng;
    task_sample(&pb.task, &pb.batch, &rng); /* another batch, other lengths */
    task_sample(&fresh.task, &fresh.batch, &same);
    int moved = 0;
    pass(&pb, K, mode);
    pass(&fresh, K, mode);
    for (int b = 0; b < pb.batch.B; b++)
        moved += pb.cache.d_last_step[b] != pb.T - 1;
    assert_true(moved > 0); /* some sequences end before T: their rows moved */
    assert_memory_equal(pb.grad_block, fresh.grad_block, pb.n * sizeof(double));
    size_t TBH = (size_t)pb.T * pb.batch.B * pb.d.H;
    for (int l = 0; l < layers; l++) {
        assert_memory_equal(pb.cache.rnn[l].dh, fresh.cache.rnn[l].dh, TBH * sizeof(double));
        assert_memory_equal(pb.cache.rnn[l].dtop, fresh.cache.rnn[l].dtop, TBH * sizeof(double));
    }
    problem_destroy(&fresh);
    problem_destroy(&pb);
}

static void test_a_used_cache_gives_a_fresh_caches_bits(void **s)
{
    (void)s;
    const char *models[] = {"rnn", "lstm", "gru"};
    for (int m = 0; m < 3; m++)
        for (int L = 1; L <= 2; L++) {
            a_used_cache_gives_a_fresh_caches_bits(models[m], L, 0, TRUNCATE_WINDOW);
            a_used_cache_gives_a_fresh_caches_bits(models[m], L, 3, TRUNCATE_WINDOW);
            a_used_cache_gives_a_fresh_caches_bits(models[m], L, 4, TRUNCATE_CHUNK);
        }
}

/* Stacks: every layer's dL/dh_t (dL/dc_t), dL/d(initial state) and parameter gradient, on
 * every shape, with full BPTT and with a window of 2 steps (which a loss term's gradient
 * walks in every layer, passing down freely); two layers everywhere, three on a few. */
static void test_stacks_backward_match_finite_differences(void **s)
{
    (void)s;
    const char *models[] = {"rnn", "lstm", "gru"};
    const int tasks[] = {task_find("xor"), task_find("wave"), task_find("adding"), task_find("echo"),
                         task_find("reverse")};
    for (size_t m = 0; m < 3; m++)
        for (size_t t = 0; t < sizeof tasks / sizeof tasks[0]; t++)
            for (int K = 0; K <= (tasks[t] == task_find("reverse") ? 0 : 2); K += 2)
                gradient_check_layers(cell_find(models[m]), ACT_TANH, tasks[t], K, 2);
    gradient_check_layers(cell_find("lstm"), ACT_TANH, task_find("adding"), 2, 3);
    gradient_check_layers(cell_find("gru"), ACT_TANH, task_find("echo"), 2, 3);
    gradient_check_layers(cell_find("rnn"), ACT_RELU, task_find("reverse"), 0, 3);
}

/* Linear RNN, W_hh = rho Q with Q orthogonal, many-to-one: dL/dh_{t-1} = dL/dh_t W_hh, so
 * ||dL/dh_t|| = rho^(T-1-t) ||dL/dh_{T-1}|| exactly. */
static void linear_law(double rho)
{
    char err[CONFIG_ERR_LEN];
    Config cfg;
    config_default(&cfg);
    cfg.activation = ACT_LINEAR;
    cfg.init = INIT_ORTHOGONAL;
    cfg.rho = rho;
    cfg.seq_len = 60;
    cfg.hidden = 16;
    cfg.batch = 4;
    assert_int_equal(config_resolve(&cfg, err, sizeof err), 0);
    Task task;
    assert_int_equal(task_create(&task, &cfg, err, sizeof err), 0);
    ModelDims d = model_dims(&cfg, &task.info);
    double *block = calloc(model_param_count(&d), sizeof(double));
    double *gblock = calloc(model_param_count(&d), sizeof(double));
    Params p, g;
    model_params_point(&p, block, &d);
    model_params_point(&g, gblock, &d);
    Rng rng;
    rng_seed(&rng, 3, 1);
    assert_int_equal(model_init(&p, &d, &cfg, &rng), 0);
    double s[16];
    assert_int_equal(linalg_singular_values(s, p.rnn[0].weight_hh, 16), 0);
    for (int i = 0; i < 16; i++) /* every singular value is rho */
        assert_true(fabs(s[i] - rho) < 1e-12);
    Batch b;
    Cache c;
    assert_int_equal(task_batch_create(&b, &task), 0);
    task_sample(&task, &b, &rng);
    assert_int_equal(model_cache_create(&c, &d, 60, 0, 4), 0);
    model_forward(&c, &b, &p, &d, NULL);
    model_loss(&c, &b, &d);
    model_backward(&g, &c, &b, &p, &d, 0, TRUNCATE_WINDOW);
    double norms[60], expect[60];
    size_t BH = 4 * 16;
    for (int t = 0; t < 60; t++)
        norms[t] = optim_norm(c.rnn[0].dh + t * BH, BH);
    for (int t = 0; t < 60; t++)
        expect[t] = pow(rho, 59 - t) * norms[59];
    check_close("||dL/dh_t||", norms, expect, 60, 1e-10, 0);
    model_cache_destroy(&c);
    task_batch_destroy(&b);
    task_destroy(&task);
    free(gblock);
    free(block);
}

static void test_linear_rnn_gradient_decays_as_rho_to_the_distance(void **s) { (void)s; linear_law(0.9); }
static void test_linear_rnn_gradient_grows_as_rho_to_the_distance(void **s) { (void)s; linear_law(1.1); }

static ModelDims dims_of(const Config *cfg)
{
    Task t;
    char err[CONFIG_ERR_LEN];
    if (task_create(&t, cfg, err, sizeof err) != 0)
        fail_msg("%s", err);
    ModelDims d = model_dims(cfg, &t.info);
    task_destroy(&t);
    return d;
}

/* ---- truncate_mode=chunk ---- */

/* Chunks of K >= T are the whole sequence: the same bits as full BPTT. */
static void test_chunk_of_the_whole_sequence_is_full_bptt_bit_for_bit(void **s)
{
    (void)s;
    const char *models[] = {"rnn", "lstm", "gru"};
    const int tasks[] = {task_find("adding"), task_find("echo"), task_find("sine")};
    for (size_t m = 0; m < 3; m++)
        for (size_t k = 0; k < 3; k++) {
            Problem pb;
            problem_create_len(&pb, cell_find(models[m]), ACT_TANH, tasks[k], 0, 12);
            const ModelDims *d = &pb.d;
            size_t TBH = (size_t)pb.T * pb.cfg.batch * d->H;
            model_forward(&pb.cache, &pb.batch, &pb.p, d, NULL);
            model_loss(&pb.cache, &pb.batch, d);
            model_backward(&pb.g, &pb.cache, &pb.batch, &pb.p, d, 0, TRUNCATE_WINDOW);
            double *full = malloc(pb.n * sizeof(double)), *full_dh = malloc(TBH * sizeof(double));
            memcpy(full, pb.grad_block, pb.n * sizeof(double));
            memcpy(full_dh, pb.cache.rnn[0].dh, TBH * sizeof(double));
            const int Ks[] = {12, 13, 1000, 0};
            for (size_t j = 0; j < 4; j++) {
                memset(pb.grad_block, 0, pb.n * sizeof(double));
                model_backward(&pb.g, &pb.cache, &pb.batch, &pb.p, d, Ks[j], TRUNCATE_CHUNK);
                if (memcmp(full, pb.grad_block, pb.n * sizeof(double)) != 0 ||
                    memcmp(full_dh, pb.cache.rnn[0].dh, TBH * sizeof(double)) != 0)
                    fail_msg("%s %s chunk K=%d: not the bits of full BPTT", models[m],
                             config_task_name(tasks[k]), Ks[j]);
            }
            free(full_dh);
            free(full);
            problem_destroy(&pb);
        }
}

/* The reference: each chunk run on its own as a short sequence, from the state the whole
 * run reaches at its start held fixed (as PyTorch's h.detach()), with full BPTT inside it;
 * the parameter gradients summed over the chunks and dL/dh_t, dL/dc_t read off each. A
 * chunk's loss is a mean over its own Tc positions: in the whole loss (over T) it weighs
 * Tc/T. A loss on the last step only sits in the last chunk. */
static void chunk_reference(const Problem *pb, int K, double *grad, double *dh, double *dc)
{
    const ModelDims *d = &pb->d;
    int T = pb->T, B = pb->cfg.batch, L = d->L;
    size_t BH = (size_t)B * d->H, O = (size_t)d->O, I = (size_t)d->I, TBH = (size_t)T * BH;
    int every = model_head_every(d);
    double *gb = malloc(pb->n * sizeof(double));
    double *h0 = malloc((size_t)L * BH * sizeof(double)), *c0 = malloc((size_t)L * BH * sizeof(double));
    Params g;
    model_params_point(&g, gb, d);
    memset(grad, 0, pb->n * sizeof(double));
    memset(dh, 0, (size_t)L * TBH * sizeof(double));
    memset(dc, 0, (size_t)L * TBH * sizeof(double));
    for (int s0 = 0; s0 < T; s0 += K) {
        int Tc = s0 + K < T ? K : T - s0;
        if (!every && s0 + Tc < T)
            continue; /* no loss term in this chunk */
        Batch w = pb->batch;
        w.T = Tc;
        w.x = pb->batch.x + (size_t)s0 * B * I;
        if (every) {
            if (w.y)
                w.y = pb->batch.y + (size_t)s0 * B * O;
            if (w.label)
                w.label = pb->batch.label + (size_t)s0 * B;
        }
        for (int l = 0; l < L; l++) { /* every layer's state entering the chunk */
            memcpy(h0 + (size_t)l * BH, pb->cache.rnn[l].hs + (size_t)s0 * BH, BH * sizeof(double));
            memcpy(c0 + (size_t)l * BH, pb->cache.rnn[l].cs + (size_t)s0 * BH, BH * sizeof(double));
        }
        ForwardOptions opt = {h0, c0, NULL, NULL};
        Cache c;
        assert_int_equal(model_cache_create(&c, d, Tc, 0, B), 0);
        model_forward(&c, &w, &pb->p, d, &opt);
        model_loss(&c, &w, d);
        memset(gb, 0, pb->n * sizeof(double));
        model_backward(&g, &c, &w, &pb->p, d, 0, TRUNCATE_WINDOW);
        double weight = every ? (double)Tc / T : 1.0;
        for (size_t i = 0; i < pb->n; i++)
            grad[i] += weight * gb[i];
        for (int l = 0; l < L; l++)
            for (size_t i = 0; i < (size_t)Tc * BH; i++) {
                dh[(size_t)l * TBH + (size_t)s0 * BH + i] = weight * c.rnn[l].dh[i];
                dc[(size_t)l * TBH + (size_t)s0 * BH + i] = c.rnn[l].dc ? weight * c.rnn[l].dc[i] : 0.0;
            }
        model_cache_destroy(&c);
    }
    free(c0);
    free(h0);
    free(gb);
}

/* T = 12 in chunks of 5 (5, 5, 2) and 4 (4, 4, 4), many-to-one, many-to-many (mse, xent),
 * one layer and a stack of two (every layer's state detached at the boundaries). */
static void test_chunk_gradient_is_the_sum_over_chunks_run_on_their_own(void **s)
{
    (void)s;
    const char *models[] = {"rnn", "lstm", "gru"};
    const int tasks[] = {task_find("adding"), task_find("echo"), task_find("sine")};
    const int Ks[] = {5, 4, 1};
    for (int L = 1; L <= 2; L++)
    for (size_t m = 0; m < 3; m++)
        for (size_t k = 0; k < 3; k++)
            for (size_t j = 0; j < 3; j++) {
                Problem pb;
                problem_create_layers(&pb, cell_find(models[m]), ACT_TANH, tasks[k], 0, 12, L);
                const ModelDims *d = &pb.d;
                size_t TBH = (size_t)pb.T * pb.cfg.batch * d->H;
                size_t LTBH = (size_t)L * TBH;
                model_forward(&pb.cache, &pb.batch, &pb.p, d, NULL);
                model_loss(&pb.cache, &pb.batch, d);
                model_backward(&pb.g, &pb.cache, &pb.batch, &pb.p, d, Ks[j], TRUNCATE_CHUNK);
                double *grad = malloc(pb.n * sizeof(double));
                double *dh = malloc(LTBH * sizeof(double)), *dc = malloc(LTBH * sizeof(double));
                double *an = malloc(LTBH * sizeof(double));
                chunk_reference(&pb, Ks[j], grad, dh, dc);
                char what[160];
                snprintf(what, sizeof what, "%s %s chunk K=%d layers=%d: parameter gradient", models[m],
                         config_task_name(tasks[k]), Ks[j], L);
                check_close(what, pb.grad_block, grad, pb.n, 1e-12, 1e-14);
                snprintf(what, sizeof what, "%s %s chunk K=%d layers=%d: dL/dh_t", models[m],
                         config_task_name(tasks[k]), Ks[j], L);
                analytic_dh(&pb, an, 0);
                check_close(what, an, dh, LTBH, 1e-12, 1e-14);
                if (d->cell->has_cell_state) {
                    snprintf(what, sizeof what, "%s %s chunk K=%d layers=%d: dL/dc_t", models[m],
                             config_task_name(tasks[k]), Ks[j], L);
                    analytic_dh(&pb, an, 1);
                    check_close(what, an, dc, LTBH, 1e-12, 1e-14);
                }
                free(an);
                /* and it is not full BPTT: something crossed the boundaries there */
                memcpy(grad, pb.grad_block, pb.n * sizeof(double));
                memset(pb.grad_block, 0, pb.n * sizeof(double));
                model_backward(&pb.g, &pb.cache, &pb.batch, &pb.p, d, 0, TRUNCATE_WINDOW);
                assert_true(check_rel_error(grad, pb.grad_block, pb.n, 1e-300) > 1e-6);
                free(dc);
                free(dh);
                free(grad);
                problem_destroy(&pb);
            }
}

static void test_parameter_names_and_shapes_are_pytorchs(void **s)
{
    (void)s;
    Config cfg;
    char err[CONFIG_ERR_LEN];
    config_default(&cfg);
    cfg.model = cell_find("lstm");
    cfg.task = task_find("echo");
    cfg.hidden = 7;
    assert_int_equal(config_resolve(&cfg, err, sizeof err), 0);
    ModelDims d = dims_of(&cfg);
    ParamSpec sp[MODEL_MAX_TENSORS];
    model_param_specs(sp, &d);
    const char *names[6] = {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "head.weight", "head.bias"};
    const size_t shapes[6][2] = {{28, 4}, {28, 7}, {28, 0}, {28, 0}, {5, 7}, {5, 0}};
    size_t offset = 0;
    for (int i = 0; i < 6; i++) {
        assert_string_equal(sp[i].name, names[i]);
        assert_int_equal(sp[i].shape[0], shapes[i][0]);
        if (sp[i].ndim == 2)
            assert_int_equal(sp[i].shape[1], shapes[i][1]);
        assert_int_equal(sp[i].ndim, shapes[i][1] ? 2 : 1);
        assert_int_equal(sp[i].offset, offset);
        offset += sp[i].size;
    }
    assert_int_equal(model_param_count(&d), offset);

    /* seq2seq: encoder. and decoder. prefixes; the decoder reads S symbols + a start symbol */
    cfg.task = task_find("reverse");
    cfg.seq_len = 0;
    cfg.symbols = 5;
    cfg.shape_given = cfg.loss_given = -1;
    assert_int_equal(config_resolve(&cfg, err, sizeof err), 0);
    d = dims_of(&cfg);
    assert_int_equal(d.n_tensors, 10);
    model_param_specs(sp, &d);
    const char *s2s[10] = {"encoder.weight_ih_l0", "encoder.weight_hh_l0", "encoder.bias_ih_l0",
                           "encoder.bias_hh_l0", "decoder.weight_ih_l0", "decoder.weight_hh_l0",
                           "decoder.bias_ih_l0", "decoder.bias_hh_l0", "head.weight", "head.bias"};
    for (int i = 0; i < 10; i++)
        assert_string_equal(sp[i].name, s2s[i]);
    assert_int_equal(sp[0].shape[1], 5);
    assert_int_equal(sp[4].shape[0], 28);
    assert_int_equal(sp[4].shape[1], 6);
    assert_int_equal(sp[8].shape[0], 5);

    /* a stack of three, as nn.LSTM(num_layers=3): layer by layer, layers 1 and 2 reading H */
    cfg.task = task_find("echo");
    cfg.symbols = 0;
    cfg.layers = 3;
    cfg.shape_given = cfg.loss_given = -1;
    assert_int_equal(config_resolve(&cfg, err, sizeof err), 0);
    d = dims_of(&cfg);
    assert_int_equal(d.n_tensors, 14);
    model_param_specs(sp, &d);
    offset = 0;
    for (int i = 0; i < 12; i++) {
        char want[32];
        snprintf(want, sizeof want, "%s_l%d", (const char *[]){"weight_ih", "weight_hh", "bias_ih", "bias_hh"}[i % 4],
                 i / 4);
        assert_string_equal(sp[i].name, want);
        assert_int_equal(sp[i].shape[0], 28);
        if (i % 4 == 0)
            assert_int_equal(sp[i].shape[1], i == 0 ? 4 : 7);
        assert_int_equal(sp[i].offset, offset);
        offset += sp[i].size;
    }
    assert_string_equal(sp[12].name, "head.weight");
    /* and seq2seq's two stacks: encoder.*_l0 .. _l2, then decoder.*_l0 .. _l2 */
    cfg.task = task_find("reverse");
    cfg.symbols = 5;
    cfg.shape_given = cfg.loss_given = -1;
    assert_int_equal(config_resolve(&cfg, err, sizeof err), 0);
    d = dims_of(&cfg);
    assert_int_equal(d.n_tensors, 26);
    model_param_specs(sp, &d);
    assert_string_equal(sp[11].name, "encoder.bias_hh_l2");
    assert_string_equal(sp[12].name, "decoder.weight_ih_l0");
    assert_int_equal(sp[16].shape[1], 7); /* decoder.weight_ih_l1 reads H */
    assert_string_equal(sp[24].name, "head.weight");
}

/* forget_bias=B puts B in bias_ih's forget block (rows H..2H-1, PyTorch's i, f, g, o order)
 * and zero in bias_hh's, so the gate's total bias is B. */
static void test_forget_bias_sets_the_forget_block(void **s)
{
    (void)s;
    Config cfg;
    char err[CONFIG_ERR_LEN];
    config_default(&cfg);
    cfg.model = cell_find("lstm");
    cfg.hidden = 5;
    assert_int_equal(config_set(&cfg, "forget_bias=2.5", err, sizeof err), 0);
    assert_int_equal(config_resolve(&cfg, err, sizeof err), 0);
    ModelDims d = dims_of(&cfg);
    double *block = calloc(model_param_count(&d), sizeof(double));
    Params p;
    model_params_point(&p, block, &d);
    Rng rng;
    rng_seed(&rng, 1, 1);
    assert_int_equal(model_init(&p, &d, &cfg, &rng), 0);
    for (int j = 0; j < 20; j++) {
        int in_f = j >= 5 && j < 10;
        if (in_f) {
            assert_true(p.rnn[0].bias_ih[j] == 2.5);
            assert_true(p.rnn[0].bias_hh[j] == 0.0);
        } else {
            assert_true(fabs(p.rnn[0].bias_ih[j]) <= 1 / sqrt(5.0) && p.rnn[0].bias_ih[j] != 2.5);
        }
    }
    free(block);
}

/* init=default is U(-1/sqrt(H), 1/sqrt(H)) for every tensor; rho rescales each gate block. */
static void test_default_init_bounds_and_rho_per_gate_block(void **s)
{
    (void)s;
    Config cfg;
    char err[CONFIG_ERR_LEN];
    config_default(&cfg);
    cfg.model = cell_find("gru");
    cfg.hidden = 16;
    assert_int_equal(config_resolve(&cfg, err, sizeof err), 0);
    ModelDims d = dims_of(&cfg);
    size_t n = model_param_count(&d);
    double *block = calloc(n, sizeof(double));
    Params p;
    model_params_point(&p, block, &d);
    Rng rng;
    rng_seed(&rng, 5, 1);
    assert_int_equal(model_init(&p, &d, &cfg, &rng), 0);
    double lo = 0, hi = 0;
    for (size_t i = 0; i < n; i++) {
        lo = fmin(lo, block[i]);
        hi = fmax(hi, block[i]);
    }
    assert_true(lo >= -0.25 && hi <= 0.25 && lo < -0.24 && hi > 0.24);
    cfg.rho = 1.7;
    rng_seed(&rng, 5, 1);
    assert_int_equal(model_init(&p, &d, &cfg, &rng), 0);
    for (int gblk = 0; gblk < 3; gblk++) {
        double sv[16];
        assert_int_equal(linalg_singular_values(sv, p.rnn[0].weight_hh + gblk * 256, 16), 0);
        assert_true(fabs(sv[0] - 1.7) < 1e-12);
    }
    free(block);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rnn_tanh_backward_matches_finite_differences),
        cmocka_unit_test(test_rnn_relu_backward_matches_finite_differences),
        cmocka_unit_test(test_rnn_sigmoid_backward_matches_finite_differences),
        cmocka_unit_test(test_rnn_linear_backward_matches_finite_differences),
        cmocka_unit_test(test_lstm_backward_matches_finite_differences),
        cmocka_unit_test(test_gru_backward_matches_finite_differences),
        cmocka_unit_test(test_stacks_backward_match_finite_differences),
        cmocka_unit_test(test_a_padded_step_contributes_nothing),
        cmocka_unit_test(test_a_used_cache_gives_a_fresh_caches_bits),
        cmocka_unit_test(test_linear_rnn_gradient_decays_as_rho_to_the_distance),
        cmocka_unit_test(test_linear_rnn_gradient_grows_as_rho_to_the_distance),
        cmocka_unit_test(test_chunk_of_the_whole_sequence_is_full_bptt_bit_for_bit),
        cmocka_unit_test(test_chunk_gradient_is_the_sum_over_chunks_run_on_their_own),
        cmocka_unit_test(test_parameter_names_and_shapes_are_pytorchs),
        cmocka_unit_test(test_forget_bias_sets_the_forget_block),
        cmocka_unit_test(test_default_init_bounds_and_rho_per_gate_block),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
