/* spectrum.c: the singular values and eigenvalues of each gate block of W_hh, for the
 * weights shown. */
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
    (void)vs;
    const Theme *t = ui->theme;
    const ModelDims *d = &rv->dims;
    if (!sp || !sp->valid) {
        views_message(ui, r, "Spectrum of W_hh",
                      sp->step < 0 ? "Computing the spectrum\u2026" : "Not available: the weights are not finite.");
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
    ui_push_clip(ui, right);
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
    ui_pop_clip(ui);
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

