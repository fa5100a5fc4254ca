/* gui_panel.c: the side panel: run controls and every setting with its tooltip, and the
 * undo history of those settings (Ctrl Z / Ctrl Shift Z). It edits Gui.cfg only;
 * gui_sync_settings sends the changes to the session. Word lists come from the tables
 * (cells, tasks, themes) and the enums' names in config. The wheel only scrolls it. */
#include "gui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const INIT_WORDS[] = {"default", "xavier", "orthogonal", "identity", "normal"};
static const char *const OPT_WORDS[] = {"sgd", "momentum", "adam", "adagrad", "rmsprop"};
static const char *const ACT_WORDS[] = {"tanh", "relu", "sigmoid", "linear"};
static const char *const CLIP_WORDS[] = {"off", "norm", "value"};
static const char *const TRUNCATE_WORDS[] = {"window", "chunk"};
static const char *const SPEED_WORDS[GUI_SPEEDS] = {"1", "2", "5", "10", "20", "50", "100", "500", "max"};
/* The race control's choices and the compare specifications they start. */
static const char *const RACE_WORDS[] = {"off", "model rnn | lstm", "model rnn | gru", "rho 0.9 | 1.1",
                                         "init default | orthogonal", "clip off | norm 1"};
static const char *const RACE_SPECS[] = {"", "model=rnn,lstm", "model=rnn,gru", "rho=0.9,1.1",
                                         "init=default,orthogonal", "clip=0,1"};
#define RACE_COUNT ((int)(sizeof RACE_SPECS / sizeof RACE_SPECS[0]))

static void run_controls(Gui *g)
{
    Ui *ui = &g->ui;
    const SessionState *st = g->st;
    Rect row = ui_row(ui, ui_px(ui, 30));
    int gap = ui_px(ui, 6), w3 = (row.w - 2 * gap) / 3;
    if (ui_button_ex(ui, ui_id(ui, "play"), (Rect){row.x, row.y, w3, row.h}, st->running ? "Pause" : "Play",
                     "Start or pause training (space).", st->running) &
        UI_CLICKED)
        session_command(g->session, SESSION_TOGGLE, 0);
    if (ui_button_ex(ui, ui_id(ui, "step"), (Rect){row.x + w3 + gap, row.y, w3, row.h}, "Step",
                     "One training step, then pause (right arrow).", 0) &
        UI_CLICKED)
        session_command(g->session, SESSION_STEP, 0);
    if (ui_button_ex(ui, ui_id(ui, "reset"), (Rect){row.x + 2 * (w3 + gap), row.y, row.w - 2 * (w3 + gap), row.h},
                     "Reset", "Re-initialise with the same seed: exactly the same network again (R).", 0) &
        UI_CLICKED)
        session_command(g->session, SESSION_RESET, 0);
    if (ui_choice(ui, "steps a frame" UI_OR "speed", &g->speed, SPEED_WORDS, GUI_SPEEDS,
                  "Training steps per frame (+ and -); max: as fast as the machine trains. Only the pace: the "
                  "run is the same whatever it says.") &
        UI_CHANGED)
        session_command(g->session, SESSION_SPEED, gui_speed_steps(g->speed));
}

static void model_settings(Gui *g)
{
    Ui *ui = &g->ui;
    Config *c = &g->cfg;
    ui_heading(ui, "MODEL  (changes re-initialise)");
    const char *cell_words[CELL_MAX];
    for (int k = 0; k < cell_count(); k++)
        cell_words[k] = cell_kind(k)->name;
    ui_choice(ui, "model", &c->model, cell_words, cell_count(), cell_kind(c->model)->summary);
    const CellKind *cell = cell_kind(c->model);
    if (cell->has_activation)
        ui_choice(ui, "activation", (int *)&c->activation, ACT_WORDS, 4,
                  "The RNN's nonlinearity. Its largest slope gamma sets the vanishing threshold: sigma_max(W_hh) < 1/gamma.");
    ui_slider_int(ui, "hidden units", &c->hidden, 1, 256, 1, "Hidden units H (1..256).");
    ui_slider_int(ui, "layers", &c->layers, 1, CONFIG_MAX_LAYERS, 1,
                  "Recurrent layers stacked (PyTorch's num_layers): each reads the states of the one below. "
                  "[ and ] choose the layer the gradient, hidden, gates and spectrum views show.");
    ui_choice(ui, "init", (int *)&c->init, INIT_WORDS, 5,
              "How W_hh starts: PyTorch's default uniform, Xavier, orthogonal, identity (IRNN) or normal N(0, 1/H).");
    ui_slider(ui, "rho (0 = off)", &c->rho, 0, 3, "%.2f",
              "Rescale each gate block of W_hh so its largest singular value is rho: below 1 gradients vanish, above they can explode (Pascanu et al. 2013).");
    if (cell->forget_gate >= 0) {
        ui_toggle(ui, "set forget-gate bias", &g->set_forget,
                  "Give the forget gate this bias: 1 or more keeps the cell state (and its gradient) alive.");
        if (g->set_forget)
            ui_slider(ui, "forget bias", &c->forget_bias, -5, 5, "%.1f", "The forget gate's bias.");
    }
}

