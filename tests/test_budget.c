/* test_budget.c: the memory budget. The estimate against what trainer_create really
 * allocates (glibc's mallinfo2, every task and cell) and against the peak resident size of
 * `rnnlab train` (RNNLAB_BIN, wait4's ru_maxrss); the refusal's dominant setting and the
 * value it says fits; --memory's sizes; the default budget.
 *
 * `test_budget --table` prints the estimate beside the measured growth for larger
 * configurations too (up to a few GiB; minutes): the table in the commit that added this. */
#include "check.h"

#include "budget.h"
#include "config.h"
#include "task.h"
#include "trainer.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef RNNLAB_BIN
#error "compile with -DRNNLAB_BIN=\"/path/to/rnnlab\""
#endif

#define MiB ((size_t)1 << 20)
#define GiB ((size_t)1 << 30)

/* A resolved configuration from "key=value; ..." on top of the defaults. */
static Config config_of(const char *line)
{
    Config cfg;
    char err[CONFIG_ERR_LEN];
    config_default(&cfg);
    if (config_parse_line(&cfg, line, err, sizeof err) != 0 || config_resolve(&cfg, err, sizeof err) != 0)
        fail_msg("%s: %s", line, err);
    return cfg;
}

static size_t estimate(const char *line)
{
    Config cfg = config_of(line);
    return budget_estimate(&cfg, 1, NULL, NULL);
}

/* ---- the estimate against malloc ---- */

/* Bytes malloc has handed out and not had back: the arenas' chunks in use (all arenas)
 * and the mmapped blocks. */
static size_t in_use(void)
{
    struct mallinfo2 m = mallinfo2();
    return m.uordblks + m.hblkhd;
}

/* trainer_create allocates at most the estimate, and the estimate exceeds it by at most 2%
 * and 128 KiB (malloc's reuse of larger free chunks), and for charlm what reading its
 * generated text takes for a while (two ints a byte of its 60000, and the bigram counts). */
static void expect_estimate_bounds_allocation(const char *line)
{
    Config cfg = config_of(line);
    size_t slack = 128 * 1024 + (task_kind_info(cfg.task)->uses_text ? 8 * 60256 + 256 * 257 * 8 : 0);
    size_t est = budget_estimate(&cfg, 1, NULL, NULL);
    char err[CONFIG_ERR_LEN];
    Trainer tr;
    size_t before = in_use();
    if (trainer_create(&tr, &cfg, err, sizeof err) != 0)
        fail_msg("%s: %s", line, err);
    size_t got = in_use() - before;
    trainer_destroy(&tr);
    if (got > est || est - got > got / 50 + slack)
        fail_msg("%s: estimate %zu bytes, trainer_create allocated %zu (%+.2f%%)", line, est, got,
                 100.0 * ((double)est - (double)got) / (double)got);
}

static void test_the_estimate_bounds_what_trainer_create_allocates_for_every_task_and_cell(void **unused)
{
    (void)unused;
#ifdef RNNLAB_SANITIZED
    skip(); /* the sanitizers' allocator is not glibc's: mallinfo2 says nothing */
#endif
    for (int task = 0; task < task_kind_count(); task++)
        for (int m = 0; m < cell_count(); m++) {
            const TaskKindInfo *k = task_kind_info(task);
            int T = k->max_seq_len < 40 ? k->max_seq_len : 40;
            char line[300];
            snprintf(line, sizeof line, "task=%s; model=%s; hidden=24; seq_len=%d; batch=6; history=700", k->name,
                     cell_kind(m)->name, T);
            expect_estimate_bounds_allocation(line);
            /* seeds=K's copies, and the seeds' columns of the history */
            snprintf(line, sizeof line, "task=%s; model=%s; hidden=12; seq_len=%d; batch=3; seeds=3", k->name,
                     cell_kind(m)->name, T);
            expect_estimate_bounds_allocation(line);
            /* a stack: every layer's caches, observables, spectrum and history columns */
            snprintf(line, sizeof line, "task=%s; model=%s; hidden=16; layers=3; seq_len=%d; batch=4", k->name,
                     cell_kind(m)->name, T);
            expect_estimate_bounds_allocation(line);
            /* variable lengths: the counts' history column */
            if (!k->fixed_length && T >= 2 * (k->min_seq_len > 1 ? k->min_seq_len : 1)) {
                snprintf(line, sizeof line, "task=%s; model=%s; hidden=8; seq_len=%d; min_len=%d; batch=4", k->name,
                         cell_kind(m)->name, T, k->min_seq_len > 1 ? k->min_seq_len : 1);
                expect_estimate_bounds_allocation(line);
            }
        }
}

