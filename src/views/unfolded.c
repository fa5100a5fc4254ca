/* unfolded.c: the network unrolled in time, as courses draw it: a box per shown step with
 * x_t below it and y_t above, h_{t-1} -> h_t arrows all labelled with the one W_hh, and
 * ||dL/dh_t|| as a band under them whose width and colour fade where the gradient vanishes.
 * A stack draws a row of boxes and a band per layer, layer 0 at the bottom, with h_t
 * passing up from each layer to the one above; a click on a row shows that layer in the
 * other views. Reads the RunView only; the other views plot the same numbers against t. */
#include "views.h"

#include "../ui/plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* At most this many columns (a 4K-wide band holds about 120). */
#define UNF_MAX_COLS 256

/* Where everything goes. Rows top to bottom: title, (truncation line), y_t, h_t (and c_t)
 * boxes, the gradient band, x_t, the t labels. Columns: the row labels, the steps, the
 * gradient's colour bar. Every height but the text's is a share of the view's, so an
 * enlarged view draws a bigger diagram, band included. */
typedef struct {
    int size, small, pad;
    int cols;                 /* columns shown */
    int steps[UNF_MAX_COLS];  /* the step each column shows: 0 and T-1 always */
    float x0, pitch, box_w;   /* the first box's left edge, the column pitch, a box's width */
    int label_x;              /* the row labels' left edge */
    int labels;               /* 0: too narrow for the row labels */
    int trunc_y;              /* the truncation line, or -1 */
    int y_y, y_h;             /* y_t */
    int h_y, h_h;             /* the boxes: h_y the top layer's */
    int c_h;                  /* gated: the c_t strip's height at the box's top (0 otherwise) */
    int b_y, b_h;             /* the gradient band's lane: b_y layer 0's, the lowest */
    int nl;                   /* rows drawn, each a layer's boxes over its band, row 0 lowest */
    int row_layer[MODEL_MAX_LAYERS]; /* the layer each row draws: all of a stack, bottom up,
                                        or only the shown one where the view is too short */
    int box_y[MODEL_MAX_LAYERS], band_y[MODEL_MAX_LAYERS]; /* per row */
    int x_y, x_h;             /* x_t */
    int t_y;                  /* the t labels */
    Rect bar;                 /* the colour bar */
    int bar_top;              /* its top decade: the scale is [bar_top - GRAD_DECADES, bar_top] */
} UnfoldedLayout;

/* The colours of the recurrent matrices: the encoder's (or only) W_hh, the decoder's. */
static Color unfolded_w_color(const Theme *t, int decoder) { return decoder ? t->series[3] : t->accent; }

static float box_left(const UnfoldedLayout *L, int c) { return L->x0 + c * L->pitch; }

/* Whether the head reads step s, and the row of out (and of the targets) it reads there. */
static int unfolded_reads(const RunView *rv, int s, int *row)
{
    const Observables *o = &rv->obs;
    if (o->n_out > 1) {
        *row = rv->dims.shape == SHAPE_SEQ2SEQ ? s - rv->T_enc : s;
        return *row >= 0 && *row < o->n_out;
    }
    *row = 0;
    /* the first sample's own last step (variable lengths, packed) */
    int last = rv->cfg.min_len > 0 && !rv->cfg.unpacked && o->len0 > 0 ? o->len0 - 1 : rv->T - 1;
    return s == last;
}

static int truncation_shown(const RunView *rv)
{
    int K = rv->cfg.truncate;
    return K > 0 && K < rv->T && rv->dims.shape != SHAPE_SEQ2SEQ;
}

/* The first step the loss term at `end` reaches: K steps back (window), or the start of
 * its chunk (chunk: the state is detached at t = K, 2K, ...). */
static int truncation_first(const RunView *rv, int end)
{
    int K = rv->cfg.truncate;
    if (rv->cfg.truncate_mode == TRUNCATE_CHUNK)
        return end / K * K;
    return end - K + 1 < 0 ? 0 : end - K + 1;
}

/* truncate_mode=chunk: a dashed line between the two columns on either side of each chunk
 * boundary shown (a multiple of K in steps[c-1] < t <= steps[c]), labelled once. */
static void unfolded_chunks(Ui *ui, Rect r, const RunView *rv, const UnfoldedLayout *L)
{
    const Theme *t = ui->theme;
    int K = rv->cfg.truncate;
    float gap = L->pitch - L->box_w, dash = (float)ui_px(ui, 4);
    float y0 = (float)(L->h_y - 2), y1 = (float)(L->b_y + L->b_h + 2);
    for (int c = 1; c < L->cols; c++) {
        if (L->steps[c - 1] / K == L->steps[c] / K)
            continue;
        float x = box_left(L, c) - gap / 2;
        for (float y = y0; y < y1; y += 2 * dash)
            draw_line(ui->dl, x, y, x, y + dash < y1 ? y + dash : y1, t->clip, (float)ui_px(ui, 2));
    }
    if (L->trunc_y < 0)
        return;
    char lab[200], fit[200];
    snprintf(lab, sizeof lab,
             "chunks of %d: no gradient crosses a dashed line (truncate_mode=chunk)" UI_OR
             "chunks of %d: no gradient crosses a dashed line" UI_OR "chunks of %d",
             K, K, K);
    ui_fit_title(ui, fit, sizeof fit, lab, L->small, r.w - 2 * L->pad);
    draw_text(ui->dl, r.x + L->pad, L->trunc_y, L->small, t->clip, fit);
}

