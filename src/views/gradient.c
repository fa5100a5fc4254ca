/* gradient.c: ||dL/dh_t|| against t on a log axis with the trainer's reference line (an
 * upper bound for a vanilla RNN, the cell path's factor for lstm and gru), and the
 * waterfall of the same norms over recent steps. A stack: every layer's curve, the shown
 * layer's (ViewState.layer_down) drawn bold with its line and its waterfall. Computes
 * neither line: trainer.c does. */
#include "views.h"

#include "../ui/plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- 3. gradient norm per step, and its waterfall ---- */

/* The line's legend: what the trainer computed (Observables.reference) and whether it is a
 * bound. Returns 0 when there is no line. */
static int gradient_reference_label(const RunView *rv, const Observables *o, char *buf, size_t len)
{
    const CellKind *cell = rv->dims.cell;
    switch (o->reference_kind) {
    case REFERENCE_BOUND: {
        /* sigma_max as lessons quote it; gamma the activation's largest slope */
        double gamma = cell_activation_max_slope(rv->dims.act);
        if (rv->dims.shape == SHAPE_SEQ2SEQ)
            snprintf(buf, len, "upper bound (sigma_max enc %.3g, dec %.3g, gamma %g)", o->sigma_max[0],
                     o->sigma_max[rv->dims.G], gamma);
        else
            snprintf(buf, len, "upper bound (sigma_max = %.3g, gamma = %g)", o->sigma_max[0], gamma);
        return 1;
    }
    case REFERENCE_CELL_PATH:
        snprintf(buf, len, "cell path: prod %s (not a bound)", cell->gate_names[cell->path_gate]);
        return 1;
    case REFERENCE_NONE: break;
    }
    return 0;
}

/* The per-step plot's value range: the data, the reference nearby, dL/dc_t, or the range
 * shared between compared runs. */
static void gradient_range(const RunView *rv, const Observables *o, const ViewState *vs, int show_ref, int end,
                           double *lo_out, double *hi_out)
{
    int T = rv->T, L = o->L > 1 ? o->L : 1;
    double lo, hi;
    const double *all = end ? o->layers_dh_norm_end : o->layers_dh_norm;
    int ok = plot_range(L > 1 ? all : end ? o->dh_norm_end : o->dh_norm, L * T, 1, &lo, &hi); /* every layer's curve */
    if (!ok)
        lo = 1e-10, hi = 1;
    /* let the reference show, within three decades of the data */
    double rlo, rhi;
    if (ok && show_ref && plot_range(o->reference, T, 1, &rlo, &rhi)) {
        lo = fmax(fmin(lo, rlo), lo / 1e3);
        hi = fmin(fmax(hi, rhi), hi * 1e3);
    }
    if (rv->dims.cell->has_cell_state && L == 1 && !end) {
        double a, b;
        if (plot_range(o->dc_norm, T, 1, &a, &b))
            lo = a < lo ? a : lo, hi = b > hi ? b : hi;
    }
    if (vs->shared)
        lo = vs->grad_lo, hi = vs->grad_hi;
    *lo_out = lo, *hi_out = hi;
}

/* ||dL/dh_t|| (and dL/dc_t) against t on a log axis, with the trainer's reference line (a
 * vanilla RNN's upper bound, or a gated cell's own path factor) and a legend that names
 * each curve by colour and dash; grad_ratio and cell_ratio as live numbers in the title row. */
