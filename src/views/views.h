/* views.h: the seven views of a training run, drawn from a RunView (a published copy: a view
 * never touches a trainer), and the table that describes them: its rows drive the window's
 * layout, the 1-7 keys, lessons' focus=/show=/hide= names, the help and the error messages
 * that list view names. What a view remembers between frames (the PCA basis, log scale)
 * lives in ViewState and its working arrays in ViewScratch, both owned by the caller. */
#ifndef RNNLAB_VIEWS_H
#define RNNLAB_VIEWS_H

#include "../core/runview.h"
#include "../ui/plot.h"
#include "../ui/ui.h"

enum {
    VIEW_UNFOLDED,
    VIEW_HIDDEN,
    VIEW_GRADIENT,
    VIEW_LOSS,
    VIEW_GATES,
    VIEW_SPECTRUM,
    VIEW_TERMS,
    VIEW_COUNT
};

/* The keys that show and hide them, as help text says it: VIEWS[v].key is '1' + v (a test
 * checks it). */
#define VIEW_KEYS "1-7"

typedef struct {
    int loss_log;        /* the loss plot's y axis is logarithmic */
    double pca[2][256];  /* the last principal axes, to keep their signs steady */
    int pca_valid;
    double pca_mean[256]; /* ... and the mean, for the states of run pca_run at pca_step */
    uint64_t pca_run;
    long pca_step;
    int pca_H;
    int pca_layer;
    int hover_t;         /* the time step under the mouse in the unfolded view, or -1 */
    /* Shared axes (compare mode): when set, the plots use these ranges instead of their own. */
    int shared;
    double grad_lo, grad_hi;             /* the gradient plot's y range */
    double loss_x0, loss_x1, loss_lo, loss_hi;
    double grad_top, grad_decades;       /* the waterfall's colour bar: log10 of its top, its span */
    int band_top;                        /* the unfolded band's colour bar: its top decade */
    double norm_lo, norm_hi;             /* the global gradient norm's strip under the loss */
    /* A cursor on the loss plot at this step (the timeline being scrubbed); a zeroed
     * ViewState has none. */
    int has_cursor;
    long cursor_step;
    int terms_first;     /* the terms view shows the first sample's norms, not the batch's */
    /* Which layer of a stack the one-layer views (gradient, hidden, gates, spectrum) show,
     * counted down from the top: 0 (a zeroed ViewState) the top layer, L-1 layer 0. */
    int layer_down;
    int grad_end;        /* variable lengths: the gradient plot aligns the sequences on their ends */
    const char *label;   /* a run's name, drawn in the views' titles (compare mode) */
} ViewState;

/* The views' working arrays: the plotted history at most this many points long. */
#define VIEW_SCRATCH_N (1 << 16)
typedef struct ViewScratch {
    double x[VIEW_SCRATCH_N], y[VIEW_SCRATCH_N], m[VIEW_SCRATCH_N];
    double smooth[VIEW_SCRATCH_N], smooth_m[VIEW_SCRATCH_N];
    double strip_x[VIEW_SCRATCH_N], strip_y[VIEW_SCRATCH_N];
    double band_lo[VIEW_SCRATCH_N], band_hi[VIEW_SCRATCH_N]; /* seeds=K: the range of the runs */
} ViewScratch;
ViewScratch *view_scratch_create(void);
void view_scratch_destroy(ViewScratch *s);

typedef void (*ViewDraw)(Ui *ui, Rect r, const RunView *rv, ViewState *vs, ViewScratch *scratch);

typedef struct {
    const char *name;      /* the lesson's focus=/show=/hide= word */
    const char *title;     /* as the panel and the help name it */
    char key;              /* the key that shows or hides it */
    ViewDraw draw;
    int layout_rank;       /* the order in which views claim room in the grid */
    int top;               /* drawn as the full-width band above the grid */
    int needs_spectrum;    /* the spectrum must be computed while it is visible */
    int needs_terms;       /* ... the gradient itemised by loss term (RunView.items) */
    int (*has_content)(const RunView *rv); /* NULL = always; 0 yields its room */
    const char *help;      /* one line: what it shows */
} ViewSpec;

extern const ViewSpec VIEWS[VIEW_COUNT];
int view_count(void);
int view_find(const char *name);   /* index, or -1 */
/* "unfolded, hidden, ...", from the table, into buf: for messages. Returns buf. */
const char *view_names_list(char *buf, size_t len);

void view_unfolded(Ui *ui, Rect r, const RunView *rv, ViewState *vs, ViewScratch *scratch);
void view_hidden(Ui *ui, Rect r, const RunView *rv, ViewState *vs, ViewScratch *scratch);
void view_gradient(Ui *ui, Rect r, const RunView *rv, ViewState *vs, ViewScratch *scratch);
void view_loss(Ui *ui, Rect r, const RunView *rv, ViewState *vs, ViewScratch *scratch);
void view_gates(Ui *ui, Rect r, const RunView *rv, ViewState *vs, ViewScratch *scratch);
void view_spectrum(Ui *ui, Rect r, const RunView *rv, ViewState *vs, ViewScratch *scratch);
void view_terms(Ui *ui, Rect r, const RunView *rv, ViewState *vs, ViewScratch *scratch);

/* The ranges two runs' plots share: the union of what each would show. */
void views_shared_ranges(ViewState *vs, const RunView *a, const RunView *b);

/* Shared by the views. */
void views_message(Ui *ui, Rect r, const char *title, const char *text);
/* The layer the one-layer views show (vs->layer_down below the top of rv's stack), and
 * rv's observables pointed at that layer. */
int views_layer(const RunView *rv, const ViewState *vs);
Observables views_obs(const RunView *rv, const ViewState *vs);

double views_log_top(const double *v, int n); /* log10 of the largest finite positive value, or NAN */
double views_grad_level(double g, double top); /* 0..1 on the scale [top - GRAD_DECADES, top] */
/* The waterfall's colour scale over the last `rows` steps of rv's history (all of them when
 * rows exceeds the count): log10 of the top decade in *top, the decades it spans in
 * *decades (at least GRAD_DECADES). Returns 0 when no value is finite and positive. */
int views_waterfall_scale(const RunView *rv, int layer, int rows, double *top, double *decades);

/* A colour bar of the magnitude map right of img (pad from it), labelled in decades from
 * 10^topv down `decades` of them ("1e-3"), the labels kept between y = lo and hi; and one
 * such label (its length returned, as snprintf). */
void views_decade_bar(Ui *ui, Rect img, int pad, double topv, double decades, int lo, int hi);
int views_decade_label(char *buf, size_t len, double topv, int dcd);

/* The dash pattern of each curve a legend names, in one place, so that no two curves in
 * one plot differ only in hue (reference lines, plot_hline, are PLOT_DOTTED). */
#define VIEW_DASH_LOSS PLOT_SOLID
#define VIEW_DASH_METRIC PLOT_DASHED
#define VIEW_DASH_DH PLOT_SOLID
#define VIEW_DASH_DC PLOT_DASHED
#define VIEW_DASH_REFERENCE PLOT_DASHDOT

/* The log10 range a gradient colour scale spans: [top - GRAD_DECADES, top]. */
#define GRAD_DECADES 12

#endif
