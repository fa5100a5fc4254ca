/* test_model.c: BPTT against finite differences for every model, activation, shape, loss
 * and truncation; the exact linear law of gradient decay; PyTorch's parameter layout. */
#include "check.h"

#include "config.h"
#include "linalg.h"
#include "model.h"
#include "optim.h"
#include "task.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A tiny problem: H=3, T=5, B=2, parameters and a batch drawn from fixed seeds. */
typedef struct {
    Config cfg;
    ModelDims d;
    size_t n;
    double *block, *grad_block;
    Params p, g;
    Batch batch;
    Cache cache;
} Problem;

static void problem_create(Problem *pb, ModelKind model, Activation act, TaskKind task, int truncate)
{
    char err[CONFIG_ERR_LEN];
    config_default(&pb->cfg);
    pb->cfg.model = model;
    pb->cfg.activation = act;
    pb->cfg.task = task;
    pb->cfg.hidden = 3;
    pb->cfg.seq_len = 5;
    pb->cfg.batch = 2;
    pb->cfg.lag = 2;
    pb->cfg.symbols = 3;
    pb->cfg.truncate = truncate;
    assert_int_equal(config_resolve(&pb->cfg, err, sizeof err), 0);
    pb->d = model_dims(&pb->cfg);
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
    assert_int_equal(task_batch_create(&pb->batch, &pb->cfg), 0);
    task_sample(&pb->batch, &pb->cfg, &rng);
    assert_int_equal(model_cache_create(&pb->cache, &pb->d, 5, 2), 0);
}

static void problem_destroy(Problem *pb)
{
    model_cache_destroy(&pb->cache);
    task_batch_destroy(&pb->batch);
    free(pb->grad_block);
    free(pb->block);
}

/* The loss whose exact gradient truncated BPTT computes: each loss term at t sees the
 * network only through the last K steps, the state before them held at the value the
 * unperturbed parameters give (`fixed_hs`, `fixed_cs`: (T+1, B, H)). With K >= T this is
 * the ordinary loss. probe_h/probe_c: add `delta` to h_t / c_t at (t, i) (i over B*H) in
 * every window that computes it, or pass t < 0. */
static double surrogate_loss(const Problem *pb, const double *fixed_hs, const double *fixed_cs,
                             int probe_t, size_t probe_i, int probe_c, double delta)
{
    const ModelDims *d = &pb->d;
    int T = pb->cfg.seq_len, B = pb->cfg.batch, K = pb->cfg.truncate;
    if (K <= 0 || K > T)
        K = T;
    size_t BH = (size_t)B * d->H, O = (size_t)d->O;
    ModelDims sub = *d;
    sub.shape = SHAPE_MANY_TO_ONE;
    int first = d->shape == SHAPE_MANY_TO_ONE ? T - 1 : 0;
    double total = 0.0;
    for (int tl = first; tl < T; tl++) {
        int s0 = tl - K + 1 > 0 ? tl - K + 1 : 0, Tw = tl - s0 + 1;
        Batch w = pb->batch;
        w.T = Tw;
        w.shape = SHAPE_MANY_TO_ONE;
        w.x = pb->batch.x + (size_t)s0 * B * d->I;
        if (d->shape == SHAPE_MANY_TO_MANY) {
            if (w.y)
                w.y = pb->batch.y + (size_t)tl * B * O;
            if (w.label)
                w.label = pb->batch.label + (size_t)tl * B;
        }
        double *probe = calloc((size_t)Tw * BH, sizeof(double));
        if (probe_t >= s0 && probe_t <= tl)
            probe[(size_t)(probe_t - s0) * BH + probe_i] = delta;
        ForwardOptions opt = {fixed_hs + (size_t)s0 * BH, fixed_cs + (size_t)s0 * BH,
                              probe_c ? NULL : probe, probe_c ? probe : NULL};
        Cache c;
        assert_int_equal(model_cache_create(&c, &sub, Tw, B), 0);
        model_forward(&c, &w, &pb->p, &sub, &opt);
        double l = model_loss(&c, &w, &sub);
        /* many-to-many averages over T positions: one term is 1/T of the loss. */
        total += d->shape == SHAPE_MANY_TO_MANY ? l / T : l;
        model_cache_destroy(&c);
        free(probe);
    }
    return total;
}

