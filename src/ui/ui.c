/* ui.c: the widgets. Each follows one recipe: rectangle, id, interaction, drawing, flags. */
#include "ui.h"

#include <assert.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

void ui_init(Ui *ui, DrawList *dl, TextMeasure measure)
{
    memset(ui, 0, sizeof *ui);
    ui->dl = dl;
    ui->measure = measure;
    ui->scale = 1;
    ui->theme = theme_get(THEME_NORMAL);
}

void ui_begin(Ui *ui, const UiInput *in, const Theme *theme, float scale)
{
    ui->in = *in;
    ui->theme = theme;
    ui->scale = scale;
    ui->hot = ui->hot_next;
    ui->hot_next = 0;
    ui->tooltip[0] = '\0';
    if (!ui->in.mouse_down && !ui->in.mouse_released)
        ui->active = 0;
    if (ui->in.mouse_pressed) /* a press lets go; a slider or choice under it takes it back */
        ui->focus = 0;
    ui->focus_drawn = 0;
}

int ui_px_at(float scale, float base) { return (int)lroundf(base * scale); }
int ui_px(const Ui *ui, float base) { return ui_px_at(ui->scale, base); }
int ui_text_size(const Ui *ui) { return ui_px(ui, UI_TEXT_PX); }
int ui_text_size_small(const Ui *ui) { return ui_px(ui, UI_TEXT_SMALL_PX); }

int ui_text_width(const Ui *ui, const char *text, int size)
{
    if (ui->measure.width)
        return ui->measure.width(ui->measure.ctx, text, size);
    return (int)(strlen(text) * (size_t)size * 6 / 10);
}

void ui_end(Ui *ui)
{
    assert(ui->n_clips == 0 && "ui_push_clip without ui_pop_clip");
    assert(ui->n_ids == 0 && "ui_push_id without ui_pop_id");
    if (ui->in.mouse_released)
        ui->active = 0;
    if (!ui->focus_drawn) /* the focused control is gone (hidden, scrolled away) */
        ui->focus = 0;
    if (!ui->tooltip[0])
        return;
    int size = ui_text_size_small(ui), pad = ui_px(ui, 6);
    /* wrap at ~44 characters */
    char lines[6][128];
    int n = 0, len = 0;
    const char *p = ui->tooltip;
    lines[0][0] = '\0';
    while (*p && n < 6) {
        const char *sp = strchr(p, ' ');
        int wl = sp ? (int)(sp - p) : (int)strlen(p);
        if (len && len + 1 + wl > 44) {
            n++;
            len = 0;
            if (n == 6)
                break;
            lines[n][0] = '\0';
        }
        if (wl > 100)
            wl = 100;
        len += snprintf(lines[n] + len, sizeof lines[n] - (size_t)len, "%s%.*s", len ? " " : "", wl, p);
        p += wl;
        while (*p == ' ')
            p++;
    }
    if (n < 6 && len)
        n++;
    int w = 0;
    for (int i = 0; i < n; i++) {
        int lw = ui_text_width(ui, lines[i], size);
        w = lw > w ? lw : w;
    }
    int lh = size + ui_px(ui, 3);
    Rect r = {ui->tooltip_x + ui_px(ui, 14), ui->tooltip_y + ui_px(ui, 18), w + 2 * pad, n * lh + 2 * pad};
    if (r.x + r.w > ui->dl->width)
        r.x = ui->dl->width - r.w - 2;
    if (r.y + r.h > ui->dl->height)
        r.y = ui->tooltip_y - r.h - ui_px(ui, 6);
    draw_unclip(ui->dl);
    draw_rect(ui->dl, r, ui->theme->tooltip_bg);
    for (int i = 0; i < n; i++)
        draw_text(ui->dl, r.x + pad, r.y + pad + i * lh, size, ui->theme->tooltip_text, lines[i]);
}

int ui_line_visible(const Ui *ui, int y, int h)
{
    if (!ui->n_clips)
        return 1;
    Rect c = ui->clip_stack[ui->n_clips - 1];
    return (y + h <= c.y || y >= c.y + c.h) || (y >= c.y - 1 && y + h <= c.y + c.h + 1);
}

