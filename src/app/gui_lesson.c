/* gui_lesson.c: lessons in the window: opening one, moving between its steps (the text at
 * once, the runs in the session's background), checking a step's claims on the published
 * state, the lesson panel and the start screen. Parsing is lesson.c's. */
#include "gui.h"

#include "../ui/plot.h"
#include "../ui/rich.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- moving between steps ---- */

/* Step k as the session runs it. Returns 0, or -1 with the message in lesson_error. */
static int plan_step(Gui *g, int k, SessionLessonStep *out)
{
    const LessonStep *st = &g->lesson.steps[k];
    Config base;
    config_default(&base);
    char err[LESSON_ERR_LEN];
    memset(out, 0, sizeof *out);
    if (lesson_config_at(&g->lesson, k, &base, &out->cfg, err, sizeof err) != 0) {
        snprintf(g->lesson_error, sizeof g->lesson_error, "%s", err);
        return -1;
    }
    if (g->lesson_seed)
        out->cfg.seed = g->lesson_seed; /* lesson-check --seeds: the same steps from another seed */
    /* compare mode: the latest compare= up to this step, unless it said off */
    for (int s = 0; s <= k; s++)
        if (g->lesson.steps[s].compare)
            snprintf(out->compare, sizeof out->compare, "%s",
                     strcmp(g->lesson.steps[s].compare, "off") ? g->lesson.steps[s].compare : "");
    out->reset = st->reset;
    out->pause = st->pause;
    out->run = st->run;
    out->question = st->question != NULL;
    out->line = st->line;
    return 0;
}

void gui_lesson_show(Gui *g, int k, double now)
{
    const LessonStep *st = &g->lesson.steps[k];
    g->lesson_at = k;
    g->lesson_scroll = 0;
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
    gui_status(g, now, "Step %d of %d: %s", k + 1, g->lesson.n_steps, st->heading);
}

/* Sends the session steps[first .. k] (the last one opened, the others replayed); fresh:
 * from a new network. */
static void send_steps(Gui *g, int first, int k, int finish, int fresh)
{
    SessionLessonStep *steps = calloc((size_t)(k - first + 1), sizeof *steps);
    if (!steps) {
        snprintf(g->lesson_error, sizeof g->lesson_error, "out of memory");
        return;
    }
    for (int s = first; s <= k; s++)
        if (plan_step(g, s, &steps[s - first]) != 0) {
            free(steps);
            return;
        }
    g->lesson_error[0] = '\0';
    SessionCommand c = {.kind = SESSION_LESSON, .lesson_step = k, .finish = finish, .fresh = fresh,
                        .steps = steps, .n_steps = k - first + 1};
    session_send(g->session, &c);
    free(steps);
}

void gui_lesson_jump(Gui *g, int k, double now)
{
    if (!g->have_lesson || k < 0 || k >= g->lesson.n_steps)
        return;
    /* the session has this step set up (not still replaying toward it) */
    int caught_up = g->lesson_at >= 0 && g->st->lesson_step == g->lesson_at && !g->st->lesson_error[0];
    if (k == g->lesson_at + 1 && caught_up)
        send_steps(g, k, k, 1, 0);   /* forward by one: finish this step's run first */
    else if (k == g->lesson_at && caught_up)
        send_steps(g, k, k, 0, 0);   /* restore: this step's settings again */
    else
        send_steps(g, 0, k, 0, 1);   /* a jump: replay the steps before it, from scratch */
    gui_lesson_show(g, k, now);
}

void gui_lesson_run_step(Gui *g, int k, double now)
{
    if (!g->have_lesson || k < 0 || k >= g->lesson.n_steps)
        return;
    session_command(g->session, SESSION_SPEED, 0);
    if (k != g->lesson_at) /* (the step just opened is already set up: its run counts from there) */
        gui_lesson_jump(g, k, now);
    session_command(g->session, SESSION_ANSWERED, 0); /* headless: nobody to predict */
    gui_wait(g, -1);
    session_command(g->session, SESSION_SPEED, gui_speed_steps(g->speed));
    gui_wait(g, -1);
    g->runs_seen = g->st->runs_finished;
    g->answer_shown = 1;
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
    if (!g->n_entries) /* the list Next goes on through after the last step (once, not a frame) */
        gui_lessons_scan(g, g->lesson_dir);
    g->panel_hidden = 1; /* the lesson's panel and the views take the room; Tab shows the settings */
    g->lesson_at = -1;
    send_steps(g, 0, 0, 0, 1);
    if (g->lesson_error[0])
        return -1;
    gui_lesson_show(g, 0, now);
    return 0;
}