static void gradient_check(ModelKind model, Activation act, TaskKind task, int truncate)
{
    Problem pb;
    problem_create(&pb, model, act, task, truncate);
    const ModelDims *d = &pb.d;
    int T = pb.cfg.seq_len, B = pb.cfg.batch;
    size_t BH = (size_t)B * d->H, TBH = (size_t)T * BH;

    model_forward(&pb.cache, &pb.batch, &pb.p, d, NULL);
    double loss = model_loss(&pb.cache, &pb.batch, d);
    model_backward(&pb.g, &pb.cache, &pb.batch, &pb.p, d, truncate);
    double *fixed_hs = malloc((TBH + BH) * sizeof(double));
    double *fixed_cs = malloc((TBH + BH) * sizeof(double));
    memcpy(fixed_hs, pb.cache.hs, (TBH + BH) * sizeof(double));
    memcpy(fixed_cs, pb.cache.cs, (TBH + BH) * sizeof(double));
    if (truncate == 0)
        assert_true(fabs(surrogate_loss(&pb, fixed_hs, fixed_cs, -1, 0, 0, 0) - loss) <= 1e-14 * fabs(loss));

    const double eps = 1e-5;
    ParamSpec specs[MODEL_N_TENSORS];
    model_param_specs(specs, d);
    char what[160];
    for (int k = 0; k < MODEL_N_TENSORS; k++) {
        double *fd = calloc(specs[k].size, sizeof(double));
        double *w = model_tensor(&pb.p, k);
        for (size_t i = 0; i < specs[k].size; i++) {
            double keep = w[i];
            w[i] = keep + eps;
            double up = surrogate_loss(&pb, fixed_hs, fixed_cs, -1, 0, 0, 0);
            w[i] = keep - eps;
            double down = surrogate_loss(&pb, fixed_hs, fixed_cs, -1, 0, 0, 0);
            w[i] = keep;
            fd[i] = (up - down) / (2 * eps);
        }
        double e = check_rel_error(fd, model_tensor(&pb.g, k), specs[k].size, 1e-300);
        snprintf(what, sizeof what, "%s %s %s truncate=%d: %s", config_model_name(model),
                 config_activation_name(act), config_task_name(task), truncate, specs[k].name);
        if (!(e < 1e-6))
            fail_msg("%s: relative error %.3g", what, e);
        free(fd);
    }
    /* dL/dh_t (and dL/dc_t) through the probes, one time step at a time. */
    for (int pc = 0; pc <= (model == MODEL_LSTM); pc++) {
        double *fd = calloc(TBH, sizeof(double));
        for (int t = 0; t < T; t++)
            for (size_t i = 0; i < BH; i++) {
                double up = surrogate_loss(&pb, fixed_hs, fixed_cs, t, i, pc, eps);
                double down = surrogate_loss(&pb, fixed_hs, fixed_cs, t, i, pc, -eps);
                fd[(size_t)t * BH + i] = (up - down) / (2 * eps);
            }
        const double *an = pc ? pb.cache.dc : pb.cache.dh;
        for (int t = 0; t < T; t++) {
            double e = check_rel_error(fd + (size_t)t * BH, an + (size_t)t * BH, BH, 1e-300);
            if (!(e < 1e-6))
                fail_msg("%s %s %s truncate=%d: %s at t=%d: relative error %.3g",
                         config_model_name(model), config_activation_name(act),
                         config_task_name(task), truncate, pc ? "dL/dc_t" : "dL/dh_t", t, e);
        }
        free(fd);
    }
    /* dL/d(initial state): what of each term's gradient reaches before t = 0. */
    for (int pc = 0; pc <= (model == MODEL_LSTM); pc++) {
        double *fd = calloc(BH, sizeof(double)), *v = pc ? fixed_cs : fixed_hs;
        for (size_t i = 0; i < BH; i++) {
            v[i] = eps;
            double up = surrogate_loss(&pb, fixed_hs, fixed_cs, -1, 0, 0, 0);
            v[i] = -eps;
            double down = surrogate_loss(&pb, fixed_hs, fixed_cs, -1, 0, 0, 0);
            v[i] = 0.0;
            fd[i] = (up - down) / (2 * eps);
        }
        double e = check_rel_error(fd, pc ? pb.cache.dc_init : pb.cache.dh_init, BH, 1e-300);
        if (!(e < 1e-6))
            fail_msg("%s %s %s truncate=%d: dL/d initial %s: relative error %.3g",
                     config_model_name(model), config_activation_name(act),
                     config_task_name(task), truncate, pc ? "c" : "h", e);
        free(fd);
    }
    free(fixed_cs);
    free(fixed_hs);
    problem_destroy(&pb);
}