/* Whether out's first n bytes and an ellipsis fit max_w; out is left as it was. */
static int prefix_fits(const Ui *ui, char *out, size_t len, size_t n, int size, int max_w)
{
    if (n + 4 > len)
        return 0;
    char kept[4];
    memcpy(kept, out + n, 4);
    memcpy(out + n, "\u2026", 4); /* three bytes and the NUL */
    int fits = ui_text_width(ui, out, size) <= max_w;
    memcpy(out + n, kept, 4);
    return fits;
}

void ui_fit_text(const Ui *ui, char *out, size_t len, const char *text, int size, int max_w)
{
    snprintf(out, len, "%s", text);
    size_t n = strlen(out);
    if (ui_text_width(ui, out, size) <= max_w)
        return;
    /* The longest prefix, cut at a character boundary, that fits with an ellipsis: by
     * bisection, since a longer prefix is never narrower (a wrapped paragraph's last line
     * cut one character at a time measured a 200-byte text a hundred times a frame). */
    size_t lo = 0, hi = n, best = SIZE_MAX; /* boundaries in [lo, hi) are undecided */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        while (mid > lo && ((unsigned char)out[mid] & 0xc0) == 0x80)
            mid--;
        if (prefix_fits(ui, out, len, mid, size, max_w)) {
            best = mid;
            for (lo = mid + 1; lo < hi && ((unsigned char)out[lo] & 0xc0) == 0x80;)
                lo++;
        } else {
            hi = mid;
        }
    }
    if (best == SIZE_MAX)
        out[0] = '\0';
    else
        memcpy(out + best, "\u2026", 4);
}

/* Where a title may end early: before " (", ", ", ": ", "; " or " - " outside parentheses. */
static int phrase_end(const char *text, size_t i, int depth)
{
    if (depth != 0)
        return 0;
    return !strncmp(text + i, " (", 2) || !strncmp(text + i, ", ", 2) || !strncmp(text + i, ": ", 2) ||
           !strncmp(text + i, "; ", 2) || !strncmp(text + i, " \u2014 ", 5);
}

/* form (n bytes, too wide whole) into out as its longest whole phrase from the start that
 * fits and keeps a few words. 1 when one did, 0 (out holds the form) when not. */
static int fit_phrase(const Ui *ui, char *out, size_t len, const char *form, size_t n, int size, int max_w)
{
    snprintf(out, len, "%.*s", (int)n, form);
    n = strlen(out);
    size_t best = 0;
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        if (i >= UI_TITLE_MIN_BYTES && phrase_end(out, i, depth)) {
            char kept = out[i];
            out[i] = '\0';
            if (ui_text_width(ui, out, size) <= max_w)
                best = i;
            out[i] = kept;
        }
        depth += out[i] == '(' ? 1 : out[i] == ')' && depth > 0 ? -1 : 0;
    }
    while (best > 0 && out[best - 1] == ' ')
        best--;
    if (best < UI_TITLE_MIN_BYTES)
        return 0;
    out[best] = '\0';
    return 1;
}

static size_t form_length(const char *form)
{
    const char *end = strchr(form, UI_OR[0]);
    return end ? (size_t)(end - form) : strlen(form);
}

void ui_fit_title(const Ui *ui, char *out, size_t len, const char *text, int size, int max_w)
{
    /* each form whole, longest first; then each (too wide whole) cut at a phrase; the last
     * with an ellipsis */
    for (const char *form = text;; form += form_length(form) + 1) {
        snprintf(out, len, "%.*s", (int)form_length(form), form);
        if (ui_text_width(ui, out, size) <= max_w)
            return;
        if (!form[form_length(form)])
            break;
    }
    const char *form = text;
    for (;;) {
        size_t n = form_length(form);
        if (fit_phrase(ui, out, len, form, n, size, max_w))
            return;
        if (!form[n])
            break;
        form += n + 1;
    }
    char last[512];
    snprintf(last, sizeof last, "%s", form);
    ui_fit_text(ui, out, len, last, size, max_w);
}

