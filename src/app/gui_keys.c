/* gui_keys.c: the keyboard shortcuts (one table drives what they do's help overlay), what
 * each does, and the time-travel timeline. Keys become session commands or UI changes;
 * none waits for training. A key does one thing: while a slider or choice has the focus
 * (it was clicked; ui.h), the arrows move it and the right arrow takes no step. */
#include "gui.h"

#include "../core/fileio.h"
#include "../ui/plot.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    int action;        /* GK_* (input.h), or -1 for a line of help only */
    const char *keys;  /* as the help overlay shows them */
    const char *help;
} Shortcut;

static const Shortcut SHORTCUTS[] = {
    {GK_PLAY, "space", "play / pause"},
    {GK_STEP, "\u2192", "one step (a clicked slider or choice takes the arrows; Esc lets go)"},
    {GK_RESET, "R", "reset: the same network again"},
    {GK_FASTER, "+ / -", "more / fewer steps a frame"},
    {GK_REWIND, "U, Backspace", "rewind after a divergence"},
    {GK_VIEW1, VIEW_KEYS, "show or hide a view"},
    {GK_ENLARGE, "Z", "enlarge the view under the mouse (again: back)"},
    {GK_LOG, "L", "loss axis: linear / log"},
    {GK_SAMPLE, "B", "gradient by loss term: the batch's norm / the first sample's"},
    {GK_ALIGN_END, "G", "variable lengths: the gradient per step by t / aligned on each sequence's end"},
    {GK_LAYER_DOWN, "[ / ]", "a stack: show the layer below / above (or click its row in the unfolded view)"},
    {GK_PALETTE, "H", "palette: default, colour-blind safe, high contrast"},
    {GK_UNDO, "Ctrl Z / Ctrl Shift Z", "undo / redo a setting change (also Ctrl Y)"},
    {GK_ZOOM_IN, "Ctrl + / Ctrl -", "presenter scale x1 .. x2"},
    {GK_FULLSCREEN, "F11", "fullscreen"},
    {GK_NEXT, "Page Down / Up", "the lesson: read on (then the next step) / back"},
    {GK_LESSONS, "Home", "the list of lessons (Esc goes back)"},
    {GK_PANEL, "Tab", "hide or show the settings panel"},
    {GK_ANSWER, "A", "the question's answer (or start its run)"},
    {GK_SCREENSHOT, "P", "save a PNG screenshot here"},
    {GK_SAVE_VIEW, "Shift P", "save the view under the mouse as PNG"},
    {GK_EXPORT, "E", "export the history as CSV here"},
    {GK_SAVE_RUN, "S", "save the model (.npy, PyTorch names) here"},
    {GK_COPY, "Ctrl C / Ctrl V", "copy / paste the experiment as one line"},
    {GK_SAVE_EXPERIMENT, "Ctrl S", "save the experiment file here (drop one on the window to open it)"},
    {GK_ESCAPE, "Esc", "cancel a long step or run; close this list"},
    {GK_HELP, "F1", "this list"},
    {-1, "Ctrl Q", "quit"},
};
#define N_SHORTCUTS ((int)(sizeof SHORTCUTS / sizeof SHORTCUTS[0]))

void gui_keys_print(FILE *f)
{
    for (int i = 0; i < N_SHORTCUTS; i++) {
        /* padded by columns, not bytes: the arrow is three bytes of UTF-8 and one column */
        int cols = 0;
        for (const char *c = SHORTCUTS[i].keys; *c; c++)
            cols += ((unsigned char)*c & 0xC0) != 0x80;
        fprintf(f, "  %s%*s %s\n", SHORTCUTS[i].keys, cols < 22 ? 22 - cols : 0, "", SHORTCUTS[i].help);
    }
}

/* Whether the session is doing work that Esc should stop. */
static int long_work(const Gui *g, double now)
{
    const SessionState *st = g->st;
    return (st->busy && st->work_total > 1) || (st->stepping && now - st->work_started > 0.05) ||
           st->lesson_step != g->lesson_at;
}

