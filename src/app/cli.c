/* cli.c: the verbs train, grads and bench, and the no-argument demonstration. Option
 * parsing is shared: each verb names the options it accepts; the configuration is built
 * as defaults, then --load DIR's config.txt, then --config files and --set pairs in the
 * order given. */
#include "cli.h"

#include "../core/config.h"
#include "../core/npy.h"
#include "../core/trainer.h"
#include "../platform/window.h"
#include "gui.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A pause of ms milliseconds (the app layer has no SDL). */
static void sleep_ms(unsigned ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

enum {
    OPT_CONFIG = 1 << 0,
    OPT_SET = 1 << 1,
    OPT_STEPS = 1 << 2,
    OPT_CSV = 1 << 3,
    OPT_SAVE = 1 << 4,
    OPT_LOAD = 1 << 5,
    OPT_QUIET = 1 << 6,
    OPT_OUT = 1 << 7,
    OPT_SECONDS = 1 << 8,
    OPT_N = 1 << 9,
    OPT_TEMPERATURE = 1 << 10,
    OPT_PRIME = 1 << 11,
    OPT_FONT = 1 << 12,
    OPT_SIZE = 1 << 13,
    OPT_TRAIN_STEPS = 1 << 14,
    OPT_RENDER = 1 << 15,
    OPT_LESSON = 1 << 16,
    OPT_STEP = 1 << 17,
    OPT_RUN = 1 << 18,
    OPT_COMPARE = 1 << 19,
};

typedef struct {
    const char *verb;
    Config cfg;
    int n_sets; /* --set and --config given, in order */
    const char *load_dir, *save_dir, *csv_path, *out_dir;
    long steps;
    double seconds;
    int quiet;
    long n;
    double temperature;
    int temperature_given;
    const char *prime;
    const char *font;
    int width, height;
    long train_steps;
    int render;
    const char *lesson;
    int step;
    int run_checks;
    int first_file; /* lesson-check: 1 once a FILE argument was seen */
    int files[256]; /* ... and the indices of all of them */
    const char *compare;
    int n_files;
} Options;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int fail(const char *verb, const char *msg)
{
    fprintf(stderr, "rnnlab %s: %s\n", verb, msg);
    return EXIT_USAGE;
}

static const char *const OPTION_HELP[] = {
    "  --config FILE    key=value lines ('#' comments); may repeat\n",
    "  --set KEY=VALUE  one setting; may repeat (see rnnlab --help for the keys)\n",
    "  --steps N        training steps to run\n",
    "  --csv FILE       one row per step: step,loss,metric,grad_norm,clipped,g_0..g_{T-1}\n",
    "  --save DIR       save the run (config.txt, NAME.npy, optimiser state) at the end\n",
    "  --load DIR       start from a saved run (its config, weights and state)\n",
    "  --quiet          no progress line or summary\n",
    "  --out PATH       where to write: grads, a directory of arrays; render, the PNG;\n"
    "                   lesson-check, a directory for a picture of every step\n",
    "  --seconds S      time per measurement (default 1)\n",
    "  --n N            how many samples (charlm: characters; default 5, charlm 300)\n",
    "  --temperature T  charlm: sampling temperature, 0 = always the likeliest (default 1)\n",
    "  --prime TEXT     charlm: text to start from (default: the corpus's first character)\n",
    "  --font PATH      a TTF font instead of DejaVu Sans (found through fontconfig)\n",
    "  --size WxH       picture size in pixels (default 1280x800)\n",
    "  --train-steps N  train this many steps before drawing (default 300)\n",
    "  --render         time drawing a full frame offscreen instead of training\n",
    "  --lesson FILE    open a lesson (lessons/*.md) at its first step\n",
    "  --step K         with --lesson: draw step K (1-based), after steps 1..K have run\n",
    "  --run            also run every step headless and check its claims\n",
    "  --compare K=A,B  two runs on the same data and seed, differing in key K (e.g. model=rnn,lstm)\n",
};

static void verb_help(const char *verb, const char *synopsis, const char *what, unsigned allowed)
{
    printf("usage: rnnlab %s %s\n\n%s\n\noptions:\n", verb, synopsis, what);
    for (unsigned i = 0; i < sizeof OPTION_HELP / sizeof OPTION_HELP[0]; i++)
        if (allowed & (1u << i))
            fputs(OPTION_HELP[i], stdout);
    puts("  --help           this text");
}

/* Returns -1 on misuse (message printed), 1 if --help was printed, 0 to go on. */
static int parse_options(Options *o, int argc, char **argv, unsigned allowed, const char *synopsis,
                         const char *what)
{
    static const struct {
        const char *name;
        unsigned flag;
        int takes_value;
    } table[] = {
        {"--config", OPT_CONFIG, 1}, {"--set", OPT_SET, 1},   {"--steps", OPT_STEPS, 1},
        {"--csv", OPT_CSV, 1},       {"--save", OPT_SAVE, 1}, {"--load", OPT_LOAD, 1},
        {"--quiet", OPT_QUIET, 0},   {"--out", OPT_OUT, 1},   {"--seconds", OPT_SECONDS, 1},
        {"--n", OPT_N, 1},           {"--temperature", OPT_TEMPERATURE, 1},
        {"--prime", OPT_PRIME, 1},        {"--font", OPT_FONT, 1},
        {"--size", OPT_SIZE, 1},          {"--train-steps", OPT_TRAIN_STEPS, 1},
        {"--render", OPT_RENDER, 0},      {"--lesson", OPT_LESSON, 1},
        {"--step", OPT_STEP, 1},          {"--run", OPT_RUN, 0},
        {"--compare", OPT_COMPARE, 1},
    };
    char err[CONFIG_ERR_LEN], msg[CONFIG_ERR_LEN + 64];
    o->verb = argv[0];
    config_default(&o->cfg);
    o->steps = -1;
    o->seconds = 1.0;
    o->n = -1;
    o->temperature = 1.0;
    o->width = 1280;
    o->height = 800;
    o->train_steps = 300;

    /* --load first: its config.txt is the base the other settings change. */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            verb_help(o->verb, synopsis, what, allowed);
            return 1;
        }
        if ((allowed & OPT_LOAD) && strcmp(argv[i], "--load") == 0 && i + 1 < argc) {
            o->load_dir = argv[i + 1];
            char path[4096];
            snprintf(path, sizeof path, "%s/config.txt", o->load_dir);
            struct stat st;
            if (stat(o->load_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
                snprintf(msg, sizeof msg, "--load %s: not a directory", o->load_dir);
                fail(o->verb, msg);
                return -1;
            }
            if (config_load_file(&o->cfg, path, err, sizeof err) != 0) {
                fail(o->verb, err);
                return -1;
            }
        }
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        unsigned flag = 0;
        int takes_value = 0;
        for (unsigned k = 0; k < sizeof table / sizeof table[0]; k++)
            if (strcmp(a, table[k].name) == 0) {
                flag = table[k].flag;
                takes_value = table[k].takes_value;
            }
        if (!flag && a[0] != '-' && strcmp(o->verb, "lesson-check") == 0) {
            o->first_file = 1;
            if (o->n_files < 256)
                o->files[o->n_files++] = i;
            continue;
        }
        if (!flag || !(allowed & flag)) {
            snprintf(msg, sizeof msg, "unknown option '%s' (see rnnlab %s --help)", a, o->verb);
            fail(o->verb, msg);
            return -1;
        }
        const char *v = NULL;
        if (takes_value) {
            if (i + 1 >= argc) {
                snprintf(msg, sizeof msg, "%s needs a value (see rnnlab %s --help)", a, o->verb);
                fail(o->verb, msg);
                return -1;
            }
            v = argv[++i];
        }
        char *end;
        switch (flag) {
        case OPT_CONFIG:
            if (config_load_file(&o->cfg, v, err, sizeof err) != 0) {
                fail(o->verb, err);
                return -1;
            }
            break;
        case OPT_SET:
            if (config_set(&o->cfg, v, err, sizeof err) != 0) {
                snprintf(msg, sizeof msg, "--set %s", err);
                fail(o->verb, msg);
                return -1;
            }
            break;
        case OPT_STEPS:
            errno = 0;
            o->steps = strtol(v, &end, 10);
            if (*v == '\0' || *end != '\0' || errno || o->steps < 0 || o->steps > 1000000000L) {
                snprintf(msg, sizeof msg, "--steps %s: expected a whole number from 0 to 1000000000", v);
                fail(o->verb, msg);
                return -1;
            }
            break;
        case OPT_SECONDS:
            errno = 0;
            o->seconds = strtod(v, &end);
            if (*v == '\0' || *end != '\0' || errno || !(o->seconds >= 0.01 && o->seconds <= 3600)) {
                snprintf(msg, sizeof msg, "--seconds %s: expected a number from 0.01 to 3600", v);
                fail(o->verb, msg);
                return -1;
            }
            break;
        case OPT_N:
            errno = 0;
            o->n = strtol(v, &end, 10);
            if (*v == '\0' || *end != '\0' || errno || o->n < 1 || o->n > 100000) {
                snprintf(msg, sizeof msg, "--n %s: expected a whole number from 1 to 100000", v);
                fail(o->verb, msg);
                return -1;
            }
            break;
        case OPT_TEMPERATURE:
            o->temperature_given = 1;
            errno = 0;
            o->temperature = strtod(v, &end);
            if (*v == '\0' || *end != '\0' || errno || !(o->temperature >= 0 && o->temperature <= 100)) {
                snprintf(msg, sizeof msg, "--temperature %s: expected a number from 0 to 100", v);
                fail(o->verb, msg);
                return -1;
            }
            break;
        case OPT_PRIME: o->prime = v; break;
        case OPT_FONT: o->font = v; break;
        case OPT_RENDER: o->render = 1; break;
        case OPT_LESSON: o->lesson = v; break;
        case OPT_COMPARE: {
            char key[32], values[2][256];
            if (compare_parse(v, key, sizeof key, values, msg, sizeof msg) != 0) {
                fail(o->verb, msg);
                return -1;
            }
            o->compare = v;
            break;
        }
        case OPT_RUN: o->run_checks = 1; break;
        case OPT_STEP:
            errno = 0;
            o->step = (int)strtol(v, &end, 10);
            if (*v == '\0' || *end != '\0' || errno || o->step < 1 || o->step > 1000) {
                snprintf(msg, sizeof msg, "--step %s: expected a step number from 1", v);
                fail(o->verb, msg);
                return -1;
            }
            break;
        case OPT_SIZE: {
            int w = 0, h = 0;
            char tail;
            if (sscanf(v, "%dx%d%c", &w, &h, &tail) != 2 || w < 320 || h < 240 || w > 8192 || h > 8192) {
                snprintf(msg, sizeof msg, "--size %s: expected WIDTHxHEIGHT from 320x240 to 8192x8192, e.g. 1280x800", v);
                fail(o->verb, msg);
                return -1;
            }
            o->width = w, o->height = h;
            break;
        }
        case OPT_TRAIN_STEPS:
            errno = 0;
            o->train_steps = strtol(v, &end, 10);
            if (*v == '\0' || *end != '\0' || errno || o->train_steps < 0 || o->train_steps > 100000000L) {
                snprintf(msg, sizeof msg, "--train-steps %s: expected a whole number from 0 to 100000000", v);
                fail(o->verb, msg);
                return -1;
            }
            break;
        case OPT_CSV: o->csv_path = v; break;
        case OPT_SAVE: o->save_dir = v; break;
        case OPT_LOAD: break; /* applied above */
        case OPT_OUT: o->out_dir = v; break;
        case OPT_QUIET: o->quiet = 1; break;
        }
    }
    return 0;
}

