/* verbs.c: the headless verbs: train (and train --compare), grads, bench, demo, tasks and
 * sample. They use core only; the window's verbs are in verbs_window.c. */
#include "cli.h"

#include "../core/csv.h"
#include "../core/itemise.h"
#include "../core/linalg.h"
#include "../core/npy.h"
#include "compare.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- train ---- */

/* The signal that asked train to stop (SIGINT, SIGTERM), or 0: the step in progress
 * finishes, then the rows so far and the save are written. */
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
    stop_signal = sig;
}

/* Installs on_stop_signal for SIGINT and SIGTERM. */
static void catch_stop_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

static const char *stop_name(int sig)
{
    return sig == SIGINT ? "SIGINT" : "SIGTERM";
}

/* Two runs, A and B, on the same data stream (the same seed and task), stepping in turn;
 * one CSV with a first column naming the run. */
static int train_compare(Options *o)
{
    CompareSpec spec;
    char err[CONFIG_ERR_LEN + 128];
    compare_parse(&spec, o->compare, err, sizeof err);
    if (compare_budget_check(&o->cfg, &spec, NULL, o->memory, err, sizeof err) != 0)
        return cli_fail(o->verb, err);
    Trainer tr[2];
    for (int r = 0; r < 2; r++) {
        Config c;
        if (compare_config(&o->cfg, &spec, r, &c, err, sizeof err) != 0 || trainer_create(&tr[r], &c, err, sizeof err) != 0) {
            if (r)
                trainer_destroy(&tr[0]);
            return cli_fail(o->verb, err);
        }
    }
    int Tmax = tr[0].T > tr[1].T ? tr[0].T : tr[1].T;
    CsvWriter csv;
    if (o->csv_path && csv_open(&csv, o->csv_path, Tmax, tr[0].hist.n_t || tr[1].hist.n_t, tr[0].cfg.seeds, tr[0].cfg.seed, 1, err, sizeof err) != 0) {
        trainer_destroy(&tr[1]);
        trainer_destroy(&tr[0]);
        char msg[CONFIG_ERR_LEN + 200];
        snprintf(msg, sizeof msg, "--csv %s", err);
        return cli_fail(o->verb, msg);
    }
    int live = !o->quiet && isatty(STDERR_FILENO), status = EXIT_OK, stopped[2] = {0, 0};
    double start = cli_now(), last = 0;
    stop_signal = 0;
    catch_stop_signals();
    for (long s = 0; s < o->steps && !(stopped[0] && stopped[1]) && !stop_signal; s++) {
        for (int r = 0; r < 2; r++) {
            if (stopped[r])
                continue;
            int bad = trainer_step(&tr[r]);
            if (o->csv_path)
                csv_row_history(&csv, spec.labels[r], &tr[r].hist, history_index(&tr[r].hist, tr[r].hist.count - 1));
            if (bad) {
                fprintf(stderr, "%srun %s: %s\n", live ? "\n" : "", spec.labels[r], tr[r].event.message);
                stopped[r] = 1;
                status = EXIT_DIVERGED;
            }
        }
        double t = cli_now() - start;
        if (live && (t - last > 0.1 || s + 1 == o->steps)) {
            last = t;
            fprintf(stderr, "\rstep %ld/%ld  %s loss %.4g  %s loss %.4g   ", s + 1, o->steps, spec.labels[0],
                    tr[0].obs.loss, spec.labels[1], tr[1].obs.loss);
        }
    }
    if (live)
        fputc('\n', stderr);
    if (o->csv_path && csv_close(&csv, err, sizeof err) != 0) {
        fprintf(stderr, "rnnlab train: --csv %s\n", err);
        status = EXIT_WRITE;
    }
    if (stop_signal) {
        fprintf(stderr, "rnnlab train: stopped by %s after step %ld of %ld%s\n", stop_name(stop_signal), tr[0].step,
                o->steps, o->csv_path ? "; wrote the CSV rows so far" : "");
        if (status == EXIT_OK)
            status = stop_signal == SIGINT ? EXIT_SIGINT : EXIT_SIGTERM;
    }
    if (!o->quiet)
        for (int r = 0; r < 2; r++)
            printf("run %s: %ld steps, loss %.5g (memoryless baseline %.5g), %s %.3f\n", spec.labels[r], tr[r].step,
                   tr[r].obs.loss, task_baseline(&tr[r].task), task_kind_info(tr[r].cfg.task)->metric_name,
                   tr[r].obs.metric);
    trainer_destroy(&tr[1]);
    trainer_destroy(&tr[0]);
    return status;
}

