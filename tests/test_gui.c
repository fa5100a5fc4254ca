/* test_gui.c: the window's logic driven by synthetic input (clicks, drags, keys), and its
 * pictures rendered offscreen: pixels checked where a plot or heatmap must be, never text. */
#include "check.h"

#include "../src/app/gui.h"
#include "cells/cells.h"
#include "../src/platform/window.h"
#include "../src/ui/theme.h"
#include "../src/ui/ui.h"
#include "../src/views/views.h"

#include <SDL.h>
#include <SDL_image.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A fixed-width measure, so widget geometry does not depend on a font. */
static int fake_width(void *ctx, const char *text, int size)
{
    (void)ctx;
    return (int)strlen(text) * size / 2;
}
static const TextMeasure FAKE = {NULL, fake_width};

/* ---- widgets ---- */

typedef struct {
    DrawList dl;
    Ui ui;
} Bench;

static void frame(Bench *b, UiInput in)
{
    draw_clear(&b->dl, 800, 600);
    ui_begin(&b->ui, &in, theme_get(THEME_NORMAL), 1);
}

static void test_button_clicks_on_release_inside_only(void **s)
{
    (void)s;
    Bench b;
    draw_init(&b.dl);
    ui_init(&b.ui, &b.dl, FAKE);
    Rect r = {10, 10, 100, 30};
    UiInput in = {.mouse_x = 50, .mouse_y = 20, .mouse_down = 1, .mouse_pressed = 1};
    frame(&b, in);
    assert_false(ui_button_ex(&b.ui, ui_id(&b.ui, "Go"), r, "Go", NULL, 0) & UI_CLICKED);
    ui_end(&b.ui);
    in = (UiInput){.mouse_x = 52, .mouse_y = 22, .mouse_released = 1};
    frame(&b, in);
    assert_true(ui_button_ex(&b.ui, ui_id(&b.ui, "Go"), r, "Go", NULL, 0) & UI_CLICKED);
    ui_end(&b.ui);
    /* pressed inside, released outside: no click */
    in = (UiInput){.mouse_x = 50, .mouse_y = 20, .mouse_down = 1, .mouse_pressed = 1};
    frame(&b, in);
    ui_button_ex(&b.ui, ui_id(&b.ui, "Go"), r, "Go", NULL, 0);
    ui_end(&b.ui);
    in = (UiInput){.mouse_x = 300, .mouse_y = 300, .mouse_released = 1};
    frame(&b, in);
    assert_false(ui_button_ex(&b.ui, ui_id(&b.ui, "Go"), r, "Go", NULL, 0) & UI_CLICKED);
    ui_end(&b.ui);
    draw_free(&b.dl);
}

static void test_sliders_follow_a_drag_linear_and_logarithmic(void **s)
{
    (void)s;
    Bench b;
    draw_init(&b.dl);
    ui_init(&b.ui, &b.dl, FAKE);
    Rect r = {100, 100, 201, 34};
    double lin = 0, lg = 1e-3;
    /* press on the track at a quarter, then drag to three quarters */
    UiInput in = {.mouse_x = 150, .mouse_y = 120, .mouse_down = 1, .mouse_pressed = 1};
    frame(&b, in);
    assert_true(ui_slider_ex(&b.ui, ui_id(&b.ui, "lin"), r, "lin", &lin, 0, 8, 0, "%.2f", NULL) & UI_CHANGED);
    ui_end(&b.ui);
    assert_true(fabs(lin - 2.0) < 1e-9);
    in = (UiInput){.mouse_x = 250, .mouse_y = 160, .mouse_down = 1}; /* dragging may leave the row */
    frame(&b, in);
    ui_slider_ex(&b.ui, ui_id(&b.ui, "lin"), r, "lin", &lin, 0, 8, 0, "%.2f", NULL);
    ui_end(&b.ui);
    assert_true(fabs(lin - 6.0) < 1e-9);
    in = (UiInput){.mouse_x = 250, .mouse_y = 160, .mouse_released = 1};
    frame(&b, in);
    ui_end(&b.ui);
    /* logarithmic: the middle of 1e-4 .. 1 is 1e-2 */
    Rect r2 = {100, 200, 201, 34};
    in = (UiInput){.mouse_x = 200, .mouse_y = 220, .mouse_down = 1, .mouse_pressed = 1};
    frame(&b, in);
    ui_slider_ex(&b.ui, ui_id(&b.ui, "log"), r2, "log", &lg, 1e-4, 1, 1, "%.2g", NULL);
    ui_end(&b.ui);
    assert_true(fabs(log10(lg) + 2) < 1e-9);
    draw_free(&b.dl);
}

static void test_choice_steps_both_ways_and_wraps(void **s)
{
    (void)s;
    Bench b;
    draw_init(&b.dl);
    ui_init(&b.ui, &b.dl, FAKE);
    static const char *const w[3] = {"a", "b", "c"};
    int v = 0;
    Rect r = {0, 0, 200, 28};
    UiInput press_right = {.mouse_x = 190, .mouse_y = 10, .mouse_down = 1, .mouse_pressed = 1};
    UiInput release_right = {.mouse_x = 190, .mouse_y = 10, .mouse_released = 1};
    UiInput press_left = {.mouse_x = 10, .mouse_y = 10, .mouse_down = 1, .mouse_pressed = 1};
    UiInput release_left = {.mouse_x = 10, .mouse_y = 10, .mouse_released = 1};
    UiInput seq[4] = {press_right, release_right, press_left, release_left};
    int want[4] = {0, 1, 1, 0};
    for (int i = 0; i < 4; i++) {
        frame(&b, seq[i]);
        ui_choice_ex(&b.ui, ui_id(&b.ui, "x"), r, "x", &v, w, 3, NULL);
        ui_end(&b.ui);
        assert_int_equal(v, want[i]);
    }
    frame(&b, press_left);
    ui_choice_ex(&b.ui, ui_id(&b.ui, "x"), r, "x", &v, w, 3, NULL);
    ui_end(&b.ui);
    frame(&b, release_left);
    ui_choice_ex(&b.ui, ui_id(&b.ui, "x"), r, "x", &v, w, 3, NULL);
    ui_end(&b.ui);
    assert_int_equal(v, 2); /* wrapped from a to c */
    /* the wheel changes nothing, even over it and with the focus */
    UiInput wheel = {.mouse_x = 100, .mouse_y = 10, .wheel = 1};
    frame(&b, wheel);
    assert_false(ui_choice_ex(&b.ui, ui_id(&b.ui, "x"), r, "x", &v, w, 3, NULL) & UI_CHANGED);
    ui_end(&b.ui);
    assert_int_equal(v, 2);
    /* the arrows step it while it has the focus (the clicks gave it), and wrap */
    UiInput right = {.mouse_x = 500, .mouse_y = 500, .keys = {[UI_KEY_RIGHT] = 1}};
    frame(&b, right);
    assert_true(ui_choice_ex(&b.ui, ui_id(&b.ui, "x"), r, "x", &v, w, 3, NULL) & UI_CHANGED);
    ui_end(&b.ui);
    assert_int_equal(v, 0);
    UiInput down = {.mouse_x = 500, .mouse_y = 500, .keys = {[UI_KEY_DOWN] = 1}};
    frame(&b, down);
    ui_choice_ex(&b.ui, ui_id(&b.ui, "x"), r, "x", &v, w, 3, NULL);
    ui_end(&b.ui);
    assert_int_equal(v, 2);
    /* a press elsewhere lets go: the arrows do nothing to it, hovered or not */
    UiInput away = {.mouse_x = 500, .mouse_y = 500, .mouse_down = 1, .mouse_pressed = 1};
    frame(&b, away);
    ui_choice_ex(&b.ui, ui_id(&b.ui, "x"), r, "x", &v, w, 3, NULL);
    ui_end(&b.ui);
    UiInput hover_right = {.mouse_x = 100, .mouse_y = 10, .mouse_released = 1, .keys = {[UI_KEY_RIGHT] = 1}};
    frame(&b, hover_right);
    assert_false(ui_choice_ex(&b.ui, ui_id(&b.ui, "x"), r, "x", &v, w, 3, NULL) & UI_CHANGED);
    ui_end(&b.ui);
    assert_int_equal(v, 2);
    assert_int_equal(b.ui.focus, 0);
    draw_free(&b.dl);
}

/* ---- the window's logic ---- */

/* A bound against a hang only: no test measures speed. */
#define WAIT_S 120.0

static void make_gui(Gui *g, const char *const *settings)
{
    Config cfg;
    char err[CONFIG_ERR_LEN];
    config_default(&cfg);
    for (int i = 0; settings && settings[i]; i++)
        if (config_set(&cfg, settings[i], err, sizeof err) != 0)
            fail_msg("%s", err);
    if (gui_create(g, &cfg, budget_default(), FAKE, err, sizeof err) != 0)
        fail_msg("%s", err);
}

static GuiInput idle(int w, int h, double now)
{
    GuiInput in;
    memset(&in, 0, sizeof in);
    in.width = w, in.height = h, in.now = now;
    in.ui.mouse_x = in.ui.mouse_y = -1;
    return in;
}

/* Waits until the session has done every command and bounded run sent so far. */
static void wait_idle(Gui *g)
{
    if (gui_wait(g, WAIT_S) != 0)
        fail_msg("the session was still busy after %.0f s", WAIT_S);
}

/* One frame with this input (it sends its commands), the session carries them out, then a
 * frame without input, so the UI sees the new state (the status line, the answer). */
static void settle(Gui *g, const GuiInput *in)
{
    gui_frame(g, in);
    wait_idle(g);
    GuiInput quiet = idle(in->width, in->height, in->now);
    gui_frame(g, &quiet);
}

/* Free play never counts as idle: this stops it. */
static void pause_play(Gui *g)
{
    session_command(g->session, SESSION_PAUSE, 0);
    wait_idle(g);
}

static void nap(double seconds)
{
    struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    nanosleep(&ts, NULL);
}

/* Free play trains at its pace on the worker: frames until the run is past step `after`. */
static void frames_until_past(Gui *g, const GuiInput *in, long after)
{
    for (int i = 0; i < (int)(WAIT_S * 100) && g->st->run[0].step <= after; i++) {
        gui_frame(g, in);
        if (g->st->run[0].step <= after)
            nap(0.01);
    }
    if (g->st->run[0].step <= after)
        fail_msg("free play did not train past step %ld", after);
}