/* Creates the trainer and applies --load. Prints the message and returns -1 on failure. */
static int make_trainer(Trainer *tr, const Options *o)
{
    char err[CONFIG_ERR_LEN], msg[CONFIG_ERR_LEN + 64];
    if (trainer_create(tr, &o->cfg, err, sizeof err) != 0) {
        fail(o->verb, err);
        return -1;
    }
    if (o->load_dir && trainer_load(tr, o->load_dir, err, sizeof err) != 0) {
        snprintf(msg, sizeof msg, "--load: %s", err);
        fail(o->verb, msg);
        trainer_destroy(tr);
        return -1;
    }
    return 0;
}

/* ---- train ---- */

static void csv_row(FILE *f, const Observables *ob, int T)
{
    fprintf(f, "%ld,%.17g,%.17g,%.17g,%d", ob->step, ob->loss, ob->metric, ob->grad_norm,
            ob->clipped);
    for (int t = 0; t < T; t++)
        fprintf(f, ",%.17g", ob->dh_norm[t]);
    fputc('\n', f);
}

/* Two runs, A and B, on the same data stream (the same seed and task), stepping in turn;
 * one CSV with a first column naming the run. */
static int train_compare(Options *o)
{
    char key[32], values[2][256], err[CONFIG_ERR_LEN + 128];
    compare_parse(o->compare, key, sizeof key, values, err, sizeof err);
    Trainer tr[2];
    char label[2][300];
    for (int r = 0; r < 2; r++) {
        Config c;
        snprintf(label[r], sizeof label[r], "%.31s=%.255s", key, values[r]);
        if (compare_config(&o->cfg, key, values[r], &c, err, sizeof err) != 0 ||
            trainer_create(&tr[r], &c, err, sizeof err) != 0) {
            if (r)
                trainer_destroy(&tr[0]);
            return fail(o->verb, err);
        }
    }
    int Tmax = tr[0].T > tr[1].T ? tr[0].T : tr[1].T;
    char tmp_csv[4200];
    FILE *csv = NULL;
    if (o->csv_path) {
        snprintf(tmp_csv, sizeof tmp_csv, "%s.tmp", o->csv_path);
        csv = fopen(tmp_csv, "w");
        if (!csv) {
            snprintf(err, sizeof err, "--csv %.300s: cannot write: %s", o->csv_path, strerror(errno));
            trainer_destroy(&tr[1]);
            trainer_destroy(&tr[0]);
            return fail(o->verb, err);
        }
        fputs("run,step,loss,metric,grad_norm,clipped", csv);
        for (int t = 0; t < Tmax; t++)
            fprintf(csv, ",g_%d", t);
        fputc('\n', csv);
    }
    int live = !o->quiet && isatty(STDERR_FILENO), status = EXIT_OK, stopped[2] = {0, 0};
    double start = now_seconds(), last = 0;
    for (long s = 0; s < o->steps && !(stopped[0] && stopped[1]); s++) {
        for (int r = 0; r < 2; r++) {
            if (stopped[r])
                continue;
            int bad = trainer_step(&tr[r]);
            if (csv) {
                fprintf(csv, "%s,", label[r]);
                csv_row(csv, &tr[r].obs, tr[r].T);
                if (tr[r].T < Tmax) { /* the shorter run: empty cells, then the line end */
                    fseek(csv, -1, SEEK_CUR);
                    for (int t = tr[r].T; t < Tmax; t++)
                        fputc(',', csv);
                    fputc('\n', csv);
                }
            }
            if (bad) {
                fprintf(stderr, "%srun %s: %s\n", live ? "\n" : "", label[r], tr[r].event.message);
                stopped[r] = 1;
                status = EXIT_DIVERGED;
            }
        }
        double t = now_seconds() - start;
        if (live && (t - last > 0.1 || s + 1 == o->steps)) {
            last = t;
            fprintf(stderr, "\rstep %ld/%ld  %s loss %.4g  %s loss %.4g   ", s + 1, o->steps, label[0],
                    tr[0].obs.loss, label[1], tr[1].obs.loss);
        }
    }
    if (live)
        fputc('\n', stderr);
    if (csv && (fclose(csv) != 0 || rename(tmp_csv, o->csv_path) != 0)) {
        fprintf(stderr, "rnnlab train: --csv %s: cannot write: %s\n", o->csv_path, strerror(errno));
        status = EXIT_USAGE;
    }
    if (!o->quiet)
        for (int r = 0; r < 2; r++)
            printf("run %s: %ld steps, loss %.5g (memoryless baseline %.5g), %s %.3f\n", label[r], tr[r].step,
                   tr[r].obs.loss, task_baseline(&tr[r].task), task_kind_info(tr[r].cfg.task)->metric_name,
                   tr[r].obs.metric);
    trainer_destroy(&tr[1]);
    trainer_destroy(&tr[0]);
    return status;
}

