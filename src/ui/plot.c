/* plot.c: the shared axes of every view. */
#include "plot.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* v / unit with the fewest decimals (at most 3) that keep `step` apart, trailing zeros cut. */
static void format_scaled(char *buf, size_t len, double v, double step, double unit, const char *suffix)
{
    int d = 0;
    double s = step / unit;
    while (d < 3 && fabs(s * pow(10, d) - round(s * pow(10, d))) > 1e-6 * fmax(1, s * pow(10, d)))
        d++;
    char num[40];
    snprintf(num, sizeof num, "%.*f", d, v / unit);
    if (strchr(num, '.')) {
        size_t n = strlen(num);
        while (n > 0 && num[n - 1] == '0')
            num[--n] = '\0';
        if (n > 0 && num[n - 1] == '.')
            num[--n] = '\0';
    }
    snprintf(buf, len, "%s%s", strcmp(num, "-0") ? num : "0", suffix);
}

void plot_format(char *buf, size_t len, double v)
{
    double a = fabs(v);
    if (v == 0)
        snprintf(buf, len, "0");
    else if (a >= 1e4 && a < 1e12 && v == round(v))
        plot_format_tick(buf, len, v, a >= 1e6 ? 1e4 : 100);
    else if (a >= 1e4 || a < 1e-2)
        snprintf(buf, len, "%.0e", v);
    else if (a >= 100)
        snprintf(buf, len, "%.0f", v);
    else if (a >= 1)
        snprintf(buf, len, "%.3g", v);
    else
        snprintf(buf, len, "%.2g", v);
}

/* v as a mantissa and a power of ten (2e30, 2.5e30, -1.5e-7), the mantissa with the digits
 * `step` needs: a huge or tiny tick never prints as a 31-digit integer or a rounded "3e-05". */
static void format_sci(char *buf, size_t len, double v, double step)
{
    int e = (int)floor(log10(fabs(v)));
    char m[40];
    format_scaled(m, sizeof m, v, step, pow(10, e), "");
    if (!strcmp(m, "10") || !strcmp(m, "-10")) /* 9.9996 rounded up: one decade higher */
        format_scaled(m, sizeof m, v, step, pow(10, ++e), "");
    snprintf(buf, len, "%se%d", m, e);
}

void plot_format_tick(char *buf, size_t len, double v, double step)
{
    double a = fabs(v);
    if (!isfinite(v))
        snprintf(buf, len, "%g", v);
    else if (a < step * 1e-6)
        snprintf(buf, len, "0");
    else if (a >= 1e12)
        format_sci(buf, len, v, step);
    else if (a >= 1e9)
        format_scaled(buf, len, v, step, 1e9, "G");
    else if (a >= 1e6)
        format_scaled(buf, len, v, step, 1e6, "M");
    else if (a >= 1e4 || (a >= 1e3 && step >= 100))
        format_scaled(buf, len, v, step, 1e3, "k");
    else if (step < 1e-3)
        format_sci(buf, len, v, step);
    else
        format_scaled(buf, len, v, step, 1, "");
}

double plot_nice_step(double span, int room, int integer)
{
    if (!(span > 0) || room < 1)
        return 1;
    double raw = span / room, mag = pow(10, floor(log10(raw)));
    double step = raw <= mag ? mag : raw <= 2 * mag ? 2 * mag : raw <= 2.5 * mag && (!integer || mag >= 10) ? 2.5 * mag
                  : raw <= 5 * mag ? 5 * mag : 10 * mag;
    if (integer && step < 1)
        step = 1;
    return step;
}

int plot_range(const double *ys, int n, int log_y, double *lo, double *hi)
{
    double a = INFINITY, b = -INFINITY;
    for (int i = 0; i < n; i++) {
        double y = ys[i];
        if (!isfinite(y) || (log_y && y <= 0))
            continue;
        a = y < a ? y : a;
        b = y > b ? y : b;
    }
    if (!(a <= b))
        return 0;
    if (log_y) {
        if (b / a < 10) {
            double m = sqrt(a) * sqrt(b); /* a * b may overflow */
            a = m / 4, b = m * 4;
        }
        *lo = a / 1.5, *hi = b * 1.5;
    } else {
        double pad = (b - a) * 0.08;
        if (pad == 0)
            pad = fabs(a) * 0.1 + 1e-3;
        *lo = a - pad, *hi = b + pad;
    }
    return 1;
}

float plot_px(const Plot *p, double x)
{
    double u = p->x1 > p->x0 ? (x - p->x0) / (p->x1 - p->x0) : 0.5;
    return (float)(p->area.x + u * (p->area.w - 1));
}

/* y's position on p's axis scale: log10 y on a log axis (NAN for y <= 0), else y. */
static double axis_value(const Plot *p, double y)
{
    return p->log_y ? (y > 0 ? log10(y) : NAN) : y;
}

