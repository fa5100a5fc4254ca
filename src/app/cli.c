/* cli.c: the command line's two tables, the verbs and the options, with option parsing
 * shared by every verb: the configuration is built as defaults, then --load DIR's
 * config.txt, then --config files and --set pairs in the order given. */
#include "cli.h"

#include "../ui/theme.h"
#include "compare.h"
#include "datadir.h"
#include "gui.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

const Verb CLI_VERBS[] = {
    {"window", cli_window, "the window, also with no command: rnnlab [FILE] [--config F] [--set k=v]... [--load DIR] [--lesson FILE] [--compare K=A,B] [--palette NAME]"},
    {"render", cli_render, "a picture of the window without a display (--out FILE.png)"},
    {"demo", cli_demo, "a short headless demonstration: a tanh RNN whose gradient vanishes"},
    {"lesson-check", cli_lesson_check, "FILE... [--run]: check lessons (and, with --run, their claims)"},
    {"train", cli_train, "train headless, with a progress line, CSV history and saved runs"},
    {"grads", cli_grads, "one forward and backward pass; every array written as .npy"},
    {"bench", cli_bench, "training throughput in sequences per second"},
    {"tasks", cli_tasks, "every task: shape, sizes, loss, baseline and what it is"},
    {"sample", cli_sample, "generate from a saved model (text, waves, reversed sequences...)"},
};
const int CLI_VERB_COUNT = (int)(sizeof CLI_VERBS / sizeof CLI_VERBS[0]);

