/* terms.c: the gradient itemised by loss term (RNNbow's picture, Cashman et al. 2018):
 * ||dL_s/dh_t|| for every loss term s (rows) and step t (columns), the connectivity
 * ||dy_s/dx_t|| (Madsen 2019) beside it, and under both how the terms fall off with the
 * distance s - t. The session computes the arrays (itemise_now) while the view is visible;
 * this file only draws them. */
#include "views.h"

#include "../ui/plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- 7. the gradient by loss term ---- */

/* The loss terms a run has: one per step the head reads (the decoder's for seq2seq), or
 * one when it reads only the last step. */
static int terms_count(const RunView *rv)
{
    if (rv->dims.shape == SHAPE_SEQ2SEQ)
        return rv->T - rv->T_enc;
    return model_head_every(&rv->dims) ? rv->T : 1;
}

/* The colour scale of an (S, T) array: log10 of its top decade, and the decades down to its
 * smallest value (at least TERMS_DECADES, so that a few decades of contrast show; a
 * vanishing gradient's spread sets more). Exact zeros are not on it: they are drawn blank. */
#define TERMS_DECADES 4
static void terms_scale(const double *a, size_t n, double *top, double *decades)
{
    double hi = -INFINITY, lo = INFINITY;
    for (size_t i = 0; i < n; i++)
        if (isfinite(a[i]) && a[i] > 0) {
            double l = log10(a[i]);
            hi = l > hi ? l : hi;
            lo = l < lo ? l : lo;
        }
    if (!isfinite(hi))
        hi = 0, lo = -TERMS_DECADES;
    *top = ceil(hi);
    double d = *top - floor(lo);
    *decades = d < TERMS_DECADES ? TERMS_DECADES : d > 320 ? 320 : d;
}

/* One heat map: rows s (term 0 at the top), columns t; blank where the term sends nothing
 * (after its own step, or cut off by truncate=). The cell under the mouse gets a tooltip;
 * a note (or NULL) goes at the right end of the title row when both fit. */
static void terms_heat_map(Ui *ui, Rect r, const char *title, const char *note, const char *what, const double *a,
                           const Itemised *it)
{
    const Theme *t = ui->theme;
    int S = it->S, T = it->T;
    draw_rect(ui->dl, r, t->plot_bg);
    draw_frame(ui->dl, r, t->border, 1);
    int size = ui_text_size(ui), small = ui_text_size_small(ui), pad = ui_px(ui, 6);
    double topv, decades;
    terms_scale(a, (size_t)S * T, &topv, &decades);
    char buf[160], widest[32];
    views_decade_label(widest, sizeof widest, topv, (int)decades);
    int lw = ui_text_width(ui, widest, small), tw = ui_text_width(ui, "1e-10", small);
    int bar_w = pad + ui_px(ui, 14) + ui_px(ui, 3) + (lw > tw ? lw : tw) + pad;
    snprintf(buf, sizeof buf, "s = %d", S - 1);
    int margin = ui_text_width(ui, buf, small) + pad + ui_px(ui, 3);
    int note_w = note ? ui_text_width(ui, note, small) + 2 * pad : 0;
    if (note && ui_text_width(ui, title, size) + note_w > r.w - 2 * pad)
        note = NULL, note_w = 0;
    ui_fit_title(ui, buf, sizeof buf, title, size, r.w - 2 * pad - note_w);
    draw_text(ui->dl, r.x + pad, r.y + pad / 2, size, t->text, buf);
    if (note)
        draw_text(ui->dl, r.x + r.w - pad - ui_text_width(ui, note, small), r.y + pad / 2 + size - small, small,
                  t->text_dim, note);
    int title_bottom = r.y + pad / 2 + size, img_top = title_bottom + small / 2 + ui_px(ui, 2);
    Rect img = {r.x + margin, img_top, r.w - bar_w - margin - pad, r.y + r.h - pad / 2 - small - ui_px(ui, 2) - img_top};
    if (img.w < 8 || img.h < 4)
        return;
    if (S == 1 && img.h > 6 * small) /* one term: a band, not a wall */
        img.y += (img.h - 6 * small) / 2, img.h = 6 * small;
    uint8_t *px = draw_image(ui->dl, img, T, S, NULL);
    for (int s = 0; s < S; s++)
        for (int k = 0; k < T; k++) {
            double v = a[(size_t)s * T + k];
            Color c = !isfinite(v) ? rgba(255, 255, 255, 255)
                      : v > 0      ? colormap_magnitude((log10(v) - (topv - decades)) / decades)
                                   : t->plot_bg;
            uint8_t *q = px + ((size_t)s * T + k) * 4;
            q[0] = c.r, q[1] = c.g, q[2] = c.b, q[3] = 255;
        }
    draw_frame(ui->dl, img, t->axis, 1);
    /* the axes: s down the left, t along the bottom */
    int below = img.y + img.h + ui_px(ui, 1);
    draw_text(ui->dl, img.x, below, small, t->text_dim, "t = 0");
    snprintf(buf, sizeof buf, "t = %d", T - 1);
    int w = ui_text_width(ui, buf, small);
    if (w + ui_text_width(ui, "t = 0", small) + ui_px(ui, 8) < img.w)
        draw_text(ui->dl, img.x + img.w - w, below, small, t->text_dim, buf);
    draw_text(ui->dl, r.x + pad, img.y, small, t->text_dim, "s = 0");
    if (S > 1 && img.h >= 3 * small) {
        snprintf(buf, sizeof buf, "s = %d", S - 1);
        draw_text(ui->dl, r.x + pad, img.y + img.h - small, small, t->text_dim, buf);
    }
    views_decade_bar(ui, img, pad, topv, decades, title_bottom, r.y + r.h - ui_px(ui, 1));
    /* the value under the mouse */
    int mx = ui->in.mouse_x, my = ui->in.mouse_y;
    if (rect_contains(img, mx, my)) {
        int k = (int)((long)(mx - img.x) * T / img.w), s = (int)((long)(my - img.y) * S / img.h);
        k = k < T ? k : T - 1, s = s < S ? s : S - 1;
        int ts = itemised_term_step(it, s);
        double v = a[(size_t)s * T + k];
        char val[32];
        plot_format(val, sizeof val, v);
        if (k > ts)
            snprintf(buf, sizeof buf, "term s = %d (the loss at t = %d) does not reach t = %d, after it", s, ts, k);
        else if (v == 0)
            snprintf(buf, sizeof buf, "term s = %d, t = %d (%d steps back): 0, cut off by truncate=", s, k, ts - k);
        else
            snprintf(buf, sizeof buf, "%s for term s = %d (the loss at t = %d) at t = %d, %d steps back: %s", what, s,
                     ts, k, ts - k, val);
        ui_set_tooltip(ui, buf);
    }
}