void plot_band(Ui *ui, const Plot *p, const double *xs, const double *lo, const double *hi, int n, Color c)
{
    if (n < 2 || !(p->x1 > p->x0))
        return;
    ui_push_clip(ui, p->area);
    int i = 0;
    for (int X = p->area.x; X < p->area.x + p->area.w; X++) {
        double x = p->x0 + (double)(X - p->area.x) / (p->area.w > 1 ? p->area.w - 1 : 1) * (p->x1 - p->x0);
        while (i + 1 < n - 1 && xs[i + 1] < x)
            i++;
        if (x < xs[0] || x > xs[n - 1])
            continue;
        double u = xs[i + 1] > xs[i] ? (x - xs[i]) / (xs[i + 1] - xs[i]) : 0;
        double a0 = axis_value(p, lo[i]), a1 = axis_value(p, lo[i + 1]);
        double b0 = axis_value(p, hi[i]), b1 = axis_value(p, hi[i + 1]);
        if (!isfinite(a0) || !isfinite(a1) || !isfinite(b0) || !isfinite(b1))
            continue;
        double a = a0 + u * (a1 - a0), b = b0 + u * (b1 - b0);
        float ya = plot_py(p, p->log_y ? pow(10, a) : a), yb = plot_py(p, p->log_y ? pow(10, b) : b);
        if (ya < yb) {
            float s = ya;
            ya = yb, yb = s;
        }
        draw_line(ui->dl, (float)X + 0.5f, yb - 0.5f, (float)X + 0.5f, ya + 0.5f, c, 1.0f);
    }
    ui_pop_clip(ui);
}

float plot_py(const Plot *p, double y)
{
    double u;
    if (p->log_y)
        u = (log10(y) - log10(p->y0)) / (log10(p->y1) - log10(p->y0));
    else
        u = p->y1 > p->y0 ? (y - p->y0) / (p->y1 - p->y0) : 0.5;
    return (float)(p->area.y + (1 - u) * (p->area.h - 1));
}

void plot_fit_text(const Ui *ui, char *out, size_t len, const char *text, int size, int max_w)
{
    ui_fit_text(ui, out, len, text, size, max_w);
}

/* The y ticks of [y0, y1] (log: at powers of ten) over h pixels, at most one a label's
 * height and a little apart: values and labels. */
#define PLOT_MAX_TICKS 16
typedef struct {
    double v[PLOT_MAX_TICKS];
    char label[PLOT_MAX_TICKS][32];
    int n;
} Ticks;

static void y_ticks(const Ui *ui, Ticks *tk, double y0, double y1, int log_y, int h)
{
    int small = ui_text_size_small(ui), need = small + ui_px(ui, 4);
    int room = h / (small * 2);
    room = room < 2 ? 2 : room > 6 ? 6 : room;
    tk->n = 0;
    if (h < 1)
        return;
    if (log_y) {
        if (!(y0 > 0) || !(y1 > y0) || !isfinite(y1))
            return;
        int d0 = (int)ceil(log10(y0)), d1 = (int)floor(log10(y1));
        double per_decade = h / (log10(y1) - log10(y0));
        int step = (d1 - d0) / room + 1;
        while (step * per_decade < need && step < 1000)
            step++;
        for (int d = d0; d <= d1 && tk->n < PLOT_MAX_TICKS; d += step) {
            tk->v[tk->n] = pow(10, d);
            snprintf(tk->label[tk->n++], 32, d == 0 ? "1" : "1e%d", d);
        }
    } else {
        double span = y1 - y0;
        if (!(span > 0) || !isfinite(span))
            return;
        double step = plot_nice_step(span, room, 0);
        for (int k = 0; k < 60 && step / span * h < need; k++)
            step = plot_nice_step(step * 1.01, 1, 0); /* the next round step */
        double k0 = ceil(y0 / step - 1e-9);
        for (int i = 0; tk->n < PLOT_MAX_TICKS; i++) {
            double v = (k0 + i) * step;
            if (v > y1 + step * 1e-9)
                break;
            tk->v[tk->n] = v;
            plot_format_tick(tk->label[tk->n++], 32, v, step);
        }
    }
}

static int ticks_width(const Ui *ui, const Ticks *tk)
{
    int w = 0, small = ui_text_size_small(ui);
    for (int i = 0; i < tk->n; i++) {
        int lw = ui_text_width(ui, tk->label[i], small);
        w = lw > w ? lw : w;
    }
    return w;
}

/* Draws the ticks on q's y axis, bottom up: gridlines across the area (grid) or short marks
 * at its right edge, labels at x (right-aligned there when right_align), centred on their
 * tick but kept between lo and hi (the title row above, the x labels below), and left out
 * where one would touch the label below it. */
static void y_ticks_draw(Ui *ui, const Plot *q, const Ticks *tk, int x, int right_align, int grid, Color c, int lo,
                         int hi)
{
    const Theme *t = ui->theme;
    int small = ui_text_size_small(ui), prev_top = hi + small;
    for (int i = 0; i < tk->n; i++) {
        float y = plot_py(q, tk->v[i]);
        if (grid)
            draw_rect(ui->dl, (Rect){q->area.x, (int)y, q->area.w, 1}, t->grid);
        else
            draw_rect(ui->dl, (Rect){q->area.x + q->area.w - ui_px(ui, 4), (int)y, ui_px(ui, 4), 1}, c);
        int top = (int)y - small / 2;
        top = top + small > hi ? hi - small : top;
        top = top < lo ? lo : top;
        if (top + small > hi || top + small > prev_top)
            continue;
        prev_top = top;
        int w = ui_text_width(ui, tk->label[i], small);
        draw_text(ui->dl, right_align ? x - w : x, top, small, c, tk->label[i]);
    }
}

