/* test_trainer.c: a run as the window sees it: reproducible from its seed, recording what
 * the views draw, stopping cleanly at Inf/NaN, and resuming exactly from a saved run. */
#include "check.h"

#include "linalg.h"
#include "optim.h"
#include "trainer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void create(Trainer *tr, const char *const *settings)
{
    Config cfg;
    char err[CONFIG_ERR_LEN];
    config_default(&cfg);
    for (int i = 0; settings[i]; i++)
        if (config_set(&cfg, settings[i], err, sizeof err) != 0)
            fail_msg("%s", err);
    if (trainer_create(tr, &cfg, err, sizeof err) != 0)
        fail_msg("%s", err);
}

static const char *const SMALL_LSTM[] = {"model=lstm", "hidden=6", "seq_len=12", "batch=3", "task=echo", NULL};

static void test_same_seed_gives_the_same_bits_and_another_seed_does_not(void **s)
{
    (void)s;
    const char *const other[] = {"model=lstm", "hidden=6", "seq_len=12", "batch=3", "task=echo", "seed=2", NULL};
    Trainer a, b, c;
    create(&a, SMALL_LSTM);
    create(&b, SMALL_LSTM);
    create(&c, other);
    for (int i = 0; i < 30; i++) {
        assert_int_equal(trainer_step(&a), 0);
        assert_int_equal(trainer_step(&b), 0);
        assert_int_equal(trainer_step(&c), 0);
        assert_true(a.obs.loss == b.obs.loss);
    }
    assert_memory_equal(a.block, b.block, 4 * a.n_params * sizeof(double));
    assert_true(memcmp(a.block, c.block, a.n_params * sizeof(double)) != 0);
    assert_true(a.obs.loss != c.obs.loss);
    trainer_destroy(&c);
    trainer_destroy(&b);
    trainer_destroy(&a);
}

/* The recorded sigma_max (a warm-started power iteration with a loose tolerance) stays
 * within 1e-6 relative of the exact value at every step of training runs whose W_hh
 * moves: vanilla, gated, a large lr, clipping, orthogonal and rho= starts. */
static void test_recorded_sigma_max_is_within_1e_6_of_the_exact_one_along_training(void **s)
{
    (void)s;
    const char *const runs[][6] = {
        {"model=rnn", "hidden=16", "batch=4", NULL},
        {"model=lstm", "hidden=12", "batch=4", "task=echo", NULL},
        {"model=gru", "hidden=12", "batch=4", "lr=0.05", NULL},
        {"model=rnn", "hidden=24", "rho=1.5", "clip=1", "batch=4", NULL},
        {"model=rnn", "hidden=20", "init=orthogonal", "task=echo", "batch=4", NULL},
    };
    double worst = 0.0;
    for (size_t r = 0; r < sizeof runs / sizeof runs[0]; r++) {
        Trainer tr;
        create(&tr, runs[r]);
        int H = tr.dims.H;
        size_t HH = (size_t)H * H;
        double *before = malloc(tr.n_params * sizeof(double));
        for (int step = 0; step < 300; step++) {
            memcpy(before, tr.block, tr.n_params * sizeof(double));
            if (trainer_step(&tr) != 0)
                break;
            Params p;
            model_params_point(&p, before, &tr.dims);
            for (int g = 0; g < tr.obs.n_blocks; g++) {
                double exact = linalg_sigma_max_exact(p.rnn[0].weight_hh + g * HH, H);
                double e = fabs(tr.obs.sigma_max[g] - exact) / exact;
                worst = e > worst ? e : worst;
            }
        }
        free(before);
        trainer_destroy(&tr);
    }
    print_message("  worst relative error of the recorded sigma_max: %.2e\n", worst);
    assert_true(worst <= 1e-6);
}

/* A stack records every layer: its norms, states and gates are slices of that layer's caches,
 * the plain names are the top layer's, each layer's sigma_max is of its own weight_hh, the
 * history keeps every layer's row, and a snapshot restores the run bit for bit. */
