/* verbs_window.c: the verbs that draw the window: the window itself, render (a picture of
 * it with no display), bench --render (the frame's cost) and lesson-check (every step run
 * as the window runs it, its claims checked, its picture drawn). The headless verbs are in
 * verbs.c. */
#include "cli.h"

#include "../core/fileio.h"
#include "../core/trainer.h"
#include "../platform/window.h"
#include "datadir.h"
#include "gui.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The frame on the screen: in one band while the worker trains (platform_set_cores_busy). */
static void present(Platform *p, const Gui *g)
{
    const SessionState *st = g->st;
    platform_set_cores_busy(p, st && (st->running || st->busy || st->stepping));
    platform_present(p, &g->dl);
}

/* Saves what a frame asked for: a screenshot or one view as PNG. */
static void save_pictures(Platform *p, Gui *g, const GuiActions *a, double now)
{
    char path[160], err[600];
    if (a->save_view) {
        char prefix[96];
        snprintf(prefix, sizeof prefix, "rnnlab-%s-", a->view_name);
        file_stamped_name(path, sizeof path, prefix, ".png");
        if (platform_save_png_rect(p, a->view_rect.x, a->view_rect.y, a->view_rect.w, a->view_rect.h, path, err,
                                   sizeof err) == 0)
            gui_status(g, now, "Saved the %s view to ./%s", a->view_name, path);
        else
            gui_status(g, now, "Could not save the view: %s", err);
    }
    if (a->screenshot) {
        file_stamped_name(path, sizeof path, "rnnlab-", ".png");
        if (platform_save_png(p, path, err, sizeof err) == 0) {
            char cwd[2048];
            gui_status(g, now, "Saved the window to %s/%s", getcwd(cwd, sizeof cwd) ? cwd : ".", path);
        } else {
            gui_status(g, now, "Could not save the screenshot: %s", err);
        }
    }
}

/* --palette, --load, --compare and --lesson on a new Gui; returns 0, or -1 with a message. */
static int gui_setup(Gui *g, const Options *o, char *err, size_t errlen)
{
    g->theme = o->palette;
    if (o->load_dir) {
        SessionCommand c = {.kind = SESSION_LOAD};
        snprintf(c.text, sizeof c.text, "%s", o->load_dir);
        session_send(g->session, &c);
        gui_wait(g, -1);
        if (strncmp(g->st->message, "--load", 6) == 0) {
            snprintf(err, errlen, "%s", g->st->message);
            return -1;
        }
    }
    if (o->compare) {
        gui_compare(g, o->compare, 0);
        gui_wait(g, -1);
        if (!g->st->compare) {
            snprintf(err, errlen, "--compare %.80s: %.300s", o->compare, g->st->message);
            return -1;
        }
    }
    if (o->lesson && gui_lesson_open(g, o->lesson, 0) != 0 && strcmp(o->verb, "window") != 0) {
        snprintf(err, errlen, "%s", g->lesson_error);
        return -1; /* (the window shows a bad lesson's error in its panel instead) */
    }
    return 0;
}

/* The window (or its offscreen picture) titled rnnlab, the first frame's text sizes at this
 * presenter scale warmed while it opens. */
static Platform *open_platform(int w, int h, int offscreen, const char *font, double scale, char *err,
                               size_t errlen)
{
    int sizes[3];
    gui_text_sizes((float)scale, w, h, sizes);
    return platform_open("rnnlab", w, h, offscreen, font, sizes, err, errlen);
}

