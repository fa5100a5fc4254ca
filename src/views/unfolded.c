/* unfolded.c: the network unfolded in time: one column per step, x_t, h_t (and c_t) and
 * y_t as cells coloured by value, and ||dL/dh_t|| as the band between columns. Reads the
 * RunView only. */
#include "views.h"

#include "../ui/plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- 1. the unfolded network ---- */

/* Where everything goes: the columns (every k-th step when T do not fit) and the rows. */
typedef struct {
    Rect area;             /* the columns */
    int k, cols;           /* every k-th step is shown, in cols columns */
    float cw, gap;         /* column pitch, and the gap between columns */
    int gated;             /* the cell has a cell state: h and c side by side */
    int x_h, h_h, y_h;     /* row heights */
    Rect xrow, hrow, yrow; /* x_t, h_t (and c_t), y_t */
    int small;             /* the small text size */
} UnfoldedLayout;

/* The frame's title: which cell, and whether it is an encoder then a decoder. */
static void unfolded_title(Ui *ui, Rect r, const RunView *rv, const ViewState *vs, int size, int pad)
{
    const ModelDims *d = &rv->dims;
    char title[160];
    if (vs->label)
        snprintf(title, sizeof title, "%s: unfolded network (%s%s)", vs->label, d->cell->name,
                 d->shape == SHAPE_SEQ2SEQ ? ", encoder then decoder" : "");
    else
        snprintf(title, sizeof title, "Unfolded network: x_t \u2192 h_t \u2192 y_t, the same W_hh at every step (%s%s)",
                 d->cell->name, d->shape == SHAPE_SEQ2SEQ ? ", encoder then decoder" : "");
    draw_text(ui->dl, r.x + pad, r.y + pad / 2, size, ui->theme->text, title);
}

/* Lays out the columns and rows inside r and labels the rows. */
static void unfolded_layout(Ui *ui, Rect r, const RunView *rv, int size, int pad, UnfoldedLayout *L)
{
    const Theme *t = ui->theme;
    int T = rv->T, small = ui_text_size_small(ui);
    L->small = small;
    /* Columns: if T steps do not fit at a readable width, show every k-th step. */
    int min_w = ui_px(ui, 14);
    Rect area = {r.x + ui_px(ui, 44), r.y + size + 2 * pad, r.w - ui_px(ui, 54), r.h - size - 3 * pad - small};
    int k = 1;
    while (T / k * min_w > area.w && k < T)
        k++;
    L->area = area;
    L->k = k;
    L->cols = (T + k - 1) / k;
    L->cw = (float)area.w / L->cols;
    L->gap = L->cw > 8 ? L->cw * 0.28f : 1;
    /* rows: x, h (and c), y */
    L->gated = rv->dims.cell->has_cell_state;
    L->x_h = area.h * 2 / 10, L->y_h = area.h * 15 / 100;
    L->h_h = area.h - L->x_h - L->y_h - 2 * pad;
    L->xrow = (Rect){area.x, area.y, area.w, L->x_h};
    L->hrow = (Rect){area.x, area.y + L->x_h + pad, area.w, L->h_h};
    L->yrow = (Rect){area.x, L->hrow.y + L->h_h + pad, area.w, L->y_h};
    draw_text(ui->dl, r.x + pad, L->xrow.y + L->x_h / 2 - small / 2, small, t->text_dim, "x_t");
    draw_text(ui->dl, r.x + pad, L->hrow.y + L->h_h / 2 - small / 2, small, t->text_dim, L->gated ? "h|c" : "h_t");
    draw_text(ui->dl, r.x + pad, L->yrow.y + L->y_h / 2 - small / 2, small, t->text_dim, "y_t");
}

