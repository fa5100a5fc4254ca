/* views.c: the unfolded network, hidden-state trajectories, gradient norms per step with
 * their waterfall, loss, gates and the spectrum of W_hh. Everything is read from the
 * trainer's Observables, History and Spectrum; nothing here changes the run. */
#include "views.h"

#include "plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *view_name(int view)
{
    static const char *const NAMES[VIEW_COUNT] = {"unfolded network", "hidden states",
                                                  "gradient per step", "loss",
                                                  "gates", "spectrum of W_hh"};
    return NAMES[view];
}

static void message(Ui *ui, Rect r, const char *title, const char *text)
{
    const Theme *t = ui->theme;
    draw_rect(ui->dl, r, t->plot_bg);
    draw_frame(ui->dl, r, t->border, 1);
    int size = ui_text_size(ui), pad = ui_px(ui, 6);
    draw_text(ui->dl, r.x + pad, r.y + pad / 2, size, t->text, title);
    draw_text(ui->dl, r.x + pad, r.y + r.h / 2 - size / 2, ui_text_size_small(ui), t->text_dim, text);
}

/* log10 of the largest finite positive value, or NAN. */
static double log_top(const double *v, int n)
{
    double top = -INFINITY;
    for (int i = 0; i < n; i++)
        if (isfinite(v[i]) && v[i] > 0 && log10(v[i]) > top)
            top = log10(v[i]);
    return isfinite(top) ? top : NAN;
}

/* 0..1 position of g on the gradient scale [top - GRAD_DECADES, top]; 0 for zero. */
static double grad_level(double g, double top)
{
    if (!(g > 0) || isnan(top))
        return 0;
    if (!isfinite(g))
        return 1;
    double u = (log10(g) - (top - GRAD_DECADES)) / GRAD_DECADES;
    return u < 0 ? 0 : u > 1 ? 1 : u;
}

/* ---- 1. the unfolded network ---- */

