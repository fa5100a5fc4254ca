/* gui.c: the window's frame without SDL. Training runs first, under a time budget, so the
 * frame rate holds whatever the settings; then the side panel and the views are drawn.
 * Bad input never ends the run: a configuration the trainer rejects is reported in the
 * status line and the panel returns to the settings in use. */
#include "gui.h"

#include "../core/fileio.h"
#include "../ui/plot.h"
#include "../ui/rich.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const int SPEEDS[GUI_SPEEDS] = {1, 2, 5, 10, 20, 50, 100, 500, 0};

int gui_speed_steps(int speed) { return SPEEDS[speed < 0 ? 0 : speed >= GUI_SPEEDS ? GUI_SPEEDS - 1 : speed]; }

void gui_status(Gui *g, double now, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g->status, sizeof g->status, fmt, ap);
    va_end(ap);
    g->status_until = now + 6.0;
}

/* ---- the views' copy of the last finite step ---- */

static void obs_free(Observables *o)
{
    free(o->dh_norm), free(o->dc_norm), free(o->x), free(o->h), free(o->c), free(o->gate), free(o->out);
    memset(o, 0, sizeof *o);
}

static size_t obs_sizes(const Trainer *tr, size_t n[7])
{
    size_t T = (size_t)tr->T, H = (size_t)tr->dims.H, GH = (size_t)tr->dims.G * H;
    n[0] = T, n[1] = T, n[2] = T * tr->dims.I, n[3] = T * H, n[4] = T * H, n[5] = T * GH;
    n[6] = (size_t)tr->obs.n_out * tr->dims.O;
    return 7;
}

/* Copies src's arrays into dst's (allocated here if `allocate`) and its scalars. */
static void obs_copy(Observables *dst, const Observables *src, const Trainer *tr, int allocate)
{
    size_t n[7];
    obs_sizes(tr, n);
    double *keep[7] = {dst->dh_norm, dst->dc_norm, dst->x, dst->h, dst->c, dst->gate, dst->out};
    double *from[7] = {src->dh_norm, src->dc_norm, src->x, src->h, src->c, src->gate, src->out};
    *dst = *src;
    double **to[7] = {&dst->dh_norm, &dst->dc_norm, &dst->x, &dst->h, &dst->c, &dst->gate, &dst->out};
    for (int i = 0; i < 7; i++) {
        double *p = allocate ? malloc(n[i] * sizeof(double) + 8) : keep[i];
        if (p)
            memcpy(p, from[i], n[i] * sizeof(double));
        *to[i] = p;
    }
}

static void compare_end(Gui *g);
static int compare_restart(Gui *g, const Config *base, char *err, size_t errlen);

/* ---- snapshots for the rewind ---- */

static void snapshots_free(Gui *g)
{
    for (int i = 0; i < GUI_SNAPSHOTS; i++) {
        free(g->snaps[i].block);
        g->snaps[i].block = NULL;
    }
    g->n_snaps = g->snap_next = 0;
    g->scrub = -1;
}

static void snapshot_take(Gui *g)
{
    Trainer *tr = &g->tr;
    size_t bytes = 4 * tr->n_params * sizeof(double);
    /* at most 64 MB of snapshots: large models keep fewer */
    int cap = (int)(GUI_SNAPSHOT_BYTES / (bytes ? bytes : 1));
    cap = cap < 1 ? 1 : cap > GUI_SNAPSHOTS ? GUI_SNAPSHOTS : cap;
    Snapshot *s = &g->snaps[g->snap_next % cap];
    if (!s->block && !(s->block = malloc(bytes)))
        return;
    memcpy(s->block, tr->block, bytes);
    s->step = tr->step;
    s->opt_step = tr->opt_step;
    s->rng = tr->rng_data;
    g->snap_next = (g->snap_next + 1) % cap;
    if (g->n_snaps < cap)
        g->n_snaps++;
}

int gui_rewind(Gui *g)
{
    Snapshot *best = NULL;
    for (int i = 0; i < g->n_snaps; i++)
        if (g->snaps[i].block && (!best || g->snaps[i].step > best->step))
            best = &g->snaps[i];
    if (!best)
        return -1;
    Trainer *tr = &g->tr;
    memcpy(tr->block, best->block, 4 * tr->n_params * sizeof(double));
    tr->step = best->step;
    tr->opt_step = best->opt_step;
    tr->rng_data = best->rng;
    tr->spectrum.step = -1;
    if (g->have_last_good)
        obs_copy(&tr->obs, &g->last_good, tr, 0);
    g->diverged = 0;
    g->running = 0;
    return 0;
}

/* ---- the run ---- */

static int start_run(Gui *g, const Config *cfg, char *err, size_t errlen)
{
    Trainer fresh;
    if (trainer_create(&fresh, cfg, err, errlen) != 0)
        return -1;
    if (g->have_trainer) {
        if (g->have_last_good)
            obs_free(&g->last_good);
        trainer_destroy(&g->tr);
    }
    g->tr = fresh;
    g->have_trainer = 1;
    g->cfg = fresh.cfg;
    g->have_last_good = 0;
    g->diverged = 0;
    g->vs.pca_valid = 0;
    snapshots_free(g);
    snapshot_take(g);
    g->clip_choice = g->cfg.clip > 0 ? 1 + (int)g->cfg.clip_mode : 0;
    if (g->cfg.clip > 0)
        g->clip_value = g->cfg.clip;
    g->set_forget = g->cfg.has_forget_bias;
    /* one pass without an update, so every view has something to show at step 0 */
    trainer_preview(&g->tr);
    obs_copy(&g->last_good, &g->tr.obs, &g->tr, 1);
    g->have_last_good = 1;
    return 0;
}

int gui_create(Gui *g, const Config *cfg, TextMeasure measure, char *err, size_t errlen)
{
    memset(g, 0, sizeof *g);
    draw_init(&g->dl);
    ui_init(&g->ui, &g->dl, measure);
    g->running = 1;
    g->speed = 4;
    g->budget_s = 0.008;
    g->presenter = 1;
    g->dpi = 1;
    g->enlarged = -1;
    g->clip_value = 1.0;
    g->snapshot_every = 25;
    g->scrub = -1;
    g->vs.hover_t = -1;
    g->focus = -1;
    for (int i = 0; i < VIEW_COUNT; i++)
        g->visible[i] = 1;
    if (start_run(g, cfg, err, errlen) != 0) {
        draw_free(&g->dl);
        return -1;
    }
    return 0;
}

void gui_destroy(Gui *g)
{
    compare_end(g);
    if (g->have_scrub)
        trainer_destroy(&g->scrub_tr);
    if (g->have_lesson)
        lesson_free(&g->lesson);
    snapshots_free(g);
    if (g->have_last_good)
        obs_free(&g->last_good);
    if (g->have_trainer)
        trainer_destroy(&g->tr);
    draw_free(&g->dl);
}

/* Keys whose change needs a new network (and says so). */
static int needs_restart(const Config *a, const Config *b)
{
    return a->model != b->model || a->activation != b->activation || a->hidden != b->hidden ||
           a->task != b->task || a->seq_len != b->seq_len || a->lag != b->lag ||
           a->symbols != b->symbols || a->batch != b->batch || a->seed != b->seed ||
           a->init != b->init || a->rho != b->rho || a->has_forget_bias != b->has_forget_bias ||
           (a->has_forget_bias && a->forget_bias != b->forget_bias) || strcmp(a->text, b->text) != 0;
}

static void apply_settings(Gui *g, double now)
{
    Config want = g->cfg;
    want.clip = g->clip_choice ? g->clip_value : 0;
    want.clip_mode = g->clip_choice == 2 ? CLIP_VALUE : CLIP_NORM;
    want.has_forget_bias = g->set_forget && want.model == MODEL_LSTM;
    /* Settings of the training only: applied at once (run B keeps its own value of the
     * compared key). */
    trainer_set_training(&g->tr, &want);
    if (g->cmp.on) {
        Config wb;
        char e2[CONFIG_ERR_LEN];
        if (compare_config(&want, g->cmp.key, g->cmp.values[1], &wb, e2, sizeof e2) == 0) {
            Config rb = wb;
            config_resolve(&rb, e2, sizeof e2);
            trainer_set_training(&g->cmp.tr, &rb);
        }
    }
    g->cfg.clip = want.clip;
    g->cfg.clip_mode = want.clip_mode;
    if (!needs_restart(&want, &g->tr.cfg) || g->ui.in.mouse_down)
        return;
    Config old = g->tr.cfg;
    char err[CONFIG_ERR_LEN];
    want.shape_given = want.loss_given = -1;
    if (want.task != old.task) /* the new task picks its own lengths and sizes */
        want.seq_len = want.lag = want.hidden = want.symbols = 0;
    if (g->cmp.on ? compare_restart(g, &want, err, sizeof err) != 0 : start_run(g, &want, err, sizeof err) != 0) {
        g->cfg = old;
        gui_status(g, now, "Not applied: %s", err);
        return;
    }
    const char *what = want.task != old.task ? "the task" : want.model != old.model ? "the model"
                     : want.seed != old.seed ? "the seed" : "the architecture";
    gui_status(g, now, "Re-initialised: %s changed (a new network from seed %llu).", what,
               (unsigned long long)g->tr.cfg.seed);
}