/* ---- checking claims ---- */

static double quantity(const Gui *g, const char *q, long ran)
{
    const RunView *rv = &g->st->run[0];
    const Observables *o = &rv->obs;
    const History *h = &rv->hist;
    int T = rv->T;
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
        return runview_grad_ratio(rv);
    if (!strcmp(q, "cell_ratio"))
        return runview_cell_ratio(rv);
    if (!strcmp(q, "depth_ratio"))
        return runview_depth_ratio(rv);
    if (!strcmp(q, "layer_ratio"))
        return runview_layer_ratio(rv);
    if (!strcmp(q, "sigma_max"))
        return runview_sigma_max(rv);
    if (!strcmp(q, "diverged"))
        return g->st->diverged[0];
    if (!strcmp(q, "clipped_fraction"))
        return runview_clipped_fraction(rv, ran, NULL);
    if (!strcmp(q, "step"))
        return (double)rv->step;
    if (!strcmp(q, "baseline"))
        return rv->baseline;
    return NAN;
}

/* Run r's (of a seeds=K step) value of q: loss and metric as means over the last 20 steps
 * of the run (as quantity()), final_loss and grad_ratio at its last step. */
static double run_quantity(const Gui *g, const char *q, long ran, int r)
{
    const History *h = &g->st->run[0].hist;
    if (h->count == 0)
        return NAN;
    int newest = history_index(h, h->count - 1);
    if (!strcmp(q, "final_loss"))
        return history_seed_value(h, newest, r, SEED_LOSS);
    if (!strcmp(q, "grad_ratio"))
        return history_seed_value(h, newest, r, SEED_GRAD_RATIO);
    int v = !strcmp(q, "loss") ? SEED_LOSS : SEED_METRIC;
    int last = ran < 20 ? (int)ran : 20;
    last = last < 1 ? 1 : last > h->count ? h->count : last;
    double sum = 0;
    for (int i = h->count - last; i < h->count; i++)
        sum += history_seed_value(h, history_index(h, i), r, v);
    return sum / last;
}

static int compare(CheckOp op, double v, double want)
{
    return op == CHECK_LT ? v < want : op == CHECK_LE ? v <= want : op == CHECK_GT ? v > want
           : op == CHECK_GE ? v >= want : v == want;
}

int gui_lesson_claim(Gui *g, int k, int c, double *value)
{
    const LessonStep *st = &g->lesson.steps[k];
    const Check *ch = &st->checks[c];
    if (!lesson_check_applies(ch, g->st->run[0].cfg.seed))
        return -1;
    double want = ch->times_baseline ? ch->value * g->st->run[0].baseline : ch->value;
    if (ch->of_runs) { /* how many of the step's runs satisfy it; -1 when it has not K runs */
        const History *h = &g->st->run[0].hist;
        if (h->K != ch->of_runs) {
            *value = -1;
            return 0;
        }
        int n = 0;
        for (int r = 0; r < h->K; r++)
            n += compare(ch->op, run_quantity(g, ch->quantity, st->run, r), want);
        *value = n;
        return n == ch->in_runs;
    }
    double v = quantity(g, ch->quantity, st->run);
    *value = v;
    return compare(ch->op, v, want);
}

int gui_lesson_check(Gui *g, int k, char *report, size_t len)
{
    const LessonStep *st = &g->lesson.steps[k];
    int bad = 0;
    size_t used = 0;
    if (report && len)
        report[0] = '\0';
    for (int i = 0; i < st->n_checks; i++) {
        const Check *c = &st->checks[i];
        double v;
        if (gui_lesson_claim(g, k, i, &v) != 0)
            continue;
        bad++;
        char claim[160], found[96];
        if (c->of_runs && v < 0)
            snprintf(found, sizeof found, "the step trains %d seed%s, not %d (seeds=)", g->st->run[0].hist.K,
                     g->st->run[0].hist.K == 1 ? "" : "s", c->of_runs);
        else if (c->of_runs)
            snprintf(found, sizeof found, "it holds in %.0f of the %d", v, c->of_runs);
        else
            snprintf(found, sizeof found, "%s = %.6g", c->quantity, v);
        if (report && used < len)
            used += (size_t)snprintf(report + used, len - used, "%s:%d: claim '%s' is false: %s\n", g->lesson.path,
                                     c->line, lesson_check_text(c, claim, sizeof claim), found);
    }
    return bad;
}