void cli_sleep_ms(unsigned ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

double cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int cli_fail(const char *verb, const char *msg)
{
    fprintf(stderr, "rnnlab %s: %s\n", verb, msg);
    return EXIT_USAGE;
}

typedef struct {
    const char *name;
    unsigned flag;
    int takes_value;
    const char *help; /* the --help lines */
} OptionSpec;

static const OptionSpec OPTIONS[] = {
    {"--config", OPT_CONFIG, 1,
     "  --config FILE    key=value lines ('#' comments); may repeat\n"},
    {"--set", OPT_SET, 1,
     "  --set KEY=VALUE  one setting; may repeat (see rnnlab --help for the keys)\n"},
    {"--steps", OPT_STEPS, 1,
     "  --steps N        training steps to run\n"},
    {"--csv", OPT_CSV, 1,
     "  --csv FILE       one row per step: step,loss,metric,grad_norm,clipped, then g_t for every\n                   time step the network runs (T; T + Td for seq2seq)\n"},
    {"--save", OPT_SAVE, 1,
     "  --save DIR       save the run (config.txt, NAME.npy, optimiser state) at the end\n"},
    {"--load", OPT_LOAD, 1,
     "  --load DIR       start from a saved run (its config, weights and state)\n"},
    {"--quiet", OPT_QUIET, 0,
     "  --quiet          no progress line or summary\n"},
    {"--out", OPT_OUT, 1,
     "  --out PATH       where to write: grads, a directory of arrays; render, the PNG;\n                   lesson-check, a directory for a picture of every step\n"},
    {"--seconds", OPT_SECONDS, 1,
     "  --seconds S      time per measurement (default 1)\n"},
    {"--n", OPT_N, 1,
     "  --n N            how many samples (charlm: characters; default 5, charlm 300)\n"},
    {"--temperature", OPT_TEMPERATURE, 1,
     "  --temperature T  charlm: sampling temperature, 0 = always the likeliest (default 1)\n"},
    {"--prime", OPT_PRIME, 1,
     "  --prime TEXT     charlm: text to start from (default: the corpus's first character)\n"},
    {"--font", OPT_FONT, 1,
     "  --font PATH      a TTF font instead of DejaVu Sans (found through fontconfig)\n"},
    {"--size", OPT_SIZE, 1,
     "  --size WxH       picture size in pixels (default 1280x800)\n"},
    {"--train-steps", OPT_TRAIN_STEPS, 1,
     "  --train-steps N  train this many steps before drawing (default 300)\n"},
    {"--render", OPT_RENDER, 0,
     "  --render         time drawing a full frame offscreen instead of training\n"},
    {"--window", OPT_WINDOW, 0,
     "  --window         with --render: time the window on the display (a desktop, or under\n                   xvfb-run), its copy to the screen counted, instead of offscreen\n"},
    {"--lesson", OPT_LESSON, 1,
     "  --lesson FILE    open a lesson (lessons/*.md) at its first step\n"},
    {"--step", OPT_STEP, 1,
     "  --step K         with --lesson: draw step K (1-based), after steps 1..K have run\n"},
    {"--run", OPT_RUN, 0,
     "  --run            also run every step headless and check its claims\n"},
    {"--scale", OPT_SCALE, 1,
     "  --scale S        the presenter scale, 1 to 2 (Ctrl + / Ctrl - in the window; default 1)\n"},
    {"--seeds", OPT_SEEDS, 1,
     "  --seeds N        with --run: run every lesson on seeds 1..N and report, per claim, on how\n                   many it holds (a check may say 'on seeds 1,3-5')\n"},
    {"--start", OPT_START, 0,
     "  --start          draw the start screen (the list of lessons)\n"},
    {"--compare", OPT_COMPARE, 1,
     "  --compare K=A,B  two runs on the same data and seed, differing in key K (e.g. model=rnn,lstm)\n"},
    {"--memory", OPT_MEMORY, 1,
     "  --memory SIZE    the memory budget: bytes, or K, M or G (powers of 1024), at least 16M; a\n                   configuration that needs more is refused, naming what fits (default: half\n                   of physical memory)\n"},
    {"--palette", OPT_PALETTE, 1,
     "  --palette NAME   colours: default, cvd (colour-blind safe, Okabe-Ito) or contrast (H cycles)\n"},
};
#define N_OPTIONS ((int)(sizeof OPTIONS / sizeof OPTIONS[0]))

static void verb_help(const char *verb, const char *synopsis, const char *what, unsigned allowed)
{
    printf("usage: rnnlab %s %s\n\n%s\n\noptions:\n", verb, synopsis, what);
    for (int i = 0; i < N_OPTIONS; i++)
        if (allowed & OPTIONS[i].flag)
            fputs(OPTIONS[i].help, stdout);
    puts("  --help           this text");
}

void cli_usage(FILE *f)
{
    fprintf(f, "usage: rnnlab [COMMAND] [OPTIONS]\n\n"
               "Trains small recurrent networks live and shows why they are hard to train.\n\ncommands:\n");
    for (int i = 0; i < CLI_VERB_COUNT; i++)
        fprintf(f, "  %-13s%s\n", CLI_VERBS[i].name, CLI_VERBS[i].summary);
    fprintf(f, "\noptions:\n"
               "  --help, -h     this text; rnnlab COMMAND --help for a command's options\n"
               "  --version      print the version\n\n"
               "files: rnnlab FILE [OPTIONS] opens the window on an experiment file (as --config), a\n"
               "lesson (*.md, as --lesson) or a saved run's directory (as --load)\n\n"
               "configuration keys (--set key=value, or one per line in a --config file):\n");
    config_print_keys(f);
    fprintf(f, "\nkeys in the window (F1 lists them there):\n");
    gui_keys_print(f);
    char lessons[4096];
    fprintf(f, "\nlessons: %s (RNNLAB_LESSONS or RNNLAB_DATA_DIR choose others)\n",
            datadir_lessons(lessons, sizeof lessons));
}

void cli_unknown_command(const char *word, const char *why)
{
    fprintf(stderr, "rnnlab: unknown command '%s'", word);
    if (why)
        fprintf(stderr, ", nor a file to open (%s)", why);
    fprintf(stderr, "; commands are");
    for (int i = 0; i < CLI_VERB_COUNT; i++)
        fprintf(stderr, "%s %s", i ? "," : "", CLI_VERBS[i].name);
    fprintf(stderr, " (see rnnlab --help)\n");
}

/* A whole number from lo to hi into *out (written even when out of range, as strtol leaves
 * it); on failure prints "OPTION V: expected a whole number from LO to HI" and returns -1. */
static int parse_long(const char *verb, const char *option, const char *v, long lo, long hi, long *out)
{
    char *end, msg[CONFIG_ERR_LEN + 64];
    errno = 0;
    *out = strtol(v, &end, 10);
    if (*v == '\0' || *end != '\0' || errno || *out < lo || *out > hi) {
        snprintf(msg, sizeof msg, "%s %s: expected a whole number from %ld to %ld", option, v, lo, hi);
        cli_fail(verb, msg);
        return -1;
    }
    return 0;
}

/* A number from lo to hi (NaN rejected) into *out; on failure prints "OPTION V: expected a
 * number from LO to HI" and returns -1. */
static int parse_double(const char *verb, const char *option, const char *v, double lo, double hi, double *out)
{
    char *end, msg[CONFIG_ERR_LEN + 64];
    errno = 0;
    *out = strtod(v, &end);
    if (*v == '\0' || *end != '\0' || errno || !(*out >= lo && *out <= hi)) {
        snprintf(msg, sizeof msg, "%s %s: expected a number from %g to %g", option, v, lo, hi);
        cli_fail(verb, msg);
        return -1;
    }
    return 0;
}

/* The defaults every verb starts from, before any option. */
static void options_default(Options *o, char **argv)
{
    o->verb = argv[0];
    config_default(&o->cfg);
    o->steps = -1;
    o->scale = 1;
    o->seconds = 1.0;
    o->n = -1;
    o->temperature = 1.0;
    o->width = 1280;
    o->height = 800;
    o->train_steps = 300;
    o->memory = budget_default();
}

/* The first pass: --help (returns 1), and --load, whose config.txt is the base the other
 * settings change. Returns -1 on misuse (message printed), else 0. */
static int options_first_pass(Options *o, int argc, char **argv, unsigned allowed, const char *synopsis,
                              const char *what)
{
    char err[CONFIG_ERR_LEN], msg[CONFIG_ERR_LEN + 64];
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
                cli_fail(o->verb, msg);
                return -1;
            }
            if (config_load_file(&o->cfg, path, err, sizeof err) != 0) {
                cli_fail(o->verb, err);
                return -1;
            }
        }
        /* an option's value is not an option: `--set --help` is a bad setting, not help */
        for (int k = 0; k < N_OPTIONS; k++)
            if (OPTIONS[k].takes_value && strcmp(argv[i], OPTIONS[k].name) == 0) {
                i++;
                break;
            }
    }
    return 0;
}