/* One step with the window's bookkeeping; returns 0, or 1 when it diverged. */
static int gui_step(Gui *g)
{
    Trainer *tr = &g->tr;
    if (trainer_step(tr) != 0) {
        g->diverged = 1;
        g->running = 0;
        g->event = tr->event;
        if (g->have_last_good) /* the views keep the last finite state */
            obs_copy(&tr->obs, &g->last_good, tr, 0);
        return 1;
    }
    if (tr->step % g->snapshot_every == 0)
        snapshot_take(g);
    if (g->have_last_good) /* what the views fall back on if the next step diverges */
        obs_copy(&g->last_good, &tr->obs, tr, 0);
    return 0;
}

long gui_train(Gui *g, long n)
{
    long done = 0;
    while (done < n && !g->diverged && !g->cmp.diverged && gui_step(g) == 0) {
        if (g->cmp.on && trainer_step(&g->cmp.tr) != 0) {
            g->cmp.diverged = 1;
            g->cmp.event = g->cmp.tr.event;
            g->running = 0;
        }
        done++;
    }
    return done;
}

static void train_frame(Gui *g, double now, int single)
{
    if (g->scrub >= 0 && (g->running || single))
        g->scrub = -1; /* training again: back to now */
    if (g->diverged || g->cmp.diverged || (!g->running && !single) || g->start_screen)
        return; /* (free play starts training when the start screen closes) */
    int want = single ? 1 : gui_speed_steps(g->speed);
    if (g->run_left > 0 && !single && (want == 0 || want > g->run_left))
        want = (int)g->run_left;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    double start = (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
    int done = 0;
    for (;;) {
        if (want && done >= want)
            break;
        if (gui_step(g) != 0)
            break;
        if (g->cmp.on && !g->cmp.diverged && trainer_step(&g->cmp.tr) != 0) {
            g->cmp.diverged = 1;
            g->cmp.event = g->cmp.tr.event;
            g->running = 0;
            done++;
            break;
        }
        done++;
        if (single)
            break;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        double t = (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
        if (t - start > g->budget_s)
            break;
    }
    if (g->run_left > 0 && !single) {
        g->run_left -= done;
        if (g->run_left <= 0 || g->diverged) {
            g->run_left = 0;
            g->running = 0;
            g->answer_shown = 1;
        }
    }
    g->rate_steps += done;
    if (now - g->rate_time >= 1.0) {
        g->steps_per_s = g->rate_steps / (now - g->rate_time);
        g->rate_steps = 0;
        g->rate_time = now;
    }
}

/* ---- the side panel ---- */

static const char *const MODEL_WORDS[] = {"rnn", "lstm", "gru"};
static const char *const ACT_WORDS[] = {"tanh", "relu", "sigmoid", "linear"};
static const char *const INIT_WORDS[] = {"default", "xavier", "orthogonal", "identity", "normal"};
static const char *const OPT_WORDS[] = {"sgd", "momentum", "adam", "adagrad", "rmsprop"};
static const char *const CLIP_WORDS[] = {"off", "norm", "value"};
static const char *const SPEED_WORDS[GUI_SPEEDS] = {"1", "2", "5", "10", "20", "50", "100", "500", "max"};
static const char *const THEME_WORDS[THEME_COUNT] = {"normal", "high contrast"};

static void panel(Gui *g, Rect r, double now)
{
    Ui *ui = &g->ui;
    const Theme *t = ui->theme;
    draw_rect(ui->dl, r, t->panel);
    draw_rect(ui->dl, (Rect){r.x + r.w - 1, r.y, 1, r.h}, t->border);
    int pad = ui_px(ui, 10);
    if (rect_contains(r, ui->in.mouse_x, ui->in.mouse_y) && ui->in.wheel && !ui->hot)
        g->panel_scroll -= ui->in.wheel * ui_px(ui, 40);
    if (g->panel_scroll < 0)
        g->panel_scroll = 0;
    draw_clip(ui->dl, r);
    ui_column(ui, (Rect){r.x + pad, r.y + pad - (int)g->panel_scroll, r.w - 2 * pad, r.h});
    int big = ui_px(ui, 20);
    Rect title = ui_row(ui, big + ui_px(ui, 4));
    draw_text(ui->dl, title.x, title.y, big, t->text, "rnnlab");
    char buf[96];
    snprintf(buf, sizeof buf, "step %ld", g->tr.step);
    draw_text(ui->dl, title.x + title.w - ui_text_width(ui, buf, ui_text_size(ui)), title.y + ui_px(ui, 4),
              ui_text_size(ui), t->text_dim, buf);

    /* run controls */
    Rect row = ui_row(ui, ui_px(ui, 30));
    int w3 = (row.w - 2 * ui_px(ui, 6)) / 3;
    if (ui_button_ex(ui, (Rect){row.x, row.y, w3, row.h}, g->running ? "Pause" : "Play",
                     "Start or pause training (space).", g->running) & UI_CLICKED) {
        if (!g->diverged)
            g->running = !g->running;
    }
    if (ui_button_ex(ui, (Rect){row.x + w3 + ui_px(ui, 6), row.y, w3, row.h}, "Step",
                     "One training step, then pause (right arrow).", 0) & UI_CLICKED) {
        g->running = 0;
        train_frame(g, now, 1);
    }
    if (ui_button_ex(ui, (Rect){row.x + 2 * (w3 + ui_px(ui, 6)), row.y, row.w - 2 * (w3 + ui_px(ui, 6)), row.h}, "Reset",
                     "Re-initialise with the same seed: exactly the same network again (R).", 0) & UI_CLICKED) {
        char err[CONFIG_ERR_LEN + 128];
        Config c = g->tr.cfg;
        if ((g->cmp.on ? compare_restart(g, &c, err, sizeof err) : start_run(g, &c, err, sizeof err)) == 0)
            gui_status(g, now, "Reset: the same network again, from seed %llu.", (unsigned long long)c.seed);
    }
    ui_choice(ui, "steps a frame", &g->speed, SPEED_WORDS, GUI_SPEEDS,
              "Training steps per frame (+ and -); max: as many as the frame's time budget allows.");

    Config *c = &g->cfg;
    ui_heading(ui, "MODEL  (changes re-initialise)");
    ui_choice(ui, "model", (int *)&c->model, MODEL_WORDS, 3, "Vanilla RNN, LSTM or GRU, with PyTorch's equations.");
    if (c->model == MODEL_RNN)
        ui_choice(ui, "activation", (int *)&c->activation, ACT_WORDS, 4,
                  "The RNN's nonlinearity. Its largest slope gamma sets the vanishing threshold: sigma_max(W_hh) < 1/gamma.");
    ui_slider_int(ui, "hidden units", &c->hidden, 1, 256, 1, "Hidden units H (1..256).");
    ui_choice(ui, "init", (int *)&c->init, INIT_WORDS, 5,
              "How W_hh starts: PyTorch's default uniform, Xavier, orthogonal, identity (IRNN) or normal N(0, 1/H).");
    ui_slider(ui, "rho (0 = off)", &c->rho, 0, 3, "%.2f",
              "Rescale each gate block of W_hh so its largest singular value is rho: below 1 gradients vanish, above they can explode (Pascanu et al. 2013).");
    if (c->model == MODEL_LSTM) {
        ui_toggle(ui, "set forget-gate bias", &g->set_forget,
                  "Give the LSTM forget gate this bias: 1 or more keeps the cell state (and its gradient) alive.");
        if (g->set_forget)
            ui_slider(ui, "forget bias", &c->forget_bias, -5, 5, "%.1f", "The forget gate's bias.");
    }

    ui_heading(ui, "TASK  (changes re-initialise)");
    int task = (int)c->task;
    static const char *task_words[TASK_MAX_KINDS];
    for (int k = 0; k < task_kind_count(); k++)
        task_words[k] = task_kind_info(k)->name;
    if (ui_choice(ui, "task", &task, task_words, task_kind_count(), task_kind_info(c->task)->sentence) & UI_CHANGED)
        c->task = task;
    const TaskKindInfo *ki = task_kind_info(c->task);
    if (ki->min_seq_len != ki->max_seq_len)
        ui_slider_int(ui, "seq_len", &c->seq_len, ki->min_seq_len, ki->max_seq_len, 1,
                      "Sequence length: how far back the gradient has to reach.");
    if (ki->uses_lag)
        ui_slider_int(ui, "lag", &c->lag, 1, c->seq_len > 1 ? c->seq_len - 1 : 1, 0,
                      "Echo: how many steps back the answer is.");
    ui_slider_int(ui, "batch", &c->batch, 1, 1024, 1, "Sequences per training step.");
    int seed = (int)(c->seed % 1000000);
    if (ui_slider_int(ui, "seed", &seed, 0, 999, 0, "One seed for initialisation and data: the same seed gives the same run, bit for bit.") & UI_CHANGED)
        c->seed = (uint64_t)seed;

    ui_heading(ui, "TRAINING  (applies at once)");
    ui_choice(ui, "optimizer", (int *)&c->optimizer, OPT_WORDS, 5, "The update rule (PyTorch's, default constants).");
    ui_slider_log(ui, "learning rate", &c->lr, 1e-5, 10, "%.2g", "Step size, on a logarithmic slider.");
    if (c->optimizer == OPT_MOMENTUM)
        ui_slider(ui, "momentum", &c->momentum, 0, 0.999, "%.3f", "Momentum coefficient.");
    ui_choice(ui, "clipping", &g->clip_choice, CLIP_WORDS, 3,
              "norm: rescale the whole gradient when its norm exceeds the threshold (Pascanu et al.); value: clamp each element.");
    if (g->clip_choice)
        ui_slider_log(ui, "clip threshold", &g->clip_value, 1e-3, 1e3, "%.3g", "The clipping threshold.");
    if (ki->shape != SHAPE_SEQ2SEQ)
        ui_slider_int(ui, "truncate (0 = full)", &c->truncate, 0, c->seq_len, 0,
                      "Let each loss term's gradient flow back at most this many steps (truncated BPTT).");

    ui_heading(ui, "COMPARE  (two runs, the same data)");
    static const char *const CMP_WORDS[] = {"off", "model rnn | lstm", "model rnn | gru", "rho 0.9 | 1.1",
                                           "init default | orthogonal", "clip off | norm 1"};
    static const char *const CMP_SPECS[] = {"", "model=rnn,lstm", "model=rnn,gru", "rho=0.9,1.1",
                                           "init=default,orthogonal", "clip=0,1"};
    int choice = 0;
    if (g->cmp.on) {
        char spec[600];
        snprintf(spec, sizeof spec, "%s=%s,%s", g->cmp.key, g->cmp.values[0], g->cmp.values[1]);
        for (int i = 1; i < 6; i++)
            if (!strcmp(spec, CMP_SPECS[i]))
                choice = i;
        if (!choice)
            choice = 0;
    }
    int before = choice;
    if ((ui_choice(ui, "race", &choice, CMP_WORDS, 6,
                   "Train two runs side by side on the same data and seed, differing in one setting (rnnlab --compare KEY=A,B for any key).") & UI_CHANGED) &&
        choice != before)
        gui_compare(g, CMP_SPECS[choice], now);

    ui_heading(ui, "VIEWS  (1-6; Z enlarges)");
    for (int v = 0; v < VIEW_COUNT; v++) {
        char label[64];
        snprintf(label, sizeof label, "%d  %s", v + 1, view_name(v));
        ui_toggle(ui, label, &g->visible[v], "Show or hide this view.");
    }
    ui_heading(ui, "DISPLAY");
    ui_choice(ui, "theme", &g->theme, THEME_WORDS, THEME_COUNT, "High contrast for projectors (H).");
    double pres = g->presenter;
    if (ui_slider(ui, "presenter scale", &pres, 1, 2, "x%.2f", "Enlarge all text and lines (Ctrl + / Ctrl -).") & UI_CHANGED)
        g->presenter = (float)pres;
    ui_button(ui, "Keys (F1)", "Every keyboard shortcut.");
    if (g->ui.hot == ui_id("Keys (F1)", "Keys (F1)") && g->ui.in.mouse_released)
        g->show_help = 1;
    int content_bottom = ui->cursor_y + (int)g->panel_scroll;
    int overflow = content_bottom - (r.y + r.h) + pad;
    if (g->panel_scroll > (overflow > 0 ? overflow : 0))
        g->panel_scroll = overflow > 0 ? overflow : 0;
    draw_unclip(ui->dl);
}

/* ---- the main area ---- */

static void layout_views(Gui *g, Rect main)
{
    int gap = ui_px(&g->ui, 8);
    for (int v = 0; v < VIEW_COUNT; v++)
        g->view_rects[v] = (Rect){0, 0, 0, 0};
    if (g->enlarged >= 0 && g->visible[g->enlarged]) {
        g->view_rects[g->enlarged] = main;
        return;
    }
    /* the gradient first (the point of the tool), then the rest; a vanilla RNN has no
     * gates to show, so its gates view yields its room */
    static const int ORDER[VIEW_COUNT - 1] = {VIEW_GRADIENT, VIEW_HIDDEN, VIEW_LOSS, VIEW_GATES, VIEW_SPECTRUM};
    int others[VIEW_COUNT] = {0}, n = 0;
    for (int i = 0; i < VIEW_COUNT - 1; i++) {
        int v = ORDER[i];
        if (g->visible[v] && !(v == VIEW_GATES && g->tr.dims.kind == MODEL_RNN))
            others[n++] = v;
    }
    Rect rest = main;
    if (g->visible[VIEW_UNFOLDED]) {
        int h = n ? main.h * (g->presenter > 1.3f ? 26 : 30) / 100 : main.h;
        g->view_rects[VIEW_UNFOLDED] = (Rect){main.x, main.y, main.w, h};
        rest.y += h + gap;
        rest.h -= h + gap;
    }
    if (!n)
        return;
    /* As many views as fit at a readable size (the presenter scale makes them bigger): the
     * first in ORDER win, the rest wait for a larger window, 1-6 or Z. */
    Ui *ui = &g->ui;
    int min_w = ui_px(ui, 250), min_h = ui_px(ui, 140);
    int per_row_fit = rest.w / min_w, rows_fit = (rest.h + gap) / (min_h + gap);
    per_row_fit = per_row_fit < 1 ? 1 : per_row_fit > 3 ? 3 : per_row_fit;
    rows_fit = rows_fit < 1 ? 1 : rows_fit;
    g->views_dropped = 0;
    if (n > per_row_fit * rows_fit) {
        g->views_dropped = n - per_row_fit * rows_fit;
        n = per_row_fit * rows_fit;
    }
    int counts[VIEW_COUNT] = {0}, rows = 0;
    if (n <= per_row_fit) {
        counts[rows++] = n;
    } else if (per_row_fit == 3 && n <= 6) {
        counts[rows++] = n / 2; /* two above three */
        counts[rows++] = n - n / 2;
    } else {
        for (int left = n; left > 0; left -= per_row_fit)
            counts[rows++] = left >= per_row_fit ? per_row_fit : left;
    }
    int y = rest.y, i = 0, avail = rest.h - (rows - 1) * gap;
    for (int rr = 0; rr < rows; rr++) {
        int h = rows == 2 ? (rr == 0 ? avail * 55 / 100 : avail - avail * 55 / 100)
                          : (rr == rows - 1 ? rest.y + rest.h - y : avail / rows);
        int count = counts[rr];
        int w = (rest.w - (count - 1) * gap) / count, x = rest.x;
        for (int k = 0; k < count; k++, i++) {
            g->view_rects[others[i]] = (Rect){x, y, k == count - 1 ? rest.x + rest.w - x : w, h};
            x += w + gap;
        }
        y += h + gap;
    }
}

static void banner(Gui *g, Rect r, double now)
{
    Ui *ui = &g->ui;
    const Theme *t = ui->theme;
    draw_rect(ui->dl, r, t->banner);
    int size = ui_text_size(ui), pad = ui_px(ui, 8);
    char text[400];
    snprintf(text, sizeof text, "Diverged \u2014 %s. Training paused; the views show the last finite step.",
             g->event.message);
    draw_clip(ui->dl, r);
    ui_text_wrapped(ui, (Rect){r.x + pad, r.y + pad / 2, r.w - 2 * pad, r.h}, text, size, t->banner_text);
    long to = -1;
    for (int i = 0; i < g->n_snaps; i++)
        if (g->snaps[i].block && g->snaps[i].step > to)
            to = g->snaps[i].step;
    char label[64];
    snprintf(label, sizeof label, "Rewind to step %ld (U)", to);
    int bw = ui_text_width(ui, label, size) + 2 * pad;
    Rect b = {r.x + pad, r.y + r.h - ui_px(ui, 30) - pad / 2, bw, ui_px(ui, 28)};
    if (ui_button_ex(ui, b, label, "Restore the newest snapshot taken before the divergence.", 0) & UI_CLICKED)
        if (gui_rewind(g) == 0)
            gui_status(g, now, "Rewound to step %ld. Lower the learning rate or turn on clipping, then press space.", g->tr.step);
    draw_text(ui->dl, b.x + b.w + pad, b.y + (b.h - size) / 2, size, t->banner_text,
              "Then lower the learning rate or turn on clipping.");
    draw_unclip(ui->dl);
}

static void help_overlay(Gui *g)
{
    Ui *ui = &g->ui;
    const Theme *t = ui->theme;
    static const char *const KEYS[][2] = {
        {"space", "play / pause"}, {"\u2192", "one step"}, {"R", "reset: the same network again"},
        {"+ / -", "more / fewer steps a frame"}, {"U, Backspace", "rewind after a divergence"},
        {"1 .. 6", "show or hide a view"}, {"Z", "enlarge the view under the mouse (again: back)"},
        {"L", "loss axis: linear / log"}, {"H", "high-contrast theme"},
        {"Ctrl + / Ctrl -", "presenter scale x1 .. x2"}, {"F11", "fullscreen"},
        {"P", "save a PNG screenshot here"}, {"Shift P", "save the view under the mouse as PNG"},
        {"E", "export the history as CSV here"}, {"S", "save the model (.npy, PyTorch names) here"},
        {"Ctrl C / Ctrl V", "copy / paste the experiment as one line"},
        {"Ctrl S", "save the experiment file here (drop one on the window to open it)"},
        {"F1, Esc", "this list / close it"}, {"Ctrl Q", "quit"},
    };
    int n = (int)(sizeof KEYS / sizeof KEYS[0]);
    int size = ui_px(ui, 18), lh = size + ui_px(ui, 8), pad = ui_px(ui, 24);
    int key_w = 0, text_w = 0;
    for (int i = 0; i < n; i++) {
        int a = ui_text_width(ui, KEYS[i][0], size), b = ui_text_width(ui, KEYS[i][1], size);
        key_w = a > key_w ? a : key_w;
        text_w = b > text_w ? b : text_w;
    }
    key_w += ui_px(ui, 24);
    int w = key_w + text_w + 2 * pad, h = n * lh + 2 * pad + lh;
    if (w > ui->dl->width - 20)
        w = ui->dl->width - 20;
    Rect r = {(ui->dl->width - w) / 2, (ui->dl->height - h) / 2, w, h};
    draw_rect(ui->dl, (Rect){0, 0, ui->dl->width, ui->dl->height}, rgba(0, 0, 0, 110));
    draw_rect(ui->dl, r, t->overlay);
    draw_text(ui->dl, r.x + pad, r.y + pad / 2, size, rgba(255, 255, 255, 255), "Keyboard");
    for (int i = 0; i < n; i++) {
        draw_text(ui->dl, r.x + pad, r.y + pad + lh * (i + 1) - lh / 2, size, rgba(255, 210, 0, 255), KEYS[i][0]);
        draw_text(ui->dl, r.x + pad + key_w, r.y + pad + lh * (i + 1) - lh / 2, size, rgba(255, 255, 255, 255), KEYS[i][1]);
    }
}

static void lesson_panel(Gui *g, Rect r, double now);
static void timeline(Gui *g, Rect r);
static void start_screen(Gui *g, Rect r, double now);

static void handle_keys(Gui *g, const GuiInput *in, GuiActions *act)
{
    const int *k = in->keys;
    double now = in->now;
    if (k[GK_ESCAPE]) {
        g->show_help = 0;
        g->start_screen = 0;
    }
    if (k[GK_HELP])
        g->show_help = !g->show_help;
    if (k[GK_PLAY] && g->waiting) {
        g->waiting = 0;
        g->running = 1;
    } else if (k[GK_PLAY] && !g->diverged) {
        g->running = !g->running;
    }
    if (g->running && g->scrub >= 0)
        g->scrub = -1; /* back to now */
    if (g->have_lesson && k[GK_NEXT] && g->step + 1 < g->lesson.n_steps)
        gui_lesson_jump(g, g->step + 1, now);
    if (g->have_lesson && k[GK_PREV] && g->step > 0)
        gui_lesson_jump(g, g->step - 1, now);
    if (k[GK_ANSWER] && g->have_lesson) {
        if (g->waiting) {
            g->waiting = 0;
            g->running = 1;
        } else {
            g->answer_shown = !g->answer_shown;
        }
    }
    if (k[GK_STEP]) {
        g->running = 0;
        train_frame(g, now, 1);
    }
    if (k[GK_RESET]) {
        char err[CONFIG_ERR_LEN + 128];
        Config c = g->tr.cfg;
        if ((g->cmp.on ? compare_restart(g, &c, err, sizeof err) : start_run(g, &c, err, sizeof err)) == 0)
            gui_status(g, now, "Reset: the same network again, from seed %llu.", (unsigned long long)c.seed);
    }
    if (k[GK_FASTER] && g->speed < GUI_SPEEDS - 1)
        g->speed++;
    if (k[GK_SLOWER] && g->speed > 0)
        g->speed--;
    if (k[GK_ZOOM_IN])
        g->presenter = fminf(2.0f, g->presenter + 0.25f);
    if (k[GK_ZOOM_OUT])
        g->presenter = fmaxf(1.0f, g->presenter - 0.25f);
    if (k[GK_CONTRAST])
        g->theme = (g->theme + 1) % THEME_COUNT;
    if (k[GK_LOG])
        g->vs.loss_log = !g->vs.loss_log;
    if (k[GK_REWIND]) {
        if (!g->diverged)
            gui_status(g, now, "Nothing to rewind: training has not diverged.");
        else if (gui_rewind(g) == 0)
            gui_status(g, now, "Rewound to step %ld. Lower the learning rate or turn on clipping, then press space.", g->tr.step);
    }
    for (int v = 0; v < VIEW_COUNT; v++)
        if (k[GK_VIEW1 + v])
            g->visible[v] = !g->visible[v];
    if (k[GK_ENLARGE]) {
        if (g->enlarged >= 0)
            g->enlarged = -1;
        else
            for (int v = 0; v < VIEW_COUNT; v++)
                if (rect_contains(g->view_rects[v], in->ui.mouse_x, in->ui.mouse_y))
                    g->enlarged = v;
    }
    if (k[GK_EXPORT]) {
        char path[64], err[512];
        time_t now_t = time(NULL);
        struct tm tmv;
        localtime_r(&now_t, &tmv);
        strftime(path, sizeof path, "rnnlab-%Y%m%d-%H%M%S.csv", &tmv);
        if (gui_export_csv(g, path, err, sizeof err) == 0)
            gui_status(g, now, "Saved the history (%d steps) to ./%s", g->tr.hist.count, path);
        else
            gui_status(g, now, "Could not export: %s", err);
    }
    act->screenshot = k[GK_SCREENSHOT];
    act->fullscreen = k[GK_FULLSCREEN];
    if (k[GK_COPY]) {
        config_format_line(&g->tr.cfg, g->line, sizeof g->line);
        act->copy = g->line;
        gui_status(g, now, "Copied this experiment as one line; paste it into any rnnlab window (Ctrl V) or a config file.");
    }
    if (k[GK_PASTE]) {
        if (in->paste && *in->paste)
            gui_apply_line(g, in->paste, now);
        else
            gui_status(g, now, "The clipboard holds no text to apply.");
    }
    if (in->dropped)
        gui_apply_file(g, in->dropped, now);
    char stamp[32];
    time_t now_t = time(NULL);
    struct tm tmv;
    localtime_r(&now_t, &tmv);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tmv);
    if (k[GK_SAVE_EXPERIMENT]) {
        char path[64], text[8192], err[512];
        snprintf(path, sizeof path, "rnnlab-%s.cfg", stamp);
        int n = snprintf(text, sizeof text, "# an rnnlab experiment: rnnlab --config FILE, or drop it on the window\n");
        config_format(&g->tr.cfg, text + n, sizeof text - (size_t)n);
        if (file_write_text(path, text, err, sizeof err) == 0)
            gui_status(g, now, "Saved the experiment to ./%s (rnnlab --config %s reproduces it).", path, path);
        else
            gui_status(g, now, "Could not save the experiment: %s", err);
    }
    if (k[GK_SAVE_RUN]) {
        char dir[64], err[CONFIG_ERR_LEN];
        snprintf(dir, sizeof dir, "rnnlab-run-%s", stamp);
        if (trainer_save(&g->tr, dir, err, sizeof err) == 0)
            gui_status(g, now, "Saved the model to ./%s (NAME.npy with PyTorch's names; rnnlab --load %s resumes it).", dir, dir);
        else
            gui_status(g, now, "Could not save the model: %s", err);
    }
    if (k[GK_SAVE_VIEW]) {
        for (int v = 0; v < VIEW_COUNT; v++)
            if (rect_contains(g->view_rects[v], in->ui.mouse_x, in->ui.mouse_y)) {
                act->save_view = 1;
                act->view_rect = g->view_rects[v];
                act->view_name = view_name(v);
            }
        if (!act->save_view)
            gui_status(g, now, "Point at a view, then press Shift P to save it as a PNG.");
    }
}

GuiActions gui_frame(Gui *g, const GuiInput *in)
{
    GuiActions act = {0};
    float scale = g->presenter * g->dpi;
    draw_clear(&g->dl, in->width, in->height);
    ui_begin(&g->ui, &in->ui, theme_get(g->theme), scale);
    handle_keys(g, in, &act);
    train_frame(g, in->now, 0);

    Ui *ui = &g->ui;
    const Theme *t = ui->theme;
    draw_rect(&g->dl, (Rect){0, 0, in->width, in->height}, t->bg);
    int panel_w = ui_px(ui, 290);
    if ((g->have_lesson || g->lesson_error[0]) && in->width < ui_px(ui, 1200))
        panel_w = ui_px(ui, 240); /* the lesson panel needs the room */
    if (panel_w > in->width / 3)
        panel_w = in->width / 3;
    int pad = ui_px(ui, 8);
    int status_h = ui_text_size(ui) + ui_px(ui, 10);
    Rect main = {panel_w + pad, pad, in->width - panel_w - 2 * pad, in->height - 2 * pad - status_h};
    Rect lesson_r = {0, 0, 0, 0};
    if (g->have_lesson || g->lesson_error[0]) {
        int lw = ui_px(ui, 360);
        if (lw > main.w * 2 / 5)
            lw = main.w * 2 / 5;
        if (lw < ui_px(ui, 280) && main.w > ui_px(ui, 700))
            lw = ui_px(ui, 280);
        lesson_r = (Rect){main.x + main.w - lw, main.y, lw, main.h};
        main.w -= lw + pad;
    }
    Rect timeline_r = {main.x, main.y + main.h - ui_px(ui, 22), main.w, ui_px(ui, 22)};
    if (g->n_snaps > 1 && !g->cmp.on)
        main.h -= timeline_r.h + pad / 2;
    if (g->diverged) {
        int bh = 3 * ui_text_size(ui) + ui_px(ui, 50);
        banner(g, (Rect){main.x, main.y, main.w, bh}, in->now);
        main.y += bh + pad;
        main.h -= bh + pad;
    }
    if (g->cmp.on) {
        /* two columns, A and B, each its unfolded network, gradient and loss, on shared axes */
        for (int v = 0; v < VIEW_COUNT; v++)
            g->view_rects[v] = (Rect){0, 0, 0, 0};
        int gap = ui_px(ui, 8), cw = (main.w - gap) / 2;
        const Trainer *runs[2] = {&g->tr, &g->cmp.tr};
        g->cmp.vs[0].loss_log = g->vs.loss_log;
        views_shared_ranges(&g->cmp.vs[0], runs[0], runs[1]);
        for (int r = 0; r < 2; r++) {
            ViewState *vs = &g->cmp.vs[r];
            if (r == 1) {
                double pca[2][256];
                memcpy(pca, vs->pca, sizeof pca);
                int pv = vs->pca_valid;
                *vs = g->cmp.vs[0];
                memcpy(vs->pca, pca, sizeof pca);
                vs->pca_valid = pv;
            }
            vs->label = g->cmp.labels[r];
            int x = main.x + r * (cw + gap), w = r ? main.x + main.w - x : cw;
            int h1 = main.h * 28 / 100, h2 = main.h * 42 / 100, h3 = main.h - h1 - h2 - 2 * gap;
            view_unfolded(ui, (Rect){x, main.y, w, h1}, runs[r], vs);
            view_gradient(ui, (Rect){x, main.y + h1 + gap, w, h2}, runs[r], vs);
            view_loss(ui, (Rect){x, main.y + h1 + h2 + 2 * gap, w, h3}, runs[r], vs);
            if (g->cmp.diverged && r == 1) {
                Rect b = {x, main.y, w, ui_text_size(ui) * 3};
                draw_rect(ui->dl, b, t->banner);
                char msg[800];
                snprintf(msg, sizeof msg, "Run %.300s diverged \u2014 %.400s", g->cmp.labels[1], g->cmp.event.message);
                draw_clip(ui->dl, b);
                ui_text_wrapped(ui, (Rect){b.x + ui_px(ui, 6), b.y + ui_px(ui, 3), b.w - ui_px(ui, 12), b.h}, msg,
                                ui_text_size_small(ui), t->banner_text);
                draw_unclip(ui->dl);
            }
        }
    } else {
        layout_views(g, main);
    }
    Trainer *shown = gui_shown(g);
    const Spectrum *sp = g->visible[VIEW_SPECTRUM] && !g->cmp.on ? trainer_spectrum(shown) : NULL;
    for (int v = 0; v < VIEW_COUNT; v++) {
        Rect r = g->view_rects[v];
        if (r.w < ui_px(ui, 60) || r.h < ui_px(ui, 40))
            continue;
        switch (v) {
        case VIEW_UNFOLDED: view_unfolded(ui, r, shown, &g->vs); break;
        case VIEW_HIDDEN: view_hidden(ui, r, shown, &g->vs); break;
        case VIEW_GRADIENT: view_gradient(ui, r, shown, &g->vs); break;
        case VIEW_LOSS: view_loss(ui, r, shown, &g->vs); break;
        case VIEW_GATES: view_gates(ui, r, shown, &g->vs); break;
        case VIEW_SPECTRUM: view_spectrum(ui, r, shown, sp, &g->vs); break;
        }
        if (v == g->focus) /* the view the lesson's step points at */
            draw_frame(ui->dl, (Rect){r.x - ui_px(ui, 3), r.y - ui_px(ui, 3), r.w + ui_px(ui, 6), r.h + ui_px(ui, 6)},
                       t->accent, (float)ui_px(ui, 3));
    }
    if (lesson_r.w)
        lesson_panel(g, lesson_r, in->now);
    if (g->n_snaps > 1 && !g->cmp.on)
        timeline(g, timeline_r);
    /* the status line */
    Rect st = {main.x, in->height - status_h - pad / 2, main.w, status_h};
    char line[512];
    const Observables *o = &g->tr.obs;
    int n = snprintf(line, sizeof line, "%s \u00b7 step %ld \u00b7 %.0f steps/s \u00b7 loss %.4g \u00b7 baseline %.4g \u00b7 grad norm %.3g%s",
                     g->diverged ? "diverged" : g->running ? "training" : "paused", g->tr.step,
                     g->steps_per_s, o->loss, task_baseline(&g->tr.task), o->grad_norm,
                     o->clipped ? " (clipped)" : "");
    if (g->cmp.on)
        n += snprintf(line + n, sizeof line - (size_t)n, " \u00b7 B loss %.4g", g->cmp.tr.obs.loss);
    if (g->views_dropped && !g->cmp.on && g->enlarged < 0)
        n += snprintf(line + n, sizeof line - (size_t)n, " \u00b7 %d view%s hidden for room (1-6, Z)",
                      g->views_dropped, g->views_dropped == 1 ? "" : "s");
    if (g->status[0] && in->now < g->status_until)
        snprintf(line + n, sizeof line - (size_t)n, "   \u2014   %s", g->status);
    draw_text(&g->dl, st.x, st.y + ui_px(ui, 4), ui_text_size(ui), g->status[0] && in->now < g->status_until ? t->accent : t->text_dim, line);

    panel(g, (Rect){0, 0, panel_w, in->height}, in->now);
    if (g->start_screen)
        start_screen(g, (Rect){panel_w, 0, in->width - panel_w, in->height}, in->now);
    if (g->show_help)
        help_overlay(g);
    ui_end(ui);
    apply_settings(g, in->now);
    return act;
}

int gui_apply_line(Gui *g, const char *line, double now)
{
    Config cfg;
    char err[CONFIG_ERR_LEN + 64];
    config_default(&cfg);
    if (config_parse_line(&cfg, line, err, sizeof err) != 0 || start_run(g, &cfg, err, sizeof err) != 0) {
        gui_status(g, now, "Not applied: %s", err);
        return -1;
    }
    gui_status(g, now, "Applied the pasted experiment: a new run from seed %llu.", (unsigned long long)g->tr.cfg.seed);
    return 0;
}

int gui_apply_file(Gui *g, const char *path, double now)
{
    Config cfg;
    char err[CONFIG_ERR_LEN + 64];
    config_default(&cfg);
    size_t n = strlen(path);
    if (n > 3 && strcmp(path + n - 3, ".md") == 0)
        return gui_lesson_open(g, path, now);
    if (config_load_file(&cfg, path, err, sizeof err) != 0 || start_run(g, &cfg, err, sizeof err) != 0) {
        gui_status(g, now, "Not opened: %s", err);
        return -1;
    }
    gui_status(g, now, "Opened the experiment %s.", path);
    return 0;
}

int gui_export_csv(const Gui *g, const char *path, char *err, size_t errlen)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        return -1;
    }
    const History *h = &g->tr.hist;
    fputs("step,loss,metric,grad_norm,clipped", f);
    for (int s = 0; s < h->T; s++)
        fprintf(f, ",g_%d", s);
    fputc('\n', f);
    for (int i = 0; i < h->count; i++) {
        int k = history_index(h, i);
        fprintf(f, "%ld,%.17g,%.17g,%.17g,%d", h->step[k], h->loss[k], h->metric[k], h->grad_norm[k], h->clipped[k]);
        for (int s = 0; s < h->T; s++)
            fprintf(f, ",%.17g", h->dh_norm[(size_t)k * h->T + s]);
        fputc('\n', f);
    }
    int ok = fclose(f) == 0;
    if (!ok || rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        remove(tmp);
        return -1;
    }
    return 0;
}