/* The session's run A as a Trainer: saved by the session (the S key's command) into dir
 * and loaded into a fresh trainer of the same configuration: parameters, moments, step
 * and data generator, bit for bit. */
static void load_session_run(Gui *g, const char *dir, Trainer *out)
{
    char err[600];
    SessionCommand c = {.kind = SESSION_SAVE};
    snprintf(c.text, sizeof c.text, "%s", dir);
    session_send(g->session, &c);
    wait_idle(g);
    assert_int_equal(trainer_create(out, &g->st->run[0].cfg, err, sizeof err), 0);
    if (trainer_load(out, dir, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(out->step, g->st->run[0].step);
}

/* The last text of g's frame that starts with prefix, or NULL. */
static const char *drawn_text_starting(const Gui *g, const char *prefix)
{
    const char *found = NULL;
    for (size_t i = 0; i < g->dl.n; i++)
        if (g->dl.cmds[i].kind == CMD_TEXT && !strncmp(g->dl.text + g->dl.cmds[i].text, prefix, strlen(prefix)))
            found = g->dl.text + g->dl.cmds[i].text;
    return found;
}

/* Free play's first picture holds for ten minutes at the window's default pace: at most
 * the 420,000 steps docs/DEFAULTS.md trained three seeds for (at 20 steps a frame, ten minutes
 * were 720,000 steps, and two of the three had stopped fading by then). */
static void test_ten_minutes_at_the_default_pace_are_the_steps_measured(void **s)
{
    (void)s;
    Gui g;
    make_gui(&g, NULL);
    long per_second = (long)gui_speed_steps(g.speed) * 60, ten_minutes = per_second * 600;
    if (ten_minutes > 420000)
        fail_msg("%ld steps a second: ten minutes are %ld steps, past the 420,000 measured", per_second, ten_minutes);
    gui_destroy(&g);
}

/* A message too long for the status line keeps its reason, cut with an ellipsis, not
 * shortened to its first phrase ("Not applied"). */
static void test_a_long_status_message_keeps_its_reason(void **s)
{
    (void)s;
    Gui g;
    make_gui(&g, NULL);
    GuiInput in = idle(1024, 768, 1);
    gui_status(&g, in.now, "Not applied: hidden must be a whole number from 1 to 256, and %s",
               "this reason goes on long past the width of the status line at the bottom of the window");
    gui_frame(&g, &in);
    const char *shown = drawn_text_starting(&g, "Not applied");
    assert_non_null(shown);
    if (strncmp(shown, "Not applied: hidden must be", 27) || !strstr(shown, "\u2026"))
        fail_msg("the status line shows \"%s\"", shown);
    gui_destroy(&g);
}

static void test_keys_play_step_and_reset(void **s)
{
    (void)s;
    const char *const settings[] = {"hidden=8", "seq_len=10", NULL};
    char dir[512], path[600];
    check_mkdtemp(dir, sizeof dir);
    Gui g;
    make_gui(&g, settings);
    GuiInput in = idle(1280, 800, 1);
    settle(&g, &in);
    assert_false(g.st->running); /* the window opens paused */
    assert_int_equal(g.st->run[0].step, 0);
    in.keys[GK_PLAY] = 1; /* play */
    settle(&g, &in);
    assert_true(g.st->running);
    in = idle(1280, 800, 2);
    frames_until_past(&g, &in, 0); /* it trains on its own */
    in.keys[GK_PLAY] = 1; /* pause */
    settle(&g, &in);
    assert_false(g.st->running);
    long at = g.st->run[0].step;
    in = idle(1280, 800, 3);
    nap(0.05); /* room for a stray step */
    settle(&g, &in);
    assert_int_equal(g.st->run[0].step, at);
    in.keys[GK_STEP] = 1;
    settle(&g, &in);
    assert_int_equal(g.st->run[0].step, at + 1);
    assert_false(g.st->running);
    /* reset: exactly the network a fresh run starts with */
    Trainer fresh, now;
    char err[CONFIG_ERR_LEN];
    assert_int_equal(trainer_create(&fresh, &g.st->run[0].cfg, err, sizeof err), 0);
    in = idle(1280, 800, 4);
    in.keys[GK_RESET] = 1;
    settle(&g, &in);
    assert_int_equal(g.st->run[0].step, 0);
    snprintf(path, sizeof path, "%s/reset", dir);
    load_session_run(&g, path, &now);
    assert_memory_equal(now.block, fresh.block, fresh.n_params * sizeof(double));
    /* and the views show that network's first batch */
    trainer_preview(&fresh);
    assert_true(g.st->run[0].obs.loss == fresh.obs.loss);
    assert_memory_equal(g.st->run[0].obs.dh_norm, fresh.obs.dh_norm, (size_t)fresh.T * sizeof(double));
    trainer_destroy(&now);
    trainer_destroy(&fresh);
    gui_destroy(&g);
    check_rmdir(dir);
}

static void test_training_settings_apply_at_once_and_architecture_reinitialises(void **s)
{
    (void)s;
    const char *const settings[] = {"hidden=8", "seq_len=10", NULL};
    Gui g;
    make_gui(&g, settings);
    GuiInput in = idle(1280, 800, 1);
    settle(&g, &in);
    gui_train(&g, 4);
    long at = g.st->run[0].step;
    assert_int_equal(at, 4);
    g.cfg.lr = 0.123;
    settle(&g, &in);
    assert_true(g.st->run[0].cfg.lr == 0.123);
    assert_int_equal(g.st->run[0].step, at); /* the same run goes on */
    gui_train(&g, 3);
    assert_int_equal(g.st->run[0].step, at + 3);
    assert_true(g.st->run[0].cfg.lr == 0.123);
    g.cfg.hidden = 12;
    settle(&g, &in);
    assert_int_equal(g.st->run[0].cfg.hidden, 12);
    assert_int_equal(g.st->run[0].step, 0);
    if (!strstr(g.status, "Re-initialised"))
        fail_msg("status: '%s'", g.status);
    /* a setting the trainer rejects is reported and the run goes on as it was */
    g.cfg.task = task_find("echo");
    g.cfg.seq_len = 5;
    settle(&g, &in); /* a new task picks its own lengths: accepted */
    assert_int_equal(g.st->run[0].cfg.task, task_find("echo"));
    /* the panel clamps what it can (lag below seq_len) */
    g.cfg.lag = 50;
    settle(&g, &in);
    assert_true(g.st->run[0].cfg.lag < g.st->run[0].cfg.seq_len);
    /* and a setting the trainer still rejects is reported; the run goes on as it was */
    gui_train(&g, 2);
    long before = g.st->run[0].step;
    g.cfg.task = task_find("charlm");
    strcpy(g.cfg.text, "/nonexistent/book.txt");
    settle(&g, &in);
    if (!strstr(g.status, "Not applied") || !strstr(g.status, "/nonexistent/book.txt"))
        fail_msg("status: '%s'", g.status);
    assert_int_equal(g.st->run[0].cfg.task, task_find("echo"));
    assert_int_equal(g.cfg.task, task_find("echo"));
    assert_int_equal(g.st->run[0].step, before);
    gui_train(&g, 1);
    assert_int_equal(g.st->run[0].step, before + 1);
    gui_destroy(&g);
}

static void test_divergence_pauses_with_a_banner_and_rewinds(void **s)
{
    (void)s;
    const char *const settings[] = {"rho=4", "lr=1000", "optimizer=sgd", "seq_len=100", NULL};
    char dir[512];
    check_mkdtemp(dir, sizeof dir);
    Gui g;
    make_gui(&g, settings);
    gui_train(&g, 500);
    assert_true(g.st->diverged[0]);
    assert_false(g.st->running);
    assert_int_equal(g.st->run[0].event.kind, EVENT_NONFINITE);
    long failed = g.st->run[0].event.step;
    /* the views keep the last finite state */
    for (int t = 0; t < g.st->run[0].T; t++)
        assert_true(isfinite(g.st->run[0].obs.dh_norm[t]));
    /* frames go on without training and without crashing */
    GuiInput in = idle(1280, 800, 1);
    settle(&g, &in);
    settle(&g, &in);
    assert_int_equal(g.st->run[0].step, failed - 1);
    double loss_before = g.st->run[0].obs.loss;
    in.keys[GK_REWIND] = 1;
    settle(&g, &in);
    assert_false(g.st->diverged[0]);
    assert_non_null(strstr(g.status, "Rewound"));
    long step = g.st->run[0].step;
    assert_true(step < failed && step % SESSION_SNAPSHOT_EVERY == 0);
    /* every view shows the restored step: its history ends there, with finite numbers, and
     * its pass is the restored weights' (not the last finite step before the divergence) */
    const RunView *rv = &g.st->run[0];
    const History *h = &rv->hist;
    assert_true(h->count > 0);
    assert_true(h->step[history_index(h, h->count - 1)] <= step);
    for (int i = 0; i < h->count; i++)
        assert_true(isfinite(h->loss[history_index(h, i)]));
    assert_true(isfinite(rv->obs.loss));
    assert_true(rv->obs.loss != loss_before);
    Trainer back;
    load_session_run(&g, dir, &back);
    for (size_t i = 0; i < back.n_params; i++)
        assert_true(isfinite(back.block[i]));
    trainer_destroy(&back);
    gui_destroy(&g);
    check_rmdir(dir);
}

/* ---- pictures ---- */

typedef struct {
    Platform *p;
    Gui g;
} Shot;

static SDL_Surface *surface_of(const char *path)
{
    SDL_Surface *s = IMG_Load(path);
    assert_non_null(s);
    SDL_Surface *c = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0);
    SDL_FreeSurface(s);
    return c;
}

static Uint32 pixel(SDL_Surface *s, int x, int y)
{
    return ((Uint32 *)s->pixels)[y * (s->pitch / 4) + x] & 0xffffff;
}

static int same_rgb(Uint32 p, Color c, int tol)
{
    int r = (p >> 16) & 255, g = (p >> 8) & 255, b = p & 255;
    return abs(r - c.r) <= tol && abs(g - c.g) <= tol && abs(b - c.b) <= tol;
}

/* Renders the window offscreen at w x h after `steps` steps and returns the picture. */
static SDL_Surface *render_window(const char *const *settings, int w, int h, long steps, Gui *keep, char *dir)
{
    char err[512], path[600];
    Platform *p = platform_open("test", w, h, 1, NULL, NULL, err, sizeof err);
    if (!p)
        fail_msg("%s", err);
    Config cfg;
    config_default(&cfg);
    for (int i = 0; settings && settings[i]; i++)
        assert_int_equal(config_set(&cfg, settings[i], err, sizeof err), 0);
    assert_int_equal(gui_create(keep, &cfg, budget_default(), platform_measure(p), err, sizeof err), 0);
    gui_train(keep, steps); /* the window opens paused: only these steps */
    GuiInput in;
    platform_poll(p, &in);
    gui_frame(keep, &in);
    platform_present(p, &keep->dl);
    snprintf(path, sizeof path, "%s/w.png", dir);
    assert_int_equal(platform_save_png(p, path, err, sizeof err), 0);
    platform_close(p);
    SDL_Surface *s = surface_of(path);
    assert_int_equal(s->w, w);
    assert_int_equal(s->h, h);
    return s;
}

/* Counts pixels in r whose colour is `c` (within tol). */
static int count_colour(SDL_Surface *s, Rect r, Color c, int tol)
{
    int n = 0;
    for (int y = r.y; y < r.y + r.h && y < s->h; y++)
        for (int x = r.x; x < r.x + r.w && x < s->w; x++)
            n += same_rgb(pixel(s, x, y), c, tol);
    return n;
}

/* Counts pixels in r that lie on the viridis map (any of 64 samples, within tol). */
static int count_viridis(SDL_Surface *s, Rect r)
{
    int n = 0;
    for (int y = r.y; y < r.y + r.h; y += 2)
        for (int x = r.x; x < r.x + r.w; x += 2) {
            Uint32 p = pixel(s, x, y);
            for (int k = 0; k < 64; k++)
                if (same_rgb(p, colormap_magnitude(k / 63.0), 6)) {
                    n++;
                    break;
                }
        }
    return n;
}

static void check_layout(const Gui *g, int w, int h)
{
    int panel_w = (int)lroundf(290 * g->presenter);
    panel_w = panel_w > w / 3 ? w / 3 : panel_w;
    for (int a = 0; a < VIEW_COUNT; a++) {
        Rect A = g->view_rects[a];
        if (!A.w)
            continue;
        assert_true(A.x >= panel_w && A.x + A.w <= w && A.y >= 0 && A.y + A.h <= h);
        for (int b = a + 1; b < VIEW_COUNT; b++) {
            Rect B = g->view_rects[b];
            if (!B.w)
                continue;
            int apart = A.x + A.w <= B.x || B.x + B.w <= A.x || A.y + A.h <= B.y || B.y + B.h <= A.y;
            if (!apart)
                fail_msg("views %d and %d overlap at %dx%d", a, b, w, h);
        }
    }
}

static void test_window_pictures_have_their_plots_where_they_belong(void **s)
{
    (void)s;
    char dir[512];
    check_mkdtemp(dir, sizeof dir);
    const char *const lstm[] = {"model=lstm", "task=echo", NULL};
    const int sizes[2][2] = {{1280, 800}, {1024, 640}};
    for (int k = 0; k < 2; k++) {
        Gui g;
        SDL_Surface *pic = render_window(lstm, sizes[k][0], sizes[k][1], 150, &g, dir);
        check_layout(&g, sizes[k][0], sizes[k][1]);
        const Theme *t = theme_get(THEME_NORMAL);
        /* the gradient curve in the gradient view, in its colour */
        assert_true(count_colour(pic, g.view_rects[VIEW_GRADIENT], t->grad, 10) > 30);
        /* the waterfall and the gates: heatmaps on the viridis map */
        assert_true(count_viridis(pic, g.view_rects[VIEW_GRADIENT]) > 200);
        assert_true(count_viridis(pic, g.view_rects[VIEW_GATES]) > 300);
        /* the unfolded network: hidden cells on the diverging map (its blue end) */
        Rect u = g.view_rects[VIEW_UNFOLDED];
        int coloured = 0;
        for (int y = u.y; y < u.y + u.h; y += 2)
            for (int x = u.x; x < u.x + u.w; x += 2) {
                Uint32 p = pixel(pic, x, y);
                int r = (p >> 16) & 255, b = p & 255;
                coloured += b > r + 40 || r > b + 40;
            }
        assert_true(coloured > 300);
        /* the loss curve */
        assert_true(count_colour(pic, g.view_rects[VIEW_LOSS], t->loss, 12) > 30);
        /* the panel is the panel's colour at its right edge, not covered by a view */
        int pw = g.view_rects[VIEW_UNFOLDED].x - 10;
        assert_true(same_rgb(pixel(pic, pw, sizes[k][1] - 5), t->panel, 2));
        SDL_FreeSurface(pic);
        gui_destroy(&g);
    }
    check_rmdir(dir);
}

static void test_every_view_alone_fills_its_area(void **s)
{
    (void)s;
    char dir[512], err[512], path[600];
    check_mkdtemp(dir, sizeof dir);
    Platform *p = platform_open("test", 900, 600, 1, NULL, NULL, err, sizeof err);
    assert_non_null(p);
    Config cfg;
    config_default(&cfg);
    assert_int_equal(config_set(&cfg, "model=gru", err, sizeof err), 0);
    Gui g;
    assert_int_equal(gui_create(&g, &cfg, budget_default(), platform_measure(p), err, sizeof err), 0);
    gui_train(&g, 50);
    const Theme *t = theme_get(THEME_NORMAL);
    for (int v = 0; v < VIEW_COUNT; v++) {
        g.enlarged = v;
        GuiInput in;
        platform_poll(p, &in);
        gui_frame(&g, &in);
        platform_present(p, &g.dl);
        snprintf(path, sizeof path, "%s/v%d.png", dir, v);
        assert_int_equal(platform_save_png(p, path, err, sizeof err), 0);
        SDL_Surface *pic = surface_of(path);
        Rect r = g.view_rects[v];
        assert_true(r.w > 500 && r.h > 400);
        /* not blank: many pixels differ from the plot background */
        int other = 0;
        for (int y = r.y + r.h / 8; y < r.y + r.h; y += 3)
            for (int x = r.x + r.w / 8; x < r.x + r.w; x += 3)
                other += !same_rgb(pixel(pic, x, y), t->plot_bg, 4) && !same_rgb(pixel(pic, x, y), t->grid, 4);
        if (other < 150)
            fail_msg("view %s looks empty (%d pixels drawn)", VIEWS[v].name, other);
        SDL_FreeSurface(pic);
    }
    gui_destroy(&g);
    platform_close(p);
    check_rmdir(dir);
}

static void test_minimum_size_and_presenter_scale_keep_panels_apart(void **s)
{
    (void)s;
    Gui g;
    make_gui(&g, NULL);
    g.presenter = 2;
    GuiInput in = idle(1024, 640, 1);
    settle(&g, &in);
    check_layout(&g, 1024, 640);
    /* with the banner too: a run that diverges */
    assert_int_equal(gui_apply_line(&g, "rho=4; lr=1000; optimizer=sgd; seq_len=100", 2), 0);
    gui_train(&g, 500);
    assert_true(g.st->diverged[0]);
    settle(&g, &in);
    check_layout(&g, 1024, 640);
    gui_destroy(&g);
}

static void test_render_command_writes_a_png_of_the_requested_size(void **s)
{
    (void)s;
    char dir[512], cmd[1200], path[600];
    check_mkdtemp(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/out.png", dir);
    snprintf(cmd, sizeof cmd, "'%s' render --train-steps 20 --size 900x560 --set hidden=8 --out '%s' 2>/dev/null",
             RNNLAB_BIN, path);
    assert_int_equal(system(cmd), 0);
    SDL_Surface *pic = surface_of(path);
    assert_int_equal(pic->w, 900);
    assert_int_equal(pic->h, 560);
    SDL_FreeSurface(pic);
    snprintf(cmd, sizeof cmd, "'%s' render --size 9x9 --out '%s' 2>/dev/null", RNNLAB_BIN, path);
    assert_int_equal(WEXITSTATUS(system(cmd)), 2);
    /* compare mode, drawn headless */
    snprintf(cmd, sizeof cmd, "'%s' render --compare model=rnn,gru --train-steps 10 --size 1024x640 --set hidden=6 --out '%s' 2>/dev/null",
             RNNLAB_BIN, path);
    assert_int_equal(system(cmd), 0);
    pic = surface_of(path);
    assert_int_equal(pic->w, 1024);
    /* both loss curves: the run's colour in the left and in the right half */
    assert_true(count_colour(pic, (Rect){300, 400, 350, 240}, theme_get(THEME_NORMAL)->loss, 12) > 20);
    assert_true(count_colour(pic, (Rect){670, 400, 350, 240}, theme_get(THEME_NORMAL)->loss, 12) > 20);
    SDL_FreeSurface(pic);
    check_rmdir(dir);
}

/* ---- lessons in the window ---- */

static const char LESSON[] =
    "# Two steps\n\nA short lesson.\n\n"
    "## One\n\nText.\n\n```rnnlab\ntask=echo\nlag=2\nhidden=8\nlr=0.02\nrun=30\nfocus=loss\n```\n\n"
    "```question\nWill it learn?\n---\nYes.\n```\n\n"
    "## Two\n\n```rnnlab\nmodel=lstm\nhide=spectrum\nrun=10\n```\n";

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_a_lesson_drives_the_window_step_by_step(void **s)
{
    (void)s;
    char dir[512], path[600];
    check_mkdtemp(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/01-two.md", dir);
    write_file(path, LESSON);
    Gui g;
    make_gui(&g, NULL);
    assert_int_equal(gui_lesson_open(&g, path, 1), 0);
    assert_int_equal(g.lesson_at, 0); /* the text moves at once */
    wait_idle(&g);
    assert_int_equal(g.st->lesson_step, 0); /* and the session has set the step up */
    assert_int_equal(g.st->run[0].cfg.task, task_find("echo"));
    assert_int_equal(g.focus, VIEW_LOSS);
    /* the question holds the run until the learner starts it */
    assert_true(g.st->waiting);
    assert_false(g.st->running);
    GuiInput in = idle(1280, 800, 2);
    settle(&g, &in);
    assert_int_equal(g.st->run[0].step, 0);
    assert_true(g.st->waiting);
    in.keys[GK_PLAY] = 1;
    settle(&g, &in); /* waits for the step's run */
    assert_int_equal(g.st->run_left, 0);
    assert_int_equal(g.st->run[0].step, 30); /* exactly the run, then a pause */
    assert_false(g.st->running);
    assert_true(g.answer_shown);
    /* the learner changes a setting; Restore step puts the lesson's back */
    in = idle(1280, 800, 3);
    g.cfg.lr = 0.5;
    settle(&g, &in);
    assert_true(g.st->run[0].cfg.lr == 0.5);
    gui_lesson_jump(&g, g.lesson_at, 4);
    wait_idle(&g);
    assert_int_equal(g.lesson_at, 0);
    assert_true(g.st->run[0].cfg.lr == 0.02);
    /* Page Down: the next step, a new network (the model changed), the view hidden */
    in.keys[GK_NEXT] = 1;
    settle(&g, &in);
    assert_int_equal(g.lesson_at, 1);
    assert_int_equal(g.st->lesson_step, 1);
    assert_int_equal(g.st->run[0].cfg.model, cell_find("lstm"));
    assert_int_equal(g.st->run[0].cfg.lag, 2); /* settings accumulate */
    assert_false(g.visible[VIEW_SPECTRUM]);
    in = idle(1280, 800, 5);
    in.keys[GK_PREV] = 1;
    settle(&g, &in);
    assert_int_equal(g.lesson_at, 0);
    assert_int_equal(g.st->lesson_step, 0);
    assert_true(g.visible[VIEW_SPECTRUM]);
    /* going back replays the lesson: step 1 opens on a fresh network of its settings and
     * runs exactly its 30 steps ... */
    Trainer expect;
    char err[CONFIG_ERR_LEN];
    gui_lesson_run_step(&g, 0, 6);
    assert_int_equal(trainer_create(&expect, &g.st->run[0].cfg, err, sizeof err), 0);
    for (int i = 0; i < 30; i++)
        trainer_step(&expect);
    assert_int_equal(g.st->run[0].step, 30);
    assert_true(g.st->run[0].obs.loss == expect.obs.loss);
    assert_memory_equal(g.st->run[0].obs.dh_norm, expect.obs.dh_norm, (size_t)expect.T * sizeof(double));
    /* ... and step 2 again opens on the network step 1 trained */
    gui_lesson_jump(&g, 1, 6);
    gui_lesson_run_step(&g, 1, 6);
    long steps_two = g.st->run[0].step;
    double loss_two = g.st->run[0].obs.loss;
    gui_lesson_jump(&g, 0, 7); /* Back */
    /* Back is set up before Next is sent. KNOWN BUG (src/app/gui_lesson.c, gui_lesson_jump):
     * a Next sent while Back's replay still runs cancels the replay, and the session then
     * opens step 2 on the half-replayed run without step 1's run, silently. Not what this
     * test checks; the wait keeps it out. */
    wait_idle(&g);
    gui_lesson_jump(&g, 1, 8); /* Next: step 1's run is finished first */
    gui_lesson_run_step(&g, 1, 8);
    assert_int_equal(g.st->lesson_step, 1);
    assert_int_equal(g.st->run[0].step, steps_two);
    assert_true(g.st->run[0].obs.loss == loss_two);
    trainer_destroy(&expect);
    gui_destroy(&g);
    check_rmdir(dir);
}

/* Where the text `label` was drawn in g's last frame (its centre), or fails. */
static void find_text(const Gui *g, const char *label, int *x, int *y)
{
    for (size_t i = 0; i < g->dl.n; i++)
        if (g->dl.cmds[i].kind == CMD_TEXT && !strcmp(g->dl.text + g->dl.cmds[i].text, label)) {
            *x = (int)g->dl.cmds[i].x0 + fake_width(NULL, label, g->dl.cmds[i].size) / 2;
            *y = (int)g->dl.cmds[i].y0 + g->dl.cmds[i].size / 2;
            return;
        }
    for (size_t i = 0; i < g->dl.n; i++)
        if (g->dl.cmds[i].kind == CMD_TEXT && strstr(g->dl.text + g->dl.cmds[i].text, label) == NULL &&
            strstr(g->dl.text + g->dl.cmds[i].text, "Next"))
            print_message("(drawn: \"%s\")\n", g->dl.text + g->dl.cmds[i].text);
    fail_msg("\"%s\" is not drawn", label);
}

static void click_at(Gui *g, int x, int y)
{
    GuiInput in = idle(1280, 800, 1);
    in.ui.mouse_x = x, in.ui.mouse_y = y, in.ui.mouse_down = in.ui.mouse_pressed = 1;
    gui_frame(g, &in);
    in.ui.mouse_down = in.ui.mouse_pressed = 0, in.ui.mouse_released = 1;
    settle(g, &in);
}

/* After a lesson's last step Next opens the next lesson; the Lessons button the list. */
static void test_after_the_last_step_next_opens_the_next_lesson(void **s)
{
    (void)s;
    Gui g;
    make_gui(&g, NULL);
    gui_lessons_scan(&g, g.lesson_dir);
    assert_true(g.n_entries >= 2);
    assert_int_equal(gui_lesson_open(&g, g.entries[0].path, 0), 0);
    wait_idle(&g);
    int last = g.lesson.n_steps - 1, x, y;
    gui_lesson_run_step(&g, last, 0);
    GuiInput in = idle(1280, 800, 1);
    settle(&g, &in);
    find_text(&g, "Next lesson \u25b8", &x, &y);
    click_at(&g, x, y);
    assert_string_equal(g.lesson.path, g.entries[1].path);
    assert_int_equal(g.lesson_at, 0);
    assert_true(g.panel_hidden); /* a lesson opens with the settings collapsed */
    find_text(&g, "\u2630 Lessons", &x, &y);
    click_at(&g, x, y);
    assert_true(g.start_screen);
    gui_destroy(&g);
}

static void test_start_screen_lists_lessons_and_a_broken_one_shows_its_error(void **s)
{
    (void)s;
    char dir[512], path[600], bad[600];
    check_mkdtemp(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/01-two.md", dir);
    write_file(path, LESSON);
    snprintf(bad, sizeof bad, "%s/02-bad.md", dir);
    write_file(bad, "# Broken\n\nSummary.\n\n## Step\n\n```rnnlab\nhidden=lots\n```\n");
    Gui g;
    make_gui(&g, NULL);
    gui_lessons_scan(&g, dir);
    assert_int_equal(g.n_entries, 2);
    assert_string_equal(g.entries[0].title, "Two steps");
    assert_string_equal(g.entries[0].summary, "A short lesson.");
    assert_non_null(strstr(g.entries[1].summary, "02-bad.md:8:"));
    /* click the first entry on the start screen */
    g.start_screen = 1;
    GuiInput in = idle(1280, 800, 1);
    gui_frame(&g, &in); /* lays the entries out */
    int panel_w = 290, pad = 18;
    int x = panel_w + pad + 40, y = 0;
    for (int yy = 100; yy < 300 && !y; yy += 4) { /* find the first entry by probing */
        in = idle(1280, 800, 2);
        in.ui.mouse_x = x, in.ui.mouse_y = yy;
        gui_frame(&g, &in);
        if (g.ui.hot)
            y = yy;
    }
    assert_true(y > 0);
    in = idle(1280, 800, 3);
    in.ui.mouse_x = x, in.ui.mouse_y = y, in.ui.mouse_pressed = 1, in.ui.mouse_down = 1;
    gui_frame(&g, &in);
    in = idle(1280, 800, 4);
    in.ui.mouse_x = x, in.ui.mouse_y = y, in.ui.mouse_released = 1;
    gui_frame(&g, &in);
    assert_true(g.have_lesson);
    assert_false(g.start_screen);
    assert_string_equal(g.lesson.title, "Two steps");
    /* a broken lesson: the panel shows file:line: message, and the window goes on */
    assert_int_equal(gui_lesson_open(&g, bad, 5), -1);
    assert_non_null(strstr(g.lesson_error, "02-bad.md:8:"));
    assert_non_null(strstr(g.lesson_error, "hidden=lots"));
    in = idle(1280, 800, 6);
    gui_frame(&g, &in);
    gui_destroy(&g);
    check_rmdir(dir);
}

/* ---- experiments as text ---- */

/* Two trainers hold the same run: parameters, both moments, step and data generator. */
static void assert_same_run(const Trainer *a, const Trainer *b)
{
    assert_int_equal(a->n_params, b->n_params);
    assert_int_equal(a->step, b->step);
    assert_memory_equal(a->block, b->block, a->n_params * sizeof(double));
    assert_memory_equal(a->block + 2 * a->n_params, b->block + 2 * b->n_params, 2 * a->n_params * sizeof(double));
    assert_memory_equal(&a->rng_data, &b->rng_data, sizeof a->rng_data);
}

static void test_the_configuration_line_round_trips_to_the_same_bits(void **s)
{
    (void)s;
    const char *const settings[] = {"model=gru", "task=echo", "lag=4", "hidden=9", "seed=77", "lr=0.0123456789",
                                    "clip=0.5", "clip_mode=value", "init=orthogonal", "rho=0.95", NULL};
    char dir[512], path[600];
    check_mkdtemp(dir, sizeof dir);
    Gui a, b;
    make_gui(&a, settings);
    make_gui(&b, NULL);
    GuiInput in = idle(1280, 800, 1);
    in.keys[GK_COPY] = 1;
    GuiActions act = gui_frame(&a, &in);
    assert_non_null(act.copy);
    char line[8192];
    snprintf(line, sizeof line, "%s", act.copy);
    assert_non_null(strstr(line, "model=gru; "));
    in = idle(1280, 800, 2);
    in.keys[GK_PASTE] = 1;
    in.paste = line;
    settle(&b, &in);
    wait_idle(&a);
    assert_memory_equal(&a.st->run[0].cfg, &b.st->run[0].cfg, sizeof(Config));
    /* the same run, bit for bit; a pasted line starts playing, so b is paused wherever its
     * free play got to and a trains to the same step */
    gui_destroy(&a);
    make_gui(&a, settings);
    assert_int_equal(gui_apply_line(&b, line, 3), 0);
    pause_play(&b);
    long played = b.st->run[0].step;
    gui_train(&b, 25);
    gui_train(&a, played + 25);
    assert_int_equal(a.st->run[0].step, played + 25);
    assert_int_equal(b.st->run[0].step, played + 25);
    Trainer ta, tb;
    snprintf(path, sizeof path, "%s/a", dir);
    load_session_run(&a, path, &ta);
    snprintf(path, sizeof path, "%s/b", dir);
    load_session_run(&b, path, &tb);
    assert_same_run(&ta, &tb);
    /* the gradients too, as the views see them */
    const Observables *oa = &a.st->run[0].obs, *ob = &b.st->run[0].obs;
    assert_true(oa->loss == ob->loss && oa->grad_norm == ob->grad_norm);
    assert_memory_equal(oa->param_grad_norm, ob->param_grad_norm, sizeof oa->param_grad_norm);
    assert_memory_equal(oa->dh_norm, ob->dh_norm, (size_t)ta.T * sizeof(double));
    trainer_destroy(&tb);
    trainer_destroy(&ta);
    /* a bad paste changes nothing and says why */
    long at = b.st->run[0].step;
    assert_int_equal(gui_apply_line(&b, "model=transformer; hidden=4", 4), -1);
    assert_non_null(strstr(b.status, "model=transformer"));
    wait_idle(&b);
    assert_int_equal(b.st->run[0].step, at);
    assert_int_equal(b.st->run[0].cfg.model, cell_find("gru"));
    gui_destroy(&b);
    gui_destroy(&a);
    check_rmdir(dir);
}

static void test_an_experiment_file_dropped_on_the_window_opens(void **s)
{
    (void)s;
    char dir[512], path[600];
    check_mkdtemp(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/exp.cfg", dir);
    write_file(path, "# saved\nmodel=lstm\nhidden=7\nseed=5\n");
    Gui g;
    make_gui(&g, NULL);
    GuiInput in = idle(1280, 800, 1);
    in.dropped = path;
    settle(&g, &in);
    assert_int_equal(g.st->run[0].cfg.model, cell_find("lstm"));
    assert_int_equal(g.st->run[0].cfg.hidden, 7);
    assert_int_equal(g.st->run[0].cfg.seed, 5);
    snprintf(path, sizeof path, "%s/nope.cfg", dir);
    in.dropped = path;
    settle(&g, &in);
    assert_non_null(strstr(g.status, "nope.cfg"));
    assert_int_equal(g.st->run[0].cfg.hidden, 7);
    gui_destroy(&g);
    check_rmdir(dir);
}

/* ---- compare mode ---- */

static void test_compare_runs_see_the_same_data_and_differ_where_set(void **s)
{
    (void)s;
    const char *const settings[] = {"task=echo", "lag=3", "hidden=8", NULL};
    char err[CONFIG_ERR_LEN];
    Gui g;
    make_gui(&g, settings);
    assert_int_equal(gui_compare(&g, "model=rnn,lstm", 1), 0);
    wait_idle(&g);
    assert_true(g.st->compare);
    assert_int_equal(g.st->run[0].cfg.model, cell_find("rnn"));
    assert_int_equal(g.st->run[1].cfg.model, cell_find("lstm"));
    assert_int_equal(g.st->run[1].cfg.lag, 3); /* everything else shared */
    /* The published copies hold only the first sample, so the whole batches are checked on
     * two runs made alongside from the same configurations: they draw the same batches, and
     * the session's runs are exactly those runs. */
    Trainer ra, rb;
    assert_int_equal(trainer_create(&ra, &g.st->run[0].cfg, err, sizeof err), 0);
    assert_int_equal(trainer_create(&rb, &g.st->run[1].cfg, err, sizeof err), 0);
    for (int i = 0; i < 5; i++) {
        gui_train(&g, 7);
        for (int k = 0; k < 7; k++) {
            trainer_step(&ra);
            trainer_step(&rb);
            const Batch *a = &ra.batch, *b = &rb.batch;
            assert_memory_equal(a->x, b->x, (size_t)a->T * a->B * a->I * sizeof(double));
            assert_memory_equal(a->label, b->label, (size_t)a->T * a->B * sizeof(int64_t));
        }
        const RunView *A = &g.st->run[0], *B = &g.st->run[1];
        size_t nx = (size_t)ra.batch.T * ra.batch.I;
        assert_memory_equal(A->obs.x, B->obs.x, nx * sizeof(double));
        assert_memory_equal(A->obs.x, ra.obs.x, nx * sizeof(double));
        assert_memory_equal(B->obs.x, rb.obs.x, nx * sizeof(double));
        assert_true(A->obs.loss == ra.obs.loss);
        assert_true(B->obs.loss == rb.obs.loss);
    }
    trainer_destroy(&rb);
    trainer_destroy(&ra);
    assert_int_equal(g.st->run[0].step, 35);
    assert_int_equal(g.st->run[1].step, 35);
    assert_true(g.st->run[0].obs.loss != g.st->run[1].obs.loss);
    /* the verdict under the views says what it measures once, then each run by its setting */
    GuiInput first = idle(1280, 800, 2);
    settle(&g, &first);
    const char *verdict = drawn_text_starting(&g, "Loss below baseline/10: ");
    assert_non_null(verdict);
    assert_non_null(strstr(verdict, "model=rnn not yet (step 35)"));
    assert_non_null(strstr(verdict, " \u00b7 model=lstm "));
    /* a training key compared: each run keeps its own value through panel changes */
    assert_int_equal(gui_compare(&g, "lr=0.001,0.1", 2), 0);
    wait_idle(&g);
    GuiInput in = idle(1280, 800, 3);
    g.cfg.momentum = 0.5;
    settle(&g, &in);
    assert_true(g.st->run[0].cfg.lr == 0.001 && g.st->run[1].cfg.lr == 0.1);
    assert_true(g.st->run[0].cfg.momentum == 0.5);
    assert_true(g.st->run[1].cfg.momentum == 0.5);
    /* a malformed specification is refused at once */
    assert_int_equal(gui_compare(&g, "hidden=4", 4), -1);
    assert_non_null(strstr(g.status, "KEY=A,B"));
    wait_idle(&g);
    assert_true(g.st->compare); /* and the mode left as it was */
    assert_string_equal(g.st->compare_spec, "lr=0.001,0.1");
    /* a value no run accepts: the session refuses it, says which, and compares nothing */
    gui_compare(&g, "hidden=4,999", 5);
    settle(&g, &in);
    if (!strstr(g.status, "hidden=999"))
        fail_msg("status: '%s'", g.status);
    assert_false(g.st->compare);
    /* drawn in two columns without crashing */
    assert_int_equal(gui_compare(&g, "model=rnn,gru", 6), 0);
    settle(&g, &in);
    assert_true(g.st->compare);
    assert_int_equal(g.st->run[1].cfg.model, cell_find("gru"));
    gui_destroy(&g);
}

static void test_headless_compare_writes_both_histories(void **s)
{
    (void)s;
    char dir[512], cmd[1400], path[600];
    check_mkdtemp(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/both.csv", dir);
    snprintf(cmd, sizeof cmd, "'%s' train --compare seq_len=6,9 --set hidden=4 --steps 5 --quiet --csv '%s'", RNNLAB_BIN, path);
    assert_int_equal(system(cmd), 0);
    size_t len;
    char *text = check_read_file(path, &len);
    assert_non_null(text);
    assert_true(strncmp(text, "run,step,loss,metric,grad_norm,clipped,g_0,", 43) == 0);
    int a = 0, b = 0, lines = 0;
    for (char *line = strchr(text, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
        a += strncmp(line, "seq_len=6,", 10) == 0;
        b += strncmp(line, "seq_len=9,", 10) == 0;
        int commas = 0;
        for (char *c = line; *c && *c != '\n'; c++)
            commas += *c == ',';
        assert_int_equal(commas, 6 + 9 - 1); /* run + 5 fields + g_0..g_8 */
        lines++;
    }
    assert_int_equal(a, 5);
    assert_int_equal(b, 5);
    free(text);
    snprintf(cmd, sizeof cmd, "'%s' train --compare seq_len=6 --steps 5 --quiet 2>/dev/null", RNNLAB_BIN);
    assert_int_equal(WEXITSTATUS(system(cmd)), 2);
    check_rmdir(dir);
}

static void test_a_lesson_step_can_start_a_race(void **s)
{
    (void)s;
    char dir[512], path[600];
    check_mkdtemp(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/race.md", dir);
    write_file(path, "# Race\n\nS.\n\n## Go\n\n```rnnlab\nhidden=6\ncompare=model=rnn,lstm\nrun=12\n```\n\n"
                     "## Stop\n\n```rnnlab\ncompare=off\n```\n");
    Gui g;
    make_gui(&g, NULL);
    assert_int_equal(gui_lesson_open(&g, path, 1), 0);
    wait_idle(&g);
    assert_true(g.st->compare);
    gui_lesson_run_step(&g, 0, 2);
    assert_int_equal(g.st->run[0].step, 12);
    assert_int_equal(g.st->run[1].step, 12);
    assert_int_equal(g.st->run[1].cfg.model, cell_find("lstm"));
    gui_lesson_jump(&g, 1, 3);
    wait_idle(&g);
    assert_int_equal(g.st->lesson_step, 1);
    assert_false(g.st->compare);
    gui_destroy(&g);
    check_rmdir(dir);
}

/* ---- time travel and exports ---- */

/* A snapshot's size: parameters and both moments, the power iteration's vectors and a few
 * counts. */
static size_t snapshot_size(const Gui *g)
{
    Trainer tr;
    char err[CONFIG_ERR_LEN];
    assert_int_equal(trainer_create(&tr, &g->st->run[0].cfg, err, sizeof err), 0);
    size_t per = trainer_state_bytes(&tr);
    assert_true(per > 3 * tr.n_params * sizeof(double) && per < 3 * tr.n_params * sizeof(double) + 16384);
    trainer_destroy(&tr);
    return per;
}

static void test_snapshots_stay_within_their_memory_bound(void **s)
{
    (void)s;
    /* enough steps to offer more snapshots than either bound allows */
    const long steps = (SESSION_SNAPSHOTS + 8) * SESSION_SNAPSHOT_EVERY;
    const char *const big[] = {"model=lstm", "hidden=160", "seq_len=6", "batch=2", NULL};
    Gui g;
    make_gui(&g, big);
    gui_train(&g, steps);
    size_t per = snapshot_size(&g);
    /* here the bytes bind, not the count */
    assert_true(per * 2 <= SESSION_SNAPSHOT_BYTES && per * SESSION_SNAPSHOTS > SESSION_SNAPSHOT_BYTES);
    assert_true(g.st->snapshot_bytes <= SESSION_SNAPSHOT_BYTES);
    assert_true(g.st->snapshot_bytes == (size_t)g.st->n_snaps * per);
    assert_true(g.st->snapshot_bytes + per > SESSION_SNAPSHOT_BYTES || g.st->n_snaps == SESSION_SNAPSHOTS);
    assert_true(g.st->n_snaps >= 2);
    gui_destroy(&g);
    /* a small model keeps the most */
    const char *const small[] = {"hidden=8", "seq_len=10", NULL};
    make_gui(&g, small);
    gui_train(&g, steps);
    assert_int_equal(g.st->n_snaps, SESSION_SNAPSHOTS);
    assert_true(g.st->snapshot_bytes <= SESSION_SNAPSHOT_BYTES);
    gui_destroy(&g);
}

static void test_the_scrubber_shows_the_stored_state(void **s)
{
    (void)s;
    const char *const settings[] = {"hidden=8", "seq_len=12", NULL};
    Gui g;
    make_gui(&g, settings);
    gui_train(&g, 200);
    /* snapshot 4, oldest first, was taken at step 100 (steps 0, 25, 50, 75, 100, ...) */
    session_command(g.session, SESSION_SCRUB, 4);
    wait_idle(&g);
    assert_int_equal(g.st->scrub_index, 4);
    assert_int_equal(g.st->snap_step[4], 100);
    const RunView *shown = gui_shown(&g);
    assert_ptr_not_equal(shown, &g.st->run[0]);
    assert_int_equal(shown->step, 100);
    /* The state a run stopped at step 100 has, bit for bit. The published copy holds no
     * parameters: they are checked through everything computed from them on the batch that
     * came next (the states, gates, outputs, every tensor's gradient norm, dL/dh_t); the
     * moments do not reach the views, so the snapshot's moments are checked where they do
     * matter, when a rewind resumes from one (test_a_rewind_resumes_bit_for_bit). */
    Trainer ref;
    char err[CONFIG_ERR_LEN];
    assert_int_equal(trainer_create(&ref, &g.st->run[0].cfg, err, sizeof err), 0);
    for (int i = 0; i < 100; i++)
        trainer_step(&ref);
    /* its views: the history up to then, and the gradient of the batch that came next */
    assert_int_equal(shown->hist.step[history_index(&shown->hist, shown->hist.count - 1)], 100);
    assert_int_equal(shown->hist.count, ref.hist.count);
    trainer_step(&ref);
    const Observables *o = &shown->obs;
    size_t T = (size_t)ref.T, H = (size_t)ref.dims.H, G = (size_t)ref.dims.G;
    assert_true(o->loss == ref.obs.loss && o->grad_norm == ref.obs.grad_norm);
    assert_memory_equal(o->dh_norm, ref.obs.dh_norm, T * sizeof(double));
    assert_memory_equal(o->h, ref.obs.h, T * H * sizeof(double));
    assert_memory_equal(o->gate, ref.obs.gate, T * G * H * sizeof(double));
    assert_memory_equal(o->param_grad_norm, ref.obs.param_grad_norm, sizeof o->param_grad_norm);
    /* sigma_max is a power iteration warm-started from the previous step's vector, which a
     * snapshot does not keep: equal to its tolerance (1e-13), not to the bit */
    assert_int_equal(o->n_blocks, ref.obs.n_blocks);
    check_close("sigma_max", o->sigma_max, ref.obs.sigma_max, (size_t)ref.obs.n_blocks, 1e-9, 1e-12);
    trainer_destroy(&ref);
    /* drawn without complaint, then back to now when training resumes */
    GuiInput in = idle(1280, 800, 1);
    settle(&g, &in);
    assert_int_equal(g.st->run[0].step, 200);
    assert_ptr_equal(gui_shown(&g), &g.st->scrub);
    /* the past is labelled as the past, the status line says so, the loss plot has a cursor */
    assert_true(g.vs.has_cursor && g.vs.cursor_step == 100);
    int then = 0, now_label = 0, looking = 0;
    for (size_t i = 0; i < g.dl.n; i++)
        if (g.dl.cmds[i].kind == CMD_TEXT) {
            const char *text = g.dl.text + g.dl.cmds[i].text;
            then |= strstr(text, "(then)") != NULL;
            now_label |= strstr(text, "(now)") != NULL;
            looking |= strstr(text, "looking back") != NULL && strstr(text, "step 100") != NULL;
        }
    assert_true(then && !now_label && looking);
    in.keys[GK_PLAY] = 1;
    settle(&g, &in);
    assert_int_equal(g.st->scrub_index, -1);
    assert_true(gui_shown(&g) == &g.st->run[0]);
    pause_play(&g);
    gui_destroy(&g);
}

/* The snapshot a rewind restores holds the moments too: a run rewound to step k and
 * trained on is the run that never diverged, bit for bit. Adam keeps two moments; a
 * learning rate raised in the panel makes the divergence, and lowered again, the recovery. */
static void test_a_rewind_resumes_bit_for_bit(void **s)
{
    (void)s;
    char dir[512], path[600], err[CONFIG_ERR_LEN];
    check_mkdtemp(dir, sizeof dir);
    const char *const settings[] = {"hidden=8", "seq_len=10", "optimizer=adam", NULL};
    const long calm_steps = 3 * SESSION_SNAPSHOT_EVERY;
    const double wild_lr = 1e308;
    Gui g;
    make_gui(&g, settings);
    GuiInput in = idle(1280, 800, 1);
    settle(&g, &in);
    gui_train(&g, calm_steps);
    Config calm = g.st->run[0].cfg;
    g.cfg.lr = wild_lr; /* training keys apply at once, to the same run */
    settle(&g, &in);
    gui_train(&g, 50);
    if (!g.st->diverged[0])
        fail_msg("lr=%g did not diverge (step %ld)", wild_lr, g.st->run[0].step);
    in.keys[GK_REWIND] = 1;
    settle(&g, &in);
    assert_false(g.st->diverged[0]);
    long k = g.st->run[0].step;
    assert_true(k >= calm_steps && k % SESSION_SNAPSHOT_EVERY == 0);
    g.cfg.lr = calm.lr;
    in = idle(1280, 800, 2);
    settle(&g, &in);
    assert_true(g.st->run[0].cfg.lr == calm.lr);
    gui_train(&g, 7);
    /* the reference: calm to calm_steps, the wild rate to k, then calm for 7 more */
    Trainer ref, back;
    assert_int_equal(trainer_create(&ref, &calm, err, sizeof err), 0);
    for (long i = 0; i < calm_steps; i++)
        assert_int_equal(trainer_step(&ref), TRAIN_OK);
    Config wild = calm;
    wild.lr = wild_lr;
    trainer_set_training(&ref, &wild);
    for (long i = calm_steps; i < k; i++)
        assert_int_equal(trainer_step(&ref), TRAIN_OK);
    trainer_set_training(&ref, &calm);
    for (int i = 0; i < 7; i++)
        assert_int_equal(trainer_step(&ref), TRAIN_OK);
    snprintf(path, sizeof path, "%s/run", dir);
    load_session_run(&g, path, &back);
    assert_same_run(&ref, &back);
    trainer_destroy(&back);
    trainer_destroy(&ref);
    gui_destroy(&g);
    check_rmdir(dir);
}

static void test_exports_write_valid_files(void **s)
{
    (void)s;
    char dir[512], path[600], err[600];
    check_mkdtemp(dir, sizeof dir);
    const char *const settings[] = {"hidden=5", "seq_len=7", NULL};
    Gui g;
    make_gui(&g, settings);
    gui_train(&g, 12);
    /* the history as CSV */
    snprintf(path, sizeof path, "%s/h.csv", dir);
    assert_int_equal(gui_export_csv(&g, path, err, sizeof err), 0);
    size_t len;
    char *text = check_read_file(path, &len);
    assert_non_null(text);
    assert_true(strncmp(text, "step,loss,metric,grad_norm,clipped,g_0,", 39) == 0);
    int rows = 0;
    for (char *c = text; *c; c++)
        rows += *c == '\n';
    assert_int_equal(rows, 13);
    free(text);
    /* the model as --save files (the S key) that load back: the run's 12 steps */
    snprintf(path, sizeof path, "%s/run", dir);
    Trainer back, ref;
    load_session_run(&g, path, &back);
    GuiInput quiet = idle(1280, 800, 1);
    gui_frame(&g, &quiet);
    if (!strstr(g.status, "Saved the model"))
        fail_msg("status: '%s'", g.status);
    assert_int_equal(trainer_create(&ref, &g.st->run[0].cfg, err, sizeof err), 0);
    for (int i = 0; i < 12; i++)
        trainer_step(&ref);
    assert_same_run(&ref, &back);
    trainer_destroy(&ref);
    trainer_destroy(&back);
    gui_destroy(&g);
    /* one view as PNG: the picture has the view's size */
    Platform *p = platform_open("t", 1024, 640, 1, NULL, NULL, err, sizeof err);
    assert_non_null(p);
    Config cfg;
    config_default(&cfg);
    assert_int_equal(gui_create(&g, &cfg, budget_default(), platform_measure(p), err, sizeof err), 0);
    wait_idle(&g); /* the first pass, so the gradient view has a curve at step 0 */
    GuiInput in;
    platform_poll(p, &in);
    gui_frame(&g, &in);
    platform_present(p, &g.dl);
    Rect r = g.view_rects[VIEW_GRADIENT];
    snprintf(path, sizeof path, "%s/view.png", dir);
    assert_int_equal(platform_save_png_rect(p, r.x, r.y, r.w, r.h, path, err, sizeof err), 0);
    SDL_Surface *pic = surface_of(path);
    assert_int_equal(pic->w, r.w);
    assert_int_equal(pic->h, r.h);
    assert_true(count_colour(pic, (Rect){0, 0, r.w, r.h}, theme_get(THEME_NORMAL)->grad, 10) > 20);
    SDL_FreeSurface(pic);
    gui_destroy(&g);
    platform_close(p);
    check_rmdir(dir);
}

/* ---- input that never surprises ---- */

/* The y at which the mouse is over the panel control with this label (at x), found by a
 * sweep of frames that only move the mouse. */
static int control_y(Gui *g, const char *label, int x, int w, int h)
{
    uint32_t id = ui_id(&g->ui, label);
    for (int y = 0; y < h; y += 2) {
        GuiInput in = idle(w, h, 1);
        in.ui.mouse_x = x, in.ui.mouse_y = y;
        gui_frame(g, &in);
        if (g->ui.hot_next == id)
            return y + 6; /* inside the row, not on its edge */
    }
    fail_msg("no control '%s' in the panel at x=%d", label, x);
    return -1;
}

/* What the panel edits, all of it. */
static void expect_settings(const Gui *g, const Config *cfg, int clip_choice, double clip_value, int set_forget,
                            const char *when)
{
    if (memcmp(&g->cfg, cfg, sizeof *cfg) != 0 || g->clip_choice != clip_choice || g->clip_value != clip_value ||
        g->set_forget != set_forget) {
        char a[8192], b[8192];
        config_format_line(&g->cfg, a, sizeof a);
        config_format_line(cfg, b, sizeof b);
        fail_msg("%s: the settings changed:\n now %s (clip %d %g, forget %d)\n was %s (clip %d %g, forget %d)", when,
                 a, g->clip_choice, g->clip_value, g->set_forget, b, clip_choice, clip_value, set_forget);
    }
}

static void test_the_wheel_scrolls_the_panel_and_changes_no_setting(void **s)
{
    (void)s;
    /* every kind of control on show: choices, sliders (log, whole numbers), toggles */
    const char *const settings[] = {"model=lstm", "forget_bias=1", "optimizer=momentum", "clip=1", "task=echo",
                                    "hidden=8", "seq_len=10", NULL};
    Gui g;
    make_gui(&g, settings);
    GuiInput in = idle(1280, 800, 1);
    settle(&g, &in);
    Config cfg = g.cfg, run = g.st->run[0].cfg;
    int clip_choice = g.clip_choice, set_forget = g.set_forget, speed = g.speed, theme = g.theme;
    double clip_value = g.clip_value, most = 0;
    assert_int_equal(clip_choice, 1);
    assert_true(set_forget);
    /* at the top the wheel up cannot scroll: every control there feels it; then at the
     * bottom the wheel down; then back and forth across the panel */
    const int wheels[3] = {1, -1, 0};
    for (int pass = 0; pass < 3; pass++) {
        if (pass == 1)
            for (int i = 0; i < 40; i++) { /* to the bottom */
                in = idle(1280, 800, 2);
                in.ui.mouse_x = 145, in.ui.mouse_y = 400, in.ui.wheel = -1;
                gui_frame(&g, &in);
            }
        for (int x = 15; x < 290; x += 65)
            for (int y = 0; y < 800; y += 3) {
                in = idle(1280, 800, 2);
                in.ui.mouse_x = x, in.ui.mouse_y = y;
                in.ui.wheel = wheels[pass] ? wheels[pass] : (y / 3) % 4 < 2 ? -2 : 2;
                gui_frame(&g, &in);
                most = g.panel_scroll > most ? g.panel_scroll : most;
                char when[96];
                snprintf(when, sizeof when, "the wheel %+d at (%d, %d), panel scrolled %.0f", in.ui.wheel, x, y,
                         g.panel_scroll);
                expect_settings(&g, &cfg, clip_choice, clip_value, set_forget, when);
                assert_int_equal(g.speed, speed);
                assert_int_equal(g.theme, theme);
            }
    }
    assert_true(most > 100); /* it did scroll, over the controls too */
    in = idle(1280, 800, 3);
    settle(&g, &in);
    assert_memory_equal(&g.st->run[0].cfg, &run, sizeof run);
    assert_false(g.st->compare); /* the race choice did not start one */
    assert_null(strstr(g.status, "Re-initialised"));
    gui_destroy(&g);
}

/* One frame of the mouse at (x, y): pressed, held or released. */
static void mouse(Gui *g, int x, int y, int pressed, int down, int released)
{
    GuiInput in = idle(1280, 1000, 5);
    in.ui.mouse_x = x, in.ui.mouse_y = y;
    in.ui.mouse_pressed = pressed, in.ui.mouse_down = down, in.ui.mouse_released = released;
    gui_frame(g, &in);
}

static void click(Gui *g, int x, int y)
{
    mouse(g, x, y, 1, 1, 0);
    mouse(g, x, y, 0, 0, 1);
    GuiInput in = idle(1280, 1000, 5);
    settle(g, &in);
}

static void press_key(Gui *g, int key)
{
    GuiInput in = idle(1280, 1000, 6);
    in.keys[key] = 1;
    settle(g, &in);
}

static void test_ctrl_z_undoes_a_drag_as_one_change_and_ctrl_shift_z_redoes_it(void **s)
{
    (void)s;
    const char *const settings[] = {"hidden=8", "seq_len=10", NULL};
    char dir[512], path[600], err[CONFIG_ERR_LEN];
    check_mkdtemp(dir, sizeof dir);
    Gui g;
    make_gui(&g, settings);
    GuiInput in = idle(1280, 1000, 1);
    settle(&g, &in);
    Config cfg0 = g.cfg, run0 = g.st->run[0].cfg;
    /* a drag of the learning rate over several frames, released: one change */
    int y = control_y(&g, "learning rate", 145, 1280, 1000);
    mouse(&g, 40, y, 1, 1, 0);
    for (int x = 60; x <= 240; x += 60)
        mouse(&g, x, y + 20, 0, 1, 0);
    mouse(&g, 240, y + 20, 0, 0, 1);
    settle(&g, &in);
    assert_true(g.cfg.lr != cfg0.lr);
    Config cfg1 = g.cfg, run1 = g.st->run[0].cfg;
    assert_true(run1.lr == cfg1.lr);
    press_key(&g, GK_UNDO);
    assert_memory_equal(&g.cfg, &cfg0, sizeof cfg0);
    assert_memory_equal(&g.st->run[0].cfg, &run0, sizeof run0);
    if (!strstr(g.status, "Undid lr ") || !strstr(g.status, "\u2192 0.01"))
        fail_msg("status: '%s'", g.status);
    press_key(&g, GK_UNDO); /* the drag was one change: nothing older */
    assert_memory_equal(&g.cfg, &cfg0, sizeof cfg0);
    assert_non_null(strstr(g.status, "Nothing to undo"));
    press_key(&g, GK_REDO);
    assert_memory_equal(&g.cfg, &cfg1, sizeof cfg1);
    assert_memory_equal(&g.st->run[0].cfg, &run1, sizeof run1);
    if (!strstr(g.status, "Redid lr 0.01 \u2192 "))
        fail_msg("status: '%s'", g.status);
    press_key(&g, GK_UNDO);
    assert_memory_equal(&g.st->run[0].cfg, &run0, sizeof run0);
    /* a click that re-initialises (the model), undone: the same network as a fresh run of
     * the configuration before, trained the same */
    click(&g, 270, control_y(&g, "model", 145, 1280, 1000));
    assert_int_equal(g.st->run[0].cfg.model, cell_find("lstm"));
    press_key(&g, GK_UNDO);
    assert_memory_equal(&g.cfg, &cfg0, sizeof cfg0);
    assert_memory_equal(&g.st->run[0].cfg, &run0, sizeof run0);
    if (!strstr(g.status, "Undid model lstm \u2192 rnn"))
        fail_msg("status: '%s'", g.status);
    gui_train(&g, 2);
    Trainer fresh, now;
    assert_int_equal(trainer_create(&fresh, &run0, err, sizeof err), 0);
    trainer_step(&fresh);
    trainer_step(&fresh);
    snprintf(path, sizeof path, "%s/undone", dir);
    load_session_run(&g, path, &now);
    assert_memory_equal(now.block, fresh.block, fresh.n_params * sizeof(double));
    trainer_destroy(&now);
    trainer_destroy(&fresh);
    /* another task picks its own lengths; undoing it restores these exactly */
    click(&g, 270, control_y(&g, "task", 145, 1280, 1000));
    assert_true(g.st->run[0].cfg.task != run0.task);
    press_key(&g, GK_UNDO);
    assert_memory_equal(&g.st->run[0].cfg, &run0, sizeof run0);
    assert_memory_equal(&g.cfg, &cfg0, sizeof cfg0);
    press_key(&g, GK_REDO);
    assert_true(g.st->run[0].cfg.task != run0.task);
    gui_destroy(&g);
    check_rmdir(dir);
}

/* The right arrow as the platform reports it: a step, and the arrow for a control. */
static void right_arrow(Gui *g, int x, int y)
{
    GuiInput in = idle(1280, 1000, 7);
    in.ui.mouse_x = x, in.ui.mouse_y = y;
    in.keys[GK_STEP] = 1;
    in.ui.keys[UI_KEY_RIGHT] = 1;
    settle(g, &in);
}

static void test_an_arrow_key_does_one_thing(void **s)
{
    (void)s;
    const char *const settings[] = {"hidden=8", "seq_len=10", NULL};
    Gui g;
    make_gui(&g, settings);
    GuiInput in = idle(1280, 1000, 1);
    settle(&g, &in);
    int lr_y = control_y(&g, "learning rate", 145, 1280, 1000);
    int model_y = control_y(&g, "model", 145, 1280, 1000);
    Config cfg0 = g.cfg;
    /* hovered, not clicked: the right arrow takes exactly one step and moves nothing */
    right_arrow(&g, 145, lr_y);
    assert_int_equal(g.st->run[0].step, 1);
    assert_memory_equal(&g.cfg, &cfg0, sizeof cfg0);
    right_arrow(&g, 145, model_y);
    assert_int_equal(g.st->run[0].step, 2);
    assert_memory_equal(&g.cfg, &cfg0, sizeof cfg0);
    /* clicked: the arrows move the slider, and the right arrow takes no step */
    click(&g, 145, lr_y);
    double lr = g.cfg.lr;
    long step = g.st->run[0].step;
    right_arrow(&g, 600, 500); /* wherever the mouse is */
    assert_int_equal(g.st->run[0].step, step);
    assert_true(g.cfg.lr > lr);
    assert_true(g.st->run[0].cfg.lr == g.cfg.lr);
    lr = g.cfg.lr;
    int keys[3] = {UI_KEY_LEFT, UI_KEY_DOWN, UI_KEY_UP};
    for (int k = 0; k < 3; k++) {
        in = idle(1280, 1000, 8);
        in.ui.keys[keys[k]] = 1;
        settle(&g, &in);
        if (keys[k] == UI_KEY_UP ? !(g.cfg.lr > lr) : !(g.cfg.lr < lr))
            fail_msg("arrow %d: lr %g after %g", keys[k], g.cfg.lr, lr);
        lr = g.cfg.lr;
    }
    assert_int_equal(g.st->run[0].step, step);
    /* Esc lets go: the right arrow steps again */
    press_key(&g, GK_ESCAPE);
    right_arrow(&g, 145, lr_y);
    assert_int_equal(g.st->run[0].step, step + 1);
    assert_true(g.cfg.lr == lr);
    /* and so does a click anywhere else (a view) */
    click(&g, 145, lr_y);
    click(&g, 700, 300);
    right_arrow(&g, 145, lr_y);
    assert_int_equal(g.st->run[0].step, step + 2);
    gui_destroy(&g);
}

static void test_h_cycles_the_palettes_and_cvd_draws_okabe_ito_curves(void **s)
{
    (void)s;
    Gui g;
    make_gui(&g, NULL);
    const char *want[THEME_COUNT + 1] = {"colour-blind safe", "high contrast", "default"};
    for (int i = 0; i < THEME_COUNT; i++) {
        press_key(&g, GK_PALETTE);
        assert_int_equal(g.theme, (i + 1) % THEME_COUNT);
        if (!strstr(g.status, want[i]))
            fail_msg("status after H %d: '%s'", i + 1, g.status);
    }
    gui_destroy(&g);
    assert_int_equal(theme_find("default"), THEME_NORMAL);
    assert_int_equal(theme_find("cvd"), THEME_CVD);
    assert_int_equal(theme_find("contrast"), THEME_HIGH_CONTRAST);
    assert_int_equal(theme_find("normal"), -1);
    char names[64];
    theme_names(names, sizeof names);
    assert_string_equal(names, "default|cvd|contrast");
    /* the loss curve in Okabe and Ito's blue, the gradient in their vermillion */
    const Theme *cvd = theme_get(THEME_CVD);
    assert_true(cvd->loss.r == 0 && cvd->loss.g == 114 && cvd->loss.b == 178);
    assert_true(cvd->grad.r == 213 && cvd->grad.g == 94 && cvd->grad.b == 0);
    char dir[512], err[512], path[600];
    check_mkdtemp(dir, sizeof dir);
    Platform *p = platform_open("test", 1280, 800, 1, NULL, NULL, err, sizeof err);
    if (!p)
        fail_msg("%s", err);
    const char *const settings[] = {"hidden=8", "seq_len=20", NULL};
    Config cfg;
    config_default(&cfg);
    for (int i = 0; settings[i]; i++)
        assert_int_equal(config_set(&cfg, settings[i], err, sizeof err), 0);
    assert_int_equal(gui_create(&g, &cfg, budget_default(), platform_measure(p), err, sizeof err), 0);
    g.theme = THEME_CVD;
    gui_train(&g, 30);
    GuiInput in;
    platform_poll(p, &in);
    gui_frame(&g, &in);
    platform_present(p, &g.dl);
    snprintf(path, sizeof path, "%s/cvd.png", dir);
    assert_int_equal(platform_save_png(p, path, err, sizeof err), 0);
    platform_close(p);
    SDL_Surface *pic = surface_of(path);
    Rect loss = g.view_rects[VIEW_LOSS], grad = g.view_rects[VIEW_GRADIENT];
    assert_true(count_colour(pic, loss, cvd->loss, 10) > 20);
    assert_true(count_colour(pic, grad, cvd->grad, 10) > 20);
    assert_int_equal(count_colour(pic, grad, theme_get(THEME_NORMAL)->grad, 10), 0);
    SDL_FreeSurface(pic);
    remove(path);
    gui_destroy(&g);
    check_rmdir(dir);
}

/* One frame at 1024x768 saved as a PNG, the font's glyphs warmed first (sizes) or not. */
static void frame_picture(const int *sizes, const char *path)
{
    char err[512];
    Platform *p = platform_open("test", 1024, 768, 1, NULL, sizes, err, sizeof err);
    if (!p)
        fail_msg("%s", err);
    Config cfg;
    config_default(&cfg);
    assert_int_equal(config_set(&cfg, "hidden=8", err, sizeof err), 0);
    Gui g;
    assert_int_equal(gui_create(&g, &cfg, budget_default(), platform_measure(p), err, sizeof err), 0);
    gui_train(&g, 5);
    GuiInput in;
    platform_poll(p, &in);
    gui_frame(&g, &in);
    platform_present(p, &g.dl);
    assert_int_equal(platform_save_png(p, path, err, sizeof err), 0);
    gui_destroy(&g);
    platform_close(p);
}

/* Glyphs rasterised on fonts_warm's thread give the same picture as glyphs rasterised on
 * first use, and a window closed while its fonts still warm closes cleanly. */
static void test_warmed_fonts_draw_the_same_pixels(void **s)
{
    (void)s;
    int sizes[3];
    gui_text_sizes(1, 1024, 768, sizes);
    assert_int_equal(sizes[0], 13);
    assert_int_equal(sizes[1], 15);
    assert_int_equal(sizes[2], 0);
    gui_text_sizes(2, 2560, 1600, sizes); /* presenter x2 in a window twice 1280x800 */
    assert_int_equal(sizes[0], 52);
    assert_int_equal(sizes[1], 60);
    char err[512];
    Platform *p = platform_open("test", 640, 480, 1, NULL, sizes, err, sizeof err);
    if (!p)
        fail_msg("%s", err);
    platform_close(p);

    char dir[512], cold[600], warm[600];
    check_mkdtemp(dir, sizeof dir);
    snprintf(cold, sizeof cold, "%s/cold.png", dir);
    snprintf(warm, sizeof warm, "%s/warm.png", dir);
    gui_text_sizes(1, 1024, 768, sizes);
    frame_picture(NULL, cold);
    frame_picture(sizes, warm);
    SDL_Surface *a = surface_of(cold), *b = surface_of(warm);
    assert_int_equal(a->w, b->w);
    assert_int_equal(a->h, b->h);
    int differ = 0;
    for (int y = 0; y < a->h; y++)
        differ += memcmp((const uint8_t *)a->pixels + (size_t)y * a->pitch, (const uint8_t *)b->pixels + (size_t)y * b->pitch,
                         (size_t)a->w * a->format->BytesPerPixel) != 0;
    assert_int_equal(differ, 0);
    SDL_FreeSurface(a);
    SDL_FreeSurface(b);
    remove(cold);
    remove(warm);
    check_rmdir(dir);
}

int main(void)
{
    setenv("SDL_VIDEODRIVER", "dummy", 1);
    IMG_Init(IMG_INIT_PNG);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_button_clicks_on_release_inside_only),
        cmocka_unit_test(test_warmed_fonts_draw_the_same_pixels),
        cmocka_unit_test(test_sliders_follow_a_drag_linear_and_logarithmic),
        cmocka_unit_test(test_choice_steps_both_ways_and_wraps),
        cmocka_unit_test(test_ten_minutes_at_the_default_pace_are_the_steps_measured),
        cmocka_unit_test(test_a_long_status_message_keeps_its_reason),
        cmocka_unit_test(test_keys_play_step_and_reset),
        cmocka_unit_test(test_training_settings_apply_at_once_and_architecture_reinitialises),
        cmocka_unit_test(test_divergence_pauses_with_a_banner_and_rewinds),
        cmocka_unit_test(test_window_pictures_have_their_plots_where_they_belong),
        cmocka_unit_test(test_every_view_alone_fills_its_area),
        cmocka_unit_test(test_minimum_size_and_presenter_scale_keep_panels_apart),
        cmocka_unit_test(test_render_command_writes_a_png_of_the_requested_size),
        cmocka_unit_test(test_a_lesson_drives_the_window_step_by_step),
        cmocka_unit_test(test_start_screen_lists_lessons_and_a_broken_one_shows_its_error),
        cmocka_unit_test(test_the_configuration_line_round_trips_to_the_same_bits),
        cmocka_unit_test(test_an_experiment_file_dropped_on_the_window_opens),
        cmocka_unit_test(test_compare_runs_see_the_same_data_and_differ_where_set),
        cmocka_unit_test(test_headless_compare_writes_both_histories),
        cmocka_unit_test(test_a_lesson_step_can_start_a_race),
        cmocka_unit_test(test_snapshots_stay_within_their_memory_bound),
        cmocka_unit_test(test_the_scrubber_shows_the_stored_state),
        cmocka_unit_test(test_after_the_last_step_next_opens_the_next_lesson),
        cmocka_unit_test(test_a_rewind_resumes_bit_for_bit),
        cmocka_unit_test(test_exports_write_valid_files),
        cmocka_unit_test(test_the_wheel_scrolls_the_panel_and_changes_no_setting),
        cmocka_unit_test(test_ctrl_z_undoes_a_drag_as_one_change_and_ctrl_shift_z_redoes_it),
        cmocka_unit_test(test_an_arrow_key_does_one_thing),
        cmocka_unit_test(test_h_cycles_the_palettes_and_cvd_draws_okabe_ito_curves),
    };
    int r = cmocka_run_group_tests(tests, NULL, NULL);
    IMG_Quit();
    return r;
}
