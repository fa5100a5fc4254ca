/* spectrum.c: the singular values and eigenvalues of each gate block of W_hh, for the
 * weights shown; a stack's shown layer (ViewState.layer_down). */
#include "views.h"

#include "../ui/plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- 6. spectrum ---- */

void view_spectrum(Ui *ui, Rect r, const RunView *rv, ViewState *vs, ViewScratch *scratch)
{
    (void)scratch;
    const Spectrum *sp = &rv->spectrum;
    const Theme *t = ui->theme;
    const ModelDims *d = &rv->dims;
    if (!sp || !sp->valid) {
        views_message(ui, r, "Spectrum of W_hh",
                      sp->step < 0 ? "Computing the spectrum\u2026" : "Not available: the weights are not finite.");
        return;
    }
    /* the shown layer's blocks: each layer's are blocks_per_layer apart (trainer.h) */
    int H = d->H, L = d->L > 0 ? d->L : 1, n = sp->n_blocks / L, layer = views_layer(rv, vs), gap = ui_px(ui, 6);
    const double *sv = sp->sv + (size_t)layer * n * H, *eig_re = sp->eig_re + (size_t)layer * n * H,
                 *eig_im = sp->eig_im + (size_t)layer * n * H;
    Rect left = {r.x, r.y, r.w / 2 - gap / 2, r.h};
    Rect right = {left.x + left.w + gap, r.y, r.w - left.w - gap, r.h};
    double hi = 0;
    for (int i = 0; i < n * H; i++)
        hi = sv[i] > hi ? sv[i] : hi;
    /* each gate block its colour and its marker shape, named in both plots' legends */
    PlotSeries blocks[8];
    char names[8][32];
    int nb = n < 8 ? n : 8;
    for (int b = 0; b < nb; b++) {
        /* "input i", short "i"; W_hh's one block, in a decoder "dec W_hh", short "dec" */
        int gated = d->cell->gates > 1;
        const char *nm = gated ? d->cell->gate_titles[b % d->G] : "W_hh", *dec = b >= d->G ? "dec " : "";
        if (gated || *dec)
            snprintf(names[b], sizeof names[b], "%s%s" UI_OR "%s%s", dec, nm, gated ? dec : "dec",
                     gated ? d->cell->gate_names[b % d->G] : "");
        else
            snprintf(names[b], sizeof names[b], "%s", nm);
        blocks[b] = (PlotSeries){NULL, sv + (size_t)b * H, H, t->series[b % 8], (float)ui_px(ui, 2), PLOT_SOLID,
                                 b % PLOT_MARK_COUNT, n > 1 ? names[b] : NULL};
    }
    char readout[64], sv_title[48];
    Observables shown = views_obs(rv, vs);
    double top = 0;
    for (int b = 0; b < shown.n_blocks; b++)
        top = shown.sigma_max[b] > top ? shown.sigma_max[b] : top;
    snprintf(readout, sizeof readout, "sigma_max = %.4g", top);
    if (L > 1)
        snprintf(sv_title, sizeof sv_title, "Singular values, layer %d", layer);
    else
        snprintf(sv_title, sizeof sv_title, "Singular values");
    PlotOpts po = {.title = sv_title, .x0 = 0, .x1 = H > 1 ? H - 1 : 1, .y0 = 0, .y1 = hi > 0 ? hi * 1.1 : 1,
                   .x_label = "index", .x_integer = 1, .readout = readout};
    Plot p = plot_begin_ex(ui, left, &po);
    /* the lines, and their markers at a few points only: 32 markers a line would be a smear */
    for (int b = 0; b < nb; b++) {
        PlotSeries line = blocks[b];
        line.marker = PLOT_MARK_NONE;
        plot_series_ex(ui, &p, &line);
    }
    ui_push_clip(ui, p.area);
    int every = H / 6 > 1 ? H / 6 : 1;
    for (int b = 0; b < nb && n > 1; b++)
        for (int i = (b * every) / (nb > 0 ? nb : 1); i < H; i += every)
            plot_marker(ui, plot_px(&p, i), plot_py(&p, blocks[b].ys[i]), (float)ui_px(ui, 3.5f), blocks[b].marker,
                        blocks[b].color);
    ui_pop_clip(ui);
    Rect one = plot_hline(ui, &p, 1.0, t->baseline, "1");
    plot_legend(ui, &p, blocks, nb, &one, 1);

    /* eigenvalues in the complex plane, the unit circle and 1/gamma */
    double gamma = d->cell->has_activation ? cell_activation_max_slope(d->act) : 1.0;
    double extent = 1.0 / gamma;
    for (int i = 0; i < n * H; i++) {
        double m = hypot(eig_re[i], eig_im[i]);
        extent = m > extent ? m : extent;
    }
    extent *= 1.1;
    char title[96];
    snprintf(title, sizeof title, "%s",
             gamma != 1 ? "Eigenvalues (circles: 1 and 1/gamma = 4)" : "Eigenvalues and the unit circle" UI_OR "Eigenvalues");
    /* equal scales on both axes, so circles are circles: widen the longer side's range */
    PlotOpts eo = {.title = title, .x0 = -extent, .x1 = extent, .y0 = -extent, .y1 = extent};
    Rect ea = plot_area(ui, right, &eo);
    if (ea.w > 0 && ea.h > 0) {
        if (ea.w >= ea.h)
            eo.x0 = -extent * ea.w / ea.h, eo.x1 = -eo.x0;
        else
            eo.y0 = -extent * ea.h / ea.w, eo.y1 = -eo.y0;
    }
    Plot q = plot_begin_ex(ui, right, &eo);
    float cx = plot_px(&q, 0), cy = plot_py(&q, 0);
    ui_push_clip(ui, q.area);
    draw_line(ui->dl, (float)q.area.x, cy, (float)(q.area.x + q.area.w), cy, t->grid, 1);
    draw_line(ui->dl, cx, (float)q.area.y, cx, (float)(q.area.y + q.area.h), t->grid, 1);
    float unit = plot_px(&q, 1) - cx;
    draw_ring(ui->dl, cx, cy, unit, t->axis, (float)ui_px(ui, 1.5f));
    if (gamma != 1)
        draw_ring(ui->dl, cx, cy, (float)(unit / gamma), t->grad, (float)ui_px(ui, 1.5f));
    ui_pop_clip(ui);
    /* the eigenvalues as scatters: markers, no lines */
    PlotSeries eig[8];
    for (int b = 0; b < nb; b++) {
        eig[b] = blocks[b];
        eig[b].xs = eig_re + (size_t)b * H, eig[b].ys = eig_im + (size_t)b * H;
        eig[b].dash = -1;
        eig[b].marker = n > 1 ? b % PLOT_MARK_COUNT : PLOT_MARK_DISC;
        plot_series_ex(ui, &q, &eig[b]);
    }
    plot_legend(ui, &q, eig, nb, NULL, 0);
}