int ui_title_width(const Ui *ui, const char *text, int size)
{
    char first[512];
    snprintf(first, sizeof first, "%.*s", (int)form_length(text), text);
    return ui_text_width(ui, first, size);
}

int ui_title_form(char *out, size_t len, const char *text, int level)
{
    const char *form = text;
    int at = 0;
    for (; at < level && form[form_length(form)]; at++)
        form += form_length(form) + 1;
    snprintf(out, len, "%.*s", (int)form_length(form), form);
    return at == level;
}

/* A widget's one line of text, at most max_w wide (a shorter form, a phrase or an ellipsis:
 * ui_fit_title), and only when its clip would not cut it (a panel scrolled half past a row). */
static void widget_text(Ui *ui, int x, int y, int size, Color c, const char *text, int max_w)
{
    if (!ui_line_visible(ui, y, size))
        return;
    char fitted[256];
    ui_fit_title(ui, fitted, sizeof fitted, text, size, max_w > 0 ? max_w : 0);
    draw_text(ui->dl, x, y, size, c, fitted);
}

int ui_text_wrapped_max(Ui *ui, Rect r, const char *text, int size, Color c, int max_lines)
{
    char line[512];
    int y = r.y, lh = size + ui_px(ui, 3), lines = 0;
    const char *p = text;
    while (*p && lines < max_lines) {
        /* take words while they fit */
        size_t len = 0, best = 0;
        for (;;) {
            const char *sp = strchr(p + len, ' ');
            size_t next = sp ? (size_t)(sp - p) : strlen(p);
            if (next >= sizeof line)
                next = sizeof line - 1;
            memcpy(line, p, next);
            line[next] = '\0';
            if (best && ui_text_width(ui, line, size) > r.w)
                break;
            best = next;
            if (!sp || next == sizeof line - 1)
                break;
            len = next + 1;
        }
        if (lines == max_lines - 1 && p[best]) { /* the last line allowed: the rest, shortened */
            ui_fit_text(ui, line, sizeof line, p, size, r.w);
        } else {
            char word[sizeof line];
            memcpy(word, p, best);
            word[best] = '\0';
            /* one word wider than the box is cut (from a copy: out and text may not overlap) */
            ui_fit_text(ui, line, sizeof line, word, size, r.w);
        }
        if (ui_line_visible(ui, y, size))
            draw_text(ui->dl, r.x, y, size, c, line);
        y += lh;
        lines++;
        p += best;
        while (*p == ' ')
            p++;
    }
    return lines;
}

int ui_text_lines(Ui *ui, const char *text, int size, int w, int max_lines)
{
    size_t mark = ui->dl->n, text_mark = ui->dl->text_len; /* measured off screen, nothing kept */
    int lines = ui_text_wrapped_max(ui, (Rect){0, -100000, w, 0}, text, size, ui->theme->text, max_lines);
    ui->dl->n = mark;
    ui->dl->text_len = text_mark;
    return lines;
}

int ui_text_wrapped(Ui *ui, Rect r, const char *text, int size, Color c)
{
    return ui_text_wrapped_max(ui, r, text, size, c, INT_MAX) * (size + ui_px(ui, 3));
}

void ui_column(Ui *ui, Rect r)
{
    ui->column = r;
    ui->cursor_y = r.y;
}

Rect ui_row(Ui *ui, int height)
{
    Rect r = {ui->column.x, ui->cursor_y, ui->column.w, height};
    ui->cursor_y += height + ui_px(ui, 4);
    return r;
}

void ui_heading(Ui *ui, const char *text)
{
    ui->cursor_y += ui_px(ui, 6);
    Rect r = ui_row(ui, ui_px(ui, 20));
    char fitted[256];
    ui_fit_title(ui, fitted, sizeof fitted, text, ui_text_size_small(ui), r.w);
    widget_text(ui, r.x, r.y + ui_px(ui, 2), ui_text_size_small(ui), ui->theme->text_dim, fitted, r.w);
    draw_rect(ui->dl, (Rect){r.x, r.y + r.h - 1, r.w, 1}, ui->theme->border);
}