/* ---- lessons ---- */

const char *gui_lesson_dir(void)
{
    const char *env = getenv("RNNLAB_LESSONS");
    if (env && *env)
        return env;
    DIR *d = opendir("lessons");
    if (d) {
        closedir(d);
        return "lessons";
    }
#ifdef RNNLAB_LESSON_DIR
    return RNNLAB_LESSON_DIR;
#else
    return "lessons";
#endif
}

static int cmp_entries(const void *a, const void *b)
{
    return strcmp(((const LessonEntry *)a)->path, ((const LessonEntry *)b)->path);
}

void gui_lessons_scan(Gui *g, const char *dir)
{
    g->n_entries = 0;
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) && g->n_entries < GUI_MAX_LESSONS) {
        size_t n = strlen(e->d_name);
        if (n < 4 || strcmp(e->d_name + n - 3, ".md") != 0 || strcmp(e->d_name, "README.md") == 0)
            continue;
        LessonEntry *le = &g->entries[g->n_entries];
        snprintf(le->path, sizeof le->path, "%s/%s", dir, e->d_name);
        Lesson l;
        char err[LESSON_ERR_LEN];
        if (lesson_load(&l, le->path, err, sizeof err) == 0) {
            snprintf(le->title, sizeof le->title, "%s", l.title);
            snprintf(le->summary, sizeof le->summary, "%s", l.summary ? l.summary : "");
        } else {
            snprintf(le->title, sizeof le->title, "%.150s", e->d_name);
            snprintf(le->summary, sizeof le->summary, "%.390s", err);
        }
        lesson_free(&l);
        g->n_entries++;
    }
    closedir(d);
    qsort(g->entries, (size_t)g->n_entries, sizeof g->entries[0], cmp_entries);
}

