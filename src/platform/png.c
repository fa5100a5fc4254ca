/* png.c: PNG export through IMG_SavePNG, to a temporary name first and then renamed over
 * the target. No encoding of its own and no reading. */
#include "png.h"

#include <SDL_image.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int png_write(SDL_Surface *s, const char *path, char *err, size_t errlen)
{
    size_t n = strlen(path);
    char *tmp = malloc(n + 5);
    if (!tmp) {
        snprintf(err, errlen, "cannot write '%s': out of memory", path);
        return -1;
    }
    memcpy(tmp, path, n);
    memcpy(tmp + n, ".tmp", 5);
    int status = 0;
    if (IMG_SavePNG(s, tmp) != 0) {
        snprintf(err, errlen, "cannot write PNG '%s': %s", path, IMG_GetError());
        remove(tmp); /* IMG_SavePNG may leave a partial file */
        status = -1;
    } else if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot write PNG '%s': renaming '%s' over it: %s", path, tmp,
                 strerror(errno));
        remove(tmp);
        status = -1;
    }
    free(tmp);
    return status;
}