static uint32_t fnv(uint32_t h, const char *str)
{
    for (; str && *str; str++) {
        h ^= (uint8_t)*str;
        h *= 16777619u;
    }
    return h;
}

uint32_t ui_id(const Ui *ui, const char *str)
{
    /* FNV-1a over the string, seeded by the enclosing id: stable across frames */
    uint32_t h = fnv(ui->n_ids ? ui->id_stack[ui->n_ids - 1] : 2166136261u, str);
    return h ? h : 1;
}

void ui_push_id(Ui *ui, const char *str)
{
    assert(ui->n_ids < UI_STACK_DEPTH);
    ui->id_stack[ui->n_ids] = ui_id(ui, str);
    ui->n_ids++;
}

void ui_pop_id(Ui *ui)
{
    assert(ui->n_ids > 0);
    ui->n_ids--;
}

void ui_push_clip(Ui *ui, Rect r)
{
    assert(ui->n_clips < UI_STACK_DEPTH);
    if (ui->n_clips) { /* inside the enclosing clip */
        Rect o = ui->clip_stack[ui->n_clips - 1];
        int x0 = r.x > o.x ? r.x : o.x, y0 = r.y > o.y ? r.y : o.y;
        int x1 = r.x + r.w < o.x + o.w ? r.x + r.w : o.x + o.w;
        int y1 = r.y + r.h < o.y + o.h ? r.y + r.h : o.y + o.h;
        r = (Rect){x0, y0, x1 > x0 ? x1 - x0 : 0, y1 > y0 ? y1 - y0 : 0};
    }
    ui->clip_stack[ui->n_clips++] = r;
    draw_clip(ui->dl, r);
}

void ui_pop_clip(Ui *ui)
{
    assert(ui->n_clips > 0);
    ui->n_clips--;
    if (ui->n_clips)
        draw_clip(ui->dl, ui->clip_stack[ui->n_clips - 1]);
    else
        draw_unclip(ui->dl);
}

void ui_set_tooltip(Ui *ui, const char *text)
{
    snprintf(ui->tooltip, sizeof ui->tooltip, "%s", text);
    ui->tooltip_x = ui->in.mouse_x;
    ui->tooltip_y = ui->in.mouse_y;
}

int ui_interact(Ui *ui, uint32_t id, Rect r)
{
    int flags = 0;
    int over = rect_contains(r, ui->in.mouse_x, ui->in.mouse_y);
    if (over && (ui->active == 0 || ui->active == id)) {
        ui->hot_next = id;
        flags |= UI_HOVERED;
    }
    if (over && ui->in.mouse_pressed && ui->active == 0)
        ui->active = id;
    if (ui->active == id && ui->in.mouse_released && over)
        flags |= UI_CLICKED;
    return flags;
}

void ui_focus_release(Ui *ui) { ui->focus = 0; }

/* A focusable widget's part of the recipe: a press on it takes the focus; returns whether
 * it has the focus (and draws the ring that says so). */
static int take_focus(Ui *ui, uint32_t id, Rect r)
{
    if (ui->active == id && ui->in.mouse_pressed)
        ui->focus = id;
    if (ui->focus != id)
        return 0;
    ui->focus_drawn = 1;
    int m = ui_px(ui, 3);
    draw_frame(ui->dl, (Rect){r.x - m, r.y - m, r.w + 2 * m, r.h + 2 * m}, ui->theme->accent, 1);
    return 1;
}

/* The arrow keys as a step: right and up +1, left and down -1. */
static int arrow_step(const Ui *ui)
{
    return ui->in.keys[UI_KEY_RIGHT] + ui->in.keys[UI_KEY_UP] - ui->in.keys[UI_KEY_LEFT] - ui->in.keys[UI_KEY_DOWN];
}

