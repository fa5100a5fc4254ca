/* test_cli.c: the command-line contract, by running the built binary (RNNLAB_BIN): help
 * and version, one-line exit-2 misuse messages, the CSV history, the .npy arrays of
 * `grads` for every shape, the `tasks` table, `sample`, charlm's text files, bench output,
 * divergence (exit 3), reproducibility and save/resume. Leaves the numbers themselves to
 * the core tests: here only shapes, types, byte equality and how the arrays line up. */
#include "check.h"

#include "config.h"
#include "npy.h"
#include "task.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef RNNLAB_BIN
#error "compile with -DRNNLAB_BIN=\"/path/to/rnnlab\""
#endif

/* Small sizes everywhere: the whole file must run in a few seconds. */
#define SMALL "--set", "hidden=4", "--set", "seq_len=6", "--set", "batch=3"

/* ---- running the binary ---- */

typedef struct {
    int exited;  /* 1 if it exited normally */
    int code;    /* its exit status, if exited */
    int signal;  /* the signal that ended it, if not */
    char *out, *err;
    char cmd[1024]; /* the command line, for messages */
} Run;

static char *slurp(FILE *f)
{
    assert_int_equal(fflush(f), 0);
    long n = ftell(f);
    assert_true(n >= 0);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    rewind(f);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    return buf;
}

/* Runs RNNLAB_BIN with args (NULL-terminated), stdin from /dev/null, capturing stdout and
 * stderr in temporary files (no pipe to fill up). */
static void run_impl(Run *r, const char *const *args)
{
    memset(r, 0, sizeof *r);
    const char *argv[320];
    int n = 0;
    argv[n++] = RNNLAB_BIN;
    snprintf(r->cmd, sizeof r->cmd, "rnnlab");
    for (int i = 0; args[i]; i++) {
        assert_true(n < 319);
        argv[n++] = args[i];
        size_t used = strlen(r->cmd);
        snprintf(r->cmd + used, sizeof r->cmd - used, " %s", args[i]);
    }
    argv[n] = NULL;
    FILE *out = tmpfile(), *err = tmpfile();
    assert_non_null(out);
    assert_non_null(err);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY);
        if (in < 0 || dup2(in, 0) < 0 || dup2(fileno(out), 1) < 0 || dup2(fileno(err), 2) < 0)
            _exit(126);
        execv(RNNLAB_BIN, (char *const *)argv);
        _exit(127);
    }
    int status;
    pid_t w;
    do
        w = waitpid(pid, &status, 0);
    while (w < 0 && errno == EINTR);
    assert_int_equal(w, pid);
    r->exited = WIFEXITED(status);
    r->code = r->exited ? WEXITSTATUS(status) : -1;
    r->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    if (r->exited && r->code == 127)
        fail_msg("could not execute %s", RNNLAB_BIN);
    r->out = slurp(out);
    r->err = slurp(err);
    fclose(out);
    fclose(err);
}
#define RUN(r, ...) run_impl(r, (const char *const[]){__VA_ARGS__, NULL})

static void run_free(Run *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

static void expect_status_impl(const Run *r, int code, const char *file, int line)
{
    if (!r->exited)
        fail_msg("%s:%d: `%s` was killed by signal %d\nstderr: %s", file, line, r->cmd, r->signal,
                 r->err);
    if (r->code != code)
        fail_msg("%s:%d: `%s` exited %d, expected %d\nstdout: %s\nstderr: %s", file, line, r->cmd,
                 r->code, code, r->out, r->err);
}
#define expect_status(r, code) expect_status_impl(r, code, __FILE__, __LINE__)

/* Exactly one non-empty line, ending in a newline. */
static int is_one_line(const char *s)
{
    size_t n = strlen(s);
    return n > 1 && s[n - 1] == '\n' && strchr(s, '\n') == s + n - 1;
}

/* Status `code`, exactly one line on stderr, containing every needle (NULL-terminated). */
static void expect_one_line_impl(const Run *r, int code, const char *const *needles,
                                 const char *file, int line)
{
    expect_status_impl(r, code, file, line);
    if (!is_one_line(r->err))
        fail_msg("%s:%d: `%s`: stderr is not exactly one line:\n%s", file, line, r->cmd, r->err);
    for (int i = 0; needles[i]; i++)
        if (!strstr(r->err, needles[i]))
            fail_msg("%s:%d: `%s`: stderr \"%s\" lacks \"%s\"", file, line, r->cmd, r->err,
                     needles[i]);
}
#define expect_one_line(r, code, ...) \
    expect_one_line_impl(r, code, (const char *const[]){__VA_ARGS__, NULL}, __FILE__, __LINE__)

/* Misuse: runs the command and expects exit 2 with one stderr line containing needle. */
static void misuse_impl(const char *needle, const char *const *args, const char *file, int line)
{
    Run r;
    run_impl(&r, args);
    expect_one_line_impl(&r, 2, (const char *const[]){needle, NULL}, file, line);
    run_free(&r);
}
#define MISUSE(needle, ...) \
    misuse_impl(needle, (const char *const[]){__VA_ARGS__, NULL}, __FILE__, __LINE__)

/* ---- files ---- */

static void path_join(char *out, size_t len, const char *dir, const char *name)
{
    int n = snprintf(out, len, "%s/%s", dir, name);
    assert_true(n > 0 && (size_t)n < len);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(fclose(f), 0);
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void expect_same_bytes(const char *a, const char *b)
{
    size_t na = 0, nb = 0;
    char *x = check_read_file(a, &na), *y = check_read_file(b, &nb);
    if (!x || !y)
        fail_msg("cannot read %s or %s", a, b);
    if (na != nb || memcmp(x, y, na) != 0) {
        size_t i = 0;
        while (i < na && i < nb && x[i] == y[i])
            i++;
        fail_msg("%s (%zu bytes) and %s (%zu bytes) differ from byte %zu", a, na, b, nb, i);
    }
    free(x);
    free(y);
}

static void expect_npy_impl(NpyArray *a, const char *dir, const char *name, NpyType type,
                            int ndim, const size_t *shape, const char *file, int line)
{
    char path[4200], err[512] = "";
    int n = snprintf(path, sizeof path, "%s/%s.npy", dir, name);
    assert_true(n > 0 && (size_t)n < sizeof path);
    if (npy_read(path, a, err, sizeof err) != 0)
        fail_msg("%s:%d: %s: %s", file, line, name, err);
    if (a->type != type)
        fail_msg("%s:%d: %s: dtype %s, expected %s", file, line, name,
                 a->type == NPY_F8 ? "float64" : "int64", type == NPY_F8 ? "float64" : "int64");
    char got[128] = "", want[128] = "";
    for (int i = 0; i < a->ndim; i++)
        snprintf(got + strlen(got), sizeof got - strlen(got), "%zu,", a->shape[i]);
    for (int i = 0; i < ndim; i++)
        snprintf(want + strlen(want), sizeof want - strlen(want), "%zu,", shape[i]);
    if (strcmp(got, want) != 0 || a->ndim != ndim)
        fail_msg("%s:%d: %s: shape (%s), expected (%s)", file, line, name, got, want);
    size_t count = 1;
    for (int i = 0; i < ndim; i++)
        count *= shape[i];
    assert_int_equal(a->count, count);
    if (type == NPY_F8)
        for (size_t i = 0; i < count; i++)
            if (!isfinite(((const double *)a->data)[i]))
                fail_msg("%s:%d: %s[%zu] is not finite", file, line, name, i);
}
/* Reads DIR/NAME.npy into *a and checks its dtype and shape (and finiteness for float64). */
#define expect_npy(a, dir, name, type, ...)                                             \
    expect_npy_impl(a, dir, name, type,                                                 \
                    (int)(sizeof((size_t[]){__VA_ARGS__}) / sizeof(size_t)),            \
                    (const size_t[]){__VA_ARGS__}, __FILE__, __LINE__)

/* Lines of a text, as a malloc'd array of pointers into `text` (which is modified). */
static int split_lines(char *text, char ***lines)
{
    int n = 0, cap = 16;
    *lines = malloc((size_t)cap * sizeof **lines);
    assert_non_null(*lines);
    for (char *p = text; *p;) {
        char *nl = strchr(p, '\n');
        if (n == cap) {
            cap *= 2;
            *lines = realloc(*lines, (size_t)cap * sizeof **lines);
            assert_non_null(*lines);
        }
        (*lines)[n++] = p;
        if (!nl)
            break;
        *nl = '\0';
        p = nl + 1;
    }
    return n;
}

/* ---- fixture: a fresh directory per test ---- */

/* A step with seeds=K and claims counted over its runs: true counts pass, a wrong count is
 * reported with the true one, and a K that is not the step's is refused before running. */
static void test_lesson_check_counts_a_claim_over_the_seeds(void **state)
{
    const char *dir = *state;
    char good[600], bad[600], wrong_k[600];
    path_join(good, sizeof good, dir, "good.md");
    path_join(bad, sizeof bad, dir, "bad.md");
    path_join(wrong_k, sizeof wrong_k, dir, "k.md");
    const char *head = "# Seeds\n\nThree seeds.\n\n## Run\n\nText.\n\n```rnnlab\ntask=echo\nseq_len=6\nhidden=4\n"
                       "seeds=3\nreset\nrun=5\n```\n\n```check\n";
    char text[1024];
    snprintf(text, sizeof text, "%sloss > 0 in 3 of 3 seeds\nloss < 0 in 0 of 3 seeds\n```\n", head);
    write_text(good, text);
    snprintf(text, sizeof text, "%sloss > 0 in 2 of 3 seeds\n```\n", head);
    write_text(bad, text);
    snprintf(text, sizeof text, "%sloss > 0 in 2 of 2 seeds\n```\n", head);
    write_text(wrong_k, text);
    Run r;
    RUN(&r, "lesson-check", "--run", good);
    expect_status(&r, 0);
    run_free(&r);
    RUN(&r, "lesson-check", "--run", bad);
    expect_status(&r, 1);
    if (!strstr(r.err, "claim 'loss > 0 in 2 of 3 seeds' is false: it holds in 3 of the 3"))
        fail_msg("%s", r.err);
    run_free(&r);
    RUN(&r, "lesson-check", wrong_k);
    expect_status(&r, 1);
    if (!strstr(r.err, "'in 2 of 2 seeds', but the step trains seeds=3"))
        fail_msg("%s", r.err);
    run_free(&r);
}

/* The n-th comma-separated field of line (0-based), into buf. */
static const char *csv_field(const char *line, int n, char *buf, size_t len)
{
    for (int i = 0; i < n && line; i++)
        line = strchr(line, ',') ? strchr(line, ',') + 1 : NULL;
    assert_non_null(line);
    size_t k = strcspn(line, ",\n");
    snprintf(buf, len, "%.*s", (int)(k < len ? k : len - 1), line);
    return buf;
}

/* train --csv with seeds=3: a loss, metric and grad_ratio column per seed, and seed 5's
 * loss column is, byte for byte, the loss column of a run of seed 5 alone. */
static void test_train_csv_has_a_column_per_seed(void **state)
{
    const char *dir = *state;
    char three[600], alone[600];
    path_join(three, sizeof three, dir, "three.csv");
    path_join(alone, sizeof alone, dir, "alone.csv");
    Run r;
    RUN(&r, "train", "--quiet", "--steps", "4", "--set", "task=echo", "--set", "seq_len=5", "--set", "seed=4", "--set",
        "seeds=3", "--csv", three);
    expect_status(&r, 0);
    run_free(&r);
    RUN(&r, "train", "--quiet", "--steps", "4", "--set", "task=echo", "--set", "seq_len=5", "--set", "seed=5", "--csv",
        alone);
    expect_status(&r, 0);
    run_free(&r);
    char *a = check_read_file(three, NULL), *b = check_read_file(alone, NULL);
    assert_non_null(a && b);
    char **la, **lb;
    int na = split_lines(a, &la), nb = split_lines(b, &lb);
    assert_int_equal(na, 5);
    assert_int_equal(nb, 5);
    const char *want = "g_4,loss_seed4,metric_seed4,grad_ratio_seed4,loss_seed5,metric_seed5,grad_ratio_seed5,"
                       "loss_seed6,metric_seed6,grad_ratio_seed6";
    if (!strstr(la[0], want))
        fail_msg("header: %s", la[0]);
    for (int i = 1; i < 5; i++) {
        char x[64], y[64];
        /* step, loss, metric, grad_norm, clipped, g_0..g_4, then seed 4's three, seed 5's loss */
        assert_string_equal(csv_field(la[i], 13, x, sizeof x), csv_field(lb[i], 1, y, sizeof y));
        assert_string_equal(csv_field(la[i], 14, x, sizeof x), csv_field(lb[i], 2, y, sizeof y));
        assert_string_equal(csv_field(la[i], 10, x, sizeof x), csv_field(la[i], 1, y, sizeof y)); /* seed 4 = the run */
    }
    free(la), free(lb), free(a), free(b);
}

/* An option's value that looks like --help is a value (it used to print help, exit 0), and
 * more lesson files than lesson-check takes are refused (it used to check the first 256). */
static void test_misuse_that_used_to_exit_0_exits_2(void **state)
{
    (void)state;
    MISUSE("--set '--help' is not key=value", "train", "--steps", "1", "--set", "--help");
    MISUSE("--step K needs --lesson FILE", "render", "--step", "2", "--out", "never.png");
    /* a FIFO as the font is named, not waited on by SDL_ttf */
    char fifo[64];
    snprintf(fifo, sizeof fifo, "/tmp/rnnlab-font-fifo-%d", (int)getpid());
    unlink(fifo);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    MISUSE("is a FIFO", "render", "--font", fifo, "--out", "never.png");
    unlink(fifo);
    const char *args[300];
    int n = 0;
    args[n++] = "lesson-check";
    for (int i = 0; i < 257; i++)
        args[n++] = "lessons-that-do-not-exist.md";
    args[n] = NULL;
    Run r;
    run_impl(&r, args);
    expect_status(&r, 2);
    if (!strstr(r.err, "at most 256 lesson files at once"))
        fail_msg("%s", r.err);
    run_free(&r);
}

/* SIGINT or SIGTERM during `train --csv --save`: the step in progress finishes, the CSV
 * holds every step done, the save says where it stopped, and the exit status is 130 or
 * 143 with a line saying so. */
static void test_train_stops_cleanly_on_sigint_and_sigterm(void **state)
{
    const char *dir = *state;
    const int sigs[2] = {SIGINT, SIGTERM}, codes[2] = {130, 143};
    for (int k = 0; k < 2; k++) {
        char csv[4200], save[4200], errf[4200], state_txt[4300];
        path_join(csv, sizeof csv, dir, k ? "term.csv" : "int.csv");
        path_join(save, sizeof save, dir, k ? "term-run" : "int-run");
        path_join(errf, sizeof errf, dir, "stderr.txt");
        fflush(NULL);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            int e = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
            if (e < 0 || dup2(e, 2) < 0)
                _exit(126);
            execl(RNNLAB_BIN, RNNLAB_BIN, "train", "--quiet", "--steps", "100000000", "--set", "hidden=8", "--set",
                  "seq_len=10", "--csv", csv, "--save", save, (char *)NULL);
            _exit(127);
        }
        usleep(700 * 1000);
        kill(pid, sigs[k]);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), codes[k]);
        char *err = check_read_file(errf, NULL);
        assert_non_null(err);
        long at = -1;
        const char *line = strstr(err, "stopped by ");
        if (!line || sscanf(strstr(line, "after step ") ? strstr(line, "after step ") : "", "after step %ld", &at) != 1)
            fail_msg("no 'stopped by ... after step N' line: %s", err);
        assert_non_null(strstr(line, k ? "SIGTERM" : "SIGINT"));
        free(err);
        /* the CSV: the header and one row per step done */
        char *text = check_read_file(csv, NULL);
        assert_non_null(text);
        char **lines;
        int n = split_lines(text, &lines);
        assert_int_equal(n, at + 1);
        free(lines);
        free(text);
        path_join(state_txt, sizeof state_txt, save, "state.txt");
        char *st = check_read_file(state_txt, NULL);
        assert_non_null(st);
        char want[64];
        snprintf(want, sizeof want, "stopped=%s at step %ld", k ? "SIGTERM" : "SIGINT", at);
        if (!strstr(st, want))
            fail_msg("state.txt lacks '%s':\n%s", want, st);
        free(st);
        Run r; /* and it loads */
        RUN(&r, "train", "--quiet", "--steps", "1", "--load", save);
        expect_status(&r, 0);
        run_free(&r);
    }
}