int cli_train(int argc, char **argv)
{
    Options o = {0};
    int r = cli_parse_options(&o, argc, argv,
                          OPT_CONFIG | OPT_SET | OPT_STEPS | OPT_CSV | OPT_SAVE | OPT_LOAD | OPT_QUIET | OPT_COMPARE | OPT_MEMORY,
                          "[--config F] [--set k=v]... --steps N [--csv FILE] [--save DIR] [--load DIR] [--quiet] [--compare K=A,B] [--memory SIZE]",
                          "Trains headless. On a terminal, a progress line shows step, loss, gradient\n"
                          "norm and speed. Exit status 3 if training met Inf or NaN (the message says\n"
                          "where; --csv and --save still hold everything up to the last finite step).");
    if (r)
        return r > 0 ? EXIT_OK : EXIT_USAGE;
    if (o.steps < 0)
        return cli_fail(o.verb, "--steps N is required (for example --steps 1000)");
    if (o.compare) {
        if (o.save_dir || o.load_dir)
            return cli_fail(o.verb, "--compare trains two fresh runs: it does not take --save or --load");
        return train_compare(&o);
    }
    Trainer tr;
    if (cli_make_trainer(&tr, &o) != 0)
        return EXIT_USAGE;

    /* Fail now, not after the training, if --save names what cannot be replaced. */
    char save_err[CONFIG_ERR_LEN + 4400];
    if (o.save_dir && dir_writer_check(o.save_dir, save_err, sizeof save_err) != 0) {
        char msg[sizeof save_err + 16];
        snprintf(msg, sizeof msg, "--save %s", save_err);
        trainer_destroy(&tr);
        return cli_fail(o.verb, msg);
    }
    /* one g_t column per time step the network runs: T, or T + Td for seq2seq */
    int T = tr.T;
    CsvWriter csv;
    char csv_err[CONFIG_ERR_LEN + 200];
    if (o.csv_path && csv_open(&csv, o.csv_path, T, tr.hist.n_t != NULL, tr.cfg.seeds, tr.cfg.seed, 0, csv_err, sizeof csv_err) != 0) {
        char msg[CONFIG_ERR_LEN + 300];
        snprintf(msg, sizeof msg, "--csv %s", csv_err);
        trainer_destroy(&tr);
        return cli_fail(o.verb, msg);
    }
    int live = !o.quiet && isatty(STDERR_FILENO);
    double start = cli_now(), last_print = 0;
    int status = EXIT_OK;
    long done = 0;
    double last_loss = NAN, last_metric = NAN;
    stop_signal = 0;
    catch_stop_signals();
    for (long s = 0; s < o.steps && !stop_signal; s++) {
        int bad = trainer_step(&tr);
        if (o.csv_path)
            csv_row_history(&csv, NULL, &tr.hist, history_index(&tr.hist, tr.hist.count - 1));
        if (bad) {
            fprintf(stderr, "%s%s\n", live ? "\n" : "", tr.event.message);
            status = EXIT_DIVERGED;
            break;
        }
        done++;
        last_loss = tr.obs.loss;
        last_metric = tr.obs.metric;
        double t = cli_now() - start;
        if (live && (t - last_print > 0.1 || s + 1 == o.steps)) {
            last_print = t;
            fprintf(stderr, "\rstep %ld/%ld  loss %.4g  grad norm %.3g  %.0f steps/s   ", s + 1,
                    o.steps, tr.obs.loss, tr.obs.grad_norm, t > 0 ? done / t : 0.0);
        }
    }
    double elapsed = cli_now() - start;
    int sig = stop_signal;
    if (live)
        fputc('\n', stderr);
    if (o.csv_path && csv_close(&csv, csv_err, sizeof csv_err) != 0) {
        fprintf(stderr, "rnnlab train: --csv %s\n", csv_err);
        status = EXIT_WRITE;
    }
    if (o.save_dir && trainer_save_stopped(&tr, o.save_dir, sig ? stop_name(sig) : NULL, save_err,
                                           sizeof save_err) != 0) {
        fprintf(stderr, "rnnlab train: --save %s\n", save_err);
        status = EXIT_WRITE;
    }
    if (sig) {
        fprintf(stderr, "rnnlab train: stopped by %s after step %ld of %ld%s%s%s\n", stop_name(sig), tr.step,
                o.steps, o.csv_path || o.save_dir ? "; wrote" : "", o.csv_path ? " the CSV rows so far" : "",
                o.save_dir ? (o.csv_path ? " and the run (state.txt says stopped)" : " the run (state.txt says stopped)")
                           : "");
        if (status == EXIT_OK)
            status = sig == SIGINT ? EXIT_SIGINT : EXIT_SIGTERM;
    }
    if (!o.quiet && done > 0)
        printf("trained %ld steps in %.2f s (%.0f steps/s): loss %.5g (memoryless baseline %.5g), "
               "%s %.3f\n",
               done, elapsed, elapsed > 0 ? done / elapsed : 0.0, last_loss,
               task_baseline(&tr.task), task_kind_info(tr.cfg.task)->metric_name, last_metric);
    trainer_destroy(&tr);
    return status;
}

