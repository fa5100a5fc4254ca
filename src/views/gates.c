/* gates.c: each gate's activations, units x t, for cells that have gates. */
#include "views.h"

#include "../ui/plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- 5. gates ---- */

void view_gates(Ui *ui, Rect r, const RunView *rv, ViewState *vs, ViewScratch *scratch)
{
    (void)scratch;
    (void)vs;
    const Theme *t = ui->theme;
    const ModelDims *d = &rv->dims;
    if (d->cell->gates == 1) {
        views_message(ui, r, "Gates", "A vanilla RNN has no gates: choose model lstm or gru.");
        return;
    }
    const char *const *names = d->cell->gate_titles;
    int G = d->G, H = d->H, T = rv->T, size = ui_text_size(ui), small = ui_text_size_small(ui);
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
        /* no finer than the screen: a long or wide run is sampled at the image's pixels */
        int cols = T < img.w ? T : img.w, rows = H < img.h ? H : img.h;
        uint8_t *px = draw_image(ui->dl, img, cols, rows, NULL);
        int is_tanh = (d->cell->tanh_gates >> g) & 1u;
        for (int row = 0; row < rows; row++)
            for (int col = 0; col < cols; col++) {
                int j = (int)((long)row * H / rows), s = (int)((long)col * T / cols);
                double v = rv->obs.gate[(size_t)s * G * H + (size_t)g * H + j];
                Color c = is_tanh ? colormap_signed(v) : colormap_magnitude(v);
                uint8_t *q = px + ((size_t)row * cols + col) * 4;
                q[0] = c.r, q[1] = c.g, q[2] = c.b, q[3] = 255;
            }
    }
}