/* A legend entry's key (draw_key), under its label's full form. */
static void legend_key(Ui *ui, const Plot *p, const PlotSeries *s)
{
    char full[96];
    ui_title_form(full, sizeof full, s->label, 0);
    draw_key(ui->dl, s->color, s->dash, s->marker, p->area, full);
}

/* The widest label of the legend's written entries (the first `shown` with a label) in form
 * `level`; *more: whether any of them has a shorter form after that one. */
static int legend_widest(const Ui *ui, const PlotSeries *s, int n, int shown, int level, int size, int *more)
{
    int widest = 0;
    *more = 0;
    for (int k = 0, written = 0; k < n && written < shown; k++) {
        char form[96];
        if (!s[k].label)
            continue;
        written++;
        ui_title_form(form, sizeof form, s[k].label, level);
        int w = ui_text_width(ui, form, size);
        widest = w > widest ? w : widest;
        *more |= ui_title_form(form, sizeof form, s[k].label, level + 1);
    }
    return widest;
}

/* The legend's entries side by side: swatch, gap, label, gap. */
static int legend_row_width(const Ui *ui, const PlotSeries *s, int n)
{
    int small = ui_text_size_small(ui), w = 0;
    for (int k = 0; k < n; k++)
        if (s[k].label)
            w += ui_px(ui, 24) + ui_px(ui, 4) + ui_title_width(ui, s[k].label, small) + ui_px(ui, 12);
    return w;
}

/* The x ticks that fit left of name_x without touching each other; draws them when draw is
 * set. Returns how many. */
static int x_ticks(Ui *ui, const Plot *p, int integer, int ty, int name_x, int draw)
{
    const Theme *t = ui->theme;
    int small = ui_text_size_small(ui), pad = ui_px(ui, 6), count = 0;
    double span = p->x1 - p->x0;
    if (!(span > 0))
        return 0;
    char buf[32];
    double big = fabs(p->x1) > fabs(p->x0) ? p->x1 : p->x0;
    plot_format_tick(buf, sizeof buf, big, plot_nice_step(span, 6, integer));
    int room = p->area.w / (ui_text_width(ui, buf, small) + ui_px(ui, 14));
    room = room < 2 ? 2 : room > 6 ? 6 : room;
    double step = plot_nice_step(span, room, integer);
    if (step < 1 && span >= 5)
        step = 1;
    int last_end = p->frame.x, right = p->frame.x + p->frame.w - pad;
    for (double v = ceil(p->x0 / step - 1e-9) * step; v <= p->x1 + 1e-9 * fmax(1, fabs(p->x1)); v += step) {
        float x = plot_px(p, v);
        plot_format_tick(buf, sizeof buf, v, step);
        int w = ui_text_width(ui, buf, small), lx = (int)x - w / 2;
        lx = lx + w > right ? right - w : lx;
        if (lx < last_end + ui_px(ui, 4) || lx + w > name_x - ui_px(ui, 4))
            continue;
        if (draw) {
            draw_rect(ui->dl, (Rect){(int)x, p->area.y + p->area.h - ui_px(ui, 3), 1, ui_px(ui, 3)}, t->axis);
            draw_text(ui->dl, lx, ty, small, t->text_dim, buf);
        }
        last_end = lx + w;
        count++;
    }
    return count;
}

/* Where everything of a plot goes, before anything is drawn. */
#define PLOT_READOUT_ROWS 3
typedef struct {
    Plot p;
    int y2_w, ro_w, title_room;
    char ro1[160];                         /* the readout's part in the title row */
    char rows[PLOT_READOUT_ROWS][160];     /* ... and in rows of their own below */
    int n_rows, rows_y;
    int header_bottom; /* the title's (and readout's) rows end here: tick labels stay below */
    int ty;            /* the x labels' row */
    Ticks yt, y2t;
} Layout;