int gui_lesson_open(Gui *g, const char *path, double now)
{
    if (g->have_lesson)
        lesson_free(&g->lesson);
    g->have_lesson = 0;
    g->lesson_error[0] = '\0';
    g->start_screen = 0;
    Lesson l;
    if (lesson_load(&l, path, g->lesson_error, sizeof g->lesson_error) != 0) {
        lesson_free(&l);
        return -1;
    }
    g->lesson = l;
    g->have_lesson = 1;
    gui_lesson_goto(g, 0, now);
    return g->lesson_error[0] ? -1 : 0;
}

void gui_lesson_goto(Gui *g, int k, double now)
{
    if (!g->have_lesson || k < 0 || k >= g->lesson.n_steps)
        return;
    const LessonStep *st = &g->lesson.steps[k];
    g->step = k;
    g->lesson_scroll = 0;
    Config base, cfg;
    config_default(&base);
    char err[LESSON_ERR_LEN];
    if (lesson_config_at(&g->lesson, k, &base, &cfg, err, sizeof err) != 0) {
        snprintf(g->lesson_error, sizeof g->lesson_error, "%s", err);
        return;
    }
    Config resolved = cfg;
    config_resolve(&resolved, err, sizeof err);
    /* compare mode: the latest compare= up to this step, unless it said off */
    const char *cmp = NULL;
    for (int s2 = 0; s2 <= k; s2++)
        if (g->lesson.steps[s2].compare)
            cmp = strcmp(g->lesson.steps[s2].compare, "off") ? g->lesson.steps[s2].compare : NULL;
    char want_spec[600] = "", have_spec[600] = "";
    if (cmp)
        snprintf(want_spec, sizeof want_spec, "%s", cmp);
    if (g->cmp.on)
        snprintf(have_spec, sizeof have_spec, "%s=%s,%s", g->cmp.key, g->cmp.values[0], g->cmp.values[1]);
    if (strcmp(want_spec, have_spec) != 0 || (cmp && (st->reset || needs_restart(&resolved, &g->tr.cfg)))) {
        if (start_run(g, &cfg, err, sizeof err) != 0) {
            snprintf(g->lesson_error, sizeof g->lesson_error, "%.200s:%d: %.380s", g->lesson.path, st->line, err);
            return;
        }
        gui_compare(g, cmp, now);
        if (cmp && !g->cmp.on) {
            snprintf(g->lesson_error, sizeof g->lesson_error, "%.200s:%d: %.380s", g->lesson.path, st->line, g->status);
            return;
        }
    } else if (st->reset || needs_restart(&resolved, &g->tr.cfg) || g->diverged || g->cmp.diverged) {
        char e2[CONFIG_ERR_LEN + 128];
        if (g->cmp.on ? compare_restart(g, &cfg, e2, sizeof e2) != 0 : start_run(g, &cfg, e2, sizeof e2) != 0) {
            snprintf(g->lesson_error, sizeof g->lesson_error, "%.200s:%d: %.380s", g->lesson.path, st->line, e2);
            return;
        }
    } else {
        trainer_set_training(&g->tr, &resolved);
        if (g->cmp.on) {
            Config b;
            char e2[CONFIG_ERR_LEN + 128];
            if (compare_config(&resolved, g->cmp.key, g->cmp.values[1], &b, e2, sizeof e2) == 0) {
                config_resolve(&b, e2, sizeof e2);
                trainer_set_training(&g->cmp.tr, &b);
            }
        }
        g->cfg = g->tr.cfg;
        g->clip_choice = g->cfg.clip > 0 ? 1 + (int)g->cfg.clip_mode : 0;
        if (g->cfg.clip > 0)
            g->clip_value = g->cfg.clip;
    }
    /* which views: all, then every step's show/hide up to this one */
    for (int v = 0; v < VIEW_COUNT; v++)
        g->visible[v] = 1;
    for (int s = 0; s <= k; s++)
        for (int v = 0; v < VIEW_COUNT; v++) {
            if (g->lesson.steps[s].show[v])
                g->visible[v] = 1;
            if (g->lesson.steps[s].hide[v])
                g->visible[v] = 0;
        }
    g->focus = st->focus;
    g->enlarged = -1;
    g->answer_shown = 0;
    g->run_left = g->run_total = st->run;
    g->waiting = st->question && st->run;
    if (st->run)
        g->running = !g->waiting;
    if (st->pause || !st->run)
        g->running = 0;
    gui_status(g, now, "Step %d of %d: %s", k + 1, g->lesson.n_steps, st->heading);
}