/* The frame's title, the longest form that fits: which cell, and the one shared W_hh. */
static void unfolded_title(Ui *ui, Rect r, const RunView *rv, const ViewState *vs, const UnfoldedLayout *L)
{
    const ModelDims *d = &rv->dims;
    const char *cell = d->cell->name;
    int s2s = d->shape == SHAPE_SEQ2SEQ;
    const char *who = vs->label ? vs->label : "";
    const char *colon = vs->label ? ": " : "";
    char forms[5][200];
    if (s2s) {
        snprintf(forms[0], sizeof forms[0], "%s%sUnfolded network (%s, encoder then decoder): W is the encoder's W_hh, W' the decoder's; each one matrix, shared by all its steps",
                 who, colon, cell);
        snprintf(forms[1], sizeof forms[1], "%s%sUnfolded (%s): W, W' = encoder's, decoder's W_hh, each shared by all its steps", who, colon, cell);
        snprintf(forms[2], sizeof forms[2], "%s%s%s: W, W' each shared by all its steps", who, colon, cell);
    } else if (d->L > 1) {
        snprintf(forms[0], sizeof forms[0], "%s%sUnfolded network (%s, %d layers): each row's W is its layer's W_hh, shared by every step; h_t goes up a layer",
                 who, colon, cell, d->L);
        snprintf(forms[1], sizeof forms[1], "%s%sUnfolded (%s, %d layers): each row's W is that layer's W_hh (click a row to show it)", who, colon, cell, d->L);
        snprintf(forms[2], sizeof forms[2], "%s%s%s, %d layers: one W_hh a layer", who, colon, cell, d->L);
    } else {
        snprintf(forms[0], sizeof forms[0], "%s%sUnfolded network (%s): every W is the same W_hh, one matrix shared by every step",
                 who, colon, cell);
        snprintf(forms[1], sizeof forms[1], "%s%sUnfolded (%s): W = W_hh, one matrix shared by every step", who, colon, cell);
        snprintf(forms[2], sizeof forms[2], "%s%s%s: one W_hh, shared by every step", who, colon, cell);
    }
    snprintf(forms[3], sizeof forms[3], "%s%sone W_hh for all t", who, colon);
    snprintf(forms[4], sizeof forms[4], "%s%sW shared", who, colon);
    int max_w = r.w - 2 * L->pad, size = L->size;
    int f = 0;
    while (f < 3 && ui_text_width(ui, forms[f], size) > max_w)
        f++;
    if (ui_text_width(ui, forms[f], size) > max_w) { /* narrow: the short forms in small text */
        size = L->small;
        while (f < 4 && ui_text_width(ui, forms[f], size) > max_w)
            f++;
    }
    char fit[200];
    plot_fit_text(ui, fit, sizeof fit, forms[f], size, max_w);
    draw_text(ui->dl, r.x + L->pad, r.y + L->pad / 2 + (L->size - size) / 2, size, ui->theme->text, fit);
}

