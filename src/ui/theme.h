/* theme.h: the colours of the two themes (normal and high contrast) and the two shared
 * colour maps: viridis for magnitudes (perceptually uniform, colour-blind safe) and a
 * blue-white-orange diverging map for signed values. */
#ifndef RNNLAB_THEME_H
#define RNNLAB_THEME_H

#include "draw.h"

typedef struct {
    const char *name;
    Color bg, panel, border, text, text_dim, accent;
    Color button, button_hot, button_active, track, fill;
    Color plot_bg, grid, axis;
    Color loss, metric, baseline, grad, grad_cell, reference, clip, weights;
    Color banner, banner_text, tooltip_bg, tooltip_text, overlay;
    Color series[8]; /* hidden-unit lines */
} Theme;

enum { THEME_NORMAL, THEME_HIGH_CONTRAST, THEME_COUNT };

const Theme *theme_get(int which);

/* t in [0, 1] -> viridis; values outside are clamped; NaN gives grey. */
Color colormap_magnitude(double t);
/* v in [-1, 1] -> blue (negative), white (0), orange (positive); clamped; NaN grey. */
Color colormap_signed(double v);

#endif
