/* window.h: the window (or an offscreen picture of it): SDL events in, GuiInput out;
 * a DrawList in, pixels out. The only place besides render/font/png that knows SDL.
 * Leaves out everything the window shows: that is ui/ and app/. */
#ifndef RNNLAB_WINDOW_H
#define RNNLAB_WINDOW_H

#include "../ui/draw.h"
#include "../app/input.h"

#include <stddef.h>

typedef struct Platform Platform;

/* A resizable window (min 1024 x 640), or with offscreen set a surface of w x h and no
 * display at all. font: a TTF path, or NULL for DejaVu Sans through fontconfig.
 * text_sizes: the pixel heights the first frame draws most of its text at, ended by 0 (or
 * NULL): their glyphs are rasterised on a thread of their own meanwhile (fonts_warm). */
Platform *platform_open(const char *title, int w, int h, int offscreen, const char *font,
                        const int *text_sizes, char *err, size_t errlen);
void platform_close(Platform *p);

TextMeasure platform_measure(Platform *p);
/* The display's scale: drawable pixels per window point times DPI/96, at least 1. */
float platform_dpi_scale(Platform *p);

/* Reads this frame's events into in (and its size and clock). Returns 1 if the user asked
 * to quit (window closed, Ctrl+Q). */
int platform_poll(Platform *p, GuiInput *in);

/* Draws the list into the window (or the offscreen surface) and shows it. */
void platform_present(Platform *p, const DrawList *dl);
/* Whether another thread (the session's training) keeps a core busy: then, on a machine of
 * fewer than three cores, a frame is drawn on the calling thread alone, as a second drawing
 * thread would take that core from it (render.h: big frames are otherwise drawn in two
 * bands at once). */
void platform_set_cores_busy(Platform *p, int busy);

void platform_toggle_fullscreen(Platform *p);

/* The window's icon, from a PNG file (for window lists that ask the window rather than the
 * desktop file). 0, or -1 when it cannot be read or decoded: the window keeps SDL's. */
int platform_set_icon(Platform *p, const char *png_path);

/* Saves what was last presented as a PNG (png_write: the old file kept on failure). */
int platform_save_png(Platform *p, const char *path, char *err, size_t errlen);

/* A rectangle of what was last presented, as a PNG. */
int platform_save_png_rect(Platform *p, int x, int y, int w, int h, const char *path, char *err, size_t errlen);

/* Puts text on the system clipboard; 0 or SDL's error code. */
int platform_set_clipboard(Platform *p, const char *text);

/* Seconds on a monotonic clock. */
double platform_now(void);

#endif
