/* gui.c: the window's frame without SDL: input and commands first, then the side panel,
 * the views of the newest published state, the lesson panel and the status line. Bad
 * input never ends the run: a configuration the session rejects is reported in the status
 * line and the panel returns to the settings in use. The panel is gui_panel.c, the lesson
 * gui_lesson.c, the keys and the timeline gui_keys.c. */
#include "gui.h"

#include "../core/csv.h"
#include "../ui/plot.h"
#include "compare.h"
#include "datadir.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The panel shows the run's configuration (and its clipping as a choice). */
static void adopt_config(Gui *g)
{
    g->cfg = g->sent = g->st->run[0].cfg;
    g->clip_choice = g->cfg.clip > 0 ? 1 + (int)g->cfg.clip_mode : 0;
    if (g->cfg.clip > 0)
        g->clip_value = g->cfg.clip;
    g->set_forget = g->cfg.has_forget_bias;
    g->cfg_seq = g->st->cfg_seq;
}

int gui_create(Gui *g, const Config *cfg, size_t budget, TextMeasure measure, char *err, size_t errlen)
{
    memset(g, 0, sizeof *g);
    g->session = session_create(cfg, budget, err, errlen);
    if (!g->session)
        return -1;
    g->scratch = view_scratch_create();
    draw_init(&g->dl);
    ui_init(&g->ui, &g->dl, measure);
    g->speed = GUI_DEFAULT_SPEED;
    g->presenter = 1;
    g->dpi = 1;
    g->enlarged = -1;
    g->clip_value = 1.0;
    g->vs.hover_t = -1;
    g->focus = -1;
    g->lesson_at = -1;
    datadir_lessons(g->lesson_dir, sizeof g->lesson_dir);
    for (int i = 0; i < VIEW_COUNT; i++)
        g->visible[i] = 1;
    session_command(g->session, SESSION_SPEED, gui_speed_steps(g->speed));
    /* every view is visible at first */
    g->wants_sent = SESSION_WANT_SPECTRUM | SESSION_WANT_TERMS;
    session_command(g->session, SESSION_WANT, g->wants_sent);
    g->st = session_state(g->session);
    adopt_config(g);
    g->msg_seq = g->st->msg_seq;
    return 0;
}

void gui_destroy(Gui *g)
{
    session_destroy(g->session);
    if (g->have_lesson)
        lesson_free(&g->lesson);
    view_scratch_destroy(g->scratch);
    draw_free(&g->dl);
    memset(g, 0, sizeof *g);
}

int gui_wait(Gui *g, double timeout_s)
{
    int r = session_wait_idle(g->session, timeout_s);
    g->st = session_state(g->session);
    if (g->st->cfg_seq != g->cfg_seq)
        adopt_config(g);
    return r;
}

void gui_train(Gui *g, long n)
{
    session_command(g->session, SESSION_RUN, n);
    gui_wait(g, -1);
}

const RunView *gui_shown(const Gui *g)
{
    return g->st->scrub_index >= 0 && g->st->scrub.valid ? &g->st->scrub : &g->st->run[0];
}

void gui_sync_settings(Gui *g, double now)
{
    const SessionState *st = g->st;
    if (st->msg_seq != g->msg_seq) {
        g->msg_seq = st->msg_seq;
        gui_status(g, now, "%s", st->message);
    }
    if (st->cfg_seq != g->cfg_seq) { /* the session changed the run: the panel follows */
        adopt_config(g);
        return;
    }
    GuiSettings now_set = {g->cfg, g->clip_choice, g->clip_value, g->set_forget};
    Config want = gui_settings_config(&now_set);
    int dragging = g->ui.in.mouse_down;
    if (memcmp(&want, &g->sent, sizeof want) == 0 && !(g->restart_pending && !dragging))
        return;
    SessionCommand c = {.kind = SESSION_CONFIG, .cfg = want, .defer_restart = dragging};
    session_send(g->session, &c);
    g->sent = want;
    g->restart_pending = dragging;
}