/* ---- grads ---- */

/* NAME.npy into dir (the new directory); a failure is reported as in `shown`, the
 * directory the user named. */
static int write_array(const char *dir, const char *shown, const char *name, NpyType type, int ndim,
                       const size_t *shape, const void *data)
{
    char path[8400], err[8800];
    snprintf(path, sizeof path, "%s/%s.npy", dir, name);
    if (npy_write(path, type, ndim, shape, data, err, sizeof err) != 0) {
        size_t n = strlen(dir);
        fprintf(stderr, "rnnlab grads: --out %s%s\n", strncmp(err, dir, n) ? "" : shown, strncmp(err, dir, n) ? err : err + n);
        return -1;
    }
    return 0;
}

int cli_grads(int argc, char **argv)
{
    Options o = {0};
    int r = cli_parse_options(&o, argc, argv, OPT_CONFIG | OPT_SET | OPT_LOAD | OPT_OUT | OPT_MEMORY,
                          "[--config F] [--set k=v]... [--load DIR] [--memory SIZE] --out DIR",
                          "Runs one forward and backward pass on the first batch of the task at this\n"
                          "seed, with no update, and writes into DIR: config.txt, every parameter as\n"
                          "NAME.npy, x.npy, y.npy, loss.npy, h.npy, dh.npy (c.npy, dc.npy for lstm),\n"
                          "grad.NAME.npy and, for model=rnn, bound.npy (T,): an upper bound on the\n"
                          "norm of dh[t] over batch and units, the gradient view's line;\n"
                          "itemised.npy (S, T): [s, t] = ||dL_s/dh_t|| over batch and units, L_s loss\n"
                          "term s's part of the loss (they sum to dh); itemised_first.npy (S, T): the\n"
                          "same over the first sample; connectivity.npy (S, T): [s, t] =\n"
                          "||d out_s / d x_t|| for the first sample. S: 1 for many-to-one, else the\n"
                          "output steps; T: the steps of h.npy.\n"
                          "NumPy .npy 1.0, float64 (int64 class labels).");
    if (r)
        return r > 0 ? EXIT_OK : EXIT_USAGE;
    if (!o.out_dir)
        return cli_fail(o.verb, "--out DIR is required");
    Trainer tr;
    if (cli_make_trainer(&tr, &o) != 0)
        return EXIT_USAGE;
    int bad = trainer_evaluate_next(&tr);

    char err[CONFIG_ERR_LEN];
    int status = EXIT_OK;
    const ModelDims *d = &tr.dims;
    const Batch *bt = &tr.batch;
    size_t T = (size_t)bt->T, Td = (size_t)bt->Td, B = (size_t)bt->B, H = (size_t)d->H;
    size_t TT = (size_t)tr.T; /* encoder steps, then decoder steps */
    /* DIR is written whole (a new directory swapped in at the end): the saved-run files
     * (config.txt, NAME.npy, optimiser state) from trainer_save_files, then the arrays */
    DirWriter dw;
    char dir_err[CONFIG_ERR_LEN + 4400];
    if (dir_writer_open(&dw, o.out_dir, dir_err, sizeof dir_err) != 0) {
        char m[sizeof dir_err + 16];
        snprintf(m, sizeof m, "--out %s", dir_err);
        trainer_destroy(&tr);
        return cli_fail(o.verb, m);
    }
    const char *out_dir = dw.tmp;
    if (trainer_save_files(&tr, out_dir, NULL, err, sizeof err) != 0) {
        trainer_save_dir_finish(&dw, -1, err, sizeof err);
        fprintf(stderr, "rnnlab grads: --out %s\n", err);
        trainer_destroy(&tr);
        return EXIT_WRITE;
    }
    size_t x_shape[3] = {T, B, (size_t)d->I};
    size_t xd_shape[3] = {Td, B, (size_t)d->Id};
    /* per-step arrays: (T_total, B, H), or (L, T_total, B, H) for a stack, layer 0 first */
    size_t L = (size_t)d->L, h_shape[4] = {L, TT, B, H};
    int h_ndim = L > 1 ? 4 : 3;
    const size_t *hs = L > 1 ? h_shape : h_shape + 1;
    /* Targets: one row per sequence when the head reads the last step, else one per step. */
    size_t steps = d->shape == SHAPE_SEQ2SEQ ? Td : T;
    int every = model_head_every(d);
    size_t y_shape[3];
    int y_ndim = 0;
    if (every)
        y_shape[y_ndim++] = steps;
    y_shape[y_ndim++] = B;
    if (d->loss == LOSS_MSE)
        y_shape[y_ndim++] = (size_t)d->O; /* class indices have no O axis */
    double loss = tr.obs.loss;
    int64_t lengths[4096]; /* each sequence's length (batch <= 4096), as pack_padded_sequence takes them */
    for (size_t b = 0; b < B; b++)
        lengths[b] = bt->len[b];
    double *states = malloc(L * TT * B * H * sizeof(double)), *grads = malloc(L * TT * B * H * sizeof(double));
    if (!states || !grads) {
        free(states);
        free(grads);
        trainer_destroy(&tr);
        return cli_fail(o.verb, "out of memory");
    }
    trainer_copy_states(&tr, states, 0);
    trainer_copy_dh(&tr, grads, 0);
    if (write_array(out_dir, o.out_dir, "x", NPY_F8, 3, x_shape, bt->x) ||
        (Td && write_array(out_dir, o.out_dir, "x_decoder", NPY_F8, 3, xd_shape, bt->xd)) ||
        write_array(out_dir, o.out_dir, "y", d->loss == LOSS_XENT ? NPY_I8 : NPY_F8, y_ndim, y_shape,
                    d->loss == LOSS_XENT ? (const void *)bt->label : (const void *)bt->y) ||
        write_array(out_dir, o.out_dir, "loss", NPY_F8, 0, NULL, &loss) ||
        write_array(out_dir, o.out_dir, "lengths", NPY_I8, 1, &B, lengths) ||
        write_array(out_dir, o.out_dir, "h", NPY_F8, h_ndim, hs, states) ||
        write_array(out_dir, o.out_dir, "dh", NPY_F8, h_ndim, hs, grads))
        status = EXIT_WRITE;
    if (status == EXIT_OK && d->cell->has_cell_state) {
        trainer_copy_states(&tr, states, 1);
        trainer_copy_dh(&tr, grads, 1);
        if (write_array(out_dir, o.out_dir, "c", NPY_F8, h_ndim, hs, states) ||
            write_array(out_dir, o.out_dir, "dc", NPY_F8, h_ndim, hs, grads))
            status = EXIT_WRITE;
    }
    /* the gradient view's upper bound, only where it is one (not lstm's or gru's factor) */
    size_t t_shape[2] = {L, TT}; /* (T_total), or (L, T_total) for a stack */
    if (status == EXIT_OK && tr.obs.reference_kind == REFERENCE_BOUND &&
        write_array(out_dir, o.out_dir, "bound", NPY_F8, L > 1 ? 2 : 1, L > 1 ? t_shape : t_shape + 1,
                    tr.obs.layers_reference))
        status = EXIT_WRITE;
    free(grads);
    free(states);
    /* The gradient itemised by loss term, and the output-input connectivity: (S, T_total). */
    size_t st_shape[2] = {(size_t)itemise_terms(&tr), TT};
    double *itemised = malloc(st_shape[0] * TT * sizeof(double));
    double *first = malloc(st_shape[0] * TT * sizeof(double));
    double *connectivity = malloc(st_shape[0] * TT * sizeof(double));
    if (status == EXIT_OK && (!itemised || !first || !connectivity || itemise_gradient(&tr, itemised, first, NULL) ||
                              itemise_connectivity(&tr, connectivity))) {
        fprintf(stderr, "rnnlab grads: out of memory\n");
        status = EXIT_USAGE;
    }
    if (status == EXIT_OK &&
        (write_array(out_dir, o.out_dir, "itemised", NPY_F8, 2, st_shape, itemised) ||
         write_array(out_dir, o.out_dir, "itemised_first", NPY_F8, 2, st_shape, first) ||
         write_array(out_dir, o.out_dir, "connectivity", NPY_F8, 2, st_shape, connectivity)))
        status = EXIT_WRITE;
    free(connectivity);
    free(first);
    free(itemised);
    for (int i = 0; i < d->n_tensors && status == EXIT_OK; i++) {
        char name[128];
        snprintf(name, sizeof name, "grad.%s", tr.specs[i].name);
        if (write_array(out_dir, o.out_dir, name, NPY_F8, tr.specs[i].ndim, tr.specs[i].shape,
                        model_tensor(&tr.grad, d, i)))
            status = EXIT_WRITE;
    }
    if (bad && status == EXIT_OK) {
        fprintf(stderr, "rnnlab grads: %s\n", tr.event.message);
        status = EXIT_DIVERGED;
    }
    /* all of it in place at once, or none of it (the old DIR kept) */
    if (trainer_save_dir_finish(&dw, status == EXIT_OK || status == EXIT_DIVERGED ? 0 : -1, dir_err,
                                sizeof dir_err) != 0 && (status == EXIT_OK || status == EXIT_DIVERGED)) {
        fprintf(stderr, "rnnlab grads: --out %s\n", dir_err);
        status = EXIT_WRITE;
    }
    trainer_destroy(&tr);
    return status;
}