void gui_lesson_jump(Gui *g, int k, double now)
{
    if (!g->have_lesson || k < 0 || k >= g->lesson.n_steps)
        return;
    if (k != g->step + 1) {
        for (int s = 0; s < k; s++) {
            gui_lesson_goto(g, s, now);
            gui_lesson_run(g);
        }
    } else if (g->run_left > 0 || g->waiting) {
        gui_lesson_run(g);
    }
    gui_lesson_goto(g, k, now);
}

void gui_lesson_run(Gui *g)
{
    g->waiting = 0;
    if (g->run_left > 0)
        gui_train(g, g->run_left);
    g->run_left = 0;
    g->running = 0;
    g->answer_shown = 1;
}

static double quantity(Gui *g, const char *q, long ran)
{
    const Trainer *tr = &g->tr;
    const Observables *o = &tr->obs;
    const History *h = &tr->hist;
    int T = tr->T;
    int last = ran < 20 ? (int)ran : 20;
    if (last > h->count)
        last = h->count;
    if (!strcmp(q, "loss") || !strcmp(q, "metric")) {
        double sum = 0;
        for (int i = h->count - last; i < h->count; i++) {
            int k = history_index(h, i);
            sum += !strcmp(q, "loss") ? h->loss[k] : h->metric[k];
        }
        return last ? sum / last : (!strcmp(q, "loss") ? o->loss : o->metric);
    }
    if (!strcmp(q, "final_loss"))
        return o->loss;
    if (!strcmp(q, "grad_first"))
        return o->dh_norm[0];
    if (!strcmp(q, "grad_last"))
        return o->dh_norm[T - 1];
    if (!strcmp(q, "grad_ratio"))
        return o->dh_norm[0] / o->dh_norm[T - 1];
    if (!strcmp(q, "cell_ratio"))
        return o->dc_norm[0] / o->dc_norm[T - 1];
    if (!strcmp(q, "sigma_max")) {
        double m = 0;
        for (int b = 0; b < o->n_blocks; b++)
            m = o->sigma_max[b] > m ? o->sigma_max[b] : m;
        return m;
    }
    if (!strcmp(q, "diverged"))
        return g->diverged;
    if (!strcmp(q, "clipped_fraction")) {
        int n = ran < h->count ? (int)ran : h->count, c = 0;
        for (int i = h->count - n; i < h->count; i++)
            c += h->clipped[history_index(h, i)];
        return n ? (double)c / n : 0;
    }
    if (!strcmp(q, "step"))
        return (double)tr->step;
    if (!strcmp(q, "baseline"))
        return task_baseline(&tr->task);
    return NAN;
}