int cli_window(int argc, char **argv)
{
    Options o = {0};
    int r = cli_parse_options(&o, argc, argv,
                              OPT_CONFIG | OPT_SET | OPT_LOAD | OPT_FONT | OPT_LESSON | OPT_COMPARE | OPT_SIZE | OPT_SCALE |
                                  OPT_PALETTE | OPT_MEMORY,
                              "[--config F] [--set k=v]... [--load DIR] [--font PATH] [--lesson FILE] [--compare K=A,B] [--size WxH] [--scale S] [--palette NAME] [--memory SIZE]",
                              "Opens the window, training and drawing live. F1 lists the keys. With no\n"
                              "options it opens on a start screen listing the lessons. rnnlab FILE\n"
                              "[OPTIONS] opens FILE: an experiment file (as --config), a lesson (*.md, as\n"
                              "--lesson) or a saved run's directory (as --load).");
    if (r)
        return r > 0 ? EXIT_OK : EXIT_USAGE;
    char err[CONFIG_ERR_LEN + 600];
    int plain = !o.lesson && !o.compare && o.n_sets == 0 && !o.load_dir; /* nothing asked for */
    if (plain)
        config_free_play(&o.cfg); /* the first picture (docs/DEFAULTS.md) */
    if (session_budget_check(&o.cfg, o.compare, o.memory, err, sizeof err) != 0)
        return cli_fail("window", err); /* before a window opens */
    Platform *p = open_platform(o.width, o.height, 0, o.font, o.scale, err, sizeof err);
    if (!p)
        return cli_fail("window", err);
    char icon[4096];
    platform_set_icon(p, datadir_asset(icon, sizeof icon, "icons/rnnlab-64.png")); /* else SDL's own */
    Gui g;
    if (gui_create(&g, &o.cfg, o.memory, platform_measure(p), err, sizeof err) != 0) {
        platform_close(p);
        return cli_fail("window", err);
    }
    if (gui_setup(&g, &o, err, sizeof err) != 0) {
        gui_destroy(&g);
        platform_close(p);
        return cli_fail("window", err);
    }
    g.presenter = (float)o.scale;
    if (plain) {
        gui_lessons_scan(&g, g.lesson_dir);
        g.start_screen = 1; /* training starts when free play does */
    } else if (!o.lesson) {
        session_command(g.session, SESSION_PLAY, 0);
    }
    for (;;) {
        double start = platform_now();
        GuiInput in;
        if (platform_poll(p, &in))
            break;
        g.dpi = platform_dpi_scale(p);
        GuiActions a = gui_frame(&g, &in);
        present(p, &g);
        if (a.fullscreen)
            platform_toggle_fullscreen(p);
        if (a.copy)
            platform_set_clipboard(p, a.copy);
        save_pictures(p, &g, &a, in.now);
        /* about 60 frames a second; training runs on its own thread */
        double spent = platform_now() - start;
        if (spent < 1.0 / 60)
            cli_sleep_ms((unsigned)((1.0 / 60 - spent) * 1000));
    }
    gui_destroy(&g);
    platform_close(p);
    return EXIT_OK;
}

int cli_open(int argc, char **argv)
{
    const char *path = argv[0];
    struct stat st;
    if (stat(path, &st) != 0) {
        cli_unknown_command(path, strerror(errno));
        return EXIT_USAGE;
    }
    const char *as = S_ISDIR(st.st_mode) ? "--load" : lesson_is_lesson_path(path) ? "--lesson" : "--config";
    char **args = calloc((size_t)argc + 3, sizeof *args);
    if (!args)
        return cli_fail("window", "out of memory");
    args[0] = "window";
    args[1] = (char *)as;
    args[2] = (char *)path;
    for (int i = 1; i < argc; i++)
        args[i + 2] = argv[i];
    int status = cli_window(argc + 2, args);
    free(args);
    return status;
}

/* One frame of g drawn offscreen and saved as a PNG. */
static int draw_to_png(Platform *p, Gui *g, const char *path, char *err, size_t errlen)
{
    GuiInput in;
    platform_poll(p, &in);
    gui_frame(g, &in);
    present(p, g);
    return platform_save_png(p, path, err, errlen);
}