/* Lays out the rows and the columns inside r; returns 0 when r is too small to draw in. */
static int unfolded_layout(Ui *ui, Rect r, const RunView *rv, const ViewState *vs, UnfoldedLayout *L)
{
    int T = rv->T;
    L->size = ui_text_size(ui), L->small = ui_text_size_small(ui), L->pad = ui_px(ui, 6);
    int small = L->small, pad = L->pad;
    /* rows */
    int top = r.y + pad / 2 + L->size + pad / 2;
    L->t_y = r.y + r.h - pad / 2 - small;
    int A = L->t_y - ui_px(ui, 2) - top; /* the diagram's height */
    int min_A = 3 * small + ui_px(ui, 10);
    L->trunc_y = -1;
    if (truncation_shown(rv) && A - small - pad / 2 >= min_A) { /* else the tooltip says it */
        L->trunc_y = top;
        top += small + pad / 2;
        A -= small + pad / 2;
    }
    if (A < small + ui_px(ui, 20))
        return 0;
    /* the colour bar at the right, its decades as labels, one scale for every layer's band */
    int stack = rv->dims.L > 1 && rv->obs.layers_dh_norm ? rv->dims.L : 1;
    L->nl = stack;
    for (int i = 0; i < stack; i++)
        L->row_layer[i] = i;
    double lt = views_log_top(stack > 1 ? rv->obs.layers_dh_norm : rv->obs.dh_norm, stack * T);
    L->bar_top = vs->shared ? vs->band_top : isnan(lt) ? 0 : (int)ceil(lt - 1e-9); /* compare: one bar */
    char lo[16], hi[16];
    snprintf(hi, sizeof hi, "1e%d", L->bar_top);
    snprintf(lo, sizeof lo, "1e%d", L->bar_top - GRAD_DECADES);
    int lw = ui_text_width(ui, lo, small), hw = ui_text_width(ui, hi, small);
    lw = lw > hw ? lw : hw;
    int bar_w = ui_px(ui, 10);
    L->bar = (Rect){r.x + r.w - pad - lw - ui_px(ui, 3) - bar_w, 0, bar_w, 0};
    /* the row labels at the left */
    static const char *const LABELS[] = {"y_t", "h_t", "c_t", "x_t", "dL/dh", "t", "layer 3"};
    int mw = 0;
    for (size_t i = 0; i < sizeof LABELS / sizeof LABELS[0] - (L->nl > 1 ? 0 : 1); i++) {
        int w = ui_text_width(ui, LABELS[i], small);
        mw = w > mw ? w : mw;
    }
    L->label_x = r.x + pad;
    float cx0 = (float)(L->label_x + mw + pad), cx1 = (float)(L->bar.x - 2 * pad);
    float W = cx1 - cx0;
    /* columns: a box, and a gap wide enough for the W label and the arrow's head */
    char tl[16];
    snprintf(tl, sizeof tl, "%d", T - 1);
    float gap_min = (float)ui_text_width(ui, "W'", small);
    gap_min = (gap_min > ui_px(ui, 17) ? gap_min : ui_px(ui, 17)) + ui_px(ui, 4); /* the label; the break and head */
    /* (a tall view, enlarged, shows fewer but bigger boxes rather than needles) */
    float box_min = fmaxf((float)ui_px(ui, 14), A * 0.36f / 8);
    float pitch_min = box_min + gap_min;
    float tw = (float)(ui_text_width(ui, tl, small) + ui_px(ui, 6));
    pitch_min = pitch_min > tw ? pitch_min : tw;
    int max_cols = W > 0 ? (int)(W / pitch_min) : 0;
    L->labels = 1;
    if (max_cols < (T < 4 ? T : 4)) { /* narrow (compare mode, presenter scale): no row labels */
        L->labels = 0;
        cx0 = (float)(r.x + pad);
        W = cx1 - cx0;
        max_cols = W > 0 ? (int)(W / pitch_min) : 0;
    }
    if (max_cols < 1)
        return 0;
    if (max_cols > UNF_MAX_COLS)
        max_cols = UNF_MAX_COLS;
    L->cols = T < max_cols ? T : max_cols;
    for (int c = 0; c < L->cols; c++)
        L->steps[c] = L->cols > 1 ? (int)lround((double)c * (T - 1) / (L->cols - 1)) : T - 1;
    float pitch = W / L->cols;
    float box_cap = A * 0.36f * 1.6f > box_min ? A * 0.36f * 1.6f : box_min;
    float gap = pitch * 0.42f < gap_min ? gap_min : pitch * 0.42f;
    float box_w = pitch - gap;
    if (box_w > box_cap) { /* few steps: boxes no wider than tall-ish, the chain centred */
        float gap_cap = box_cap * 1.3f > gap_min ? box_cap * 1.3f : gap_min;
        box_w = box_cap;
        gap = pitch - box_w < gap_cap ? pitch - box_w : gap_cap;
    }
    L->box_w = box_w, L->pitch = box_w + gap;
    float total = L->cols * L->pitch - gap;
    L->x0 = cx0 + (W - total) / 2;
    /* rows: shares of the height, but no box taller than a few times its width (an enlarged
     * view draws them bigger, not only longer); what is left centres the diagram */
    float bw = L->box_w;
    /* a stack too tall for the view draws its shown layer's row alone */
    int nl = L->nl;
    if (nl > 1 && A * 0.58f / nl < ui_px(ui, 18)) {
        nl = L->nl = 1;
        L->row_layer[0] = views_layer(rv, vs);
    }
    /* a stack shares the rows' 58% among its layers: a box, its band, and the gap the
     * arrow up to the next layer crosses */
    float share = A * 0.58f / nl;
    L->y_h = (int)fminf(A * 0.14f, bw * 2.5f), L->x_h = (int)fminf(A * 0.16f, bw * 2.5f);
    L->h_h = (int)fminf(nl > 1 ? share * 0.56f : A * 0.36f, bw * 6.0f);
    L->b_h = (int)fminf(nl > 1 ? share * 0.3f : A * 0.22f, L->h_h * 1.2f);
    int vgap = nl > 1 ? (int)fmaxf(share * 0.14f, (float)ui_px(ui, 4)) : 0;
    int arrow = (int)fminf(A * 0.12f, L->h_h * 0.8f); /* the arrow into y_t */
    int used = L->y_h + arrow + nl * (L->h_h + 2 * ui_px(ui, 1) + L->b_h) + (nl - 1) * vgap + L->x_h;
    if (used > A && nl > 1) { /* the boxes give up what the gaps' minimum took */
        int cut = (used - A + nl - 1) / nl;
        L->h_h -= cut, used -= cut * nl;
    }
    L->y_y = top + (A - used) / 2;
    int y = L->y_y + L->y_h + arrow;
    for (int i = nl - 1; i >= 0; i--) { /* the top row first */
        L->box_y[i] = y;
        L->band_y[i] = y + L->h_h + ui_px(ui, 1);
        y = L->band_y[i] + L->b_h + ui_px(ui, 1) + (i > 0 ? vgap : 0);
    }
    L->h_y = L->box_y[nl - 1];
    L->b_y = L->band_y[0];
    L->x_y = L->b_y + L->b_h + ui_px(ui, 1);
    L->t_y = L->x_y + L->x_h + ui_px(ui, 2);
    L->c_h = rv->dims.cell->has_cell_state ? L->h_h * 2 / 5 : 0;
    L->bar.y = L->h_y, L->bar.h = L->x_y + L->x_h - L->h_y;
    if (L->bar.h < 2 * small + ui_px(ui, 4))
        L->bar.y = L->y_y, L->bar.h = L->x_y + L->x_h - L->y_y;
    return 1;
}

/* The row labels, each at the middle of its row where it fits there, else at the row's edge
 * next to the boxes; in a short view a label that would touch one already drawn is left out
 * (in this order: h_t, x_t, the band, y_t). */