static void check_all_tasks(ModelKind m, Activation a)
{
    const TaskKind tasks[2] = {TASK_ADDING, TASK_ECHO};
    const int truncations[3] = {0, 2, 1};
    for (int t = 0; t < 2; t++)
        for (int k = 0; k < 3; k++)
            gradient_check(m, a, tasks[t], truncations[k]);
}

static void test_rnn_tanh_backward_matches_finite_differences(void **s) { (void)s; check_all_tasks(MODEL_RNN, ACT_TANH); }
static void test_rnn_relu_backward_matches_finite_differences(void **s) { (void)s; check_all_tasks(MODEL_RNN, ACT_RELU); }
static void test_rnn_sigmoid_backward_matches_finite_differences(void **s) { (void)s; check_all_tasks(MODEL_RNN, ACT_SIGMOID); }
static void test_rnn_linear_backward_matches_finite_differences(void **s) { (void)s; check_all_tasks(MODEL_RNN, ACT_LINEAR); }
static void test_lstm_backward_matches_finite_differences(void **s) { (void)s; check_all_tasks(MODEL_LSTM, ACT_TANH); }
static void test_gru_backward_matches_finite_differences(void **s) { (void)s; check_all_tasks(MODEL_GRU, ACT_TANH); }

/* The gradient reaching a given initial state, for the encoder-decoder of later issues. */
static void test_initial_state_gradient_matches_finite_differences(void **s)
{
    (void)s;
    const ModelKind models[3] = {MODEL_RNN, MODEL_LSTM, MODEL_GRU};
    for (int m = 0; m < 3; m++) {
        Problem pb;
        problem_create(&pb, models[m], ACT_TANH, TASK_ECHO, 0);
        size_t BH = (size_t)pb.cfg.batch * pb.d.H;
        double h0[6] = {0.3, -0.2, 0.5, 0.1, -0.4, 0.25}, c0[6] = {-0.5, 0.2, 0.1, 0.3, 0.6, -0.1};
        ForwardOptions opt = {h0, c0, NULL, NULL};
        model_forward(&pb.cache, &pb.batch, &pb.p, &pb.d, &opt);
        model_loss(&pb.cache, &pb.batch, &pb.d);
        model_backward(&pb.g, &pb.cache, &pb.batch, &pb.p, &pb.d, 0);
        for (int which = 0; which <= (models[m] == MODEL_LSTM); which++) {
            double fd[6], *v = which ? c0 : h0;
            for (size_t i = 0; i < BH; i++) {
                double keep = v[i];
                v[i] = keep + 1e-6;
                model_forward(&pb.cache, &pb.batch, &pb.p, &pb.d, &opt);
                double up = model_loss(&pb.cache, &pb.batch, &pb.d);
                v[i] = keep - 1e-6;
                model_forward(&pb.cache, &pb.batch, &pb.p, &pb.d, &opt);
                double down = model_loss(&pb.cache, &pb.batch, &pb.d);
                v[i] = keep;
                fd[i] = (up - down) / 2e-6;
            }
            model_forward(&pb.cache, &pb.batch, &pb.p, &pb.d, &opt);
            model_loss(&pb.cache, &pb.batch, &pb.d);
            model_backward(&pb.g, &pb.cache, &pb.batch, &pb.p, &pb.d, 0);
            double e = check_rel_error(fd, which ? pb.cache.dc_init : pb.cache.dh_init, BH, 1e-300);
            if (!(e < 1e-6))
                fail_msg("%s: d loss / d initial %s: relative error %.3g",
                         config_model_name(models[m]), which ? "c" : "h", e);
        }
        problem_destroy(&pb);
    }
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
    ModelDims d = model_dims(&cfg);
    double *block = calloc(model_param_count(&d), sizeof(double));
    double *gblock = calloc(model_param_count(&d), sizeof(double));
    Params p, g;
    model_params_point(&p, block, &d);
    model_params_point(&g, gblock, &d);
    Rng rng;
    rng_seed(&rng, 3, 1);
    assert_int_equal(model_init(&p, &d, &cfg, &rng), 0);
    double s[16];
    assert_int_equal(linalg_singular_values(s, p.weight_hh, 16), 0);
    for (int i = 0; i < 16; i++) /* every singular value is rho */
        assert_true(fabs(s[i] - rho) < 1e-12);
    Batch b;
    Cache c;
    assert_int_equal(task_batch_create(&b, &cfg), 0);
    task_sample(&b, &cfg, &rng);
    assert_int_equal(model_cache_create(&c, &d, 60, 4), 0);
    model_forward(&c, &b, &p, &d, NULL);
    model_loss(&c, &b, &d);
    model_backward(&g, &c, &b, &p, &d, 0);
    double norms[60], expect[60];
    size_t BH = 4 * 16;
    for (int t = 0; t < 60; t++)
        norms[t] = optim_norm(c.dh + t * BH, BH);
    for (int t = 0; t < 60; t++)
        expect[t] = pow(rho, 59 - t) * norms[59];
    check_close("||dL/dh_t||", norms, expect, 60, 1e-10, 0);
    model_cache_destroy(&c);
    task_batch_destroy(&b);
    free(gblock);
    free(block);
}