/* ---- bench ---- */

/* Trains for about `seconds` and returns sequences per second. */
/* The floating-point operations of one training step's matrix products (a multiply and
 * an add each count one): forward x W_ih^T and h W_hh^T at every step and the head at every
 * output, backward to h_{t-1} and to both weights at every step, and through the head
 * (to its weights and to h). Element-wise work is left out. A stack's layers above the
 * first read H inputs and also send dL/dx down (12 H a step and unit). Per step of a batch
 * B: B (T G H (4 I + 6 H + 12 (L - 1) H) + 6 T_out H O). */
static double step_flops(const Trainer *tr)
{
    const ModelDims *d = &tr->dims;
    double T = tr->T, G = d->G, H = d->H, I = d->I > d->Id ? d->I : d->Id, O = d->O, L = d->L;
    double T_out = model_head_every(d) ? (d->shape == SHAPE_SEQ2SEQ ? tr->task.info.Td : tr->task.info.T) : 1;
    return (double)tr->cfg.batch * (T * G * H * (4 * I + 6 * H + 12 * (L - 1) * H) + 6 * T_out * H * O) *
           (1 + tr->n_copies);
}

/* The double-precision peak of one core of this CPU: the clock (/proc/cpuinfo's "cpu MHz"
 * of the first core) x 2 FMA ports x the widest vector's doubles x 2 (a fused multiply-add
 * is two operations), whatever path is in use. 0 when the clock is unknown. */