int cli_render(int argc, char **argv)
{
    Options o = {0};
    int r = cli_parse_options(&o, argc, argv,
                              OPT_CONFIG | OPT_SET | OPT_LOAD | OPT_FONT | OPT_SIZE | OPT_TRAIN_STEPS | OPT_OUT | OPT_LESSON |
                                  OPT_STEP | OPT_COMPARE | OPT_SCALE | OPT_START | OPT_PALETTE | OPT_MEMORY,
                              "[--config F] [--set k=v]... [--load DIR] [--train-steps N] [--size WxH] [--scale S] [--font PATH] [--lesson FILE [--step K]] [--compare K=A,B] [--start] [--palette NAME] [--memory SIZE] --out FILE.png",
                              "Trains headless, then writes a picture of the whole window as it would look.\n"
                              "Needs no display.");
    if (r)
        return r > 0 ? EXIT_OK : EXIT_USAGE;
    if (!o.out_dir)
        return cli_fail(o.verb, "--out FILE.png is required");
    if (o.step && !o.lesson) /* it used to be ignored */
        return cli_fail(o.verb, "--step K needs --lesson FILE: it picks the lesson's step to draw");
    char err[CONFIG_ERR_LEN + 600];
    if (!o.lesson && !o.compare && o.n_sets == 0 && !o.load_dir)
        config_free_play(&o.cfg); /* the window's free play, as it opens */
    if (session_budget_check(&o.cfg, o.compare, o.memory, err, sizeof err) != 0)
        return cli_fail(o.verb, err);
    Platform *p = open_platform(o.width, o.height, 1, o.font, o.scale, err, sizeof err);
    if (!p)
        return cli_fail(o.verb, err);
    Gui g;
    if (gui_create(&g, &o.cfg, o.memory, platform_measure(p), err, sizeof err) != 0) {
        platform_close(p);
        return cli_fail(o.verb, err);
    }
    int status = EXIT_OK;
    if (gui_setup(&g, &o, err, sizeof err) != 0) {
        status = cli_fail(o.verb, err);
    } else {
        g.presenter = (float)o.scale;
        if (o.start) {
            gui_lessons_scan(&g, g.lesson_dir);
            g.start_screen = 1;
        } else if (o.lesson) {
            int k = o.step ? o.step - 1 : 0;
            if (k >= g.lesson.n_steps) {
                snprintf(err, sizeof err, "--step %d: the lesson has %d steps", o.step, g.lesson.n_steps);
                gui_destroy(&g);
                platform_close(p);
                return cli_fail(o.verb, err);
            }
            for (int s = 0; s <= k; s++)
                gui_lesson_run_step(&g, s, 0);
        } else {
            gui_train(&g, o.train_steps);
        }
        if (draw_to_png(p, &g, o.out_dir, err, sizeof err) != 0) {
            fprintf(stderr, "rnnlab %s: %s\n", o.verb, err); /* the old picture is kept */
            status = EXIT_WRITE;
        } else if (g.st->diverged[0])
            fprintf(stderr, "rnnlab render: %s (drawn with the banner)\n", g.st->run[0].event.message);
    }
    gui_destroy(&g);
    platform_close(p);
    return status;
}

/* Ascending, by insertion (a few hundred frame times). */
static void sort_doubles(double *v, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j] < v[j - 1]; j--) {
            double x = v[j];
            v[j] = v[j - 1];
            v[j - 1] = x;
        }
}

/* Opens the picture bench --render draws in: offscreen, or with --window the window on
 * the display (a desktop, or xvfb-run). */
static Platform *bench_platform(const Options *o, char *err, size_t errlen)
{
    Platform *p = open_platform(1280, 800, !o->window, o->font, 1, err, errlen);
    if (!p && o->window) {
        size_t n = strlen(err);
        snprintf(err + n, errlen - n, " (--window times the window on a display: run it on a desktop or under xvfb-run)");
    }
    return p;
}

/* One frame as the window makes it: its input, the draw list, the pixels (and with a window
 * their copy to the screen). Returns the seconds the whole took; *build gets the draw
 * list's share. */
static double bench_frame(Platform *p, Gui *g, double *build)
{
    double t0 = platform_now();
    GuiInput in;
    platform_poll(p, &in);
    g->dpi = platform_dpi_scale(p);
    double t1 = platform_now();
    gui_frame(g, &in);
    double t2 = platform_now();
    present(p, g);
    *build = t2 - t1;
    return platform_now() - t0;
}

/* The start screen, as `rnnlab` with no options opens: the time from opening the window to
 * its first frame shown, and the frames after it (fresh fonts: the first one rasterises
 * every text). */
static int bench_start_screen(Options *o, char *err, size_t errlen)
{
    Config cfg = o->cfg;
    config_free_play(&cfg);
    double t0 = platform_now();
    Platform *p = bench_platform(o, err, errlen);
    if (!p)
        return -1;
    Gui g;
    if (gui_create(&g, &cfg, o->memory, platform_measure(p), err, errlen) != 0) {
        platform_close(p);
        return -1;
    }
    gui_lessons_scan(&g, g.lesson_dir);
    g.start_screen = 1;
    double opened = platform_now() - t0, build, times[120];
    double first = bench_frame(p, &g, &build);
    double to_first = platform_now() - t0;
    int n = 0;
    double until = platform_now() + o->seconds / 2;
    while (n < 120 && (platform_now() < until || n < 10)) {
        times[n++] = bench_frame(p, &g, &build);
        cli_sleep_ms(16 - (unsigned)(times[n - 1] * 1000 < 16 ? times[n - 1] * 1000 : 16));
    }
    sort_doubles(times, n);
    printf("start screen (%d lessons): first frame %.2f ms, shown %.1f ms after opening began (opening %.1f); "
           "then median=%.2f worst=%.2f ms over %d frames\n", g.n_entries, first * 1000, to_first * 1000,
           opened * 1000, times[n / 2] * 1000, times[n - 1] * 1000, n);
    gui_destroy(&g);
    platform_close(p);
    return 0;
}