static void unfolded_row_labels(Ui *ui, const UnfoldedLayout *L, int stack, int shown)
{
    Color col = ui->theme->text_dim;
    int s = L->small;
    if (stack > 1) { /* a stack: each row its layer, the shown one in the accent colour */
        int placed_y = -1000;
        for (int i = L->nl - 1; i >= 0; i--) {
            char lab[24];
            int l = L->row_layer[i];
            snprintf(lab, sizeof lab, "layer %d", l);
            int y = L->box_y[i] + (L->h_h + L->b_h - s) / 2;
            if (y < placed_y + s)
                continue;
            placed_y = y;
            draw_text(ui->dl, L->label_x, y, s, l == shown ? ui->theme->accent : col, lab);
        }
        if (L->x_h >= s)
            draw_text(ui->dl, L->label_x, L->x_y + L->x_h - s, s, col, "x_t");
        if (L->y_h >= s)
            draw_text(ui->dl, L->label_x, L->y_y, s, col, "y_t");
        draw_text(ui->dl, L->label_x, L->t_y, s, col, "t");
        return;
    }
    int split = L->c_h && L->c_h >= s && L->h_h - L->c_h >= s;
    struct { const char *text; int y, h, align; } rows[] = { /* align: -1 top, 0 middle, 1 bottom */
        {split ? "h_t" : L->c_h ? "h,c" : "h_t", split ? L->h_y + L->c_h : L->h_y, split ? L->h_h - L->c_h : L->h_h, 0},
        {split ? "c_t" : NULL, L->h_y, L->c_h, 0},
        {"x_t", L->x_y, L->x_h, 1},
        {"dL/dh", L->b_y, L->b_h, 0},
        {"y_t", L->y_y, L->y_h, -1},
    };
    int n = (int)(sizeof rows / sizeof rows[0]), placed[8], m = 0;
    for (int i = 0; i < n; i++) {
        if (!rows[i].text)
            continue;
        int y = rows[i].y + (rows[i].h - s) / 2;
        if (rows[i].h < s)
            y = rows[i].align < 0 ? rows[i].y : rows[i].align > 0 ? rows[i].y + rows[i].h - s : y;
        int clash = 0;
        for (int k = 0; k < m; k++)
            clash |= y < placed[k] + s && placed[k] < y + s;
        if (clash || y + s > L->t_y)
            continue;
        placed[m++] = y;
        draw_text(ui->dl, L->label_x, y, s, col, rows[i].text);
    }
    draw_text(ui->dl, L->label_x, L->t_y, s, col, "t");
}

/* n values as a grid of coloured cells filling r, as near square as r allows. */
static void unfolded_strip(Ui *ui, Rect r, const double *v, int n, int stride, double scale, int use_tanh)
{
    if (r.w < 1 || r.h < 1 || n < 1)
        return;
    int gc = (int)ceil(sqrt((double)n * r.w / r.h));
    gc = gc < 1 ? 1 : gc > n ? n : gc;
    int gr = (n + gc - 1) / gc;
    uint8_t *px = draw_image(ui->dl, r, gc, gr, NULL);
    Color bg = ui->theme->plot_bg;
    for (int i = 0; i < gc * gr; i++) {
        Color c = bg;
        if (i < n) {
            double x = v[(size_t)i * stride] * scale;
            c = colormap_signed(use_tanh ? tanh(x) : x);
        }
        px[4 * i] = c.r, px[4 * i + 1] = c.g, px[4 * i + 2] = c.b, px[4 * i + 3] = 255;
    }
}

/* An arrow head at (x, y) pointing along (dx, dy) (a unit vector). */
static void unfolded_head(Ui *ui, float x, float y, float dx, float dy, float len, Color c, float th)
{
    float px = -dy, py = dx;
    draw_line(ui->dl, x, y, x - dx * len + px * len * 0.6f, y - dy * len + py * len * 0.6f, c, th);
    draw_line(ui->dl, x, y, x - dx * len - px * len * 0.6f, y - dy * len - py * len * 0.6f, c, th);
}

/* The hot symbol of a one-hot row. */
static int unfolded_hot(const double *x, int I)
{
    int hot = 0;
    for (int i = 1; i < I; i++)
        if (x[i] > x[hot])
            hot = i;
    return hot;
}

/* Row i's box of column c: c_t on top (gated cells), h_t below. */
static void unfolded_box(Ui *ui, const RunView *rv, const UnfoldedLayout *L, int c, int i)
{
    const Theme *t = ui->theme;
    Observables o = rv->obs.layers_dh_norm ? observables_layer(&rv->obs, &rv->dims, rv->T, L->row_layer[i]) : rv->obs;
    int s = L->steps[c], H = rv->dims.H, y0 = L->box_y[i];
    float bx = box_left(L, c);
    int ibx = (int)bx, ibw = (int)L->box_w, in = ui_px(ui, 2);
    Rect box = {ibx, y0, ibw, L->h_h};
    draw_rect(ui->dl, box, t->plot_bg);
    int hy = y0 + in, hh = L->h_h - 2 * in;
    if (L->c_h) {
        unfolded_strip(ui, (Rect){ibx + in, y0 + in, ibw - 2 * in, L->c_h - in - 1}, o.c + (size_t)s * H, H, 1, 1, 1);
        draw_line(ui->dl, bx, (float)(y0 + L->c_h), bx + L->box_w - 1, (float)(y0 + L->c_h), t->text_dim, 1);
        hy = y0 + L->c_h + 1 + ui_px(ui, 1), hh = L->h_h - L->c_h - 1 - ui_px(ui, 1) - in;
    }
    unfolded_strip(ui, (Rect){ibx + in, hy, ibw - 2 * in, hh}, o.h + (size_t)s * H, H, 1, 1, 0);
    draw_frame(ui->dl, box, t->text, (float)ui_px(ui, 1));
}