int gui_export_csv(const Gui *g, const char *path, char *err, size_t errlen)
{
    return csv_write_history(path, &g->st->run[0].hist, g->st->run[0].cfg.seed, err, errlen);
}

int gui_apply_config(Gui *g, const Config *cfg)
{
    SessionCommand c = {.kind = SESSION_APPLY, .cfg = *cfg};
    session_send(g->session, &c);
    session_command(g->session, SESSION_PLAY, 0);
    return 0;
}

int gui_apply_line(Gui *g, const char *line, double now)
{
    Config cfg;
    char err[CONFIG_ERR_LEN + 64];
    config_default(&cfg);
    if (config_parse_line(&cfg, line, err, sizeof err) != 0 || config_resolve(&cfg, err, sizeof err) != 0) {
        gui_status(g, now, "Not applied: %s", err);
        return -1;
    }
    return gui_apply_config(g, &cfg);
}

int gui_apply_file(Gui *g, const char *path, double now)
{
    if (lesson_is_lesson_path(path))
        return gui_lesson_open(g, path, now);
    Config cfg;
    char err[CONFIG_ERR_LEN + 64];
    config_default(&cfg);
    if (config_load_file(&cfg, path, err, sizeof err) != 0 || config_resolve(&cfg, err, sizeof err) != 0) {
        gui_status(g, now, "Not opened: %s", err);
        return -1;
    }
    gui_status(g, now, "Opened the experiment %s.", path);
    return gui_apply_config(g, &cfg);
}

int gui_compare(Gui *g, const char *spec, double now)
{
    SessionCommand c = {.kind = SESSION_COMPARE};
    if (spec && *spec) {
        CompareSpec parsed;
        char err[CONFIG_ERR_LEN + 128];
        if (compare_parse(&parsed, spec, err, sizeof err) != 0) {
            gui_status(g, now, "%s", err);
            return -1;
        }
        snprintf(c.text, sizeof c.text, "%s", spec);
    }
    session_send(g->session, &c);
    return 0;
}

/* ---- the main area ---- */

static int view_wanted(const Gui *g, int v, const RunView *rv)
{
    return g->visible[v] && (!VIEWS[v].has_content || VIEWS[v].has_content(rv));
}

/* Lays the grid out in rows: as many views as fit at a readable size (the presenter scale
 * makes them bigger); the first by rank win, the rest wait for a larger window, 1-6 or Z. */
static void layout_grid(Gui *g, Rect rest, const int *views, int n)
{
    Ui *ui = &g->ui;
    int gap = ui_px(ui, 8);
    int min_w = ui_px(ui, 250), min_h = ui_px(ui, 140);
    int per_row_fit = rest.w / min_w, rows_fit = (rest.h + gap) / (min_h + gap);
    per_row_fit = per_row_fit < 1 ? 1 : per_row_fit > 3 ? 3 : per_row_fit;
    rows_fit = rows_fit < 1 ? 1 : rows_fit;
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
            g->view_rects[views[i]] = (Rect){x, y, k == count - 1 ? rest.x + rest.w - x : w, h};
            x += w + gap;
        }
        y += h + gap;
    }
}