static void test_a_stack_records_every_layer(void **s)
{
    (void)s;
    const char *const stack3[] = {"model=gru", "hidden=5", "seq_len=9", "batch=2", "task=adding", "layers=3", NULL};
    Trainer tr;
    create(&tr, stack3);
    unsigned char *snap = malloc(trainer_state_bytes(&tr));
    for (int i = 0; i < 3; i++)
        assert_int_equal(trainer_step(&tr), 0);
    trainer_state_save(&tr, snap);
    double *w_before = malloc(tr.n_params * sizeof(double));
    memcpy(w_before, tr.block, tr.n_params * sizeof(double));
    assert_int_equal(trainer_step(&tr), 0);
    const Observables *o = &tr.obs;
    int T = 9, B = 2, H = 5, G = 3, L = 3;
    size_t BH = (size_t)B * H;
    assert_int_equal(o->L, L);
    assert_true(o->dh_norm == o->layers_dh_norm + (L - 1) * T);
    Params p;
    model_params_point(&p, w_before, &tr.dims);
    for (int l = 0; l < L; l++) {
        Observables lo = observables_layer(o, &tr.dims, T, l);
        for (int t = 0; t < T; t++) {
            assert_true(lo.dh_norm[t] == optim_norm(tr.cache.rnn[l].dh + t * BH, BH));
            assert_true(lo.dh_norm[t] > 0);
            assert_true(lo.dh_direct_norm[t] == optim_norm(tr.cache.rnn[l].dtop + t * BH, BH));
            assert_memory_equal(lo.h + t * H, tr.cache.rnn[l].hs + (t + 1) * BH, H * sizeof(double));
            assert_memory_equal(lo.gate + t * G * H, tr.cache.rnn[l].gate + t * B * G * H, G * H * sizeof(double));
        }
        for (int g = 0; g < G; g++) {
            double sv[5];
            assert_int_equal(linalg_singular_values(sv, p.rnn[l].weight_hh + g * 25, 5), 0);
            assert_true(fabs(lo.sigma_max[g] - sv[0]) < 1e-6 * sv[0]);
        }
        const History *h = &tr.hist;
        assert_memory_equal(history_dh_norm(h, history_index(h, h->count - 1), l), lo.dh_norm, T * sizeof(double));
    }
    /* below the top, what arrives from above is the layer above's dL/dx */
    assert_true(o->layers_dh_direct_norm[0] > 0);
    assert_int_equal(trainer_spectrum(&tr)->n_blocks, L * G);
    /* the snapshot: the step again from it gives the same bits */
    double loss = o->loss;
    double *after = malloc(tr.n_params * sizeof(double));
    memcpy(after, tr.block, tr.n_params * sizeof(double));
    trainer_state_restore(&tr, snap);
    assert_int_equal(trainer_step(&tr), 0);
    assert_true(tr.obs.loss == loss);
    assert_memory_equal(tr.block, after, tr.n_params * sizeof(double));
    free(after);
    free(w_before);
    free(snap);
    trainer_destroy(&tr);
}

/* Variable lengths: n_t counts the sequences that have step t, the end-aligned norm at
 * T-1 pools every sequence's own last step, and the history keeps the counts. */
static void test_variable_lengths_record_counts_and_end_aligned_norms(void **s)
{
    (void)s;
    const char *const run[] = {"model=lstm", "hidden=5", "seq_len=10", "min_len=2", "batch=7", "task=echo", NULL};
    Trainer tr;
    create(&tr, run);
    assert_int_equal(trainer_step(&tr), 0);
    const Observables *o = &tr.obs;
    const Batch *bt = &tr.batch;
    int T = 10, B = 7, H = 5, varied = 0;
    for (int t = 0; t < T; t++) {
        int have = 0;
        for (int b = 0; b < B; b++)
            have += t < bt->len[b];
        assert_true(o->n_t[t] == have);
        assert_int_equal(tr.hist.n_t[history_index(&tr.hist, tr.hist.count - 1) * T + t], have);
    }
    double ss = 0;
    for (int b = 0; b < B; b++) {
        varied += bt->len[b] != T;
        const double *g = tr.cache.rnn[0].dh + ((size_t)(bt->len[b] - 1) * B + b) * H;
        for (int j = 0; j < H; j++)
            ss += g[j] * g[j];
    }
    assert_true(varied > 0);
    assert_true(fabs(o->dh_norm_end[T - 1] - sqrt(ss)) <= 1e-15 * sqrt(ss));
    assert_true(o->n_end[T - 1] == B && o->len0 == bt->len[0]);
    trainer_destroy(&tr);
}