/* ---- the estimate against the resident size of `rnnlab train` ---- */

/* The peak resident size in bytes of `rnnlab ARGS` (which must exit 0), from wait4. */
static size_t peak_rss(const char *const *args)
{
    const char *argv[64];
    int n = 0;
    argv[n++] = RNNLAB_BIN;
    for (int i = 0; args[i]; i++) {
        assert_true(n < 63);
        argv[n++] = args[i];
    }
    argv[n] = NULL;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0)
            _exit(126);
        execv(RNNLAB_BIN, (char *const *)argv);
        _exit(127);
    }
    int status;
    struct rusage ru;
    pid_t w;
    do
        w = wait4(pid, &status, 0, &ru);
    while (w < 0 && errno == EINTR);
    assert_int_equal(w, pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("rnnlab %s ... did not exit 0 (status %d)", args[0], status);
    return (size_t)ru.ru_maxrss * 1024;
}

/* The peak resident size of `rnnlab train --steps STEPS --set LINE` less that of the
 * smallest run: what the run's own memory adds. */
static size_t growth(const char *line, long steps, size_t base)
{
    char pairs[16][64], steps_text[32];
    const char *args[48];
    int n = 0;
    args[n++] = "train";
    args[n++] = "--quiet";
    args[n++] = "--memory";
    args[n++] = "64G";
    args[n++] = "--steps";
    snprintf(steps_text, sizeof steps_text, "%ld", steps);
    args[n++] = steps_text;
    char copy[400];
    snprintf(copy, sizeof copy, "%s", line);
    int k = 0;
    for (char *p = strtok(copy, ";"); p && k < 16; p = strtok(NULL, ";")) {
        snprintf(pairs[k], sizeof pairs[k], "%s", config_trim(p));
        args[n++] = "--set";
        args[n++] = pairs[k++];
    }
    args[n] = NULL;
    size_t peak = peak_rss(args);
    return peak > base ? peak - base : 0;
}

static size_t base_rss(void)
{
    return peak_rss((const char *const[]){"train", "--quiet", "--steps", "2", "--set", "hidden=1", "--set",
                                          "seq_len=2", "--set", "batch=1", "--set", "history=10", NULL});
}

/* A configuration, the steps it trains, and the factor by which the estimate may exceed
 * the growth of the resident size it measures. The estimate counts what is allocated;
 * arrays that are never written are never resident: a vanilla RNN's and a GRU's cell
 * states and tanh(c_t) (2 of 10 and of 20 arrays a step), the top layer's dL/dh from the head
 * of a task scored at the last step (written only at each sequence's last step: the rnn on
 * adding leaves 3 of its 10 arrays untouched), seq2seq's free-running decoder's backward
 * arrays, the rows of the history that two steps do not fill. */
typedef struct {
    const char *line;
    long steps;
    double factor;
} Measured;

/* Moderate sizes (tens of MiB, a few seconds in all): the caches of every cell, seq2seq's
 * three layers, charlm's text, seeds' copies, and a history filled to its capacity. */
