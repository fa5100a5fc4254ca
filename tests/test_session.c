/* test_session.c: the training session on its worker thread: commands answered and cancels
 * landing within their bounds while a deliberately slow step runs, and the same bits
 * whatever the timing of the commands and the cancels. */
#include "check.h"

#include "../src/app/gui.h"
#include "../src/app/session.h"
#include "../src/core/budget.h"
#include "../src/core/trainer.h"

#include <malloc.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

static Config config_of(const char *line)
{
    Config cfg;
    char err[CONFIG_ERR_LEN];
    config_default(&cfg);
    assert_int_equal(config_parse_line(&cfg, line, err, sizeof err), 0);
    return cfg;
}

/* Polls the published state until pred holds or `limit` seconds pass; returns the time
 * it took (limit + 1 when it never held). */
static double until(Session *s, int (*pred)(const SessionState *), double limit)
{
    double t0 = session_now();
    while (session_now() - t0 < limit) {
        if (pred(session_state(s)))
            return session_now() - t0;
        sleep_s(0.002);
    }
    return limit + 1;
}

/* The bounds hold for the optimised build; the sanitizers' unoptimised build runs every pass
 * several times slower, so there they are scaled. */
#ifdef RNNLAB_SANITIZED
#define BOUND_SCALE 4.0
#else
#define BOUND_SCALE 1.0
#endif

static int is_stepping(const SessionState *st) { return st->stepping; }
static int is_paused_and_still(const SessionState *st) { return !st->running && !st->stepping && !st->busy; }

/* One step of this configuration takes about a second here, and several under the
 * sanitizers: far longer than a frame. */
static const char *SLOW = "model=lstm; hidden=256; seq_len=1000; batch=4; task=echo";

static void test_a_slow_step_does_not_delay_pause_or_cancel(void **unused)
{
    (void)unused;
    Config cfg = config_of(SLOW);
    char err[CONFIG_ERR_LEN];
    Session *s = session_create(&cfg, budget_default(), err, sizeof err);
    assert_non_null(s);
    assert_int_equal(session_wait_idle(s, 120), 0); /* the first pass: 30 s was too little under the sanitizers on a busy machine */

    /* pause while a step runs: answered within 100 ms, and the step is undone */
    session_command(s, SESSION_PLAY, 0);
    assert_true(until(s, is_stepping, 30) < 30);
    sleep_s(0.05);
    double t0 = session_now();
    session_command(s, SESSION_PAUSE, 0);
    double took = until(s, is_paused_and_still, 5);
    (void)t0;
    printf("pause during a slow step answered in %.1f ms\n", took * 1e3);
    assert_true(took < 0.1 * BOUND_SCALE);
    assert_int_equal(session_state(s)->run[0].step, 0);

    /* a bounded run, cancelled (Esc) inside its first step */
    session_command(s, SESSION_RUN, 1000);
    assert_true(until(s, is_stepping, 30) < 30);
    sleep_s(0.05);
    t0 = session_now();
    session_cancel(s);
    assert_int_equal(session_wait_idle(s, 5), 0);
    took = session_now() - t0;
    printf("cancel during a slow step landed in %.1f ms\n", took * 1e3);
    assert_true(took < 0.1 * BOUND_SCALE);
    const SessionState *st = session_state(s);
    assert_int_equal(st->run[0].step, 0);
    assert_false(st->busy);

    /* quitting in the middle of a step: within 200 ms */
    session_command(s, SESSION_PLAY, 0);
    assert_true(until(s, is_stepping, 30) < 30);
    t0 = session_now();
    session_destroy(s);
    took = session_now() - t0;
    printf("quit during a slow step took %.1f ms\n", took * 1e3);
    assert_true(took < 0.2 * BOUND_SCALE);
}

static void test_a_long_step_reports_its_progress(void **unused)
{
    (void)unused;
    Config cfg = config_of(SLOW);
    char err[CONFIG_ERR_LEN];
    Session *s = session_create(&cfg, budget_default(), err, sizeof err);
    assert_non_null(s);
    /* the first pass, for the views, is a step in progress too */
    assert_true(until(s, is_stepping, 30) < 30);
    assert_int_equal(session_state(s)->work_total, 0);
    assert_int_equal(session_wait_idle(s, 120), 0);
    session_command(s, SESSION_RUN, 3);
    assert_true(until(s, is_stepping, 30) < 30);
    const SessionState *st = session_state(s);
    assert_true(st->busy);
    assert_int_equal(st->work_total, 3);
    assert_true(st->work_done >= 0 && st->work_done < 3);
    assert_true(st->work_started > 0 && st->work_started <= session_now());
    session_cancel(s);
    assert_int_equal(session_wait_idle(s, 5), 0);
    session_destroy(s);
}