static void plot_layout(const Ui *ui, Rect r, const PlotOpts *o, Layout *L)
{
    int size = ui_text_size(ui), small = ui_text_size_small(ui), pad = ui_px(ui, 6);
    Plot p = {r, r, o->x0, o->x1, o->y0, o->y1, o->log_y, o->y2_1 > o->y2_0, o->y2_0, o->y2_1, {0, 0, 0, 0}};
    L->y2_w = p.has_y2 && o->y2_label ? ui_text_width(ui, o->y2_label, small) + 2 * pad : 0;
    int title_w = o->title ? ui_title_width(ui, o->title, size) + 2 * pad : pad;
    /* the readout's pieces (split at ", ") in the title row while they leave the title its
     * first shorter form (a title with one form: a few letters), the rest in rows of their
     * own below, as many pieces a row as fit; the forms after it are for plots too narrow
     * for it whatever the readout does */
    int few = ui_text_width(ui, "Mmmm\u2026", size) + 2 * pad;
    if (o->title && strchr(o->title, UI_OR[0])) {
        char second[256];
        ui_title_form(second, sizeof second, o->title, 1);
        few = ui_text_width(ui, second, size) + 2 * pad;
    }
    int ro_room = r.w - L->y2_w - (title_w < few ? title_w : few);
    L->ro1[0] = '\0';
    L->n_rows = 0;
    const char *rest = o->readout && o->readout[0] ? o->readout : NULL;
    for (int row = 0; rest && row <= PLOT_READOUT_ROWS; row++) {
        char *out = row ? L->rows[row - 1] : L->ro1;
        int room = row ? r.w - 2 * pad : ro_room - 2 * pad;
        const char *end = rest + strlen(rest), *fits = NULL;
        for (const char *c = rest;; c += 2) {
            c = strstr(c, ", ");
            const char *e = c ? c : end;
            char head[160];
            snprintf(head, sizeof head, "%.*s", (int)(e - rest), rest);
            if (ui_text_width(ui, head, small) > room)
                break;
            fits = e;
            if (!c)
                break;
        }
        if (row == PLOT_READOUT_ROWS || (!fits && row > 0 && !strstr(rest, ", "))) {
            plot_fit_text(ui, out, 160, rest, small, room); /* the last row, or one piece too wide */
            rest = NULL;
        } else if (!fits && row > 0) {
            const char *c = strstr(rest, ", "); /* the first piece alone, cut */
            char head[160];
            snprintf(head, sizeof head, "%.*s", (int)(c - rest), rest);
            plot_fit_text(ui, out, 160, head, small, room);
            rest = c + 2;
        } else if (fits) {
            snprintf(out, 160, "%.*s", (int)(fits - rest), rest);
            rest = *fits ? fits + 2 : NULL;
        }
        if (row)
            L->n_rows = row;
    }
    L->ro_w = L->ro1[0] ? ui_text_width(ui, L->ro1, small) + 2 * pad : 0;
    L->title_room = r.w - 2 * pad - L->y2_w - L->ro_w;
    int leg_w = o->legend ? legend_row_width(ui, o->legend, o->n_legend) : 0;
    int legend_in_title = leg_w > 0 && title_w + leg_w + L->y2_w + L->ro_w <= r.w;
    if (legend_in_title)
        p.legend_row = (Rect){r.x + title_w, r.y + pad / 2 + (size - small), leg_w, small};
    int top = r.y + (o->title ? size + pad : pad);
    L->header_bottom = o->title ? r.y + pad / 2 + size : r.y + 1;
    if (L->n_rows) {
        L->rows_y = L->header_bottom + ui_px(ui, 1);
        L->header_bottom = L->rows_y + L->n_rows * small;
        top = L->header_bottom + pad / 2;
    }
    /* the top tick's label, centred on it, clear of the title row; the x labels' row low
     * enough for the bottom tick's label to end above it, and inside the frame */
    top = top > L->header_bottom + small / 2 ? top : L->header_bottom + small / 2;
    int half = small - small / 2 - 1; /* how far a label centred on the bottom row reaches below */
    int left = r.x + ui_text_width(ui, "1e-100", small) + pad;
    int right = r.x + r.w - pad - (p.has_y2 ? ui_text_width(ui, "0.75", small) + ui_px(ui, 4) : 0);
    int bottom = r.y + r.h - pad / 2 - small - half + ui_px(ui, 2);
    /* a row of its own for the legend, when the data keep room for five lines of text */
    int row = small + ui_px(ui, 4);
    int own_row = leg_w > 0 && !legend_in_title && leg_w <= right - left && bottom - top - row >= 5 * small;
    for (int pass = 0; pass < 2; pass++) {
        int h = bottom - (top + (own_row ? row : 0)) - ui_px(ui, 2);
        y_ticks(ui, &L->yt, p.y0, p.y1, p.log_y, h);
        L->y2t.n = 0;
        if (p.has_y2)
            y_ticks(ui, &L->y2t, p.y2_0, p.y2_1, 0, h);
        /* wide labels (-2.5e30) widen the margin: a label is never cut at the frame */
        int need = r.x + ticks_width(ui, &L->yt) + ui_px(ui, 3) + ui_px(ui, 2);
        left = need > left ? need : left;
        if (!own_row || leg_w <= right - left)
            break;
        own_row = 0;
    }
    if (own_row) {
        p.legend_row = (Rect){left, top, leg_w, small};
        top += row;
    }
    p.area = (Rect){left, top, right - left, bottom - top - ui_px(ui, 2)};
    L->ty = p.area.y + p.area.h + half;
    L->p = p;
}

Rect plot_area(const Ui *ui, Rect r, const PlotOpts *o)
{
    Layout L;
    plot_layout(ui, r, o, &L);
    return L.p.area;
}