/* Variable lengths: whether step s is padding for the first sample (the one drawn). */
static int unfolded_padding(const RunView *rv, int s)
{
    if (rv->cfg.min_len <= 0 || rv->cfg.unpacked)
        return 0;
    return s < rv->T_enc ? s >= rv->obs.len0 : s - rv->T_enc >= rv->obs.len0_d;
}

/* An arrow up at x from y_from to y_to, over whatever band lies between (a halo keeps it
 * readable on any colour). */
static void unfolded_up(Ui *ui, float x, float y_from, float y_to, float th)
{
    const Theme *t = ui->theme;
    draw_line(ui->dl, x, y_from, x, y_to, t->plot_bg, th + 2 * ui_px(ui, 1));
    draw_line(ui->dl, x, y_from, x, y_to, t->text_dim, th);
    unfolded_head(ui, x, y_to, 0, -1, (float)ui_px(ui, 5), t->text_dim, th);
}

/* Column c: x_t, the box with h_t (and c_t) of each layer, y_t where the head reads, and
 * the arrows x_t -> h_t (-> h_t of the layer above ...) -> y_t. */
static void unfolded_column(Ui *ui, const RunView *rv, const UnfoldedLayout *L, int c)
{
    const Theme *t = ui->theme;
    const Observables *o = &rv->obs;
    const ModelDims *d = &rv->dims;
    int s = L->steps[c], I = d->I, small = L->small;
    float bx = box_left(L, c), cx = bx + L->box_w / 2;
    int ibx = (int)bx, ibw = (int)L->box_w;
    int in = ui_px(ui, 2); /* the frames' inset */
    float th = (float)ui_px(ui, 1.5f);
    /* x_t: its symbol where it is one, else its values */
    Rect xr = {ibx, L->x_y, ibw, L->x_h};
    if (unfolded_padding(rv, s)) { /* the first sample's padding: zeros, no symbol */
        draw_rect(ui->dl, xr, t->grid);
    } else if (s < rv->T_enc) {
        const double *x = o->x + (size_t)s * I;
        const char *sym = task_kind_info(rv->cfg.task)->input_is_one_hot ? runview_symbol(rv, unfolded_hot(x, I), 0) : NULL;
        int sw = sym ? ui_text_width(ui, sym, small) : 0;
        if (sym && L->x_h >= small + ui_px(ui, 2) && sw <= ibw - 2 * in) {
            draw_rect(ui->dl, xr, t->panel);
            draw_text(ui->dl, ibx + (ibw - sw) / 2, L->x_y + (L->x_h - small) / 2, small, t->text, sym);
        } else {
            unfolded_strip(ui, (Rect){ibx + in, L->x_y + in, ibw - 2 * in, L->x_h - 2 * in}, x, I, 1, 1, 0);
        }
    } else { /* the decoder's input: what it was fed (not kept in the RunView) */
        draw_rect(ui->dl, xr, t->grid);
    }
    draw_frame(ui->dl, xr, t->text_dim, 1);
    /* x_t -> h_t of layer 0, each layer's h_t -> the one above, over the bands */
    unfolded_up(ui, cx, (float)L->x_y - 1, (float)(L->box_y[0] + L->h_h + 1), th);
    for (int i = 1; i < L->nl; i++)
        unfolded_up(ui, cx, (float)L->box_y[i - 1] - 1, (float)(L->box_y[i] + L->h_h + 1), th);
    for (int i = 0; i < L->nl; i++)
        unfolded_box(ui, rv, L, c, i);
    /* y_t where the head reads this step */
    int row;
    if (unfolded_reads(rv, s, &row)) {
        const double *y = o->out + (size_t)row * d->O;
        double m = 0;
        for (int q = 0; q < d->O; q++)
            m = fabs(y[q]) > m ? fabs(y[q]) : m;
        double scale = d->loss == LOSS_XENT && m > 0 ? 1 / m : 1;
        Rect yr = {ibx, L->y_y, ibw, L->y_h};
        unfolded_strip(ui, (Rect){ibx + in, L->y_y + in, ibw - 2 * in, L->y_h - 2 * in}, y, d->O, 1, scale, 0);
        draw_frame(ui->dl, yr, t->text_dim, 1);
        draw_line(ui->dl, cx, (float)(L->h_y - 1), cx, (float)(L->y_y + L->y_h + 1), t->text_dim, th);
        unfolded_head(ui, cx, (float)(L->y_y + L->y_h + 1), 0, -1, (float)ui_px(ui, 5), t->text_dim, th);
    }
    /* the step, under x_t */
    char lab[16];
    snprintf(lab, sizeof lab, "%d", s);
    draw_text(ui->dl, (int)(cx - ui_text_width(ui, lab, small) / 2.0f), L->t_y, small, t->text_dim, lab);
}

/* The recurrent arrow h_{t-1} -> h_t into column c, labelled W (W' in the decoder); a break
 * mark on it where steps between the two columns are not shown. */