int cli_train(int argc, char **argv)
{
    Options o = {0};
    int r = parse_options(&o, argc, argv,
                          OPT_CONFIG | OPT_SET | OPT_STEPS | OPT_CSV | OPT_SAVE | OPT_LOAD | OPT_QUIET | OPT_COMPARE,
                          "[--config F] [--set k=v]... --steps N [--csv FILE] [--save DIR] [--load DIR] [--quiet] [--compare K=A,B]",
                          "Trains headless. On a terminal, a progress line shows step, loss, gradient\n"
                          "norm and speed. Exit status 3 if training met Inf or NaN (the message says\n"
                          "where; --csv and --save still hold everything up to the last finite step).");
    if (r)
        return r > 0 ? EXIT_OK : EXIT_USAGE;
    if (o.steps < 0)
        return fail(o.verb, "--steps N is required (for example --steps 1000)");
    if (o.compare) {
        if (o.save_dir || o.load_dir)
            return fail(o.verb, "--compare trains two fresh runs: it does not take --save or --load");
        return train_compare(&o);
    }
    Trainer tr;
    if (make_trainer(&tr, &o) != 0)
        return EXIT_USAGE;

    /* Fail now, not after the training, if --save cannot be written. */
    if (o.save_dir && mkdir(o.save_dir, 0777) != 0 && errno != EEXIST) {
        char msg[4400];
        snprintf(msg, sizeof msg, "--save %s: cannot create directory: %s", o.save_dir,
                 strerror(errno));
        trainer_destroy(&tr);
        return fail(o.verb, msg);
    }
    char tmp_csv[4200];
    FILE *csv = NULL;
    int T = tr.cfg.seq_len;
    if (o.csv_path) {
        snprintf(tmp_csv, sizeof tmp_csv, "%s.tmp", o.csv_path);
        csv = fopen(tmp_csv, "w");
        if (!csv) {
            char msg[4400];
            snprintf(msg, sizeof msg, "--csv %s: cannot write: %s", o.csv_path, strerror(errno));
            trainer_destroy(&tr);
            return fail(o.verb, msg);
        }
        fputs("step,loss,metric,grad_norm,clipped", csv);
        for (int t = 0; t < T; t++)
            fprintf(csv, ",g_%d", t);
        fputc('\n', csv);
    }

    int live = !o.quiet && isatty(STDERR_FILENO);
    double start = now_seconds(), last_print = 0;
    int status = EXIT_OK;
    long done = 0;
    double last_loss = NAN, last_metric = NAN;
    for (long s = 0; s < o.steps; s++) {
        int bad = trainer_step(&tr);
        if (csv)
            csv_row(csv, &tr.obs, T);
        if (bad) {
            fprintf(stderr, "%s%s\n", live ? "\n" : "", tr.event.message);
            status = EXIT_DIVERGED;
            break;
        }
        done++;
        last_loss = tr.obs.loss;
        last_metric = tr.obs.metric;
        double t = now_seconds() - start;
        if (live && (t - last_print > 0.1 || s + 1 == o.steps)) {
            last_print = t;
            fprintf(stderr, "\rstep %ld/%ld  loss %.4g  grad norm %.3g  %.0f steps/s   ", s + 1,
                    o.steps, tr.obs.loss, tr.obs.grad_norm, t > 0 ? done / t : 0.0);
        }
    }
    double elapsed = now_seconds() - start;
    if (live)
        fputc('\n', stderr);
    if (csv) {
        int ok = fclose(csv) == 0;
        if (!ok || rename(tmp_csv, o.csv_path) != 0) {
            fprintf(stderr, "rnnlab train: --csv %s: cannot write: %s\n", o.csv_path, strerror(errno));
            status = EXIT_USAGE;
        }
    }
    if (o.save_dir) {
        char err[CONFIG_ERR_LEN];
        if (trainer_save(&tr, o.save_dir, err, sizeof err) != 0) {
            fprintf(stderr, "rnnlab train: --save: %s\n", err);
            status = EXIT_USAGE;
        }
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

static int write_array(const char *dir, const char *name, NpyType type, int ndim,
                       const size_t *shape, const void *data)
{
    char path[4096], err[4400];
    snprintf(path, sizeof path, "%s/%s.npy", dir, name);
    if (npy_write(path, type, ndim, shape, data, err, sizeof err) != 0) {
        fprintf(stderr, "rnnlab grads: %s\n", err);
        return -1;
    }
    return 0;
}

int cli_grads(int argc, char **argv)
{
    Options o = {0};
    int r = parse_options(&o, argc, argv, OPT_CONFIG | OPT_SET | OPT_LOAD | OPT_OUT,
                          "[--config F] [--set k=v]... [--load DIR] --out DIR",
                          "Runs one forward and backward pass on the first batch of the task at this\n"
                          "seed, with no update, and writes into DIR: config.txt, every parameter as\n"
                          "NAME.npy, x.npy, y.npy, loss.npy, h.npy, dh.npy (c.npy, dc.npy for lstm)\n"
                          "and grad.NAME.npy. NumPy .npy 1.0, float64 (int64 class labels).");
    if (r)
        return r > 0 ? EXIT_OK : EXIT_USAGE;
    if (!o.out_dir)
        return fail(o.verb, "--out DIR is required");
    Trainer tr;
    if (make_trainer(&tr, &o) != 0)
        return EXIT_USAGE;
    int bad = trainer_evaluate_next(&tr);

    char err[CONFIG_ERR_LEN], msg[CONFIG_ERR_LEN + 64];
    int status = EXIT_OK;
    const ModelDims *d = &tr.dims;
    const Batch *bt = &tr.batch;
    size_t T = (size_t)bt->T, Td = (size_t)bt->Td, B = (size_t)bt->B, H = (size_t)d->H;
    size_t TT = (size_t)tr.T; /* encoder steps, then decoder steps */
    /* The saved-run files (config.txt, NAME.npy, optimiser state) come from trainer_save. */
    if (trainer_save(&tr, o.out_dir, err, sizeof err) != 0) {
        snprintf(msg, sizeof msg, "--out: %s", err);
        trainer_destroy(&tr);
        return fail(o.verb, msg);
    }
    size_t x_shape[3] = {T, B, (size_t)d->I};
    size_t xd_shape[3] = {Td, B, (size_t)d->Id};
    size_t h_shape[3] = {TT, B, H};
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
    double *states = malloc(TT * B * H * sizeof(double)), *grads = malloc(TT * B * H * sizeof(double));
    if (!states || !grads) {
        free(states);
        free(grads);
        trainer_destroy(&tr);
        return fail(o.verb, "out of memory");
    }
    trainer_copy_states(&tr, states, 0);
    trainer_copy_dh(&tr, grads, 0);
    if (write_array(o.out_dir, "x", NPY_F8, 3, x_shape, bt->x) ||
        (Td && write_array(o.out_dir, "x_decoder", NPY_F8, 3, xd_shape, bt->xd)) ||
        write_array(o.out_dir, "y", d->loss == LOSS_XENT ? NPY_I8 : NPY_F8, y_ndim, y_shape,
                    d->loss == LOSS_XENT ? (const void *)bt->label : (const void *)bt->y) ||
        write_array(o.out_dir, "loss", NPY_F8, 0, NULL, &loss) ||
        write_array(o.out_dir, "h", NPY_F8, 3, h_shape, states) ||
        write_array(o.out_dir, "dh", NPY_F8, 3, h_shape, grads))
        status = EXIT_USAGE;
    if (status == EXIT_OK && d->kind == MODEL_LSTM) {
        trainer_copy_states(&tr, states, 1);
        trainer_copy_dh(&tr, grads, 1);
        if (write_array(o.out_dir, "c", NPY_F8, 3, h_shape, states) ||
            write_array(o.out_dir, "dc", NPY_F8, 3, h_shape, grads))
            status = EXIT_USAGE;
    }
    free(grads);
    free(states);
    for (int i = 0; i < d->n_tensors && status == EXIT_OK; i++) {
        char name[128];
        snprintf(name, sizeof name, "grad.%s", tr.specs[i].name);
        if (write_array(o.out_dir, name, NPY_F8, tr.specs[i].ndim, tr.specs[i].shape,
                        model_tensor(&tr.grad, d, i)))
            status = EXIT_USAGE;
    }
    if (bad && status == EXIT_OK) {
        fprintf(stderr, "rnnlab grads: %s\n", tr.event.message);
        status = EXIT_DIVERGED;
    }
    trainer_destroy(&tr);
    return status;
}

/* ---- bench ---- */

/* Trains for about `seconds` and returns sequences per second. */
static double measure(const Config *cfg, double seconds, double *spectrum_us, char *err,
                      size_t errlen)
{
    Trainer tr;
    if (trainer_create(&tr, cfg, err, errlen) != 0)
        return -1;
    for (int i = 0; i < 3; i++) /* warm the caches */
        trainer_step(&tr);
    long steps = 0;
    double start = now_seconds(), elapsed = 0;
    do {
        for (int i = 0; i < 10; i++)
            trainer_step(&tr);
        steps += 10;
        elapsed = now_seconds() - start;
    } while (elapsed < seconds);
    double rate = (double)steps * tr.cfg.batch / elapsed;
    /* The full spectrum, which the window asks for once per frame, not per step. */
    int calls = 0;
    start = now_seconds();
    do {
        tr.spectrum.step = -1;
        trainer_spectrum(&tr);
        calls++;
        elapsed = now_seconds() - start;
    } while (elapsed < seconds / 4);
    *spectrum_us = 1e6 * elapsed / calls;
    trainer_destroy(&tr);
    return rate;
}

static int bench_render(Options *o);

int cli_bench(int argc, char **argv)
{
    Options o = {0};
    int r = parse_options(&o, argc, argv, OPT_SET | OPT_CONFIG | OPT_SECONDS | OPT_RENDER | OPT_FONT,
                          "[--set k=v]... [--seconds S] [--render]",
                          "Measures training throughput (forward, backward, recording, clipping and the\n"
                          "update) in sequences per second. With no --set: rnn, lstm and gru at\n"
                          "hidden=32 seq_len=50 on adding, batch 1 and 32; with --set, that one\n"
                          "configuration. One line per measurement: key=value fields; step_us is\n"
                          "the time of one training step, spectrum_us of one full spectrum of W_hh\n"
                          "(all singular values and eigenvalues, computed per frame, not per step).");
    if (r)
        return r > 0 ? EXIT_OK : EXIT_USAGE;
    if (o.render)
        return bench_render(&o);
    char err[CONFIG_ERR_LEN];
    int n_runs = 0;
    Config runs[6];
    int given = 0;
    for (int i = 1; i < argc; i++)
        given |= strcmp(argv[i], "--set") == 0 || strcmp(argv[i], "--config") == 0;
    if (given) {
        runs[n_runs++] = o.cfg;
    } else {
        const ModelKind models[3] = {MODEL_RNN, MODEL_LSTM, MODEL_GRU};
        const int batches[2] = {1, 32};
        for (int m = 0; m < 3; m++)
            for (int b = 0; b < 2; b++) {
                Config c = o.cfg;
                c.model = models[m];
                c.hidden = 32;
                c.seq_len = 50;
                c.task = task_find("adding");
                c.batch = batches[b];
                runs[n_runs++] = c;
            }
    }
    for (int i = 0; i < n_runs; i++) {
        double spectrum_us = 0;
        double rate = measure(&runs[i], o.seconds, &spectrum_us, err, sizeof err);
        if (rate < 0)
            return fail(o.verb, err);
        Config c = runs[i];
        char text[CONFIG_ERR_LEN];
        config_resolve(&c, text, sizeof text);
        printf("model=%s activation=%s hidden=%d seq_len=%d batch=%d optimizer=%s "
               "sequences_per_s=%.1f step_us=%.1f spectrum_us=%.1f\n",
               config_model_name(c.model), config_activation_name(c.activation), c.hidden,
               c.seq_len, c.batch, config_optimizer_name(c.optimizer), rate,
               1e6 * c.batch / rate, spectrum_us);
        fflush(stdout);
    }
    return EXIT_OK;
}

/* ---- the demonstration (until the window exists) ---- */

int cli_demo(void)
{
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
           "The window is not built yet; this is the headless engine. Try rnnlab --help.\n\n",
           RNNLAB_VERSION, tr.cfg.hidden, tr.cfg.seq_len);
    const long steps = 1500;
    double start = now_seconds();
    for (long s = 0; s < steps; s++) {
        if (trainer_step(&tr)) {
            printf("\n%s\n", tr.event.message);
            break;
        }
        if ((s + 1) % 100 == 0) {
            printf("\rstep %4ld/%ld  loss %.4f (baseline %.4f)  grad norm %.3g  %.0f steps/s", s + 1,
                   steps, tr.obs.loss, task_baseline(&tr.task), tr.obs.grad_norm,
                   (s + 1) / (now_seconds() - start));
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
    int r = parse_options(&o, argc, argv, 0, "",
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
            return fail(o.verb, err);
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
        return fail(o->verb, "out of memory");
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
                return fail(o->verb, msg);
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
        return fail(o->verb, "out of memory");
    }
    memset(c.rnn.hs, 0, (size_t)d->H * sizeof(double));
    memset(c.rnn.cs, 0, (size_t)d->H * sizeof(double));
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
        layer_forward_steps(&c.rnn, x, &tr->param.rnn, d, t, t + 1, NULL, NULL);
        if ((size_t)t + 1 < plen) {
            cur = prime[t + 1];
            continue;
        }
        model_head(logits, c.rnn.hs + (size_t)(t + 1) * d->H, &tr->param, d, 1);
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
    int r = parse_options(&o, argc, argv, OPT_LOAD | OPT_N | OPT_TEMPERATURE | OPT_PRIME,
                          "--load DIR [--n N] [--temperature T] [--prime TEXT]",
                          "Generates from a saved model (rnnlab train --save DIR): text for charlm,\n"
                          "the drawn wave for wave, the reversed sequence for reverse (the decoder fed\n"
                          "its own predictions), and predictions beside targets for the other tasks,\n"
                          "on sequences drawn afresh from the task.");
    if (r)
        return r > 0 ? EXIT_OK : EXIT_USAGE;
    if (!o.load_dir)
        return fail(o.verb, "--load DIR is required (a run saved with rnnlab train --save DIR)");
    if (!task_kind_info(o.cfg.task)->generates_text && (o.prime || o.temperature_given))
        return fail(o.verb, "--prime and --temperature are for task=charlm only");
    /* A batch of the samples asked for, drawn from their own stream of the seed. */
    if (!task_kind_info(o.cfg.task)->generates_text)
        o.cfg.batch = o.n > 0 ? (int)(o.n < 4096 ? o.n : 4096) : 5;
    Trainer tr;
    if (make_trainer(&tr, &o) != 0)
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
    const double *out = d->shape == SHAPE_SEQ2SEQ ? tr.cache.free_out : tr.cache.out;
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

/* ---- the window, and pictures of it ---- */

int cli_window(int argc, char **argv)
{
    Options o = {0};
    int r = parse_options(&o, argc, argv, OPT_CONFIG | OPT_SET | OPT_LOAD | OPT_FONT | OPT_LESSON | OPT_COMPARE,
                          "[--config F] [--set k=v]... [--load DIR] [--font PATH] [--lesson FILE] [--compare K=A,B]",
                          "Opens the window, training and drawing live. F1 lists the keys. With no\n"
                          "options it opens on a start screen listing the lessons.");
    if (r)
        return r > 0 ? EXIT_OK : EXIT_USAGE;
    char err[CONFIG_ERR_LEN + 256];
    Platform *p = platform_open("rnnlab", o.width, o.height, 0, o.font, err, sizeof err);
    if (!p)
        return fail("window", err);
    Gui g;
    if (gui_create(&g, &o.cfg, platform_measure(p), err, sizeof err) != 0) {
        platform_close(p);
        return fail("window", err);
    }
    if (o.load_dir && trainer_load(&g.tr, o.load_dir, err, sizeof err) != 0) {
        gui_destroy(&g);
        platform_close(p);
        return fail("window", err);
    }
    if (o.compare && gui_compare(&g, o.compare, platform_now()) != 0) {
        char msg[400];
        snprintf(msg, sizeof msg, "--compare %.80s: %.300s", o.compare, g.status);
        gui_destroy(&g);
        platform_close(p);
        return fail("window", msg);
    }
    if (o.lesson) {
        gui_lesson_open(&g, o.lesson, platform_now()); /* a bad lesson shows its error in the panel */
    } else if (argc <= 1) {
        gui_lessons_scan(&g, gui_lesson_dir());
        g.start_screen = 1;
    }
    for (;;) {
        double start = platform_now();
        GuiInput in;
        if (platform_poll(p, &in))
            break;
        g.dpi = platform_dpi_scale(p);
        GuiActions a = gui_frame(&g, &in);
        platform_present(p, &g.dl);
        if (a.fullscreen)
            platform_toggle_fullscreen(p);
        if (a.copy)
            platform_set_clipboard(p, a.copy);
        if (a.save_view) {
            char path[96];
            time_t now = time(NULL);
            struct tm tmv;
            localtime_r(&now, &tmv);
            char stamp[32];
            strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tmv);
            snprintf(path, sizeof path, "rnnlab-%s-%s.png", stamp, a.view_name);
            for (char *c = path; *c; c++)
                if (*c == ' ')
                    *c = '-';
            if (platform_save_png_rect(p, a.view_rect.x, a.view_rect.y, a.view_rect.w, a.view_rect.h, path, err, sizeof err) == 0)
                gui_status(&g, in.now, "Saved the %s view to ./%s", a.view_name, path);
            else
                gui_status(&g, in.now, "Could not save the view: %s", err);
        }
        if (a.screenshot) {
            char path[64];
            time_t now = time(NULL);
            struct tm tmv;
            localtime_r(&now, &tmv);
            strftime(path, sizeof path, "rnnlab-%Y%m%d-%H%M%S.png", &tmv);
            if (platform_save_png(p, path, err, sizeof err) == 0) {
                char cwd[2048];
                gui_status(&g, in.now, "Saved the window to %s/%s", getcwd(cwd, sizeof cwd) ? cwd : ".", path);
            } else {
                gui_status(&g, in.now, "Could not save the screenshot: %s", err);
            }
        }
        /* about 60 frames a second; training already used its share of the frame */
        double spent = platform_now() - start;
        if (spent < 1.0 / 60)
            sleep_ms((unsigned)((1.0 / 60 - spent) * 1000));
    }
    gui_destroy(&g);
    platform_close(p);
    return EXIT_OK;
}

int cli_render(int argc, char **argv)
{
    Options o = {0};
    int r = parse_options(&o, argc, argv, OPT_CONFIG | OPT_SET | OPT_LOAD | OPT_FONT | OPT_SIZE | OPT_TRAIN_STEPS | OPT_OUT | OPT_LESSON | OPT_STEP | OPT_COMPARE,
                          "[--config F] [--set k=v]... [--load DIR] [--train-steps N] [--size WxH] [--font PATH] [--lesson FILE [--step K]] [--compare K=A,B] --out FILE.png",
                          "Trains headless, then writes a picture of the whole window as it would look.\n"
                          "Needs no display.");
    if (r)
        return r > 0 ? EXIT_OK : EXIT_USAGE;
    if (!o.out_dir)
        return fail(o.verb, "--out FILE.png is required");
    char err[CONFIG_ERR_LEN + 256];
    Platform *p = platform_open("rnnlab", o.width, o.height, 1, o.font, err, sizeof err);
    if (!p)
        return fail(o.verb, err);
    Gui g;
    if (gui_create(&g, &o.cfg, platform_measure(p), err, sizeof err) != 0) {
        platform_close(p);
        return fail(o.verb, err);
    }
    int status = EXIT_OK;
    if (o.load_dir && trainer_load(&g.tr, o.load_dir, err, sizeof err) != 0) {
        status = fail(o.verb, err);
    } else if (o.lesson && gui_lesson_open(&g, o.lesson, platform_now()) != 0) {
        status = fail(o.verb, g.lesson_error);
    } else if (o.compare && gui_compare(&g, o.compare, platform_now()) != 0) {
        status = fail(o.verb, g.status);
    } else {
        if (o.lesson) {
            int k = o.step ? o.step - 1 : 0;
            if (k >= g.lesson.n_steps) {
                char msg[128];
                snprintf(msg, sizeof msg, "--step %d: the lesson has %d steps", o.step, g.lesson.n_steps);
                gui_destroy(&g);
                platform_close(p);
                return fail(o.verb, msg);
            }
            for (int s = 0; s <= k; s++) {
                gui_lesson_goto(&g, s, platform_now());
                gui_lesson_run(&g);
            }
        } else {
            gui_train(&g, o.train_steps);
        }
        g.running = 0;
        GuiInput in;
        platform_poll(p, &in);
        gui_frame(&g, &in);
        platform_present(p, &g.dl);
        if (platform_save_png(p, o.out_dir, err, sizeof err) != 0)
            status = fail(o.verb, err);
        else if (g.diverged)
            fprintf(stderr, "rnnlab render: %s (drawn with the banner)\n", g.event.message);
    }
    gui_destroy(&g);
    platform_close(p);
    return status;
}

/* Times full frames offscreen at 1280x800, T=100, H=32, every view visible, and how many
 * training steps a second the window sustains beside headless training. */
static int bench_render(Options *o)
{
    char err[CONFIG_ERR_LEN + 256];
    Config cfg = o->cfg;
    cfg.seq_len = cfg.seq_len ? cfg.seq_len : 100;
    cfg.hidden = cfg.hidden ? cfg.hidden : 32;
    Platform *p = platform_open("rnnlab", 1280, 800, 1, o->font, err, sizeof err);
    if (!p)
        return fail(o->verb, err);
    Gui g;
    if (gui_create(&g, &cfg, platform_measure(p), err, sizeof err) != 0) {
        platform_close(p);
        return fail(o->verb, err);
    }
    gui_train(&g, 200);
    g.running = 0;
    /* drawing alone */
    double times[200];
    int n = 0;
    double until = platform_now() + o->seconds;
    while (n < 200 && (platform_now() < until || n < 10)) {
        GuiInput in;
        platform_poll(p, &in);
        double t0 = platform_now();
        gui_frame(&g, &in);
        platform_present(p, &g.dl);
        times[n++] = platform_now() - t0;
    }
    for (int i = 1; i < n; i++) /* insertion sort for the median */
        for (int j = i; j > 0 && times[j] < times[j - 1]; j--) {
            double x = times[j];
            times[j] = times[j - 1];
            times[j - 1] = x;
        }
    double median = times[n / 2], worst = times[n - 1];
    /* the window at 60 Hz: each frame trains within its budget, then draws */
    g.running = 1;
    g.speed = GUI_SPEEDS - 1;
    long start_step = g.tr.step;
    double t0 = platform_now();
    int frames = 0;
    while (platform_now() - t0 < o->seconds) {
        GuiInput in;
        platform_poll(p, &in);
        gui_frame(&g, &in);
        platform_present(p, &g.dl);
        frames++;
    }
    double elapsed = platform_now() - t0;
    double window_rate = (g.tr.step - start_step) / elapsed;
    double fps = frames / elapsed;
    /* headless, the same configuration */
    Trainer tr;
    Config c2 = g.tr.cfg;
    double headless = 0;
    if (trainer_create(&tr, &c2, err, sizeof err) == 0) {
        long steps = 0;
        double h0 = platform_now();
        while (platform_now() - h0 < o->seconds) {
            trainer_step(&tr);
            steps++;
        }
        headless = steps / (platform_now() - h0);
        trainer_destroy(&tr);
    }
    printf("render size=1280x800 model=%s seq_len=%d hidden=%d frame_ms_median=%.2f frame_ms_worst=%.2f "
           "frames=%d\n", config_model_name(g.tr.cfg.model), g.tr.cfg.seq_len, g.tr.cfg.hidden,
           median * 1000, worst * 1000, n);
    printf("window steps_per_s=%.0f at %.0f frames/s (train budget %.0f ms a frame); headless steps_per_s=%.0f\n",
           window_rate, fps, g.budget_s * 1000, headless);
    gui_destroy(&g);
    platform_close(p);
    return EXIT_OK;
}

/* ---- lesson-check ---- */

int cli_lesson_check(int argc, char **argv)
{
    Options o = {0};
    int r = parse_options(&o, argc, argv, OPT_RUN | OPT_OUT,
                          "FILE... [--run [--out DIR]]",
                          "Parses each lesson and checks every step's settings; with --run, also runs\n"
                          "every step headless, as the window would, and checks its claims (a step\n"
                          "that diverges must claim diverged = 1). With --out DIR, also draws the\n"
                          "window at every step after its run (lesson panel included) as\n"
                          "DIR/NAME-step-K.png. Prints file:line: message for each problem; exit\n"
                          "status 1 if there was any.");
    if (r)
        return r > 0 ? EXIT_OK : EXIT_USAGE;
    if (o.first_file <= 0)
        return fail(o.verb, "name at least one lesson file (for example lessons/*.md)");
    int problems = 0;
    for (int fi = 0; fi < o.n_files; fi++) {
        int i = o.files[fi];
        Lesson l;
        char err[LESSON_ERR_LEN];
        if (lesson_load(&l, argv[i], err, sizeof err) != 0) {
            fprintf(stderr, "%s\n", err);
            problems++;
            lesson_free(&l);
            continue;
        }
        Config base, cfg;
        config_default(&base);
        int bad = 0;
        for (int k = 0; k < l.n_steps && !bad; k++)
            if (lesson_config_at(&l, k, &base, &cfg, err, sizeof err) != 0) {
                fprintf(stderr, "%s\n", err);
                bad = 1;
            }
        problems += bad;
        int claims = 0, false_claims = 0, n_steps = l.n_steps;
        if (!bad && o.run_checks) {
            Gui g;
            TextMeasure none = {NULL, NULL};
            Platform *p = NULL;
            if (o.out_dir) {
                p = platform_open("rnnlab", 1280, 800, 1, NULL, err, sizeof err);
                if (!p) {
                    fail(o.verb, err);
                    lesson_free(&l);
                    return EXIT_USAGE;
                }
                none = platform_measure(p);
            }
            if (gui_create(&g, &base, none, err, sizeof err) != 0) {
                fprintf(stderr, "%s: %s\n", argv[i], err);
                problems++;
            } else {
                g.lesson = l;
                g.have_lesson = 1;
                memset(&l, 0, sizeof l); /* the Gui owns it now */
                for (int k = 0; k < g.lesson.n_steps; k++) {
                    gui_lesson_goto(&g, k, 0);
                    if (g.lesson_error[0]) {
                        fprintf(stderr, "%s\n", g.lesson_error);
                        false_claims++;
                        break;
                    }
                    gui_lesson_run(&g);
                    char report[4096];
                    const LessonStep *st = &g.lesson.steps[k];
                    claims += st->n_checks;
                    int f = gui_lesson_check(&g, k, report, sizeof report);
                    if (f)
                        fputs(report, stderr);
                    false_claims += f;
                    int claims_divergence = 0;
                    for (int c = 0; c < st->n_checks; c++)
                        claims_divergence |= strcmp(st->checks[c].quantity, "diverged") == 0;
                    if (g.diverged && !claims_divergence) {
                        fprintf(stderr, "%s:%d: step '%s' diverged (%s) but does not say so (add: diverged = 1)\n",
                                g.lesson.path, st->line, st->heading, g.event.message);
                        false_claims++;
                    }
                    if (p) {
                        GuiInput in;
                        platform_poll(p, &in);
                        gui_frame(&g, &in);
                        platform_present(p, &g.dl);
                        const char *base_name = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
                        char png[4200];
                        snprintf(png, sizeof png, "%s/%.*s-step-%d.png", o.out_dir,
                                 (int)(strlen(base_name) > 3 ? strlen(base_name) - 3 : strlen(base_name)), base_name, k + 1);
                        if (platform_save_png(p, png, err, sizeof err) != 0) {
                            fprintf(stderr, "%s\n", err);
                            false_claims++;
                        }
                    }
                }
                gui_destroy(&g);
                if (p)
                    platform_close(p);
                problems += false_claims > 0;
            }
        }
        if (o.run_checks)
            printf("%s: %d steps, %d claims checked, %d false\n", argv[i], n_steps, claims, false_claims);
        else if (!bad)
            printf("%s: %d steps, parsed\n", argv[i], l.n_steps);
        lesson_free(&l);
    }
    return problems ? 1 : EXIT_OK;
}