/* ---- the lesson panel ---- */

/* The width of text's widest word at size. */
static int widest_word(const Ui *ui, const char *text, int size)
{
    int widest = 0;
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, " ");
        char word[128];
        snprintf(word, sizeof word, "%.*s", (int)n, p);
        int w = ui_text_width(ui, word, size);
        widest = w > widest ? w : widest;
        p += n + (p[n] == ' ');
    }
    return widest;
}

/* Text wrapped into at most max_lines lines of width w from (x, y) (ui_text_wrapped_max). */
static int wrap_lines(Ui *ui, int x, int y, int w, const char *text, int size, int max_lines, Color c)
{
    return ui_text_wrapped_max(ui, (Rect){x, y, w, 0}, text, size, c, max_lines);
}



/* The lines of a code block as drawn in width w: each line as written, and a line too wide
 * broken at its last space that fits (the rest indented). Calls back per line; returns the
 * count. */
static int code_lines(Ui *ui, const char *code, int size, int w, void (*emit)(Ui *, int, const char *, void *),
                      void *ctx)
{
    int n = 0;
    for (const char *c = code; *c;) {
        const char *e = strchr(c, '\n');
        size_t len = e ? (size_t)(e - c) : strlen(c);
        char line[256];
        snprintf(line, sizeof line, "%.*s", (int)(len < 255 ? len : 255), c);
        const char *p = line;
        int indent = 0;
        while (*p) {
            char piece[260];
            snprintf(piece, sizeof piece, "%s%s", indent ? "  " : "", p);
            size_t cut = strlen(piece);
            while (ui_text_width(ui, piece, size) > w) { /* back to the previous space */
                char *sp = NULL;
                for (size_t k = cut; k-- > (size_t)(indent ? 3 : 1);)
                    if (piece[k] == ' ') {
                        sp = piece + k;
                        break;
                    }
                if (!sp)
                    break; /* one long word: the clip's ellipsis-free cut is its own problem */
                *sp = '\0';
                cut = (size_t)(sp - piece);
            }
            if (emit)
                emit(ui, n, piece, ctx);
            n++;
            p += cut - (indent ? 2 : 0);
            while (*p == ' ')
                p++;
            indent = 1;
        }
        c += len + (e ? 1 : 0);
    }
    return n;
}

typedef struct {
    int x, y, lh, size;
    Color c;
} CodeDraw;

static void code_emit(Ui *ui, int i, const char *text, void *ctx)
{
    const CodeDraw *d = ctx;
    int y = d->y + i * d->lh;
    if (ui_line_visible(ui, y, d->size))
        draw_text(ui->dl, d->x, y, d->size, d->c, text);
}

/* A code block line by line, as written (long lines wrapped); returns the height used. */
static int code_block(Ui *ui, Rect tr, const char *code)
{
    const Theme *t = ui->theme;
    int small = ui_text_size_small(ui), lh = small + ui_px(ui, 3), inner = tr.w - 2 * ui_px(ui, 6);
    int lines = code_lines(ui, code, small, inner, NULL, NULL);
    draw_rect(ui->dl, (Rect){tr.x, tr.y, tr.w, lines * lh + ui_px(ui, 8)}, t->grid);
    CodeDraw d = {tr.x + ui_px(ui, 6), tr.y + ui_px(ui, 4), lh, small, t->text};
    code_lines(ui, code, small, inner, code_emit, &d);
    return lines * lh + ui_px(ui, 14);
}