static void lesson_keys(Gui *g, const int *k, double now)
{
    if (!g->have_lesson)
        return;
    /* Page Down reads on: the step's text while more is below, then the next step (a
     * presenter's clicker sends these); Page Up the same way back */
    int page = g->lesson_page * 4 / 5;
    if (k[GK_NEXT] && g->lesson_more)
        g->lesson_scroll += page;
    else if (k[GK_NEXT] && g->lesson_at + 1 < g->lesson.n_steps)
        gui_lesson_jump(g, g->lesson_at + 1, now);
    if (k[GK_PREV] && g->lesson_scroll > 0)
        g->lesson_scroll = g->lesson_scroll > page ? g->lesson_scroll - page : 0;
    else if (k[GK_PREV] && g->lesson_at > 0)
        gui_lesson_jump(g, g->lesson_at - 1, now);
    if (k[GK_ANSWER]) {
        if (g->st->waiting && g->st->lesson_step == g->lesson_at)
            session_command(g->session, SESSION_ANSWERED, 0);
        else
            g->answer_shown = !g->answer_shown;
    }
}

static void run_keys(Gui *g, const int *k, double now)
{
    if (k[GK_UNDO])
        gui_undo(g, now);
    if (k[GK_REDO])
        gui_redo(g, now);
    if (k[GK_PLAY]) {
        if (g->st->waiting)
            session_command(g->session, SESSION_ANSWERED, 0);
        else
            session_command(g->session, SESSION_TOGGLE, 0);
    }
    if (k[GK_STEP])
        session_command(g->session, SESSION_STEP, 0);
    if (k[GK_RESET])
        session_command(g->session, SESSION_RESET, 0);
    if ((k[GK_FASTER] && g->speed < GUI_SPEEDS - 1) || (k[GK_SLOWER] && g->speed > 0)) {
        g->speed += k[GK_FASTER] ? 1 : -1;
        session_command(g->session, SESSION_SPEED, gui_speed_steps(g->speed));
    }
    if (k[GK_REWIND])
        session_command(g->session, SESSION_REWIND, 0);
}

static void display_keys(Gui *g, const GuiInput *in)
{
    const int *k = in->keys;
    double now = in->now;
    if (k[GK_ZOOM_IN])
        g->presenter = fminf(2.0f, g->presenter + 0.25f);
    if (k[GK_ZOOM_OUT])
        g->presenter = fmaxf(1.0f, g->presenter - 0.25f);
    if (k[GK_PALETTE]) {
        g->theme = (g->theme + 1) % THEME_COUNT;
        gui_status(g, now, "Palette: %s (--palette %s; H for the next).", theme_get(g->theme)->title,
                   theme_get(g->theme)->name);
    }
    if (k[GK_LOG])
        g->vs.loss_log = !g->vs.loss_log;
    if (k[GK_SAMPLE])
        g->vs.terms_first = !g->vs.terms_first;
    if (k[GK_ALIGN_END]) {
        g->vs.grad_end = !g->vs.grad_end;
        if (gui_shown(g)->cfg.min_len > 0)
            gui_status(g, now, g->vs.grad_end ? "The gradient per step: each sequence shifted so its own end sits at the right (G: back to t)."
                                              : "The gradient per step against t (G: aligned on each sequence's end).");
        else
            gui_status(g, now, "Every sequence has seq_len steps: set min_len to vary them, then G aligns them on their ends.");
    }
    int L = gui_shown(g)->dims.L > 1 ? gui_shown(g)->dims.L : 1;
    if (k[GK_LAYER_DOWN] || k[GK_LAYER_UP]) {
        int down = g->vs.layer_down + (k[GK_LAYER_DOWN] ? 1 : 0) - (k[GK_LAYER_UP] ? 1 : 0);
        g->vs.layer_down = down < 0 ? 0 : down > L - 1 ? L - 1 : down;
        if (L > 1)
            gui_status(g, now, "Showing layer %d of %d ([ the one below, ] the one above).", L - 1 - g->vs.layer_down,
                       L);
        else
            gui_status(g, now, "One layer: set layers=2..4 (the panel's layers slider) to stack more.");
    }
    for (int v = 0; v < VIEW_COUNT && GK_VIEW1 + v <= GK_VIEW9; v++)
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
}