static double core_peak_gflops(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r"); /* (a proc file: regular reads do not block) */
    double mhz = 0;
    char line[256];
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "cpu MHz : %lf", &mhz) == 1)
            break;
    if (f)
        fclose(f);
    char paths[128];
    linalg_isa_supported(paths, sizeof paths);
    double doubles = strstr(paths, "avx512") ? 8 : strstr(paths, "avx2") ? 4 : 2;
    return mhz / 1000 * 2 * doubles * 2;
}

static double measure(const Config *cfg, double seconds, double *spectrum_us, double *gflops, char *err,
                      size_t errlen)
{
    Trainer tr;
    if (trainer_create(&tr, cfg, err, errlen) != 0)
        return -1;
    for (int i = 0; i < 3; i++) /* warm the caches */
        trainer_step(&tr);
    long steps = 0;
    double start = cli_now(), elapsed = 0;
    do {
        for (int i = 0; i < 10; i++)
            trainer_step(&tr);
        steps += 10;
        elapsed = cli_now() - start;
    } while (elapsed < seconds);
    double rate = (double)steps * tr.cfg.batch / elapsed;
    *gflops = step_flops(&tr) * (double)steps / elapsed / 1e9;
    /* The full spectrum, which the window asks for once per frame, not per step. */
    int calls = 0;
    start = cli_now();
    do {
        tr.spectrum.step = -1;
        trainer_spectrum(&tr);
        calls++;
        elapsed = cli_now() - start;
    } while (elapsed < seconds / 4);
    *spectrum_us = 1e6 * elapsed / calls;
    trainer_destroy(&tr);
    return rate;
}

int cli_bench(int argc, char **argv)
{
    Options o = {0};
    int r = cli_parse_options(&o, argc, argv,
                              OPT_SET | OPT_CONFIG | OPT_SECONDS | OPT_RENDER | OPT_WINDOW | OPT_FONT | OPT_MEMORY,
                              "[--set k=v]... [--seconds S] [--render [--window]] [--memory SIZE]",
                              "Measures training throughput (forward, backward, recording, clipping and the\n"
                              "update) in sequences per second. With no --set: rnn, lstm and gru at\n"
                              "hidden=32 seq_len=50 on adding, batch 1 and 32; with --set, that one\n"
                              "configuration. One line per measurement: key=value fields; step_us is\n"
                              "the time of one training step, spectrum_us of one full spectrum of W_hh\n"
                              "(all singular values and eigenvalues, computed per frame, not per step).\n"
                              "With --render: the window's frames instead (free play, then the start\n"
                              "screen), offscreen, or with --window on the display.");
    if (r)
        return r > 0 ? EXIT_OK : EXIT_USAGE;
    if (o.window && !o.render)
        return cli_fail("bench", "--window goes with --render: it times the window's frames on the display");
    if (o.render)
        return cli_bench_render(&o);
    char err[CONFIG_ERR_LEN];
    int n_runs = 0;
    Config runs[2 * CELL_MAX];
    int given = 0;
    for (int i = 1; i < argc; i++)
        given |= strcmp(argv[i], "--set") == 0 || strcmp(argv[i], "--config") == 0;
    if (given) {
        runs[n_runs++] = o.cfg;
    } else {
        const int batches[2] = {1, 32};
        for (int m = 0; m < cell_count(); m++)
            for (int b = 0; b < 2; b++) {
                Config c = o.cfg;
                c.model = m;
                c.hidden = 32;
                c.seq_len = 50;
                c.task = task_find("adding");
                c.batch = batches[b];
                runs[n_runs++] = c;
            }
    }
    for (int i = 0; i < n_runs; i++) /* all of them, before the first is measured */
        if (budget_check(&runs[i], 1, NULL, o.memory, err, sizeof err) != 0)
            return cli_fail(o.verb, err);
    for (int i = 0; i < n_runs; i++) {
        double spectrum_us = 0, gflops = 0, peak = core_peak_gflops();
        double rate = measure(&runs[i], o.seconds, &spectrum_us, &gflops, err, sizeof err);
        if (rate < 0)
            return cli_fail(o.verb, err);
        Config c = runs[i];
        char text[CONFIG_ERR_LEN];
        config_resolve(&c, text, sizeof text);
        printf("model=%s activation=%s hidden=%d seq_len=%d batch=%d optimizer=%s "
               "sequences_per_s=%.1f step_us=%.1f spectrum_us=%.1f isa=%s gflops=%.2f peak_share=%.1f%%\n",
               config_model_name(c.model), config_activation_name(c.activation), c.hidden,
               c.seq_len, c.batch, config_optimizer_name(c.optimizer), rate,
               1e6 * c.batch / rate, spectrum_us, linalg_isa_name(), gflops, peak > 0 ? 100 * gflops / peak : 0.0);
        fflush(stdout);
    }
    return EXIT_OK;
}