/* The median over the terms that reach k steps back of a[s, term's step - k], for k = 0,
 * 1, ..., into out; returns how many k. */
static int terms_median_by_distance(const Itemised *it, const double *a, double *out, double *col)
{
    int S = it->S, T = it->T, n = 0;
    for (int k = 0; k < T && k < VIEW_SCRATCH_N; k++) {
        int m = 0;
        for (int s = 0; s < S && m < VIEW_SCRATCH_N; s++) {
            int tk = itemised_term_step(it, s) - k;
            if (tk >= 0)
                col[m++] = a[(size_t)s * T + tk];
        }
        if (m == 0)
            break;
        /* the median (the lower middle of an even count): the smaller half sorted */
        for (int i = 0; i <= m / 2; i++)
            for (int j = i + 1; j < m; j++)
                if (col[j] < col[i]) {
                    double x = col[i];
                    col[i] = col[j], col[j] = x;
                }
        out[n++] = col[(m - 1) / 2];
    }
    return n;
}

/* v divided by its largest finite value (left alone when there is none). */
static void relative_to_peak(double *v, int n)
{
    double top = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(v[i]) && v[i] > top)
            top = v[i];
    for (int i = 0; top > 0 && i < n; i++)
        v[i] /= top;
}

/* How the terms fall off with the distance k = (term's step) - t, and how the outputs
 * depend on inputs k steps back: the median over the terms of each, relative to its peak
 * so the two shapes share one axis. */