static void task_settings(Gui *g)
{
    Ui *ui = &g->ui;
    Config *c = &g->cfg;
    ui_heading(ui, "TASK  (changes re-initialise)");
    const char *task_words[TASK_MAX_KINDS];
    int n = task_kind_count();
    for (int k = 0; k < n; k++)
        task_words[k] = task_kind_info(k)->name;
    ui_choice(ui, "task", &c->task, task_words, n, task_kind_info(c->task)->sentence);
    const TaskKindInfo *ki = task_kind_info(c->task);
    if (ki->min_seq_len != ki->max_seq_len)
        ui_slider_int(ui, "seq_len", &c->seq_len, ki->min_seq_len, ki->max_seq_len, 1,
                      "Sequence length: how far back the gradient has to reach.");
    if (ki->uses_lag) {
        if (c->lag >= c->seq_len && c->seq_len > 1) /* the lag stays below a shortened seq_len */
            c->lag = c->seq_len - 1;
        ui_slider_int(ui, "lag", &c->lag, 1, c->seq_len > 1 ? c->seq_len - 1 : 1, 0,
                      "How many steps back the answer is.");
    }
    ui_slider_int(ui, "batch", &c->batch, 1, 1024, 1, "Sequences per training step.");
    int seed = (int)(c->seed % 1000000); /* a larger seed is shown, not changed, until moved */
    if (ui_slider_int(ui, "seed", &seed, 0, 999, 0,
                      "One seed for initialisation and data: the same seed gives the same run, bit for bit.") &
        UI_CHANGED)
        c->seed = (uint64_t)seed;
    ui_slider_int(ui, "seeds side by side", &c->seeds, 1, 8, 0,
                  "Train this many runs at once, seeds seed, seed+1, ...: the loss view shows their median and range "
                  "(and their grad_ratio); the other views show the first. Each step costs as many steps.");
}

static void training_settings(Gui *g, double now)
{
    Ui *ui = &g->ui;
    Config *c = &g->cfg;
    ui_heading(ui, "TRAINING  (applies at once)");
    ui_choice(ui, "optimizer", (int *)&c->optimizer, OPT_WORDS, 5, "The update rule (PyTorch's, default constants).");
    ui_slider_log(ui, "learning rate", &c->lr, 1e-5, 10, "%.2g", "Step size, on a logarithmic slider.");
    if (c->optimizer == OPT_MOMENTUM)
        ui_slider(ui, "momentum", &c->momentum, 0, 0.999, "%.3f", "Momentum coefficient.");
    ui_choice(ui, "clipping", &g->clip_choice, CLIP_WORDS, 3,
              "norm: rescale the whole gradient when its norm exceeds the threshold (Pascanu et al.); value: clamp each element.");
    if (g->clip_choice)
        ui_slider_log(ui, "clip threshold", &g->clip_value, 1e-3, 1e3, "%.3g", "The clipping threshold.");
    if (task_kind_info(c->task)->shape != SHAPE_SEQ2SEQ) {
        ui_slider_int(ui, "truncate (0 = full)", &c->truncate, 0, c->seq_len, 0,
                      "Let each loss term's gradient flow back at most this many steps (truncated BPTT).");
        if (c->truncate > 0)
            ui_choice(ui, "truncate mode", (int *)&c->truncate_mode, TRUNCATE_WORDS, 2,
                      "window: each loss term's gradient walks back that many steps on its own; chunk: the "
                      "sequence falls into chunks of that many steps and no gradient crosses into the chunk "
                      "before (Williams & Peng's TBPTT, PyTorch's h.detach() between chunks).");
    }

    ui_heading(ui, "COMPARE  (two runs, the same data)");
    int choice = 0;
    for (int i = 1; i < RACE_COUNT && g->st->compare; i++)
        if (!strcmp(g->st->compare_spec, RACE_SPECS[i]))
            choice = i;
    int before = choice;
    if ((ui_choice(ui, "race", &choice, RACE_WORDS, RACE_COUNT,
                   "Train two runs side by side on the same data and seed, differing in one setting (rnnlab --compare KEY=A,B for any key).") &
         UI_CHANGED) &&
        choice != before)
        gui_compare(g, RACE_SPECS[choice], now);
}

/* ---- undo ---- */