int ui_button_ex(Ui *ui, uint32_t id, Rect r, const char *label, const char *tooltip, int highlighted)
{
    int f = ui_interact(ui, id, r);
    const Theme *t = ui->theme;
    Color bg = ui->active == id ? t->button_active : (f & UI_HOVERED) ? t->button_hot : t->button;
    if (highlighted)
        bg = t->button_active;
    draw_rect(ui->dl, r, bg);
    draw_frame(ui->dl, r, t->border, 1);
    int size = ui_text_size(ui);
    char fitted[256];
    ui_fit_title(ui, fitted, sizeof fitted, label, size, r.w - 4);
    int w = ui_text_width(ui, fitted, size);
    widget_text(ui, r.x + (r.w - w) / 2, r.y + (r.h - size) / 2, size, t->text, fitted, r.w - 4);
    if ((f & UI_HOVERED) && tooltip)
        ui_set_tooltip(ui, tooltip);
    return f;
}

int ui_button(Ui *ui, const char *label, const char *tooltip)
{
    return ui_button_ex(ui, ui_id(ui, label), ui_row(ui, ui_px(ui, 28)), label, tooltip, 0);
}

static double to_unit(double v, double lo, double hi, int log_scale)
{
    double u = log_scale ? (log(v) - log(lo)) / (log(hi) - log(lo)) : (v - lo) / (hi - lo);
    return u < 0 ? 0 : u > 1 ? 1 : u;
}

static double from_unit(double u, double lo, double hi, int log_scale)
{
    u = u < 0 ? 0 : u > 1 ? 1 : u;
    return log_scale ? exp(log(lo) + u * (log(hi) - log(lo))) : lo + u * (hi - lo);
}

int ui_slider_ex(Ui *ui, uint32_t id, Rect r, const char *label, double *value, double lo, double hi,
                 int log_scale, const char *fmt, const char *tooltip)
{
    int f = ui_interact(ui, id, r) & ~UI_CLICKED;
    int focused = take_focus(ui, id, r);
    const Theme *t = ui->theme;
    int size = ui_text_size(ui);
    Rect track = {r.x, r.y + r.h - ui_px(ui, 10), r.w, ui_px(ui, 6)};
    double old = *value, u = to_unit(*value, lo, hi, log_scale);
    if (ui->active == id && ui->in.mouse_down) {
        u = (double)(ui->in.mouse_x - track.x) / (track.w > 1 ? track.w - 1 : 1);
        *value = from_unit(u, lo, hi, log_scale);
    } else if (focused && arrow_step(ui)) {
        *value = from_unit(to_unit(*value, lo, hi, log_scale) + arrow_step(ui) * 0.02, lo, hi, log_scale);
    }
    if (*value != old)
        f |= UI_CHANGED;
    u = to_unit(*value, lo, hi, log_scale);
    char num[48];
    snprintf(num, sizeof num, fmt, *value);
    int nw = ui_text_width(ui, num, size);
    widget_text(ui, r.x, r.y, size, t->text, label, r.w - nw - ui_px(ui, 8));
    widget_text(ui, r.x + r.w - nw, r.y, size, (f & UI_HOVERED) ? t->accent : t->text, num, nw);
    draw_rect(ui->dl, track, t->track);
    draw_rect(ui->dl, (Rect){track.x, track.y, (int)(u * track.w), track.h}, t->fill);
    int kx = track.x + (int)(u * (track.w - 1));
    int kr = ui_px(ui, (ui->active == id || (f & UI_HOVERED)) ? 7 : 6);
    draw_circle(ui->dl, (float)kx, track.y + track.h / 2.0f, (float)kr, t->fill);
    if ((f & UI_HOVERED) && tooltip)
        ui_set_tooltip(ui, tooltip);
    return f;
}

int ui_slider(Ui *ui, const char *label, double *value, double lo, double hi, const char *fmt,
              const char *tooltip)
{
    return ui_slider_ex(ui, ui_id(ui, label), ui_row(ui, ui_px(ui, 34)), label, value, lo, hi, 0, fmt, tooltip);
}

int ui_slider_log(Ui *ui, const char *label, double *value, double lo, double hi,
                  const char *fmt, const char *tooltip)
{
    return ui_slider_ex(ui, ui_id(ui, label), ui_row(ui, ui_px(ui, 34)), label, value, lo, hi, 1, fmt, tooltip);
}