static void layout_views(Gui *g, Rect main, const RunView *rv)
{
    int gap = ui_px(&g->ui, 8);
    for (int v = 0; v < VIEW_COUNT; v++)
        g->view_rects[v] = (Rect){0, 0, 0, 0};
    g->views_dropped = 0;
    if (g->enlarged >= 0 && g->visible[g->enlarged]) {
        g->view_rects[g->enlarged] = main;
        return;
    }
    /* the band on top, then the grid by rank (the gradient first: the point of the tool);
     * a view with nothing to show (a vanilla RNN's gates) yields its room */
    int grid[VIEW_COUNT], n = 0, top = -1;
    for (int v = 0; v < VIEW_COUNT; v++) {
        if (!view_wanted(g, v, rv))
            continue;
        if (VIEWS[v].top)
            top = v;
        else
            grid[n++] = v;
    }
    for (int a = 1; a < n; a++)
        for (int b = a; b > 0 && VIEWS[grid[b]].layout_rank < VIEWS[grid[b - 1]].layout_rank; b--) {
            int x = grid[b];
            grid[b] = grid[b - 1];
            grid[b - 1] = x;
        }
    Rect rest = main;
    int focus = g->focus >= 0 && view_wanted(g, g->focus, rv) ? g->focus : -1;
    if (focus >= 0 && n + (top >= 0) > 1) {
        /* a lesson's step points at a view: it takes half the room (well over a third), the
         * others share the rest (those that do not fit wait) */
        int others[VIEW_COUNT], m = 0;
        if (top >= 0 && top != focus)
            others[m++] = top;
        for (int i = 0; i < n; i++)
            if (grid[i] != focus)
                others[m++] = grid[i];
        Rect f = main;
        if (main.w * 3 >= main.h * 4) { /* wide: the focused view on the left */
            f.w = main.w / 2;
            rest = (Rect){main.x + f.w + gap, main.y, main.w - f.w - gap, main.h};
        } else {                         /* tall: on top */
            f.h = main.h / 2;
            rest = (Rect){main.x, main.y + f.h + gap, main.w, main.h - f.h - gap};
        }
        g->view_rects[focus] = f;
        layout_grid(g, rest, others, m);
        return;
    }
    if (top >= 0) {
        int h = n ? main.h * (g->presenter > 1.3f ? 26 : 30) / 100 : main.h;
        g->view_rects[top] = (Rect){main.x, main.y, main.w, h};
        rest.y += h + gap;
        rest.h -= h + gap;
    }
    if (n)
        layout_grid(g, rest, grid, n);
}

/* The banner's text (wrapped) above its button and hint; returns the height it needs. */
static int banner(Gui *g, Rect r, int measure_only)
{
    Ui *ui = &g->ui;
    const Theme *t = ui->theme;
    int size = ui_text_size(ui), pad = ui_px(ui, 8), bh = ui_px(ui, 30);
    char text[400];
    snprintf(text, sizeof text, "Diverged \u2014 %s. Training paused; the views show the last finite step.",
             g->st->run[0].event.message);
    long to = g->st->n_snaps ? g->st->snap_step[g->st->n_snaps - 1] : -1;
    char label[64];
    snprintf(label, sizeof label, "Rewind to step %ld (U)", to);
    const char *hint = "Then lower the learning rate or turn on clipping." UI_OR "Then lower lr or set clip.";
    int bw = ui_text_width(ui, label, size) + 2 * pad;
    int hint_beside = bw + pad + ui_title_width(ui, hint, size) <= r.w - 2 * pad;
    int th = ui_text_lines(ui, text, size, r.w - 2 * pad, INT_MAX) * (size + ui_px(ui, 3));
    int need = pad / 2 + th + pad / 2 + bh + (hint_beside ? 0 : size + ui_px(ui, 6)) + pad;
    if (measure_only)
        return need;
    draw_rect(ui->dl, r, t->banner);
    ui_push_clip(ui, r);
    ui_text_wrapped(ui, (Rect){r.x + pad, r.y + pad / 2, r.w - 2 * pad, r.h}, text, size, t->banner_text);
    Rect b = {r.x + pad, r.y + pad / 2 + th + pad / 2, bw, bh};
    if (ui_button_ex(ui, ui_id(ui, "rewind"), b, label, "Restore the newest snapshot taken before the divergence.", 0) &
        UI_CLICKED)
        session_command(g->session, SESSION_REWIND, 0);
    char fitted[120];
    ui_fit_title(ui, fitted, sizeof fitted, hint, size, r.w - 2 * pad);
    if (hint_beside)
        draw_text(ui->dl, b.x + b.w + pad, b.y + (b.h - size) / 2, size, t->banner_text, fitted);
    else
        draw_text(ui->dl, r.x + pad, b.y + b.h + ui_px(ui, 4), size, t->banner_text, fitted);
    ui_pop_clip(ui);
    return need;
}

