/* plot.h: axes, gridlines and series for the views: a linear or logarithmic y axis over
 * a data range, tick labels at decades or round numbers. No SDL. */
#ifndef RNNLAB_PLOT_H
#define RNNLAB_PLOT_H

#include "ui.h"

typedef struct {
    Rect frame; /* the whole plot, title included */
    Rect area;  /* the data area inside the axes */
    double x0, x1, y0, y1;
    int log_y;
} Plot;

/* Draws the background, title, axes and ticks; returns the mapping. For log_y, y0 and y1
 * are the data values (> 0), and ticks fall on powers of ten. */
Plot plot_begin(Ui *ui, Rect r, const char *title, double x0, double x1, double y0, double y1,
                int log_y, const char *x_label);
float plot_px(const Plot *p, double x);
float plot_py(const Plot *p, double y);
/* A polyline through (x_i, y_i) (x_i = i if xs is NULL), broken at non-finite values and,
 * on a log axis, at values <= 0. */
void plot_series(Ui *ui, const Plot *p, const double *xs, const double *ys, int n, Color c,
                 float thickness);
/* A horizontal reference line with a label at its right end. */
void plot_hline(Ui *ui, const Plot *p, double y, Color c, const char *label);
/* The finite (and for log, positive) range of values, padded a little; returns 0 if none. */
int plot_range(const double *ys, int n, int log_y, double *lo, double *hi);

/* text cut with an ellipsis to fit max_w pixels at size */
void plot_fit_text(const Ui *ui, char *out, size_t len, const char *text, int size, int max_w);

/* Formats a number compactly: 0.0123, 1.2e-05, 340. */
void plot_format(char *buf, size_t len, double v);

#endif
