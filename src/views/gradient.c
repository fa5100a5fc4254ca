/* gradient.c: ||dL/dh_t|| against t on a log axis with its reference line, and the
 * waterfall of the same norms over recent steps. */
#include "views.h"

#include "../ui/plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- 3. gradient norm per step, and its waterfall ---- */

/* The reference slope sigma_max^(T-1-t) ||dL/dh_{T-1}||, the bound for a linear RNN, into
 * ref (at most 2000 steps); returns how many steps it covers and sigma_max in *sig. */
static int gradient_reference(const RunView *rv, double *ref, double *sig)
{
    const Observables *o = &rv->obs;
    int T = rv->T;
    double s_max = 0;
    for (int g = 0; g < rv->dims.G; g++)
        s_max = o->sigma_max[g] > s_max ? o->sigma_max[g] : s_max;
    int Tr = T < 2000 ? T : 2000;
    for (int s = 0; s < Tr; s++)
        ref[s] = o->dh_norm[Tr - 1] * pow(s_max, Tr - 1 - s);
    *sig = s_max;
    return Tr;
}

/* The per-step plot's value range: the data, the reference nearby, dL/dc_t, or the range
 * shared between compared runs. */
static void gradient_range(const RunView *rv, const ViewState *vs, const double *ref, int Tr, double *lo_out,
                           double *hi_out)
{
    const Observables *o = &rv->obs;
    int T = rv->T;
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
    if (rv->dims.cell->has_cell_state) {
        double a, b;
        if (plot_range(o->dc_norm, T, 1, &a, &b))
            lo = a < lo ? a : lo, hi = b > hi ? b : hi;
    }
    if (vs->shared)
        lo = vs->grad_lo, hi = vs->grad_hi;
    *lo_out = lo, *hi_out = hi;
}

/* The per-step plot's legend on a veil: dL/dh_t, the reference (vanilla RNN) and dL/dc_t. */
static void gradient_legend(Ui *ui, const Plot *p, const RunView *rv, double sig, int show_ref)
{
    const Theme *t = ui->theme;
    int small = ui_text_size_small(ui);
    int lx = p->area.x + ui_px(ui, 6), ly = p->area.y + ui_px(ui, 4);
    Color veil = t->plot_bg;
    veil.a = 210;
    int lines = 1 + (rv->dims.cell->gates == 1) + rv->dims.cell->has_cell_state;
    int veil_w = ui_px(ui, 22) + ui_text_width(ui, "sigma_max^(T-1-t), sigma_max(W_hh) = 0.000", small);
    if (veil_w > p->area.w - ui_px(ui, 8))
        veil_w = p->area.w - ui_px(ui, 8);
    draw_rect(ui->dl, (Rect){lx - ui_px(ui, 3), ly - ui_px(ui, 2), veil_w, lines * (small + ui_px(ui, 4)) + ui_px(ui, 2)}, veil);
    ui_push_clip(ui, p->area);
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
    if (rv->dims.cell->has_cell_state) {
        int ly3 = ly2 + small + ui_px(ui, 4);
        draw_rect(ui->dl, (Rect){lx, ly3 + small / 2, ui_px(ui, 14), ui_px(ui, 3)}, t->grad_cell);
        draw_text(ui->dl, lx + ui_px(ui, 18), ly3, small, t->text, "||dL/dc_t||: the cell-state highway");
    }
    ui_pop_clip(ui);
}

/* ||dL/dh_t|| (and dL/dc_t) against t on a log axis, with the dashed reference and a legend. */
static void gradient_per_step(Ui *ui, Rect top_r, const RunView *rv, const ViewState *vs)
{
    const Theme *t = ui->theme;
    const Observables *o = &rv->obs;
    int T = rv->T;
    double ref[2000];
    double sig;
    int Tr = gradient_reference(rv, ref, &sig);
    double lo, hi;
    gradient_range(rv, vs, ref, Tr, &lo, &hi);
    char title[160];
    if (vs->label)
        snprintf(title, sizeof title, "%s: ||dL/dh_t|| per step (log)", vs->label);
    else
        snprintf(title, sizeof title, "Gradient reaching each step, ||dL/dh_t|| (log)");
    Plot p = plot_begin(ui, top_r, title, 0, T > 1 ? T - 1 : 1, lo, hi, 1, "t");
    /* the reference, dashed: for a vanilla RNN, whose backward step multiplies by W_hh^T
     * and the activation's slope, the norm can fall no faster than... and no slower than
     * sigma_max^(T-1-t) allows when the slope is at most 1 */
    int show_ref = rv->dims.cell->gates == 1;
    ui_push_clip(ui, p.area);
    for (int s = 1; s < Tr && show_ref; s += 2)
        if (ref[s - 1] > 0 && ref[s] > 0 && isfinite(ref[s]) && isfinite(ref[s - 1]))
            draw_line(ui->dl, plot_px(&p, s - 1), plot_py(&p, ref[s - 1]), plot_px(&p, s), plot_py(&p, ref[s]),
                      t->reference, (float)ui_px(ui, 1.2f));
    ui_pop_clip(ui);
    if (rv->dims.cell->has_cell_state)
        plot_series(ui, &p, NULL, o->dc_norm, T, t->grad_cell, (float)ui_px(ui, 2));
    plot_series(ui, &p, NULL, o->dh_norm, T, t->grad, (float)ui_px(ui, 2.5f));
    gradient_legend(ui, &p, rv, sig, show_ref);
}