/* View v of rv in r, inside its own rectangle. */
static void draw_view(Gui *g, int v, Rect r, const RunView *rv, ViewState *vs)
{
    ui_push_clip(&g->ui, r);
    VIEWS[v].draw(&g->ui, r, rv, vs, g->scratch);
    ui_pop_clip(&g->ui);
}

/* Compare mode: two columns, A and B, each its unfolded network, gradient and loss, on
 * shared axes. */
static void compare_columns(Gui *g, Rect main)
{
    Ui *ui = &g->ui;
    const Theme *t = ui->theme;
    const SessionState *st = g->st;
    for (int v = 0; v < VIEW_COUNT; v++)
        g->view_rects[v] = (Rect){0, 0, 0, 0};
    if (!st->run[1].valid)
        return;
    int gap = ui_px(ui, 8), cw = (main.w - gap) / 2;
    g->cmp_vs[0].loss_log = g->vs.loss_log;
    g->cmp_vs[0].layer_down = g->vs.layer_down;
    g->cmp_vs[0].grad_end = g->vs.grad_end;
    views_shared_ranges(&g->cmp_vs[0], &st->run[0], &st->run[1]);
    for (int r = 0; r < 2; r++) {
        ViewState *vs = &g->cmp_vs[r];
        if (r == 1) { /* B shares A's axes, keeps its own principal axes */
            double pca[2][256];
            memcpy(pca, vs->pca, sizeof pca);
            int pv = vs->pca_valid;
            *vs = g->cmp_vs[0];
            memcpy(vs->pca, pca, sizeof pca);
            vs->pca_valid = pv;
        }
        vs->label = st->labels[r];
        int x = main.x + r * (cw + gap), w = r ? main.x + main.w - x : cw;
        /* three views a column when there is room; else the unfolded network and the
         * gradient (the verdict under the views says how the losses compare) */
        int room = main.h >= ui_px(ui, 560);
        int h1 = main.h * (room ? 28 : 40) / 100, h2 = room ? main.h * 42 / 100 : main.h - h1 - gap;
        int h3 = main.h - h1 - h2 - 2 * gap;
        draw_view(g, VIEW_UNFOLDED, (Rect){x, main.y, w, h1}, &st->run[r], vs);
        draw_view(g, VIEW_GRADIENT, (Rect){x, main.y + h1 + gap, w, h2}, &st->run[r], vs);
        if (room)
            draw_view(g, VIEW_LOSS, (Rect){x, main.y + h1 + h2 + 2 * gap, w, h3}, &st->run[r], vs);
        if (st->diverged[1] && r == 1) {
            Rect b = {x, main.y, w, ui_text_size(ui) * 3};
            draw_rect(ui->dl, b, t->banner);
            char msg[800];
            snprintf(msg, sizeof msg, "Run %.300s diverged \u2014 %.400s", st->labels[1], st->run[1].event.message);
            ui_push_clip(ui, b);
            ui_text_wrapped(ui, (Rect){b.x + ui_px(ui, 6), b.y + ui_px(ui, 3), b.w - ui_px(ui, 12), b.h}, msg,
                            ui_text_size_small(ui), t->banner_text);
            ui_pop_clip(ui);
        }
    }
}

