/* views.c: the table of views and what they share: the message a view shows when it has
 * nothing to draw, the gradient colour scale, and compare mode's shared axes. */
#include "views.h"

#include "../ui/plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int has_gates(const RunView *rv) { return rv->dims.cell->gates > 1; }

const ViewSpec VIEWS[VIEW_COUNT] = {
    [VIEW_UNFOLDED] = {.name = "unfolded", .title = "unfolded network", .key = '1', .draw = view_unfolded,
                       .layout_rank = 0, .top = 1,
                       .help = "the network unrolled: a box per step, one shared W_hh, ||dL/dh_t|| as a band under the arrows"},
    [VIEW_HIDDEN] = {.name = "hidden", .title = "hidden states", .key = '2', .draw = view_hidden, .layout_rank = 2,
                     .help = "each hidden unit over t, and the path of h_t on its principal axes"},
    [VIEW_GRADIENT] = {.name = "gradient", .title = "gradient per step", .key = '3', .draw = view_gradient,
                       .layout_rank = 1, .help = "||dL/dh_t|| against t (log), and its waterfall over steps"},
    [VIEW_LOSS] = {.name = "loss", .title = "loss", .key = '4', .draw = view_loss, .layout_rank = 3,
                   .help = "loss and metric over the steps, the memoryless baseline, clipping events"},
    [VIEW_GATES] = {.name = "gates", .title = "gates", .key = '5', .draw = view_gates, .layout_rank = 4,
                    .has_content = has_gates, .help = "each gate's activations, units x t (LSTM, GRU)"},
    [VIEW_SPECTRUM] = {.name = "spectrum", .title = "spectrum of W_hh", .key = '6', .draw = view_spectrum,
                       .layout_rank = 5, .needs_spectrum = 1,
                       .help = "singular values and eigenvalues of each gate block of W_hh"},
    [VIEW_TERMS] = {.name = "terms", .title = "gradient by loss term", .key = '7', .draw = view_terms,
                    .layout_rank = 6, .needs_terms = 1,
                    .help = "||dL_s/dh_t|| for every loss term s and step t, and ||dy_s/dx_t||: which terms vanish"},
};

int view_count(void) { return VIEW_COUNT; }

int view_find(const char *name)
{
    for (int v = 0; v < VIEW_COUNT; v++)
        if (name && !strcmp(name, VIEWS[v].name))
            return v;
    return -1;
}

const char *view_names_list(char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int v = 0; v < VIEW_COUNT && n < len; v++)
        n += (size_t)snprintf(buf + n, len - n, "%s%s", v ? ", " : "", VIEWS[v].name);
    return buf;
}

ViewScratch *view_scratch_create(void) { return malloc(sizeof(ViewScratch)); }

void view_scratch_destroy(ViewScratch *s) { free(s); }

void views_message(Ui *ui, Rect r, const char *title, const char *text)
{
    const Theme *t = ui->theme;
    draw_rect(ui->dl, r, t->plot_bg);
    draw_frame(ui->dl, r, t->border, 1);
    int size = ui_text_size(ui), small = ui_text_size_small(ui), pad = ui_px(ui, 6);
    char fitted[256];
    ui_fit_title(ui, fitted, sizeof fitted, title, size, r.w - 2 * pad);
    draw_text(ui->dl, r.x + pad, r.y + pad / 2, size, t->text, fitted);
    /* the message wrapped in the middle of what is left, as many lines as fit */
    int top = r.y + pad / 2 + size + pad / 2, room = r.y + r.h - pad / 2 - top;
    int line = small + small / 4, lines = room / line;
    if (lines < 1)
        return;
    Rect tr = {r.x + pad, top + (room - (lines < 3 ? lines : 3) * line) / 2, r.w - 2 * pad, room};
    ui_text_wrapped_max(ui, tr, text, small, t->text_dim, lines < 3 ? lines : 3);
}