static void gradient_per_step(Ui *ui, Rect top_r, const RunView *rv, ViewState *vs)
{
    const Theme *t = ui->theme;
    Observables shown = views_obs(rv, vs);
    const Observables *o = &shown;
    int T = rv->T, L = o->L > 1 ? o->L : 1, layer = views_layer(rv, vs);
    /* variable lengths, aligned: each sequence shifted until its end sits at T-1 (the
     * reference line is by t, so it goes) */
    int end = vs->grad_end && rv->cfg.min_len > 0 && o->layers_dh_norm_end;
    const double *dh = end ? o->dh_norm_end : o->dh_norm;
    char ref_label[96];
    int show_ref = !end && gradient_reference_label(rv, o, ref_label, sizeof ref_label);
    double lo, hi;
    gradient_range(rv, o, vs, show_ref, end, &lo, &hi);
    int has_cell = rv->dims.cell->has_cell_state;
    char title[400], readout[128];
    if (vs->label)
        snprintf(title, sizeof title, "%.150s: gradient per step (log)" UI_OR "%.150s" UI_OR "%.*s", vs->label,
                 vs->label, (int)strcspn(vs->label, ":") < 16 ? (int)strcspn(vs->label, ":") : 16,
                 vs->label); /* shorter: "A: model=rnn", then "A" */
    else if (end)
        snprintf(title, sizeof title, "Gradient, sequences aligned on their ends (log; G: by t)");
    else if (L > 1)
        snprintf(title, sizeof title,
                 "Gradient reaching each step of each layer (log)" UI_OR "Gradient reaching each step of each layer" UI_OR
                 "Gradient at each step, each layer" UI_OR "Gradient by step");
    else
        snprintf(title, sizeof title,
                 "Gradient reaching each step (log)" UI_OR "Gradient reaching each step" UI_OR "Gradient at each step" UI_OR
                 "Gradient by step");
    double ratio = grad_ratio_of(dh, T);
    if (end) { /* as far back as every sequence reaches: min_len - 1 steps before the ends */
        int back = rv->cfg.min_len - 1;
        snprintf(readout, sizeof readout, "%d steps before the ends / at the ends = %.3g", back,
                 T - 1 - back >= 0 && dh[T - 1] > 0 ? dh[T - 1 - back] / dh[T - 1] : NAN);
    } else if (L > 1) /* along time in the shown layer; from the top's last step to layer 0's first */
        snprintf(readout, sizeof readout, "grad_ratio = %.3g (layer %d), depth_ratio = %.3g", ratio, layer,
                 runview_depth_ratio(rv));
    else if (has_cell)
        snprintf(readout, sizeof readout, "grad_ratio = %.3g, cell_ratio = %.3g", ratio,
                 T > 0 ? o->dc_norm[0] / o->dc_norm[T - 1] : NAN);
    else
        snprintf(readout, sizeof readout, "grad_ratio = %.3g", ratio);
    PlotSeries curves[3 + MODEL_MAX_LAYERS];
    char names[MODEL_MAX_LAYERS][40];
    int n = 0;
    if (L > 1)
        snprintf(names[0], sizeof names[0], "||dL/dh_t|| layer %d%s", layer, layer == L - 1 ? " (top)" : "");
    curves[n++] = (PlotSeries){NULL, dh, T, t->grad, (float)ui_px(ui, 2.5f), VIEW_DASH_DH, PLOT_MARK_NONE,
                               L > 1 ? names[0] : end ? "||dL/dh|| by distance from each end" : "||dL/dh_t||"};
    /* the other layers, thin and dotted, each its colour */
    for (int l = L - 1, k = 1; l >= 0; l--) {
        if (l == layer)
            continue;
        snprintf(names[k], sizeof names[k], "layer %d%s", l, l == L - 1 ? " (top)" : "");
        curves[n++] = (PlotSeries){NULL, (end ? o->layers_dh_norm_end : o->layers_dh_norm) + (size_t)l * T, T,
                                   t->series[(l + 1) % 8],
                                   (float)ui_px(ui, 1.5f), PLOT_DOTTED, PLOT_MARK_NONE, names[k]};
        k++;
    }
    if (has_cell && L == 1 && !end) /* a stack's curves are its layers' dL/dh (the tooltip has dL/dc) */
        curves[n++] = (PlotSeries){NULL, o->dc_norm, T, t->grad_cell, (float)ui_px(ui, 2), VIEW_DASH_DC,
                                   PLOT_MARK_NONE, "||dL/dc_t|| (cell state)"};
    if (show_ref)
        curves[n++] = (PlotSeries){NULL, o->reference, T, t->reference, (float)ui_px(ui, 1.5f), VIEW_DASH_REFERENCE,
                                   PLOT_MARK_NONE, ref_label};
    PlotOpts po = {.title = title, .x0 = 0, .x1 = T > 1 ? T - 1 : 1, .y0 = lo, .y1 = hi, .log_y = 1,
                   .x_label = end ? "end" : "t",
                   .x_integer = 1, .readout = readout, .legend = curves, .n_legend = n};
    Plot p = plot_begin_ex(ui, top_r, &po);
    for (int k = n - 1; k >= 0; k--) /* the shown layer's ||dL/dh_t|| on top */
        plot_series_ex(ui, &p, &curves[k]);
    plot_legend(ui, &p, curves, n, NULL, 0);
    /* variable lengths: a click on the title switches between t and the ends */
    Rect title_r = {top_r.x, top_r.y, top_r.w / 2, ui_text_size(ui) + ui_px(ui, 6)};
    if (rv->cfg.min_len > 0 && !vs->label) {
        if (ui_interact(ui, ui_id(ui, "grad-end"), title_r) & UI_CLICKED)
            vs->grad_end = !vs->grad_end;
        else if (rect_contains(title_r, ui->in.mouse_x, ui->in.mouse_y))
            ui_set_tooltip(ui, vs->grad_end ? "Each sequence shifted so its own last step sits at the right: the "
                                              "distance back from its loss. Click (or press G) for t."
                                            : "Click (or press G) to align the sequences on their own ends: the "
                                              "distance back from each one's loss.");
    }
}