static void draw_views(Gui *g, const RunView *shown)
{
    Ui *ui = &g->ui;
    int wants = 0;
    for (int v = 0; v < VIEW_COUNT; v++) {
        Rect r = g->view_rects[v];
        if (r.w < ui_px(ui, 60) || r.h < ui_px(ui, 40))
            continue;
        wants |= (VIEWS[v].needs_spectrum ? SESSION_WANT_SPECTRUM : 0) | (VIEWS[v].needs_terms ? SESSION_WANT_TERMS : 0);
        draw_view(g, v, r, shown, &g->vs);
        if (v == g->focus) /* the view the lesson's step points at */
            draw_frame(ui->dl, (Rect){r.x - ui_px(ui, 3), r.y - ui_px(ui, 3), r.w + ui_px(ui, 6), r.h + ui_px(ui, 6)},
                       ui->theme->accent, (float)ui_px(ui, 3));
    }
    if (wants != g->wants_sent) {
        session_command(g->session, SESSION_WANT, wants);
        g->wants_sent = wants;
    }
}

/* "running step 3 of 1000 · 4.1 s a step · Esc cancels", when work takes longer than a
 * frame; empty otherwise. */
static void progress_text(const Gui *g, double now, char *out, size_t len)
{
    const SessionState *st = g->st;
    out[0] = '\0';
    double in_step = st->stepping ? now - st->work_started : 0;
    double per = st->seconds_per_step > in_step ? st->seconds_per_step : in_step;
    if (st->busy && st->work_total > 1)
        snprintf(out, len, "running step %ld of %ld \u00b7 %.2g s a step \u00b7 Esc cancels", st->work_done + 1,
                 st->work_total, per);
    else if (st->stepping && in_step > 0.1 && (st->running || st->work_total > 0))
        snprintf(out, len, "step %ld running for %.1f s \u00b7 Esc cancels", st->run[0].step + 1, in_step);
    else if (st->stepping && in_step > 0.1)
        snprintf(out, len, "the first pass, for the views, running for %.1f s", in_step);
    if (out[0] && st->seconds_per_step > 0.1 && !(st->busy && st->work_total > 1)) {
        size_t n = strlen(out);
        snprintf(out + n, len - n, " \u00b7 the last took %.1f s", st->seconds_per_step);
    }
}

/* Appends " · piece" to line when it still fits max_w; returns whether it did. */
static int append_fitting(const Ui *ui, char *line, size_t len, const char *piece, int size, int max_w)
{
    char trial[1024];
    snprintf(trial, sizeof trial, "%s%s%s", line, line[0] ? " \u00b7 " : "", piece);
    if (ui_text_width(ui, trial, size) > max_w)
        return 0;
    snprintf(line, len, "%s", trial);
    return 1;
}

/* The status line: a fresh message or the progress of long work first, then the run's
 * numbers by importance, as many as fit; never cut. */
static void status_line(Gui *g, Rect st_r, double now)
{
    Ui *ui = &g->ui;
    const Theme *t = ui->theme;
    const SessionState *st = g->st;
    const RunView *rv = gui_shown(g);
    const Observables *o = &rv->obs;
    int size = ui_text_size(ui), fresh = g->status[0] && now < g->status_until;
    char line[1024] = "", progress[160], piece[200];
    progress_text(g, now, progress, sizeof progress);
    if (fresh)
        plot_fit_text(ui, line, sizeof line, g->status, size, st_r.w);
    const char *state = st->diverged[0] ? "diverged" : progress[0] ? progress : st->running ? "training" : "paused";
    if (st->scrub_index >= 0 && st->scrub.valid)
        state = "looking back (play returns to now)";
    if (!append_fitting(ui, line, sizeof line, state, size, st_r.w) && !line[0])
        plot_fit_text(ui, line, sizeof line, state, size, st_r.w);
    snprintf(piece, sizeof piece, "step %ld", rv->step);
    int ok = append_fitting(ui, line, sizeof line, piece, size, st_r.w);
    snprintf(piece, sizeof piece, "loss %.4g%s", o->loss, st->compare && st->run[1].valid ? " (A)" : "");
    ok = ok && append_fitting(ui, line, sizeof line, piece, size, st_r.w);
    if (st->compare && st->run[1].valid) {
        snprintf(piece, sizeof piece, "loss %.4g (B)", st->run[1].obs.loss);
        ok = ok && append_fitting(ui, line, sizeof line, piece, size, st_r.w);
    }
    snprintf(piece, sizeof piece, "baseline %.4g", rv->baseline);
    ok = ok && append_fitting(ui, line, sizeof line, piece, size, st_r.w);
    snprintf(piece, sizeof piece, "grad norm %.3g%s", o->grad_norm, o->clipped ? " (clipped)" : "");
    ok = ok && append_fitting(ui, line, sizeof line, piece, size, st_r.w);
    snprintf(piece, sizeof piece, "%.0f steps/s", st->steps_per_s);
    ok = ok && append_fitting(ui, line, sizeof line, piece, size, st_r.w);
    if (ok && g->views_dropped && !st->compare && g->enlarged < 0) {
        snprintf(piece, sizeof piece, "%d view%s hidden for room (" VIEW_KEYS ", Z)", g->views_dropped,
                 g->views_dropped == 1 ? "" : "s");
        append_fitting(ui, line, sizeof line, piece, size, st_r.w);
    }
    draw_text(&g->dl, st_r.x, st_r.y + ui_px(ui, 4), size, fresh || progress[0] ? t->accent : t->text_dim, line);
}

