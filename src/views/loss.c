/* loss.c: the loss and the task's metric over the steps with the memoryless baseline,
 * and the global gradient norm with its clipping events below. */
#include "views.h"

#include "../ui/plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- 4. loss and metric ---- */

static void grad_norm_strip(Ui *ui, Rect r, const RunView *rv, const ViewState *vs, ViewScratch *scratch, double x0,
                            double x1);

void view_loss(Ui *ui, Rect r_all, const RunView *rv, ViewState *vs, ViewScratch *scratch)
{
    const Theme *t = ui->theme;
    /* the loss above, the global gradient norm with its clipping events below */
    int gap = ui_px(ui, 4), strip_h = r_all.h * 36 / 100;
    Rect r = {r_all.x, r_all.y, r_all.w, r_all.h - strip_h - gap};
    Rect strip = {r_all.x, r.y + r.h + gap, r_all.w, strip_h};
    const History *h = &rv->hist;
    const TaskKindInfo *ki = task_kind_info(rv->cfg.task);
    int n = h->count;
    double *xs = scratch->x, *ys = scratch->y, *ms = scratch->m;
    int step = n > VIEW_SCRATCH_N ? n / VIEW_SCRATCH_N + 1 : 1, m = 0;
    for (int i = 0; i < n; i += step, m++) {
        int k = history_index(h, i);
        xs[m] = (double)h->step[k];
        ys[m] = h->loss[k];
        ms[m] = h->metric[k];
    }
    double base = rv->baseline, lo = 0, hi = 1;
    if (!plot_range(ys, m, vs->loss_log, &lo, &hi))
        lo = vs->loss_log ? 1e-3 : 0, hi = 1;
    if (base > 0 && isfinite(base)) {
        if (base > hi)
            hi = vs->loss_log ? base * 1.5 : base * 1.08;
        if (!vs->loss_log && lo > 0)
            lo = 0;
    }
    char title[160];
    if (vs->label)
        snprintf(title, sizeof title, "%s: loss%s and %s", vs->label, vs->loss_log ? " (log)" : "", ki->metric_name);
    else
        snprintf(title, sizeof title, "Loss%s and %s over steps", vs->loss_log ? " (log)" : "", ki->metric_name);
    double x0 = m ? xs[0] : 0, x1 = m ? xs[m - 1] : 1;
    if (vs->shared) {
        x0 = vs->loss_x0, x1 = vs->loss_x1, lo = vs->loss_lo, hi = vs->loss_hi;
        if (vs->loss_log && lo <= 0)
            lo = hi * 1e-6;
    }
    Plot p = plot_begin(ui, r, title, x0, x1 > x0 ? x1 : x0 + 1, lo, hi, vs->loss_log, "step");
    char label[64];
    snprintf(label, sizeof label, "memoryless baseline %.4g", base);
    plot_hline(ui, &p, base, t->baseline, label);
    /* raw values faint, a running mean over about 2% of the history on top */
    Color faint = t->loss;
    faint.a = 70;
    plot_series(ui, &p, xs, ys, m, faint, (float)ui_px(ui, 1));
    double *sm = scratch->smooth;
    int win = m / 50 > 1 ? m / 50 : 1;
    double acc = 0, accm = 0;
    int cnt = 0;
    double *smm = scratch->smooth_m;
    for (int i = 0; i < m; i++) {
        if (isfinite(ys[i]))
            acc += ys[i], accm += ms[i], cnt++;
        if (i >= win && isfinite(ys[i - win]))
            acc -= ys[i - win], accm -= ms[i - win], cnt--;
        sm[i] = cnt ? acc / cnt : NAN;
        smm[i] = cnt ? accm / cnt : NAN;
    }
    plot_series(ui, &p, xs, sm, m, t->loss, (float)ui_px(ui, 2));
    /* the metric on its own axis: 0..1 for accuracy, the loss's for mse */
    if (!ki->metric_is_error) {
        Plot q = p;
        q.log_y = 0, q.y0 = 0, q.y1 = 1;
        plot_series(ui, &q, xs, smm, m, t->metric, (float)ui_px(ui, 2));
    }
    int small = ui_text_size_small(ui);
    int lx = p.area.x + ui_px(ui, 6), ly = p.area.y + ui_px(ui, 4);
    draw_rect(ui->dl, (Rect){lx, ly + small / 2, ui_px(ui, 14), ui_px(ui, 3)}, t->loss);
    draw_text(ui->dl, lx + ui_px(ui, 18), ly, small, t->text, "loss");
    if (!ki->metric_is_error) {
        lx += ui_px(ui, 60);
        draw_rect(ui->dl, (Rect){lx, ly + small / 2, ui_px(ui, 14), ui_px(ui, 3)}, t->metric);
        char full[96];
        snprintf(full, sizeof full, "%s (0..1)", ki->metric_name);
        plot_fit_text(ui, label, sizeof label, full, small, p.area.x + p.area.w - lx - ui_px(ui, 24));
        draw_text(ui->dl, lx + ui_px(ui, 18), ly, small, t->text, label);
    }
    grad_norm_strip(ui, strip, rv, vs, scratch, p.x0, p.x1);
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
    (void)vs;
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
    if (C > 0 && rv->cfg.clip_mode == CLIP_NORM)
        lo = fmin(lo, C / 2), hi = fmax(hi, C * 2);
    char title[96];
    if (C > 0)
        snprintf(title, sizeof title, "Gradient norm before clipping (log); clip=%g (%s)", C,
                 rv->cfg.clip_mode == CLIP_NORM ? "norm" : "value");
    else
        snprintf(title, sizeof title, "Gradient norm (log); clipping off");
    Plot p = plot_begin(ui, r, title, x0, x1, lo, hi, 1, NULL);
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
    if (hot >= 0) {
        char tip[160];
        snprintf(tip, sizeof tip, "step %ld: clipped, gradient norm %.4g before, %.4g after", h->step[hot],
                 h->grad_norm[hot], h->grad_norm_clipped[hot]);
        ui_set_tooltip(ui, tip);
    }
}