/* The waterfall's colour scale over its rows: the top decade in *topv, the span in
 * *decades: from the largest value shown down GRAD_DECADES decades, or further when the
 * rows span more (an explosion next to ordinary steps). */
static void waterfall_scale(const History *h, int rows, int T, double *topv_out, double *decades_out)
{
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
    *topv_out = topv, *decades_out = decades;
}

/* The waterfall's colour bar right of img, labelled in decades from topv down. */
static void waterfall_colour_bar(Ui *ui, Rect img, int pad, double topv, double decades)
{
    int small = ui_text_size_small(ui);
    Rect bar = {img.x + img.w + pad, img.y, ui_px(ui, 14), img.h};
    uint8_t *bp = draw_image(ui->dl, bar, 1, 64, NULL);
    for (int i = 0; i < 64; i++) {
        Color c = colormap_magnitude(1.0 - i / 63.0);
        bp[i * 4] = c.r, bp[i * 4 + 1] = c.g, bp[i * 4 + 2] = c.b, bp[i * 4 + 3] = 255;
    }
    int tick = (int)ceil(decades / 3);
    char buf[64];
    for (int dcd = 0; dcd <= (int)decades; dcd += tick) {
        int y = bar.y + (int)((double)dcd / decades * (bar.h - 1));
        snprintf(buf, sizeof buf, "1e%d", (int)topv - dcd);
        draw_text(ui->dl, bar.x + bar.w + ui_px(ui, 3), y - small / 2, small, ui->theme->text_dim, buf);
    }
}

/* The waterfall: one row per recent step (newest at the bottom), one column per t. */
static void gradient_waterfall(Ui *ui, Rect bot_r, const RunView *rv)
{
    const Theme *t = ui->theme;
    const History *h = &rv->hist;
    int T = rv->T;
    draw_rect(ui->dl, bot_r, t->plot_bg);
    draw_frame(ui->dl, bot_r, t->border, 1);
    int size = ui_text_size(ui), small = ui_text_size_small(ui), pad = ui_px(ui, 6);
    char wt[128];
    plot_fit_text(ui, wt, sizeof wt, "Waterfall: ||dL/dh_t|| over recent steps (rows), t (columns)", size, bot_r.w - 2 * pad);
    draw_text(ui->dl, bot_r.x + pad, bot_r.y + pad / 2, size, t->text, wt);
    int bar_w = ui_px(ui, 64);
    Rect img = {bot_r.x + ui_text_width(ui, "1e-100", small) + pad, bot_r.y + size + pad,
                bot_r.w - bar_w - ui_text_width(ui, "1e-100", small) - 3 * pad, bot_r.h - size - 2 * pad - small};
    int rows = h->count < img.h ? h->count : img.h;
    if (rows < 1 || T < 1 || img.w < 4 || img.h < 4)
        return;
    double topv, decades;
    waterfall_scale(h, rows, T, &topv, &decades);
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
    snprintf(buf, sizeof buf, rv->past ? "step %ld (then)" : "step %ld (now)", h->step[history_index(h, h->count - 1)]);
    int nw = ui_text_width(ui, buf, small);
    draw_text(ui->dl, img.x + img.w - nw, img.y + img.h + ui_px(ui, 1), small, t->text_dim, buf);
    if (ui_text_width(ui, older, small) + nw + ui_px(ui, 10) < img.w)
        draw_text(ui->dl, img.x, img.y + img.h + ui_px(ui, 1), small, t->text_dim, older);
    waterfall_colour_bar(ui, img, pad, topv, decades);
}

void view_gradient(Ui *ui, Rect r, const RunView *rv, ViewState *vs, ViewScratch *scratch)
{
    (void)scratch;
    int gap = ui_px(ui, 6);
    Rect top_r = {r.x, r.y, r.w, r.h * 55 / 100 - gap / 2};
    Rect bot_r = {r.x, top_r.y + top_r.h + gap, r.w, r.h - top_r.h - gap};
    gradient_per_step(ui, top_r, rv, vs);
    gradient_waterfall(ui, bot_r, rv);
}
