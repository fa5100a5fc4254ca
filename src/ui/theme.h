/* theme.h: the palettes (default, colour-blind safe, high contrast), one table of themes,
 * and the two shared colour maps: viridis for magnitudes (perceptually uniform,
 * colour-blind safe) and a blue-white-orange diverging map for signed values. */
#ifndef RNNLAB_THEME_H
#define RNNLAB_THEME_H

#include "draw.h"

typedef struct {
    const char *name;  /* the palette's word: --palette NAME */
    const char *title; /* as the panel and the status line name it */
    Color bg, panel, border, text, text_dim, accent;
    Color button, button_hot, button_active, track, fill;
    Color plot_bg, grid, axis;
    Color loss, metric, baseline, grad, grad_cell, reference, clip, weights;
    Color banner, banner_text, tooltip_bg, tooltip_text, overlay;
    Color series[8]; /* hidden-unit lines */
} Theme;

/* In the order H cycles through them. */
enum { THEME_NORMAL, THEME_CVD, THEME_HIGH_CONTRAST, THEME_COUNT };

const Theme *theme_get(int which);
/* The theme whose name is name, or -1; theme_names lists them as "default|cvd|contrast". */
int theme_find(const char *name);
void theme_names(char *buf, size_t len);

/* t in [0, 1] -> viridis; values outside are clamped; NaN gives grey. */
Color colormap_magnitude(double t);
/* v in [-1, 1] -> blue (negative), white (0), orange (positive); clamped; NaN grey. */
Color colormap_signed(double v);

#endif