/* Times full frames at 1280x800, T=100, H=32, every view visible, and how many training
 * steps a second the window sustains beside headless training; then the start screen.
 * Offscreen, or with --window in the window on the display (the copy to the screen
 * counted). */
int cli_bench_render(Options *o)
{
    char err[CONFIG_ERR_LEN + 256];
    Config cfg = o->cfg;
    cfg.seq_len = cfg.seq_len ? cfg.seq_len : 100;
    cfg.hidden = cfg.hidden ? cfg.hidden : 32;
    Platform *p = bench_platform(o, err, sizeof err);
    if (!p)
        return cli_fail(o->verb, err);
    Gui g;
    if (gui_create(&g, &cfg, o->memory, platform_measure(p), err, sizeof err) != 0) {
        platform_close(p);
        return cli_fail(o->verb, err);
    }
    gui_train(&g, 200);
    /* drawing alone */
    double times[200], build[200], raster[200];
    int n = 0;
    double until = platform_now() + o->seconds;
    while (n < 200 && (platform_now() < until || n < 10)) {
        times[n] = bench_frame(p, &g, &build[n]);
        raster[n] = times[n] - build[n]; /* with the input, and the copy to a window's screen */
        n++;
    }
    double first = times[0], later = 0; /* the first frame rasterises every string */
    for (int i = 1; i < n; i++)
        later = times[i] > later ? times[i] : later;
    sort_doubles(times, n);
    sort_doubles(build, n);
    sort_doubles(raster, n);
    double median = times[n / 2], worst = times[n - 1];
    /* the window at 60 Hz while the worker trains as fast as it can */
    session_command(g.session, SESSION_SPEED, 0);
    session_command(g.session, SESSION_PLAY, 0);
    gui_wait(&g, 1);
    long start_step = g.st->run[0].step;
    double t0 = platform_now();
    int frames = 0, live_n = 0;
    double live[600]; /* frame times while training (at most 10 s at 60 Hz kept) */
    while (platform_now() - t0 < o->seconds) {
        double build_s;
        double spent = bench_frame(p, &g, &build_s);
        frames++;
        if (live_n < (int)(sizeof live / sizeof live[0]))
            live[live_n++] = spent;
        if (spent < 1.0 / 60)
            cli_sleep_ms((unsigned)((1.0 / 60 - spent) * 1000));
    }
    double elapsed = platform_now() - t0;
    double window_rate = (double)(g.st->run[0].step - start_step) / elapsed;
    double fps = frames / elapsed;
    session_command(g.session, SESSION_PAUSE, 0);
    gui_wait(&g, -1);
    /* headless, the same configuration */
    Trainer tr;
    Config c2 = g.st->run[0].cfg;
    double headless = 0;
    if (trainer_create(&tr, &c2, err, sizeof err) == 0) {
        long steps = 0;
        double h0 = platform_now();
        while (platform_now() - h0 < o->seconds) {
            trainer_step(&tr);
            steps++;
        }
        headless = (double)steps / (platform_now() - h0);
        trainer_destroy(&tr);
    }
    printf("render size=%dx%d%s model=%s seq_len=%d hidden=%d frame_ms_median=%.2f frame_ms_worst=%.2f "
           "frames=%d\n", g.dl.width, g.dl.height, o->window ? " (the window on the display)" : " (offscreen)",
           config_model_name(c2.model), c2.seq_len, c2.hidden, median * 1000, worst * 1000, n);
    printf("of which: building the draw list median=%.2f worst=%.2f ms, rasterising it median=%.2f worst=%.2f ms "
           "(first frame %.2f ms, worst after it %.2f ms)\n", build[n / 2] * 1000, build[n - 1] * 1000,
           raster[n / 2] * 1000, raster[n - 1] * 1000, first * 1000, later * 1000);
    printf("window steps_per_s=%.0f at %.0f frames/s (training on its own thread); headless steps_per_s=%.0f\n",
           window_rate, fps, headless);
    if (live_n > 0) {
        sort_doubles(live, live_n);
        printf("window frames while training: median=%.2f worst=%.2f ms over %d frames (the numbers change "
               "every frame)\n", live[live_n / 2] * 1000, live[live_n - 1] * 1000, live_n);
    }
    gui_destroy(&g);
    platform_close(p);
    if (bench_start_screen(o, err, sizeof err) != 0)
        return cli_fail(o->verb, err);
    return EXIT_OK;
}

