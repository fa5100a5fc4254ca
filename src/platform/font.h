/* font.h: the UI font (DejaVu Sans found through fontconfig, or the user's --font PATH),
 * opened with SDL2_ttf once per pixel height, text measurement for the UI, and a bounded
 * cache of rasterised text for the renderer. Knows nothing about draw commands. */
#ifndef RNNLAB_FONT_H
#define RNNLAB_FONT_H

#include <stddef.h>
#include <stdint.h>

#include "../ui/draw.h"

typedef struct Fonts Fonts;

/* Opens `path_or_null` (a TTF/OTF file), or when NULL the file fontconfig matches for
 * "DejaVu Sans", then for "sans-serif". Calls TTF_Init (reference counted; paired with the
 * TTF_Quit in fonts_close). On failure returns NULL with one line in err naming what was
 * tried. */
Fonts *fonts_open(const char *path_or_null, char *err, size_t errlen);
void fonts_close(Fonts *f);

/* Rasterises the glyphs of the UI's texts at these pixel heights (ended by 0 or after
 * FONTS_WARM_MAX; NULL: none) on
 * a thread of its own and returns at once; the first call of any other function here waits
 * for it. The first frame otherwise rasterises every glyph itself (offscreen at 1280x800: 12-13
 * ms against 9.2 warmed, docs/BENCHMARKS.md); warmed while the window opens and the
 * session is set up, on the other core, that costs the user no time. */
#define FONTS_WARM_MAX 4
void fonts_warm(Fonts *f, const int *sizes);

/* width(ctx, text, size): pixel width of UTF-8 text at pixel height `size`. */
TextMeasure fonts_measure(Fonts *f);

/* Line height in pixels (TTF_FontHeight) of the font used for pixel height `size`: the
 * point size is chosen so that this is about `size`. 0 if the size cannot be opened. */
int fonts_line_height(Fonts *f, int size);

/* Coverage (0..255) of `text` rasterised at pixel height `size`, w x h bytes with `pitch`
 * bytes per row; colour is applied by the caller. Comes from a bounded LRU cache keyed by
 * (text, size); valid while fonts_evictions(f) stays the same (a later fonts_text_mask
 * may evict it) and until fonts_close. Returns 0, or -1 (nothing to draw: empty text or a
 * rasteriser error). Reading a mask from another thread is fine; calling into f is not. */
typedef struct {
    const uint8_t *alpha;
    int w, h, pitch;
} TextMask;
int fonts_text_mask(Fonts *f, const char *text, int size, TextMask *out);
/* How many masks the cache has dropped since fonts_open. */
unsigned long fonts_evictions(const Fonts *f);

#endif