/* ---- the demonstration ---- */

int cli_demo(int argc, char **argv)
{
    (void)argc, (void)argv;
    Config cfg;
    config_default(&cfg);
    cfg.seq_len = 40;
    char err[CONFIG_ERR_LEN];
    Trainer tr;
    if (trainer_create(&tr, &cfg, err, sizeof err) != 0) {
        fprintf(stderr, "rnnlab: %s\n", err);
        return EXIT_USAGE;
    }
    printf("rnnlab %s: a tanh RNN (hidden=%d) learns the adding task over %d steps.\n"
           "This is the headless engine; rnnlab with no command opens the window. Try rnnlab --help.\n\n",
           RNNLAB_VERSION, tr.cfg.hidden, tr.cfg.seq_len);
    const long steps = 1500;
    double start = cli_now();
    for (long s = 0; s < steps; s++) {
        if (trainer_step(&tr)) {
            printf("\n%s\n", tr.event.message);
            break;
        }
        if ((s + 1) % 100 == 0) {
            printf("\rstep %4ld/%ld  loss %.4f (baseline %.4f)  grad norm %.3g  %.0f steps/s", s + 1,
                   steps, tr.obs.loss, task_baseline(&tr.task), tr.obs.grad_norm,
                   (s + 1) / (cli_now() - start));
            fflush(stdout);
        }
    }
    int T = tr.cfg.seq_len;
    printf("\n\n||dL/dh_t|| at the last step, travelling back from t=%d (log scale):\n", T - 1);
    double top = tr.obs.dh_norm[T - 1];
    for (int t = T - 1; t >= 0; t -= 3) {
        double g = tr.obs.dh_norm[t];
        int bar = g > 0 && top > 0 ? (int)(50 + 5 * log10(g / top)) : 0;
        bar = bar < 0 ? 0 : bar > 60 ? 60 : bar;
        printf("  t=%3d  %9.2e  %.*s\n", t, g, bar,
               "############################################################");
    }
    printf("\nThe gradient from the loss fades as it travels back in time: that is the\n"
           "vanishing gradient. Compare: rnnlab train --set model=lstm --steps 1500\n");
    trainer_destroy(&tr);
    return EXIT_OK;
}

/* ---- tasks ---- */