/* ---- lesson-check ---- */

/* Runs every step of the lesson in g, checks its claims and draws it; returns false claims. */
static int check_steps(Gui *g, Platform *p, const Options *o, const char *file, int *claims)
{
    int false_claims = 0;
    char err[600];
    for (int k = 0; k < g->lesson.n_steps; k++) {
        gui_lesson_run_step(g, k, 0);
        if (g->lesson_error[0] || g->st->lesson_error[0]) {
            if (g->lesson_error[0])
                fprintf(stderr, "%s\n", g->lesson_error);
            else
                fprintf(stderr, "%s:%s\n", g->lesson.path, g->st->lesson_error);
            false_claims++;
            break;
        }
        char report[4096];
        const LessonStep *st = &g->lesson.steps[k];
        *claims += st->n_checks;
        int f = gui_lesson_check(g, k, report, sizeof report);
        if (f)
            fputs(report, stderr);
        false_claims += f;
        int claims_divergence = 0;
        for (int c = 0; c < st->n_checks; c++)
            claims_divergence |= strcmp(st->checks[c].quantity, "diverged") == 0;
        if (g->st->diverged[0] && !claims_divergence) {
            fprintf(stderr, "%s:%d: step '%s' diverged (%s) but does not say so (add: diverged = 1)\n", g->lesson.path,
                    st->line, st->heading, g->st->run[0].event.message);
            false_claims++;
        }
        if (p) {
            const char *base_name = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
            char png[4200];
            size_t bl = strlen(base_name);
            snprintf(png, sizeof png, "%s/%.*s-step-%d.png", o->out_dir, (int)(bl > 3 ? bl - 3 : bl), base_name, k + 1);
            if (draw_to_png(p, g, png, err, sizeof err) != 0) {
                fprintf(stderr, "%s\n", err);
                false_claims++;
            }
        }
    }
    return false_claims;
}

/* --seeds N: every step of the lesson run from seeds 1..N in turn (each a fresh session),
 * and each claim reported with the seeds on which it is false. Returns the false claims. */
static int check_seeds(const Options *o, const Lesson *l, const char *file, int *claims)
{
    int n_checks = 0, bad = 0;
    for (int k = 0; k < l->n_steps; k++)
        n_checks += l->steps[k].n_checks;
    int *holds = calloc((size_t)n_checks + 1, sizeof *holds), *made = calloc((size_t)n_checks + 1, sizeof *made);
    char (*fails)[200] = calloc((size_t)n_checks + 1, sizeof *fails);
    if (!holds || !made || !fails) {
        free(holds), free(made), free(fails);
        fprintf(stderr, "%s: out of memory\n", file);
        return 1;
    }
    char err[CONFIG_ERR_LEN + 600];
    for (long seed = 1; seed <= o->seeds; seed++) {
        Config base;
        config_default(&base);
        Gui g;
        if (gui_create(&g, &base, o->memory, (TextMeasure){NULL, NULL}, err, sizeof err) != 0) {
            fprintf(stderr, "%s: %s\n", file, err);
            bad++;
            break;
        }
        g.lesson_seed = (uint64_t)seed;
        if (gui_lesson_open(&g, file, 0) != 0) {
            fprintf(stderr, "%s\n", g.lesson_error);
            gui_destroy(&g);
            bad++;
            break;
        }
        for (int k = 0, at = 0; k < g.lesson.n_steps; at += g.lesson.steps[k].n_checks, k++) {
            gui_lesson_run_step(&g, k, 0);
            if (g.lesson_error[0] || g.st->lesson_error[0]) {
                fprintf(stderr, "%s (seed %ld)\n", g.lesson_error[0] ? g.lesson_error : g.st->lesson_error, seed);
                bad++;
                break;
            }
            for (int c = 0; c < g.lesson.steps[k].n_checks; c++) {
                double v;
                int r = gui_lesson_claim(&g, k, c, &v);
                if (r < 0)
                    continue;
                made[at + c]++;
                holds[at + c] += r;
                if (!r) {
                    size_t n = strlen(fails[at + c]);
                    snprintf(fails[at + c] + n, sizeof fails[0] - n, "%s%ld (%.3g)", n ? ", " : "", seed, v);
                }
            }
        }
        gui_destroy(&g);
    }
    for (int k = 0, at = 0; k < l->n_steps; at += l->steps[k].n_checks, k++)
        for (int c = 0; c < l->steps[k].n_checks; c++) {
            const Check *ch = &l->steps[k].checks[c];
            (*claims)++;
            if (holds[at + c] == made[at + c])
                continue;
            bad++;
            char claim[160];
            fprintf(stderr, "%s:%d: claim '%s' holds on %d of %d seeds; false on seed %s\n", file, ch->line,
                    lesson_check_text(ch, claim, sizeof claim), holds[at + c], made[at + c], fails[at + c]);
        }
    free(holds), free(made), free(fails);
    return bad;
}