/* Starts RNNLAB_BIN with args and no display (SDL's dummy driver), waits `ms` and sends
 * SIGTERM. Returns its exit status, or -1 if it did not exit normally. */
static int run_window_briefly(const char *const *args, unsigned ms)
{
    const char *argv[16];
    int n = 0;
    argv[n++] = RNNLAB_BIN;
    for (int i = 0; args[i]; i++) {
        assert_true(n < 15);
        argv[n++] = args[i];
    }
    argv[n] = NULL;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || setenv("SDL_VIDEODRIVER", "dummy", 1) != 0)
            _exit(126);
        execv(RNNLAB_BIN, (char *const *)argv);
        _exit(127);
    }
    usleep(ms * 1000);
    kill(pid, SIGTERM); /* SDL turns it into a quit event: the window closes as on Ctrl Q */
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* With no display, the window is refused at once with a message saying so and what works
 * instead (SDL would otherwise open its invisible 'offscreen' window, and rnnlab would run
 * unseen until killed). */
static void test_the_window_without_a_display_says_so(void **state)
{
    (void)state;
    const char *names[3] = {"DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER"};
    char *saved[3];
    for (int i = 0; i < 3; i++) {
        const char *v = getenv(names[i]);
        saved[i] = v ? strdup(v) : NULL;
        unsetenv(names[i]);
    }
    check_alarm(60); /* it used to run until killed */
    Run r;
    RUN(&r, "window");
    check_alarm(0);
    expect_status(&r, 2);
    if (!strstr(r.err, "no display") || !strstr(r.err, "xvfb-run") || !strstr(r.err, "rnnlab render"))
        fail_msg("stderr does not say there is no display and what works instead: %s", r.err);
    run_free(&r);
    RUN(&r, "bench", "--render", "--window", "--seconds", "0.1");
    expect_status(&r, 2);
    if (!strstr(r.err, "no display") || !strstr(r.err, "--window"))
        fail_msg("bench --render --window does not say it needs a display: %s", r.err);
    run_free(&r);
    for (int i = 0; i < 3; i++)
        if (saved[i]) {
            setenv(names[i], saved[i], 1);
            free(saved[i]);
        }
}

/* rnnlab FILE (the desktop file's Exec=rnnlab %f): an experiment file opens as --config, a
 * lesson (*.md) as --lesson, a directory as --load, each followed by any options; a word
 * that names no file is still an unknown command. */
static void test_a_file_as_the_first_word_opens_the_window_on_it(void **state)
{
    const char *dir = *state;
    char bad[4200], big[4200], good[4200], lesson[4200], run_dir[4200];
    path_join(bad, sizeof bad, dir, "bad.cfg");
    write_text(bad, "# an rnnlab experiment\nbogus=1\n");
    MISUSE("bogus", bad); /* read as a configuration file ... */
    Run r;
    RUN(&r, bad);
    expect_one_line(&r, 2, bad, "rnnlab window");
    run_free(&r);
    path_join(big, sizeof big, dir, "big.cfg");
    write_text(big, "model=lstm\nhidden=128\nseq_len=1000\nbatch=128\ntask=sine\n");
    MISUSE("more than the memory budget", big, "--memory", "16M"); /* ... with the options after it */
    path_join(run_dir, sizeof run_dir, dir, "not-a-run");
    assert_int_equal(mkdir(run_dir, 0700), 0);
    RUN(&r, run_dir); /* a directory is a saved run */
    expect_one_line(&r, 2, "config.txt", "rnnlab window");
    run_free(&r);
    rmdir(run_dir);
    char missing[4200];
    path_join(missing, sizeof missing, dir, "missing.cfg");
    MISUSE("missing.cfg", missing);
    MISUSE("nor a file", "frobnicate");
    /* a good experiment and a lesson keep the window open until it is closed (read the
     * other way round, a lesson is a malformed configuration and exits 2 at once) */
    path_join(good, sizeof good, dir, "good.cfg");
    write_text(good, "# an rnnlab experiment\nhidden=8\nseq_len=10\n");
    assert_int_equal(run_window_briefly((const char *const[]){good, NULL}, 1500), 0);
    path_join(lesson, sizeof lesson, dir, "lesson.md");
    write_text(lesson, "# A lesson\n\nOne step.\n\n## Train\n\nText.\n\n```rnnlab\nhidden=8\n```\n");
    assert_int_equal(run_window_briefly((const char *const[]){lesson, "--scale", "1.5", NULL}, 1500), 0);
    assert_int_not_equal(run_window_briefly((const char *const[]){lesson, "--scale", "9", NULL}, 300), 0);
    unlink(bad), unlink(big), unlink(good), unlink(lesson);
}

static int make_dir(void **state)
{
    char *dir = malloc(4096);
    if (!dir)
        return -1;
    check_mkdtemp(dir, 4096);
    *state = dir;
    return 0;
}

static int remove_dir(void **state)
{
    check_rmdir(*state);
    free(*state);
    return 0;
}

/* ---- help and version ---- */

static void expect_help(const char *needle, const char *const *args)
{
    Run r;
    run_impl(&r, args);
    expect_status(&r, 0);
    if (!strstr(r.out, needle))
        fail_msg("`%s`: stdout lacks \"%s\":\n%s", r.cmd, needle, r.out);
    if (r.err[0])
        fail_msg("`%s`: unexpected stderr: %s", r.cmd, r.err);
    run_free(&r);
}
#define HELP(needle, ...) expect_help(needle, (const char *const[]){__VA_ARGS__, NULL})

static void test_help_and_version_exit_0_with_text_on_stdout(void **s)
{
    (void)s;
    HELP("usage: rnnlab", "--help");
    HELP("usage: rnnlab", "-h");
    HELP("train", "--help");
    HELP("grads", "--help");
    HELP("bench", "--help");
    HELP("tasks", "--help");
    HELP("sample", "--help");
    HELP("hidden", "--help"); /* the configuration keys */
    HELP("text", "--help");
    HELP("rnn|lstm|gru", "--help");
    HELP("xor|wave|adding|parity|order|sentiment|echo|sine|charlm|copy|reverse", "--help");
    HELP("usage: rnnlab train", "train", "--help");
    HELP("--steps", "train", "--help");
    HELP("--csv", "train", "--help");
    HELP("usage: rnnlab grads", "grads", "--help");
    HELP("--out", "grads", "--help");
    HELP("usage: rnnlab bench", "bench", "--help");
    HELP("--seconds", "bench", "--help");
    HELP("usage: rnnlab tasks", "tasks", "--help");
    HELP("usage: rnnlab sample", "sample", "--help");
    HELP("usage: rnnlab window", "window", "--help"); /* the window, also with no command */
    HELP("rnnlab FILE", "window", "--help");
    HELP("keys in the window", "--help");
    HELP("--load", "sample", "--help");
    HELP("--n", "sample", "--help");
    HELP("--temperature", "sample", "--help");
    HELP("--prime", "sample", "--help");
    /* --help wins over everything else on the line, even misuse. */
    HELP("usage: rnnlab train", "train", "--steps", "abc", "--help");
    HELP("rnnlab 0.", "--version");
}

/* ---- misuse: exit 2, one line on stderr ---- */

static void test_unknown_command_exits_2_naming_it(void **s)
{
    (void)s;
    MISUSE("frobnicate", "frobnicate");
    MISUSE("--frob", "--frob");
    MISUSE("Train", "Train");
}