/* --size WxH into o->width and o->height. Returns -1 on misuse (message printed). */
static int parse_size(Options *o, const char *v)
{
    char msg[CONFIG_ERR_LEN + 64];
    int w = 0, h = 0;
    char tail;
    if (sscanf(v, "%dx%d%c", &w, &h, &tail) != 2 || w < 320 || h < 240 || w > 8192 || h > 8192) {
        snprintf(msg, sizeof msg, "--size %s: expected WIDTHxHEIGHT from 320x240 to 8192x8192, e.g. 1280x800", v);
        cli_fail(o->verb, msg);
        return -1;
    }
    o->width = w, o->height = h;
    return 0;
}

/* Applies one option (flag) with its value v (NULL for a switch). Returns -1 on misuse
 * (message printed), else 0. */
static int option_apply(Options *o, unsigned flag, const char *v)
{
    char err[CONFIG_ERR_LEN], msg[CONFIG_ERR_LEN + 64];
    switch (flag) {
    case OPT_CONFIG:
        if (config_load_file(&o->cfg, v, err, sizeof err) != 0) {
            cli_fail(o->verb, err);
            return -1;
        }
        o->n_sets++;
        break;
    case OPT_SET:
        if (config_set(&o->cfg, v, err, sizeof err) != 0) {
            snprintf(msg, sizeof msg, "--set %s", err);
            cli_fail(o->verb, msg);
            return -1;
        }
        o->n_sets++;
        break;
    case OPT_STEPS: return parse_long(o->verb, "--steps", v, 0, 1000000000L, &o->steps);
    case OPT_SECONDS: return parse_double(o->verb, "--seconds", v, 0.01, 3600, &o->seconds);
    case OPT_N: return parse_long(o->verb, "--n", v, 1, 100000, &o->n);
    case OPT_TEMPERATURE:
        o->temperature_given = 1;
        return parse_double(o->verb, "--temperature", v, 0, 100, &o->temperature);
    case OPT_PRIME: o->prime = v; break;
    case OPT_FONT: o->font = v; break;
    case OPT_RENDER: o->render = 1; break;
    case OPT_WINDOW: o->window = 1; break;
    case OPT_LESSON: o->lesson = v; break;
    case OPT_COMPARE: {
        CompareSpec spec;
        if (compare_parse(&spec, v, msg, sizeof msg) != 0) {
            cli_fail(o->verb, msg);
            return -1;
        }
        o->compare = v;
        break;
    }
    case OPT_RUN: o->run_checks = 1; break;
    case OPT_PALETTE: {
        char names[128];
        o->palette = theme_find(v);
        if (o->palette < 0) {
            theme_names(names, sizeof names);
            snprintf(msg, sizeof msg, "--palette %s: accepted palettes are %s", v, names);
            cli_fail(o->verb, msg);
            return -1;
        }
        break;
    }
    case OPT_STEP: {
        long k;
        if (parse_long(o->verb, "--step", v, 1, 1000, &k) != 0)
            return -1;
        o->step = (int)k;
        break;
    }
    case OPT_SCALE: return parse_double(o->verb, "--scale", v, 1, 2, &o->scale);
    case OPT_MEMORY:
        if (budget_parse(v, &o->memory, err, sizeof err) != 0) {
            snprintf(msg, sizeof msg, "--memory %s", err);
            cli_fail(o->verb, msg);
            return -1;
        }
        break;
    case OPT_START: o->start = 1; break;
    case OPT_SEEDS: return parse_long(o->verb, "--seeds", v, 1, 32, &o->seeds);
    case OPT_SIZE: return parse_size(o, v);
    case OPT_TRAIN_STEPS: return parse_long(o->verb, "--train-steps", v, 0, 100000000L, &o->train_steps);
    case OPT_CSV: o->csv_path = v; break;
    case OPT_SAVE: o->save_dir = v; break;
    case OPT_LOAD: break; /* applied in the first pass */
    case OPT_OUT: o->out_dir = v; break;
    case OPT_QUIET: o->quiet = 1; break;
    }
    return 0;
}