/* The question box (and the answer once shown); returns the height used. */
static int question_box(Gui *g, const LessonStep *st, Rect body, int cy)
{
    Ui *ui = &g->ui;
    const Theme *t = ui->theme;
    int pad = ui_px(ui, 12), size = ui_text_size(ui);
    int qh = ui_rich_text(ui, (Rect){body.x + pad, 0, body.w - 2 * pad, 0}, st->q_spans, st->n_q, size, 1);
    int ah = g->answer_shown
                 ? ui_rich_text(ui, (Rect){body.x + pad, 0, body.w - 2 * pad, 0}, st->a_spans, st->n_a, size, 1) + size +
                       ui_px(ui, 10)
                 : 0;
    Rect box = {body.x, cy, body.w, qh + ah + size + ui_px(ui, 22)};
    Color tint = t->accent;
    tint.a = 28;
    draw_rect(ui->dl, box, tint);
    draw_frame(ui->dl, box, t->accent, 1);
    int qy = cy + ui_px(ui, 6);
    if (ui_line_visible(ui, qy, ui_text_size_small(ui)))
        draw_text(ui->dl, box.x + pad, qy, ui_text_size_small(ui), t->accent, "PREDICT, THEN RUN");
    qy += size + ui_px(ui, 2);
    qy += ui_rich_text(ui, (Rect){box.x + pad, qy, box.w - 2 * pad, 0}, st->q_spans, st->n_q, size, 0);
    if (g->answer_shown) {
        qy += ui_px(ui, 6);
        if (ui_line_visible(ui, qy, ui_text_size_small(ui)))
            draw_text(ui->dl, box.x + pad, qy, ui_text_size_small(ui), t->accent, "ANSWER");
        qy += size + ui_px(ui, 2);
        ui_rich_text(ui, (Rect){box.x + pad, qy, box.w - 2 * pad, 0}, st->a_spans, st->n_a, size, 0);
    }
    return box.h + ui_px(ui, 8);
}

/* The step's text and question, scrolling between the header and the buttons; a row at
 * the foot says when more is below (wheel, Page Down). */
static void lesson_body(Gui *g, const LessonStep *st, Rect area)
{
    Ui *ui = &g->ui;
    const Theme *t = ui->theme;
    int size = ui_text_size(ui), small = ui_text_size_small(ui), ch = small + ui_px(ui, 6);
    Rect body = {area.x, area.y, area.w, area.h - ch};
    if (rect_contains(area, ui->in.mouse_x, ui->in.mouse_y) && ui->in.wheel)
        g->lesson_scroll -= ui->in.wheel * ui_px(ui, 40);
    if (g->lesson_scroll < 0)
        g->lesson_scroll = 0;
    ui_push_clip(ui, body);
    int cy = body.y - (int)g->lesson_scroll;
    for (int b = 0; b < st->n_blocks; b++) {
        const Block *bl = &st->blocks[b];
        int indent = bl->kind == BLOCK_ITEM ? ui_px(ui, 18) * (bl->depth + 1) : 0;
        if (bl->kind == BLOCK_ITEM && bl->marker[0] && ui_line_visible(ui, cy, size))
            draw_text(ui->dl, body.x + indent - ui_px(ui, 16), cy, size, t->text_dim, bl->marker);
        Rect tr = {body.x + indent, cy, body.w - indent, 0};
        if (bl->kind == BLOCK_CODE)
            cy += code_block(ui, tr, bl->n_spans ? bl->spans[0].text : "");
        else
            cy += ui_rich_text(ui, tr, bl->spans, bl->n_spans, size, 0) +
                  (bl->kind == BLOCK_ITEM ? ui_px(ui, 3) : ui_px(ui, 9));
    }
    if (st->question)
        cy += question_box(g, st, body, cy);
    ui_pop_clip(ui);
    int content = cy + (int)g->lesson_scroll - body.y;
    if (g->lesson_scroll > content - body.h)
        g->lesson_scroll = content > body.h ? content - body.h : 0;
    g->lesson_page = body.h;
    g->lesson_more = content > body.h && g->lesson_scroll < content - body.h;
    if (g->lesson_more || g->lesson_scroll > 0) {
        Rect cue = {area.x, body.y + body.h, area.w, ch};
        draw_rect(ui->dl, (Rect){cue.x, cue.y, cue.w, 1}, t->border);
        const char *more = g->lesson_more ? "\u25be more below: wheel or Page Down" : "\u25b4 more above: wheel or Page Up";
        if (ui_text_width(ui, more, small) > cue.w)
            more = g->lesson_more ? "\u25be more (wheel)" : "\u25b4 more (wheel)";
        draw_text(ui->dl, cue.x + (cue.w - ui_text_width(ui, more, small)) / 2, cue.y + ui_px(ui, 3), small, t->accent, more);
    }
}

