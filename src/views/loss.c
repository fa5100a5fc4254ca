/* loss.c: the loss and the task's metric over the steps with the memoryless baseline (and
 * the task's second reference, where it has one), and the global gradient norm with its
 * clipping events below. */
#include "views.h"

#include "../ui/plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- 4. loss and metric ---- */
/* The metric, a 0..1 score, has its own axis on the right; the legend takes the corner
 * the curves leave free; a cursor marks the step the timeline points at. */

static void grad_norm_strip(Ui *ui, Rect r, const RunView *rv, const ViewState *vs, ViewScratch *scratch, double x0,
                            double x1);
static void grad_ratio_strip(Ui *ui, Rect r, const RunView *rv, const ViewState *vs, ViewScratch *scratch, double x0,
                             double x1);

/* out_i = the mean of the finite values among in_{i-win+1} .. in_i (NAN when none). */
static void running_mean(const double *in, double *out, int m, int win)
{
    double acc = 0;
    int cnt = 0;
    for (int i = 0; i < m; i++) {
        if (isfinite(in[i]))
            acc += in[i], cnt++;
        if (i >= win && isfinite(in[i - win]))
            acc -= in[i - win], cnt--;
        out[i] = cnt ? acc / cnt : NAN;
    }
}

/* The steps the plots show (at most VIEW_SCRATCH_N of them, evenly thinned) into xs, and
 * value v of each: this run's (K = 1), else the median of the K runs into ys and their
 * least and largest into lo, hi (either may be NULL). Returns the count. */
static int history_points(const History *h, int v, double *xs, double *ys, double *lo, double *hi)
{
    int n = h->count, step = n > VIEW_SCRATCH_N ? n / VIEW_SCRATCH_N + 1 : 1, m = 0;
    for (int i = 0; i < n; i += step, m++) {
        int k = history_index(h, i);
        xs[m] = (double)h->step[k];
        if (h->K > 1) {
            double a, b;
            history_seed_spread(h, k, v, &a, &ys[m], &b);
            if (lo)
                lo[m] = a, hi[m] = b;
        } else {
            ys[m] = v == SEED_LOSS     ? h->loss[k]
                    : v == SEED_METRIC ? h->metric[k]
                                       : grad_ratio_of(history_dh_norm(h, k, -1), h->T);
        }
    }
    return m;
}