static void unfolded_recurrent(Ui *ui, const RunView *rv, const UnfoldedLayout *L, int c, int i)
{
    const Theme *t = ui->theme;
    int decoder = rv->dims.shape == SHAPE_SEQ2SEQ && L->steps[c] >= rv->T_enc;
    Color wc = unfolded_w_color(t, decoder);
    float xa = box_left(L, c - 1) + L->box_w + 1, xb = box_left(L, c) - 1;
    float y = L->box_y[i] + L->h_h / 2.0f, th = (float)ui_px(ui, 2);
    float head = (float)ui_px(ui, 6);
    if (L->steps[c] - L->steps[c - 1] > 1) {
        /* the break: the line cut between two slanted strokes, as on a broken axis */
        float m = (xa + xb - head) / 2, g = (float)ui_px(ui, 3), e = (float)ui_px(ui, 5);
        draw_line(ui->dl, xa, y, m - g, y, wc, th);
        draw_line(ui->dl, m + g, y, xb, y, wc, th);
        draw_line(ui->dl, m - g - e / 2, y + e, m - g + e / 2, y - e, t->text, (float)ui_px(ui, 1.5f));
        draw_line(ui->dl, m + g - e / 2, y + e, m + g + e / 2, y - e, t->text, (float)ui_px(ui, 1.5f));
    } else {
        draw_line(ui->dl, xa, y, xb, y, wc, th);
    }
    unfolded_head(ui, xb, y, 1, 0, head, wc, th);
    if (i < L->nl - 1) /* a stack labels its top row only: the rows below sit close */
        return;
    const char *w = decoder ? "W'" : "W";
    int lw = ui_text_width(ui, w, L->small);
    int ly = (int)y - ui_px(ui, 3) - L->small, ceiling = L->y_y;
    draw_text(ui->dl, (int)((xa + xb - lw) / 2), ly < ceiling ? ceiling : ly, L->small, wc, w);
}

/* ||dL/dh_t|| as one band under the recurrent arrows: at each shown step its colour is the
 * step's place on the log scale and its width grows with it, in between interpolated, so a
 * vanishing gradient is a band that thins and darkens from right to left. */
static void unfolded_band(Ui *ui, const RunView *rv, const UnfoldedLayout *L, int i)
{
    int n = L->cols;
    double top = L->bar_top;
    const double *g = rv->obs.layers_dh_norm ? rv->obs.layers_dh_norm + (size_t)L->row_layer[i] * rv->T : rv->obs.dh_norm;
    float xa = box_left(L, 0), xb = box_left(L, n - 1) + L->box_w;
    float slice = (float)(ui_px(ui, 2) > 1 ? ui_px(ui, 2) : 1);
    float mid = L->band_y[i] + L->b_h / 2.0f, full = (float)(L->b_h - 2);
    int c = 0;
    for (float x = xa; x < xb; x += slice) {
        float centre = x + slice / 2;
        while (c + 1 < n && box_left(L, c + 1) + L->box_w / 2 <= centre)
            c++;
        float ca = box_left(L, c) + L->box_w / 2;
        double la = views_grad_level(g[L->steps[c]], top), lv = la;
        if (c + 1 < n && centre > ca) {
            double lb = views_grad_level(g[L->steps[c + 1]], top);
            double u = (centre - ca) / L->pitch;
            lv = la + (lb - la) * (u > 1 ? 1 : u);
        }
        /* the square makes a faded gradient plainly thin; the colour keeps the log scale */
        int h = (int)lroundf(full * (0.1f + 0.9f * (float)(lv * lv)));
        h = h < 1 ? 1 : h;
        float w = x + slice > xb ? xb - x : slice;
        draw_rect(ui->dl, (Rect){(int)x, (int)lroundf(mid - h / 2.0f), (int)ceilf(w), h}, colormap_magnitude(lv));
    }
}

/* The band's colour bar: the bright end is the largest norm's decade, 12 decades below it
 * the dark end. */
static void unfolded_colour_bar(Ui *ui, const UnfoldedLayout *L)
{
    const Theme *t = ui->theme;
    Rect b = L->bar;
    enum { N = 64 };
    uint8_t *px = draw_image(ui->dl, b, 1, N, NULL);
    for (int i = 0; i < N; i++) {
        Color c = colormap_magnitude(1 - (double)i / (N - 1));
        px[4 * i] = c.r, px[4 * i + 1] = c.g, px[4 * i + 2] = c.b, px[4 * i + 3] = 255;
    }
    draw_frame(ui->dl, b, t->text_dim, 1);
    char hi[16], lo[16];
    snprintf(hi, sizeof hi, "1e%d", L->bar_top);
    snprintf(lo, sizeof lo, "1e%d", L->bar_top - GRAD_DECADES);
    int x = b.x + b.w + ui_px(ui, 3);
    draw_text(ui->dl, x, b.y, L->small, t->text_dim, hi);
    draw_text(ui->dl, x, b.y + b.h - L->small, L->small, t->text_dim, lo);
}

/* The truncation window: how far back the loss term at the hovered (or last) step may send
 * its gradient; the columns outside it are veiled. */