Plot plot_begin_ex(Ui *ui, Rect r, const PlotOpts *o)
{
    const Theme *t = ui->theme;
    int size = ui_text_size(ui), small = ui_text_size_small(ui), pad = ui_px(ui, 6);
    Layout L;
    plot_layout(ui, r, o, &L);
    Plot p = L.p;
    draw_rect(ui->dl, r, t->plot_bg);
    draw_frame(ui->dl, r, t->border, 1);
    if (o->title) {
        char fitted[256];
        ui_fit_title(ui, fitted, sizeof fitted, o->title, size, L.title_room);
        draw_text(ui->dl, r.x + pad, r.y + pad / 2, size, t->text, fitted);
    }
    if (L.y2_w)
        draw_text(ui->dl, r.x + r.w - L.y2_w + pad, r.y + pad / 2 + (size - small), small, o->y2_color, o->y2_label);
    if (L.ro_w)
        draw_text(ui->dl, r.x + r.w - L.y2_w - L.ro_w + pad, r.y + pad / 2 + (size - small), small, t->text, L.ro1);
    for (int k = 0; k < L.n_rows; k++)
        draw_text(ui->dl, r.x + r.w - pad - ui_text_width(ui, L.rows[k], small), L.rows_y + k * small, small,
                  t->text, L.rows[k]);
    if (p.area.w < 10 || p.area.h < 10)
        return p;
    ui_push_clip(ui, r);
    /* y ticks: as many labels as fit one above the other, none over the title or the x
     * labels */
    int ty = L.ty;
    y_ticks_draw(ui, &p, &L.yt, p.area.x - ui_px(ui, 3), 1, 1, t->text_dim, L.header_bottom, ty);
    if (p.has_y2) {
        Plot q = plot_right(&p);
        y_ticks_draw(ui, &q, &L.y2t, p.area.x + p.area.w + ui_px(ui, 3), 0, 0, o->y2_color, L.header_bottom, ty);
    }
    /* x ticks: round numbers (integers on a count axis), as many as fit, none under the
     * axis's name at the right end of the row, unless that leaves fewer than two */
    int name_x = r.x + r.w;
    if (o->x_label) {
        name_x = r.x + r.w - pad - ui_text_width(ui, o->x_label, small);
        if (x_ticks(ui, &p, o->x_integer, ty, name_x, 0) < 2)
            name_x = r.x + r.w;
        else
            draw_text(ui->dl, name_x, ty, small, t->text_dim, o->x_label);
    }
    x_ticks(ui, &p, o->x_integer, ty, name_x, 1);
    draw_frame(ui->dl, p.area, t->axis, 1);
    ui_pop_clip(ui);
    return p;
}

Plot plot_begin(Ui *ui, Rect r, const char *title, double x0, double x1, double y0, double y1,
                int log_y, const char *x_label)
{
    PlotOpts o = {.title = title, .x0 = x0, .x1 = x1, .y0 = y0, .y1 = y1, .log_y = log_y, .x_label = x_label};
    return plot_begin_ex(ui, r, &o);
}

Plot plot_right(const Plot *p)
{
    Plot q = *p;
    if (p->has_y2)
        q.log_y = 0, q.y0 = p->y2_0, q.y1 = p->y2_1;
    return q;
}

static int drawable(const Plot *p, double y) { return isfinite(y) && !(p->log_y && y <= 0); }

/* On and off lengths at scale 1, ending in 0. */
static const float DASHES[PLOT_DASH_COUNT][5] = {
    [PLOT_SOLID] = {0},
    [PLOT_DASHED] = {8, 4, 0},
    [PLOT_DOTTED] = {2, 3, 0},
    [PLOT_DASHDOT] = {8, 3, 2, 3, 0},
};

void plot_dash_segment(Ui *ui, float x0, float y0, float x1, float y1, Color c, float thickness, int dash,
                       float *phase)
{
    if (dash <= PLOT_SOLID || dash >= PLOT_DASH_COUNT) {
        draw_line(ui->dl, x0, y0, x1, y1, c, thickness);
        return;
    }
    float len[4], period = 0;
    int n = 0;
    for (; n < 4 && DASHES[dash][n] > 0; n++) {
        len[n] = (float)ui_px(ui, DASHES[dash][n]);
        len[n] = len[n] < 1 ? 1 : len[n];
        period += len[n];
    }
    float L = hypotf(x1 - x0, y1 - y0), at = 0;
    while (at < L) {
        float ph = fmodf(*phase, period), acc = 0;
        int k = 0;
        while (k < n - 1 && ph >= acc + len[k])
            acc += len[k++];
        float end = at + (acc + len[k] - ph);
        end = end > L ? L : end;
        if (end <= at) /* rounding at a piece's edge: step past it */
            end = at + 1e-3f;
        if (k % 2 == 0) {
            float u0 = at / L, u1 = end / L;
            draw_line(ui->dl, x0 + (x1 - x0) * u0, y0 + (y1 - y0) * u0, x0 + (x1 - x0) * u1, y0 + (y1 - y0) * u1, c,
                      thickness);
            ui->dl->cmds[ui->dl->n - 1].dash = dash;
        }
        *phase += end - at;
        at = end;
    }
}