static const Measured MEASURED[] = {
    {"model=rnn; hidden=64; seq_len=500; batch=32; task=adding", 2, 1.9},
    {"model=lstm; hidden=32; seq_len=400; batch=32; task=sine", 2, 1.15},
    {"model=gru; hidden=48; seq_len=300; batch=32; task=echo", 2, 1.25},
    {"model=lstm; hidden=32; seq_len=200; batch=32; task=reverse", 2, 1.3},
    {"model=rnn; hidden=32; seq_len=200; batch=32; task=reverse", 2, 1.75},
    {"model=lstm; hidden=64; seq_len=200; batch=32; task=charlm", 2, 1.15},
    {"model=lstm; hidden=32; seq_len=200; batch=32; task=adding; seeds=4", 2, 1.15},
    {"model=rnn; hidden=1; seq_len=1000; batch=1; task=adding; history=12000", 12000, 1.1},
};

#define RSS_SLACK (4 * MiB) /* what the smallest run and the process itself touch besides */

static void print_row(const char *line, long steps, size_t est, size_t grew)
{
    char a[32], b[32];
    budget_format(a, sizeof a, est);
    budget_format(b, sizeof b, grew);
    printf("| %-78s | %5ld | %10s | %10s | %5.2f |\n", line, steps, a, b, grew ? (double)est / (double)grew : 0.0);
}

static void test_the_estimate_bounds_the_peak_resident_size_of_train(void **unused)
{
    (void)unused;
#ifdef RNNLAB_SANITIZED
    skip(); /* the sanitizers' shadow memory and quarantine are resident too */
#endif
    size_t base = base_rss();
    for (size_t i = 0; i < sizeof MEASURED / sizeof MEASURED[0]; i++) {
        size_t est = estimate(MEASURED[i].line), grew = growth(MEASURED[i].line, MEASURED[i].steps, base);
        print_row(MEASURED[i].line, MEASURED[i].steps, est, grew);
        if (grew > est + RSS_SLACK / 4 || (double)est > MEASURED[i].factor * (double)grew + (double)RSS_SLACK)
            fail_msg("%s: estimate %zu bytes, resident growth %zu: not within [growth, %.2f x growth]",
                     MEASURED[i].line, est, grew, MEASURED[i].factor);
    }
}

/* ---- the refusal ---- */

/* The value after "KEY=" in "... KEY=N fits", or -1. */
static long suggested(const char *msg, const char *key)
{
    char needle[64];
    snprintf(needle, sizeof needle, " %s=", key);
    const char *fits = strstr(msg, " fits");
    const char *p = NULL;
    for (const char *q = strstr(msg, needle); q && q < fits; q = strstr(q + 1, needle))
        p = q;
    if (!p)
        return -1;
    return strtol(p + strlen(needle), NULL, 10);
}

static int check_with(const char *line, const char *key, long v, size_t budget)
{
    char full[400], err[CONFIG_ERR_LEN];
    snprintf(full, sizeof full, "%s; %s=%ld", line, key, v);
    Config cfg = config_of(full);
    return budget_check(&cfg, 1, NULL, budget, err, sizeof err);
}

/* cfg is refused in budget; the message names `dominant` and says key=N fits (with the
 * extra settings `also`, "" for none): N fits, N+1 does not. */
static void expect_refusal(const char *line, size_t budget, const char *dominant, const char *key,
                           const char *also)
{
    Config cfg = config_of(line);
    char err[CONFIG_ERR_LEN] = "";
    if (budget_check(&cfg, 1, NULL, budget, err, sizeof err) == 0)
        fail_msg("%s: accepted in a budget of %zu bytes", line, budget);
    printf("%s, in %zu MiB: %s\n", line, budget / MiB, err);
    char b[32], want[160];
    budget_format(b, sizeof b, budget);
    snprintf(want, sizeof want, "more than the memory budget of %s (--memory): ", b);
    if (strncmp(err, "needs ", 6) != 0 || !strstr(err, want))
        fail_msg("'%s' does not say what it needs and '%s'", err, want);
    snprintf(want, sizeof want, "%s dominates; ", dominant);
    if (!strstr(err, want))
        fail_msg("'%s' does not say '%s'", err, want);
    long v = suggested(err, key);
    if (v < 1)
        fail_msg("'%s' suggests no value of %s", err, key);
    char with[300];
    snprintf(with, sizeof with, "%s%s%s", line, *also ? "; " : "", also);
    if (check_with(with, key, v, budget) != 0)
        fail_msg("'%s': %s=%ld does not fit", err, key, v);
    if (check_with(with, key, v + 1, budget) == 0)
        fail_msg("'%s': %s=%ld fits too", err, key, v + 1);
}