static void unfolded_truncation(Ui *ui, Rect r, const RunView *rv, const ViewState *vs, const UnfoldedLayout *L)
{
    const Theme *t = ui->theme;
    if (!truncation_shown(rv))
        return;
    if (rv->cfg.truncate_mode == TRUNCATE_CHUNK) {
        unfolded_chunks(ui, r, rv, L);
        return;
    }
    int T = rv->T, K = rv->cfg.truncate;
    int end = rv->obs.n_out > 1 && vs->hover_t >= 0 ? vs->hover_t : T - 1; /* the loss term shown */
    int first = truncation_first(rv, end);
    int ca = 0, cb = L->cols - 1;
    while (ca < L->cols - 1 && L->steps[ca] < first)
        ca++;
    while (cb > 0 && L->steps[cb] > end)
        cb--;
    float gap = L->pitch - L->box_w;
    int y0 = L->h_y - 2, h = L->b_y + L->b_h + 2 - y0;
    float xa = box_left(L, ca) - gap / 2, xb = box_left(L, cb) + L->box_w + gap / 2;
    Color veil = t->plot_bg;
    veil.a = 170;
    float left = box_left(L, 0) - gap / 2, right = box_left(L, L->cols - 1) + L->box_w + gap / 2;
    if (xa > left)
        draw_rect(ui->dl, (Rect){(int)left, y0, (int)(xa - left), h}, veil);
    if (xb < right)
        draw_rect(ui->dl, (Rect){(int)xb, y0, (int)(right - xb), h}, veil);
    draw_frame(ui->dl, (Rect){(int)xa, y0, (int)(xb - xa), h}, t->clip, (float)ui_px(ui, 2));
    char lab[240], fit[240];
    snprintf(lab, sizeof lab,
             "truncate=%d: the loss at t=%d sends its gradient back to t=%d only" UI_OR
             "truncate=%d: the loss at t=%d reaches back to t=%d" UI_OR "truncate=%d: t=%d back to t=%d",
             K, end, first, K, end, first, K, end, first);
    if (L->trunc_y < 0)
        return;
    ui_fit_title(ui, fit, sizeof fit, lab, L->small, r.w - 2 * L->pad);
    draw_text(ui->dl, r.x + L->pad, L->trunc_y, L->small, t->clip, fit);
}

/* Appends v (n values, the first `max`) as "[a b c ...]". */
static int unfolded_vector(char *buf, size_t len, const double *v, int n, int stride, int max)
{
    int k = snprintf(buf, len, "[");
    for (int i = 0; i < n && i < max && (size_t)k < len; i++)
        k += snprintf(buf + k, len - (size_t)k, "%s%.2f", i ? " " : "", v[(size_t)i * stride]);
    if ((size_t)k < len)
        k += snprintf(buf + k, len - (size_t)k, "%s]", n > max ? " ..." : "");
    return k;
}

/* The tooltip for the hovered step s: x_t and the target in the same form (symbols for a
 * one-hot input, else vectors), h_t, the gradient norms and the mean gates. */
static void unfolded_tooltip(Ui *ui, const RunView *rv, int s, int layer)
{
    Observables lo = observables_layer(&rv->obs, &rv->dims, rv->T, layer);
    const Observables *o = rv->obs.layers_dh_norm ? &lo : &rv->obs;
    const ModelDims *d = &rv->dims;
    int H = d->H, I = d->I, O = d->O, row;
    int symbols = task_kind_info(rv->cfg.task)->input_is_one_hot;
    char info[448], v[96];
    size_t len = sizeof info;
    int n = snprintf(info, len, "t=%d", s);
    if (d->L > 1)
        n += snprintf(info + n, len - (size_t)n, " layer %d", layer);
    if (s < rv->T_enc) {
        if (symbols)
            n += snprintf(info + n, len - (size_t)n, "  x=%s", runview_symbol(rv, unfolded_hot(o->x + (size_t)s * I, I), 0));
        else {
            unfolded_vector(v, sizeof v, o->x + (size_t)s * I, I, 1, 6);
            n += snprintf(info + n, len - (size_t)n, "  x=%s", v);
        }
    } else {
        n += snprintf(info + n, len - (size_t)n, "  x=the previous output (decoder)");
    }
    if (unfolded_reads(rv, s, &row)) {
        if (rv->label && symbols) {
            n += snprintf(info + n, len - (size_t)n, "  target=%s", runview_symbol(rv, (int)rv->label[row], 1));
        } else if (rv->label) { /* a class, as the one-hot vector it stands for */
            double hot[8] = {0};
            if (rv->label[row] >= 0 && rv->label[row] < 8)
                hot[rv->label[row]] = 1;
            unfolded_vector(v, sizeof v, hot, O < 8 ? O : 8, 1, 6);
            n += snprintf(info + n, len - (size_t)n, "  target=%s", v);
        } else {
            unfolded_vector(v, sizeof v, rv->target + (size_t)row * O, O, 1, 4);
            n += snprintf(info + n, len - (size_t)n, "  target=%s", v);
        }
    }
    unfolded_vector(v, sizeof v, o->h + (size_t)s * H, H, 1, 4);
    n += snprintf(info + n, len - (size_t)n, "  h=%s  ||dL/dh_t||=%.3g", v, o->dh_norm[s]);
    if (d->L > 1 && (size_t)n < len) /* what reached h_t from the layer above (or the head) */
        n += snprintf(info + n, len - (size_t)n, " (%.3g from %s)", o->dh_direct_norm[s],
                      layer == d->L - 1 ? "the head" : "above");
    if (d->cell->has_cell_state && (size_t)n < len)
        n += snprintf(info + n, len - (size_t)n, "  ||dL/dc_t||=%.3g", o->dc_norm[s]);
    if (d->cell->gates > 1 && (size_t)n + 40 < len) {
        n += snprintf(info + n, len - (size_t)n, "  mean gates:");
        for (int g = 0; g < d->G && (size_t)n + 12 < len; g++) {
            double m = 0;
            for (int j = 0; j < H; j++)
                m += o->gate[(size_t)s * d->G * H + (size_t)g * H + j] / H;
            n += snprintf(info + n, len - (size_t)n, " %s=%.2f", d->cell->gate_names[g], m);
        }
    }
    if (rv->cfg.min_len > 0 && (size_t)n + 60 < len) { /* variable lengths */
        int dec = s >= rv->T_enc, own = dec ? o->len0_d : o->len0;
        n += snprintf(info + n, len - (size_t)n, "  %g of %d sequences have this step; the first is %d long%s", o->n_t[s],
                      rv->cfg.batch, own, unfolded_padding(rv, s) ? " (this is its padding)" : "");
    }
    if (truncation_shown(rv) && (size_t)n + 40 < len) {
        int K = rv->cfg.truncate, end = o->n_out > 1 ? s : rv->T - 1;
        n += snprintf(info + n, len - (size_t)n, "  truncate=%d%s: the loss at t=%d reaches back to t=%d", K,
                      rv->cfg.truncate_mode == TRUNCATE_CHUNK ? " (chunks)" : "", end, truncation_first(rv, end));
    }
    ui_set_tooltip(ui, info);
}