static void test_observables_are_slices_of_the_passes(void **s)
{
    (void)s;
    Trainer tr;
    create(&tr, SMALL_LSTM);
    double *w_before = malloc(tr.n_params * sizeof(double));
    for (int i = 0; i < 3; i++)
        trainer_step(&tr);
    memcpy(w_before, tr.block, tr.n_params * sizeof(double));
    assert_int_equal(trainer_step(&tr), 0);
    const Observables *o = &tr.obs;
    int T = 12, B = 3, H = 6;
    size_t BH = (size_t)B * H;
    assert_int_equal(o->step, 4);
    for (int t = 0; t < T; t++) {
        assert_true(o->dh_norm[t] == optim_norm(tr.cache.rnn[0].dh + t * BH, BH));
        assert_true(o->dc_norm[t] == optim_norm(tr.cache.rnn[0].dc + t * BH, BH));
        assert_true(o->dh_norm[t] > 0);
        assert_memory_equal(o->h + t * H, tr.cache.rnn[0].hs + (t + 1) * BH, H * sizeof(double));
        assert_memory_equal(o->c + t * H, tr.cache.rnn[0].cs + (t + 1) * BH, H * sizeof(double));
    }
    /* sigma_max is of the weights the gradients were computed with (before the update). */
    Params p;
    model_params_point(&p, w_before, &tr.dims);
    for (int g = 0; g < 4; g++) {
        double sv[6];
        assert_int_equal(linalg_singular_values(sv, p.rnn[0].weight_hh + g * 36, 6), 0);
        assert_true(fabs(o->sigma_max[g] - sv[0]) < 1e-6 * sv[0]);
    }
    /* the full spectrum is of the current weights, computed when asked */
    const Spectrum *sp = trainer_spectrum(&tr);
    assert_int_equal(sp->step, 4);
    assert_true(sp->valid);
    double sv[6];
    assert_int_equal(linalg_singular_values(sv, tr.param.rnn[0].weight_hh + 36, 6), 0);
    check_close("singular values of the forget block", sp->sv + 6, sv, 6, 0, 0);
    double prod_re = 1, prod_im = 0; /* the product of the eigenvalues is det, real */
    for (int i = 0; i < 6; i++) {
        double re = prod_re * sp->eig_re[i] - prod_im * sp->eig_im[i];
        prod_im = prod_re * sp->eig_im[i] + prod_im * sp->eig_re[i];
        prod_re = re;
    }
    assert_true(fabs(prod_im) < 1e-12);
    free(w_before);
    trainer_destroy(&tr);
}

static void test_history_keeps_the_last_steps_in_order(void **s)
{
    (void)s;
    const char *const settings[] = {"hidden=4", "seq_len=6", "history=10", NULL};
    Trainer tr;
    create(&tr, settings);
    double losses[25];
    for (int i = 0; i < 25; i++) {
        trainer_step(&tr);
        losses[i] = tr.obs.loss;
    }
    const History *h = &tr.hist;
    assert_int_equal(h->count, 10);
    for (int i = 0; i < 10; i++) {
        int k = history_index(h, i);
        assert_int_equal(h->step[k], 16 + i);
        assert_true(h->loss[k] == losses[15 + i]);
    }
    int last = history_index(h, 9);
    assert_memory_equal(h->dh_norm + last * 6, tr.obs.dh_norm, 6 * sizeof(double));
    trainer_destroy(&tr);
}