void view_loss(Ui *ui, Rect r_all, const RunView *rv, ViewState *vs, ViewScratch *scratch)
{
    const Theme *t = ui->theme;
    const History *h = &rv->hist;
    int K = h->K, size = ui_text_size(ui);
    /* the loss above, the global gradient norm with its clipping events below; with
     * seeds=K the grad_ratio of the K runs between them (and alone when short of room) */
    int gap = ui_px(ui, 4), strip_h = r_all.h * 36 / 100, ratio_h = 0;
    if (K > 1 && r_all.h >= 18 * size)
        strip_h = r_all.h * 24 / 100, ratio_h = strip_h;
    else if (K > 1)
        ratio_h = strip_h, strip_h = 0;
    int strips = strip_h + ratio_h + (strip_h ? gap : 0) + (ratio_h ? gap : 0);
    Rect r = {r_all.x, r_all.y, r_all.w, r_all.h - strips};
    Rect ratio = {r_all.x, r.y + r.h + gap, r_all.w, ratio_h};
    Rect strip = {r_all.x, r_all.y + r_all.h - strip_h, r_all.w, strip_h};
    const TaskKindInfo *ki = task_kind_info(rv->cfg.task);
    double *xs = scratch->x, *ys = scratch->y, *ms = scratch->m, *blo = scratch->band_lo, *bhi = scratch->band_hi;
    int m = history_points(h, SEED_LOSS, xs, ys, blo, bhi);
    history_points(h, SEED_METRIC, scratch->strip_x, ms, NULL, NULL);
    /* running means over about 2% of the history: of the loss (its raw values are drawn
     * faint below), or of the K runs' median, least and largest (the range as a band,
     * whose smoothed edges set the axis: one run's spike does not squash the rest) */
    int win = m / 50 > 1 ? m / 50 : 1;
    running_mean(ys, scratch->smooth, m, win);
    running_mean(ms, scratch->smooth_m, m, win);
    double *band_lo = scratch->strip_x, *band_hi = scratch->strip_y;
    if (K > 1) {
        running_mean(blo, band_lo, m, win);
        running_mean(bhi, band_hi, m, win);
    }
    double base = rv->baseline, lo = 0, hi = 1;
    const char *ref_name; /* copy's clock baseline, xor's chance level; NAN for most tasks */
    double ref = task_reference(&rv->cfg, &ref_name);
    if (!plot_range(K > 1 ? scratch->smooth : ys, m, vs->loss_log, &lo, &hi))
        lo = vs->loss_log ? 1e-3 : 0, hi = 1;
    double blo_r, bhi_r, dummy;
    if (K > 1 && plot_range(band_hi, m, vs->loss_log, &dummy, &bhi_r) &&
        plot_range(band_lo, m, vs->loss_log, &blo_r, &dummy))
        lo = fmin(lo, blo_r), hi = fmax(hi, bhi_r);
    const double lines[2] = {base, ref};
    for (int i = 0; i < 2; i++)
        if (lines[i] > 0 && isfinite(lines[i])) {
            if (lines[i] > hi)
                hi = vs->loss_log ? lines[i] * 1.5 : lines[i] * 1.08;
            if (!vs->loss_log && lo > 0)
                lo = 0;
        }
    /* the legend names the curves, so the title is short enough to leave it room beside it */
    char title[160], seeds[64] = "";
    if (K > 1) /* the title says what the band is: the legend stays two entries */
        snprintf(seeds, sizeof seeds, ": median, range of %d seeds", K);
    if (vs->label)
        snprintf(title, sizeof title, "%s: loss%s%s", vs->label, seeds, vs->loss_log ? " (log)" : "");
    else
        snprintf(title, sizeof title, "Loss%s%s", seeds, vs->loss_log ? " (log)" : "");
    double x0 = m ? xs[0] : 0, x1 = m ? xs[m - 1] : 1;
    if (vs->shared) {
        x0 = vs->loss_x0, x1 = vs->loss_x1, lo = vs->loss_lo, hi = vs->loss_hi;
        if (vs->loss_log && lo <= 0)
            lo = hi * 1e-6;
    }
    /* the metric, when it is a 0..1 score (accuracy), on its own axis on the right */
    int own_axis = !ki->metric_is_error;
    PlotOpts po = {.title = title, .x0 = x0, .x1 = x1 > x0 ? x1 : x0 + 1, .y0 = lo, .y1 = hi,
                   .log_y = vs->loss_log, .x_label = "step", .x_integer = 1};
    if (own_axis)
        po.y2_0 = 0, po.y2_1 = 1, po.y2_color = t->metric; /* named by the legend */
    char metric_label[96];
    snprintf(metric_label, sizeof metric_label, "%s (right axis)", ki->metric_name);
    Color band = t->loss;
    band.a = 60;
    PlotSeries curves[2] = {
        {xs, scratch->smooth, m, t->loss, (float)ui_px(ui, 2), VIEW_DASH_LOSS, PLOT_MARK_NONE, "loss"},
        {xs, scratch->smooth_m, m, t->metric, (float)ui_px(ui, 2), VIEW_DASH_METRIC, PLOT_MARK_NONE, metric_label},
    };
    po.legend = curves, po.n_legend = own_axis ? 2 : 1;
    Plot p = plot_begin_ex(ui, r, &po);
    if (K > 1) {
        plot_band(ui, &p, xs, band_lo, band_hi, m, band);
    } else {
        Color faint = t->loss;
        faint.a = 70;
        plot_series(ui, &p, xs, ys, m, faint, (float)ui_px(ui, 1));
    }
    double *smm = scratch->smooth_m;
    plot_series_ex(ui, &p, &curves[0]);
    Plot q = plot_right(&p);
    if (own_axis)
        plot_series_ex(ui, &q, &curves[1]);
    /* the baseline after the curves, its label on a veil, and the legend clear of it; the
     * reference line's label only where it clears the baseline's (both sit at the right),
     * else the baseline's names it */
    int small = ui_text_size_small(ui);
    int base_shown = isfinite(base) && !(p.log_y && base <= 0) && base >= p.y0 && base <= p.y1;
    int apart = !base_shown || fabs(plot_py(&p, ref) - plot_py(&p, base)) >= small + ui_px(ui, 4);
    char ref_label[96] = "", label[320]; /* both forms: up to 2 x (30 + 96) bytes */
    if (isfinite(ref))
        snprintf(ref_label, sizeof ref_label, "%s %.4g", ref_name, ref);
    const char *sep = isfinite(ref) && !apart ? "; " : "", *named = isfinite(ref) && !apart ? ref_label : "";
    snprintf(label, sizeof label, "memoryless baseline %.4g%s%s" UI_OR "baseline %.4g%s%s", base, sep, named, base, sep,
             named);
    Rect avoid[2] = {{0, 0, 0, 0}, {0, 0, 0, 0}};
    if (isfinite(ref))
        avoid[1] = plot_hline(ui, &p, ref, t->reference, apart ? ref_label : NULL);
    avoid[0] = plot_hline(ui, &p, base, t->baseline, label);
    /* the legend's corner is chosen on the screen's points: map the metric onto the loss
     * axis for the count */
    PlotSeries legend[2] = {curves[0], curves[1]};
    double *mapped = scratch->strip_y; /* free until the strip below */
    if (own_axis)
        for (int i = 0; i < m; i++)
            mapped[i] = vs->loss_log ? pow(10, log10(p.y0) + smm[i] * (log10(p.y1) - log10(p.y0)))
                                     : p.y0 + smm[i] * (p.y1 - p.y0);
    legend[1].ys = mapped;
    plot_legend(ui, &p, legend, own_axis ? 2 : 1, avoid, 2);
    if (vs->has_cursor)
        plot_vline(ui, &p, (double)vs->cursor_step, t->text);
    if (strip_h)
        grad_norm_strip(ui, strip, rv, vs, scratch, p.x0, p.x1);
    if (ratio_h)
        grad_ratio_strip(ui, ratio, rv, vs, scratch, p.x0, p.x1);
    /* a click on the title toggles the log scale */
    Rect title_r = {r.x, r.y, r.w, ui_text_size(ui) + ui_px(ui, 6)};
    if (ui_interact(ui, ui_id(ui, vs->label ? vs->label : "loss-log"), title_r) & UI_CLICKED)
        vs->loss_log = !vs->loss_log;
    else if (rect_contains(title_r, ui->in.mouse_x, ui->in.mouse_y))
        ui_set_tooltip(ui, "Click (or press L) to switch the loss axis between linear and logarithmic.");
}