int cli_parse_options(Options *o, int argc, char **argv, unsigned allowed, const char *synopsis,
                         const char *what)
{
    char msg[CONFIG_ERR_LEN + 64];
    options_default(o, argv);
    int first = options_first_pass(o, argc, argv, allowed, synopsis, what);
    if (first != 0)
        return first;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        unsigned flag = 0;
        int takes_value = 0;
        for (int k = 0; k < N_OPTIONS; k++)
            if (strcmp(a, OPTIONS[k].name) == 0) {
                flag = OPTIONS[k].flag;
                takes_value = OPTIONS[k].takes_value;
            }
        if (!flag && a[0] != '-' && strcmp(o->verb, "lesson-check") == 0) {
            o->first_file = 1;
            if (o->n_files == CLI_MAX_FILES) { /* refused, not silently left unchecked */
                snprintf(msg, sizeof msg, "at most %d lesson files at once (%s is one more); check them in groups",
                         CLI_MAX_FILES, a);
                cli_fail(o->verb, msg);
                return -1;
            }
            o->files[o->n_files++] = i;
            continue;
        }
        if (!flag || !(allowed & flag)) {
            snprintf(msg, sizeof msg, "unknown option '%s' (see rnnlab %s --help)", a, o->verb);
            cli_fail(o->verb, msg);
            return -1;
        }
        const char *v = NULL;
        if (takes_value) {
            if (i + 1 >= argc) {
                snprintf(msg, sizeof msg, "%s needs a value (see rnnlab %s --help)", a, o->verb);
                cli_fail(o->verb, msg);
                return -1;
            }
            v = argv[++i];
        }
        if (option_apply(o, flag, v) != 0)
            return -1;
    }
    return 0;
}


int cli_make_trainer(Trainer *tr, const Options *o)
{
    char err[CONFIG_ERR_LEN], msg[CONFIG_ERR_LEN + 64];
    if (budget_check(&o->cfg, 1, NULL, o->memory, err, sizeof err) != 0 ||
        trainer_create(tr, &o->cfg, err, sizeof err) != 0) {
        cli_fail(o->verb, err);
        return -1;
    }
    if (o->load_dir && trainer_load(tr, o->load_dir, err, sizeof err) != 0) {
        snprintf(msg, sizeof msg, "--load: %s", err);
        cli_fail(o->verb, msg);
        trainer_destroy(tr);
        return -1;
    }
    return 0;
}