int gui_lesson_check(Gui *g, int k, char *report, size_t len)
{
    const LessonStep *st = &g->lesson.steps[k];
    int bad = 0;
    size_t used = 0;
    if (report && len)
        report[0] = '\0';
    static const char *const OPS[] = {"<", "<=", ">", ">=", "="};
    for (int i = 0; i < st->n_checks; i++) {
        const Check *c = &st->checks[i];
        double v = quantity(g, c->quantity, st->run);
        double want = c->times_baseline ? c->value * task_baseline(&g->tr.task) : c->value;
        int ok = c->op == CHECK_LT ? v < want : c->op == CHECK_LE ? v <= want : c->op == CHECK_GT ? v > want
                 : c->op == CHECK_GE ? v >= want : v == want;
        if (!ok) {
            bad++;
            if (report && used < len)
                used += (size_t)snprintf(report + used, len - used, "%s:%d: claim '%s %s %g%s' is false: %s = %.6g\n",
                                         g->lesson.path, c->line, c->quantity, OPS[c->op], c->value,
                                         c->times_baseline ? "*baseline" : "", c->quantity, v);
        }
    }
    return bad;
}

/* The lesson panel: title, step k of n and its heading, its text, the question, and the
 * buttons; or the error of a lesson that did not load. */
static void lesson_panel(Gui *g, Rect r, double now)
{
    Ui *ui = &g->ui;
    const Theme *t = ui->theme;
    int pad = ui_px(ui, 12), size = ui_text_size(ui), big = ui_px(ui, 19);
    draw_rect(ui->dl, r, t->panel);
    draw_frame(ui->dl, r, t->border, 1);
    if (!g->have_lesson || g->lesson_error[0]) {
        draw_text(ui->dl, r.x + pad, r.y + pad, big, t->text, "Lesson");
        ui_text_wrapped(ui, (Rect){r.x + pad, r.y + pad + big + pad, r.w - 2 * pad, r.h}, g->lesson_error,
                        size, t->grad);
        return;
    }
    const Lesson *l = &g->lesson;
    const LessonStep *st = &l->steps[g->step];
    /* the header and the buttons stay; the text between scrolls */
    int y = r.y + pad;
    char title[256];
    plot_fit_text(ui, title, sizeof title, l->title, big, r.w - 2 * pad);
    draw_text(ui->dl, r.x + pad, y, big, t->text, title);
    y += big + ui_px(ui, 6);
    char head[300];
    snprintf(head, sizeof head, "Step %d of %d \u00b7 %s", g->step + 1, l->n_steps, st->heading);
    y += ui_text_wrapped(ui, (Rect){r.x + pad, y, r.w - 2 * pad, 0}, head, size, t->accent) + ui_px(ui, 4);
    draw_rect(ui->dl, (Rect){r.x + pad, y, r.w - 2 * pad, 1}, t->border);
    y += ui_px(ui, 8);

    int bh = ui_px(ui, 30), foot = bh + 2 * pad + size + ui_px(ui, 6);
    Rect body = {r.x + pad, y, r.w - 2 * pad, r.y + r.h - foot - y};
    if (rect_contains(body, ui->in.mouse_x, ui->in.mouse_y) && ui->in.wheel)
        g->lesson_scroll -= ui->in.wheel * ui_px(ui, 40);
    if (g->lesson_scroll < 0)
        g->lesson_scroll = 0;
    draw_clip(ui->dl, body);
    int cy = body.y - (int)g->lesson_scroll;
    for (int b = 0; b < st->n_blocks; b++) {
        const Block *bl = &st->blocks[b];
        int indent = bl->kind == BLOCK_ITEM ? ui_px(ui, 18) * (bl->depth + 1) : 0;
        if (bl->kind == BLOCK_ITEM && bl->marker[0])
            draw_text(ui->dl, body.x + indent - ui_px(ui, 16), cy, size, t->text_dim, bl->marker);
        Rect tr = {body.x + indent, cy, body.w - indent, 0};
        if (bl->kind == BLOCK_CODE) { /* line by line, as written */
            int small = ui_text_size_small(ui), lh = small + ui_px(ui, 3), lines = 0;
            const char *code = bl->n_spans ? bl->spans[0].text : "";
            for (const char *c = code; *c; c++)
                lines += *c == '\n';
            lines += code[0] && code[strlen(code) - 1] != '\n';
            draw_rect(ui->dl, (Rect){tr.x, cy, tr.w, lines * lh + ui_px(ui, 8)}, t->grid);
            int ly = cy + ui_px(ui, 4);
            for (const char *c = code; *c;) {
                const char *e = strchr(c, '\n');
                size_t len = e ? (size_t)(e - c) : strlen(c);
                char text[256];
                snprintf(text, sizeof text, "%.*s", (int)(len < 255 ? len : 255), c);
                draw_text(ui->dl, tr.x + ui_px(ui, 6), ly, small, t->text, text);
                ly += lh;
                c += len + (e ? 1 : 0);
            }
            cy += lines * lh + ui_px(ui, 14);
            continue;
        }
        cy += ui_rich_text(ui, tr, bl->spans, bl->n_spans, size, 0) +
              (bl->kind == BLOCK_ITEM ? ui_px(ui, 3) : ui_px(ui, 9));
    }
    if (st->question) {
        const Span *q = st->q_spans, *a = st->a_spans;
        int nq = st->n_q, na = st->n_a;
        int qh = ui_rich_text(ui, (Rect){body.x + pad, 0, body.w - 2 * pad, 0}, q, nq, size, 1);
        int ah = g->answer_shown ? ui_rich_text(ui, (Rect){body.x + pad, 0, body.w - 2 * pad, 0}, a, na, size, 1) + size + ui_px(ui, 10) : 0;
        Rect box = {body.x, cy, body.w, qh + ah + size + ui_px(ui, 22)};
        Color tint = t->accent;
        tint.a = 28;
        draw_rect(ui->dl, box, tint);
        draw_frame(ui->dl, box, t->accent, 1);
        int qy = cy + ui_px(ui, 6);
        draw_text(ui->dl, box.x + pad, qy, ui_text_size_small(ui), t->accent, "PREDICT, THEN RUN");
        qy += size + ui_px(ui, 2);
        qy += ui_rich_text(ui, (Rect){box.x + pad, qy, box.w - 2 * pad, 0}, q, nq, size, 0);
        if (g->answer_shown) {
            qy += ui_px(ui, 6);
            draw_text(ui->dl, box.x + pad, qy, ui_text_size_small(ui), t->accent, "ANSWER");
            qy += size + ui_px(ui, 2);
            ui_rich_text(ui, (Rect){box.x + pad, qy, box.w - 2 * pad, 0}, a, na, size, 0);
        }
        cy += box.h + ui_px(ui, 8);
    }
    int content = cy + (int)g->lesson_scroll - body.y;
    if (g->lesson_scroll > content - body.h)
        g->lesson_scroll = content > body.h ? content - body.h : 0;
    draw_unclip(ui->dl);

    /* the run's state and the buttons */
    int fy = r.y + r.h - foot + ui_px(ui, 4);
    char run[160];
    if (g->waiting)
        snprintf(run, sizeof run, "Predict first, then press space (or A) to run %ld steps.", g->run_total);
    else if (g->run_left > 0)
        snprintf(run, sizeof run, "Running: %ld of %ld steps\u2026", g->run_total - g->run_left, g->run_total);
    else if (g->run_total > 0 && (g->diverged || g->cmp.diverged))
        snprintf(run, sizeof run, "Stopped at step %ld: training diverged (see the banner).", g->tr.step);
    else if (g->run_total > 0)
        snprintf(run, sizeof run, "Ran %ld steps. %s", g->run_total,
                 st->question && !g->answer_shown ? "A shows the answer." : "");
    else if (st->question && !g->answer_shown)
        snprintf(run, sizeof run, "Think it over, then A shows the answer.");
    else
        snprintf(run, sizeof run, "Change anything; 'Restore step' puts this step back.");
    char fitted[200];
    plot_fit_text(ui, fitted, sizeof fitted, run, ui_text_size_small(ui), r.w - 2 * pad);
    draw_text(ui->dl, r.x + pad, fy, ui_text_size_small(ui), t->text_dim, fitted);
    int by = r.y + r.h - pad - bh, gap = ui_px(ui, 6);
    int bw = (r.w - 2 * pad - 2 * gap) / 3;
    if ((ui_button_ex(ui, (Rect){r.x + pad, by, bw, bh}, "\u25c2 Back", "The previous step (Page Up).", 0) & UI_CLICKED) && g->step > 0)
        gui_lesson_jump(g, g->step - 1, now);
    if (ui_button_ex(ui, (Rect){r.x + pad + bw + gap, by, bw, bh}, "Restore step",
                     "Put this step's settings back, as the lesson set them.", 0) & UI_CLICKED)
        gui_lesson_goto(g, g->step, now);
    if ((ui_button_ex(ui, (Rect){r.x + pad + 2 * (bw + gap), by, r.w - 2 * pad - 2 * (bw + gap), bh}, "Next \u25b8",
                      "The next step (Page Down).", g->step + 1 < l->n_steps && g->run_left == 0 && !g->waiting) & UI_CLICKED) &&
        g->step + 1 < l->n_steps)
        gui_lesson_jump(g, g->step + 1, now);
}