static void file_keys(Gui *g, const GuiInput *in, GuiActions *act)
{
    const int *k = in->keys;
    double now = in->now;
    char path[128], err[600];
    if (k[GK_EXPORT]) {
        file_stamped_name(path, sizeof path, "rnnlab-", ".csv");
        if (gui_export_csv(g, path, err, sizeof err) == 0)
            gui_status(g, now, "Saved the history (%d steps) to ./%s", g->st->run[0].hist.count, path);
        else
            gui_status(g, now, "Could not export: %s", err);
    }
    if (k[GK_COPY]) {
        config_format_line(&g->st->run[0].cfg, g->line, sizeof g->line);
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
    if (k[GK_SAVE_EXPERIMENT]) {
        char text[8192];
        file_stamped_name(path, sizeof path, "rnnlab-", ".cfg");
        int n = snprintf(text, sizeof text, "# an rnnlab experiment: rnnlab --config FILE, or drop it on the window\n");
        config_format(&g->st->run[0].cfg, text + n, sizeof text - (size_t)n);
        if (file_write_text(path, text, err, sizeof err) == 0)
            gui_status(g, now, "Saved the experiment to ./%s (rnnlab --config %s reproduces it).", path, path);
        else
            gui_status(g, now, "Could not save the experiment: %s", err);
    }
    if (k[GK_SAVE_RUN]) {
        SessionCommand c = {.kind = SESSION_SAVE};
        file_stamped_name(c.text, sizeof c.text, "rnnlab-run-", "");
        session_send(g->session, &c);
    }
    if (k[GK_SAVE_VIEW]) {
        for (int v = 0; v < VIEW_COUNT; v++)
            if (rect_contains(g->view_rects[v], in->ui.mouse_x, in->ui.mouse_y)) {
                act->save_view = 1;
                act->view_rect = g->view_rects[v];
                act->view_name = VIEWS[v].name;
            }
        if (!act->save_view)
            gui_status(g, now, "Point at a view, then press Shift P to save it as a PNG.");
    }
    act->screenshot = k[GK_SCREENSHOT];
    act->fullscreen = k[GK_FULLSCREEN];
}

void gui_handle_keys(Gui *g, const GuiInput *in, GuiActions *act)
{
    const int *k = in->keys;
    int run[GK_COUNT];
    memcpy(run, k, sizeof run);
    if (g->ui.focus) /* the arrow moves the focused control (ui.c), and only that */
        run[GK_STEP] = 0;
    if (k[GK_ESCAPE]) {
        ui_focus_release(&g->ui);
        if (long_work(g, in->now)) {
            session_cancel(g->session);
            gui_status(g, in->now, "Cancelled.");
        }
        g->show_help = 0;
        if (g->start_screen && !g->have_lesson)
            session_command(g->session, SESSION_PLAY, 0); /* free play starts training */
        g->start_screen = 0;
    }
    if (k[GK_LESSONS] && !g->start_screen) {
        if (!g->n_entries)
            gui_lessons_scan(g, g->lesson_dir);
        g->start_screen = 1;
    }
    if (k[GK_PANEL])
        g->panel_hidden = !g->panel_hidden;
    if (g->start_screen) /* the list takes the window: the other keys wait */
        return;
    if (k[GK_HELP])
        g->show_help = !g->show_help;
    lesson_keys(g, k, in->now);
    run_keys(g, run, in->now);
    display_keys(g, in);
    file_keys(g, in, act);
}

/* The keyboard help's layout at one text size: the shortcuts in `cols` columns, each help
 * wrapped beside its keys; 1 when it fits w x h. */
typedef struct {
    int size, cols, pad, key_w, col_w, line, gap, w, h, split;
    int lines[N_SHORTCUTS];
} HelpLayout;

static int help_layout(Ui *ui, int size, int cols, int w, int h, HelpLayout *L)
{
    L->size = size, L->cols = cols, L->pad = size * 4 / 3, L->line = size + ui_px(ui, 3), L->gap = size / 3;
    L->key_w = 0;
    for (int i = 0; i < N_SHORTCUTS; i++) {
        int kw = ui_text_width(ui, SHORTCUTS[i].keys, size);
        L->key_w = kw > L->key_w ? kw : L->key_w;
    }
    L->key_w += size;
    L->col_w = (w - 2 * L->pad - (cols - 1) * L->pad) / cols;
    int help_w = L->col_w - L->key_w, roomy = help_w >= 10 * size;
    if (help_w < size) { /* narrower than a letter: laid out all the same, drawn cut */
        help_w = size;
        L->col_w = L->key_w + size;
    }
    int total = 0;
    for (int i = 0; i < N_SHORTCUTS; i++) {
        L->lines[i] = ui_text_lines(ui, SHORTCUTS[i].help, size, help_w, 4);
        total += L->lines[i] * L->line + L->gap;
    }
    /* two columns: the first as many shortcuts as keep it no shorter than the second */
    int first = 0;
    L->split = N_SHORTCUTS;
    if (cols == 2)
        for (int i = 0; i < N_SHORTCUTS; i++) {
            first += L->lines[i] * L->line + L->gap;
            if (2 * first >= total) {
                L->split = i + 1;
                break;
            }
        }
    int tallest = cols == 2 ? (first > total - first ? first : total - first) : total;
    L->w = cols * L->col_w + (cols - 1) * L->pad + 2 * L->pad;
    L->h = 2 * L->pad + L->line + L->gap + tallest;
    return roomy && L->h <= h;
}

/* The keyboard help (F1): in the presenter's size where the window holds it, else in one or
 * two columns at the largest size that fits, down to 13 px. Laid out again only when the
 * window or the scale changes. */
void gui_help_overlay(Gui *g)
{
    Ui *ui = &g->ui;
    const Theme *t = ui->theme;
    int W = ui->dl->width, H = ui->dl->height, margin = 10; /* unscaled: the room is the window's */
    HelpLayout layout, *L = &layout;
    if (g->help_for[0] != W || g->help_for[1] != H || g->help_for[2] != ui_px(ui, 1000)) {
        int fits = 0;
        g->help_size = 13, g->help_cols = 1; /* a window smaller than any classroom's: cut at its foot */
        for (int size = ui_px(ui, 18); size >= 13 && !fits; size--)
            for (int cols = 1; cols <= 2 && !fits; cols++)
                if ((fits = help_layout(ui, size, cols, W - 2 * margin, H - 2 * margin, L)))
                    g->help_size = size, g->help_cols = cols;
        g->help_for[0] = W, g->help_for[1] = H, g->help_for[2] = ui_px(ui, 1000);
    }
    help_layout(ui, g->help_size, g->help_cols, W - 2 * margin, H - 2 * margin, L);
    Rect r = {(W - L->w) / 2, (H - L->h) / 2, L->w, L->h};
    r.y = r.y < margin ? margin : r.y;
    draw_rect(ui->dl, (Rect){0, 0, W, H}, rgba(0, 0, 0, 110));
    draw_rect(ui->dl, r, t->overlay);
    ui_push_clip(ui, r);
    draw_text(ui->dl, r.x + L->pad, r.y + L->pad / 2, L->size, rgba(255, 255, 255, 255), "Keyboard");
    int y0 = r.y + L->pad / 2 + L->line + L->gap, y = y0;
    for (int i = 0; i < N_SHORTCUTS; i++) {
        int col = i < L->split ? 0 : 1, x = r.x + L->pad + col * (L->col_w + L->pad);
        if (i == L->split)
            y = y0;
        draw_text(ui->dl, x, y, L->size, rgba(255, 210, 0, 255), SHORTCUTS[i].keys);
        ui_text_wrapped_max(ui, (Rect){x + L->key_w, y, L->col_w - L->key_w, 0}, SHORTCUTS[i].help, L->size,
                            rgba(255, 255, 255, 255), 4);
        y += L->lines[i] * L->line + L->gap;
    }
    ui_pop_clip(ui);
}

/* The timeline under the views: drag back through the snapshots; right end = live. */
void gui_timeline(Gui *g, Rect r)
{
    Ui *ui = &g->ui;
    const SessionState *st = g->st;
    int n = st->n_snaps;
    if (n < 2)
        return;
    const Theme *t = ui->theme;
    int pos = st->scrub_index >= 0 ? st->scrub_index : n, before = pos, size = ui_text_size_small(ui);
    char label[160];
    if (st->scrub_index >= 0)
        snprintf(label, sizeof label, "time travel: step %ld (snapshot %d of %d) \u2014 play returns to now",
                 st->snap_step[st->scrub_index], st->scrub_index + 1, n);
    else
        snprintf(label, sizeof label, "time travel: %d snapshots, every %d steps \u2014 drag left to look back", n,
                 SESSION_SNAPSHOT_EVERY);
    /* the label takes at most half the row, shortened to fit; the track the rest */
    char fitted[160];
    ui_fit_title(ui, fitted, sizeof fitted, label, size, r.w / 2);
    int lw = ui_text_width(ui, fitted, size) + ui_px(ui, 12);
    draw_text(ui->dl, r.x, r.y + (r.h - size) / 2, size, st->scrub_index >= 0 ? t->accent : t->text_dim, fitted);
    Rect track = {r.x + lw, r.y, r.w - lw, r.h};
    double v = pos;
    ui_slider_ex(ui, ui_id(ui, "timeline"), track, "", &v, 0, n, 0, "",
                 "Look at the views as they were at an earlier snapshot.");
    pos = (int)lround(v);
    if (pos != before)
        session_command(g->session, SESSION_SCRUB, pos >= n ? -1 : pos);
}