/* What the step's run is doing, in one line. */
static void run_line(const Gui *g, const LessonStep *st, char *run, size_t len)
{
    const SessionState *s = g->st;
    int here = s->lesson_step == g->lesson_at;
    if (!here)
        snprintf(run, len, "Setting the step up: running the steps before it\u2026 (Esc cancels)");
    else if (s->waiting)
        snprintf(run, len, "Predict first, then press space (or A) to run %ld steps." UI_OR "Predict, then space runs %ld steps.",
                 s->run_total, s->run_total);
    else if (s->run_left > 0)
        snprintf(run, len, "Running: %ld of %ld steps\u2026", s->run_total - s->run_left, s->run_total);
    else if (s->run_total > 0 && (s->diverged[0] || s->diverged[1]))
        snprintf(run, len, "Stopped at step %ld: training diverged (see the banner).", s->run[0].step);
    else if (s->run_total > 0)
        snprintf(run, len, "Ran %ld step%s. %s", s->run_total, s->run_total == 1 ? "" : "s", st->question && !g->answer_shown ? "A shows the answer." : "");
    else if (st->question && !g->answer_shown)
        snprintf(run, len, "Think it over, then A shows the answer." UI_OR "A shows the answer.");
    else
        snprintf(run, len, "Change anything; 'Restore step' puts this step back." UI_OR "'Restore step' undoes changes." UI_OR
                 "Restore step: undo.");
}

/* The lesson after this one in the start screen's list, or -1. */
static int next_lesson(Gui *g)
{
    /* by file name: the lesson may have been opened by another path to the same directory */
    const char *mine = strrchr(g->lesson.path, '/') ? strrchr(g->lesson.path, '/') + 1 : g->lesson.path;
    for (int i = 0; i + 1 < g->n_entries; i++) {
        const char *p = strrchr(g->entries[i].path, '/') ? strrchr(g->entries[i].path, '/') + 1 : g->entries[i].path;
        if (!strcmp(p, mine))
            return i + 1;
    }
    return -1;
}

/* The label of the forward button: the next step, then the next lesson, then the list. */
static const char *next_label(Gui *g)
{
    if (g->lesson_at + 1 < g->lesson.n_steps)
        return "Next \u25b8";
    return next_lesson(g) >= 0 ? "Next lesson \u25b8" UI_OR "Next \u25b8" : "All lessons \u25b8" UI_OR "Lessons \u25b8";
}

/* Whether Back, Restore step and Next fit their labels on one row of the panel r. */
static int buttons_fit_one_row(Gui *g, Rect r)
{
    Ui *ui = &g->ui;
    int pad = ui_px(ui, 12), gap = ui_px(ui, 6), size = ui_text_size(ui), inner = 2 * ui_px(ui, 10);
    int need = ui_text_width(ui, "\u25c2 Back", size) + ui_text_width(ui, "Restore step", size) +
               ui_title_width(ui, next_label(g), size) + 3 * inner + 2 * gap;
    return need <= r.w - 2 * pad;
}

/* The height the lesson's buttons take: one row, or two when the labels would not fit. */
static int lesson_buttons_height(Gui *g, Rect r)
{
    Ui *ui = &g->ui;
    int bh = ui_px(ui, 30);
    return buttons_fit_one_row(g, r) ? bh : 2 * bh + ui_px(ui, 6);
}

/* Back, Restore step and Next at the panel's foot, each wide enough for its label: on one
 * row when they fit, else Back and Next above Restore step. After the last step Next
 * opens the next lesson. */