void view_unfolded(Ui *ui, Rect r, const RunView *rv, ViewState *vs, ViewScratch *scratch)
{
    (void)scratch;
    const Theme *t = ui->theme;
    draw_rect(ui->dl, r, t->plot_bg);
    draw_frame(ui->dl, r, t->border, 1);
    ui_push_clip(ui, r);
    UnfoldedLayout L;
    int ok = unfolded_layout(ui, r, rv, vs, &L);
    unfolded_title(ui, r, rv, vs, &L);
    vs->hover_t = -1;
    if (!ok) {
        ui_pop_clip(ui);
        return;
    }
    /* the column under the mouse */
    float gap = L.pitch - L.box_w;
    int mx = ui->in.mouse_x, my = ui->in.mouse_y;
    if (my >= L.y_y && my < L.t_y + L.small && mx >= box_left(&L, 0) - gap / 2 &&
        mx < box_left(&L, L.cols - 1) + L.box_w + gap / 2 && rect_contains(r, mx, my)) {
        int c = (int)floorf((mx - (box_left(&L, 0) - gap / 2)) / L.pitch);
        c = c < 0 ? 0 : c >= L.cols ? L.cols - 1 : c;
        vs->hover_t = L.steps[c];
        draw_rect(ui->dl, (Rect){(int)(box_left(&L, c) - gap / 2), L.y_y - 2, (int)L.pitch, L.t_y + L.small + 2 - L.y_y},
                  t->grid);
    }
    /* a stack: the layer whose row (its boxes and band) is under the mouse; a click on a
     * row shows that layer in the other views */
    int stack = rv->dims.L > 1 ? rv->dims.L : 1, shown = views_layer(rv, vs), hover_l = shown;
    for (int i = 0; i < L.nl && L.nl > 1; i++) {
        Rect row = {r.x, L.box_y[i], r.w, L.band_y[i] + L.b_h - L.box_y[i]};
        char id[32];
        snprintf(id, sizeof id, "unfolded-layer-%d", i);
        if (rect_contains(row, mx, my))
            hover_l = L.row_layer[i];
        if (ui_interact(ui, ui_id(ui, id), row) & UI_CLICKED)
            vs->layer_down = stack - 1 - L.row_layer[i], shown = L.row_layer[i];
    }
    for (int i = 0; i < L.nl && stack > 1; i++) /* the shown layer's row, marked at its left */
        if (L.row_layer[i] == shown) {
            int w = ui_px(ui, 3) > 2 ? ui_px(ui, 3) : 2;
            draw_rect(ui->dl, (Rect){r.x + ui_px(ui, 1), L.box_y[i], w, L.band_y[i] + L.b_h - L.box_y[i]}, t->accent);
        }
    if (L.labels)
        unfolded_row_labels(ui, &L, stack, shown);
    for (int i = 0; i < L.nl; i++)
        unfolded_band(ui, rv, &L, i);
    for (int c = 0; c < L.cols; c++)
        unfolded_column(ui, rv, &L, c);
    for (int i = 0; i < L.nl; i++)
        for (int c = 1; c < L.cols; c++)
            unfolded_recurrent(ui, rv, &L, c, i);
    /* the first sample's padding, greyed: its steps past its own end */
    Color veil = t->plot_bg;
    veil.a = 200;
    for (int c = 0; c < L.cols; c++)
        if (unfolded_padding(rv, L.steps[c]))
            draw_rect(ui->dl, (Rect){(int)(box_left(&L, c) - gap / 2), L.y_y - 1, (int)ceilf(L.pitch), L.x_y + L.x_h + 1 - (L.y_y - 1)},
                      veil);
    /* the encoder-decoder boundary */
    for (int c = 1; c < L.cols && rv->dims.shape == SHAPE_SEQ2SEQ; c++)
        if (L.steps[c - 1] < rv->T_enc && L.steps[c] >= rv->T_enc) {
            int x = (int)(box_left(&L, c) - gap / 2);
            draw_rect(ui->dl, (Rect){x, L.y_y, ui_px(ui, 1) > 1 ? ui_px(ui, 1) : 1, L.h_y - L.y_y - 1}, t->series[3]);
            draw_rect(ui->dl, (Rect){x, L.b_y, ui_px(ui, 1) > 1 ? ui_px(ui, 1) : 1, L.x_y + L.x_h - L.b_y}, t->series[3]);
        }
    unfolded_colour_bar(ui, &L);
    unfolded_truncation(ui, r, rv, vs, &L);
    ui_pop_clip(ui);

    if (vs->hover_t >= 0)
        unfolded_tooltip(ui, rv, vs->hover_t, hover_l);
}