static void settings_get(const Gui *g, GuiSettings *s)
{
    memset(s, 0, sizeof *s);
    s->cfg = g->cfg;
    s->clip_choice = g->clip_choice;
    s->clip_value = g->clip_value;
    s->set_forget = g->set_forget;
}

static int settings_equal(const GuiSettings *a, const GuiSettings *b)
{
    return memcmp(&a->cfg, &b->cfg, sizeof a->cfg) == 0 && a->clip_choice == b->clip_choice &&
           memcmp(&a->clip_value, &b->clip_value, sizeof a->clip_value) == 0 && a->set_forget == b->set_forget;
}

/* The configuration the settings stand for, as gui_sync_settings sends it. */
Config gui_settings_config(const GuiSettings *s)
{
    Config c = s->cfg;
    c.clip = s->clip_choice ? s->clip_value : 0;
    c.clip_mode = s->clip_choice == 2 ? CLIP_VALUE : CLIP_NORM;
    c.has_forget_bias = s->set_forget && cell_kind(c.model)->forget_gate >= 0;
    return c;
}

/* Pushes s on a history of GUI_UNDO_DEPTH, forgetting the oldest when it is full. */
static void history_push(GuiSettings *stack, int *n, const GuiSettings *s)
{
    if (*n == GUI_UNDO_DEPTH) {
        memmove(stack, stack + 1, (GUI_UNDO_DEPTH - 1) * sizeof *stack);
        (*n)--;
    }
    stack[(*n)++] = *s;
}

/* Ends the change under way: what it started from becomes the newest undo. */
static void commit_change(Gui *g)
{
    GuiSettings now;
    settings_get(g, &now);
    if (!settings_equal(&g->change_from, &now)) {
        history_push(g->undo, &g->n_undo, &g->change_from);
        g->n_redo = 0;
    }
    g->changing = 0;
}

/* After the panel: a change it made starts one; the change ends when no button is held,
 * so a drag over many frames is one change, and a click or an arrow key is one. */
static void track_change(Gui *g, const GuiSettings *before)
{
    GuiSettings now;
    settings_get(g, &now);
    if (!g->changing && !settings_equal(before, &now)) {
        g->change_from = *before;
        g->changing = 1;
    }
    if (g->changing && !g->ui.in.mouse_down)
        commit_change(g);
}

/* Two values of a key as the status line shows them: four digits when those differ. */
static void value_pair(const char *a, const char *b, char *sa, char *sb, size_t len)
{
    char *ea, *eb;
    double x = strtod(a, &ea), y = strtod(b, &eb);
    if (ea != a && !*ea && eb != b && !*eb) {
        snprintf(sa, len, "%.4g", x);
        snprintf(sb, len, "%.4g", y);
        if (strcmp(sa, sb) != 0)
            return;
    }
    snprintf(sa, len, "%s", a);
    snprintf(sb, len, "%s", b);
}

/* "lr 0.01 → 0.003, hidden 8 → 16": the keys that differ between the two configurations,
 * in config_format's order and words. */
static void describe_change(const GuiSettings *from, const GuiSettings *to, char *out, size_t len)
{
    Config a = gui_settings_config(from), b = gui_settings_config(to);
    char ta[8192], tb[8192];
    config_format(&a, ta, sizeof ta);
    config_format(&b, tb, sizeof tb);
    size_t used = 0;
    int n = 0;
    out[0] = '\0';
    for (char *pa = ta, *pb = tb; *pa && *pb;) {
        char *ea = strchr(pa, '\n'), *eb = strchr(pb, '\n');
        if (!ea || !eb)
            break;
        *ea = *eb = '\0';
        char *va = strchr(pa, '='), *vb = strchr(pb, '=');
        if (va && vb && strcmp(pa, pb) != 0) {
            *va++ = '\0';
            vb++;
            char sa[80], sb[80];
            value_pair(va, vb, sa, sb, sizeof sa);
            if (n < 3 && used < len)
                used += (size_t)snprintf(out + used, len - used, "%s%s %s \u2192 %s", n ? ", " : "", pa, sa, sb);
            n++;
        }
        pa = ea + 1;
        pb = eb + 1;
    }
    if (n > 3 && used < len)
        snprintf(out + used, len - used, " and %d more", n - 3);
    if (!n)
        snprintf(out, len, "the last setting change");
}

/* Puts the settings back; gui_sync_settings sends them at the end of the frame. */
static void settings_restore(Gui *g, const GuiSettings *s)
{
    Config want = gui_settings_config(s);
    if (want.task != g->st->run[0].cfg.task) {
        /* the session gives a new task its own lengths unless told these are exact */
        SessionCommand c = {.kind = SESSION_CONFIG, .cfg = want, .exact = 1};
        session_send(g->session, &c);
        g->sent = want;
    }
    g->cfg = s->cfg;
    g->clip_choice = s->clip_choice;
    g->clip_value = s->clip_value;
    g->set_forget = s->set_forget;
}

