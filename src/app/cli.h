/* cli.h: the command line: one table of verbs {name, function, summary} and one of options
 * {name, takes a value, help}, shared by every verb, which names the options it accepts.
 * Every misuse is one line on stderr and exit status 2; see README.md for the contract.
 * The headless verbs are in verbs.c, the window's in verbs_window.c. */
#ifndef RNNLAB_CLI_H
#define RNNLAB_CLI_H

#include "../core/budget.h"
#include "../core/config.h"
#include "../core/trainer.h"

#include <stdio.h>

#ifndef RNNLAB_VERSION
#error "RNNLAB_VERSION comes from project(... VERSION) in CMakeLists.txt"
#endif

/* 1: an output could not be written (the old file kept); 130 and 143: stopped by SIGINT,
 * SIGTERM (128 + the signal, as shells report it) after saving what there was. */
enum { EXIT_OK = 0, EXIT_WRITE = 1, EXIT_USAGE = 2, EXIT_DIVERGED = 3, EXIT_SIGINT = 130, EXIT_SIGTERM = 143 };

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
    OPT_SCALE = 1 << 20,
    OPT_START = 1 << 21,
    OPT_PALETTE = 1 << 22,
    OPT_SEEDS = 1 << 23,
    OPT_MEMORY = 1 << 24,
    OPT_WINDOW = 1 << 25,
};

#define CLI_MAX_FILES 256

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
    int window; /* bench --render: in the window on the display, not offscreen */
    const char *lesson;
    int step;
    int run_checks;
    int first_file; /* lesson-check: 1 once a FILE argument was seen */
    int files[CLI_MAX_FILES]; /* ... and the indices of all of them */
    const char *compare;
    int n_files;
    double scale;    /* render: the presenter scale, 1 .. 2 */
    int start;       /* render: the start screen */
    long seeds;      /* lesson-check --seeds N: every claim on seeds 1..N (0: as the lesson says) */
    int palette; /* --palette: a row of the theme table (ui/theme.h) */
    size_t memory; /* --memory: every run must fit in this many bytes (budget.h; budget_default()) */
} Options;

typedef struct {
    const char *name;                 /* the command word ("window" also runs with none) */
    int (*run)(int argc, char **argv); /* argv[0] is the verb */
    const char *summary;              /* one line for rnnlab --help */
} Verb;

extern const Verb CLI_VERBS[];
extern const int CLI_VERB_COUNT;

/* Parses argv[1..] for a verb that accepts the options in `allowed`. Returns -1 on misuse
 * (message printed), 1 if --help was printed, 0 to go on. */
int cli_parse_options(Options *o, int argc, char **argv, unsigned allowed, const char *synopsis, const char *what);
/* Prints "rnnlab VERB: msg" and returns EXIT_USAGE. */
int cli_fail(const char *verb, const char *msg);
/* Checks the configuration against --memory, creates the trainer and applies --load.
 * Prints the message and returns -1 on failure. */
int cli_make_trainer(Trainer *tr, const Options *o);
double cli_now(void);
void cli_sleep_ms(unsigned ms);
/* rnnlab --help */
void cli_usage(FILE *f);
/* "rnnlab: unknown command 'WORD' [, nor a file to open (WHY)]; commands are ..." on stderr. */
void cli_unknown_command(const char *word, const char *why);

/* The verbs. */
int cli_train(int argc, char **argv);
int cli_grads(int argc, char **argv);
int cli_bench(int argc, char **argv);
int cli_bench_render(Options *o);
int cli_tasks(int argc, char **argv);
int cli_sample(int argc, char **argv);
int cli_demo(int argc, char **argv);
int cli_window(int argc, char **argv);
/* rnnlab PATH [OPTIONS]: the window on PATH (argv[0]) as what it is: a saved run's directory
 * (--load), a lesson (--lesson) or an experiment file (--config). */
int cli_open(int argc, char **argv);
int cli_render(int argc, char **argv);
int cli_lesson_check(int argc, char **argv);

#endif
