/* plot.c: the shared axes of every view. */
#include "plot.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void plot_format(char *buf, size_t len, double v)
{
    double a = fabs(v);
    if (v == 0)
        snprintf(buf, len, "0");
    else if (a >= 1e4 || a < 1e-2)
        snprintf(buf, len, "%.0e", v);
    else if (a >= 100)
        snprintf(buf, len, "%.0f", v);
    else if (a >= 1)
        snprintf(buf, len, "%.3g", v);
    else
        snprintf(buf, len, "%.2g", v);
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
    snprintf(out, len, "%s", text);
    size_t n = strlen(out);
    if (ui_text_width(ui, out, size) <= max_w)
        return;
    /* cut at a character boundary and add an ellipsis */
    while (n > 0) {
        n--;
        while (n > 0 && ((unsigned char)out[n] & 0xc0) == 0x80)
            n--;
        if (n + 4 > len)
            continue;
        memcpy(out + n, "\u2026", 4);
        if (ui_text_width(ui, out, size) <= max_w)
            return;
    }
    out[0] = '\0';
}

Plot plot_begin(Ui *ui, Rect r, const char *title, double x0, double x1, double y0, double y1,
                int log_y, const char *x_label)
{
    const Theme *t = ui->theme;
    int size = ui_text_size(ui), small = ui_text_size_small(ui);
    Plot p = {r, r, x0, x1, y0, y1, log_y};
    draw_rect(ui->dl, r, t->plot_bg);
    draw_frame(ui->dl, r, t->border, 1);
    int pad = ui_px(ui, 6);
    int label_w = x_label ? ui_text_width(ui, x_label, small) + 2 * pad : 0;
    if (title) {
        char fitted[256];
        plot_fit_text(ui, fitted, sizeof fitted, title, size, r.w - 2 * pad - label_w);
        draw_text(ui->dl, r.x + pad, r.y + pad / 2, size, t->text, fitted);
    }
    int top = r.y + (title ? size + pad : pad);
    int left = r.x + ui_text_width(ui, "1e-100", small) + pad;
    int bottom = r.y + r.h - small - pad - (x_label ? 0 : 0);
    p.area = (Rect){left, top, r.x + r.w - pad - left, bottom - top - ui_px(ui, 2)};
    if (p.area.w < 10 || p.area.h < 10)
        return p;
    ui_push_clip(ui, r);
    /* y ticks */
    char buf[32];
    /* as many y labels as fit one above the other */
    int room_y = p.area.h / (small * 2);
    room_y = room_y < 2 ? 2 : room_y > 6 ? 6 : room_y;
    if (log_y) {
        int d0 = (int)ceil(log10(y0)), d1 = (int)floor(log10(y1));
        int step = (d1 - d0) / room_y + 1;
        for (int d = d0; d <= d1; d += step) {
            double v = pow(10, d);
            float y = plot_py(&p, v);
            draw_rect(ui->dl, (Rect){p.area.x, (int)y, p.area.w, 1}, t->grid);
            snprintf(buf, sizeof buf, d == 0 ? "1" : "1e%d", d);
            int w = ui_text_width(ui, buf, small);
            draw_text(ui->dl, p.area.x - w - ui_px(ui, 3), (int)y - small / 2, small, t->text_dim, buf);
        }
    } else {
        double span = y1 - y0, raw = span / room_y, mag = pow(10, floor(log10(raw)));
        double step = raw <= mag ? mag : raw <= 2 * mag ? 2 * mag : raw <= 5 * mag ? 5 * mag : 10 * mag;
        for (double v = ceil(y0 / step) * step; v <= y1; v += step) {
            float y = plot_py(&p, v);
            draw_rect(ui->dl, (Rect){p.area.x, (int)y, p.area.w, 1}, t->grid);
            plot_format(buf, sizeof buf, fabs(v) < step * 1e-6 ? 0 : v);
            int w = ui_text_width(ui, buf, small);
            draw_text(ui->dl, p.area.x - w - ui_px(ui, 3), (int)y - small / 2, small, t->text_dim, buf);
        }
    }
    /* x ticks: round numbers, as many as fit */
    double span = x1 - x0;
    if (span > 0) {
        plot_format(buf, sizeof buf, fabs(x1) > fabs(x0) ? x1 : x0);
        int room = p.area.w / (ui_text_width(ui, buf, small) + ui_px(ui, 14));
        room = room < 2 ? 2 : room > 6 ? 6 : room;
        double raw = span / room, mag = pow(10, floor(log10(raw)));
        double step = raw <= mag ? mag : raw <= 2 * mag ? 2 * mag : raw <= 5 * mag ? 5 * mag : 10 * mag;
        if (step < 1 && span >= 5)
            step = 1;
        for (double v = ceil(x0 / step) * step; v <= x1 + 1e-9 * fabs(x1); v += step) {
            float x = plot_px(&p, v);
            plot_format(buf, sizeof buf, fabs(v) < step * 1e-6 ? 0 : v);
            int w = ui_text_width(ui, buf, small);
            draw_text(ui->dl, (int)x - w / 2, p.area.y + p.area.h + ui_px(ui, 2), small, t->text_dim, buf);
        }
    }
    if (x_label) {
        int w = ui_text_width(ui, x_label, small);
        draw_text(ui->dl, r.x + r.w - w - pad, r.y + pad / 2 + (size - small), small, t->text_dim, x_label);
    }
    draw_frame(ui->dl, p.area, t->axis, 1);
    ui_pop_clip(ui);
    return p;
}