static void test_linear_rnn_gradient_decays_as_rho_to_the_distance(void **s) { (void)s; linear_law(0.9); }
static void test_linear_rnn_gradient_grows_as_rho_to_the_distance(void **s) { (void)s; linear_law(1.1); }

static void test_parameter_names_and_shapes_are_pytorchs(void **s)
{
    (void)s;
    Config cfg;
    char err[CONFIG_ERR_LEN];
    config_default(&cfg);
    cfg.model = MODEL_LSTM;
    cfg.task = TASK_ECHO;
    cfg.hidden = 7;
    assert_int_equal(config_resolve(&cfg, err, sizeof err), 0);
    ModelDims d = model_dims(&cfg);
    ParamSpec sp[MODEL_N_TENSORS];
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
}

/* forget_bias=B puts B in bias_ih's forget block (rows H..2H-1, PyTorch's i, f, g, o order)
 * and zero in bias_hh's, so the gate's total bias is B. */
static void test_forget_bias_sets_the_forget_block(void **s)
{
    (void)s;
    Config cfg;
    char err[CONFIG_ERR_LEN];
    config_default(&cfg);
    cfg.model = MODEL_LSTM;
    cfg.hidden = 5;
    assert_int_equal(config_set(&cfg, "forget_bias=2.5", err, sizeof err), 0);
    assert_int_equal(config_resolve(&cfg, err, sizeof err), 0);
    ModelDims d = model_dims(&cfg);
    double *block = calloc(model_param_count(&d), sizeof(double));
    Params p;
    model_params_point(&p, block, &d);
    Rng rng;
    rng_seed(&rng, 1, 1);
    assert_int_equal(model_init(&p, &d, &cfg, &rng), 0);
    for (int j = 0; j < 20; j++) {
        int in_f = j >= 5 && j < 10;
        if (in_f) {
            assert_true(p.bias_ih[j] == 2.5);
            assert_true(p.bias_hh[j] == 0.0);
        } else {
            assert_true(fabs(p.bias_ih[j]) <= 1 / sqrt(5.0) && p.bias_ih[j] != 2.5);
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
    cfg.model = MODEL_GRU;
    cfg.hidden = 16;
    assert_int_equal(config_resolve(&cfg, err, sizeof err), 0);
    ModelDims d = model_dims(&cfg);
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
        assert_int_equal(linalg_singular_values(sv, p.weight_hh + gblk * 256, 16), 0);
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
        cmocka_unit_test(test_initial_state_gradient_matches_finite_differences),
        cmocka_unit_test(test_linear_rnn_gradient_decays_as_rho_to_the_distance),
        cmocka_unit_test(test_linear_rnn_gradient_grows_as_rho_to_the_distance),
        cmocka_unit_test(test_parameter_names_and_shapes_are_pytorchs),
        cmocka_unit_test(test_forget_bias_sets_the_forget_block),
        cmocka_unit_test(test_default_init_bounds_and_rho_per_gate_block),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