static void test_clipping_is_recorded_with_the_norm_before_it(void **s)
{
    (void)s;
    const char *const settings[] = {"hidden=5", "seq_len=8", "clip=1e-3", NULL};
    Trainer tr;
    create(&tr, settings);
    assert_int_equal(trainer_step(&tr), 0);
    assert_true(tr.obs.clipped);
    assert_true(tr.obs.grad_norm > 1e-3);
    assert_true(fabs(optim_norm(tr.block + tr.n_params, tr.n_params) - 1e-3) < 1e-15);
    assert_true(tr.hist.clipped[history_index(&tr.hist, 0)] == 1);
    trainer_destroy(&tr);
}

static void test_truncation_stops_the_gradient_after_k_steps(void **s)
{
    (void)s;
    const char *const settings[] = {"hidden=5", "seq_len=10", "truncate=3", NULL};
    Trainer tr;
    create(&tr, settings);
    trainer_step(&tr);
    for (int t = 0; t < 10; t++) {
        if (t >= 7)
            assert_true(tr.obs.dh_norm[t] > 0);
        else
            assert_true(tr.obs.dh_norm[t] == 0.0);
    }
    trainer_destroy(&tr);
}

static void test_overflowing_hidden_state_is_an_event_and_changes_nothing(void **s)
{
    (void)s;
    const char *const settings[] = {"activation=linear", "init=orthogonal", "rho=100", "seq_len=160", "hidden=4", "batch=2", NULL};
    Trainer tr;
    create(&tr, settings);
    double *before = malloc(tr.n_params * sizeof(double));
    memcpy(before, tr.block, tr.n_params * sizeof(double));
    assert_int_equal(trainer_step(&tr), 1);
    assert_int_equal(tr.event.kind, EVENT_NONFINITE);
    assert_int_equal(tr.event.step, 1);
    assert_string_equal(tr.event.what, "hidden state");
    /* h_t ~ 100^t overflows double near t = 154; it must name the first such step. */
    assert_true(tr.event.t > 140 && tr.event.t < 160);
    assert_true(isfinite(tr.cache.rnn[0].hs[(size_t)tr.event.t * 8]));
    assert_non_null(strstr(tr.event.message, "t="));
    assert_memory_equal(before, tr.block, tr.n_params * sizeof(double));
    assert_int_equal(tr.step, 0);
    free(before);
    trainer_destroy(&tr);
}

static void test_overflowing_loss_is_an_event_naming_the_loss(void **s)
{
    (void)s;
    const char *const settings[] = {"activation=linear", "init=orthogonal", "rho=100", "seq_len=100", "hidden=4", "batch=2", NULL};
    Trainer tr;
    create(&tr, settings);
    assert_int_equal(trainer_step(&tr), 1);
    assert_string_equal(tr.event.what, "loss");
    assert_true(isinf(tr.obs.loss));
    /* the next finite configuration trains again: an event is not a dead end */
    trainer_destroy(&tr);
}

static void resume_bit_for_bit(const char *const *settings)
{
    char dir[512], err[CONFIG_ERR_LEN];
    check_mkdtemp(dir, sizeof dir);
    Trainer straight, first, resumed;
    create(&straight, settings);
    create(&first, settings);
    for (int i = 0; i < 20; i++)
        trainer_step(&straight);
    for (int i = 0; i < 10; i++)
        trainer_step(&first);
    assert_int_equal(trainer_save(&first, dir, err, sizeof err), 0);
    char path[600];
    snprintf(path, sizeof path, "%s/config.txt", dir);
    Config cfg;
    config_default(&cfg);
    assert_int_equal(config_load_file(&cfg, path, err, sizeof err), 0);
    assert_int_equal(trainer_create(&resumed, &cfg, err, sizeof err), 0);
    assert_int_equal(trainer_load(&resumed, dir, err, sizeof err), 0);
    assert_int_equal(resumed.step, 10);
    for (int i = 0; i < 10; i++)
        trainer_step(&resumed);
    assert_memory_equal(straight.block, resumed.block, 4 * straight.n_params * sizeof(double));
    assert_true(straight.obs.loss == resumed.obs.loss);
    trainer_destroy(&resumed);
    trainer_destroy(&first);
    trainer_destroy(&straight);
    check_rmdir(dir);
}