static void lesson_buttons(Gui *g, Rect r, double now)
{
    Ui *ui = &g->ui;
    const Lesson *l = &g->lesson;
    int pad = ui_px(ui, 12), bh = ui_px(ui, 30), gap = ui_px(ui, 6), w = r.w - 2 * pad;
    int one_row = buttons_fit_one_row(g, r);
    Rect back, restore, next;
    int by = r.y + r.h - pad - lesson_buttons_height(g, r);
    const char *label = next_label(g);
    if (one_row) { /* each as wide as its label, the room left shared out evenly */
        int size = ui_text_size(ui), inner = 2 * ui_px(ui, 10);
        int wb = ui_text_width(ui, "\u25c2 Back", size) + inner, wr = ui_text_width(ui, "Restore step", size) + inner;
        int wn = ui_title_width(ui, label, size) + inner, extra = (w - 2 * gap - wb - wr - wn) / 3;
        back = (Rect){r.x + pad, by, wb + extra, bh};
        restore = (Rect){back.x + back.w + gap, by, wr + extra, bh};
        next = (Rect){restore.x + restore.w + gap, by, r.x + pad + w - (restore.x + restore.w + gap), bh};
    } else {
        int bw = (w - gap) / 2;
        back = (Rect){r.x + pad, by, bw, bh};
        next = (Rect){r.x + pad + bw + gap, by, w - bw - gap, bh};
        restore = (Rect){r.x + pad, by + bh + gap, w, bh};
    }
    int ready = g->st->lesson_step == g->lesson_at && g->st->run_left == 0 && !g->st->waiting;
    int last = g->lesson_at + 1 >= l->n_steps;
    if ((ui_button_ex(ui, ui_id(ui, "lesson-back"), back, "\u25c2 Back", "The previous step (Page Up).", 0) & UI_CLICKED) &&
        g->lesson_at > 0)
        gui_lesson_jump(g, g->lesson_at - 1, now);
    if (ui_button_ex(ui, ui_id(ui, "lesson-restore"), restore, "Restore step",
                     "Put this step's settings back, as the lesson set them.", 0) & UI_CLICKED)
        gui_lesson_jump(g, g->lesson_at, now);
    if (ui_button_ex(ui, ui_id(ui, "lesson-next"), next, label,
                     last ? "The next lesson, or the list of lessons." : "The next step (Page Down).", ready) &
        UI_CLICKED) {
        if (!last) {
            gui_lesson_jump(g, g->lesson_at + 1, now);
        } else {
            int i = next_lesson(g);
            if (i >= 0)
                gui_lesson_open(g, g->entries[i].path, now);
            else
                g->start_screen = 1;
        }
    }
}

void gui_lesson_panel(Gui *g, Rect r, double now)
{
    Ui *ui = &g->ui;
    const Theme *t = ui->theme;
    int pad = ui_px(ui, 12), size = ui_text_size(ui), big = ui_px(ui, 19);
    draw_rect(ui->dl, r, t->panel);
    draw_frame(ui->dl, r, t->border, 1);
    char error[LESSON_ERR_LEN + 600];
    if (g->lesson_error[0] || !g->have_lesson)
        snprintf(error, sizeof error, "%s", g->lesson_error);
    else if (g->st->lesson_error[0])
        snprintf(error, sizeof error, "%s:%s", g->lesson.path, g->st->lesson_error);
    else
        error[0] = '\0';
    if (!g->have_lesson || error[0]) {
        draw_text(ui->dl, r.x + pad, r.y + pad, big, t->text, "Lesson");
        ui_text_wrapped(ui, (Rect){r.x + pad, r.y + pad + big + pad, r.w - 2 * pad, r.h}, error, size, t->grad);
        if (!g->have_lesson)
            return;
    }
    /* the answer appears when this step's run ends */
    if (g->st->runs_finished != g->runs_seen) {
        g->runs_seen = g->st->runs_finished;
        if (g->st->lesson_step == g->lesson_at && g->st->run_total > 0)
            g->answer_shown = 1;
    }
    const Lesson *l = &g->lesson;
    const LessonStep *st = &l->steps[g->lesson_at];
    int y = r.y + pad;
    if (!error[0]) {
        /* the title, and the way back to the list of lessons */
        const char *list = "\u2630 Lessons";
        int lw = ui_text_width(ui, list, size) + ui_px(ui, 16), lh = ui_px(ui, 28);
        if (lw > (r.w - 2 * pad) * 2 / 5) { /* narrow: the icon alone */
            list = "\u2630";
            lw = ui_text_width(ui, list, size) + ui_px(ui, 16);
        }
        Rect lb = {r.x + r.w - pad - lw, y - ui_px(ui, 2), lw, lh};
        if (ui_button_ex(ui, ui_id(ui, "lesson-list"), lb, list, "Every lesson, and free play (Home).", 0) & UI_CLICKED) {
            if (!g->n_entries)
                gui_lessons_scan(g, g->lesson_dir);
            g->start_screen = 1;
        }
        /* in the body's size where the big one would take three lines or cut a word */
        int title_w = r.w - 3 * pad - lw;
        int title_size = widest_word(ui, l->title, big) > title_w || ui_text_lines(ui, l->title, big, title_w, 3) > 2 ? size : big;
        int lines = wrap_lines(ui, r.x + pad, y, title_w, l->title, title_size, 3, t->text);
        int th = lines * (title_size + ui_px(ui, 3));
        y += (th > lh ? th : lh) + ui_px(ui, 6);
        char head[300];
        snprintf(head, sizeof head, "Step %d of %d \u00b7 %s", g->lesson_at + 1, l->n_steps, st->heading);
        y += ui_text_wrapped(ui, (Rect){r.x + pad, y, r.w - 2 * pad, 0}, head, size, t->accent) + ui_px(ui, 4);
        draw_rect(ui->dl, (Rect){r.x + pad, y, r.w - 2 * pad, 1}, t->border);
        y += ui_px(ui, 8);
        int foot = lesson_buttons_height(g, r) + 2 * pad + size + ui_px(ui, 6);
        lesson_body(g, st, (Rect){r.x + pad, y, r.w - 2 * pad, r.y + r.h - foot - y});
        char run[200], fitted[200];
        run_line(g, st, run, sizeof run);
        ui_fit_title(ui, fitted, sizeof fitted, run, ui_text_size_small(ui), r.w - 2 * pad);
        draw_text(ui->dl, r.x + pad, r.y + r.h - foot + ui_px(ui, 4), ui_text_size_small(ui), t->text_dim, fitted);
    }
    lesson_buttons(g, r, now);
}

