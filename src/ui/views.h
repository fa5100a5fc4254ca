/* views.h: the six views of a training run, drawn from what the trainer recorded (read
 * only). Each takes its rectangle; what a view remembers between frames (the PCA basis,
 * log scale) lives in ViewState, owned by the app. No SDL. */
#ifndef RNNLAB_VIEWS_H
#define RNNLAB_VIEWS_H

#include "trainer.h"
#include "ui.h"

enum {
    VIEW_UNFOLDED,
    VIEW_HIDDEN,
    VIEW_GRADIENT,
    VIEW_LOSS,
    VIEW_GATES,
    VIEW_SPECTRUM,
    VIEW_COUNT
};

typedef struct {
    int loss_log;        /* the loss plot's y axis is logarithmic */
    double pca[2][256];  /* the last principal axes, to keep their signs steady */
    int pca_valid;
    int hover_t;         /* the time step under the mouse in the unfolded view, or -1 */
    /* Shared axes (compare mode): when set, the plots use these ranges instead of their own. */
    int shared;
    double grad_lo, grad_hi;             /* the gradient plot's y range */
    double loss_x0, loss_x1, loss_lo, loss_hi;
    const char *label;   /* a run's name, drawn in the views' titles (compare mode) */
} ViewState;

/* The ranges two runs' plots share: the union of what each would show. */
void views_shared_ranges(ViewState *vs, const Trainer *a, const Trainer *b);

const char *view_name(int view);

void view_unfolded(Ui *ui, Rect r, const Trainer *tr, ViewState *vs);
void view_hidden(Ui *ui, Rect r, const Trainer *tr, ViewState *vs);
void view_gradient(Ui *ui, Rect r, const Trainer *tr, ViewState *vs);
void view_loss(Ui *ui, Rect r, const Trainer *tr, ViewState *vs);
void view_gates(Ui *ui, Rect r, const Trainer *tr, ViewState *vs);
void view_spectrum(Ui *ui, Rect r, const Trainer *tr, const Spectrum *sp, ViewState *vs);

/* The log10 range a gradient colour scale spans: [top - GRAD_DECADES, top]. */
#define GRAD_DECADES 12

#endif