/* The waterfall: one row per recent step (newest at the bottom), one column per t. */
static void gradient_waterfall(Ui *ui, Rect bot_r, const RunView *rv, const ViewState *vs)
{
    const Theme *t = ui->theme;
    const History *h = &rv->hist;
    int T = rv->T;
    draw_rect(ui->dl, bot_r, t->plot_bg);
    draw_frame(ui->dl, bot_r, t->border, 1);
    int size = ui_text_size(ui), small = ui_text_size_small(ui), pad = ui_px(ui, 6);
    char wt[128], wl[128];
    int layer = views_layer(rv, vs);
    if (rv->dims.L > 1)
        snprintf(wl, sizeof wl, "Waterfall of layer %d ([ ] another): ||dL/dh_t|| by step t over recent steps (rows)", layer);
    else
        snprintf(wl, sizeof wl, "Waterfall: ||dL/dh_t|| by step t (columns) over recent steps (rows)");
    ui_fit_title(ui, wt, sizeof wt, wl, size, bot_r.w - 2 * pad);
    draw_text(ui->dl, bot_r.x + pad, bot_r.y + pad / 2, size, t->text, wt);
    /* the image starts half a label below the title, so the bar's top label, centred on
     * it, stays clear of the title */
    int title_bottom = bot_r.y + pad / 2 + size, img_top = title_bottom + small / 2 + ui_px(ui, 1);
    int img_h = bot_r.y + bot_r.h - pad / 2 - small - ui_px(ui, 1) - img_top;
    int rows = h->count < img_h ? h->count : img_h;
    /* one colour one value: in compare mode both runs' bars span the same decades */
    double topv, decades;
    if (vs->shared && vs->grad_decades > 0)
        topv = vs->grad_top, decades = vs->grad_decades;
    else
        views_waterfall_scale(rv, layer, rows > 0 ? rows : 1, &topv, &decades);
    /* the bar and its labels take what their widest label needs */
    char widest[64];
    views_decade_label(widest, sizeof widest, topv, (int)decades);
    int lw = ui_text_width(ui, widest, small), tw = ui_text_width(ui, "1e-10", small);
    int bar_w = pad + ui_px(ui, 14) + ui_px(ui, 3) + (lw > tw ? lw : tw) + pad;
    int margin = ui_text_width(ui, "1e-100", small) + pad;
    Rect img = {bot_r.x + margin, img_top, bot_r.w - bar_w - margin - pad, img_h};
    if (rows < 1 || T < 1 || img.w < 4 || img.h < 4)
        return;
    uint8_t *px = draw_image(ui->dl, img, T, rows, NULL);
    for (int rr = 0; rr < rows; rr++) {
        const double *g = history_dh_norm(h, history_index(h, h->count - rows + rr), layer);
        for (int s = 0; s < T; s++) {
            double v = g[s];
            double lv = v > 0 ? (log10(v) - (topv - decades)) / decades : 0;
            /* white: Inf or NaN; the grid colour: exactly zero (no sequence has that step) */
            Color c = !isfinite(v) ? rgba(255, 255, 255, 255) : v == 0 ? t->grid : colormap_magnitude(lv);
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
    views_decade_bar(ui, img, pad, topv, decades, title_bottom, bot_r.y + bot_r.h - ui_px(ui, 1));
}

void view_gradient(Ui *ui, Rect r, const RunView *rv, ViewState *vs, ViewScratch *scratch)
{
    (void)scratch;
    int gap = ui_px(ui, 6);
    Rect top_r = {r.x, r.y, r.w, r.h * 60 / 100 - gap / 2};
    Rect bot_r = {r.x, top_r.y + top_r.h + gap, r.w, r.h - top_r.h - gap};
    gradient_per_step(ui, top_r, rv, vs);
    gradient_waterfall(ui, bot_r, rv, vs);
}