/* A finite loss whose gradient overflows: xor with one hidden unit and a head whose two
 * rows are +-1e308. Small h keeps the logits finite; when the answer is class 1 the head's
 * gradient dL/dh = (p0 - 0) 1e308 - (p1 - 1) 1e308 ~ 2e308 overflows. */
static void test_overflowing_gradient_is_an_event_naming_where_it_started(void **s)
{
    (void)s;
    const char *const settings[] = {"task=xor", "hidden=1", "batch=1", NULL};
    Trainer tr;
    create(&tr, settings);
    tr.param.head_weight[0] = 1e308;
    tr.param.head_weight[1] = -1e308;
    tr.param.head_bias[0] = tr.param.head_bias[1] = 0;
    tr.param.rnn[0].weight_ih[0] = tr.param.rnn[0].weight_ih[1] = 0.001;
    tr.param.rnn[0].bias_ih[0] = tr.param.rnn[0].bias_hh[0] = 0.001;
    double *before = malloc(tr.n_params * sizeof(double));
    memcpy(before, tr.block, tr.n_params * sizeof(double));
    int seen = 0;
    for (int i = 0; i < 20 && !seen; i++) {
        int bad = trainer_step(&tr);
        if (bad) {
            assert_true(isfinite(tr.obs.loss));
            assert_non_null(strstr(tr.event.what, "gradient of"));
            assert_int_equal(tr.event.t, 0);
            assert_non_null(strstr(tr.event.message, "t=0"));
            seen = 1;
        }
    }
    assert_true(seen);
    free(before);
    trainer_destroy(&tr);
}

static void test_saved_run_resumes_bit_for_bit(void **s)
{
    (void)s;
    resume_bit_for_bit(SMALL_LSTM);
    const char *const seq2seq[] = {"model=gru", "task=reverse", "hidden=6", "seq_len=4", NULL};
    resume_bit_for_bit(seq2seq);
    const char *const text[] = {"task=charlm", "hidden=6", "seq_len=8", NULL};
    resume_bit_for_bit(text);
}

static void test_loading_a_mismatched_run_fails_and_changes_nothing(void **s)
{
    (void)s;
    char dir[512], err[CONFIG_ERR_LEN];
    check_mkdtemp(dir, sizeof dir);
    const char *const small[] = {"hidden=4", "seq_len=5", NULL};
    const char *const big[] = {"hidden=5", "seq_len=5", NULL};
    Trainer a, b;
    create(&a, small);
    create(&b, big);
    assert_int_equal(trainer_save(&a, dir, err, sizeof err), 0);
    double *before = malloc(4 * b.n_params * sizeof(double));
    memcpy(before, b.block, 4 * b.n_params * sizeof(double));
    assert_int_equal(trainer_load(&b, dir, err, sizeof err), -1);
    assert_non_null(strstr(err, "weight_ih_l0.npy"));
    assert_non_null(strstr(err, "shape"));
    assert_memory_equal(before, b.block, 4 * b.n_params * sizeof(double));
    free(before);
    trainer_destroy(&b);
    trainer_destroy(&a);
    check_rmdir(dir);
}

static void test_every_model_learns_echo_below_its_baseline(void **s)
{
    (void)s;
    const char *models[3] = {"model=rnn", "model=lstm", "model=gru"};
    for (int m = 0; m < 3; m++) {
        const char *const settings[] = {models[m], "task=echo", "lag=2", "seq_len=10", "hidden=16", "batch=16", NULL};
        Trainer tr;
        create(&tr, settings);
        double base = task_baseline(&tr.task), sum = 0;
        for (int i = 0; i < 400; i++) {
            assert_int_equal(trainer_step(&tr), 0);
            if (i >= 380)
                sum += tr.obs.loss;
        }
        if (!(sum / 20 < 0.5 * base))
            fail_msg("%s: loss %.4f after 400 steps, baseline %.4f", models[m], sum / 20, base);
        trainer_destroy(&tr);
    }
}