/* Undo and redo are one move between the two histories. */
static void history_move(Gui *g, double now, GuiSettings *from, int *n_from, GuiSettings *to, int *n_to,
                         const char *verb)
{
    if (g->changing)
        commit_change(g);
    if (*n_from == 0) {
        gui_status(g, now, "Nothing to %s.", from == g->undo ? "undo" : "redo");
        return;
    }
    GuiSettings cur, back = from[--*n_from];
    settings_get(g, &cur);
    history_push(to, n_to, &cur);
    char what[160];
    describe_change(&cur, &back, what, sizeof what);
    settings_restore(g, &back);
    snprintf(g->undo_note, sizeof g->undo_note, "%s %s", verb, what);
    g->undo_note_until = now + 6;
    gui_status(g, now, "%s", g->undo_note);
}

void gui_undo(Gui *g, double now) { history_move(g, now, g->undo, &g->n_undo, g->redo, &g->n_redo, "Undid"); }
void gui_redo(Gui *g, double now) { history_move(g, now, g->redo, &g->n_redo, g->undo, &g->n_undo, "Redid"); }

void gui_panel(Gui *g, Rect r, double now)
{
    Ui *ui = &g->ui;
    const Theme *t = ui->theme;
    /* An undo that re-initialises is answered by the session ("Re-initialised: ..."):
     * the status line keeps the undo's name in front of that answer. */
    if (g->undo_note[0] && now < g->undo_note_until && g->st->msg_seq != g->msg_seq) {
        g->msg_seq = g->st->msg_seq;
        gui_status(g, now, "%s \u2014 %s", g->undo_note, g->st->message);
    }
    GuiSettings before;
    settings_get(g, &before);
    draw_rect(ui->dl, r, t->panel);
    draw_rect(ui->dl, (Rect){r.x + r.w - 1, r.y, 1, r.h}, t->border);
    int pad = ui_px(ui, 10);
    /* the wheel scrolls, over a control too: no control takes it */
    if (rect_contains(r, ui->in.mouse_x, ui->in.mouse_y) && ui->in.wheel)
        g->panel_scroll -= ui->in.wheel * ui_px(ui, 40);
    if (g->panel_scroll < 0)
        g->panel_scroll = 0;
    ui_push_clip(ui, r);
    ui_column(ui, (Rect){r.x + pad, r.y + pad - (int)g->panel_scroll, r.w - 2 * pad, r.h});
    int big = ui_px(ui, 20);
    Rect title = ui_row(ui, big + ui_px(ui, 4));
    draw_text(ui->dl, title.x, title.y, big, t->text, "rnnlab");
    char buf[96];
    snprintf(buf, sizeof buf, "step %ld", g->st->run[0].step);
    draw_text(ui->dl, title.x + title.w - ui_text_width(ui, buf, ui_text_size(ui)), title.y + ui_px(ui, 4),
              ui_text_size(ui), t->text_dim, buf);
    run_controls(g);
    model_settings(g);
    task_settings(g);
    training_settings(g, now);

    ui_heading(ui, "VIEWS  (" VIEW_KEYS "; Z enlarges)");
    for (int v = 0; v < VIEW_COUNT; v++) {
        char label[64];
        snprintf(label, sizeof label, "%c  %s" UI_OR "%c  %s", VIEWS[v].key, VIEWS[v].title, VIEWS[v].key, VIEWS[v].name);
        ui_toggle(ui, label, &g->visible[v], "Show or hide this view.");
    }
    ui_heading(ui, "DISPLAY");
    const char *palette_words[THEME_COUNT];
    for (int k = 0; k < THEME_COUNT; k++)
        palette_words[k] = theme_get(k)->title;
    ui_choice(ui, "palette", &g->theme, palette_words, THEME_COUNT,
              "Colour-blind safe curves (Okabe-Ito colours), or high contrast for projectors (H; --palette NAME).");
    double pres = g->presenter;
    if (ui_slider(ui, "presenter scale", &pres, 1, 2, "x%.2f", "Enlarge all text and lines (Ctrl + / Ctrl -).") & UI_CHANGED)
        g->presenter = (float)pres;
    if (ui_button(ui, "Keys (F1)", "Every keyboard shortcut.") & UI_CLICKED)
        g->show_help = 1;
    int content_bottom = ui->cursor_y + (int)g->panel_scroll;
    int overflow = content_bottom - (r.y + r.h) + pad;
    if (g->panel_scroll > (overflow > 0 ? overflow : 0))
        g->panel_scroll = overflow > 0 ? overflow : 0;
    ui_pop_clip(ui);
    track_change(g, &before);
}