/* Parses a lesson and checks every step's settings; with --run also runs it. Returns the
 * problems found (0 or 1). */
static int check_lesson(const Options *o, const char *file)
{
    Lesson l;
    char err[LESSON_ERR_LEN];
    if (lesson_load(&l, file, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        lesson_free(&l);
        return 1;
    }
    Config base, cfg;
    config_default(&base);
    for (int k = 0; k < l.n_steps; k++) {
        if (lesson_config_at(&l, k, &base, &cfg, err, sizeof err) != 0) {
            fprintf(stderr, "%s\n", err);
            lesson_free(&l);
            return 1;
        }
        /* a claim about K runs needs a step that trains K */
        for (int c = 0; c < l.steps[k].n_checks; c++) {
            const Check *ch = &l.steps[k].checks[c];
            if (ch->of_runs && ch->of_runs != cfg.seeds) {
                fprintf(stderr, "%s:%d: 'in %d of %d seeds', but the step trains seeds=%d\n", file, ch->line,
                        ch->in_runs, ch->of_runs, cfg.seeds);
                lesson_free(&l);
                return 1;
            }
        }
    }
    int n_steps = l.n_steps;
    if (!o->run_checks) {
        lesson_free(&l);
        printf("%s: %d steps, parsed\n", file, n_steps);
        return 0;
    }
    if (o->seeds) {
        int claims = 0, bad = check_seeds(o, &l, file, &claims);
        lesson_free(&l);
        printf("%s: %d steps, %d claims checked on seeds 1..%ld, %d false on some seed\n", file, n_steps, claims,
               o->seeds, bad);
        fflush(stdout); /* before the next file's problems, which go to stderr */
        return bad > 0;
    }
    lesson_free(&l);
    int claims = 0, false_claims = 0;
    Platform *p = NULL;
    TextMeasure none = {NULL, NULL};
    if (o->out_dir) {
        p = open_platform(1280, 800, 1, NULL, 1, err, sizeof err);
        if (!p) {
            fprintf(stderr, "rnnlab lesson-check: %s\n", err);
            return 1;
        }
        none = platform_measure(p);
    }
    Gui g;
    if (gui_create(&g, &base, o->memory, none, err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", file, err);
        false_claims++;
    } else {
        if (gui_lesson_open(&g, file, 0) != 0) {
            fprintf(stderr, "%s\n", g.lesson_error);
            false_claims++;
        } else {
            false_claims += check_steps(&g, p, o, file, &claims);
        }
        gui_destroy(&g);
    }
    if (p)
        platform_close(p);
    printf("%s: %d steps, %d claims checked, %d false\n", file, n_steps, claims, false_claims);
    return false_claims > 0;
}

int cli_lesson_check(int argc, char **argv)
{
    Options o = {0};
    int r = cli_parse_options(&o, argc, argv, OPT_RUN | OPT_OUT | OPT_SEEDS | OPT_MEMORY,
                              "FILE... [--run [--out DIR] [--seeds N]] [--memory SIZE]",
                              "Parses each lesson and checks every step's settings; with --run, also runs\n"
                              "every step headless, as the window would, and checks its claims (a step\n"
                              "that diverges must claim diverged = 1). With --out DIR, also draws the\n"
                              "window at every step after its run (lesson panel included) as\n"
                              "DIR/NAME-step-K.png. Prints file:line: message for each problem; exit\n"
                              "status 1 if there was any.");
    if (r)
        return r > 0 ? EXIT_OK : EXIT_USAGE;
    if (o.first_file <= 0)
        return cli_fail(o.verb, "name at least one lesson file (for example lessons/*.md)");
    int problems = 0;
    for (int fi = 0; fi < o.n_files; fi++)
        problems += check_lesson(&o, argv[o.files[fi]]);
    return problems ? 1 : EXIT_OK;
}
