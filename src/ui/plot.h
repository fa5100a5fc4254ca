/* plot.h: axes, gridlines, series and legends for the views: a linear or logarithmic y axis
 * over a data range (and an optional second one on the right), tick labels at decades or
 * round numbers (integers, 10k, 1M on count axes), dashed and dotted lines and marker
 * shapes so that curves differ in more than hue. No SDL. */
#ifndef RNNLAB_PLOT_H
#define RNNLAB_PLOT_H

#include "ui.h"

/* Dash patterns (the on/off lengths are in plot.c's table). */
typedef enum { PLOT_SOLID, PLOT_DASHED, PLOT_DOTTED, PLOT_DASHDOT, PLOT_DASH_COUNT } PlotDash;

/* Marker shapes: filled, outlined and stroked, told apart without colour. */
typedef enum {
    PLOT_MARK_NONE = -1,
    PLOT_MARK_DISC,
    PLOT_MARK_RING,
    PLOT_MARK_SQUARE,
    PLOT_MARK_CROSS,
    PLOT_MARK_BOX,
    PLOT_MARK_PLUS,
    PLOT_MARK_DIAMOND,
    PLOT_MARK_TRIANGLE,
    PLOT_MARK_COUNT
} PlotMarker;

typedef struct {
    Rect frame; /* the whole plot, title included */
    Rect area;  /* the data area inside the axes */
    double x0, x1, y0, y1;
    int log_y;
    int has_y2;       /* a second, linear y axis on the right */
    double y2_0, y2_1;
    Rect legend_row;  /* where plot_legend puts its entries side by side (w = 0: in a corner) */
} Plot;

/* A curve, and what a legend says of it. */
typedef struct {
    const double *xs, *ys; /* xs NULL: x_i = i */
    int n;
    Color color;
    float thickness;
    int dash;          /* PlotDash, or -1: no line (a scatter of markers) */
    int marker;        /* PlotMarker at every point, or PLOT_MARK_NONE */
    const char *label; /* its legend entry; NULL: none */
} PlotSeries;

/* Every option of a plot. */
typedef struct {
    const char *title;
    double x0, x1, y0, y1; /* for log_y, y0 and y1 are data values (> 0) */
    int log_y;
    const char *x_label;   /* drawn at the right end of the x tick row */
    int x_integer;         /* x counts something (steps, t, an index): integer ticks, 10k, 1M */
    /* a second linear y axis on the right, on when y2_1 > y2_0, its name in y2_color at
     * the right end of the title row */
    double y2_0, y2_1;
    const char *y2_label;
    Color y2_color;
    /* live numbers (e.g. "sigma_max = 1.2") at the right end of the title row, left of
     * y2_label: the title is cut first; when that would leave it less than a few letters,
     * the readout breaks after a ", " and the rest goes to a row of its own below */
    const char *readout;
    /* the series a legend will name (only their labels, dashes and markers are read here):
     * the legend goes into the title row when it fits beside the title, else into a row of
     * its own above the data when the plot is tall enough, else into a corner */
    const PlotSeries *legend;
    int n_legend;
} PlotOpts;

/* Draws the background, title, axes and ticks; returns the mapping. For log_y, ticks fall
 * on powers of ten. */
Plot plot_begin_ex(Ui *ui, Rect r, const PlotOpts *o);
Plot plot_begin(Ui *ui, Rect r, const char *title, double x0, double x1, double y0, double y1,
                int log_y, const char *x_label);
/* The data area plot_begin_ex would give r and o, drawing nothing (to fit a range to it). */
Rect plot_area(const Ui *ui, Rect r, const PlotOpts *o);
/* The same plot mapped to its right-hand axis (p itself when it has none). */
Plot plot_right(const Plot *p);
float plot_px(const Plot *p, double x);
float plot_py(const Plot *p, double y);


/* A polyline through (x_i, y_i), broken at non-finite values and, on a log axis, at values
 * <= 0; dashed as s->dash says, the pattern running on along the whole line. */
void plot_series_ex(Ui *ui, const Plot *p, const PlotSeries *s);
/* The short form: a solid line. */
void plot_series(Ui *ui, const Plot *p, const double *xs, const double *ys, int n, Color c,
                 float thickness);
/* One segment in a dash pattern; *phase carries the pattern over consecutive segments. */
void plot_dash_segment(Ui *ui, float x0, float y0, float x1, float y1, Color c, float thickness, int dash,
                       float *phase);
void plot_marker(Ui *ui, float x, float y, float radius, int shape, Color c);

/* A dotted horizontal reference line with its label at its right end, above the line (below
 * it near the top), on a veil so no curve covers it: draw it after the curves. The label
 * stays inside the area, shortened with an ellipsis to its width (left out when the area is
 * not a line high), and is recorded as a legend entry of the plot. Returns the label's
 * rectangle (w = 0: none). */
Rect plot_hline(Ui *ui, const Plot *p, double y, Color c, const char *label);
/* The band between lo_i and hi_i over xs (increasing), filled in c (give it a low alpha),
 * one pixel column at a time and clipped to the data area; broken where a value is not
 * finite (or, on a log axis, not positive). Draw it before the curves it surrounds. */
void plot_band(Ui *ui, const Plot *p, const double *xs, const double *lo, const double *hi, int n, Color c);
/* A vertical cursor line at x (nothing when x is outside the plot). */
void plot_vline(Ui *ui, const Plot *p, double x, Color c);

/* The legend of the labelled series, each entry with its line's dash pattern and marker:
 * side by side in the row plot_begin_ex set aside (PlotOpts.legend), or else in the corner
 * of the data area where the fewest of their points fall, never over the rectangles to
 * avoid (a reference line's label), on a veil. In a corner, the entries the area has no
 * room for (height, or a corner clear of what to avoid) are left out, the last first; all
 * are still recorded as keys (draw_key). Returns the legend's rectangle (w = 0: none). */
Rect plot_legend(Ui *ui, const Plot *p, const PlotSeries *s, int n, const Rect *avoid, int n_avoid);
/* A note (a key without swatches: "ring: h_0, dot: last") in the corner of the data area
 * where the fewest of the series' points fall, clear of the rectangles to avoid (markers),
 * on a veil like the legend's: the longest of the `n_forms` forms (longest first; the last
 * cut to fit) that fits the area's width and has a corner clear of them; where none has,
 * the last form in the corner with the fewest points (draw the markers after it). None
 * where the area is lower than a line. Returns its rectangle (w = 0: none). */
Rect plot_corner_note(Ui *ui, const Plot *p, const PlotSeries *s, int n, const Rect *avoid, int n_avoid,
                      const char *const *forms, int n_forms);

/* The finite (and for log, positive) range of values, padded a little; returns 0 if none. */
int plot_range(const double *ys, int n, int log_y, double *lo, double *hi);

/* text cut with an ellipsis to fit max_w pixels at size (ui_fit_title for titles and labels:
 * their shorter forms and phrases) */
void plot_fit_text(const Ui *ui, char *out, size_t len, const char *text, int size, int max_w);

/* Formats a number compactly: 0.0123, 1.2e-05, 340, 12.5k, 3M. */
void plot_format(char *buf, size_t len, double v);
/* A tick label for v on an axis whose ticks are `step` apart: as few digits as the step
 * needs, thousands as k and millions as M (12.5k, 1M). */
void plot_format_tick(char *buf, size_t len, double v, double step);
/* The round step (1, 2, 2.5, 5 times a power of ten) for about `room` ticks over span;
 * at least 1 and never 2.5 when integer is set. */
double plot_nice_step(double span, int room, int integer);

#endif