/* Compare mode's verdict in one line: which run got its loss below a tenth of the
 * baseline, and when ("Loss below baseline/10: model=rnn not yet (step 200) \u00b7
 * model=lstm at step 150"). */
static void compare_summary(const Gui *g, char *out, size_t len)
{
    const SessionState *st = g->st;
    int used = snprintf(out, len, "Loss below baseline/10:");
    for (int r = 0; r < 2 && st->run[r].valid && used >= 0 && (size_t)used < len; r++) {
        long at = st->run[r].step_below_tenth, by = st->run[r].step;
        const char *label = st->labels[r], *colon = strchr(label, ':'); /* "A: model=rnn" -> "model=rnn" */
        const char *shown = colon && colon[1] == ' ' ? colon + 2 : label;
        if (at >= 0)
            used += snprintf(out + used, len - (size_t)used, "%s %s at step %ld", r ? " \u00b7" : "", shown, at);
        else
            used += snprintf(out + used, len - (size_t)used, "%s %s not yet (step %ld)", r ? " \u00b7" : "", shown, by);
    }
    if (!st->run[0].valid)
        out[0] = '\0';
}

/* What the picture shows, measured from the run itself, and what to try: one line under
 * the views. */
static void caption_text(const Gui *g, char *out, size_t len)
{
    const RunView *rv = gui_shown(g);
    const Observables *o = &rv->obs;
    int T = rv->T;
    out[0] = '\0';
    if (!rv->valid || T < 2 || rv->diverged)
        return;
    double first = o->dh_norm[0], last = o->dh_norm[T - 1];
    if (!(first > 0) || !(last > 0) || !isfinite(first) || !isfinite(last))
        return;
    double decades = log10(first / last);
    const CellKind *cell = cell_kind(rv->cfg.model);
    /* the loss against the memoryless baseline, over the last steps the history holds */
    const History *h = &rv->hist;
    double sum = 0;
    int n = h->count < 200 ? h->count : 200;
    for (int i = h->count - n; i < h->count; i++)
        sum += h->loss[history_index(h, i)];
    double ratio = n && rv->baseline > 0 ? sum / n / rv->baseline : NAN;
    const char *loss = !(ratio == ratio) ? ""
                       : ratio > 0.9 && ratio < 1.1 ? "; the loss sits at the baseline"
                       : ratio <= 0.9             ? "; the loss is below the baseline"
                                                   : "";
    const char *try_ = cell->has_cell_state ? "Try a longer seq_len."
                       : rv->cfg.optimizer != OPT_ADAM ? "Try model=lstm, or optimizer=adam."
                                                       : "Try model=lstm, or init=orthogonal.";
    if (decades < -2)
        snprintf(out, len,
                 "||dL/dh_t|| fades %.0f decades from t=%d back to t=0 (the band, right to left)%s. %s" UI_OR
                 "||dL/dh_t|| fades %.0f decades from t=%d back to t=0%s. %s" UI_OR
                 "||dL/dh_t|| fades %.0f decades back to t=0. %s",
                 -decades, T - 1, loss, try_, -decades, T - 1, loss, try_, -decades, try_);
    else if (decades > 2)
        snprintf(out, len,
                 "||dL/dh_t|| grows %.0f decades from t=%d back to t=0: it explodes. Try clipping norm, or a "
                 "smaller rho." UI_OR "||dL/dh_t|| grows %.0f decades back to t=0. Try clipping, or a smaller rho.",
                 decades, T - 1, decades);
    else
        snprintf(out, len, "||dL/dh_t|| stays within %.1f decades over all %d steps%s%s.", fabs(decades), T,
                 cell->has_cell_state ? " (see ||dL/dc_t|| too)" : ": it reaches t=0", loss);
}