static const char *ISSUE = "model=lstm; hidden=128; seq_len=1000; batch=128; task=sine";

static void test_the_issues_example_is_refused_naming_batch_with_a_value_that_fits(void **unused)
{
    (void)unused;
    size_t est = estimate(ISSUE);
    /* 2.4 GB: (T, B, G*H) three times (ax, gate, dax: only a gru keeps ah and dah apart;
     * 3.4 GB, five times, when the issue measured it), (T, B, H) six times */
    assert_true(est > (size_t)2300 * 1000 * 1000 && est < (size_t)2450 * 1000 * 1000);
    expect_refusal(ISSUE, GiB, "batch=128", "batch", "");
    /* batch 1024 would need 19 GB */
    size_t big = estimate("model=lstm; hidden=128; seq_len=1000; batch=1024; task=sine");
    assert_true(big > (size_t)18000 * 1000 * 1000 && big < (size_t)19500 * 1000 * 1000);
}

static void test_history_is_named_when_history_is_the_cause(void **unused)
{
    (void)unused;
    const char *line = "seq_len=1000; history=1000000";
    size_t est = estimate(line);
    assert_true(est > 8 * (size_t)1000 * 1000 * 1000); /* 8 GB of dL/dh_t norms */
    expect_refusal(line, GiB, "history=1000000", "history", "");
    Config cfg = config_of(line);
    char err[CONFIG_ERR_LEN];
    budget_explain(&cfg, err, sizeof err);
    assert_non_null(strstr(err, "history=1000000 dominates"));
    assert_null(strstr(err, "hidden="));
}

static void test_seeds_seq_len_and_hidden_are_named_where_they_dominate(void **unused)
{
    (void)unused;
    /* seeds: xor's one step, the least of everything else */
    const char *seeds = "task=xor; hidden=1; batch=1; history=10; seeds=8";
    expect_refusal(seeds, estimate("task=xor; hidden=1; batch=1; history=10; seeds=3") + 1, "seeds=8", "seeds", "");
    /* seq_len: a long sequence of one small sample, little history */
    const char *seq = "model=gru; hidden=64; seq_len=1000; batch=1; history=10";
    expect_refusal(seq, estimate("model=gru; hidden=64; seq_len=500; batch=1; history=10") + 1, "seq_len=1000",
                   "seq_len", "");
    /* hidden: the parameters and their moments, quadratic in it */
    const char *hidden = "model=lstm; task=xor; hidden=256; batch=1; history=10";
    expect_refusal(hidden, estimate("model=lstm; task=xor; hidden=100; batch=1; history=10") + 1, "hidden=256",
                   "hidden", "");
}

static void test_when_the_dominant_setting_alone_cannot_fit_the_next_is_lowered_too(void **unused)
{
    (void)unused;
    const char *line = "model=lstm; hidden=256; seq_len=1000; batch=4096; task=sine";
    Config cfg = config_of(line);
    char err[CONFIG_ERR_LEN];
    assert_int_equal(budget_check(&cfg, 1, NULL, 64 * MiB, err, sizeof err), -1);
    printf("%s: %s\n", line, err);
    assert_non_null(strstr(err, "batch=4096 dominates; with batch=1, seq_len="));
    expect_refusal(line, 64 * MiB, "batch=4096", "seq_len", "batch=1");
}