static void test_unknown_option_exits_2_naming_it(void **s)
{
    (void)s;
    MISUSE("--bogus", "train", "--steps", "1", "--bogus");
    MISUSE("-x", "train", "-x", "--steps", "1");
    MISUSE("extra", "train", "--steps", "1", "extra");
    MISUSE("--steps", "bench", "--steps", "3");     /* an option of another verb */
    MISUSE("--csv", "grads", "--out", "x", "--csv", "y.csv");
    MISUSE("--out", "train", "--steps", "1", "--out", "x");
    MISUSE("--load", "bench", "--load", "x");
    MISUSE("--steps", "tasks", "--steps", "1");
    MISUSE("extra", "tasks", "extra");
    MISUSE("--set", "sample", "--set", "hidden=4");
    MISUSE("--steps", "sample", "--steps", "1");
    MISUSE("--prime", "train", "--steps", "1", "--prime", "the");
    MISUSE("--n", "grads", "--out", "x", "--n", "3");
}

static void test_palette_names_a_theme_and_a_bad_one_exits_2_listing_them(void **s)
{
    (void)s;
    HELP("--palette NAME", "render", "--help");
    HELP("cvd", "render", "--help");
    MISUSE("--palette pink: accepted palettes are default|cvd|contrast", "render", "--palette", "pink", "--out",
           "x.png");
    MISUSE("--palette pink: accepted palettes are default|cvd|contrast", "--palette", "pink");
    MISUSE("--palette", "train", "--steps", "1", "--palette", "cvd"); /* not a training option */
}

static void test_option_missing_its_value_exits_2(void **s)
{
    (void)s;
    MISUSE("--steps", "train", "--steps");
    MISUSE("--set", "train", "--steps", "1", "--set");
    MISUSE("--config", "train", "--steps", "1", "--config");
    MISUSE("--csv", "train", "--steps", "1", "--csv");
    MISUSE("--save", "train", "--steps", "1", "--save");
    MISUSE("--load", "train", "--steps", "1", "--load");
    MISUSE("--out", "grads", "--out");
    MISUSE("--seconds", "bench", "--seconds");
    MISUSE("--n", "sample", "--n");
    MISUSE("--temperature", "sample", "--temperature");
    MISUSE("--prime", "sample", "--prime");
    MISUSE("--load", "sample", "--load");
}

static void test_train_without_steps_or_with_bad_steps_exits_2(void **s)
{
    (void)s;
    MISUSE("--steps", "train");
    MISUSE("--steps", "train", "--set", "hidden=4");
    MISUSE("abc", "train", "--steps", "abc");
    MISUSE("--steps", "train", "--steps", "-1");
    MISUSE("--steps", "train", "--steps", "1.5");
    MISUSE("--steps", "train", "--steps", "");
    MISUSE("--steps", "train", "--steps", "99999999999999999999");
    MISUSE("--seconds", "bench", "--seconds", "abc");
    MISUSE("--seconds", "bench", "--seconds", "0");
}

static void test_bad_set_exits_2_naming_the_key(void **s)
{
    (void)s;
    MISUSE("bogus", "train", "--steps", "1", "--set", "bogus=1");
    MISUSE("hidden", "train", "--steps", "1", "--set", "hidden=abc");
    MISUSE("hidden", "train", "--steps", "1", "--set", "hidden=-1");
    MISUSE("hidden", "train", "--steps", "1", "--set", "hidden");
    MISUSE("lr", "train", "--steps", "1", "--set", "lr=nan");
    MISUSE("rnn|lstm|gru", "train", "--steps", "1", "--set", "model=transformer");
    MISUSE("hidden", "grads", "--out", "x", "--set", "hidden=257");
    MISUSE("seed", "bench", "--set", "seed=-1");
    /* Keys that only conflict once resolved are misuse too. */
    MISUSE("lag", "train", "--steps", "1", "--set", "task=echo", "--set", "seq_len=4",
           "--set", "lag=5");
    MISUSE("shape", "train", "--steps", "1", "--set", "shape=many-to-many");
    MISUSE("task", "train", "--steps", "1", "--set", "task=translate");
    MISUSE("seq_len", "train", "--steps", "1", "--set", "task=xor", "--set", "seq_len=2");
    MISUSE("seq_len", "grads", "--out", "x", "--set", "task=order", "--set", "seq_len=5");
    MISUSE("truncate", "train", "--steps", "1", "--set", "task=reverse", "--set", "truncate=3");
    MISUSE("text", "train", "--steps", "1", "--set", "text=corpus.txt");
    MISUSE("text", "grads", "--out", "x", "--set", "task=echo", "--set", "text=corpus.txt");
}