static void grad_norm_strip(Ui *ui, Rect r, const RunView *rv, const ViewState *vs, ViewScratch *scratch, double x0,
                            double x1)
{
    const Theme *t = ui->theme;
    const History *h = &rv->hist;
    int n = h->count;
    double *xs = scratch->strip_x, *ys = scratch->strip_y;
    int step = n > VIEW_SCRATCH_N ? n / VIEW_SCRATCH_N + 1 : 1, m = 0;
    for (int i = 0; i < n; i += step, m++) {
        int k = history_index(h, i);
        xs[m] = (double)h->step[k];
        ys[m] = h->grad_norm[k];
    }
    double lo, hi;
    if (!plot_range(ys, m, 1, &lo, &hi))
        lo = 1e-6, hi = 1;
    double C = rv->cfg.clip;
    if (vs->shared)
        lo = vs->norm_lo, hi = vs->norm_hi;
    if (C > 0 && rv->cfg.clip_mode == CLIP_NORM)
        lo = fmin(lo, C / 2), hi = fmax(hi, C * 2);
    char title[160], readout[96] = "";
    if (C > 0) {
        /* over every step the history holds, the steps this plot shows */
        double share = runview_clipped_fraction(rv, h->count, NULL);
        snprintf(title, sizeof title, "Gradient norm (log), clip=%g %s", C,
                 rv->cfg.clip_mode == CLIP_NORM ? "norm" : "value");
        snprintf(readout, sizeof readout, "clipped_fraction = %.3g", share);
    } else {
        snprintf(title, sizeof title, "Gradient norm (log); clipping off");
    }
    PlotOpts po = {.title = title, .x0 = x0, .x1 = x1, .y0 = lo, .y1 = hi, .log_y = 1, .x_integer = 1,
                   .readout = readout[0] ? readout : NULL};
    Plot p = plot_begin_ex(ui, r, &po);
    Color faint = t->grad;
    faint.a = 150;
    plot_series(ui, &p, xs, ys, m, faint, (float)ui_px(ui, 1));
    if (C > 0 && rv->cfg.clip_mode == CLIP_NORM)
        plot_hline(ui, &p, C, t->baseline, "threshold");
    /* the clipping events, and the nearest one under the mouse */
    ui_push_clip(ui, p.area);
    int hot = -1;
    double best = ui_px(ui, 8);
    for (int i = 0; i < n; i++) {
        int k = history_index(h, i);
        if (!h->clipped[k] || !(h->grad_norm[k] > 0) || !isfinite(h->grad_norm[k]))
            continue;
        float X = plot_px(&p, (double)h->step[k]), Y = plot_py(&p, h->grad_norm[k]);
        draw_circle(ui->dl, X, Y, (float)ui_px(ui, 2.5f), t->clip);
        double d = hypot(X - ui->in.mouse_x, Y - ui->in.mouse_y);
        if (d < best)
            best = d, hot = k;
    }
    ui_pop_clip(ui);
    if (vs->has_cursor)
        plot_vline(ui, &p, (double)vs->cursor_step, t->text);
    if (hot >= 0) {
        char tip[160];
        snprintf(tip, sizeof tip, "step %ld: clipped, gradient norm %.4g before, %.4g after", h->step[hot],
                 h->grad_norm[hot], h->grad_norm_clipped[hot]);
        ui_set_tooltip(ui, tip);
    }
}


