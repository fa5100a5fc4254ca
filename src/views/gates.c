/* gates.c: each gate's activations, units x t, for cells that have gates. */
#include "views.h"

#include "../ui/plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- 5. gates ---- */

/* A vertical colour bar at bar: the magnitude map from lo (bottom) to hi, or the signed
 * one, with its name above and three ticks. */
static void gates_colour_bar(Ui *ui, Rect bar, int is_tanh, const char *name)
{
    const Theme *t = ui->theme;
    int small = ui_text_size_small(ui);
    draw_text(ui->dl, bar.x, bar.y - small - ui_px(ui, 2), small, t->text_dim, name);
    uint8_t *bp = draw_image(ui->dl, bar, 1, 64, NULL);
    for (int i = 0; i < 64; i++) {
        double u = 1.0 - i / 63.0; /* top = high */
        Color c = is_tanh ? colormap_signed(2 * u - 1) : colormap_magnitude(u);
        bp[i * 4] = c.r, bp[i * 4 + 1] = c.g, bp[i * 4 + 2] = c.b, bp[i * 4 + 3] = 255;
    }
    draw_frame(ui->dl, bar, t->axis, 1);
    static const char *const SIG[3] = {"1", "0.5", "0"}, *const TANH[3] = {"1", "0", "-1"};
    /* the top and bottom labels inside the bar's height, so nothing runs into the next bar */
    int room = bar.h >= 3 * small ? 3 : 2;
    for (int k = 0; k < 3; k++) {
        if (room == 2 && k == 1)
            continue;
        int y = k == 0 ? bar.y : k == 2 ? bar.y + bar.h - small : bar.y + bar.h / 2 - small / 2;
        draw_text(ui->dl, bar.x + bar.w + ui_px(ui, 3), y, small, t->text_dim, is_tanh ? TANH[k] : SIG[k]);
    }
}

/* Each gate's activations as an image, units down, t across, its name beside it, the t
 * axis under the last one, and the colour bars of the two kinds of gate on the right. */
void view_gates(Ui *ui, Rect r, const RunView *rv, ViewState *vs, ViewScratch *scratch)
{
    (void)scratch;
    const Theme *t = ui->theme;
    Observables shown = views_obs(rv, vs); /* a stack: the layer shown */
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
    char title[128];
    char full[128];
    if (d->L > 1)
        snprintf(full, sizeof full, "Gates of layer %d: units (rows) \u00d7 t (columns), first sample", views_layer(rv, vs));
    else
        snprintf(full, sizeof full, "Gates: units (rows) \u00d7 t (columns), first sample");
    ui_fit_title(ui, title, sizeof title, full, size, r.w - 2 * pad);
    draw_text(ui->dl, r.x + pad, r.y + pad / 2, size, t->text, title);
    unsigned tanh_mask = d->cell->tanh_gates;
    int kinds = (tanh_mask != 0) + (tanh_mask != (1u << G) - 1);
    /* room: the names on the left, the unit numbers, the bars and their ticks on the right */
    int name_w = 0;
    for (int g = 0; g < G; g++) {
        int w = ui_text_width(ui, names[g], small);
        name_w = w > name_w ? w : name_w;
    }
    char hbuf[16];
    snprintf(hbuf, sizeof hbuf, "%d", H - 1);
    int unit_w = ui_text_width(ui, hbuf, small) + ui_px(ui, 3);
    int bar_w = ui_px(ui, 10), bar_room = bar_w + ui_text_width(ui, "0.5", small) + ui_px(ui, 4) + 2 * pad;
    int x0 = r.x + pad + name_w + pad + unit_w;
    int top = r.y + size + pad + small; /* the bars' names sit above the first image */
    int bottom = r.y + r.h - small - pad - ui_px(ui, 2); /* the t axis below */
    Rect all = {x0, top, r.x + r.w - bar_room - x0, bottom - top};
    if (all.w < 8 || all.h < 4 * G)
        return;
    int each = all.h / G, gap = ui_px(ui, 3);
    for (int g = 0; g < G; g++) {
        Rect img = {all.x, all.y + g * each, all.w, each - gap};
        draw_text(ui->dl, r.x + pad, img.y + img.h / 2 - small / 2, small, t->text, names[g]);
        if (img.h >= 2 * small + ui_px(ui, 2)) { /* the first and last unit's numbers */
            draw_text(ui->dl, img.x - ui_text_width(ui, "0", small) - ui_px(ui, 3), img.y, small, t->text_dim, "0");
            draw_text(ui->dl, img.x - ui_text_width(ui, hbuf, small) - ui_px(ui, 3), img.y + img.h - small, small,
                      t->text_dim, hbuf);
        }
        /* no finer than the screen: a long or wide run is sampled at the image's pixels */
        int cols = T < img.w ? T : img.w, rows = H < img.h ? H : img.h;
        if (cols < 1 || rows < 1)
            continue;
        uint8_t *px = draw_image(ui->dl, img, cols, rows, NULL);
        int is_tanh = (tanh_mask >> g) & 1u;
        for (int row = 0; row < rows; row++)
            for (int col = 0; col < cols; col++) {
                int j = (int)((long)row * H / rows), s = (int)((long)col * T / cols);
                double v = shown.gate[(size_t)s * G * H + (size_t)g * H + j];
                Color c = is_tanh ? colormap_signed(v) : colormap_magnitude(v);
                uint8_t *q = px + ((size_t)row * cols + col) * 4;
                q[0] = c.r, q[1] = c.g, q[2] = c.b, q[3] = 255;
            }
        draw_frame(ui->dl, img, t->axis, 1);
    }
    /* the t axis: integer ticks under the last image, centred on their columns */
    int ty = all.y + G * each - gap + ui_px(ui, 2);
    double step = plot_nice_step(T > 1 ? T - 1 : 1, all.w / (ui_text_width(ui, "0000", small) + pad), 1);
    int name_x = all.x + all.w - ui_text_width(ui, "t", small);
    draw_text(ui->dl, name_x, ty, small, t->text_dim, "t");
    char buf[32];
    for (double v = 0; v <= T - 1; v += step) {
        int x = all.x + (int)((v + 0.5) * all.w / T);
        plot_format_tick(buf, sizeof buf, v, step);
        int w = ui_text_width(ui, buf, small);
        if (x + w / 2 > name_x - ui_px(ui, 4))
            break;
        draw_text(ui->dl, x - w / 2, ty, small, t->text_dim, buf);
    }
    /* one colour bar per kind of gate: sigmoid gates 0..1, tanh gates -1..1 */
    int bx = all.x + all.w + pad, bh = (all.h - (kinds - 1) * (small + pad)) / kinds, by = all.y;
    if (tanh_mask != (1u << G) - 1) {
        gates_colour_bar(ui, (Rect){bx, by, bar_w, bh}, 0, "\u03c3");
        by += bh + small + pad;
    }
    if (tanh_mask)
        gates_colour_bar(ui, (Rect){bx, by, bar_w, bh}, 1, "tanh");
}
