/* png.c: PNG export: SDL_image encodes into memory (IMG_SavePNG_RW on a growable buffer),
 * and fileio's one writer puts the bytes on disk, so a failed write reports and keeps the
 * old picture. No encoding of its own and no reading. */
#include "png.h"

#include "../core/fileio.h"

#include <SDL_image.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The encoder's output, grown as it writes. */
typedef struct {
    unsigned char *data;
    size_t len, cap, pos;
    int failed;
} Memory;

static size_t SDLCALL memory_write(SDL_RWops *rw, const void *p, size_t size, size_t num)
{
    Memory *m = rw->hidden.unknown.data1;
    size_t n = size * num;
    if (m->pos + n > m->cap) {
        size_t cap = m->cap ? m->cap : 1 << 16;
        while (cap < m->pos + n)
            cap *= 2;
        unsigned char *g = realloc(m->data, cap);
        if (!g) {
            m->failed = 1;
            return 0;
        }
        m->data = g, m->cap = cap;
    }
    memcpy(m->data + m->pos, p, n);
    m->pos += n;
    m->len = m->pos > m->len ? m->pos : m->len;
    return num;
}

static Sint64 SDLCALL memory_seek(SDL_RWops *rw, Sint64 offset, int whence)
{
    Memory *m = rw->hidden.unknown.data1;
    Sint64 base = whence == RW_SEEK_SET ? 0 : whence == RW_SEEK_CUR ? (Sint64)m->pos : (Sint64)m->len;
    if (base + offset < 0 || (size_t)(base + offset) > m->len)
        return -1;
    m->pos = (size_t)(base + offset);
    return (Sint64)m->pos;
}

static Sint64 SDLCALL memory_size(SDL_RWops *rw)
{
    return (Sint64)((Memory *)rw->hidden.unknown.data1)->len;
}

static int SDLCALL memory_close(SDL_RWops *rw)
{
    SDL_FreeRW(rw);
    return 0;
}

int png_write(SDL_Surface *s, const char *path, char *err, size_t errlen)
{
    Memory m = {0};
    SDL_RWops *rw = SDL_AllocRW();
    if (!rw) {
        snprintf(err, errlen, "%s: cannot write: out of memory", path);
        return -1;
    }
    rw->write = memory_write;
    rw->seek = memory_seek;
    rw->size = memory_size;
    rw->close = memory_close;
    rw->hidden.unknown.data1 = &m;
    int bad = IMG_SavePNG_RW(s, rw, 1) != 0; /* closes rw */
    if (bad || m.failed) {
        snprintf(err, errlen, "%s: cannot encode the PNG: %s", path, m.failed ? "out of memory" : IMG_GetError());
        free(m.data);
        return -1;
    }
    const void *parts[1] = {m.data};
    size_t lens[1] = {m.len};
    int r = file_write_parts(path, 1, parts, lens, err, errlen);
    free(m.data);
    return r;
}