/* log10 of the largest finite positive value, or NAN. */
double views_log_top(const double *v, int n)
{
    double top = -INFINITY;
    for (int i = 0; i < n; i++)
        if (isfinite(v[i]) && v[i] > 0 && log10(v[i]) > top)
            top = log10(v[i]);
    return isfinite(top) ? top : NAN;
}

/* 0..1 position of g on the gradient scale [top - GRAD_DECADES, top]; 0 for zero. */
double views_grad_level(double g, double top)
{
    if (!(g > 0) || isnan(top))
        return 0;
    if (!isfinite(g))
        return 1;
    double u = (log10(g) - (top - GRAD_DECADES)) / GRAD_DECADES;
    return u < 0 ? 0 : u > 1 ? 1 : u;
}

int views_layer(const RunView *rv, const ViewState *vs)
{
    int L = rv->dims.L > 0 ? rv->dims.L : 1;
    return vs && vs->layer_down > 0 && vs->layer_down < L ? L - 1 - vs->layer_down : L - 1;
}

Observables views_obs(const RunView *rv, const ViewState *vs)
{
    if (!rv->obs.layers_dh_norm)
        return rv->obs;
    return observables_layer(&rv->obs, &rv->dims, rv->T, views_layer(rv, vs));
}

int views_waterfall_scale(const RunView *rv, int layer, int rows, double *top_out, double *decades_out)
{
    const History *h = &rv->hist;
    rows = rows < h->count ? rows : h->count;
    double top = -INFINITY, bot = INFINITY;
    for (int i = h->count - rows; i < h->count; i++) {
        const double *row = history_dh_norm(h, history_index(h, i), layer);
        for (int s = 0; s < rv->T && s < h->T; s++)
            if (isfinite(row[s]) && row[s] > 0) {
                double l = log10(row[s]);
                top = l > top ? l : top;
                bot = l < bot ? l : bot;
            }
    }
    int ok = isfinite(top);
    if (!ok)
        top = 0, bot = -GRAD_DECADES;
    top = ceil(top);
    /* from the largest value down GRAD_DECADES decades, or further when the rows span more
     * (an explosion next to ordinary steps) */
    double decades = top - floor(bot);
    decades = decades < GRAD_DECADES ? GRAD_DECADES : decades > 320 ? 320 : decades;
    *top_out = top, *decades_out = decades;
    return ok;
}

/* The colour bar's label dcd decades below topv ("1e3"). */
int views_decade_label(char *buf, size_t len, double topv, int dcd)
{
    return snprintf(buf, len, "1e%d", (int)topv - dcd);
}

/* A log colour bar right of img (the waterfall's, the terms view's), labelled in decades from topv down: the labels
 * centred on their decade but kept between lo and hi (the title above, the frame below),
 * and a label that would touch the one above it left out. */
void views_decade_bar(Ui *ui, Rect img, int pad, double topv, double decades, int lo, int hi)
{
    int small = ui_text_size_small(ui);
    Rect bar = {img.x + img.w + pad, img.y, ui_px(ui, 14), img.h};
    uint8_t *bp = draw_image(ui->dl, bar, 1, 64, NULL);
    for (int i = 0; i < 64; i++) {
        Color c = colormap_magnitude(1.0 - i / 63.0);
        bp[i * 4] = c.r, bp[i * 4 + 1] = c.g, bp[i * 4 + 2] = c.b, bp[i * 4 + 3] = 255;
    }
    /* as many labels as fit one above the other, a little apart */
    int room = bar.h / (small + ui_px(ui, 3));
    room = room < 1 ? 1 : room > 4 ? 4 : room;
    int tick = (int)ceil(decades / room);
    tick = tick < 1 ? 1 : tick;
    char buf[64];
    int prev_bottom = lo;
    for (int dcd = 0; dcd <= (int)decades; dcd += tick) {
        int y = bar.y + (int)((double)dcd / decades * (bar.h - 1)) - small / 2;
        y = y + small > hi ? hi - small : y;
        y = y < prev_bottom ? prev_bottom : y;
        if (y + small > hi)
            break;
        views_decade_label(buf, sizeof buf, topv, dcd);
        draw_text(ui->dl, bar.x + bar.w + ui_px(ui, 3), y, small, ui->theme->text_dim, buf);
        prev_bottom = y + small + ui_px(ui, 1);
    }
}