int cli_tasks(int argc, char **argv)
{
    Options o = {0};
    int r = cli_parse_options(&o, argc, argv, 0, "",
                          "Lists every task: its shape, input and output sizes, loss, memoryless\n"
                          "baseline at the default length, defaults, and what it is.");
    if (r)
        return r > 0 ? EXIT_OK : EXIT_USAGE;
    printf("%-10s %-13s %5s %5s %5s %9s %8s %7s  %s\n", "task", "shape", "in", "out", "loss",
           "baseline", "seq_len", "hidden", "metric");
    for (int k = 0; k < task_kind_count(); k++) {
        Config cfg;
        char err[CONFIG_ERR_LEN];
        config_default(&cfg);
        cfg.task = k;
        Task task;
        if (config_resolve(&cfg, err, sizeof err) != 0 || task_create(&task, &cfg, err, sizeof err) != 0)
            return cli_fail(o.verb, err);
        const TaskKindInfo *ki = task_kind_info(cfg.task);
        char in[32], out[32];
        if (task.info.Td) /* the encoder's input, then the decoder's */
            snprintf(in, sizeof in, "%d+%d", task.info.I, task.info.Id);
        else
            snprintf(in, sizeof in, "%d", task.info.I);
        snprintf(out, sizeof out, "%d", task.info.O);
        printf("%-10s %-13s %5s %5s %5s %9.4f %8d %7d  %s\n", ki->name,
               config_shape_name(ki->shape), in, out, config_loss_name(ki->loss),
               task_baseline(&task), cfg.seq_len, cfg.hidden, ki->metric_name);
        /* the two sentences, wrapped under the table at 88 columns */
        char text[512];
        snprintf(text, sizeof text, "%s %s", ki->sentence, ki->shape_sentence);
        int col = 0;
        for (char *w = strtok(text, " "); w; w = strtok(NULL, " ")) {
            int len = (int)strlen(w);
            if (col == 0 || col + 1 + len > 77) {
                printf("%s%11s%s", col ? "\n" : "", "", w);
                col = len;
            } else {
                printf(" %s", w);
                col += 1 + len;
            }
        }
        printf("\n\n");
        task_destroy(&task);
    }
    printf("The baseline is the loss of the best predictor that uses no memory; see README.md.\n");
    return EXIT_OK;
}

/* ---- sample ---- */

static int argmax(const double *v, int n)
{
    int best = 0;
    for (int k = 1; k < n; k++)
        if (v[k] > v[best])
            best = k;
    return best;
}

/* Prints a sequence of one-hot rows as symbols, or of real rows as numbers. */
static void print_symbols(const Task *task, const double *rows, size_t stride, int T, int width,
                          int output, int one_hot)
{
    char name[64];
    for (int t = 0; t < T; t++) {
        const double *v = rows + (size_t)t * stride;
        if (one_hot) {
            task_symbol_name(task, argmax(v, width), output, name, sizeof name);
            printf(task_kind_info(task->kind)->symbols_are_words ? "%s " : "%s", name);
        } else {
            for (int k = 0; k < width; k++)
                printf("%s%.2f", t || k ? " " : "", v[k]);
        }
    }
}

static void print_labels(const Task *task, const int64_t *labels, size_t stride, int T, int output)
{
    char name[64];
    for (int t = 0; t < T; t++) {
        task_symbol_name(task, (int)labels[(size_t)t * stride], output, name, sizeof name);
        printf(task_kind_info(task->kind)->symbols_are_words ? "%s " : "%s", name);
    }
}

static int sample_text(Trainer *tr, const Options *o)
{
    const Task *task = &tr->task;
    const ModelDims *d = &tr->dims;
    long n = o->n > 0 ? o->n : 300;
    /* The prime, as vocabulary indices. */
    size_t plen = 0;
    int *prime = malloc(((o->prime ? strlen(o->prime) : 0) + 1) * sizeof(int));
    if (!prime)
        return cli_fail(o->verb, "out of memory");
    if (o->prime && *o->prime) {
        const unsigned char *s = (const unsigned char *)o->prime;
        size_t len = strlen(o->prime);
        for (size_t i = 0; i < len;) {
            char one[8] = {0};
            size_t cl = (s[i] & 0x80) == 0 ? 1 : (s[i] & 0xe0) == 0xc0 ? 2 : (s[i] & 0xf0) == 0xe0 ? 3 : 4;
            if (cl > len - i)
                cl = len - i;
            memcpy(one, s + i, cl);
            int found = -1;
            for (int k = 0; k < task->n_vocab && found < 0; k++) {
                char name[8];
                task_symbol_name(task, k, 0, name, sizeof name);
                if (strcmp(name, one) == 0)
                    found = k;
            }
            if (found < 0) {
                char msg[128];
                snprintf(msg, sizeof msg, "--prime: '%s' is not in the vocabulary of the training text", one);
                free(prime);
                return cli_fail(o->verb, msg);
            }
            prime[plen++] = found;
            i += cl;
        }
    } else {
        prime[plen++] = task->corpus[0];
    }
    int V = task->n_vocab, steps = (int)(plen + (size_t)n);
    Cache c;
    double *x = calloc((size_t)steps * V, sizeof(double)), *logits = malloc((size_t)V * sizeof(double));
    if (!x || !logits || model_cache_create(&c, d, steps, 0, 1) != 0) {
        free(x);
        free(logits);
        free(prime);
        return cli_fail(o->verb, "out of memory");
    }
    for (int l = 0; l < d->L; l++) { /* every layer starts from the zero state */
        memset(c.rnn[l].hs, 0, (size_t)d->H * sizeof(double));
        memset(c.rnn[l].cs, 0, (size_t)d->H * sizeof(double));
    }
    Rng rng;
    rng_seed(&rng, tr->cfg.seed, 6);
    char name[8];
    for (size_t i = 0; i < plen; i++) {
        task_symbol_name(task, prime[i], 0, name, sizeof name);
        fputs(name, stdout);
    }
    int cur = prime[0];
    for (int t = 0; t < steps - 1; t++) {
        x[(size_t)t * V + cur] = 1.0;
        stack_forward_steps(c.rnn, x, tr->param.rnn, d, t, t + 1);
        if ((size_t)t + 1 < plen) {
            cur = prime[t + 1];
            continue;
        }
        model_head(logits, c.rnn[d->L - 1].hs + (size_t)(t + 1) * d->H, &tr->param, d, 1);
        if (o->temperature == 0) {
            cur = argmax(logits, V);
        } else {
            double m = logits[argmax(logits, V)], sum = 0;
            for (int k = 0; k < V; k++)
                sum += (logits[k] = exp((logits[k] - m) / o->temperature));
            double u = rng_uniform(&rng) * sum;
            cur = V - 1;
            for (int k = 0; k < V; k++) {
                u -= logits[k];
                if (u < 0) {
                    cur = k;
                    break;
                }
            }
        }
        task_symbol_name(task, cur, 0, name, sizeof name);
        fputs(name, stdout);
    }
    putchar('\n');
    model_cache_destroy(&c);
    free(logits);
    free(x);
    free(prime);
    return EXIT_OK;
}