/* Trains for `steps` and returns the mean metric (or loss) over the last 20 steps. */
static double train_mean(const char *const *settings, int steps, int want_loss)
{
    Trainer tr;
    create(&tr, settings);
    double sum = 0;
    for (int i = 0; i < steps; i++) {
        if (trainer_step(&tr) != 0)
            fail_msg("%s", tr.event.message);
        if (i >= steps - 20)
            sum += want_loss ? tr.obs.loss : tr.obs.metric;
    }
    trainer_destroy(&tr);
    return sum / 20;
}

static void test_xor_reaches_accuracy_one(void **s)
{
    (void)s;
    const char *const settings[] = {"task=xor", NULL};
    double acc = train_mean(settings, 400, 0);
    if (acc != 1.0)
        fail_msg("xor accuracy %.3f after 400 steps", acc);
}

static void test_lstm_echoes_at_lag_2_above_90_percent(void **s)
{
    (void)s;
    const char *const settings[] = {"task=echo", "lag=2", "model=lstm", NULL};
    double acc = train_mean(settings, 300, 0);
    if (!(acc > 0.9))
        fail_msg("echo accuracy %.3f after 300 steps", acc);
}

static void test_sine_forecast_falls_well_below_its_baseline(void **s)
{
    (void)s;
    const char *const settings[] = {"task=sine", "model=lstm", "seq_len=30", NULL};
    Trainer tr;
    create(&tr, settings);
    double base = task_baseline(&tr.task);
    trainer_destroy(&tr);
    double loss = train_mean(settings, 500, 1);
    if (!(loss < 0.25 * base))
        fail_msg("sine loss %.5f after 500 steps, baseline %.5f", loss, base);
}

static void test_lstm_reverses_length_5_above_90_percent(void **s)
{
    (void)s;
    const char *const settings[] = {"task=reverse", "seq_len=5", "model=lstm", NULL};
    double acc = train_mean(settings, 600, 0);
    if (!(acc > 0.9))
        fail_msg("reverse accuracy (free-running) %.3f after 600 steps", acc);
}