/* Without a lesson: the lessons found, and free play. */
static void start_screen(Gui *g, Rect r, double now)
{
    Ui *ui = &g->ui;
    const Theme *t = ui->theme;
    int pad = ui_px(ui, 18), size = ui_text_size(ui), big = ui_px(ui, 26);
    draw_rect(ui->dl, r, t->bg);
    draw_text(ui->dl, r.x + pad, r.y + pad, big, t->text, "rnnlab: why recurrent networks are hard to train");
    int y = r.y + pad + big + ui_px(ui, 8);
    y += ui_text_wrapped(ui, (Rect){r.x + pad, y, r.w - 2 * pad, 0},
                         "Pick a lesson: each step sets the window up, says what to watch, and asks you to "
                         "predict before it runs. Or play freely with every setting (Esc).",
                         size, t->text_dim) + pad;
    int cols = r.w > ui_px(ui, 900) ? 2 : 1, gap = ui_px(ui, 12);
    int cw = (r.w - 2 * pad - (cols - 1) * gap) / cols, ch = ui_px(ui, 74);
    for (int i = 0; i <= g->n_entries; i++) {
        int col = i % cols, row = i / cols;
        Rect b = {r.x + pad + col * (cw + gap), y + row * (ch + gap), cw, ch};
        if (b.y + b.h > r.y + r.h)
            break;
        const char *title = i < g->n_entries ? g->entries[i].title : "Free play";
        const char *sum = i < g->n_entries ? g->entries[i].summary
                                           : "Every control, no script: train anything and watch.";
        uint32_t id = ui_id(g->entries + (i < GUI_MAX_LESSONS ? i : 0), title);
        int f = ui_interact(ui, id, b);
        draw_rect(ui->dl, b, (f & UI_HOVERED) ? t->button_hot : t->plot_bg);
        draw_frame(ui->dl, b, (f & UI_HOVERED) ? t->accent : t->border, 1);
        char line[200];
        plot_fit_text(ui, line, sizeof line, title, size + ui_px(ui, 2), b.w - 2 * ui_px(ui, 10));
        draw_text(ui->dl, b.x + ui_px(ui, 10), b.y + ui_px(ui, 8), size + ui_px(ui, 2), t->text, line);
        draw_clip(ui->dl, b);
        ui_text_wrapped(ui, (Rect){b.x + ui_px(ui, 10), b.y + ui_px(ui, 14) + size, b.w - 2 * ui_px(ui, 10), 0},
                        sum, ui_text_size_small(ui), t->text_dim);
        draw_unclip(ui->dl);
        if (f & UI_CLICKED) {
            if (i < g->n_entries)
                gui_lesson_open(g, g->entries[i].path, now);
            g->start_screen = 0;
        }
    }
}