/* seeds=K: grad_ratio = ||dL/dh_0|| / ||dL/dh_{T-1}|| of the K runs over the steps, their
 * median and their range (running means, as the loss's). */
static void grad_ratio_strip(Ui *ui, Rect r, const RunView *rv, const ViewState *vs, ViewScratch *scratch, double x0,
                             double x1)
{
    const Theme *t = ui->theme;
    const History *h = &rv->hist;
    double *xs = scratch->strip_x, *med = scratch->strip_y, *lo = scratch->band_lo, *hi = scratch->band_hi;
    int m = history_points(h, SEED_GRAD_RATIO, xs, med, lo, hi);
    int win = m / 50 > 1 ? m / 50 : 1;
    /* the running means of log10: ratios span decades */
    for (int i = 0; i < m; i++) {
        med[i] = med[i] > 0 ? log10(med[i]) : NAN;
        lo[i] = lo[i] > 0 ? log10(lo[i]) : NAN;
        hi[i] = hi[i] > 0 ? log10(hi[i]) : NAN;
    }
    double *sm = scratch->smooth, *slo = scratch->smooth_m, *shi = scratch->y;
    running_mean(med, sm, m, win);
    running_mean(lo, slo, m, win);
    running_mean(hi, shi, m, win);
    for (int i = 0; i < m; i++)
        sm[i] = pow(10, sm[i]), slo[i] = pow(10, slo[i]), shi[i] = pow(10, shi[i]);
    double a, b, c, d;
    int ok = plot_range(slo, m, 1, &a, &b) && plot_range(shi, m, 1, &c, &d);
    if (!ok)
        a = 1e-6, d = 1;
    char title[96], readout[64] = "";
    snprintf(title, sizeof title, "grad_ratio: median, range of %d seeds (log)", h->K);
    if (m > 0)
        snprintf(readout, sizeof readout, "now %.2g .. %.2g", lo[m - 1] == lo[m - 1] ? pow(10, lo[m - 1]) : NAN,
                 hi[m - 1] == hi[m - 1] ? pow(10, hi[m - 1]) : NAN);
    Color band = t->grad;
    band.a = 60;
    PlotOpts po = {.title = title, .x0 = x0, .x1 = x1, .y0 = a, .y1 = d > a ? d : a * 10, .log_y = 1,
                   .x_integer = 1, .readout = readout[0] ? readout : NULL};
    Plot p = plot_begin_ex(ui, r, &po);
    plot_band(ui, &p, xs, slo, shi, m, band);
    plot_series(ui, &p, xs, sm, m, t->grad, (float)ui_px(ui, 2));
    if (vs->has_cursor)
        plot_vline(ui, &p, (double)vs->cursor_step, t->text);
}