void views_shared_ranges(ViewState *vs, const RunView *a, const RunView *b)
{
    const RunView *runs[2] = {a, b};
    double wtop = -INFINITY, wbot = INFINITY, nlo = INFINITY, nhi = -INFINITY, btop = -INFINITY;
    double glo = INFINITY, ghi = -INFINITY, llo = INFINITY, lhi = -INFINITY, x0 = INFINITY, x1 = -INFINITY;
    for (int r = 0; r < 2; r++) {
        double lo, hi;
        /* the gradient plot and the band draw every layer of a stack: their ranges too */
        const Observables *o = &runs[r]->obs;
        int LT = runs[r]->T * (o->L > 0 ? o->L : 1);
        Observables shown = views_obs(runs[r], vs);
        if (plot_range(o->layers_dh_norm ? o->layers_dh_norm : o->dh_norm, LT, 1, &lo, &hi))
            glo = fmin(glo, lo), ghi = fmax(ghi, hi);
        if (runs[r]->dims.cell->has_cell_state && plot_range(shown.dc_norm, runs[r]->T, 1, &lo, &hi))
            glo = fmin(glo, lo), ghi = fmax(ghi, hi);
        double lt = views_log_top(o->layers_dh_norm ? o->layers_dh_norm : o->dh_norm, LT);
        if (!isnan(lt))
            btop = fmax(btop, lt);
        /* the waterfall's colour bar over both runs' whole histories: its top the higher
         * top, its bottom the lower bottom */
        double top, dec;
        if (views_waterfall_scale(runs[r], views_layer(runs[r], vs), runs[r]->hist.count, &top, &dec)) {
            wtop = fmax(wtop, top);
            wbot = fmin(wbot, top - dec);
        }
        const History *h = &runs[r]->hist;
        for (int i = 0; i < h->count; i++) {
            int k = history_index(h, i);
            if (isfinite(h->loss[k]) && (!vs->loss_log || h->loss[k] > 0))
                llo = fmin(llo, h->loss[k]), lhi = fmax(lhi, h->loss[k]);
            if (isfinite(h->grad_norm[k]) && h->grad_norm[k] > 0)
                nlo = fmin(nlo, h->grad_norm[k]), nhi = fmax(nhi, h->grad_norm[k]);
            x0 = fmin(x0, (double)h->step[k]);
            x1 = fmax(x1, (double)h->step[k]);
        }
        double base = runs[r]->baseline;
        if (isfinite(base))
            lhi = fmax(lhi, base * 1.08);
    }
    vs->shared = 1;
    vs->band_top = isfinite(btop) ? (int)ceil(btop - 1e-9) : 0;
    vs->grad_lo = isfinite(glo) ? glo : 1e-10;
    vs->grad_hi = isfinite(ghi) ? ghi : 1;
    if (isfinite(wtop)) {
        double dec = wtop - wbot;
        vs->grad_top = wtop, vs->grad_decades = dec < GRAD_DECADES ? GRAD_DECADES : dec > 320 ? 320 : dec;
    } else {
        vs->grad_top = 0, vs->grad_decades = GRAD_DECADES;
    }
    if (!(x1 > x0))
        x0 = 0, x1 = 1;
    vs->loss_x0 = x0, vs->loss_x1 = x1;
    if (!(nlo <= nhi))
        nlo = 1e-6, nhi = 1;
    vs->norm_lo = nlo / 1.5, vs->norm_hi = nhi * 1.5;
    if (!(llo <= lhi))
        llo = 0, lhi = 1;
    vs->loss_lo = vs->loss_log ? llo / 1.5 : fmin(0, llo);
    vs->loss_hi = vs->loss_log ? lhi * 1.5 : lhi * 1.05;
}