/* One column's cells: x_t, h_t (and c_t) and, where the head reads this step, y_t. */
static void unfolded_cells(Ui *ui, const RunView *rv, const UnfoldedLayout *L, int step, float x0, float w)
{
    const Theme *t = ui->theme;
    const Observables *o = &rv->obs;
    const ModelDims *d = &rv->dims;
    int T = rv->T, H = d->H, I = d->I, Tenc = rv->T_enc;
    /* the input: one cell per input unit */
    int inputs = step < Tenc ? I : d->Id;
    const double *x = step < Tenc ? o->x + (size_t)step * I : NULL;
    for (int i = 0; i < inputs && x; i++) {
        float ch = (float)L->x_h / inputs;
        draw_rect(ui->dl, (Rect){(int)x0, (int)(L->xrow.y + i * ch), (int)w > 0 ? (int)w : 1,
                                 (int)ch > 0 ? (int)ch : 1},
                  colormap_signed(x[i]));
    }
    if (!x) /* the decoder's input: what it was fed */
        draw_rect(ui->dl, (Rect){(int)x0, L->xrow.y, (int)w > 0 ? (int)w : 1, L->x_h}, t->grid);
    /* the hidden state (and cell state): coloured by value */
    float uw = L->gated ? w / 2 : w;
    float ch = (float)L->h_h / H;
    for (int j = 0; j < H; j++) {
        Rect cell = {(int)x0, (int)(L->hrow.y + j * ch), (int)uw > 0 ? (int)uw : 1, (int)ch > 0 ? (int)ch : 1};
        draw_rect(ui->dl, cell, colormap_signed(o->h[(size_t)step * H + j]));
        if (L->gated) {
            cell.x = (int)(x0 + uw);
            draw_rect(ui->dl, cell, colormap_signed(tanh(o->c[(size_t)step * H + j])));
        }
    }
    /* the output, where the head reads this step */
    int reads = o->n_out > 1 ? (d->shape == SHAPE_SEQ2SEQ ? step >= Tenc : 1) : step == T - 1;
    if (reads) {
        int row = o->n_out > 1 ? (d->shape == SHAPE_SEQ2SEQ ? step - Tenc : step) : 0;
        const double *y = o->out + (size_t)row * d->O;
        float oh = (float)L->y_h / d->O;
        double m = 0;
        for (int q = 0; q < d->O; q++)
            m = fabs(y[q]) > m ? fabs(y[q]) : m;
        for (int q = 0; q < d->O; q++)
            draw_rect(ui->dl, (Rect){(int)x0, (int)(L->yrow.y + q * oh), (int)w > 0 ? (int)w : 1, (int)oh > 0 ? (int)oh : 1},
                      colormap_signed(d->loss == LOSS_XENT ? y[q] / (m > 0 ? m : 1) : y[q]));
    }
}

/* The recurrent connection into column c: the same W_hh drawn the same way, its width and
 * colour set by dL/dh_t on a log scale, so the backward pass shows as a band that fades
 * right to left when the gradient vanishes. */
static void unfolded_band(Ui *ui, const RunView *rv, const UnfoldedLayout *L, int c, int step, float x0, double top)
{
    const Theme *t = ui->theme;
    float gap = L->gap;
    int small = L->small;
    double lv = views_grad_level(rv->obs.dh_norm[step], top);
    float thick = 1.0f + (float)lv * ui_px(ui, 7);
    float y = L->hrow.y + L->h_h / 2.0f;
    Color col = colormap_magnitude(lv);
    draw_line(ui->dl, x0 - gap, y, x0, y, col, thick);
    draw_line(ui->dl, x0 - gap, L->hrow.y - 2.0f, x0, L->hrow.y - 2.0f, t->weights, 1);
    if (gap >= ui_text_width(ui, "W", small) + 2 && c % (L->cols > 12 ? (L->cols + 11) / 12 : 1) == 0)
        draw_text(ui->dl, (int)(x0 - gap + (gap - ui_text_width(ui, "W", small)) / 2),
                  L->hrow.y - small - ui_px(ui, 3), small, t->text_dim, "W");
}