void view_unfolded(Ui *ui, Rect r, const Trainer *tr, ViewState *vs)
{
    const Theme *t = ui->theme;
    const Observables *o = &tr->obs;
    const ModelDims *d = &tr->dims;
    int T = tr->T, H = d->H, I = d->I, Tenc = tr->task.info.T;
    int size = ui_text_size(ui), small = ui_text_size_small(ui), pad = ui_px(ui, 6);
    draw_rect(ui->dl, r, t->plot_bg);
    draw_frame(ui->dl, r, t->border, 1);
    draw_clip(ui->dl, r);
    char title[160];
    if (vs->label)
        snprintf(title, sizeof title, "%s: unfolded network (%s%s)", vs->label, d->cell->name,
                 d->shape == SHAPE_SEQ2SEQ ? ", encoder then decoder" : "");
    else
        snprintf(title, sizeof title, "Unfolded network: x_t \u2192 h_t \u2192 y_t, the same W_hh at every step (%s%s)",
                 d->cell->name, d->shape == SHAPE_SEQ2SEQ ? ", encoder then decoder" : "");
    draw_text(ui->dl, r.x + pad, r.y + pad / 2, size, t->text, title);

    /* Columns: if T steps do not fit at a readable width, show every k-th step. */
    int min_w = ui_px(ui, 14);
    Rect area = {r.x + ui_px(ui, 44), r.y + size + 2 * pad, r.w - ui_px(ui, 54), r.h - size - 3 * pad - small};
    int k = 1;
    while (T / k * min_w > area.w && k < T)
        k++;
    int cols = (T + k - 1) / k;
    float cw = (float)area.w / cols;
    /* rows: x, h (and c), y */
    int gated = d->cell->has_cell_state;
    int x_h = area.h * 2 / 10, y_h = area.h * 15 / 100;
    int h_h = area.h - x_h - y_h - 2 * pad;
    Rect xrow = {area.x, area.y, area.w, x_h};
    Rect hrow = {area.x, area.y + x_h + pad, area.w, h_h};
    Rect yrow = {area.x, hrow.y + h_h + pad, area.w, y_h};
    draw_text(ui->dl, r.x + pad, xrow.y + x_h / 2 - small / 2, small, t->text_dim, "x_t");
    draw_text(ui->dl, r.x + pad, hrow.y + h_h / 2 - small / 2, small, t->text_dim, gated ? "h|c" : "h_t");
    draw_text(ui->dl, r.x + pad, yrow.y + y_h / 2 - small / 2, small, t->text_dim, "y_t");

    double top = log_top(o->dh_norm, T);
    int mouse_col = -1;
    if (rect_contains((Rect){area.x, area.y, area.w, area.h}, ui->in.mouse_x, ui->in.mouse_y))
        mouse_col = (int)((ui->in.mouse_x - area.x) / cw);
    vs->hover_t = -1;
    float gap = cw > 8 ? cw * 0.28f : 1;
    for (int c = 0; c < cols; c++) {
        int step = c * k + k - 1 < T ? c * k + k - 1 : T - 1;
        float x0 = area.x + c * cw, w = cw - gap;
        if (c == mouse_col) {
            vs->hover_t = step;
            draw_rect(ui->dl, (Rect){(int)(x0 - gap / 2), area.y - 2, (int)cw, area.h + 4}, t->grid);
        }
        /* the input: one cell per input unit */
        int inputs = step < Tenc ? I : d->Id;
        const double *x = step < Tenc ? o->x + (size_t)step * I : NULL;
        for (int i = 0; i < inputs && x; i++) {
            float ch = (float)x_h / inputs;
            draw_rect(ui->dl, (Rect){(int)x0, (int)(xrow.y + i * ch), (int)w > 0 ? (int)w : 1,
                                     (int)ch > 0 ? (int)ch : 1},
                      colormap_signed(x[i]));
        }
        if (!x) /* the decoder's input: what it was fed */
            draw_rect(ui->dl, (Rect){(int)x0, xrow.y, (int)w > 0 ? (int)w : 1, x_h}, t->grid);
        /* the hidden state (and cell state): coloured by value */
        float uw = gated ? w / 2 : w;
        float ch = (float)h_h / H;
        for (int j = 0; j < H; j++) {
            Rect cell = {(int)x0, (int)(hrow.y + j * ch), (int)uw > 0 ? (int)uw : 1, (int)ch > 0 ? (int)ch : 1};
            draw_rect(ui->dl, cell, colormap_signed(o->h[(size_t)step * H + j]));
            if (gated) {
                cell.x = (int)(x0 + uw);
                draw_rect(ui->dl, cell, colormap_signed(tanh(o->c[(size_t)step * H + j])));
            }
        }
        /* the output, where the head reads this step */
        int reads = o->n_out > 1 ? (d->shape == SHAPE_SEQ2SEQ ? step >= Tenc : 1) : step == T - 1;
        if (reads) {
            int row = o->n_out > 1 ? (d->shape == SHAPE_SEQ2SEQ ? step - Tenc : step) : 0;
            const double *y = o->out + (size_t)row * d->O;
            float oh = (float)y_h / d->O;
            double m = 0;
            for (int q = 0; q < d->O; q++)
                m = fabs(y[q]) > m ? fabs(y[q]) : m;
            for (int q = 0; q < d->O; q++)
                draw_rect(ui->dl, (Rect){(int)x0, (int)(yrow.y + q * oh), (int)w > 0 ? (int)w : 1, (int)oh > 0 ? (int)oh : 1},
                          colormap_signed(d->loss == LOSS_XENT ? y[q] / (m > 0 ? m : 1) : y[q]));
        }
        /* The recurrent connection into this step: the same W_hh drawn the same way, its
         * width and colour set by dL/dh_t on a log scale, so the backward pass shows as
         * a band that fades right to left when the gradient vanishes. */
        if (c > 0) {
            double lv = grad_level(o->dh_norm[step], top);
            float thick = 1.0f + (float)lv * ui_px(ui, 7);
            float y = hrow.y + h_h / 2.0f;
            Color col = colormap_magnitude(lv);
            draw_line(ui->dl, x0 - gap, y, x0, y, col, thick);
            draw_line(ui->dl, x0 - gap, hrow.y - 2.0f, x0, hrow.y - 2.0f, t->weights, 1);
            if (gap >= ui_text_width(ui, "W", small) + 2 && c % (cols > 12 ? (cols + 11) / 12 : 1) == 0)
                draw_text(ui->dl, (int)(x0 - gap + (gap - ui_text_width(ui, "W", small)) / 2),
                          hrow.y - small - ui_px(ui, 3), small, t->text_dim, "W");
        }
        if (step == Tenc - 1 && d->shape == SHAPE_SEQ2SEQ) /* the encoder-decoder boundary */
            draw_rect(ui->dl, (Rect){(int)(x0 + cw - gap / 2), area.y, ui_px(ui, 2), area.h}, t->accent);
    }
    /* The truncation window: how far back each loss term's gradient may flow. */
    int K = tr->cfg.truncate;
    if (K > 0 && K < T && d->shape != SHAPE_SEQ2SEQ) {
        int end = o->n_out > 1 && vs->hover_t >= 0 ? vs->hover_t : T - 1; /* the loss term shown */
        int first = end - K + 1 < 0 ? 0 : end - K + 1;
        float xa = area.x + (first / k) * cw - gap / 2, xb = area.x + (end / k + 1) * cw - gap / 2;
        Color veil = t->plot_bg;
        veil.a = 170;
        if (first > 0) /* the steps this loss term's gradient never reaches */
            draw_rect(ui->dl, (Rect){area.x - (int)(gap / 2), hrow.y - 2, (int)(xa - area.x + gap / 2), h_h + 4}, veil);
        if (end < T - 1)
            draw_rect(ui->dl, (Rect){(int)xb, hrow.y - 2, (int)(area.x + area.w - xb), h_h + 4}, veil);
        draw_frame(ui->dl, (Rect){(int)xa, hrow.y - 3, (int)(xb - xa), h_h + 6}, t->accent, (float)ui_px(ui, 2));
        char lab[96];
        snprintf(lab, sizeof lab, "truncate=%d: the loss at t=%d reaches back to t=%d", K, end, first);
        int lw = ui_text_width(ui, lab, small);
        int lx = (int)xb - lw > area.x ? (int)xb - lw : area.x;
        draw_rect(ui->dl, (Rect){lx - 2, hrow.y + h_h + 1, lw + 4, small + 2}, t->plot_bg);
        draw_text(ui->dl, lx, hrow.y + h_h + 1, small, t->accent, lab);
    }
    /* labels under the columns: t of the first, the last, and the gradient scale */
    char buf[200];
    if (k > 1)
        snprintf(buf, sizeof buf, "t = 0 .. %d, every %d%s step shown; W_hh between every pair of columns; band: ||dL/dh_t|| (log, %d decades)",
                 T - 1, k, k == 2 ? "nd" : k == 3 ? "rd" : "th", GRAD_DECADES);
    else
        snprintf(buf, sizeof buf, "t = 0 .. %d; W_hh between every pair of columns; band width and colour: ||dL/dh_t|| (log, %d decades)",
                 T - 1, GRAD_DECADES);
    draw_text(ui->dl, area.x, r.y + r.h - small - ui_px(ui, 3), small, t->text_dim, buf);
    draw_unclip(ui->dl);

    if (vs->hover_t >= 0) {
        int s = vs->hover_t;
        char info[256];
        int n = snprintf(info, sizeof info, "t=%d  ||dL/dh_t||=%.3g", s, o->dh_norm[s]);
        if (gated)
            n += snprintf(info + n, sizeof info - (size_t)n, "  ||dL/dc_t||=%.3g", o->dc_norm[s]);
        n += snprintf(info + n, sizeof info - (size_t)n, "  h=[");
        for (int j = 0; j < H && j < 4 && n < 200; j++)
            n += snprintf(info + n, sizeof info - (size_t)n, "%s%.2f", j ? " " : "", o->h[(size_t)s * H + j]);
        n += snprintf(info + n, sizeof info - (size_t)n, "%s]", H > 4 ? " ..." : "");
        if (s < Tenc && I <= 4) {
            n += snprintf(info + n, sizeof info - (size_t)n, "  x=[");
            for (int i = 0; i < I && n < 200; i++)
                n += snprintf(info + n, sizeof info - (size_t)n, "%s%.2f", i ? " " : "", o->x[(size_t)s * I + i]);
            n += snprintf(info + n, sizeof info - (size_t)n, "]");
        } else if (s < Tenc) {
            int hot = 0;
            for (int i = 1; i < I; i++)
                if (o->x[(size_t)s * I + i] > o->x[(size_t)s * I + hot])
                    hot = i;
            char name[32];
            task_symbol_name(&tr->task, hot, 0, name, sizeof name);
            n += snprintf(info + n, sizeof info - (size_t)n, "  x=%s", name);
        }
        /* the target of the first sample, where there is one at this step */
        const Batch *bt = &tr->batch;
        int every = o->n_out > 1, row = d->shape == SHAPE_SEQ2SEQ ? s - Tenc : s;
        if (n < 220 && ((every && row >= 0) || (!every && s == T - 1))) {
            size_t at = every ? (size_t)row * bt->B : 0;
            if (bt->label) {
                char name[32];
                task_symbol_name(&tr->task, (int)bt->label[at], 1, name, sizeof name);
                n += snprintf(info + n, sizeof info - (size_t)n, "  target=%s", name);
            } else {
                n += snprintf(info + n, sizeof info - (size_t)n, "  target=%.3f", bt->y[at * d->O]);
            }
        }
        if (d->cell->gates > 1 && n < 200) {
            n += snprintf(info + n, sizeof info - (size_t)n, "  mean gates:");
            for (int g = 0; g < d->G && n < 240; g++) {
                double m = 0;
                for (int j = 0; j < H; j++)
                    m += o->gate[(size_t)s * d->G * H + (size_t)g * H + j] / H;
                n += snprintf(info + n, sizeof info - (size_t)n, " %s=%.2f", d->cell->gate_names[g], m);
            }
        }
        ui_set_tooltip(ui, info);
    }
}

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

