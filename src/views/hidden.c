/* hidden.c: the hidden states: each unit over t, and the path h_0 .. h_T on its two
 * principal axes (whose signs the ViewState keeps steady). */
#include "views.h"

#include "../ui/plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HIDDEN_LINES 48

/* ---- 2. hidden-state trajectories ---- */

/* The first two principal axes of the rows of h (T, H) by power iteration, signs kept
 * pointing the way they did last frame so the picture does not flip. */
static void principal_axes(ViewState *vs, const double *h, int T, int H, double mean[256], double axes[2][256])
{
    for (int j = 0; j < H; j++) {
        mean[j] = 0;
        for (int t = 0; t < T; t++)
            mean[j] += h[(size_t)t * H + j] / T;
    }
    for (int a = 0; a < 2; a++) {
        double *v = axes[a];
        for (int j = 0; j < H; j++)
            v[j] = vs->pca_valid ? vs->pca[a][j] : 1.0 / (j + 1 + a);
        for (int it = 0; it < 30; it++) {
            double w[256] = {0};
            for (int t = 0; t < T; t++) {
                const double *row = h + (size_t)t * H;
                double dot = 0;
                for (int j = 0; j < H; j++)
                    dot += (row[j] - mean[j]) * v[j];
                for (int j = 0; j < H; j++)
                    w[j] += dot * (row[j] - mean[j]);
            }
            if (a == 1) { /* deflate: stay orthogonal to the first axis */
                double p = 0;
                for (int j = 0; j < H; j++)
                    p += w[j] * axes[0][j];
                for (int j = 0; j < H; j++)
                    w[j] -= p * axes[0][j];
            }
            double nrm = 0;
            for (int j = 0; j < H; j++)
                nrm += w[j] * w[j];
            nrm = sqrt(nrm);
            if (!(nrm > 1e-300))
                break;
            for (int j = 0; j < H; j++)
                v[j] = w[j] / nrm;
        }
        if (vs->pca_valid) {
            double dot = 0;
            for (int j = 0; j < H; j++)
                dot += v[j] * vs->pca[a][j];
            if (dot < 0)
                for (int j = 0; j < H; j++)
                    v[j] = -v[j];
        }
        memcpy(vs->pca[a], v, (size_t)H * sizeof(double));
    }
    vs->pca_valid = 1;
}