static void test_compare_mode_counts_two_runs_and_the_window_its_copies(void **unused)
{
    (void)unused;
    Config cfg = config_of("model=lstm; hidden=32; seq_len=200; batch=16; history=5000");
    BudgetParts one, two, win;
    size_t a = budget_estimate(&cfg, 1, NULL, &one), b = budget_estimate(&cfg, 2, NULL, &two);
    assert_int_equal(b, 2 * a);
    assert_int_equal(one.total, a);
    assert_int_equal(one.caches + one.history + one.observables + one.data + one.parameters + one.snapshots + one.terms,
                     one.total);
    BudgetWindow w = {.view_copies = 4, .scrub = 1, .scrub_views = 3, .snapshot_bytes = 64 * MiB, .snapshots = 64};
    size_t c = budget_estimate(&cfg, 1, &w, &win);
    /* the history five times over (the trainer's and four copies), again for time travel */
    assert_true(win.history >= 9 * one.history);
    assert_true(win.snapshots > 0 && win.snapshots <= 64 * MiB);
    assert_true(c > a + win.history - one.history);
}

/* ---- --memory ---- */

static void test_memory_sizes_are_bytes_or_k_m_g_in_powers_of_1024(void **unused)
{
    (void)unused;
    size_t v = 0;
    char err[256];
    assert_int_equal(budget_parse("4G", &v, err, sizeof err), 0);
    assert_int_equal(v, 4 * GiB);
    assert_int_equal(budget_parse("512M", &v, err, sizeof err), 0);
    assert_int_equal(v, 512 * MiB);
    assert_int_equal(budget_parse("16384K", &v, err, sizeof err), 0);
    assert_int_equal(v, 16 * MiB);
    assert_int_equal(budget_parse("1000000000", &v, err, sizeof err), 0);
    assert_int_equal(v, 1000000000);
    assert_int_equal(budget_parse("16M", &v, err, sizeof err), 0);
    assert_int_equal(v, BUDGET_MIN);
    const char *bad[] = {"", "G", "4X", "4GB", "4g", "4 G", " 4G", "-4G", "+4G", "1.5G", "0x10M", "4G4",
                         "99999999999999999999", "18014398509481984K", "17179869184G"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        if (budget_parse(bad[i], &v, err, sizeof err) == 0)
            fail_msg("'%s' accepted as %zu", bad[i], v);
        if (!strstr(err, "K, M or G"))
            fail_msg("'%s': the message '%s' does not say what is accepted", bad[i], err);
    }
    /* below 16M: refused, saying the least */
    const char *small[] = {"1000000", "1024K", "15M", "0"};
    for (size_t i = 0; i < sizeof small / sizeof small[0]; i++) {
        err[0] = '\0';
        assert_int_equal(budget_parse(small[i], &v, err, sizeof err), -1);
        if (!strstr(err, "16M"))
            fail_msg("'%s': the message '%s' does not name 16M", small[i], err);
    }
}

static void test_sizes_print_in_binary_units(void **unused)
{
    (void)unused;
    char b[32];
    budget_format(b, sizeof b, GiB);
    assert_string_equal(b, "1.0 GiB");
    budget_format(b, sizeof b, 3652190208u);
    assert_string_equal(b, "3.4 GiB");
    budget_format(b, sizeof b, 64 * MiB);
    assert_string_equal(b, "64 MiB");
    budget_format(b, sizeof b, 512 * 1024);
    assert_string_equal(b, "512 KiB");
    budget_format(b, sizeof b, 900);
    assert_string_equal(b, "900 B");
}

static void test_the_default_budget_is_half_of_physical_memory(void **unused)
{
    (void)unused;
    size_t phys = (size_t)sysconf(_SC_PHYS_PAGES) * (size_t)sysconf(_SC_PAGE_SIZE);
    size_t d = budget_default();
    assert_true(d > 0 && d <= phys / 2);
    /* lower only where the cgroup's limit is */
    if (d < phys / 2)
        printf("the cgroup's limit sets the default budget: %zu MiB\n", d / MiB);
    else
        assert_int_equal(d, phys / 2);
}

