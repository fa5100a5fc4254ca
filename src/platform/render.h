/* render.h: draws a DrawList into a 32-bit SDL surface in software: the window's surface,
 * or an offscreen one for PNG export and tests (the same pixels either way). No GPU and no
 * SDL_Renderer, so it runs under the dummy video driver with no display.
 *
 * Geometry: a rectangle (x, y, w, h) covers pixel columns x .. x+w-1 and rows y .. y+h-1.
 * Lines, circles and rings take the coordinates of pixel centres: the point (5, 7) is the
 * middle of pixel column 5, row 7, so draw_line(10, 7, 50, 7, c, 1) colours exactly row 7,
 * columns 10..50, and a circle at (10, 10) of radius 4 is symmetric about pixel (10, 10).
 * Their edges are anti-aliased; segments have round caps (polylines join without gaps).
 * CMD_FRAME and CMD_RING grow inward from the rectangle / radius by `thickness` pixels. */
#ifndef RNNLAB_RENDER_H
#define RNNLAB_RENDER_H

#include <SDL.h>

#include "../ui/draw.h"
#include "font.h"

/* Rasterises every command of dl, in order, alpha-blending over what target holds.
 * target: any 32-bit surface with 8-bit channels (ARGB8888, XRGB8888, ABGR8888, ...).
 * fonts may be NULL: CMD_TEXT is then skipped. Returns 0, or -1 with SDL_GetError() set
 * when the target's format is not supported or it cannot be locked. */
int render_draw_list(SDL_Surface *target, const DrawList *dl, Fonts *fonts);

/* The same, with rows 0 .. split-1 drawn on this thread and split .. h-1 on a second one at
 * the same time (split 0 or h: all here). The pixels do not depend on split: each is drawn
 * by the same commands in the same order. render_draw_list chooses the split itself (two
 * bands for a big surface with a long list, on a machine of two cores or more). */
int render_draw_list_split(SDL_Surface *target, const DrawList *dl, Fonts *fonts, int split);

/* An offscreen ARGB8888 surface of w x h pixels, cleared to transparent black. NULL
 * (SDL_GetError) on failure. */
SDL_Surface *render_surface_create(int w, int h);
void render_surface_destroy(SDL_Surface *s); /* SDL_FreeSurface; NULL is fine */

#endif