/* The losses and gradient norms of every step of a trainer run straight through. */
static void straight_run(const Config *cfg, long n, double *loss, double *g_last)
{
    Trainer tr;
    char err[CONFIG_ERR_LEN];
    assert_int_equal(trainer_create(&tr, cfg, err, sizeof err), 0);
    for (long i = 0; i < n; i++) {
        assert_int_equal(trainer_step(&tr), 0);
        loss[i] = tr.obs.loss;
        g_last[i] = tr.obs.dh_norm[0];
    }
    trainer_destroy(&tr);
}

static int equal_bits(const double *a, const double *b, size_t n)
{
    return memcmp(a, b, n * sizeof(double)) == 0;
}

static void test_the_same_bits_whatever_the_timing(void **unused)
{
    (void)unused;
    enum { N = 300 };
    const char *lines[] = {"model=rnn; task=adding; seq_len=20", "model=lstm; task=echo; seq_len=12",
                           "model=gru; task=reverse"};
    for (int c = 0; c < 3; c++) {
        Config cfg = config_of(lines[c]);
        cfg.history = N;
        double want_loss[N], want_g[N];
        straight_run(&cfg, N, want_loss, want_g);
        char err[CONFIG_ERR_LEN];
        Session *s = session_create(&cfg, budget_default(), err, sizeof err);
        assert_non_null(s);
        /* the spectrum and the terms computed between steps whenever the worker finds time */
        session_command(s, SESSION_WANT, SESSION_WANT_SPECTRUM | SESSION_WANT_TERMS);
        /* play at a few paces, pause, interrupt and cancel at odd moments */
        srand(7 + c);
        int speeds[] = {1, 5, 0, 50};
        for (int round = 0; round < 4; round++) {
            session_command(s, SESSION_SPEED, speeds[round]);
            session_command(s, SESSION_PLAY, 0);
            sleep_s(0.002 * (rand() % 10));
            if (round % 2)
                session_cancel(s);
            session_command(s, SESSION_PAUSE, 0);
            session_wait_idle(s, 10);
            if (session_state(s)->run[0].step > N / 2)
                break;
        }
        long done = session_state(s)->run[0].step;
        assert_true(done <= N);
        session_command(s, SESSION_SPEED, 0);
        session_command(s, SESSION_RUN, N - done);
        assert_int_equal(session_wait_idle(s, 60), 0);
        const SessionState *st = session_state(s);
        const RunView *rv = &st->run[0];
        assert_int_equal(rv->step, N);
        assert_int_equal(rv->hist.count, N);
        double loss[N], g[N];
        for (int i = 0; i < N; i++) {
            int k = history_index(&rv->hist, i);
            assert_int_equal(rv->hist.step[k], i + 1);
            loss[i] = rv->hist.loss[k];
            g[i] = rv->hist.dh_norm[(size_t)k * rv->hist.T];
        }
        assert_true(equal_bits(loss, want_loss, N));
        assert_true(equal_bits(g, want_g, N));
        session_destroy(s);
    }
}

/* The terms view's arrays: computed while wanted, for the weights the views show (those of
 * a straight run of as many steps), and left alone while not wanted. */
static void test_the_terms_are_of_the_current_weights_while_wanted(void **unused)
{
    (void)unused;
    Config cfg = config_of("model=gru; task=echo; seq_len=9; hidden=6");
    char err[CONFIG_ERR_LEN];
    Session *s = session_create(&cfg, budget_default(), err, sizeof err);
    assert_non_null(s);
    session_command(s, SESSION_RUN, 4);
    assert_int_equal(session_wait_idle(s, 10), 0);
    assert_false(session_state(s)->run[0].items.valid); /* nobody asked */
    session_command(s, SESSION_WANT, SESSION_WANT_TERMS);
    session_command(s, SESSION_RUN, 3);
    assert_int_equal(session_wait_idle(s, 10), 0);
    const RunView *rv = &session_state(s)->run[0];
    const Itemised *it = &rv->items;
    assert_true(it->valid);
    assert_int_equal(it->step, 7);
    assert_true(it->run_id == rv->run_id);
    assert_int_equal(it->S, 9);
    assert_int_equal(it->T, 9);

    Trainer tr;
    assert_int_equal(trainer_create(&tr, &rv->cfg, err, sizeof err), 0);
    assert_int_equal(trainer_preview(&tr), 0); /* as the session does for a new run */
    for (int i = 0; i < 7; i++)
        assert_int_equal(trainer_step(&tr), 0);
    Itemised want = {0};
    assert_int_equal(itemise_now(&tr, &want, 1), 0);
    size_t n = (size_t)want.S * want.T;
    assert_memory_equal(want.batch, it->batch, n * sizeof(double));
    assert_memory_equal(want.first, it->first, n * sizeof(double));
    assert_memory_equal(want.conn, it->conn, n * sizeof(double));
    itemised_free(&want);
    trainer_destroy(&tr);

    /* no longer wanted: the arrays stay those of step 7 */
    session_command(s, SESSION_WANT, 0);
    session_command(s, SESSION_RUN, 2);
    assert_int_equal(session_wait_idle(s, 10), 0);
    assert_int_equal(session_state(s)->run[0].items.step, 7);
    session_destroy(s);
}