static void test_the_defaults_fit_the_default_budget(void **unused)
{
    (void)unused;
    BudgetWindow w = {.view_copies = 4, .scrub = 1, .scrub_views = 3, .snapshot_bytes = 64 * MiB, .snapshots = 64};
    char err[CONFIG_ERR_LEN];
    Config cfg;
    config_default(&cfg);
    assert_int_equal(budget_check(&cfg, 1, NULL, budget_default(), err, sizeof err), 0);
    assert_int_equal(budget_check(&cfg, 2, &w, budget_default(), err, sizeof err), 0);
    config_free_play(&cfg);
    assert_int_equal(budget_check(&cfg, 2, &w, budget_default(), err, sizeof err), 0);
    /* every task's defaults: in the window, and headless even in the least budget */
    for (int t = 0; t < task_kind_count(); t++) {
        config_default(&cfg);
        cfg.task = t;
        if (budget_check(&cfg, 2, &w, budget_default(), err, sizeof err) != 0 ||
            budget_check(&cfg, 1, NULL, BUDGET_MIN, err, sizeof err) != 0)
            fail_msg("task=%s: %s", task_kind_info(t)->name, err);
    }
    /* a configuration that does not resolve: config's own message */
    config_default(&cfg);
    cfg.seq_len = 5000;
    assert_int_equal(budget_check(&cfg, 1, NULL, budget_default(), err, sizeof err), -1);
    assert_non_null(strstr(err, "seq_len=5000"));
}

/* ---- the table for the commit: larger configurations, run by hand ---- */

static const Measured TABLE[] = {
    {"model=rnn; hidden=8; seq_len=50; batch=4; task=adding", 2, 0},
    {"model=rnn; hidden=64; seq_len=500; batch=32; task=adding", 2, 0},
    {"model=gru; hidden=64; seq_len=1000; batch=64; task=echo", 2, 0},
    {"model=lstm; hidden=32; seq_len=400; batch=32; task=sine", 2, 0},
    {"model=lstm; hidden=64; seq_len=500; batch=64; task=sine", 2, 0},
    {"model=lstm; hidden=128; seq_len=1000; batch=16; task=sine", 2, 0},
    {"model=lstm; hidden=128; seq_len=1000; batch=128; task=sine", 2, 0},
    {"model=lstm; hidden=256; seq_len=500; batch=64; task=copy", 2, 0},
    {"model=gru; hidden=128; seq_len=500; batch=64; task=reverse", 2, 0},
    {"model=rnn; hidden=128; seq_len=500; batch=64; task=reverse", 2, 0},
    {"model=lstm; hidden=128; seq_len=500; batch=32; task=charlm", 2, 0},
    {"model=lstm; hidden=64; seq_len=300; batch=32; task=adding; seeds=8", 2, 0},
    {"model=rnn; hidden=1; seq_len=1000; batch=1; task=adding; history=60000", 60000, 0},
    {"model=rnn; hidden=32; seq_len=1000; batch=16; task=adding; history=1000000", 2, 0},
};

static void print_table(void)
{
    size_t base = base_rss();
    printf("| configuration (rnnlab train --steps N --set ...) | steps | estimate | RSS growth | ratio |\n");
    for (size_t i = 0; i < sizeof TABLE / sizeof TABLE[0]; i++)
        print_row(TABLE[i].line, TABLE[i].steps, estimate(TABLE[i].line), growth(TABLE[i].line, TABLE[i].steps, base));
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--table") == 0) {
        print_table();
        return 0;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_estimate_bounds_what_trainer_create_allocates_for_every_task_and_cell),
        cmocka_unit_test(test_the_estimate_bounds_the_peak_resident_size_of_train),
        cmocka_unit_test(test_the_issues_example_is_refused_naming_batch_with_a_value_that_fits),
        cmocka_unit_test(test_history_is_named_when_history_is_the_cause),
        cmocka_unit_test(test_seeds_seq_len_and_hidden_are_named_where_they_dominate),
        cmocka_unit_test(test_when_the_dominant_setting_alone_cannot_fit_the_next_is_lowered_too),
        cmocka_unit_test(test_compare_mode_counts_two_runs_and_the_window_its_copies),
        cmocka_unit_test(test_memory_sizes_are_bytes_or_k_m_g_in_powers_of_1024),
        cmocka_unit_test(test_sizes_print_in_binary_units),
        cmocka_unit_test(test_the_default_budget_is_half_of_physical_memory),
        cmocka_unit_test(test_the_defaults_fit_the_default_budget),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