/* ---- the start screen ---- */

/* Opens entry i of the start screen, or free play (i = n_entries). */
static void start_entry(Gui *g, int i, double now)
{
    g->start_screen = 0;
    if (i < g->n_entries) {
        gui_lesson_open(g, g->entries[i].path, now);
        return;
    }
    if (g->have_lesson) { /* from a lesson back to free play: its first picture, the panel back */
        Config cfg;
        config_free_play(&cfg);
        gui_apply_config(g, &cfg);
        lesson_free(&g->lesson);
        g->have_lesson = 0;
        g->lesson_error[0] = '\0';
        g->focus = -1;
        g->panel_hidden = 0;
        for (int v = 0; v < VIEW_COUNT; v++)
            g->visible[v] = 1;
    }
    session_command(g->session, SESSION_PLAY, 0); /* free play starts training */
}

/* Every lesson as a numbered card, in a list that scrolls (wheel, arrow keys, Page keys);
 * Free play is a button at the top, always in sight. */
void gui_start_screen(Gui *g, Rect r, double now)
{
    Ui *ui = &g->ui;
    const Theme *t = ui->theme;
    int pad = ui_px(ui, 18), size = ui_text_size(ui), small = ui_text_size_small(ui), big = ui_px(ui, 24);
    draw_rect(ui->dl, r, t->bg);
    const char *free_label = "Free play \u25b8";
    int fw = ui_text_width(ui, free_label, size) + ui_px(ui, 24), fh = ui_px(ui, 34);
    int title_w = r.w - 3 * pad - fw;
    int lines = wrap_lines(ui, r.x + pad, r.y + pad, title_w, "rnnlab: why recurrent networks are hard to train", big, 2,
                           t->text);
    int th = lines * (big + ui_px(ui, 3));
    Rect fb = {r.x + r.w - pad - fw, r.y + pad - ui_px(ui, 4), fw, fh};
    if (ui_button_ex(ui, ui_id(ui, "free play"), fb, free_label,
                     "Every control, no script: train anything and watch.", 1) & UI_CLICKED)
        start_entry(g, g->n_entries, now);
    int y = r.y + pad + (fh > th ? fh : th) + ui_px(ui, 6);
    y += wrap_lines(ui, r.x + pad, y, r.w - 2 * pad,
                    "Pick a lesson: each step sets the window up, says what to watch, and asks you to predict "
                    "before it runs.",
                    size, 2, t->text_dim) * (size + ui_px(ui, 3)) + ui_px(ui, 8);
    /* the list */
    int cue_h = small + ui_px(ui, 12);
    Rect list = {r.x, y, r.w, r.y + r.h - y - cue_h};
    int cols = r.w > ui_px(ui, 900) ? 2 : 1, gap = ui_px(ui, 10);
    int cw = (r.w - 2 * pad - (cols - 1) * gap) / cols;
    int sum_lines = 2, ch = ui_px(ui, 16) + size + ui_px(ui, 2) + sum_lines * (small + ui_px(ui, 3));
    int rows = (g->n_entries + cols - 1) / cols;
    int content = rows * (ch + gap) - gap + pad;
    int max_scroll = content > list.h ? content - list.h : 0;
    int step = ch + gap;
    if (rect_contains(list, ui->in.mouse_x, ui->in.mouse_y) && ui->in.wheel)
        g->start_scroll -= ui->in.wheel * step / 2;
    if (ui->in.keys[UI_KEY_DOWN])
        g->start_scroll += step;
    if (ui->in.keys[UI_KEY_UP])
        g->start_scroll -= step;
    g->start_scroll = g->start_scroll < 0 ? 0 : g->start_scroll > max_scroll ? max_scroll : g->start_scroll;
    ui_push_clip(ui, list);
    for (int i = 0; i < g->n_entries; i++) {
        int col = i % cols, row = i / cols;
        Rect b = {r.x + pad + col * (cw + gap), list.y + row * step - (int)g->start_scroll, cw, ch};
        if (b.y + b.h <= list.y || b.y >= list.y + list.h)
            continue;
        ui_push_id(ui, g->entries[i].path);
        int f = ui_interact(ui, ui_id(ui, "entry"), b);
        ui_pop_id(ui);
        draw_rect(ui->dl, b, (f & UI_HOVERED) ? t->button_hot : t->plot_bg);
        draw_frame(ui->dl, b, (f & UI_HOVERED) ? t->accent : t->border, 1);
        ui_push_clip(ui, b);
        int in_x = b.x + ui_px(ui, 10);
        char num[16], line[200];
        snprintf(num, sizeof num, "%d", i + 1);
        int nw = ui_text_width(ui, "00", size + ui_px(ui, 2));
        int ty = b.y + ui_px(ui, 8);
        if (ui_line_visible(ui, ty, size + ui_px(ui, 2))) {
            draw_text(ui->dl, in_x, ty, size + ui_px(ui, 2), t->accent, num);
            plot_fit_text(ui, line, sizeof line, g->entries[i].title, size + ui_px(ui, 2), b.w - 3 * ui_px(ui, 10) - nw);
            draw_text(ui->dl, in_x + nw + ui_px(ui, 8), ty, size + ui_px(ui, 2), t->text, line);
        }
        int sy = ty + size + ui_px(ui, 8);
        if (ui_line_visible(ui, sy, sum_lines * (small + ui_px(ui, 3))))
            wrap_lines(ui, in_x + nw + ui_px(ui, 8), sy, b.w - 3 * ui_px(ui, 10) - nw, g->entries[i].summary, small,
                       sum_lines, t->text_dim);
        ui_pop_clip(ui);
        if (f & UI_CLICKED)
            start_entry(g, i, now);
    }
    ui_pop_clip(ui);
    if (max_scroll > 0) { /* a cue under the list: that it scrolls, and which way */
        const char *cue = g->start_scroll < max_scroll ? "\u25be more lessons below: wheel or \u2193"
                                                         : "\u25b4 more above: wheel or \u2191";
        int cwid = ui_text_width(ui, cue, small) + ui_px(ui, 16), chh = small + ui_px(ui, 8);
        Rect cr = {r.x + r.w - pad - cwid, list.y + list.h + ui_px(ui, 2), cwid, chh};
        draw_rect(ui->dl, cr, t->panel);
        draw_frame(ui->dl, cr, t->border, 1);
        draw_text(ui->dl, cr.x + ui_px(ui, 8), cr.y + ui_px(ui, 4), small, t->accent, cue);
    }
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