static int drawable(const Plot *p, double y) { return isfinite(y) && !(p->log_y && y <= 0); }

void plot_series(Ui *ui, const Plot *p, const double *xs, const double *ys, int n, Color c,
                 float thickness)
{
    ui_push_clip(ui, p->area);
    int have = 0;
    float px = 0, py = 0;
    /* More points than pixels: a segment ends only where the line moved a pixel, or at a
     * break, so a long series costs what the plot's width costs. */
    int dense = n > 2 * (p->area.w > 1 ? p->area.w : 1);
    for (int i = 0; i < n; i++) {
        double x = xs ? xs[i] : i, y = ys[i];
        if (!drawable(p, y)) {
            have = 0;
            continue;
        }
        float X = plot_px(p, x), Y = plot_py(p, y);
        if (dense && have && i + 1 < n && drawable(p, ys[i + 1]) && fabsf(X - px) < 1 && fabsf(Y - py) < 1)
            continue;
        if (have)
            draw_line(ui->dl, px, py, X, Y, c, thickness);
        else if (i + 1 >= n || !drawable(p, ys[i + 1])) /* an isolated point: a dot */
            draw_circle(ui->dl, X, Y, thickness + 1, c);
        px = X, py = Y, have = 1;
    }
    ui_pop_clip(ui);
}

void plot_hline(Ui *ui, const Plot *p, double y, Color c, const char *label)
{
    if (!isfinite(y) || (p->log_y && y <= 0) || y < p->y0 || y > p->y1)
        return;
    float Y = plot_py(p, y);
    ui_push_clip(ui, p->area);
    for (int x = p->area.x; x < p->area.x + p->area.w; x += ui_px(ui, 10))
        draw_line(ui->dl, (float)x, Y, (float)(x + ui_px(ui, 6)), Y, c, (float)ui_px(ui, 1.5f));
    if (label) {
        /* above the line, or below it when the line runs along the top (the legend's place) */
        int small = ui_text_size_small(ui), w = ui_text_width(ui, label, small);
        int y = (int)Y - small - ui_px(ui, 2);
        if (y < p->area.y + 2 * small + ui_px(ui, 8))
            y = (int)Y + ui_px(ui, 3);
        draw_text(ui->dl, p->area.x + p->area.w - w - ui_px(ui, 4), y, small, c, label);
    }
    ui_pop_clip(ui);
}