void plot_marker(Ui *ui, float x, float y, float r, int shape, Color c)
{
    float w = (float)ui_px(ui, 1.6f);
    switch (shape) {
    case PLOT_MARK_DISC:
        draw_circle(ui->dl, x, y, r, c);
        break;
    case PLOT_MARK_RING:
        draw_ring(ui->dl, x, y, r, c, w);
        break;
    case PLOT_MARK_SQUARE: {
        int s = (int)lroundf(r * 0.9f);
        draw_rect(ui->dl, (Rect){(int)lroundf(x) - s, (int)lroundf(y) - s, 2 * s + 1, 2 * s + 1}, c);
        break;
    }
    case PLOT_MARK_BOX: {
        int s = (int)lroundf(r * 0.9f);
        draw_frame(ui->dl, (Rect){(int)lroundf(x) - s, (int)lroundf(y) - s, 2 * s + 1, 2 * s + 1}, c, w);
        break;
    }
    case PLOT_MARK_CROSS:
        draw_line(ui->dl, x - r, y - r, x + r, y + r, c, w);
        draw_line(ui->dl, x - r, y + r, x + r, y - r, c, w);
        break;
    case PLOT_MARK_PLUS:
        draw_line(ui->dl, x - r, y, x + r, y, c, w);
        draw_line(ui->dl, x, y - r, x, y + r, c, w);
        break;
    case PLOT_MARK_DIAMOND:
        draw_line(ui->dl, x, y - r, x + r, y, c, w);
        draw_line(ui->dl, x + r, y, x, y + r, c, w);
        draw_line(ui->dl, x, y + r, x - r, y, c, w);
        draw_line(ui->dl, x - r, y, x, y - r, c, w);
        break;
    case PLOT_MARK_TRIANGLE:
        draw_line(ui->dl, x, y - r, x + r, y + r * 0.8f, c, w);
        draw_line(ui->dl, x + r, y + r * 0.8f, x - r, y + r * 0.8f, c, w);
        draw_line(ui->dl, x - r, y + r * 0.8f, x, y - r, c, w);
        break;
    default:
        break;
    }
}

void plot_series_ex(Ui *ui, const Plot *p, const PlotSeries *s)
{
    ui_push_clip(ui, p->area);
    int have = 0, n = s->n;
    float px = 0, py = 0, phase = 0;
    float mr = (float)ui_px(ui, 3.5f);
    /* More points than pixels: a segment ends only where the line moved a pixel, or at a
     * break, so a long series costs what the plot's width costs. */
    int dense = n > 2 * (p->area.w > 1 ? p->area.w : 1);
    for (int i = 0; i < n; i++) {
        double x = s->xs ? s->xs[i] : i, y = s->ys[i];
        if (!drawable(p, y)) {
            have = 0;
            continue;
        }
        float X = plot_px(p, x), Y = plot_py(p, y);
        if (s->marker >= 0)
            plot_marker(ui, X, Y, mr, s->marker, s->color);
        if (s->dash < 0)
            continue;
        if (dense && have && i + 1 < n && drawable(p, s->ys[i + 1]) && fabsf(X - px) < 1 && fabsf(Y - py) < 1)
            continue;
        if (have)
            plot_dash_segment(ui, px, py, X, Y, s->color, s->thickness, s->dash, &phase);
        else if (s->marker < 0 && (i + 1 >= n || !drawable(p, s->ys[i + 1]))) /* an isolated point: a dot */
            draw_circle(ui->dl, X, Y, s->thickness + 1, s->color);
        px = X, py = Y, have = 1;
    }
    ui_pop_clip(ui);
}

void plot_series(Ui *ui, const Plot *p, const double *xs, const double *ys, int n, Color c,
                 float thickness)
{
    PlotSeries s = {xs, ys, n, c, thickness, PLOT_SOLID, PLOT_MARK_NONE, NULL};
    plot_series_ex(ui, p, &s);
}

Rect plot_hline(Ui *ui, const Plot *p, double y, Color c, const char *label)
{
    Rect none = {0, 0, 0, 0};
    if (!isfinite(y) || (p->log_y && y <= 0) || y < p->y0 || y > p->y1)
        return none;
    float Y = plot_py(p, y), phase = 0;
    ui_push_clip(ui, p->area);
    plot_dash_segment(ui, (float)p->area.x, Y, (float)(p->area.x + p->area.w), Y, c, (float)ui_px(ui, 1.5f),
                      PLOT_DOTTED, &phase);
    Rect lr = none;
    if (label) {
        /* above the line, or below it when the line runs along the top */
        int small = ui_text_size_small(ui), m = ui_px(ui, 2);
        int ty = (int)Y - small - ui_px(ui, 3);
        if (ty < p->area.y + m)
            ty = (int)Y + ui_px(ui, 3);
        /* inside the area: shortened to its width, moved up from its bottom edge, and left
         * out when the area is not a line of text high */
        int bottom = p->area.y + p->area.h - small - m;
        ty = ty > bottom ? bottom : ty;
        char fitted[128];
        ui_fit_title(ui, fitted, sizeof fitted, label, small, p->area.w - ui_px(ui, 6) - 2 * m);
        if (fitted[0] && ty >= p->area.y + m) {
            int w = ui_text_width(ui, fitted, small);
            lr = (Rect){p->area.x + p->area.w - w - ui_px(ui, 6), ty - m / 2, w + 2 * m, small + m};
            Color veil = ui->theme->plot_bg;
            veil.a = 235;
            draw_rect(ui->dl, lr, veil);
            draw_text(ui->dl, lr.x + m, ty, small, c, fitted);
        }
        char full[128];
        ui_title_form(full, sizeof full, label, 0);
        draw_key(ui->dl, c, PLOT_DOTTED, PLOT_MARK_NONE, p->area, full);
    }
    ui_pop_clip(ui);
    return lr;
}