int cli_sample(int argc, char **argv)
{
    Options o = {0};
    int r = cli_parse_options(&o, argc, argv, OPT_LOAD | OPT_N | OPT_TEMPERATURE | OPT_PRIME | OPT_MEMORY,
                          "--load DIR [--n N] [--temperature T] [--prime TEXT] [--memory SIZE]",
                          "Generates from a saved model (rnnlab train --save DIR): text for charlm,\n"
                          "the drawn wave for wave, the reversed sequence for reverse (the decoder fed\n"
                          "its own predictions), and predictions beside targets for the other tasks,\n"
                          "on sequences drawn afresh from the task.");
    if (r)
        return r > 0 ? EXIT_OK : EXIT_USAGE;
    if (!o.load_dir)
        return cli_fail(o.verb, "--load DIR is required (a run saved with rnnlab train --save DIR)");
    if (!task_kind_info(o.cfg.task)->generates_text && (o.prime || o.temperature_given))
        return cli_fail(o.verb, "--prime and --temperature are for task=charlm only");
    /* A batch of the samples asked for, drawn from their own stream of the seed. */
    if (!task_kind_info(o.cfg.task)->generates_text)
        o.cfg.batch = o.n > 0 ? (int)(o.n < 4096 ? o.n : 4096) : 5;
    Trainer tr;
    if (cli_make_trainer(&tr, &o) != 0)
        return EXIT_USAGE;
    if (task_kind_info(tr.cfg.task)->generates_text) {
        int status = sample_text(&tr, &o);
        trainer_destroy(&tr);
        return status;
    }
    rng_seed(&tr.rng_data, tr.cfg.seed, 6);
    trainer_evaluate_next(&tr);
    const Task *task = &tr.task;
    const Batch *bt = &tr.batch;
    const ModelDims *d = &tr.dims;
    int B = bt->B, T = bt->T, I = bt->I, O = bt->O;
    const double *out = d->shape == SHAPE_SEQ2SEQ ? tr.cache.free_run_out : tr.cache.out;
    int every = model_head_every(d), To = d->shape == SHAPE_SEQ2SEQ ? bt->Td : T;
    int one_hot_in = task_kind_info(task->kind)->input_is_one_hot;
    printf("task=%s: %d sample%s drawn with seed %llu (stream 6); loss on them %.5g, %s %.4g\n",
           task_kind_info(task->kind)->name, B, B == 1 ? "" : "s",
           (unsigned long long)tr.cfg.seed, tr.obs.loss, task_kind_info(task->kind)->metric_name,
           tr.obs.metric);
    for (int b = 0; b < B; b++) {
        printf("\n#%d input:  ", b + 1);
        char described[256];
        if (task_describe_input(task, bt, b, described, sizeof described)) {
            fputs(described, stdout);
        } else {
            print_symbols(task, bt->x + (size_t)b * I, (size_t)B * I, T, I, 0, one_hot_in);
        }
        printf("\n#%d target: ", b + 1);
        if (bt->loss == LOSS_XENT)
            print_labels(task, bt->label + b, every ? (size_t)B : 0, every ? To : 1, 1);
        else
            print_symbols(task, bt->y + (size_t)b * O, (size_t)B * O, every ? To : 1, O, 1, 0);
        printf("\n#%d output: ", b + 1);
        print_symbols(task, out + (size_t)b * O, (size_t)B * O, every ? To : 1, O, 1,
                      bt->loss == LOSS_XENT);
        putchar('\n');
    }
    trainer_destroy(&tr);
    return EXIT_OK;
}

