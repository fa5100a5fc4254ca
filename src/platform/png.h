/* png.h: writing a surface (a rendered frame or plot) to a PNG file with SDL2_image.
 * Reading PNGs is left to IMG_Load where needed (tests). */
#ifndef RNNLAB_PNG_H
#define RNNLAB_PNG_H

#include <stddef.h>

#include <SDL.h>

/* Encodes s in memory and writes it through fileio's one writer (a temporary file renamed
 * over path), so a reader never sees half a file and a failed write leaves any old file
 * in place. Returns 0, or -1 with a message naming the path in err. */
int png_write(SDL_Surface *s, const char *path, char *err, size_t errlen);

#endif