void view_hidden(Ui *ui, Rect r, const RunView *rv, ViewState *vs, ViewScratch *scratch)
{
    (void)scratch;
    const Theme *t = ui->theme;
    Observables shown = views_obs(rv, vs); /* a stack: the layer shown */
    const Observables *o = &shown;
    int T = rv->T, H = rv->dims.H, layer = views_layer(rv, vs);
    char title[64], pca_title[64];
    if (rv->dims.L > 1) {
        snprintf(title, sizeof title, "Hidden units h_t of layer %d (first sample)" UI_OR "Layer %d's h_t", layer, layer);
        snprintf(pca_title, sizeof pca_title, "layer %d's h_t on 2 principal axes" UI_OR "layer %d's h_t (PCA)", layer,
                 layer);
    } else {
        snprintf(title, sizeof title, "Hidden units h_t (first sample)");
        snprintf(pca_title, sizeof pca_title, "h_t on 2 principal axes" UI_OR "h_t (PCA)");
    }
    int gap = ui_px(ui, 6);
    Rect left = {r.x, r.y, r.w * 58 / 100 - gap / 2, r.h};
    Rect right = {left.x + left.w + gap, r.y, r.w - left.w - gap, r.h};
    /* tanh's -1..1, unless the states leave it (a cell without a squashing output); one
     * plot_begin only, so its axes are drawn once */
    double lo, hi;
    if (!(plot_range(o->h, T * H, 0, &lo, &hi) && (lo < -1.05 || hi > 1.05)))
        lo = -1.05, hi = 1.05;
    PlotOpts po = {.title = title, .x0 = 0, .x1 = T > 1 ? T - 1 : 1, .y0 = lo, .y1 = hi,
                   .x_label = "t", .x_integer = 1}; /* t counts steps: no tick at 0.5 */
    Plot p = plot_begin_ex(ui, left, &po);
    /* the unit nearest the mouse is highlighted */
    int hot_unit = -1;
    if (rect_contains(p.area, ui->in.mouse_x, ui->in.mouse_y) && T > 1) {
        int s = (int)lround((ui->in.mouse_x - p.area.x) / (double)(p.area.w - 1) * (T - 1));
        double best = 1e9;
        for (int j = 0; j < H; j++) {
            double dy = fabs(plot_py(&p, o->h[(size_t)s * H + j]) - ui->in.mouse_y);
            if (dy < best)
                best = dy, hot_unit = j;
        }
        if (best > ui_px(ui, 12))
            hot_unit = -1;
    }
    double line[1000];
    /* at most HIDDEN_LINES units as lines (and the one pointed at): more is a solid band */
    for (int j = 0; j < H; j++) {
        if (j >= HIDDEN_LINES && j != hot_unit)
            continue;
        for (int s = 0; s < T && s < 1000; s++)
            line[s] = o->h[(size_t)s * H + j];
        Color c = t->series[j % 8];
        if (hot_unit >= 0 && j != hot_unit)
            c.a = 60;
        plot_series(ui, &p, NULL, line, T, c, (float)ui_px(ui, j == hot_unit ? 3 : 1.3f));
    }
    if (hot_unit >= 0) {
        char buf[64];
        snprintf(buf, sizeof buf, "unit %d", hot_unit);
        ui_set_tooltip(ui, buf);
    }

    /* the path h_0 .. h_T on its two principal axes */
    double mean[256], axes[2][256];
    if (vs->pca_valid && vs->pca_run == rv->run_id && vs->pca_step == rv->step && vs->pca_H == H &&
        vs->pca_layer == layer) {
        memcpy(mean, vs->pca_mean, sizeof mean); /* the same states as last frame */
        memcpy(axes, vs->pca, sizeof axes);
    } else {
        principal_axes(vs, o->h, T, H, mean, axes);
        memcpy(vs->pca_mean, mean, sizeof mean);
        vs->pca_run = rv->run_id, vs->pca_step = rv->step, vs->pca_H = H, vs->pca_layer = layer;
    }
    double px[1000], py[1000];
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (int s = 0; s < T && s < 1000; s++) {
        double a = 0, b = 0;
        for (int j = 0; j < H; j++) {
            a += (o->h[(size_t)s * H + j] - mean[j]) * axes[0][j];
            b += (o->h[(size_t)s * H + j] - mean[j]) * axes[1][j];
        }
        px[s] = a, py[s] = b;
        if (isfinite(a) && isfinite(b)) {
            x0 = a < x0 ? a : x0, x1 = a > x1 ? a : x1;
            y0 = b < y0 ? b : y0, y1 = b > y1 ? b : y1;
        }
    }
    if (!(x0 < x1))
        x0 -= 1, x1 += 1;
    if (!(y0 < y1))
        y0 -= 1, y1 += 1;
    double mx = (x1 - x0) * 0.08, my = (y1 - y0) * 0.08;
    Plot q = plot_begin(ui, right, pca_title, x0 - mx, x1 + mx, y0 - my, y1 + my, 0, NULL);
    int n = T < 1000 ? T : 1000;
    ui_push_clip(ui, q.area);
    for (int s = 1; s < n; s++)
        draw_line(ui->dl, plot_px(&q, px[s - 1]), plot_py(&q, py[s - 1]), plot_px(&q, px[s]), plot_py(&q, py[s]),
                  colormap_magnitude((double)s / (T - 1)), (float)ui_px(ui, 2));
    ui_pop_clip(ui);
    /* the key to the path, in the corner of its area the path leaves most free and clear of
     * the ring and the dot where one is; drawn before them, so they stay on top of it */
    static const char *const KEYS[] = {"ring: h_0, dot: last; colour: time", "ring: h_0, dot: last", "ring h_0, dot h_T",
                                       "\u25cb h_0 \u25cf h_T", "\u25cb h_0"};
    PlotSeries path = {px, py, n, t->text, 1.0f, 0, -1, NULL};
    Rect marks[2] = {{0, 0, 0, 0}, {0, 0, 0, 0}};
    for (int k = 0; k < 2 && n > 0; k++) {
        int s = k ? n - 1 : 0, r = ui_px(ui, 10);
        marks[k] = (Rect){(int)plot_px(&q, px[s]) - r, (int)plot_py(&q, py[s]) - r, 2 * r, 2 * r};
    }
    plot_corner_note(ui, &q, &path, 1, marks, 2, KEYS, (int)(sizeof KEYS / sizeof KEYS[0]));
    if (n > 0) {
        ui_push_clip(ui, q.area);
        draw_ring(ui->dl, plot_px(&q, px[0]), plot_py(&q, py[0]), (float)ui_px(ui, 5), t->text, (float)ui_px(ui, 1.5f));
        draw_circle(ui->dl, plot_px(&q, px[n - 1]), plot_py(&q, py[n - 1]), (float)ui_px(ui, 4), t->text);
        ui_pop_clip(ui);
    }
}