void view_hidden(Ui *ui, Rect r, const Trainer *tr, ViewState *vs)
{
    const Theme *t = ui->theme;
    const Observables *o = &tr->obs;
    int T = tr->T, H = tr->dims.H;
    int gap = ui_px(ui, 6);
    Rect left = {r.x, r.y, r.w * 58 / 100 - gap / 2, r.h};
    Rect right = {left.x + left.w + gap, r.y, r.w - left.w - gap, r.h};
    Plot p = plot_begin(ui, left, "Hidden units h_t (first sample)", 0, T > 1 ? T - 1 : 1, -1.05, 1.05, 0, "t");
    double lo, hi;
    if (plot_range(o->h, T * H, 0, &lo, &hi) && (lo < -1.05 || hi > 1.05))
        p = plot_begin(ui, left, "Hidden units h_t (first sample)", 0, T > 1 ? T - 1 : 1, lo, hi, 0, "t");
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
    for (int j = 0; j < H; j++) {
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
    principal_axes(vs, o->h, T, H, mean, axes);
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
    Plot q = plot_begin(ui, right, "h_t on 2 principal axes", x0 - mx, x1 + mx, y0 - my, y1 + my, 0, NULL);
    draw_clip(ui->dl, q.area);
    for (int s = 1; s < T && s < 1000; s++)
        draw_line(ui->dl, plot_px(&q, px[s - 1]), plot_py(&q, py[s - 1]), plot_px(&q, px[s]), plot_py(&q, py[s]),
                  colormap_magnitude((double)s / (T - 1)), (float)ui_px(ui, 2));
    if (T > 0) {
        draw_ring(ui->dl, plot_px(&q, px[0]), plot_py(&q, py[0]), (float)ui_px(ui, 5), t->text, (float)ui_px(ui, 1.5f));
        draw_circle(ui->dl, plot_px(&q, px[T - 1]), plot_py(&q, py[T - 1]), (float)ui_px(ui, 4), t->text);
    }
    draw_unclip(ui->dl);
    int small = ui_text_size_small(ui);
    draw_text(ui->dl, q.area.x + ui_px(ui, 4), q.area.y + q.area.h - small - ui_px(ui, 3), small, t->text_dim,
              "ring: h_0, dot: last; colour: time");
}

/* ---- 3. gradient norm per step, and its waterfall ---- */

void view_gradient(Ui *ui, Rect r, const Trainer *tr, ViewState *vs)
{
    (void)vs;
    const Theme *t = ui->theme;
    const Observables *o = &tr->obs;
    const History *h = &tr->hist;
    int T = tr->T, gap = ui_px(ui, 6);
    Rect top_r = {r.x, r.y, r.w, r.h * 55 / 100 - gap / 2};
    Rect bot_r = {r.x, top_r.y + top_r.h + gap, r.w, r.h - top_r.h - gap};

    /* The reference slope sigma_max^(T-1-t) ||dL/dh_{T-1}||: the bound for a linear RNN. */
    double ref[2000];
    double sig = 0;
    for (int g = 0; g < tr->dims.G; g++)
        sig = o->sigma_max[g] > sig ? o->sigma_max[g] : sig;
    int Tr = T < 2000 ? T : 2000;
    for (int s = 0; s < Tr; s++)
        ref[s] = o->dh_norm[Tr - 1] * pow(sig, Tr - 1 - s);
    double lo, hi;
    int ok = plot_range(o->dh_norm, T, 1, &lo, &hi);
    if (!ok)
        lo = 1e-10, hi = 1;
    /* let the reference show, within three decades of the data */
    double rlo, rhi;
    if (ok && plot_range(ref, Tr, 1, &rlo, &rhi)) {
        lo = fmax(fmin(lo, rlo), lo / 1e3);
        hi = fmin(fmax(hi, rhi), hi * 1e3);
    }
    if (tr->dims.cell->has_cell_state) {
        double a, b;
        if (plot_range(o->dc_norm, T, 1, &a, &b))
            lo = a < lo ? a : lo, hi = b > hi ? b : hi;
    }
    char title[160];
    if (vs->shared)
        lo = vs->grad_lo, hi = vs->grad_hi;
    if (vs->label)
        snprintf(title, sizeof title, "%s: ||dL/dh_t|| per step (log)", vs->label);
    else
        snprintf(title, sizeof title, "Gradient reaching each step, ||dL/dh_t|| (log)");
    Plot p = plot_begin(ui, top_r, title, 0, T > 1 ? T - 1 : 1, lo, hi, 1, "t");
    /* the reference, dashed: for a vanilla RNN, whose backward step multiplies by W_hh^T
     * and the activation's slope, the norm can fall no faster than... and no slower than
     * sigma_max^(T-1-t) allows when the slope is at most 1 */
    int show_ref = tr->dims.cell->gates == 1;
    draw_clip(ui->dl, p.area);
    for (int s = 1; s < Tr && show_ref; s += 2)
        if (ref[s - 1] > 0 && ref[s] > 0 && isfinite(ref[s]) && isfinite(ref[s - 1]))
            draw_line(ui->dl, plot_px(&p, s - 1), plot_py(&p, ref[s - 1]), plot_px(&p, s), plot_py(&p, ref[s]),
                      t->reference, (float)ui_px(ui, 1.2f));
    draw_unclip(ui->dl);
    if (tr->dims.cell->has_cell_state)
        plot_series(ui, &p, NULL, o->dc_norm, T, t->grad_cell, (float)ui_px(ui, 2));
    plot_series(ui, &p, NULL, o->dh_norm, T, t->grad, (float)ui_px(ui, 2.5f));
    int small = ui_text_size_small(ui);
    int lx = p.area.x + ui_px(ui, 6), ly = p.area.y + ui_px(ui, 4);
    Color veil = t->plot_bg;
    veil.a = 210;
    int lines = 1 + (tr->dims.cell->gates == 1) + tr->dims.cell->has_cell_state;
    int veil_w = ui_px(ui, 22) + ui_text_width(ui, "sigma_max^(T-1-t), sigma_max(W_hh) = 0.000", small);
    if (veil_w > p.area.w - ui_px(ui, 8))
        veil_w = p.area.w - ui_px(ui, 8);
    draw_rect(ui->dl, (Rect){lx - ui_px(ui, 3), ly - ui_px(ui, 2), veil_w, lines * (small + ui_px(ui, 4)) + ui_px(ui, 2)}, veil);
    draw_clip(ui->dl, p.area);
    draw_rect(ui->dl, (Rect){lx, ly + small / 2, ui_px(ui, 14), ui_px(ui, 3)}, t->grad);
    draw_text(ui->dl, lx + ui_px(ui, 18), ly, small, t->text, "||dL/dh_t||");
    char leg[96];
    snprintf(leg, sizeof leg, "sigma_max^(T-1-t), sigma_max(W_hh) = %.3g", sig);
    int ly2 = ly + small + ui_px(ui, 4);
    if (show_ref) {
        for (int k2 = 0; k2 < 3; k2++)
            draw_rect(ui->dl, (Rect){lx + k2 * ui_px(ui, 5), ly2 + small / 2, ui_px(ui, 3), ui_px(ui, 2)}, t->reference);
        draw_text(ui->dl, lx + ui_px(ui, 18), ly2, small, t->text_dim, leg);
    } else {
        ly2 -= small + ui_px(ui, 4);
    }
    if (tr->dims.cell->has_cell_state) {
        int ly3 = ly2 + small + ui_px(ui, 4);
        draw_rect(ui->dl, (Rect){lx, ly3 + small / 2, ui_px(ui, 14), ui_px(ui, 3)}, t->grad_cell);
        draw_text(ui->dl, lx + ui_px(ui, 18), ly3, small, t->text, "||dL/dc_t||: the cell-state highway");
    }
    draw_unclip(ui->dl);

    /* The waterfall: one row per recent step (newest at the bottom), one column per t. */
    draw_rect(ui->dl, bot_r, t->plot_bg);
    draw_frame(ui->dl, bot_r, t->border, 1);
    int size = ui_text_size(ui), pad = ui_px(ui, 6);
    char wt[128];
    plot_fit_text(ui, wt, sizeof wt, "Waterfall: ||dL/dh_t|| over recent steps (rows), t (columns)", size, bot_r.w - 2 * pad);
    draw_text(ui->dl, bot_r.x + pad, bot_r.y + pad / 2, size, t->text, wt);
    int bar_w = ui_px(ui, 64);
    Rect img = {bot_r.x + ui_text_width(ui, "1e-100", small) + pad, bot_r.y + size + pad,
                bot_r.w - bar_w - ui_text_width(ui, "1e-100", small) - 3 * pad, bot_r.h - size - 2 * pad - small};
    int rows = h->count < img.h ? h->count : img.h;
    if (rows < 1 || T < 1 || img.w < 4 || img.h < 4)
        return;
    /* the colour scale: from the largest value shown down GRAD_DECADES decades, or
     * further when the rows span more (an explosion next to ordinary steps) */
    double topv = -INFINITY, botv = INFINITY;
    for (int i = h->count - rows; i < h->count; i++) {
        const double *row = h->dh_norm + (size_t)history_index(h, i) * h->T;
        for (int s = 0; s < T; s++)
            if (isfinite(row[s]) && row[s] > 0) {
                double l = log10(row[s]);
                topv = l > topv ? l : topv;
                botv = l < botv ? l : botv;
            }
    }
    if (!isfinite(topv))
        topv = 0, botv = -GRAD_DECADES;
    topv = ceil(topv);
    double decades = topv - floor(botv);
    decades = decades < GRAD_DECADES ? GRAD_DECADES : decades > 320 ? 320 : decades;
    uint8_t *px = draw_image(ui->dl, img, T, rows, NULL);
    for (int rr = 0; rr < rows; rr++) {
        const double *g = h->dh_norm + (size_t)history_index(h, h->count - rows + rr) * h->T;
        for (int s = 0; s < T; s++) {
            double v = g[s];
            double lv = v > 0 ? (log10(v) - (topv - decades)) / decades : 0;
            Color c = !isfinite(v) ? rgba(255, 255, 255, 255) : colormap_magnitude(lv);
            uint8_t *q = px + ((size_t)rr * T + s) * 4;
            q[0] = c.r, q[1] = c.g, q[2] = c.b, q[3] = 255;
        }
    }
    draw_frame(ui->dl, img, t->axis, 1);
    char buf[64], older[64];
    snprintf(older, sizeof older, "step %ld", h->step[history_index(h, h->count - rows)]);
    snprintf(buf, sizeof buf, "step %ld (now)", h->step[history_index(h, h->count - 1)]);
    int nw = ui_text_width(ui, buf, small);
    draw_text(ui->dl, img.x + img.w - nw, img.y + img.h + ui_px(ui, 1), small, t->text_dim, buf);
    if (ui_text_width(ui, older, small) + nw + ui_px(ui, 10) < img.w)
        draw_text(ui->dl, img.x, img.y + img.h + ui_px(ui, 1), small, t->text_dim, older);
    /* the colour bar */
    Rect bar = {img.x + img.w + pad, img.y, ui_px(ui, 14), img.h};
    uint8_t *bp = draw_image(ui->dl, bar, 1, 64, NULL);
    for (int i = 0; i < 64; i++) {
        Color c = colormap_magnitude(1.0 - i / 63.0);
        bp[i * 4] = c.r, bp[i * 4 + 1] = c.g, bp[i * 4 + 2] = c.b, bp[i * 4 + 3] = 255;
    }
    int tick = (int)ceil(decades / 3);
    for (int dcd = 0; dcd <= (int)decades; dcd += tick) {
        int y = bar.y + (int)((double)dcd / decades * (bar.h - 1));
        snprintf(buf, sizeof buf, "1e%d", (int)topv - dcd);
        draw_text(ui->dl, bar.x + bar.w + ui_px(ui, 3), y - small / 2, small, t->text_dim, buf);
    }
}

/* ---- 4. loss and metric ---- */

static void grad_norm_strip(Ui *ui, Rect r, const Trainer *tr, const ViewState *vs, double x0, double x1);

void view_loss(Ui *ui, Rect r_all, const Trainer *tr, ViewState *vs)
{
    const Theme *t = ui->theme;
    /* the loss above, the global gradient norm with its clipping events below */
    int gap = ui_px(ui, 4), strip_h = r_all.h * 36 / 100;
    Rect r = {r_all.x, r_all.y, r_all.w, r_all.h - strip_h - gap};
    Rect strip = {r_all.x, r.y + r.h + gap, r_all.w, strip_h};
    const History *h = &tr->hist;
    const TaskKindInfo *ki = task_kind_info(tr->cfg.task);
    int n = h->count;
    static double xs[1 << 16], ys[1 << 16], ms[1 << 16];
    int step = n > (1 << 16) ? n / (1 << 16) + 1 : 1, m = 0;
    for (int i = 0; i < n; i += step, m++) {
        int k = history_index(h, i);
        xs[m] = (double)h->step[k];
        ys[m] = h->loss[k];
        ms[m] = h->metric[k];
    }
    double base = task_baseline(&tr->task), lo = 0, hi = 1;
    if (!plot_range(ys, m, vs->loss_log, &lo, &hi))
        lo = vs->loss_log ? 1e-3 : 0, hi = 1;
    if (base > 0 && isfinite(base)) {
        if (base > hi)
            hi = vs->loss_log ? base * 1.5 : base * 1.08;
        if (!vs->loss_log && lo > 0)
            lo = 0;
    }
    char title[160];
    if (vs->label)
        snprintf(title, sizeof title, "%s: loss%s and %s", vs->label, vs->loss_log ? " (log)" : "", ki->metric_name);
    else
        snprintf(title, sizeof title, "Loss%s and %s over steps", vs->loss_log ? " (log)" : "", ki->metric_name);
    double x0 = m ? xs[0] : 0, x1 = m ? xs[m - 1] : 1;
    if (vs->shared) {
        x0 = vs->loss_x0, x1 = vs->loss_x1, lo = vs->loss_lo, hi = vs->loss_hi;
        if (vs->loss_log && lo <= 0)
            lo = hi * 1e-6;
    }
    Plot p = plot_begin(ui, r, title, x0, x1 > x0 ? x1 : x0 + 1, lo, hi, vs->loss_log, "step");
    char label[64];
    snprintf(label, sizeof label, "memoryless baseline %.4g", base);
    plot_hline(ui, &p, base, t->baseline, label);
    /* raw values faint, a running mean over about 2% of the history on top */
    Color faint = t->loss;
    faint.a = 70;
    plot_series(ui, &p, xs, ys, m, faint, (float)ui_px(ui, 1));
    static double sm[1 << 16];
    int win = m / 50 > 1 ? m / 50 : 1;
    double acc = 0, accm = 0;
    int cnt = 0;
    static double smm[1 << 16];
    for (int i = 0; i < m; i++) {
        if (isfinite(ys[i]))
            acc += ys[i], accm += ms[i], cnt++;
        if (i >= win && isfinite(ys[i - win]))
            acc -= ys[i - win], accm -= ms[i - win], cnt--;
        sm[i] = cnt ? acc / cnt : NAN;
        smm[i] = cnt ? accm / cnt : NAN;
    }
    plot_series(ui, &p, xs, sm, m, t->loss, (float)ui_px(ui, 2));
    /* the metric on its own axis: 0..1 for accuracy, the loss's for mse */
    if (!ki->metric_is_error) {
        Plot q = p;
        q.log_y = 0, q.y0 = 0, q.y1 = 1;
        plot_series(ui, &q, xs, smm, m, t->metric, (float)ui_px(ui, 2));
    }
    int small = ui_text_size_small(ui);
    int lx = p.area.x + ui_px(ui, 6), ly = p.area.y + ui_px(ui, 4);
    draw_rect(ui->dl, (Rect){lx, ly + small / 2, ui_px(ui, 14), ui_px(ui, 3)}, t->loss);
    draw_text(ui->dl, lx + ui_px(ui, 18), ly, small, t->text, "loss");
    if (!ki->metric_is_error) {
        lx += ui_px(ui, 60);
        draw_rect(ui->dl, (Rect){lx, ly + small / 2, ui_px(ui, 14), ui_px(ui, 3)}, t->metric);
        char full[96];
        snprintf(full, sizeof full, "%s (0..1)", ki->metric_name);
        plot_fit_text(ui, label, sizeof label, full, small, p.area.x + p.area.w - lx - ui_px(ui, 24));
        draw_text(ui->dl, lx + ui_px(ui, 18), ly, small, t->text, label);
    }
    grad_norm_strip(ui, strip, tr, vs, p.x0, p.x1);
    /* a click on the title toggles the log scale */
    Rect title_r = {r.x, r.y, r.w, ui_text_size(ui) + ui_px(ui, 6)};
    if (ui_interact(ui, ui_id(vs, "loss-log"), title_r) & UI_CLICKED)
        vs->loss_log = !vs->loss_log;
    else if (rect_contains(title_r, ui->in.mouse_x, ui->in.mouse_y))
        ui_set_tooltip(ui, "Click (or press L) to switch the loss axis between linear and logarithmic.");
}

/* ---- 5. gates ---- */

void view_gates(Ui *ui, Rect r, const Trainer *tr, ViewState *vs)
{
    (void)vs;
    const Theme *t = ui->theme;
    const ModelDims *d = &tr->dims;
    if (d->cell->gates == 1) {
        message(ui, r, "Gates", "A vanilla RNN has no gates: choose model lstm or gru.");
        return;
    }
    const char *const *names = d->cell->gate_titles;
    int G = d->G, H = d->H, T = tr->T, size = ui_text_size(ui), small = ui_text_size_small(ui);
    int pad = ui_px(ui, 6);
    draw_rect(ui->dl, r, t->plot_bg);
    draw_frame(ui->dl, r, t->border, 1);
    draw_text(ui->dl, r.x + pad, r.y + pad / 2, size, t->text, "Gates over t (units \u00d7 t, first sample)");
    int top = r.y + size + pad;
    int each = (r.h - (top - r.y) - pad) / G;
    for (int g = 0; g < G; g++) {
        Rect img = {r.x + ui_px(ui, 70), top + g * each, r.w - ui_px(ui, 70) - pad, each - ui_px(ui, 3)};
        draw_text(ui->dl, r.x + pad, img.y + img.h / 2 - small / 2, small, t->text_dim, names[g]);
        if (img.w < 2 || img.h < 2)
            continue;
        uint8_t *px = draw_image(ui->dl, img, T, H, NULL);
        int is_tanh = (d->cell->tanh_gates >> g) & 1u;
        for (int j = 0; j < H; j++)
            for (int s = 0; s < T; s++) {
                double v = tr->obs.gate[(size_t)s * G * H + (size_t)g * H + j];
                Color c = is_tanh ? colormap_signed(v) : colormap_magnitude(v);
                uint8_t *q = px + ((size_t)j * T + s) * 4;
                q[0] = c.r, q[1] = c.g, q[2] = c.b, q[3] = 255;
            }
    }
}

/* ---- 6. spectrum ---- */

void view_spectrum(Ui *ui, Rect r, const Trainer *tr, const Spectrum *sp, ViewState *vs)
{
    (void)vs;
    const Theme *t = ui->theme;
    const ModelDims *d = &tr->dims;
    if (!sp || !sp->valid) {
        message(ui, r, "Spectrum of W_hh", "Not available: the weights are not finite.");
        return;
    }
    int H = d->H, n = sp->n_blocks, gap = ui_px(ui, 6);
    Rect left = {r.x, r.y, r.w / 2 - gap / 2, r.h};
    Rect right = {left.x + left.w + gap, r.y, r.w - left.w - gap, r.h};
    double hi = 0;
    for (int i = 0; i < n * H; i++)
        hi = sp->sv[i] > hi ? sp->sv[i] : hi;
    Plot p = plot_begin(ui, left, "Singular values", 0, H > 1 ? H - 1 : 1, 0, hi > 0 ? hi * 1.1 : 1, 0, "index");
    for (int b = 0; b < n; b++)
        plot_series(ui, &p, NULL, sp->sv + (size_t)b * H, H, t->series[b % 8], (float)ui_px(ui, 2));
    plot_hline(ui, &p, 1.0, t->baseline, "1");

    /* eigenvalues in the complex plane, the unit circle and 1/gamma */
    double gamma = d->cell->has_activation && d->act == ACT_SIGMOID ? 0.25 : 1.0;
    double extent = 1.0 / gamma;
    for (int i = 0; i < n * H; i++) {
        double m = hypot(sp->eig_re[i], sp->eig_im[i]);
        extent = m > extent ? m : extent;
    }
    extent *= 1.1;
    char title[96];
    snprintf(title, sizeof title, "Eigenvalues%s", gamma != 1 ? " (circles: 1 and 1/gamma = 4)" : " and the unit circle");
    /* equal scales on both axes, so circles are circles: widen the longer side's range */
    Plot q = plot_begin(ui, right, title, -extent, extent, -extent, extent, 0, NULL);
    if (q.area.w > 0 && q.area.h > 0) {
        double ax = extent * q.area.w / q.area.h, ay = extent * q.area.h / q.area.w;
        if (q.area.w >= q.area.h)
            q = plot_begin(ui, right, title, -ax, ax, -extent, extent, 0, NULL);
        else
            q = plot_begin(ui, right, title, -extent, extent, -ay, ay, 0, NULL);
    }
    float cx = plot_px(&q, 0), cy = plot_py(&q, 0);
    draw_clip(ui->dl, right);
    draw_line(ui->dl, (float)q.area.x, cy, (float)(q.area.x + q.area.w), cy, t->grid, 1);
    draw_line(ui->dl, cx, (float)q.area.y, cx, (float)(q.area.y + q.area.h), t->grid, 1);
    float unit = plot_px(&q, 1) - cx;
    draw_ring(ui->dl, cx, cy, unit, t->axis, (float)ui_px(ui, 1.5f));
    if (gamma != 1)
        draw_ring(ui->dl, cx, cy, (float)(unit / gamma), t->grad, (float)ui_px(ui, 1.5f));
    for (int b = 0; b < n; b++)
        for (int i = 0; i < H; i++)
            draw_circle(ui->dl, plot_px(&q, sp->eig_re[(size_t)b * H + i]), plot_py(&q, sp->eig_im[(size_t)b * H + i]),
                        (float)ui_px(ui, 3), t->series[b % 8]);
    draw_unclip(ui->dl);
    if (n > 1) {
        int small = ui_text_size_small(ui);
        /* which colour is which gate block, down the left edge of the plot */
        int ly = q.area.y + ui_px(ui, 2);
        for (int b = 0; b < n && b < 8; b++) {
            const char *nm = d->cell->gates > 1 ? d->cell->gate_names[b % d->G] : "W";
            char buf[16];
            snprintf(buf, sizeof buf, "%s%s", b >= d->G ? "dec " : "", nm);
            draw_circle(ui->dl, (float)(right.x + ui_px(ui, 10)), (float)(ly + small / 2), (float)ui_px(ui, 3), t->series[b % 8]);
            draw_text(ui->dl, right.x + ui_px(ui, 16), ly, small, t->text_dim, buf);
            ly += small + ui_px(ui, 2);
        }
    }
}

void views_shared_ranges(ViewState *vs, const Trainer *a, const Trainer *b)
{
    const Trainer *runs[2] = {a, b};
    double glo = INFINITY, ghi = -INFINITY, llo = INFINITY, lhi = -INFINITY, x0 = INFINITY, x1 = -INFINITY;
    for (int r = 0; r < 2; r++) {
        double lo, hi;
        if (plot_range(runs[r]->obs.dh_norm, runs[r]->T, 1, &lo, &hi))
            glo = fmin(glo, lo), ghi = fmax(ghi, hi);
        const History *h = &runs[r]->hist;
        for (int i = 0; i < h->count; i++) {
            int k = history_index(h, i);
            if (isfinite(h->loss[k]) && (!vs->loss_log || h->loss[k] > 0))
                llo = fmin(llo, h->loss[k]), lhi = fmax(lhi, h->loss[k]);
            x0 = fmin(x0, (double)h->step[k]);
            x1 = fmax(x1, (double)h->step[k]);
        }
        double base = task_baseline(&runs[r]->task);
        if (isfinite(base))
            lhi = fmax(lhi, base * 1.08);
    }
    vs->shared = 1;
    vs->grad_lo = isfinite(glo) ? glo : 1e-10;
    vs->grad_hi = isfinite(ghi) ? ghi : 1;
    if (!(x1 > x0))
        x0 = 0, x1 = 1;
    vs->loss_x0 = x0, vs->loss_x1 = x1;
    if (!(llo <= lhi))
        llo = 0, lhi = 1;
    vs->loss_lo = vs->loss_log ? llo / 1.5 : fmin(0, llo);
    vs->loss_hi = vs->loss_log ? lhi * 1.5 : lhi * 1.05;
}

/* The global gradient norm before clipping over the steps (log), the threshold dashed, and
 * every clipping event marked; hovering one tells the norm before and after. */
static void grad_norm_strip(Ui *ui, Rect r, const Trainer *tr, const ViewState *vs, double x0, double x1)
{
    (void)vs;
    const Theme *t = ui->theme;
    const History *h = &tr->hist;
    int n = h->count;
    static double xs[1 << 16], ys[1 << 16];
    int step = n > (1 << 16) ? n / (1 << 16) + 1 : 1, m = 0;
    for (int i = 0; i < n; i += step, m++) {
        int k = history_index(h, i);
        xs[m] = (double)h->step[k];
        ys[m] = h->grad_norm[k];
    }
    double lo, hi;
    if (!plot_range(ys, m, 1, &lo, &hi))
        lo = 1e-6, hi = 1;
    double C = tr->cfg.clip;
    if (C > 0 && tr->cfg.clip_mode == CLIP_NORM)
        lo = fmin(lo, C / 2), hi = fmax(hi, C * 2);
    char title[96];
    if (C > 0)
        snprintf(title, sizeof title, "Gradient norm before clipping (log); clip=%g (%s)", C,
                 tr->cfg.clip_mode == CLIP_NORM ? "norm" : "value");
    else
        snprintf(title, sizeof title, "Gradient norm (log); clipping off");
    Plot p = plot_begin(ui, r, title, x0, x1, lo, hi, 1, NULL);
    Color faint = t->grad;
    faint.a = 150;
    plot_series(ui, &p, xs, ys, m, faint, (float)ui_px(ui, 1));
    if (C > 0 && tr->cfg.clip_mode == CLIP_NORM)
        plot_hline(ui, &p, C, t->baseline, "threshold");
    /* the clipping events, and the nearest one under the mouse */
    draw_clip(ui->dl, p.area);
    int hot = -1;
    double best = ui_px(ui, 8);
    for (int i = 0; i < n; i++) {
        int k = history_index(h, i);
        if (!h->clipped[k] || !(h->grad_norm[k] > 0) || !isfinite(h->grad_norm[k]))
            continue;
        float X = plot_px(&p, (double)h->step[k]), Y = plot_py(&p, h->grad_norm[k]);
        draw_circle(ui->dl, X, Y, (float)ui_px(ui, 2.5f), t->clip);
        double d = hypot(X - ui->in.mouse_x, Y - ui->in.mouse_y);
        if (d < best)
            best = d, hot = k;
    }
    draw_unclip(ui->dl);
    if (hot >= 0) {
        char tip[160];
        snprintf(tip, sizeof tip, "step %ld: clipped, gradient norm %.4g before, %.4g after", h->step[hot],
                 h->grad_norm[hot], h->grad_norm_clipped[hot]);
        ui_set_tooltip(ui, tip);
    }
}