int ui_slider_int(Ui *ui, const char *label, int *value, int lo, int hi, int log_scale,
                  const char *tooltip)
{
    double v = *value;
    Rect r = ui_row(ui, ui_px(ui, 34));
    uint32_t id = ui_id(ui, label);
    /* Whole numbers step by one with the arrow keys, even on a log track. */
    int step = ui->focus == id && ui->active != id ? arrow_step(ui) : 0;
    UiInput keep = ui->in;
    if (step)
        memset(ui->in.keys, 0, sizeof ui->in.keys);
    int f = ui_slider_ex(ui, id, r, label, &v, lo, hi, log_scale && lo > 0, "%.0f", tooltip);
    ui->in = keep;
    if (!(f & UI_CHANGED) && !step) /* untouched: keep even a value outside the track */
        return f;
    int nv = (int)lround(v) + step;
    nv = nv < lo ? lo : nv > hi ? hi : nv;
    if (nv != *value) {
        *value = nv;
        f |= UI_CHANGED;
    } else {
        f &= ~UI_CHANGED;
    }
    return f;
}

int ui_choice_ex(Ui *ui, uint32_t id, Rect r, const char *label, int *value, const char *const *words, int n,
                 const char *tooltip)
{
    int f = ui_interact(ui, id, r);
    int focused = take_focus(ui, id, r);
    const Theme *t = ui->theme;
    int old = *value, step = 0;
    if (f & UI_CLICKED)
        step = ui->in.mouse_x < r.x + r.w / 2 ? -1 : 1;
    else if (focused)
        step = arrow_step(ui);
    if (step)
        *value = ((*value + step) % n + n) % n;
    f &= ~UI_CLICKED;
    if (*value != old)
        f |= UI_CHANGED;
    int size = ui_text_size(ui);
    Color bg = (f & UI_HOVERED) ? t->button_hot : t->button;
    draw_rect(ui->dl, r, bg);
    draw_frame(ui->dl, r, t->border, 1);
    int pad = ui_px(ui, 8);
    char text[96];
    snprintf(text, sizeof text, "\u25c2 %s \u25b8", words[*value]);
    int w = ui_text_width(ui, text, size);
    if (w > r.w - 2 * pad)
        w = r.w - 2 * pad;
    widget_text(ui, r.x + pad, r.y + (r.h - size) / 2, size, t->text_dim, label, r.w - 3 * pad - w);
    widget_text(ui, r.x + r.w - w - pad, r.y + (r.h - size) / 2, size, t->text, text, w);
    if ((f & UI_HOVERED) && tooltip)
        ui_set_tooltip(ui, tooltip);
    return f;
}

int ui_choice(Ui *ui, const char *label, int *value, const char *const *words, int n,
              const char *tooltip)
{
    return ui_choice_ex(ui, ui_id(ui, label), ui_row(ui, ui_px(ui, 28)), label, value, words, n, tooltip);
}

int ui_toggle(Ui *ui, const char *label, int *value, const char *tooltip)
{
    Rect r = ui_row(ui, ui_px(ui, 24));
    uint32_t id = ui_id(ui, label);
    int f = ui_interact(ui, id, r);
    if (f & UI_CLICKED) {
        *value = !*value;
        f |= UI_CHANGED;
    }
    f &= ~UI_CLICKED;
    const Theme *t = ui->theme;
    int box = ui_px(ui, 16), size = ui_text_size(ui);
    Rect b = {r.x, r.y + (r.h - box) / 2, box, box};
    draw_rect(ui->dl, b, *value ? t->fill : t->plot_bg);
    draw_frame(ui->dl, b, (f & UI_HOVERED) ? t->accent : t->border, 1);
    widget_text(ui, r.x + box + ui_px(ui, 8), r.y + (r.h - size) / 2, size, t->text, label, r.w - box - ui_px(ui, 8));
    if ((f & UI_HOVERED) && tooltip)
        ui_set_tooltip(ui, tooltip);
    return f;
}