/* Ctrl V of `task=charlm; text=FIFO` used to freeze the worker for good in open(): the
 * window now says what the file is and keeps the run it had. */
static void test_a_pasted_fifo_is_refused_at_once(void **unused)
{
    (void)unused;
    char dir[512], fifo[600], line[800];
    check_mkdtemp(dir, sizeof dir);
    snprintf(fifo, sizeof fifo, "%s/pipe", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    Gui g;
    char err[CONFIG_ERR_LEN];
    Config cfg = config_of("task=echo; seq_len=6; hidden=4");
    TextMeasure none = {NULL, NULL};
    assert_int_equal(gui_create(&g, &cfg, budget_default(), none, err, sizeof err), 0);
    gui_wait(&g, 10);
    snprintf(line, sizeof line, "task=charlm; text=%s", fifo);
    gui_apply_line(&g, line, 1.0);
    assert_int_equal(gui_wait(&g, 5), 0); /* the worker is not stuck */
    if (!strstr(g.st->message, "is a FIFO"))
        fail_msg("message: %s", g.st->message);
    assert_int_equal(g.st->run[0].cfg.task, cfg.task); /* the echo run stays */
    gui_destroy(&g);
    unlink(fifo);
    check_rmdir(dir);
}

static void test_commands_apply_in_order_and_report(void **unused)
{
    (void)unused;
    Config cfg = config_of("task=adding; seq_len=10");
    char err[CONFIG_ERR_LEN];
    Session *s = session_create(&cfg, budget_default(), err, sizeof err);
    assert_non_null(s);
    unsigned seq = session_state(s)->cfg_seq;
    /* a training key applies at once; an architectural one re-initialises and says so */
    SessionCommand c = {.kind = SESSION_CONFIG};
    c.cfg = session_state(s)->run[0].cfg;
    c.cfg.lr = 0.5;
    session_send(s, &c);
    session_command(s, SESSION_RUN, 5);
    assert_int_equal(session_wait_idle(s, 10), 0);
    assert_true(session_state(s)->run[0].cfg.lr == 0.5);
    assert_int_equal(session_state(s)->run[0].step, 5);
    c.cfg = session_state(s)->run[0].cfg;
    c.cfg.hidden = 7;
    session_send(s, &c);
    assert_int_equal(session_wait_idle(s, 10), 0);
    const SessionState *st = session_state(s);
    assert_int_equal(st->run[0].dims.H, 7);
    assert_int_equal(st->run[0].step, 0);
    assert_true(st->cfg_seq != seq);
    assert_non_null(strstr(st->message, "Re-initialised"));
    /* a bad compare is refused with a message, and compare mode stays off */
    SessionCommand k = {.kind = SESSION_COMPARE};
    snprintf(k.text, sizeof k.text, "rho=1");
    session_send(s, &k);
    assert_int_equal(session_wait_idle(s, 10), 0);
    assert_false(session_state(s)->compare);
    assert_non_null(strstr(session_state(s)->message, "KEY=A,B"));
    session_destroy(s);
}


/* ---- the memory budget ---- */

static const char *ISSUE_BIG = "model=lstm; hidden=128; seq_len=1000; batch=128; task=sine";

/* A change the budget refuses leaves the run as it was and says why, in the panel's
 * "Not applied" line; so do a pasted experiment and compare mode; and a first run the
 * budget refuses is no session at all. */
static void test_a_configuration_above_the_budget_leaves_the_run_and_says_why(void **unused)
{
    (void)unused;
    char err[CONFIG_ERR_LEN];
    Config big = config_of(ISSUE_BIG);
    assert_null(session_create(&big, 64 << 20, err, sizeof err));
    assert_non_null(strstr(err, "more than the memory budget of 64 MiB (--memory): batch=128 dominates"));

    Config cfg = config_of("task=adding; seq_len=10");
    Session *s = session_create(&cfg, 64 << 20, err, sizeof err);
    assert_non_null(s);
    session_command(s, SESSION_RUN, 5);
    assert_int_equal(session_wait_idle(s, 10), 0);
    uint64_t id = session_state(s)->run[0].run_id;
    unsigned seq = session_state(s)->cfg_seq;
    SessionCommand c = {.kind = SESSION_CONFIG, .exact = 1}; /* not the new task's own lengths */
    c.cfg = big;
    session_send(s, &c);
    assert_int_equal(session_wait_idle(s, 10), 0);
    const SessionState *st = session_state(s);
    printf("%s\n", st->message);
    assert_non_null(strstr(st->message, "Not applied: needs "));
    assert_non_null(strstr(st->message, "more than the memory budget of 64 MiB (--memory): batch=128 dominates"));
    assert_true(st->cfg_seq != seq); /* the panel goes back to the settings in use */
    assert_true(st->run[0].run_id == id);
    assert_int_equal(st->run[0].step, 5);
    assert_int_equal(st->run[0].cfg.seq_len, 10);
    session_command(s, SESSION_RUN, 2); /* and it trains on */
    assert_int_equal(session_wait_idle(s, 10), 0);
    assert_int_equal(session_state(s)->run[0].step, 7);

    c.kind = SESSION_APPLY;
    session_send(s, &c);
    assert_int_equal(session_wait_idle(s, 10), 0);
    assert_non_null(strstr(session_state(s)->message, "Not applied: needs "));
    assert_int_equal(session_state(s)->run[0].step, 7);

    SessionCommand k = {.kind = SESSION_COMPARE};
    snprintf(k.text, sizeof k.text, "batch=16,4096");
    session_send(s, &k);
    assert_int_equal(session_wait_idle(s, 10), 0);
    st = session_state(s);
    assert_false(st->compare);
    assert_non_null(strstr(st->message, "Not compared: needs "));
    assert_non_null(strstr(st->message, "batch=4096 dominates"));
    assert_int_equal(st->run[0].step, 7);
    session_destroy(s);
}

static size_t in_use(void)
{
    struct mallinfo2 m = mallinfo2();
    return m.uordblks + m.hblkhd;
}

/* Everything the session allocates for a run with every copy in use (both runs of compare
 * mode, a full set of snapshots, time travel, the terms view) is at most the window's
 * estimate, and not far below it. */
static void test_the_window_estimate_bounds_what_a_session_allocates(void **unused)
{
    (void)unused;
#ifdef RNNLAB_SANITIZED
    skip(); /* mallinfo2 knows glibc's allocator only */
#endif
    Config cfg = config_of("model=lstm; task=echo; hidden=16; seq_len=40; batch=4; history=3000");
    char err[CONFIG_ERR_LEN];
    size_t before = in_use();
    Session *s = session_create(&cfg, budget_default(), err, sizeof err);
    assert_non_null(s);
    session_command(s, SESSION_WANT, SESSION_WANT_SPECTRUM | SESSION_WANT_TERMS);
    SessionCommand k = {.kind = SESSION_COMPARE};
    snprintf(k.text, sizeof k.text, "hidden=16,24");
    session_send(s, &k);
    session_command(s, SESSION_SPEED, 0);
    session_command(s, SESSION_RUN, SESSION_SNAPSHOTS * SESSION_SNAPSHOT_EVERY + 50);
    assert_int_equal(session_wait_idle(s, 120), 0);
    assert_true(session_state(s)->compare);
    assert_int_equal(session_state(s)->n_snaps, SESSION_SNAPSHOTS);
    session_command(s, SESSION_SCRUB, 3);
    session_command(s, SESSION_RUN, 1); /* publishes the scrub's views, then back to now */
    session_command(s, SESSION_SCRUB, 5);
    assert_int_equal(session_wait_idle(s, 60), 0);
    for (int i = 0; i < 3; i++) { /* every buffer filled with the scrub's views */
        session_state(s);
        session_command(s, SESSION_WANT, SESSION_WANT_SPECTRUM | SESSION_WANT_TERMS);
        assert_int_equal(session_wait_idle(s, 60), 0);
    }
    size_t got = in_use() - before;
    Config b = cfg;
    b.hidden = 24;
    size_t est = budget_estimate(&b, 2, &SESSION_WINDOW, NULL);
    printf("the session allocated %zu bytes; the window's estimate is %zu (%+.1f%%)\n", got, est,
           100.0 * ((double)est - (double)got) / (double)got);
    session_destroy(s);
    assert_true(got <= est);
    assert_true(est <= got + got / 2);
}

/* ---- the window, render and train: the same bits ---- */

static int fake_width(void *ctx, const char *text, int size)
{
    (void)ctx;
    return (int)strlen(text) * size / 2;
}

static void press(Gui *g, int key, double now)
{
    GuiInput in;
    memset(&in, 0, sizeof in);
    in.width = 1280, in.height = 800, in.now = now;
    if (key >= 0)
        in.keys[key] = 1;
    gui_frame(g, &in);
}

/* Writes g's history as CSV into path. */
static void export(Gui *g, const char *path)
{
    char err[600];
    gui_wait(g, 60);
    if (gui_export_csv(g, path, err, sizeof err) != 0)
        fail_msg("%s", err);
}

static void test_window_render_and_train_give_the_same_bits(void **unused)
{
    (void)unused;
    enum { N = 240 };
    const char *line = "model=lstm; task=echo; seq_len=15; history=1000";
    char dir[4096], a[4200], b[4200], c[4200];
    check_mkdtemp(dir, sizeof dir);
    snprintf(a, sizeof a, "%s/window.csv", dir);
    snprintf(b, sizeof b, "%s/render.csv", dir);
    snprintf(c, sizeof c, "%s/train.csv", dir);
    Config cfg = config_of(line);
    char err[CONFIG_ERR_LEN];
    TextMeasure fake = {NULL, fake_width};

    /* the window: frames at odd moments, the pace changed, paused, stepped, played again */
    Gui g;
    assert_int_equal(gui_create(&g, &cfg, budget_default(), fake, err, sizeof err), 0);
    srand(3);
    press(&g, GK_PLAY, session_now());
    /* 40 frames, and more while no step is done yet (under the sanitizers, on a loaded
     * machine, the first step can take longer than 40 frames): at most a minute */
    double give_up = session_now() + 60;
    for (int f = 0; (f < 40 || g.st->run[0].step == 0) && g.st->run[0].step < N / 2 && session_now() < give_up; f++) {
        press(&g, f % 7 == 3 ? GK_FASTER : f % 11 == 5 ? GK_STEP : f % 13 == 8 ? GK_PLAY : -1, session_now());
        sleep_s(0.001 * (rand() % 8));
    }
    session_command(g.session, SESSION_PAUSE, 0);
    gui_wait(&g, 60);
    long done = g.st->run[0].step;
    if (!(done > 0 && done < N))
        fail_msg("the window's frames trained %ld steps; the test wants 1 to %d", done, N - 1);
    gui_train(&g, N - done);
    assert_int_equal(g.st->run[0].step, N);
    export(&g, a);
    gui_destroy(&g);

    /* render's path: a fresh window, trained at once */
    assert_int_equal(gui_create(&g, &cfg, budget_default(), fake, err, sizeof err), 0);
    gui_train(&g, N);
    press(&g, -1, session_now());
    export(&g, b);
    gui_destroy(&g);

    /* the train verb */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char steps[16];
        snprintf(steps, sizeof steps, "%d", N);
        execl(RNNLAB_BIN, RNNLAB_BIN, "train", "--quiet", "--set", "model=lstm", "--set", "task=echo", "--set",
              "seq_len=15", "--steps", steps, "--csv", c, (char *)NULL);
        _exit(127);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    size_t la, lb, lc;
    char *ta = check_read_file(a, &la), *tb = check_read_file(b, &lb), *tc = check_read_file(c, &lc);
    assert_non_null(ta);
    assert_non_null(tb);
    assert_non_null(tc);
    if (la != lc || memcmp(ta, tc, la) != 0)
        fail_msg("the window's history differs from train's (%zu and %zu bytes)", la, lc);
    if (lb != lc || memcmp(tb, tc, lb) != 0)
        fail_msg("render's history differs from train's (%zu and %zu bytes)", lb, lc);
    free(ta), free(tb), free(tc);
    check_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_slow_step_does_not_delay_pause_or_cancel),
        cmocka_unit_test(test_a_long_step_reports_its_progress),
        cmocka_unit_test(test_the_same_bits_whatever_the_timing),
        cmocka_unit_test(test_commands_apply_in_order_and_report),
        cmocka_unit_test(test_a_pasted_fifo_is_refused_at_once),
        cmocka_unit_test(test_a_configuration_above_the_budget_leaves_the_run_and_says_why),
        cmocka_unit_test(test_the_window_estimate_bounds_what_a_session_allocates),
        cmocka_unit_test(test_the_terms_are_of_the_current_weights_while_wanted),
        cmocka_unit_test(test_window_render_and_train_give_the_same_bits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