static void test_zero_hidden_is_the_tasks_default(void **state)
{
    const char *dir = *state;
    char save[4200], cfg_path[4300], err[CONFIG_ERR_LEN] = "";
    path_join(save, sizeof save, dir, "run");
    Run r;
    RUN(&r, "train", "--quiet", "--steps", "1", "--set", "task=xor", "--set", "hidden=0",
        "--set", "batch=2", "--save", save);
    expect_status(&r, 0);
    run_free(&r);
    /* The saved configuration is the resolved one: the task's hidden size. */
    path_join(cfg_path, sizeof cfg_path, save, "config.txt");
    Config cfg;
    config_default(&cfg);
    if (config_load_file(&cfg, cfg_path, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(cfg.task, task_find("xor"));
    assert_int_equal(cfg.hidden, task_kind_info(task_find("xor"))->default_hidden);
    assert_int_equal(cfg.seq_len, 1);
    assert_true(cfg.hidden > 0);
}

static void test_config_file_errors_exit_2_naming_the_file(void **state)
{
    const char *dir = *state;
    char missing[4200], bad[4200], good[4200], where[4300];
    path_join(missing, sizeof missing, dir, "missing.cfg");
    MISUSE(missing, "train", "--steps", "1", "--config", missing);

    path_join(bad, sizeof bad, dir, "bad.cfg");
    write_text(bad, "# small\nhidden=4\nseq_len=six\n");
    snprintf(where, sizeof where, "%s:3", bad);
    Run r;
    RUN(&r, "train", "--steps", "1", "--config", bad);
    expect_one_line(&r, 2, where, "seq_len");
    run_free(&r);
    MISUSE(where, "grads", "--out", dir, "--config", bad);

    /* A good file is accepted, with comments and blank lines, and --set after it wins. */
    path_join(good, sizeof good, dir, "good.cfg");
    write_text(good, "# small\n\nhidden=3   # units\nseq_len=4\nbatch=2\n");
    char csv[4200];
    path_join(csv, sizeof csv, dir, "h.csv");
    RUN(&r, "train", "--steps", "2", "--quiet", "--config", good, "--set", "seq_len=5", "--csv", csv);
    expect_status(&r, 0);
    run_free(&r);
    char *text = check_read_file(csv, NULL);
    assert_non_null(text);
    assert_true(strncmp(text, "step,loss,metric,grad_norm,clipped,g_0,g_1,g_2,g_3,g_4\n", 55) == 0);
    free(text);
}

static void test_load_of_a_missing_or_empty_dir_exits_2(void **state)
{
    const char *dir = *state;
    char missing[4200];
    path_join(missing, sizeof missing, dir, "no-such-run");
    MISUSE(missing, "train", "--steps", "1", "--load", missing);
    MISUSE(missing, "grads", "--out", dir, "--load", missing);
    MISUSE(missing, "sample", "--load", missing);
    /* A directory that is not a saved run: its config.txt is missing. */
    MISUSE("config.txt", "train", "--steps", "1", "--load", dir);
    MISUSE("config.txt", "sample", "--load", dir);
}

/* Trains 3 steps with the small settings plus one extra pair and saves to dir/name. */
static void train_and_save(const char *dir, const char *name, const char *extra, char *out,
                           size_t len)
{
    path_join(out, len, dir, name);
    Run r;
    RUN(&r, "train", "--quiet", "--steps", "3", SMALL, "--set", extra, "--save", out);
    expect_status(&r, 0);
    assert_int_equal(r.err[0], '\0');
    run_free(&r);
    char w[4300];
    path_join(w, sizeof w, out, "weight_hh_l0.npy");
    assert_true(file_exists(w));
}

/* A saved state the run could not have had is refused by name: the generator's all-zero
 * state (it never leaves it) and a negative second moment; and --save naming a regular
 * file is refused before a long training, not after it. */
static void test_load_refuses_impossible_states_and_save_refuses_a_file_at_once(void **state)
{
    const char *dir = *state;
    char run_dir[4200], st_path[4300], v[4300], file[4200];
    train_and_save(dir, "imp", "hidden=4", run_dir, sizeof run_dir);
    path_join(st_path, sizeof st_path, run_dir, "state.txt");
    write_text(st_path, "step=3\nopt_step=3\nrng_data=0 0 0 0\n");
    MISUSE("rng_data is all zero", "train", "--steps", "1", "--load", run_dir);
    train_and_save(dir, "neg", "hidden=4", run_dir, sizeof run_dir);
    path_join(v, sizeof v, run_dir, "optimizer.v.bias_hh_l0.npy");
    double minus[4] = {-1, 0, 0, 0};
    size_t shape[1] = {4};
    char err[600];
    assert_int_equal(npy_write(v, NPY_F8, 1, shape, minus, err, sizeof err), 0);
    MISUSE("negative value", "train", "--steps", "1", "--load", run_dir);
    path_join(file, sizeof file, dir, "a-file");
    write_text(file, "not a directory\n");
    MISUSE("exists and is not a directory", "train", "--quiet", "--steps", "100000000", SMALL, "--save", file);
}

static void test_load_of_a_truncated_or_malformed_weight_file_exits_2(void **state)
{
    const char *dir = *state;
    char run_dir[4200], w[4300], out[4200];
    train_and_save(dir, "run", "hidden=4", run_dir, sizeof run_dir);
    path_join(w, sizeof w, run_dir, "weight_hh_l0.npy");
    path_join(out, sizeof out, dir, "out");
    struct stat st;
    assert_int_equal(stat(w, &st), 0);

    /* Data cut short. */
    assert_int_equal(truncate(w, st.st_size - 8), 0);
    MISUSE("weight_hh_l0", "train", "--steps", "1", "--load", run_dir);
    MISUSE("weight_hh_l0", "grads", "--out", out, "--load", run_dir);
    /* Header cut short. */
    assert_int_equal(truncate(w, 20), 0);
    MISUSE("weight_hh_l0", "train", "--steps", "1", "--load", run_dir);
    /* Empty. */
    assert_int_equal(truncate(w, 0), 0);
    MISUSE("weight_hh_l0", "train", "--steps", "1", "--load", run_dir);
    /* Not a .npy file at all. */
    write_text(w, "this is not a numpy file, just some text that is long enough for a header\n");
    MISUSE("weight_hh_l0", "train", "--steps", "1", "--load", run_dir);
    /* Missing. */
    assert_int_equal(unlink(w), 0);
    MISUSE("weight_hh_l0", "train", "--steps", "1", "--load", run_dir);
}

static void test_load_with_a_shape_mismatch_exits_2(void **state)
{
    const char *dir = *state;
    char run_dir[4200];
    train_and_save(dir, "h4", "hidden=4", run_dir, sizeof run_dir);
    MISUSE("shape", "train", "--steps", "1", "--load", run_dir, "--set", "hidden=5");
    MISUSE("shape", "train", "--steps", "1", "--load", run_dir, "--set", "model=lstm");
    /* A malformed config.txt in a saved run names the file and line. */
    char cfg[4300], where[4400];
    path_join(cfg, sizeof cfg, run_dir, "config.txt");
    write_text(cfg, "model=rnn\nhidden=four\n");
    snprintf(where, sizeof where, "%s:2", cfg);
    MISUSE(where, "train", "--steps", "1", "--load", run_dir);
}

static void test_grads_without_out_exits_2(void **s)
{
    (void)s;
    MISUSE("--out", "grads");
    MISUSE("--out", "grads", SMALL);
}

static void test_unwritable_outputs_exit_2(void **state)
{
    const char *dir = *state;
    char csv[4200], save[4200];
    path_join(csv, sizeof csv, dir, "no-such-dir/h.csv");
    MISUSE("--csv", "train", "--steps", "1", SMALL, "--csv", csv);
    path_join(save, sizeof save, dir, "no-such-dir/run");
    MISUSE("--save", "train", "--quiet", "--steps", "1", SMALL, "--save", save);
    MISUSE("--out", "grads", SMALL, "--out", save);
}

/* ---- train ---- */

static void test_train_csv_has_the_header_and_one_row_per_step(void **state)
{
    const char *dir = *state;
    char csv[4200];
    path_join(csv, sizeof csv, dir, "h.csv");
    Run r;
    RUN(&r, "train", "--steps", "7", SMALL, "--set", "seq_len=5", "--csv", csv);
    expect_status(&r, 0);
    assert_int_equal(r.err[0], '\0'); /* stderr is not a terminal: no progress line */
    if (!strstr(r.out, "trained 7 steps"))
        fail_msg("no summary on stdout: %s", r.out);
    run_free(&r);
    char *tmp_name = malloc(4300);
    snprintf(tmp_name, 4300, "%s.tmp", csv);
    assert_false(file_exists(tmp_name)); /* the temporary was renamed */
    free(tmp_name);

    char *text = check_read_file(csv, NULL);
    assert_non_null(text);
    char **lines;
    int n = split_lines(text, &lines);
    assert_int_equal(n, 8);
    assert_string_equal(lines[0], "step,loss,metric,grad_norm,clipped,g_0,g_1,g_2,g_3,g_4");
    for (int i = 1; i < n; i++) {
        double v[16];
        int k = 0;
        char *p = lines[i], *end;
        for (;;) {
            assert_true(k < 16);
            v[k++] = strtod(p, &end);
            if (end == p)
                fail_msg("row %d: not a number at \"%s\"", i, p);
            if (*end == '\0')
                break;
            assert_int_equal(*end, ',');
            p = end + 1;
        }
        if (k != 10)
            fail_msg("row %d has %d fields, expected 10: %s", i, k, lines[i]);
        assert_true(v[0] == i);                 /* step, from 1 */
        assert_true(isfinite(v[1]) && v[1] > 0); /* loss */
        assert_true(v[2] >= 0 && v[2] <= 1);     /* accuracy */
        assert_true(isfinite(v[3]) && v[3] > 0); /* grad_norm */
        assert_true(v[4] == 0);                  /* clip=0: never clipped */
        for (int t = 5; t < 10; t++)
            assert_true(isfinite(v[t]) && v[t] >= 0);
        assert_true(v[9] > 0); /* the loss reaches h_{T-1} */
    }
    free(lines);
    free(text);

    /* With a tiny threshold every step is clipped. */
    RUN(&r, "train", "--quiet", "--steps", "3", SMALL, "--set", "clip=1e-9", "--csv", csv);
    expect_status(&r, 0);
    assert_int_equal(r.out[0], '\0'); /* --quiet: no summary */
    assert_int_equal(r.err[0], '\0');
    run_free(&r);
    text = check_read_file(csv, NULL);
    assert_non_null(text);
    n = split_lines(text, &lines);
    assert_int_equal(n, 4);
    for (int i = 1; i < n; i++) {
        char *p = lines[i];
        for (int f = 0; f < 4; f++) {
            p = strchr(p, ',');
            assert_non_null(p);
            p++;
        }
        if (strncmp(p, "1,", 2) != 0)
            fail_msg("row %d not marked clipped: %s", i, lines[i]);
    }
    free(lines);
    free(text);
}

static void test_train_zero_steps_is_allowed(void **state)
{
    const char *dir = *state;
    char csv[4200];
    path_join(csv, sizeof csv, dir, "h.csv");
    Run r;
    RUN(&r, "train", "--steps", "0", SMALL, "--csv", csv);
    expect_status(&r, 0);
    run_free(&r);
    char *text = check_read_file(csv, NULL);
    assert_non_null(text);
    assert_string_equal(text, "step,loss,metric,grad_norm,clipped,g_0,g_1,g_2,g_3,g_4,g_5\n");
    free(text);
}

/* ---- the memory budget (issue 12) ---- */

/* The issue's example: about 3.4 GB of caches, killed in a 1 GB cgroup before the budget. */
#define ISSUE_BIG "--set", "model=lstm", "--set", "hidden=128", "--set", "seq_len=1000", "--set", "batch=128", \
                  "--set", "task=sine"

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Refused before anything is allocated: at once, exit 2, one line naming the setting that
 * dominates and a value of it that fits. */
static void test_a_configuration_above_the_memory_budget_exits_2_at_once_naming_what_fits(void **state)
{
    (void)state;
    Run r;
    double t0 = seconds_now();
    RUN(&r, "train", "--memory", "64M", ISSUE_BIG, "--steps", "1");
    double took = seconds_now() - t0;
    expect_one_line(&r, 2, "rnnlab train: needs ", "GiB, more than the memory budget of 64 MiB (--memory): ",
                    "batch=128 dominates; batch=2 fits");
    printf("refused in %.0f ms: %s", took * 1e3, r.err);
    assert_true(took < 1.0);
    run_free(&r);
    /* every verb that trains or draws, the window before it opens */
    MISUSE("more than the memory budget of 64 MiB", "train", "--memory", "64M", ISSUE_BIG, "--compare", "hidden=32,64",
           "--steps", "1");
    MISUSE("more than the memory budget of 64 MiB", "grads", "--memory", "64M", ISSUE_BIG, "--out", "never");
    MISUSE("more than the memory budget of 64 MiB", "bench", "--memory", "64M", ISSUE_BIG);
    MISUSE("more than the memory budget of 64 MiB", "render", "--memory", "64M", ISSUE_BIG, "--out", "never.png");
    MISUSE("more than the memory budget of 64 MiB", "--memory", "64M", ISSUE_BIG);
    /* history is named when it is the cause */
    MISUSE("history=1000000 dominates; history=", "train", "--memory", "1G", "--set", "seq_len=1000", "--set",
           "history=1000000", "--steps", "1");
}

static void test_memory_takes_bytes_or_k_m_g_of_at_least_16M(void **state)
{
    (void)state;
    MISUSE("--memory 4X: expected", "train", "--memory", "4X", "--steps", "1");
    MISUSE("--memory 1.5G: expected", "grads", "--memory", "1.5G", "--out", "never");
    MISUSE("--memory 1M: ", "train", "--memory", "1M", "--steps", "1");
    MISUSE("16M", "train", "--memory", "1000000", "--steps", "1");
    MISUSE("--memory", "tasks", "--memory", "4G"); /* no run: not an option of tasks */
    MISUSE("--memory 4X", "lesson-check", "--memory", "4X", "lessons/01.md");
    /* the defaults run at the default budget, and in the least budget */
    Run r;
    RUN(&r, "train", "--steps", "1", "--quiet");
    expect_status(&r, 0);
    run_free(&r);
    RUN(&r, "train", "--memory", "16M", "--steps", "1", "--quiet");
    expect_status(&r, 0);
    run_free(&r);
    RUN(&r, "train", "--memory", "1000000000", ISSUE_BIG, "--set", "batch=8", "--steps", "0", "--quiet");
    expect_status(&r, 0);
    run_free(&r);
}

/* Finds settings that overflow; these reach Inf/NaN within a few steps. */
static void test_divergence_exits_3_with_one_message_naming_step_and_time(void **state)
{
    const char *dir = *state;
    char csv[4200], save[4200];
    path_join(csv, sizeof csv, dir, "h.csv");
    path_join(save, sizeof save, dir, "run");
    Run r;
    RUN(&r, "train", "--set", "activation=linear", "--set", "init=orthogonal", "--set", "rho=3",
        "--set", "optimizer=sgd", "--set", "lr=1", "--set", "seq_len=200", "--set", "hidden=8",
        "--steps", "50", "--csv", csv, "--save", save);
    expect_one_line(&r, 3, "step", "t=");
    run_free(&r);
    /* The history up to the failure is kept: the last row is the failing step. */
    char *text = check_read_file(csv, NULL);
    assert_non_null(text);
    char **lines;
    int n = split_lines(text, &lines);
    assert_true(n >= 2 && n < 51);
    assert_true(strncmp(lines[0], "step,loss,", 10) == 0);
    long failed = strtol(lines[n - 1], NULL, 10);
    assert_int_equal(failed, n - 1);
    free(lines);
    free(text);
    /* The saved run stops before the failing step's update, and its weights load. */
    char state_txt[4300], want[64];
    path_join(state_txt, sizeof state_txt, save, "state.txt");
    text = check_read_file(state_txt, NULL);
    assert_non_null(text);
    snprintf(want, sizeof want, "\nstep=%ld\n", failed - 1);
    if (!strstr(text, want))
        fail_msg("state.txt after divergence at step %ld lacks%s:\n%s", failed, want, text);
    free(text);
    RUN(&r, "train", "--quiet", "--load", save, "--steps", "0");
    expect_status(&r, 0);
    run_free(&r);

    /* A far larger spectrum: the forward pass itself overflows at step 1. */
    RUN(&r, "train", "--quiet", "--set", "activation=linear", "--set", "init=orthogonal", "--set",
        "rho=100", "--set", "seq_len=400", "--set", "hidden=4", "--set", "batch=2", "--steps", "5");
    expect_one_line(&r, 3, "step 1", "t=");
    run_free(&r);

    /* grads on the same settings: exit 3 too, not a crash. */
    char out[4200];
    path_join(out, sizeof out, dir, "g");
    RUN(&r, "grads", "--set", "activation=linear", "--set", "init=orthogonal", "--set", "rho=100",
        "--set", "seq_len=400", "--set", "hidden=4", "--set", "batch=2", "--out", out);
    expect_one_line(&r, 3, "t=");
    run_free(&r);
}

/* Trains small LSTM runs with extra (key=value) settings; writes the CSV to dir/name. */
static void train_csv(const char *dir, const char *name, const char *extra, const char *steps,
                      char *path, size_t len)
{
    path_join(path, len, dir, name);
    Run r;
    RUN(&r, "train", "--quiet", "--set", "model=lstm", "--set", "hidden=5", "--set", "seq_len=7",
        "--set", "batch=4", "--set", extra, "--steps", steps, "--csv", path);
    expect_status(&r, 0);
    run_free(&r);
}

static void test_same_seed_gives_identical_csv_and_another_seed_differs(void **state)
{
    const char *dir = *state;
    char a[4200], b[4200], c[4200];
    train_csv(dir, "a.csv", "seed=42", "30", a, sizeof a);
    train_csv(dir, "b.csv", "seed=42", "30", b, sizeof b);
    train_csv(dir, "c.csv", "seed=43", "30", c, sizeof c);
    expect_same_bytes(a, b);
    size_t na, nc;
    char *x = check_read_file(a, &na), *y = check_read_file(c, &nc);
    assert_non_null(x);
    assert_non_null(y);
    /* Same header, different numbers from the first row on. */
    size_t header = strcspn(x, "\n") + 1;
    assert_memory_equal(x, y, header);
    size_t row = strcspn(x + header, "\n");
    if (strncmp(x + header, y + header, row) == 0)
        fail_msg("seed=42 and seed=43 give the same first row: %.*s", (int)row, x + header);
    free(x);
    free(y);
}

static void test_save_then_load_continues_the_run_exactly(void **state)
{
    const char *dir = *state;
    char whole[4200], save[4200], rest[4200];
    train_csv(dir, "whole.csv", "seed=9", "20", whole, sizeof whole);
    path_join(save, sizeof save, dir, "half");
    path_join(rest, sizeof rest, dir, "rest.csv");
    Run r;
    RUN(&r, "train", "--quiet", "--set", "model=lstm", "--set", "hidden=5", "--set", "seq_len=7",
        "--set", "batch=4", "--set", "seed=9", "--steps", "10", "--save", save);
    expect_status(&r, 0);
    run_free(&r);
    /* The saved config is enough: no --set needed to resume. */
    RUN(&r, "train", "--quiet", "--load", save, "--steps", "10", "--csv", rest);
    expect_status(&r, 0);
    run_free(&r);

    char *a = check_read_file(whole, NULL), *b = check_read_file(rest, NULL);
    assert_non_null(a);
    assert_non_null(b);
    char **la, **lb;
    int na = split_lines(a, &la), nb = split_lines(b, &lb);
    assert_int_equal(na, 21);
    assert_int_equal(nb, 11);
    assert_string_equal(la[0], lb[0]);
    for (int i = 1; i <= 10; i++) {
        if (strcmp(la[10 + i], lb[i]) != 0)
            fail_msg("resumed row %d differs:\n  whole: %s\n  resumed: %s", i, la[10 + i], lb[i]);
    }
    assert_true(strncmp(lb[1], "11,", 3) == 0);
    free(la);
    free(lb);
    free(a);
    free(b);
}

static void test_loaded_weights_equal_the_saved_ones(void **state)
{
    const char *dir = *state;
    char run_dir[4200], out[4200];
    train_and_save(dir, "run", "model=gru", run_dir, sizeof run_dir);
    path_join(out, sizeof out, dir, "grads");
    Run r;
    RUN(&r, "grads", "--load", run_dir, "--out", out);
    expect_status(&r, 0);
    run_free(&r);
    const char *names[] = {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0",
                           "bias_hh_l0",   "head.weight",  "head.bias"};
    for (int i = 0; i < 6; i++) {
        char a[4300], b[4300], file[64];
        snprintf(file, sizeof file, "%s.npy", names[i]);
        path_join(a, sizeof a, run_dir, file);
        path_join(b, sizeof b, out, file);
        expect_same_bytes(a, b);
    }
    char a[4300], b[4300];
    path_join(a, sizeof a, run_dir, "config.txt");
    path_join(b, sizeof b, out, "config.txt");
    expect_same_bytes(a, b);
}

/* ---- grads ---- */

static void expect_grads(const char *dir, const char *model, const char *task, int G, int I,
                         int O)
{
    const size_t T = 6, B = 3, H = 4;
    char out[4200], pair_model[32], pair_task[32];
    path_join(out, sizeof out, dir, model);
    snprintf(pair_model, sizeof pair_model, "model=%s", model);
    snprintf(pair_task, sizeof pair_task, "task=%s", task);
    int m2m = strcmp(task, "echo") == 0;
    Run r;
    RUN(&r, "grads", SMALL, "--set", pair_model, "--set", pair_task, "--set", "symbols=3",
        "--set", "lag=2", "--out", out);
    expect_status(&r, 0);
    if (r.err[0])
        fail_msg("unexpected stderr: %s", r.err);
    run_free(&r);

    /* config.txt: the resolved configuration, readable as a config file. */
    char path[4300], err[CONFIG_ERR_LEN] = "";
    path_join(path, sizeof path, out, "config.txt");
    char *text = check_read_file(path, NULL);
    assert_non_null(text);
    const char *shape_line = m2m ? "\nshape=many-to-many\n" : "\nshape=many-to-one\n";
    const char *loss_line = m2m ? "\nloss=xent\n" : "\nloss=mse\n";
    if (!strstr(text, shape_line) || !strstr(text, loss_line))
        fail_msg("config.txt lacks%s or%s:\n%s", shape_line, loss_line, text);
    free(text);
    Config cfg;
    config_default(&cfg);
    if (config_load_file(&cfg, path, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(cfg.hidden, (int)H);
    assert_int_equal(cfg.seq_len, (int)T);
    assert_int_equal(cfg.batch, (int)B);

    /* Parameters and their gradients: PyTorch's names and layout. */
    const size_t GH = (size_t)G * H;
    struct {
        const char *name;
        int ndim;
        size_t shape[2];
    } params[] = {
        {"weight_ih_l0", 2, {GH, (size_t)I}},
        {"weight_hh_l0", 2, {GH, H}},
        {"bias_ih_l0", 1, {GH, 0}},
        {"bias_hh_l0", 1, {GH, 0}},
        {"head.weight", 2, {(size_t)O, H}},
        {"head.bias", 1, {(size_t)O, 0}},
    };
    NpyArray a;
    double grad_sq = 0;
    for (int i = 0; i < 6; i++) {
        char name[64];
        for (int g = 0; g < 2; g++) {
            snprintf(name, sizeof name, "%s%s", g ? "grad." : "", params[i].name);
            expect_npy_impl(&a, out, name, NPY_F8, params[i].ndim, params[i].shape, __FILE__,
                            __LINE__);
            if (g)
                for (size_t k = 0; k < a.count; k++)
                    grad_sq += ((double *)a.data)[k] * ((double *)a.data)[k];
            npy_free(&a);
        }
    }
    assert_true(grad_sq > 0);

    expect_npy(&a, out, "x", NPY_F8, T, B, (size_t)I);
    npy_free(&a);
    if (m2m) {
        expect_npy(&a, out, "y", NPY_I8, T, B);
        for (size_t k = 0; k < a.count; k++) {
            int64_t label = ((int64_t *)a.data)[k];
            if (label < 0 || label >= O)
                fail_msg("y[%zu] = %lld is not a class in 0..%d", k, (long long)label, O - 1);
        }
    } else {
        expect_npy(&a, out, "y", NPY_F8, B, (size_t)O);
    }
    npy_free(&a);

    /* loss.npy is 0-d. */
    char lpath[4300];
    path_join(lpath, sizeof lpath, out, "loss.npy");
    if (npy_read(lpath, &a, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(a.type, NPY_F8);
    assert_int_equal(a.ndim, 0);
    assert_int_equal(a.count, 1);
    double loss = *(double *)a.data;
    if (!(isfinite(loss) && loss > 0))
        fail_msg("loss.npy holds %g", loss);
    npy_free(&a);

    expect_npy(&a, out, "h", NPY_F8, T, B, H);
    npy_free(&a);
    expect_npy(&a, out, "dh", NPY_F8, T, B, H);
    double last = 0;
    for (size_t k = (T - 1) * B * H; k < T * B * H; k++)
        last += fabs(((double *)a.data)[k]);
    if (!(last > 0))
        fail_msg("%s %s: dh.npy is zero at the last time step", model, task);
    npy_free(&a);

    /* The gradient itemised by loss term and the connectivity: (S, T), S the loss terms. */
    const size_t S = m2m ? T : 1;
    const char *const st[] = {"itemised", "itemised_first", "connectivity"};
    for (int i = 0; i < 3; i++) {
        expect_npy(&a, out, st[i], NPY_F8, S, T);
        for (size_t s = 0; s < S; s++) {
            size_t ts = m2m ? s : T - 1; /* the step that term s reads */
            const double *row = (const double *)a.data + s * T;
            if (!(row[ts] > 0))
                fail_msg("%s %s: %s[%zu, %zu] = %g at the term's own step", model, task, st[i], s,
                         ts, row[ts]);
            for (size_t t = ts + 1; t < T; t++)
                if (row[t] != 0)
                    fail_msg("%s %s: %s[%zu, %zu] = %g past the term's step", model, task, st[i],
                             s, t, row[t]);
        }
        npy_free(&a);
    }

    char c_path[4300], dc_path[4300];
    path_join(c_path, sizeof c_path, out, "c.npy");
    path_join(dc_path, sizeof dc_path, out, "dc.npy");
    if (strcmp(model, "lstm") == 0) {
        expect_npy(&a, out, "c", NPY_F8, T, B, H);
        npy_free(&a);
        expect_npy(&a, out, "dc", NPY_F8, T, B, H);
        double lastc = 0;
        for (size_t k = (T - 1) * B * H; k < T * B * H; k++)
            lastc += fabs(((double *)a.data)[k]);
        assert_true(lastc > 0);
        npy_free(&a);
    } else {
        if (file_exists(c_path) || file_exists(dc_path))
            fail_msg("%s: c.npy/dc.npy written for a model without a cell state", model);
    }
}

/* The CSV's g_t columns are one per time step the network runs, for every task: the time
 * axis of the hidden states `grads` dumps (T, or T + Td for seq2seq). */
static void test_train_csv_has_one_g_column_per_step_the_network_runs_for_every_task(void **state)
{
    const char *dir = *state;
    for (int k = 0; k < task_kind_count(); k++) {
        const char *name = task_kind_info(k)->name;
        char csv[4200], out[4200], h_path[4300], task[64];
        snprintf(task, sizeof task, "task=%s", name);
        snprintf(csv, sizeof csv, "%s/%s.csv", dir, name);
        snprintf(out, sizeof out, "%s/%s-grads", dir, name);
        Run r;
        RUN(&r, "train", "--steps", "2", "--set", task, "--set", "hidden=4", "--set", "batch=2", "--csv", csv);
        expect_status(&r, 0);
        run_free(&r);
        RUN(&r, "grads", "--set", task, "--set", "hidden=4", "--set", "batch=2", "--out", out);
        expect_status(&r, 0);
        run_free(&r);
        snprintf(h_path, sizeof h_path, "%s/h.npy", out);
        NpyArray h;
        char err[512];
        assert_int_equal(npy_read(h_path, &h, err, sizeof err), 0);
        int steps = (int)h.shape[0];
        npy_free(&h);
        char *text = check_read_file(csv, NULL);
        assert_non_null(text);
        int g_cols = 0;
        for (const char *c = text; *c && *c != '\n'; c++)
            g_cols += c[0] == ',' && c[1] == 'g' && c[2] == '_';
        if (g_cols != steps)
            fail_msg("task=%s: %d g_t columns for a network that runs %d steps", name, g_cols, steps);
        free(text);
    }
}

static void test_grads_writes_every_array_for_rnn_on_adding(void **state)
{
    expect_grads(*state, "rnn", "adding", 1, 2, 1);
}

static void test_grads_writes_every_array_for_lstm_on_echo(void **state)
{
    /* echo with symbols=3: one-hot inputs I=3, classes O=4 (the last is 'nothing yet'). */
    expect_grads(*state, "lstm", "echo", 4, 3, 4);
}

static void test_grads_writes_every_array_for_gru_on_adding_and_lstm_on_adding(void **state)
{
    expect_grads(*state, "gru", "adding", 3, 2, 1);
    expect_grads(*state, "lstm", "adding", 4, 2, 1);
}

static void test_grads_is_deterministic_and_follows_the_seed(void **state)
{
    const char *dir = *state;
    char a[4200], b[4200], c[4200];
    path_join(a, sizeof a, dir, "a");
    path_join(b, sizeof b, dir, "b");
    path_join(c, sizeof c, dir, "c");
    Run r;
    RUN(&r, "grads", SMALL, "--out", a);
    expect_status(&r, 0);
    run_free(&r);
    RUN(&r, "grads", SMALL, "--out", b);
    expect_status(&r, 0);
    run_free(&r);
    RUN(&r, "grads", SMALL, "--set", "seed=2", "--out", c);
    expect_status(&r, 0);
    run_free(&r);
    const char *files[] = {"x.npy", "dh.npy", "grad.weight_hh_l0.npy", "loss.npy"};
    for (int i = 0; i < 4; i++) {
        char pa[4300], pb[4300], pc[4300];
        path_join(pa, sizeof pa, a, files[i]);
        path_join(pb, sizeof pb, b, files[i]);
        path_join(pc, sizeof pc, c, files[i]);
        expect_same_bytes(pa, pb);
        size_t na, nc;
        char *x = check_read_file(pa, &na), *y = check_read_file(pc, &nc);
        assert_non_null(x);
        assert_non_null(y);
        if (na == nc && memcmp(x, y, na) == 0)
            fail_msg("%s is the same for seed=1 and seed=2", files[i]);
        free(x);
        free(y);
    }
}

/* ---- grads for the other shapes ---- */

/* Runs `grads` with key=value settings (NULL-terminated) into dir/name; expects exit 0 and
 * a silent stderr. */
static void grads_run_impl(const char *dir, const char *name, char *out, size_t len,
                           const char *const *pairs)
{
    path_join(out, len, dir, name);
    const char *args[64];
    int n = 0;
    args[n++] = "grads";
    for (int i = 0; pairs[i]; i++) {
        assert_true(n < 60);
        args[n++] = "--set";
        args[n++] = pairs[i];
    }
    args[n++] = "--out";
    args[n++] = out;
    args[n] = NULL;
    Run r;
    run_impl(&r, args);
    expect_status(&r, 0);
    if (r.err[0])
        fail_msg("`%s`: unexpected stderr: %s", r.cmd, r.err);
    run_free(&r);
}
#define GRADS_RUN(dir, name, out, ...) \
    grads_run_impl(dir, name, out, sizeof out, (const char *const[]){__VA_ARGS__, NULL})

/* The index of the largest of n values. */
static size_t argmax_of(const double *v, size_t n)
{
    size_t best = 0;
    for (size_t k = 1; k < n; k++)
        if (v[k] > v[best])
            best = k;
    return best;
}

/* Every row of n values is one-hot: all zero but a single 1. */
static void expect_one_hot_rows(const char *what, const double *v, size_t rows, size_t n)
{
    for (size_t r = 0; r < rows; r++) {
        int ones = 0, others = 0;
        for (size_t k = 0; k < n; k++) {
            ones += v[r * n + k] == 1.0;
            others += v[r * n + k] != 1.0 && v[r * n + k] != 0.0;
        }
        if (ones != 1 || others)
            fail_msg("%s: row %zu is not one-hot", what, r);
    }
}

static double sum_abs(const double *v, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += fabs(v[i]);
    return s;
}

/* seq2seq: the encoder's and decoder's parameters under their own names, the decoder's
 * inputs beside the targets, and per-step arrays over the encoder's steps then the
 * decoder's. */
static void expect_reverse_grads(const char *dir, const char *model, int G)
{
    const size_t T = 4, Td = 4, B = 2, H = 5;
    const size_t S = (size_t)task_kind_info(task_find("reverse"))->default_symbols; /* symbols=0 */
    const size_t I = S, Id = S + 1, O = S, GH = (size_t)G * H;
    char out[4200], pair_model[32];
    snprintf(pair_model, sizeof pair_model, "model=%s", model);
    GRADS_RUN(dir, model, out, "task=reverse", pair_model, "seq_len=4", "hidden=5", "batch=2");

    char path[4300], err[CONFIG_ERR_LEN] = "";
    path_join(path, sizeof path, out, "config.txt");
    Config cfg;
    config_default(&cfg);
    if (config_load_file(&cfg, path, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(cfg.task, task_find("reverse"));
    assert_int_equal(cfg.shape_given, SHAPE_SEQ2SEQ);
    assert_int_equal(cfg.symbols, (int)S);

    struct {
        const char *name;
        int ndim;
        size_t shape[2];
    } params[] = {
        {"encoder.weight_ih_l0", 2, {GH, I}}, {"encoder.weight_hh_l0", 2, {GH, H}},
        {"encoder.bias_ih_l0", 1, {GH, 0}},   {"encoder.bias_hh_l0", 1, {GH, 0}},
        {"decoder.weight_ih_l0", 2, {GH, Id}}, {"decoder.weight_hh_l0", 2, {GH, H}},
        {"decoder.bias_ih_l0", 1, {GH, 0}},   {"decoder.bias_hh_l0", 1, {GH, 0}},
        {"head.weight", 2, {O, H}},           {"head.bias", 1, {O, 0}},
    };
    NpyArray a;
    for (int i = 0; i < 10; i++) {
        char name[64];
        for (int g = 0; g < 2; g++) {
            snprintf(name, sizeof name, "%s%s", g ? "grad." : "", params[i].name);
            expect_npy_impl(&a, out, name, NPY_F8, params[i].ndim, params[i].shape, __FILE__,
                            __LINE__);
            /* Every gradient reaches the loss, the encoder's through the decoder. */
            if (g && !(sum_abs(a.data, a.count) > 0))
                fail_msg("%s %s is zero", model, name);
            npy_free(&a);
        }
    }
    /* The single-network names belong to the other shapes. */
    path_join(path, sizeof path, out, "weight_hh_l0.npy");
    if (file_exists(path))
        fail_msg("%s: weight_hh_l0.npy written for seq2seq", model);

    /* Inputs and targets line up: the targets are the input reversed, and the decoder reads
     * the start symbol, then the previous target. */
    NpyArray x, xd, y;
    expect_npy(&x, out, "x", NPY_F8, T, B, I);
    expect_npy(&xd, out, "x_decoder", NPY_F8, Td, B, Id);
    expect_npy(&y, out, "y", NPY_I8, Td, B);
    const double *xv = x.data, *xdv = xd.data;
    const int64_t *yv = y.data;
    expect_one_hot_rows("x.npy", xv, T * B, I);
    expect_one_hot_rows("x_decoder.npy", xdv, Td * B, Id);
    for (size_t s = 0; s < Td; s++)
        for (size_t b = 0; b < B; b++) {
            int64_t label = yv[s * B + b];
            if (label < 0 || label >= (int64_t)O)
                fail_msg("y[%zu,%zu] = %lld is not a class in 0..%zu", s, b, (long long)label,
                         O - 1);
            size_t want = argmax_of(xv + ((T - 1 - s) * B + b) * I, I);
            if ((size_t)label != want)
                fail_msg("y[%zu,%zu] = %lld, but x[%zu,%zu] is %zu", s, b, (long long)label,
                         T - 1 - s, b, want);
            size_t fed = argmax_of(xdv + (s * B + b) * Id, Id);
            size_t fed_want = s == 0 ? Id - 1 : (size_t)yv[(s - 1) * B + b];
            if (fed != fed_want)
                fail_msg("x_decoder[%zu,%zu] is %zu, expected %zu", s, b, fed, fed_want);
        }
    npy_free(&x);
    npy_free(&xd);
    npy_free(&y);

    path_join(path, sizeof path, out, "loss.npy");
    if (npy_read(path, &a, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(a.ndim, 0);
    assert_true(isfinite(*(double *)a.data) && *(double *)a.data > 0);
    npy_free(&a);

    /* (T + Td, B, H): the encoder's steps, then the decoder's; the gradient reaches both. */
    const size_t TT = T + Td;
    expect_npy(&a, out, "h", NPY_F8, TT, B, H);
    npy_free(&a);
    const char *per_step[] = {"dh", "dc"};
    for (int k = 0; k < (G == 4 ? 2 : 1); k++) {
        expect_npy_impl(&a, out, per_step[k], NPY_F8, 3, (const size_t[]){TT, B, H}, __FILE__,
                        __LINE__);
        double enc = sum_abs(a.data, T * B * H);
        double dec = sum_abs((double *)a.data + T * B * H, Td * B * H);
        if (!(enc > 0) || !(dec > 0))
            fail_msg("%s %s.npy: encoder part sums to %g, decoder part to %g", model,
                     per_step[k], enc, dec);
        npy_free(&a);
    }
    if (G == 4) {
        expect_npy(&a, out, "c", NPY_F8, TT, B, H);
        npy_free(&a);
    } else {
        path_join(path, sizeof path, out, "c.npy");
        if (file_exists(path))
            fail_msg("%s: c.npy written for a model without a cell state", model);
    }
}

static void test_grads_for_seq2seq_writes_encoder_and_decoder_arrays(void **state)
{
    expect_reverse_grads(*state, "lstm", 4);
    expect_reverse_grads(*state, "gru", 3);
}

static void test_grads_for_one_to_one_has_one_label_per_sequence(void **state)
{
    const char *dir = *state;
    const size_t B = 3, H = 4;
    char out[4200];
    GRADS_RUN(dir, "xor", out, "task=xor", "hidden=4", "batch=3");
    NpyArray x, y, a;
    expect_npy(&x, out, "x", NPY_F8, 1, B, 2);
    expect_npy(&y, out, "y", NPY_I8, B);
    /* The label is the exclusive or of the two bits. */
    for (size_t b = 0; b < B; b++) {
        const double *bits = (const double *)x.data + b * 2;
        assert_true((bits[0] == 0 || bits[0] == 1) && (bits[1] == 0 || bits[1] == 1));
        int64_t want = (bits[0] != bits[1]);
        if (((int64_t *)y.data)[b] != want)
            fail_msg("xor: y[%zu] = %lld for bits %g %g", b, (long long)((int64_t *)y.data)[b],
                     bits[0], bits[1]);
    }
    npy_free(&x);
    npy_free(&y);
    expect_npy(&a, out, "h", NPY_F8, 1, B, H);
    npy_free(&a);
    expect_npy(&a, out, "dh", NPY_F8, 1, B, H);
    assert_true(sum_abs(a.data, a.count) > 0);
    npy_free(&a);
    expect_npy(&a, out, "head.weight", NPY_F8, 2, H);
    npy_free(&a);
}

static void test_grads_for_one_to_many_has_a_real_target_per_step(void **state)
{
    const char *dir = *state;
    const size_t T = 6, B = 3, H = 4;
    char out[4200];
    GRADS_RUN(dir, "wave", out, "task=wave", "hidden=4", "seq_len=6", "batch=3");
    Config cfg;
    config_default(&cfg);
    cfg.task = task_find("wave");
    char err[CONFIG_ERR_LEN];
    assert_int_equal(config_resolve(&cfg, err, sizeof err), 0);
    const size_t I = (size_t)task_info(&cfg).I;
    NpyArray x, a;
    expect_npy(&x, out, "x", NPY_F8, T, B, I);
    /* One input: a code at the first step, nothing after. */
    expect_one_hot_rows("x.npy at t=0", x.data, B, I);
    if (sum_abs((double *)x.data + B * I, (T - 1) * B * I) != 0)
        fail_msg("wave: x.npy is not zero after the first step");
    npy_free(&x);
    expect_npy(&a, out, "y", NPY_F8, T, B, 1);
    assert_true(sum_abs(a.data, a.count) > 0);
    npy_free(&a);
    expect_npy(&a, out, "h", NPY_F8, T, B, H);
    npy_free(&a);
    expect_npy(&a, out, "dh", NPY_F8, T, B, H);
    if (!(sum_abs((double *)a.data + (T - 1) * B * H, B * H) > 0))
        fail_msg("wave: dh.npy is zero at the last step");
    npy_free(&a);
    expect_npy(&a, out, "grad.head.weight", NPY_F8, 1, H);
    npy_free(&a);
}

static void test_grads_for_copy_runs_seq_len_plus_20_steps(void **state)
{
    const char *dir = *state;
    const size_t T = 3 + 20, B = 2, H = 4;
    char out[4200];
    GRADS_RUN(dir, "copy", out, "task=copy", "hidden=4", "seq_len=3", "batch=2");
    Config cfg;
    config_default(&cfg);
    cfg.task = task_find("copy");
    cfg.seq_len = 3;
    char err[CONFIG_ERR_LEN];
    assert_int_equal(config_resolve(&cfg, err, sizeof err), 0);
    TaskInfo info = task_info(&cfg);
    NpyArray a;
    expect_npy(&a, out, "x", NPY_F8, T, B, (size_t)info.I);
    expect_one_hot_rows("x.npy", a.data, T * B, (size_t)info.I);
    npy_free(&a);
    expect_npy(&a, out, "y", NPY_I8, T, B);
    for (size_t k = 0; k < a.count; k++) {
        int64_t label = ((int64_t *)a.data)[k];
        if (label < 0 || label >= info.O)
            fail_msg("copy: y[%zu] = %lld is not a class in 0..%d", k, (long long)label,
                     info.O - 1);
    }
    npy_free(&a);
    expect_npy(&a, out, "h", NPY_F8, T, B, H);
    npy_free(&a);
    expect_npy(&a, out, "dh", NPY_F8, T, B, H);
    npy_free(&a);
}

/* ---- tasks ---- */

/* A copy of s with every run of whitespace made one space: the table wraps its sentences. */
static char *squeeze(const char *s)
{
    char *out = malloc(strlen(s) + 1), *o = out;
    assert_non_null(out);
    int space = 0;
    for (; *s; s++) {
        if (*s == ' ' || *s == '\n' || *s == '\t') {
            space = 1;
            continue;
        }
        if (space && o > out)
            *o++ = ' ';
        space = 0;
        *o++ = *s;
    }
    *o = '\0';
    return out;
}

/* Splits line (modified) at spaces into at most max tokens; returns the count. */
static int tokens(char *line, char **tok, int max)
{
    int n = 0;
    for (char *t = strtok(line, " \t"); t && n < max; t = strtok(NULL, " \t"))
        tok[n++] = t;
    return n;
}

static int column(char **head, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(head[i], name) == 0)
            return i;
    fail_msg("the tasks table has no column '%s'", name);
    return -1;
}

static void test_tasks_lists_every_task_with_its_shape_sizes_and_sentences(void **s)
{
    (void)s;
    static const struct {
        const char *name, *shape;
    } expected[] = {
        {"xor", "one-to-one"},       {"wave", "one-to-many"},   {"adding", "many-to-one"},
        {"parity", "many-to-one"},   {"order", "many-to-one"},  {"sentiment", "many-to-one"},
        {"echo", "many-to-many"},    {"sine", "many-to-many"},  {"charlm", "many-to-many"},
        {"copy", "many-to-many"},    {"reverse", "seq2seq"},
    };
    assert_int_equal(sizeof expected / sizeof expected[0], task_kind_count());
    Run r;
    RUN(&r, "tasks");
    expect_status(&r, 0);
    if (r.err[0])
        fail_msg("`rnnlab tasks`: unexpected stderr: %s", r.err);
    char *flat = squeeze(r.out), *text = strdup(r.out);
    assert_non_null(text);
    char **lines;
    int n = split_lines(text, &lines);
    assert_true(n > task_kind_count());
    char *head[16];
    int nh = tokens(lines[0], head, 16);
    int c_shape = column(head, nh, "shape"), c_in = column(head, nh, "in"),
        c_out = column(head, nh, "out"), c_loss = column(head, nh, "loss"),
        c_base = column(head, nh, "baseline"), c_seq = column(head, nh, "seq_len"),
        c_hidden = column(head, nh, "hidden");
    assert_int_equal(column(head, nh, "task"), 0);
    for (int k = 0; k < task_kind_count(); k++) {
        /* The row that starts with the task's name: exactly one. */
        char *row = NULL;
        for (int i = 1; i < n; i++) {
            size_t len = strlen(expected[k].name);
            if (strncmp(lines[i], expected[k].name, len) == 0 && lines[i][len] == ' ') {
                if (row)
                    fail_msg("tasks: two rows for %s", expected[k].name);
                row = lines[i];
            }
        }
        if (!row)
            fail_msg("`rnnlab tasks` does not list %s:\n%s", expected[k].name, r.out);
        char *copy = strdup(row), *tok[32];
        assert_non_null(copy);
        int nt = tokens(copy, tok, 32);
        assert_true(nt > c_hidden && nt > c_base);
        if (strcmp(tok[c_shape], expected[k].shape) != 0)
            fail_msg("tasks: %s has shape '%s', expected %s", expected[k].name, tok[c_shape],
                     expected[k].shape);

        /* The rest agrees with the task library at the default configuration. */
        const TaskKindInfo *ki = task_kind_info(k);
        Config cfg;
        char err[CONFIG_ERR_LEN], want[64];
        config_default(&cfg);
        cfg.task = k;
        assert_int_equal(config_resolve(&cfg, err, sizeof err), 0);
        Task task;
        if (task_create(&task, &cfg, err, sizeof err) != 0)
            fail_msg("%s: %s", expected[k].name, err);
        snprintf(want, sizeof want, "%d", task.info.I);
        char want_s2s[64];
        snprintf(want_s2s, sizeof want_s2s, "%d+%d", task.info.I, task.info.Id);
        if (strcmp(tok[c_in], want) != 0 && !(task.info.Id && strcmp(tok[c_in], want_s2s) == 0))
            fail_msg("tasks: %s has in '%s', expected %s", expected[k].name, tok[c_in], want);
        snprintf(want, sizeof want, "%d", task.info.O);
        if (strcmp(tok[c_out], want) != 0)
            fail_msg("tasks: %s has out '%s', expected %s", expected[k].name, tok[c_out], want);
        assert_string_equal(tok[c_loss], config_loss_name(ki->loss));
        double base = strtod(tok[c_base], NULL);
        if (!(fabs(base - task_baseline(&task)) <= 1e-4 * fmax(1, fabs(base))))
            fail_msg("tasks: %s has baseline %s, the task's is %.6g", expected[k].name,
                     tok[c_base], task_baseline(&task));
        snprintf(want, sizeof want, "%d", cfg.seq_len);
        assert_string_equal(tok[c_seq], want);
        snprintf(want, sizeof want, "%d", cfg.hidden);
        assert_string_equal(tok[c_hidden], want);
        if (!strstr(row, ki->metric_name))
            fail_msg("tasks: %s's row lacks its metric '%s': %s", expected[k].name,
                     ki->metric_name, row);
        task_destroy(&task);
        free(copy);

        /* Its two sentences, however the table wraps them. */
        const char *sentences[2] = {ki->sentence, ki->shape_sentence};
        for (int j = 0; j < 2; j++) {
            char *want_text = squeeze(sentences[j]);
            if (!strstr(flat, want_text))
                fail_msg("`rnnlab tasks` lacks the sentence \"%s\"", want_text);
            free(want_text);
        }
    }
    free(lines);
    free(text);
    free(flat);
    run_free(&r);
}

/* ---- sample ---- */

/* Trains `steps` steps with key=value settings (NULL-terminated), saving to dir/name. */
static void save_run_impl(const char *dir, const char *name, const char *steps, char *out,
                          size_t len, const char *const *pairs)
{
    path_join(out, len, dir, name);
    const char *args[64];
    int n = 0;
    args[n++] = "train";
    args[n++] = "--quiet";
    args[n++] = "--steps";
    args[n++] = steps;
    for (int i = 0; pairs[i]; i++) {
        assert_true(n < 58);
        args[n++] = "--set";
        args[n++] = pairs[i];
    }
    args[n++] = "--save";
    args[n++] = out;
    args[n] = NULL;
    Run r;
    run_impl(&r, args);
    expect_status(&r, 0);
    if (r.err[0])
        fail_msg("`%s`: unexpected stderr: %s", r.cmd, r.err);
    run_free(&r);
}
#define SAVE_RUN(dir, name, steps, out, ...) \
    save_run_impl(dir, name, steps, out, sizeof out, (const char *const[]){__VA_ARGS__, NULL})

/* The text after "#k LABEL:" on its line, spaces removed, in buf; NULL if absent. */
static const char *block_field(const char *out, int k, const char *label, char *buf, size_t len)
{
    char key[64];
    snprintf(key, sizeof key, "#%d %s:", k, label);
    const char *p = strstr(out, key);
    if (!p)
        return NULL;
    p += strlen(key);
    size_t n = 0;
    for (; *p && *p != '\n'; p++)
        if (*p != ' ' && n + 1 < len)
            buf[n++] = *p;
    buf[n] = '\0';
    return buf;
}

static void test_sample_prints_one_block_per_sample_for_echo(void **state)
{
    const char *dir = *state;
    char run[4200];
    SAVE_RUN(dir, "echo", "3", run, "task=echo", "hidden=4", "seq_len=6", "batch=3");
    Run r, again;
    RUN(&r, "sample", "--load", run, "--n", "3");
    expect_status(&r, 0);
    if (r.err[0])
        fail_msg("unexpected stderr: %s", r.err);
    for (int k = 1; k <= 3; k++) {
        char in[64], target[64], output[64];
        if (!block_field(r.out, k, "input", in, sizeof in) ||
            !block_field(r.out, k, "target", target, sizeof target) ||
            !block_field(r.out, k, "output", output, sizeof output))
            fail_msg("sample #%d lacks its input, target or output line:\n%s", k, r.out);
        /* One symbol per step; the target is the input 3 steps (the default lag) later. */
        if (strlen(in) != 6 || strlen(target) != 6 || strlen(output) != 6)
            fail_msg("sample #%d: not 6 symbols each: '%s' '%s' '%s'", k, in, target, output);
        if (strncmp(target + 3, in, 3) != 0 || target[0] != target[1] || target[1] != target[2])
            fail_msg("sample #%d: target '%s' is not input '%s' echoed 3 steps later", k, target,
                     in);
        /* In order: input, then target, then output. */
        char key[3][32];
        snprintf(key[0], sizeof key[0], "#%d input:", k);
        snprintf(key[1], sizeof key[1], "#%d target:", k);
        snprintf(key[2], sizeof key[2], "#%d output:", k);
        assert_true(strstr(r.out, key[0]) < strstr(r.out, key[1]));
        assert_true(strstr(r.out, key[1]) < strstr(r.out, key[2]));
    }
    if (!strstr(r.out, "#3 output:") || strstr(r.out, "#4"))
        fail_msg("--n 3 did not print exactly three samples:\n%s", r.out);
    /* The same samples every time. */
    RUN(&again, "sample", "--load", run, "--n", "3");
    expect_status(&again, 0);
    assert_string_equal(again.out, r.out);
    run_free(&again);
    run_free(&r);
    /* Without --n, five. */
    RUN(&r, "sample", "--load", run);
    expect_status(&r, 0);
    if (!strstr(r.out, "#5 output:") || strstr(r.out, "#6"))
        fail_msg("sample without --n did not print five samples:\n%s", r.out);
    run_free(&r);
}

static void test_sample_with_prime_or_temperature_on_a_task_other_than_charlm_exits_2(
    void **state)
{
    const char *dir = *state;
    char run[4200];
    SAVE_RUN(dir, "echo", "1", run, "task=echo", "hidden=4", "seq_len=6", "batch=3");
    MISUSE("--prime", "sample", "--load", run, "--prime", "AB");
    MISUSE("--prime", "sample", "--load", run, "--prime", "");
    MISUSE("--temperature", "sample", "--load", run, "--temperature", "0.5");
    MISUSE("--temperature", "sample", "--load", run, "--temperature", "0");
    /* Given at all, even at its default value. */
    MISUSE("--temperature", "sample", "--load", run, "--temperature", "1");
}

/* Samples from the other shapes: one block per sample, and exit 0. */
static void test_sample_works_for_every_shape(void **state)
{
    const char *dir = *state;
    static const char *const settings[][2] = {
        {"task=xor", "seq_len=1"},     {"task=wave", "seq_len=6"},
        {"task=adding", "seq_len=6"},  {"task=sentiment", "seq_len=8"},
        {"task=copy", "seq_len=2"},    {"task=reverse", "seq_len=4"},
    };
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        char run[4200], name[32];
        snprintf(name, sizeof name, "run%zu", i);
        SAVE_RUN(dir, name, "2", run, settings[i][0], settings[i][1], "hidden=4", "batch=2");
        Run r;
        RUN(&r, "sample", "--load", run, "--n", "2");
        expect_status(&r, 0);
        if (r.err[0])
            fail_msg("`%s`: unexpected stderr: %s", r.cmd, r.err);
        if (!strstr(r.out, "#1 output:") || !strstr(r.out, "#2 output:") || strstr(r.out, "#3"))
            fail_msg("`%s` (%s) did not print two samples:\n%s", r.cmd, settings[i][0], r.out);
        run_free(&r);
    }
}

/* Code points in a UTF-8 string. */
static size_t utf8_length(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

/* Text of about n characters (after the prime), on one line. */
static void expect_text_sample(const Run *r, long n, const char *prime)
{
    expect_status(r, 0);
    if (r->err[0])
        fail_msg("`%s`: unexpected stderr: %s", r->cmd, r->err);
    size_t len = strlen(r->out);
    if (len == 0 || r->out[len - 1] != '\n' || strchr(r->out, '\n') != r->out + len - 1)
        fail_msg("`%s`: not one line of text: \"%s\"", r->cmd, r->out);
    size_t chars = utf8_length(r->out) - 1, plen = prime ? utf8_length(prime) : 1;
    if (chars < (size_t)n || chars > (size_t)n + plen)
        fail_msg("`%s` printed %zu characters, expected %ld to %ld:\n%s", r->cmd, chars, n,
                 n + (long)plen, r->out);
    if (prime && strncmp(r->out, prime, strlen(prime)) != 0)
        fail_msg("`%s`: output does not start with the prime: %s", r->cmd, r->out);
}

static void test_sample_prints_text_for_charlm(void **state)
{
    const char *dir = *state;
    char run[4200];
    SAVE_RUN(dir, "lm", "5", run, "task=charlm", "hidden=16", "seq_len=16");
    Run a, b;
    RUN(&a, "sample", "--load", run, "--n", "50", "--temperature", "0");
    expect_text_sample(&a, 50, NULL);
    for (const char *p = a.out; *p != '\n'; p++)
        if (*p < 0x20 || *p > 0x7e)
            fail_msg("the generated corpus is ASCII, but the sample has byte 0x%02x",
                     (unsigned char)*p);
    RUN(&b, "sample", "--load", run, "--n", "50", "--temperature", "0");
    expect_status(&b, 0);
    assert_string_equal(a.out, b.out);
    run_free(&b);
    /* 0 is "always the likeliest": the limit of a vanishing temperature, at which every
     * other character has probability exp(-gap / 1e-6). */
    RUN(&b, "sample", "--load", run, "--n", "50", "--temperature", "1e-6");
    expect_status(&b, 0);
    if (strcmp(a.out, b.out) != 0)
        fail_msg("--temperature 0 gives\n%sbut --temperature 1e-6 gives\n%s", a.out, b.out);
    run_free(&a);
    run_free(&b);

    RUN(&a, "sample", "--load", run, "--n", "50", "--prime", "the ");
    expect_text_sample(&a, 50, "the ");
    run_free(&a);
    RUN(&a, "sample", "--load", run, "--n", "7", "--temperature", "2.5", "--prime", "the cat");
    expect_text_sample(&a, 7, "the cat");
    run_free(&a);

    /* A character the training text never had. */
    Run r;
    RUN(&r, "sample", "--load", run, "--prime", "Q~");
    expect_one_line(&r, 2, "--prime", "Q");
    run_free(&r);
    MISUSE("--n", "sample", "--load", run, "--n", "0");
    MISUSE("--n", "sample", "--load", run, "--n", "abc");
    MISUSE("--temperature", "sample", "--load", run, "--temperature", "-1");
    MISUSE("--temperature", "sample", "--load", run, "--temperature", "warm");
}

static void test_sample_without_load_exits_2(void **s)
{
    (void)s;
    MISUSE("--load", "sample");
    MISUSE("--load", "sample", "--n", "3");
    MISUSE("--load", "sample", "--prime", "the ");
}

/* ---- charlm's text= file ---- */

static void write_bytes(const char *path, const char *bytes, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

/* Writes bytes to path, then expects `train` (and `grads`) on it to exit 2 with one line
 * naming the file. */
static void expect_bad_text(const char *dir, const char *path, const char *bytes, size_t n)
{
    if (bytes)
        write_bytes(path, bytes, n);
    char pair[4300], out[4200];
    snprintf(pair, sizeof pair, "text=%s", path);
    path_join(out, sizeof out, dir, "g");
    Run r;
    RUN(&r, "train", "--steps", "1", "--set", "task=charlm", "--set", pair);
    expect_one_line(&r, 2, path);
    run_free(&r);
    RUN(&r, "grads", "--out", out, "--set", "task=charlm", "--set", pair);
    expect_one_line(&r, 2, path);
    run_free(&r);
}

static void test_charlm_text_that_cannot_be_read_exits_2_naming_the_file(void **state)
{
    const char *dir = *state;
    char path[4200];
    path_join(path, sizeof path, dir, "my corpus.txt");
    MISUSE("/nonexistent", "train", "--steps", "1", "--set", "task=charlm", "--set",
           "text=/nonexistent");
    expect_bad_text(dir, path, NULL, 0); /* missing */
    expect_bad_text(dir, path, "", 0);   /* empty */
    expect_bad_text(dir, path, "a", 1);  /* one character */
    char same[200];
    memset(same, 'a', sizeof same);
    expect_bad_text(dir, path, same, sizeof same); /* one distinct character */
    static const char binary[] = "a text with a NUL \0 in the middle of it, long enough......";
    expect_bad_text(dir, path, binary, sizeof binary - 1);
    static const char latin1[] = "caf\xe9 au lait, cr\xe8me br\xfbl\xe9\x65: Latin-1, not UTF-8.";
    expect_bad_text(dir, path, latin1, sizeof latin1 - 1);
    static const char cut[] = "a text whose last character is cut in half: caf\xc3";
    expect_bad_text(dir, path, cut, sizeof cut - 1);
    static const char shorter[] = "abcdefgh"; /* fewer than seq_len + 1 characters */
    expect_bad_text(dir, path, shorter, sizeof shorter - 1);

    /* A good file trains, and so does the generated corpus. */
    static const char good[] = "le caf\xc3\xa9 est tr\xc3\xa8s bon, et le th\xc3\xa9 aussi.\n"
                               "the cat that the dogs chased sits on the mat.\n";
    write_bytes(path, good, sizeof good - 1);
    char pair[4300], run[4200];
    snprintf(pair, sizeof pair, "text=%s", path);
    SAVE_RUN(dir, "fr", "2", run, "task=charlm", pair, "seq_len=8", "hidden=8", "batch=4");
    Run r;
    RUN(&r, "train", "--quiet", "--steps", "1", "--set", "task=charlm", "--set", "text=",
        "--set", "seq_len=8", "--set", "hidden=8");
    expect_status(&r, 0);
    run_free(&r);
    /* Sampling reads the saved run's text: its characters prime, others do not. */
    RUN(&r, "sample", "--load", run, "--n", "10", "--prime", "th\xc3\xa9 ");
    expect_text_sample(&r, 10, "th\xc3\xa9 ");
    run_free(&r);
    RUN(&r, "sample", "--load", run, "--n", "10", "--prime", "Z");
    expect_one_line(&r, 2, "--prime", "Z");
    run_free(&r);
    /* Once the text is gone, the saved run cannot be sampled: exit 2 naming it. */
    assert_int_equal(unlink(path), 0);
    RUN(&r, "sample", "--load", run, "--n", "10");
    expect_one_line(&r, 2, path);
    run_free(&r);
}

/* ---- bench ---- */

static double sequences_per_s(const char *line)
{
    const char *p = strstr(line, "sequences_per_s=");
    if (!p)
        fail_msg("no sequences_per_s= in \"%s\"", line);
    char *end;
    double v = strtod(p + strlen("sequences_per_s="), &end);
    assert_true(end != p + strlen("sequences_per_s="));
    return v;
}

static void test_bench_prints_sequences_per_second(void **s)
{
    (void)s;
    Run r;
    RUN(&r, "bench", "--set", "hidden=4", "--set", "seq_len=5", "--seconds", "0.05");
    expect_status(&r, 0);
    char **lines;
    int n = split_lines(r.out, &lines);
    assert_int_equal(n, 1);
    assert_non_null(strstr(lines[0], "hidden=4"));
    assert_non_null(strstr(lines[0], "seq_len=5"));
    double v = sequences_per_s(lines[0]);
    assert_true(isfinite(v) && v > 0);
    free(lines);
    run_free(&r);

    /* With no --set: rnn, lstm and gru at batch 1 and 32. */
    RUN(&r, "bench", "--seconds", "0.01");
    expect_status(&r, 0);
    n = split_lines(r.out, &lines);
    assert_int_equal(n, 6);
    const char *models[] = {"model=rnn ", "model=lstm ", "model=gru "};
    for (int i = 0; i < 6; i++) {
        assert_non_null(strstr(lines[i], models[i / 2]));
        assert_non_null(strstr(lines[i], i % 2 ? "batch=32" : "batch=1 "));
        double rate = sequences_per_s(lines[i]);
        assert_true(isfinite(rate) && rate > 0);
    }
    free(lines);
    run_free(&r);
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, make_dir, remove_dir)

/* render draws what --set asks for; only with no settings at all is it free play's first
 * picture: a run that must diverge does, and says so. */
static void test_render_honours_set_and_draws_free_play_only_without_settings(void **state)
{
    (void)state;
    char dir[512], png[600];
    check_mkdtemp(dir, sizeof dir);
    snprintf(png, sizeof png, "%s/r.png", dir);
    Run r;
    RUN(&r, "render", "--set", "rho=4", "--set", "lr=1000", "--set", "optimizer=sgd", "--set", "seq_len=100",
        "--train-steps", "500", "--size", "640x480", "--out", png);
    if (r.code != 0 || !strstr(r.err, "drawn with the banner"))
        fail_msg("%s: exit %d, stderr '%s'", r.cmd, r.code, r.err);
    run_free(&r);
    unlink(png);
    check_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_render_honours_set_and_draws_free_play_only_without_settings),
        TEST(test_help_and_version_exit_0_with_text_on_stdout),
        TEST(test_unknown_command_exits_2_naming_it),
        TEST(test_a_file_as_the_first_word_opens_the_window_on_it),
        cmocka_unit_test(test_the_window_without_a_display_says_so),
        TEST(test_unknown_option_exits_2_naming_it),
        TEST(test_palette_names_a_theme_and_a_bad_one_exits_2_listing_them),
        TEST(test_option_missing_its_value_exits_2),
        TEST(test_train_without_steps_or_with_bad_steps_exits_2),
        TEST(test_bad_set_exits_2_naming_the_key),
        TEST(test_zero_hidden_is_the_tasks_default),
        TEST(test_config_file_errors_exit_2_naming_the_file),
        TEST(test_load_of_a_missing_or_empty_dir_exits_2),
        TEST(test_load_of_a_truncated_or_malformed_weight_file_exits_2),
        TEST(test_load_with_a_shape_mismatch_exits_2),
        TEST(test_grads_without_out_exits_2),
        TEST(test_unwritable_outputs_exit_2),
        TEST(test_train_csv_has_the_header_and_one_row_per_step),
        TEST(test_train_zero_steps_is_allowed),
        TEST(test_a_configuration_above_the_memory_budget_exits_2_at_once_naming_what_fits),
        TEST(test_memory_takes_bytes_or_k_m_g_of_at_least_16M),
        TEST(test_divergence_exits_3_with_one_message_naming_step_and_time),
        TEST(test_same_seed_gives_identical_csv_and_another_seed_differs),
        TEST(test_save_then_load_continues_the_run_exactly),
        TEST(test_loaded_weights_equal_the_saved_ones),
        TEST(test_train_csv_has_one_g_column_per_step_the_network_runs_for_every_task),
        TEST(test_grads_writes_every_array_for_rnn_on_adding),
        TEST(test_grads_writes_every_array_for_lstm_on_echo),
        TEST(test_grads_writes_every_array_for_gru_on_adding_and_lstm_on_adding),
        TEST(test_grads_is_deterministic_and_follows_the_seed),
        TEST(test_grads_for_seq2seq_writes_encoder_and_decoder_arrays),
        TEST(test_grads_for_one_to_one_has_one_label_per_sequence),
        TEST(test_grads_for_one_to_many_has_a_real_target_per_step),
        TEST(test_grads_for_copy_runs_seq_len_plus_20_steps),
        TEST(test_tasks_lists_every_task_with_its_shape_sizes_and_sentences),
        TEST(test_sample_prints_one_block_per_sample_for_echo),
        TEST(test_sample_with_prime_or_temperature_on_a_task_other_than_charlm_exits_2),
        TEST(test_sample_works_for_every_shape),
        TEST(test_sample_prints_text_for_charlm),
        TEST(test_sample_without_load_exits_2),
        TEST(test_charlm_text_that_cannot_be_read_exits_2_naming_the_file),
        TEST(test_bench_prints_sequences_per_second),
        TEST(test_lesson_check_counts_a_claim_over_the_seeds),
        TEST(test_train_csv_has_a_column_per_seed),
        TEST(test_misuse_that_used_to_exit_0_exits_2),
        TEST(test_train_stops_cleanly_on_sigint_and_sigterm),
        TEST(test_load_refuses_impossible_states_and_save_refuses_a_file_at_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