static void terms_profile(Ui *ui, Rect r, const Itemised *it, const double *a, const char *which, ViewScratch *sc)
{
    const Theme *t = ui->theme;
    double *ks = sc->x, *med = sc->y, *conn = sc->m, *col = sc->smooth;
    int n = terms_median_by_distance(it, a, med, col);
    terms_median_by_distance(it, it->conn, conn, col);
    relative_to_peak(med, n);
    relative_to_peak(conn, n);
    for (int k = 0; k < n; k++)
        ks[k] = k;
    char l1[64];
    snprintf(l1, sizeof l1, "||dL_s/dh_t|| (%s)", which);
    PlotSeries curves[2] = {
        {ks, med, n, t->grad, (float)ui_px(ui, 2.5f), VIEW_DASH_DH, PLOT_MARK_NONE, l1},
        {ks, conn, n, t->grad_cell, (float)ui_px(ui, 2), VIEW_DASH_DC, PLOT_MARK_NONE, "||dy_s/dx_t||"},
    };
    double lo, hi, lo2, hi2;
    int ok = plot_range(med, n, 1, &lo, &hi);
    if (plot_range(conn, n, 1, &lo2, &hi2))
        lo = ok ? fmin(lo, lo2) : lo2, hi = ok ? fmax(hi, hi2) : hi2, ok = 1;
    if (!ok)
        lo = 1e-10, hi = 1;
    PlotOpts po = {.title = "Median over s against the steps back, s - t (relative to its peak, log)",
                   .x0 = 0, .x1 = n > 1 ? n - 1 : 1, .y0 = lo, .y1 = hi, .log_y = 1, .x_label = "steps back",
                   .x_integer = 1, .legend = curves, .n_legend = 2};
    Plot p = plot_begin_ex(ui, r, &po);
    for (int k = 1; k >= 0; k--)
        plot_series_ex(ui, &p, &curves[k]);
    plot_legend(ui, &p, curves, 2, NULL, 0);
}

void view_terms(Ui *ui, Rect r, const RunView *rv, ViewState *vs, ViewScratch *scratch)
{
    const Itemised *it = &rv->items;
    char title[160], conn_title[160];
    const char *who = vs->label ? vs->label : NULL;
    snprintf(title, sizeof title, "%s%s||dL_s/dh_t|| by loss term s (%s)", who ? who : "", who ? ": " : "",
             vs->terms_first ? "sample 1" : "batch");
    int S = terms_count(rv);
    double work = itemise_work(&rv->dims, S, rv->T, rv->cfg.batch);
    if (work > ITEMISE_MAX_WORK) {
        char msg[256];
        snprintf(msg, sizeof msg,
                 "Too costly to itemise live: %d terms over %d steps at batch %d take %.2g multiply-adds (the view "
                 "computes up to %.0e). A shorter seq_len or a smaller batch shows them; rnnlab grads writes them.",
                 S, rv->T, rv->cfg.batch, work, ITEMISE_MAX_WORK);
        views_message(ui, r, title, msg);
        return;
    }
    if (!it->valid || it->run_id != rv->run_id || it->S != S || it->T != rv->T) {
        views_message(ui, r, title, "computing the terms of this network's gradient ...");
        return;
    }
    const double *a = vs->terms_first ? it->first : it->batch;
    snprintf(conn_title, sizeof conn_title, "Connectivity ||dy_s/dx_t|| (sample 1)");
    int gap = ui_px(ui, 6), size = ui_text_size(ui);
    /* the profile under the maps when there is room for both; the maps side by side when
     * wide enough, else one above the other when tall enough, else the terms alone */
    int profile_h = r.h >= 16 * size ? r.h * 38 / 100 : 0;
    Rect maps = {r.x, r.y, r.w, r.h - (profile_h ? profile_h + gap : 0)};
    Rect m1 = maps, m2 = maps;
    int both = 1;
    if (maps.w >= 36 * size) {
        m1.w = (maps.w - gap) / 2;
        m2.x = m1.x + m1.w + gap, m2.w = maps.w - m1.w - gap;
    } else if (maps.h >= 14 * size) {
        m1.h = (maps.h - gap) / 2;
        m2.y = m1.y + m1.h + gap, m2.h = maps.h - m1.h - gap;
    } else {
        both = 0;
    }
    /* without room for the other map, say where it is */
    terms_heat_map(ui, m1, title, both ? NULL : "Z: connectivity", "||dL_s/dh_t||", a, it);
    if (both)
        terms_heat_map(ui, m2, conn_title, NULL, "||dy_s/dx_t||", it->conn, it);
    if (profile_h)
        terms_profile(ui, (Rect){r.x, maps.y + maps.h + gap, r.w, profile_h}, it, a,
                      vs->terms_first ? "sample 1" : "batch", scratch);
    /* a click on the title switches between the batch and its first sample */
    Rect title_r = {m1.x, m1.y, m1.w, size + ui_px(ui, 6)};
    if (ui_interact(ui, ui_id(ui, vs->label ? vs->label : "terms-sample"), title_r) & UI_CLICKED)
        vs->terms_first = !vs->terms_first;
    else if (rect_contains(title_r, ui->in.mouse_x, ui->in.mouse_y))
        ui_set_tooltip(ui, "Click (or press B) to show the batch's norm or the first sample's.");
}