void plot_vline(Ui *ui, const Plot *p, double x, Color c)
{
    if (!isfinite(x) || x < p->x0 || x > p->x1 || p->area.w < 2)
        return;
    float X = plot_px(p, x);
    ui_push_clip(ui, p->area);
    draw_line(ui->dl, X, (float)p->area.y, X, (float)(p->area.y + p->area.h), c, (float)ui_px(ui, 1.5f));
    ui_pop_clip(ui);
}

static int overlaps(Rect a, Rect b)
{
    return a.w > 0 && b.w > 0 && a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/* How many of the series' points (and points along their segments) fall inside box. */
static long points_under(const Plot *p, const PlotSeries *s, int n, Rect box)
{
    long count = 0;
    for (int k = 0; k < n; k++) {
        const PlotSeries *a = &s[k];
        int sub = a->n < 200 ? 8 : 1; /* a few points: look along their segments too */
        for (int i = 0; i < a->n; i++) {
            double x = a->xs ? a->xs[i] : i, y = a->ys[i];
            if (!drawable(p, y))
                continue;
            float X = plot_px(p, x), Y = plot_py(p, y);
            count += rect_contains(box, (int)X, (int)Y);
            if (sub > 1 && i + 1 < a->n && drawable(p, a->ys[i + 1])) {
                float X1 = plot_px(p, a->xs ? a->xs[i + 1] : i + 1), Y1 = plot_py(p, a->ys[i + 1]);
                for (int j = 1; j < sub; j++)
                    count += rect_contains(box, (int)(X + (X1 - X) * j / sub), (int)(Y + (Y1 - Y) * j / sub));
            }
        }
    }
    return count;
}

/* A w by h box in corner c of the data area (bit 0: right, bit 1: bottom), m inside it. */
static Rect corner_box(const Plot *p, int c, int w, int h, int m)
{
    return (Rect){c & 1 ? p->area.x + p->area.w - w - m : p->area.x + m,
                  c & 2 ? p->area.y + p->area.h - h - m : p->area.y + m, w, h};
}

/* What a legend or a note sits on: the plot's background, nearly opaque. */
static Color veil_color(const Ui *ui)
{
    Color veil = ui->theme->plot_bg;
    veil.a = 225;
    return veil;
}

Rect plot_corner_note(Ui *ui, const Plot *p, const PlotSeries *s, int n, const Rect *avoid, int n_avoid,
                      const char *const *forms, int n_forms)
{
    Rect none = {0, 0, 0, 0};
    int small = ui_text_size_small(ui), m = ui_px(ui, 4), pad = ui_px(ui, 3);
    int max_w = p->area.w - 2 * m - 2 * pad, h = small + 2 * pad;
    if (max_w < 3 * small || p->area.h < h + 2 * m)
        return none;
    /* each form that fits, longest first (the last cut to fit), in the corner with the
     * fewest points among those clear of the markers; none clear for any form: the last
     * form in the corner with the fewest points, markers or not */
    for (int f = 0; f < n_forms; f++) {
        int last = f + 1 == n_forms;
        if (!last && ui_text_width(ui, forms[f], small) > max_w)
            continue;
        char fitted[96];
        plot_fit_text(ui, fitted, sizeof fitted, forms[f], small, max_w);
        int w = ui_text_width(ui, fitted, small) + 2 * pad;
        Rect best = none;
        long best_score = -1;
        for (int c = 0; c < 4; c++) { /* bottom left first: where the note always was */
            Rect box = corner_box(p, (c + 2) & 3, w, h, m);
            int clear = 1;
            for (int a = 0; a < n_avoid; a++)
                clear &= !overlaps(box, avoid[a]);
            long score = points_under(p, s, n, box) + (clear ? 0 : 1L << 40);
            if ((clear || last) && (best_score < 0 || score < best_score))
                best_score = score, best = box;
        }
        if (best_score < 0)
            continue; /* no corner clear of the markers: a shorter form */
        ui_push_clip(ui, p->area);
        draw_rect(ui->dl, best, veil_color(ui));
        draw_text(ui->dl, best.x + pad, best.y + pad, small, ui->theme->text_dim, fitted);
        ui_pop_clip(ui);
        return best;
    }
    return none; /* not reached: the last form always has a corner */
}

Rect plot_legend(Ui *ui, const Plot *p, const PlotSeries *s, int n, const Rect *avoid, int n_avoid)
{
    const Theme *t = ui->theme;
    int small = ui_text_size_small(ui), m = ui_px(ui, 4), sw = ui_px(ui, 24), row = small + ui_px(ui, 3);
    int rows = 0, text_w = 0;
    for (int k = 0; k < n; k++)
        if (s[k].label) {
            int w = ui_title_width(ui, s[k].label, small);
            text_w = w > text_w ? w : text_w;
            rows++;
        }
    Rect none = {0, 0, 0, 0};
    if (!rows)
        return none;
    if (p->legend_row.w > 0) { /* side by side in the row plot_begin_ex kept */
        int x = p->legend_row.x, y = p->legend_row.y;
        float cy = (float)(y + small / 2);
        for (int k = 0; k < n; k++) {
            if (!s[k].label)
                continue;
            float phase = 0;
            if (s[k].dash >= 0)
                plot_dash_segment(ui, (float)x, cy, (float)(x + sw), cy, s[k].color, s[k].thickness, s[k].dash, &phase);
            if (s[k].marker >= 0)
                plot_marker(ui, (float)x + sw / 2.0f, cy, (float)ui_px(ui, 3.5f), s[k].marker, s[k].color);
            char full[96];
            ui_title_form(full, sizeof full, s[k].label, 0);
            draw_text(ui->dl, x + sw + m, y, small, t->text, full);
            draw_key(ui->dl, s[k].color, s[k].dash, s[k].marker, p->area, full);
            x += sw + m + ui_text_width(ui, full, small) + ui_px(ui, 12);
        }
        return p->legend_row;
    }
    /* as many entries as the area has room for, one above the other: the rest are keyed
     * (draw_key) but not written, rather than cut by the area's edge */
    int fit_rows = (p->area.h - 3 * m) / row;
    int shown = rows < fit_rows ? rows : fit_rows;
    for (int k = 0; k < n; k++)
        if (s[k].label && !shown)
            legend_key(ui, p, &s[k]);
    if (shown < 1)
        return none;
    int w = sw + m + text_w + 2 * m;
    int max_w = p->area.w - 2 * m;
    w = w > max_w ? max_w : w;
    if (w < sw + 2 * m)
        return none;
    /* the corner with the fewest points under it, and never one over what is to be avoided:
     * a corner that would cover it is narrowed to end before it (its labels cut to fit);
     * when every corner would, fewer entries, and with none left none at all */
    Rect best = none;
    int best_corner = 0;
    const long COVERS = 1L << 40;
    long best_score = -1;
    for (; shown > 0; shown--) {
        int h = shown * row + m;
        best_score = -1;
        for (int c = 0; c < 4; c++) {
            Rect box = corner_box(p, c, w, h, m);
            long score = 0;
            for (int a = 0; a < n_avoid; a++) {
                if (!overlaps(box, avoid[a]))
                    continue;
                int x_end = box.x + box.w;
                if (!(c & 1) && avoid[a].x - m > box.x)
                    box.w = avoid[a].x - m - box.x;
                else if ((c & 1) && avoid[a].x + avoid[a].w + m < x_end)
                    box.x = avoid[a].x + avoid[a].w + m, box.w = x_end - box.x;
                if (box.w < sw + 3 * m + 3 * small || overlaps(box, avoid[a]))
                    score += COVERS;
            }
            score += points_under(p, s, n, box);
            if (best_score < 0 || score < best_score)
                best_score = score, best = box, best_corner = c;
        }
        if (best_score < COVERS)
            break;
    }
    if (shown < 1) {
        for (int k = 0; k < n; k++)
            if (s[k].label)
                legend_key(ui, p, &s[k]);
        return none;
    }
    /* every label written in the same form: the fullest in which all fit (their last forms,
     * cut, where none does); the entries past `shown` are only keyed */
    int room = best.w - sw - 3 * m, level = 0, more;
    int widest = legend_widest(ui, s, n, shown, 0, small, &more);
    while (widest > room && more)
        widest = legend_widest(ui, s, n, shown, ++level, small, &more);
    int narrow = sw + m + widest + 2 * m;
    if (level > 0 && narrow < best.w) { /* the shorter forms need a narrower box: same side */
        if (best_corner & 1)             /* a right-hand corner */
            best.x += best.w - narrow;
        best.w = narrow;
        room = best.w - sw - 3 * m;
    }
    /* a label that would be its ellipsis alone: the entries keyed, none written */
    for (int k = 0, written = 0; k < n && written < shown; k++) {
        char form[96], fitted[96];
        if (!s[k].label)
            continue;
        written++;
        ui_title_form(form, sizeof form, s[k].label, level);
        ui_fit_title(ui, fitted, sizeof fitted, form, small, room);
        if (!fitted[0] || !strcmp(fitted, "\u2026")) {
            for (int j = 0; j < n; j++)
                if (s[j].label)
                    legend_key(ui, p, &s[j]);
            return none;
        }
    }
    ui_push_clip(ui, p->area);
    draw_rect(ui->dl, best, veil_color(ui));
    int y = best.y + m / 2 + ui_px(ui, 1), drawn = 0;
    for (int k = 0; k < n; k++) {
        if (!s[k].label)
            continue;
        if (drawn++ >= shown) {
            legend_key(ui, p, &s[k]);
            continue;
        }
        float cy = (float)(y + small / 2), phase = 0;
        float x0 = (float)(best.x + m), x1 = x0 + (float)sw;
        if (s[k].dash >= 0)
            plot_dash_segment(ui, x0, cy, x1, cy, s[k].color, s[k].thickness, s[k].dash, &phase);
        if (s[k].marker >= 0)
            plot_marker(ui, (x0 + x1) / 2, cy, (float)ui_px(ui, 3.5f), s[k].marker, s[k].color);
        char form[96], fitted[96];
        ui_title_form(form, sizeof form, s[k].label, level);
        ui_fit_title(ui, fitted, sizeof fitted, form, small, room);
        draw_text(ui->dl, (int)x1 + m, y, small, t->text, fitted);
        ui_title_form(form, sizeof form, s[k].label, 0);
        draw_key(ui->dl, s[k].color, s[k].dash, s[k].marker, p->area, form);
        y += row;
    }
    ui_pop_clip(ui);
    return best;
}