/* ---- compare mode ---- */

int compare_parse(const char *spec, char *key, size_t key_len, char values[2][256], char *err, size_t errlen)
{
    const char *eq = spec ? strchr(spec, '=') : NULL;
    const char *comma = eq ? strchr(eq + 1, ',') : NULL;
    if (!eq || !comma || eq == spec || comma == eq + 1 || !comma[1] || strchr(comma + 1, ',')) {
        snprintf(err, errlen, "compare %s: expected KEY=A,B with two values (for example model=rnn,lstm or rho=0.9,1.1)",
                 spec ? spec : "");
        return -1;
    }
    snprintf(key, key_len, "%.*s", (int)(eq - spec), spec);
    snprintf(values[0], 256, "%.*s", (int)(comma - eq - 1), eq + 1);
    snprintf(values[1], 256, "%s", comma + 1);
    if (!strcmp(values[0], values[1])) {
        snprintf(err, errlen, "compare %s: the two values are the same", spec);
        return -1;
    }
    return 0;
}

int compare_config(const Config *base, const char *key, const char *value, Config *out, char *err, size_t errlen)
{
    char pair[600], msg[CONFIG_ERR_LEN];
    *out = *base;
    out->shape_given = out->loss_given = -1;
    snprintf(pair, sizeof pair, "%s=%s", key, value);
    if (config_set(out, pair, msg, sizeof msg) != 0) {
        snprintf(err, errlen, "compare: %s", msg);
        return -1;
    }
    if (!strcmp(key, "task")) /* a task picks its own lengths */
        out->seq_len = out->lag = out->hidden = out->symbols = 0;
    Config probe = *out;
    if (config_resolve(&probe, msg, sizeof msg) != 0) {
        snprintf(err, errlen, "compare %s=%s: %s", key, value, msg);
        return -1;
    }
    return 0;
}

static void compare_end(Gui *g)
{
    if (g->cmp.have)
        trainer_destroy(&g->cmp.tr);
    memset(&g->cmp, 0, sizeof g->cmp);
}

/* (Re)starts both runs from the panel's configuration. */
static int compare_restart(Gui *g, const Config *base, char *err, size_t errlen)
{
    Config a, b;
    if (compare_config(base, g->cmp.key, g->cmp.values[0], &a, err, errlen) != 0 ||
        compare_config(base, g->cmp.key, g->cmp.values[1], &b, err, errlen) != 0)
        return -1;
    Trainer fresh;
    if (trainer_create(&fresh, &b, err, errlen) != 0)
        return -1;
    if (start_run(g, &a, err, errlen) != 0) {
        trainer_destroy(&fresh);
        return -1;
    }
    if (g->cmp.have)
        trainer_destroy(&g->cmp.tr);
    g->cmp.tr = fresh;
    g->cmp.have = 1;
    g->cmp.diverged = 0;
    trainer_preview(&g->cmp.tr);
    return 0;
}

int gui_compare(Gui *g, const char *spec, double now)
{
    if (!spec || !*spec) {
        compare_end(g);
        return 0;
    }
    Compare c = {0};
    char err[CONFIG_ERR_LEN + 128];
    if (compare_parse(spec, c.key, sizeof c.key, c.values, err, sizeof err) != 0) {
        gui_status(g, now, "%s", err);
        return -1;
    }
    Config base = g->tr.cfg;
    compare_end(g);
    g->cmp = c;
    g->cmp.on = 1;
    for (int r = 0; r < 2; r++)
        snprintf(g->cmp.labels[r], sizeof g->cmp.labels[r], "%c: %.31s=%.255s", (char)('A' + r), c.key, c.values[r]);
    if (compare_restart(g, &base, err, sizeof err) != 0) {
        compare_end(g);
        gui_status(g, now, "Not compared: %s", err);
        return -1;
    }
    gui_status(g, now, "Comparing %s=%s with %s=%s: the same data, the same seed.", c.key, c.values[0], c.key, c.values[1]);
    return 0;
}

/* ---- time travel ---- */

size_t gui_snapshot_bytes(const Gui *g)
{
    size_t n = 0;
    for (int i = 0; i < GUI_SNAPSHOTS; i++)
        if (g->snaps[i].block)
            n += 4 * g->tr.n_params * sizeof(double);
    return n;
}

/* The snapshots' indices, oldest first. */
static int snapshots_sorted(const Gui *g, int order[GUI_SNAPSHOTS])
{
    int n = 0;
    for (int i = 0; i < GUI_SNAPSHOTS; i++)
        if (g->snaps[i].block)
            order[n++] = i;
    for (int a = 1; a < n; a++)
        for (int b = a; b > 0 && g->snaps[order[b]].step < g->snaps[order[b - 1]].step; b--) {
            int x = order[b];
            order[b] = order[b - 1];
            order[b - 1] = x;
        }
    return n;
}

Trainer *gui_shown(Gui *g) { return g->scrub >= 0 && g->have_scrub ? &g->scrub_tr : &g->tr; }

long gui_scrub(Gui *g, int i)
{
    int order[GUI_SNAPSHOTS], n = snapshots_sorted(g, order);
    if (i < 0 || i >= n) {
        g->scrub = -1;
        return g->tr.step;
    }
    const Snapshot *s = &g->snaps[order[i]];
    char err[CONFIG_ERR_LEN];
    if (g->have_scrub && memcmp(&g->scrub_tr.cfg, &g->tr.cfg, sizeof(Config)) != 0) {
        trainer_destroy(&g->scrub_tr);
        g->have_scrub = 0;
    }
    if (!g->have_scrub) {
        if (trainer_create(&g->scrub_tr, &g->tr.cfg, err, sizeof err) != 0)
            return g->tr.step;
        g->have_scrub = 1;
    }
    Trainer *st = &g->scrub_tr;
    memcpy(st->block, s->block, 4 * st->n_params * sizeof(double));
    st->step = s->step;
    st->opt_step = s->opt_step;
    st->rng_data = s->rng;
    st->spectrum.step = -1;
    history_copy_until(&st->hist, &g->tr.hist, s->step);
    trainer_preview(st);
    g->scrub = i;
    g->running = 0;
    return s->step;
}

/* The timeline under the views: drag back through the snapshots; right end = live. */
static void timeline(Gui *g, Rect r)
{
    Ui *ui = &g->ui;
    int order[GUI_SNAPSHOTS], n = snapshots_sorted(g, order);
    if (n < 2)
        return;
    const Theme *t = ui->theme;
    int pos = g->scrub >= 0 ? g->scrub : n, before = pos, size = ui_text_size_small(ui);
    char label[160];
    if (g->scrub >= 0)
        snprintf(label, sizeof label, "time travel: step %ld (snapshot %d of %d) \u2014 play returns to now",
                 g->snaps[order[g->scrub]].step, g->scrub + 1, n);
    else
        snprintf(label, sizeof label, "time travel: %d snapshots, every %ld steps \u2014 drag left to look back",
                 n, g->snapshot_every);
    int lw = ui_text_width(ui, label, size) + ui_px(ui, 12);
    draw_text(ui->dl, r.x, r.y + (r.h - size) / 2, size, g->scrub >= 0 ? t->accent : t->text_dim, label);
    Rect track = {r.x + lw, r.y, r.w - lw, r.h};
    double v = pos;
    ui_slider_ex(ui, track, "", &v, 0, n, 0, "", "Look at the views as they were at an earlier snapshot.");
    pos = (int)lround(v);
    if (pos != before)
        gui_scrub(g, pos >= n ? -1 : pos);
}