/* The truncation window: how far back each loss term's gradient may flow. */
static void unfolded_truncation(Ui *ui, const RunView *rv, const ViewState *vs, const UnfoldedLayout *L)
{
    const Theme *t = ui->theme;
    int T = rv->T, K = rv->cfg.truncate, k = L->k, small = L->small, h_h = L->h_h;
    Rect area = L->area, hrow = L->hrow;
    float cw = L->cw, gap = L->gap;
    if (!(K > 0 && K < T && rv->dims.shape != SHAPE_SEQ2SEQ))
        return;
    int end = rv->obs.n_out > 1 && vs->hover_t >= 0 ? vs->hover_t : T - 1; /* the loss term shown */
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

/* The line under the columns: the range of t, which steps are shown, the gradient scale. */
static void unfolded_axis_label(Ui *ui, Rect r, int T, const UnfoldedLayout *L)
{
    int k = L->k, small = L->small;
    char buf[200];
    if (k > 1)
        snprintf(buf, sizeof buf, "t = 0 .. %d, every %d%s step shown; W_hh between every pair of columns; band: ||dL/dh_t|| (log, %d decades)",
                 T - 1, k, k == 2 ? "nd" : k == 3 ? "rd" : "th", GRAD_DECADES);
    else
        snprintf(buf, sizeof buf, "t = 0 .. %d; W_hh between every pair of columns; band width and colour: ||dL/dh_t|| (log, %d decades)",
                 T - 1, GRAD_DECADES);
    draw_text(ui->dl, L->area.x, r.y + r.h - small - ui_px(ui, 3), small, ui->theme->text_dim, buf);
}

/* The tooltip for the hovered step s: gradient norms, h, x, the target and mean gates. */
static void unfolded_tooltip(Ui *ui, const RunView *rv, int s)
{
    const Observables *o = &rv->obs;
    const ModelDims *d = &rv->dims;
    int T = rv->T, H = d->H, I = d->I, Tenc = rv->T_enc;
    char info[256];
    int n = snprintf(info, sizeof info, "t=%d  ||dL/dh_t||=%.3g", s, o->dh_norm[s]);
    if (d->cell->has_cell_state)
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
        n += snprintf(info + n, sizeof info - (size_t)n, "  x=%s", runview_symbol(rv, hot, 0));
    }
    /* the target of the first sample, where there is one at this step */
    int every = o->n_out > 1, row = d->shape == SHAPE_SEQ2SEQ ? s - Tenc : s;
    if (n < 220 && ((every && row >= 0) || (!every && s == T - 1))) {
        int at = every ? row : 0;
        if (rv->label)
            n += snprintf(info + n, sizeof info - (size_t)n, "  target=%s", runview_symbol(rv, (int)rv->label[at], 1));
        else
            n += snprintf(info + n, sizeof info - (size_t)n, "  target=%.3f", rv->target[(size_t)at * d->O]);
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

void view_unfolded(Ui *ui, Rect r, const RunView *rv, ViewState *vs, ViewScratch *scratch)
{
    (void)scratch;
    const Theme *t = ui->theme;
    int T = rv->T, Tenc = rv->T_enc;
    int size = ui_text_size(ui), pad = ui_px(ui, 6);
    draw_rect(ui->dl, r, t->plot_bg);
    draw_frame(ui->dl, r, t->border, 1);
    ui_push_clip(ui, r);
    unfolded_title(ui, r, rv, vs, size, pad);
    UnfoldedLayout L;
    unfolded_layout(ui, r, rv, size, pad, &L);
    Rect area = L.area;
    int k = L.k;
    float cw = L.cw, gap = L.gap;

    double top = views_log_top(rv->obs.dh_norm, T);
    int mouse_col = -1;
    if (rect_contains((Rect){area.x, area.y, area.w, area.h}, ui->in.mouse_x, ui->in.mouse_y))
        mouse_col = (int)((ui->in.mouse_x - area.x) / cw);
    vs->hover_t = -1;
    for (int c = 0; c < L.cols; c++) {
        int step = c * k + k - 1 < T ? c * k + k - 1 : T - 1;
        float x0 = area.x + c * cw, w = cw - gap;
        if (c == mouse_col) {
            vs->hover_t = step;
            draw_rect(ui->dl, (Rect){(int)(x0 - gap / 2), area.y - 2, (int)cw, area.h + 4}, t->grid);
        }
        unfolded_cells(ui, rv, &L, step, x0, w);
        if (c > 0)
            unfolded_band(ui, rv, &L, c, step, x0, top);
        if (step == Tenc - 1 && rv->dims.shape == SHAPE_SEQ2SEQ) /* the encoder-decoder boundary */
            draw_rect(ui->dl, (Rect){(int)(x0 + cw - gap / 2), area.y, ui_px(ui, 2), area.h}, t->accent);
    }
    unfolded_truncation(ui, rv, vs, &L);
    unfolded_axis_label(ui, r, T, &L);
    ui_pop_clip(ui);

    if (vs->hover_t >= 0)
        unfolded_tooltip(ui, rv, vs->hover_t);
}