/* The scale the window's size asks for: x1 up to 1280x800, larger screens larger, so text
 * keeps its size relative to the screen; the presenter scale multiplies it. */
static float fit_scale(int width, int height)
{
    float f = fminf((float)width / 1280.0f, (float)height / 800.0f);
    return f < 1 ? 1 : f > 3 ? 3 : f;
}

void gui_text_sizes(float presenter, int w, int h, int out[3])
{
    float scale = presenter * fit_scale(w, h);
    out[0] = ui_px_at(scale, UI_TEXT_SMALL_PX);
    out[1] = ui_px_at(scale, UI_TEXT_PX);
    out[2] = 0;
}

/* The collapsed panel: a strip with the button that opens it again. */
static void panel_strip(Gui *g, Rect r)
{
    Ui *ui = &g->ui;
    draw_rect(ui->dl, r, ui->theme->panel);
    draw_rect(ui->dl, (Rect){r.x + r.w - 1, r.y, 1, r.h}, ui->theme->border);
    int pad = ui_px(ui, 4);
    Rect b = {r.x + pad, r.y + pad, r.w - 2 * pad, ui_px(ui, 30)};
    if (ui_button_ex(ui, ui_id(ui, "panel-show"), b, "\u25b8", "Show the settings (Tab).", 0) & UI_CLICKED)
        g->panel_hidden = 0;
}

/* The caption's lines in width w: one, or two when its full form is longer (then wrapped). */
static int caption_lines(const Ui *ui, const char *text, int w)
{
    return ui_title_width(ui, text, ui_text_size_small(ui)) > w ? 2 : 1;
}

/* The caption under the views: one or two lines, in the first of its forms (UI_OR) that
 * two lines hold whole, else the last shortened. */
static void caption_line(Gui *g, Rect r, const char *text)
{
    Ui *ui = &g->ui;
    int size = ui_text_size_small(ui), lh = size + ui_px(ui, 3);
    char form[600];
    for (int level = 0;; level++) {
        int more = ui_title_form(form, sizeof form, text, level + 1);
        ui_title_form(form, sizeof form, text, level);
        if (!more || ui_text_lines(ui, form, size, r.w, 3) <= 2)
            break;
    }
    int lines = ui_text_lines(ui, form, size, r.w, 2);
    int y = r.y + (r.h - (lines == 2 ? 2 * lh - ui_px(ui, 3) : size)) / 2;
    ui_text_wrapped_max(ui, (Rect){r.x, y, r.w, 0}, form, size, ui->theme->text, 2);
}