static void test_charlm_trains_on_a_one_megabyte_file(void **s)
{
    (void)s;
    char dir[512], path[600], set[700];
    check_mkdtemp(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/big.txt", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    Rng r;
    rng_seed(&r, 1, 0);
    static const char *const words[] = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta"};
    size_t n = 0;
    while (n < (1u << 20)) {
        const char *w = words[rng_int(&r, 6)];
        n += (size_t)fprintf(f, "%s%s", w, rng_int(&r, 8) ? " " : ".\n");
    }
    fclose(f);
    snprintf(set, sizeof set, "text=%s", path);
    const char *const settings[] = {"task=charlm", set, "hidden=32", "seq_len=24", NULL};
    Trainer tr;
    create(&tr, settings);
    assert_true(tr.task.corpus_len >= (1u << 20));
    double first = 0, last = 0;
    for (int i = 0; i < 300; i++) {
        assert_int_equal(trainer_step(&tr), 0);
        if (i < 10)
            first += tr.obs.loss / 10;
        if (i >= 290)
            last += tr.obs.loss / 10;
    }
    if (!(last < 0.8 * first && last < task_baseline(&tr.task)))
        fail_msg("loss %.3f -> %.3f, bigram baseline %.3f", first, last, task_baseline(&tr.task));
    trainer_destroy(&tr);
    check_rmdir(dir);
}

static void test_seq2seq_records_encoder_then_decoder_steps(void **s)
{
    (void)s;
    const char *const settings[] = {"task=reverse", "seq_len=4", "model=lstm", "hidden=5", NULL};
    Trainer tr;
    create(&tr, settings);
    assert_int_equal(tr.T, 8);
    assert_int_equal(tr.obs.n_blocks, 8);
    assert_int_equal(trainer_evaluate_next(&tr), 0); /* no update: the weights stay */
    size_t BH = (size_t)tr.cfg.batch * 5;
    for (int t = 0; t < 4; t++) {
        assert_true(tr.obs.dh_norm[t] == optim_norm(tr.cache.rnn[0].dh + t * BH, BH));
        assert_true(tr.obs.dh_norm[4 + t] == optim_norm(tr.cache.dec[0].dh + t * BH, BH));
        assert_true(tr.obs.dh_norm[t] > 0);
    }
    /* the teacher-forced decoder states survive the free-running decode that scores it */
    Cache fresh;
    assert_int_equal(model_cache_create(&fresh, &tr.dims, 4, 4, tr.cfg.batch), 0);
    model_forward(&fresh, &tr.batch, &tr.param, &tr.dims, NULL);
    check_close("decoder states", tr.cache.dec[0].hs, fresh.dec[0].hs, 5 * BH, 0, 1e-300);
    model_cache_destroy(&fresh);
    /* the gradient crosses into the encoder through its final state */
    check_close("encoder's last dL/dh", tr.cache.rnn[0].dh + 3 * BH, tr.cache.dec[0].dh_init, BH, 1e-15, 1e-300);
    const Spectrum *sp = trainer_spectrum(&tr);
    assert_int_equal(sp->n_blocks, 8);
    assert_true(sp->valid);
    trainer_destroy(&tr);
}

/* The first step below a tenth of the baseline is the trainer's own record: the same
 * whether the history keeps every step or only the last 10. */
static void test_the_step_below_a_tenth_of_the_baseline_outlives_the_history(void **s)
{
    (void)s;
    const char *const all[] = {"task=echo", "lag=2", "seq_len=20", "hidden=16", NULL};
    const char *const short_history[] = {"task=echo", "lag=2", "seq_len=20", "hidden=16", "history=10", NULL};
    Trainer a, b;
    create(&a, all);
    create(&b, short_history);
    assert_int_equal(a.step_below_tenth, -1);
    for (int i = 0; i < 400; i++) {
        trainer_step(&a);
        trainer_step(&b);
    }
    long first = -1;
    for (int i = 0; i < a.hist.count && first < 0; i++) {
        int k = history_index(&a.hist, i);
        if (a.hist.loss[k] < task_baseline(&a.task) / 10)
            first = a.hist.step[k];
    }
    assert_true(first > 0 && first < 390); /* it learns the echo, well before the end */
    assert_int_equal(a.step_below_tenth, first);
    assert_int_equal(b.step_below_tenth, first);
    assert_true(b.hist.step[history_index(&b.hist, 0)] > first); /* no longer in b's history */
    trainer_destroy(&b);
    trainer_destroy(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_seed_gives_the_same_bits_and_another_seed_does_not),
        cmocka_unit_test(test_observables_are_slices_of_the_passes),
        cmocka_unit_test(test_a_stack_records_every_layer),
        cmocka_unit_test(test_variable_lengths_record_counts_and_end_aligned_norms),
        cmocka_unit_test(test_recorded_sigma_max_is_within_1e_6_of_the_exact_one_along_training),
        cmocka_unit_test(test_history_keeps_the_last_steps_in_order),
        cmocka_unit_test(test_the_step_below_a_tenth_of_the_baseline_outlives_the_history),
        cmocka_unit_test(test_clipping_is_recorded_with_the_norm_before_it),
        cmocka_unit_test(test_truncation_stops_the_gradient_after_k_steps),
        cmocka_unit_test(test_overflowing_hidden_state_is_an_event_and_changes_nothing),
        cmocka_unit_test(test_overflowing_loss_is_an_event_naming_the_loss),
        cmocka_unit_test(test_overflowing_gradient_is_an_event_naming_where_it_started),
        cmocka_unit_test(test_saved_run_resumes_bit_for_bit),
        cmocka_unit_test(test_loading_a_mismatched_run_fails_and_changes_nothing),
        cmocka_unit_test(test_every_model_learns_echo_below_its_baseline),
        cmocka_unit_test(test_xor_reaches_accuracy_one),
        cmocka_unit_test(test_lstm_echoes_at_lag_2_above_90_percent),
        cmocka_unit_test(test_sine_forecast_falls_well_below_its_baseline),
        cmocka_unit_test(test_lstm_reverses_length_5_above_90_percent),
        cmocka_unit_test(test_charlm_trains_on_a_one_megabyte_file),
        cmocka_unit_test(test_seq2seq_records_encoder_then_decoder_steps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