GuiActions gui_frame(Gui *g, const GuiInput *in)
{
    GuiActions act = {0};
    g->st = session_state(g->session);
    draw_clear(&g->dl, in->width, in->height);
    ui_begin(&g->ui, &in->ui, theme_get(g->theme), g->presenter * g->dpi * fit_scale(in->width, in->height));
    gui_handle_keys(g, in, &act);
    g->st = session_state(g->session);
    const SessionState *st = g->st;

    Ui *ui = &g->ui;
    draw_rect(&g->dl, (Rect){0, 0, in->width, in->height}, ui->theme->bg);
    if (g->start_screen) { /* the list of lessons fills the window */
        gui_start_screen(g, (Rect){0, 0, in->width, in->height}, in->now);
        if (g->show_help)
            gui_help_overlay(g);
        ui_end(ui);
        gui_sync_settings(g, in->now);
        return act;
    }
    if (st->compare && !g->compare_seen && in->width < ui_px(ui, 1400))
        g->panel_hidden = 1; /* a race needs both columns wide; Tab brings the settings back */
    g->compare_seen = st->compare;
    int lesson_on = g->have_lesson || g->lesson_error[0];
    int panel_w = ui_px(ui, 290);
    if (lesson_on && in->width < ui_px(ui, 1200))
        panel_w = ui_px(ui, 240); /* the lesson panel needs the room */
    if (panel_w > in->width / 3)
        panel_w = in->width / 3;
    if (g->panel_hidden)
        panel_w = ui_px(ui, 34);
    int pad = ui_px(ui, 8);
    int status_h = ui_text_size(ui) + ui_px(ui, 10), caption_h = ui_text_size_small(ui) + ui_px(ui, 8);
    char caption[600] = "";
    if (st->compare)
        compare_summary(g, caption, sizeof caption);
    else if (!lesson_on)
        caption_text(g, caption, sizeof caption);
    if (!caption[0])
        caption_h = 0;
    else if (caption_lines(ui, caption, in->width - panel_w - 2 * pad) == 2)
        caption_h += ui_text_size_small(ui) + ui_px(ui, 3);
    Rect main = {panel_w + pad, pad, in->width - panel_w - 2 * pad, in->height - 2 * pad - status_h - caption_h};
    Rect lesson_r = {0, 0, 0, 0};
    if (lesson_on) {
        int lw = ui_px(ui, 360);
        if (lw > main.w * 2 / 5)
            lw = main.w * 2 / 5;
        if (lw < ui_px(ui, 280) && main.w > ui_px(ui, 700))
            lw = ui_px(ui, 280);
        lesson_r = (Rect){main.x + main.w - lw, main.y, lw, main.h + caption_h};
        main.w -= lw + pad;
    }
    Rect timeline_r = {main.x, main.y + main.h - ui_px(ui, 24), main.w, ui_px(ui, 24)};
    if (st->n_snaps > 1 && !st->compare)
        main.h -= timeline_r.h + pad / 2;
    if (st->diverged[0]) {
        int bh = banner(g, (Rect){main.x, main.y, main.w, 0}, 1);
        banner(g, (Rect){main.x, main.y, main.w, bh}, 0);
        main.y += bh + pad;
        main.h -= bh + pad;
    }
    const RunView *shown = gui_shown(g);
    g->vs.has_cursor = shown->past; /* looking back: a cursor on the loss plot at that step */
    g->vs.cursor_step = shown->step;
    if (st->compare)
        compare_columns(g, main);
    else
        layout_views(g, main, shown);
    draw_views(g, shown);
    if (caption_h)
        caption_line(g, (Rect){main.x, timeline_r.y + timeline_r.h + pad / 2, main.w, caption_h}, caption);
    if (lesson_r.w)
        gui_lesson_panel(g, lesson_r, in->now);
    if (st->n_snaps > 1 && !st->compare)
        gui_timeline(g, timeline_r);
    status_line(g, (Rect){main.x, in->height - status_h - pad / 2, in->width - main.x - pad, status_h}, in->now);
    if (g->panel_hidden)
        panel_strip(g, (Rect){0, 0, panel_w, in->height});
    else
        gui_panel(g, (Rect){0, 0, panel_w, in->height}, in->now);
    if (g->show_help)
        gui_help_overlay(g);
    ui_end(ui);
    gui_sync_settings(g, in->now);
    return act;
}
