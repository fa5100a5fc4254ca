/* font.c: finding the font file (fontconfig), one TTF_Font per pixel height opened on
 * first use, and an LRU cache of text rasterised by SDL2_ttf, kept as 8-bit coverage so
 * one entry serves every colour. No drawing into targets: see render.c. */
#include "font.h"

#include "../core/fileio.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <fontconfig/fontconfig.h>

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FONT_MAX_SIZE 256 /* pixel heights above this are drawn at this height */
#define FONT_MAX_BYTES ((size_t)64 << 20) /* DejaVu Sans is 0.7 MB; the largest CJK fonts ~20 */

/* A frame shows ~150 texts; the cache holds several frames' worth so that a frame's texts
 * never evict each other (an LRU smaller than a cyclic working set would always miss). */
#define CACHE_SLOTS 1024
#define CACHE_BUCKETS 2048 /* power of two */
#define CACHE_MAX_BYTES ((size_t)16 << 20)

/* Widths measured: a frame measures ~360 texts (layout, ellipsis fitting), 0.42 ms through
 * TTF_SizeUTF8 each frame, and the start screen's wrapped paragraphs ~900 of up to 200
 * bytes (25-40 ms a frame at 1024x768 when only texts under 48 bytes were remembered).
 * Remembered in sets of two by hash, the less recently used of a set replaced; a text of
 * WIDTH_TEXT bytes or more is kept in its own allocation (up to WIDTH_LONG_MAX). */
#define WIDTH_SETS 4096 /* power of two; two entries each */
#define WIDTH_TEXT 48
#define WIDTH_LONG_MAX 4096

/* What fonts_warm renders at each size, so that SDL_ttf holds every glyph's metrics and
 * pixels before the first frame: the symbols the UI's own labels use, then the printable
 * ASCII (last, because SDL_ttf keeps a glyph in slot index mod 256: where two collide, the
 * ASCII one stays). */
static const char WARM_TEXT[] = "\u00b7\u00d7\u2014\u2026\u2192\u2191\u2193\u2022\u03c3\u25b8\u25c2\u25be\u25b4\u25cf\u25cb\u2630"
                                " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                "[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";

typedef struct {
    uint32_t hash, used; /* used: the clock at the last use, 0 for an empty entry */
    int size, w;
    size_t len;
    char *long_text; /* the text when len >= WIDTH_TEXT, else NULL and in text */
    char text[WIDTH_TEXT];
} WidthEntry;

typedef struct {
    char *text; /* NULL: slot free */
    size_t len;
    int size;
    uint32_t hash;
    int w, h;
    uint8_t *alpha;
    int prev, next; /* LRU list, most recent at head */
    int chain;      /* next slot in the same hash bucket */
} CacheEntry;

struct Fonts {
    char *path;
    unsigned char *data; /* the font file, read once: every size opens from it */
    size_t data_len;
    double pt_per_px; /* point size giving one pixel of line height */
    TTF_Font *by_size[FONT_MAX_SIZE + 1];
    uint8_t failed[FONT_MAX_SIZE + 1]; /* opening this size failed: do not retry each frame */
    CacheEntry slot[CACHE_SLOTS];
    int bucket[CACHE_BUCKETS];
    int free_slots[CACHE_SLOTS];
    int n_free;
    int head, tail;
    size_t bytes;
    unsigned long evictions; /* masks dropped: see fonts_evictions */
    WidthEntry widths[WIDTH_SETS][2];
    uint32_t width_clock;
    SDL_Thread *warming; /* fonts_warm's thread, until the first use waits for it */
    int warm_sizes[FONTS_WARM_MAX];
    int n_warm;
};

static uint32_t hash_key(const char *text, size_t len, int size);
static TTF_Font *font_for(Fonts *f, int size);

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* The file fontconfig picks for `name` (its best substitute when that family is absent). */
static int fc_match(FcConfig *cfg, const char *name, char *out, size_t outlen)
{
    FcPattern *pat = FcNameParse((const FcChar8 *)name);
    if (!pat)
        return -1;
    FcConfigSubstitute(cfg, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult res;
    FcPattern *match = FcFontMatch(cfg, pat, &res);
    int status = -1;
    FcChar8 *file = NULL;
    if (match && FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch && file) {
        snprintf(out, outlen, "%s", (const char *)file);
        status = 0;
    }
    if (match)
        FcPatternDestroy(match);
    FcPatternDestroy(pat);
    return status;
}

/* Reads `path` into memory once (every size opens from there: FreeType then reads glyphs
 * with memcpy, not with a seek and a read system call each), opens it at a reference size
 * to check it is a usable font, and learns the ratio of point size to line height. */
static int probe_font(Fonts *f, const char *path)
{
    unsigned char *data = NULL;
    size_t len = 0;
    FileStatus st = file_read_all(path, FONT_MAX_BYTES, &data, &len);
    if (st != FILE_OK) {
        char why[512];
        file_read_error(why, sizeof why, path, st, errno, FONT_MAX_BYTES, "a font is a TTF or OTF file");
        TTF_SetError("%s", why);
        return -1;
    }
    SDL_RWops *rw = SDL_RWFromConstMem(data, (int)len);
    TTF_Font *font = rw ? TTF_OpenFontRW(rw, 1, 100) : NULL;
    if (!font) {
        free(data);
        return -1;
    }
    int h = TTF_FontHeight(font);
    TTF_CloseFont(font);
    if (h <= 0) {
        free(data);
        TTF_SetError("font has no line height");
        return -1;
    }
    free(f->path);
    free(f->data);
    f->path = strdup(path);
    f->data = data;
    f->data_len = len;
    if (!f->path) {
        TTF_SetError("out of memory");
        return -1;
    }
    f->pt_per_px = 100.0 / h;
    return 0;
}

static void cache_init(Fonts *f)
{
    for (int i = 0; i < CACHE_BUCKETS; i++)
        f->bucket[i] = -1;
    for (int i = 0; i < CACHE_SLOTS; i++)
        f->free_slots[i] = CACHE_SLOTS - 1 - i;
    f->n_free = CACHE_SLOTS;
    f->head = f->tail = -1;
    f->bytes = 0;
}

Fonts *fonts_open(const char *path_or_null, char *err, size_t errlen)
{
    if (TTF_Init() != 0) {
        set_err(err, errlen, "cannot initialise SDL2_ttf: %s", TTF_GetError());
        return NULL;
    }
    Fonts *f = calloc(1, sizeof *f);
    if (!f) {
        TTF_Quit();
        set_err(err, errlen, "out of memory opening the font");
        return NULL;
    }
    cache_init(f);
    if (path_or_null) {
        /* a FIFO or a directory is named at once, before SDL_ttf could block on it */
        int fd;
        size_t size;
        FileStatus st = file_open_regular(path_or_null, FONT_MAX_BYTES, &fd, &size);
        if (st != FILE_OK) {
            char name[4200];
            snprintf(name, sizeof name, "--font %s", path_or_null);
            file_read_error(err, errlen, name, st, errno, FONT_MAX_BYTES, "a font is a TTF or OTF file");
            fonts_close(f);
            return NULL;
        }
        close(fd);
        if (probe_font(f, path_or_null) != 0) {
            set_err(err, errlen, "cannot open font '%s': %s", path_or_null, TTF_GetError());
            fonts_close(f);
            return NULL;
        }
        return f;
    }

    /* A private configuration, dropped again with FcFini: we only need a file name. */
    static const char *const names[2] = {"DejaVu Sans", "sans-serif"};
    char tried[2][1024] = {"", ""};
    char why[2][256] = {"", ""};
    int opened = 0;
    FcConfig *cfg = FcInitLoadConfigAndFonts();
    for (int i = 0; cfg && i < 2 && !opened; i++) {
        if (fc_match(cfg, names[i], tried[i], sizeof tried[i]) != 0)
            continue;
        if (probe_font(f, tried[i]) == 0)
            opened = 1;
        else
            snprintf(why[i], sizeof why[i], "%s", TTF_GetError());
    }
    if (cfg)
        FcConfigDestroy(cfg);
    FcFini();
    if (opened)
        return f;
    if (!tried[0][0] && !tried[1][0])
        set_err(err, errlen,
                "no font found: fontconfig matched nothing for 'DejaVu Sans' or 'sans-serif'; "
                "install fonts-dejavu-core or pass --font PATH");
    else
        set_err(err, errlen,
                "no usable font: fontconfig matched 'DejaVu Sans' -> '%s' (%s), "
                "'sans-serif' -> '%s' (%s); install fonts-dejavu-core or pass --font PATH",
                tried[0][0] ? tried[0] : "nothing", why[0][0] ? why[0] : "not tried",
                tried[1][0] ? tried[1] : "nothing", why[1][0] ? why[1] : "not tried");
    fonts_close(f);
    return NULL;
}

/* fonts_warm's thread: each size opened and WARM_TEXT measured and rendered once (SDL_ttf
 * keeps the glyphs; the picture itself is dropped). Nothing else touches f meanwhile. */
static int warm_thread(void *ctx)
{
    Fonts *f = ctx;
    for (int i = 0; i < f->n_warm; i++) {
        TTF_Font *font = font_for(f, f->warm_sizes[i]);
        SDL_Surface *s = font ? TTF_RenderUTF8_Blended(font, WARM_TEXT, (SDL_Color){255, 255, 255, 255}) : NULL;
        SDL_FreeSurface(s);
    }
    return 0;
}

/* Waits for fonts_warm's thread: every other function starts here. */
static void settle(Fonts *f)
{
    if (f->warming) {
        SDL_WaitThread(f->warming, NULL);
        f->warming = NULL;
    }
}

void fonts_warm(Fonts *f, const int *sizes)
{
    settle(f);
    f->n_warm = 0;
    while (sizes && f->n_warm < FONTS_WARM_MAX && sizes[f->n_warm] > 0) {
        f->warm_sizes[f->n_warm] = sizes[f->n_warm];
        f->n_warm++;
    }
    if (f->n_warm)
        f->warming = SDL_CreateThread(warm_thread, "rnnlab-fonts", f); /* NULL: warmed on use */
}

void fonts_close(Fonts *f)
{
    if (!f)
        return;
    settle(f);
    for (int i = 0; i < CACHE_SLOTS; i++) {
        free(f->slot[i].alpha);
        free(f->slot[i].text);
    }
    for (int i = 0; i < WIDTH_SETS; i++)
        free(f->widths[i][0].long_text), free(f->widths[i][1].long_text);
    for (int s = 0; s <= FONT_MAX_SIZE; s++)
        if (f->by_size[s])
            TTF_CloseFont(f->by_size[s]);
    free(f->path);
    free(f->data); /* after every font that reads it is closed */
    free(f);
    TTF_Quit();
}


static int clamp_size(int size)
{
    return size < 1 ? 1 : size > FONT_MAX_SIZE ? FONT_MAX_SIZE : size;
}

static TTF_Font *font_for(Fonts *f, int size)
{
    size = clamp_size(size);
    if (!f->by_size[size] && !f->failed[size]) {
        long pt = lround(size * f->pt_per_px);
        SDL_RWops *rw = SDL_RWFromConstMem(f->data, (int)f->data_len);
        f->by_size[size] = rw ? TTF_OpenFontRW(rw, 1, pt < 1 ? 1 : (int)pt) : NULL;
        f->failed[size] = !f->by_size[size];
    }
    return f->by_size[size];
}

int fonts_line_height(Fonts *f, int size)
{
    settle(f);
    TTF_Font *font = font_for(f, size);
    return font ? TTF_FontHeight(font) : 0;
}

static const char *width_text(const WidthEntry *e)
{
    return e->long_text ? e->long_text : e->text;
}

/* The width cache's clock, for an entry just used (0 marks an empty entry: skipped). */
static uint32_t width_tick(Fonts *f)
{
    if (++f->width_clock == 0)
        f->width_clock = 1;
    return f->width_clock;
}

static int measure_width(void *ctx, const char *text, int size)
{
    Fonts *f = ctx;
    settle(f);
    size_t len = strlen(text);
    WidthEntry *set = NULL;
    uint32_t hash = 0;
    if (len < WIDTH_LONG_MAX) {
        hash = hash_key(text, len, size);
        set = f->widths[hash & (WIDTH_SETS - 1)];
        for (int i = 0; i < 2; i++) {
            WidthEntry *e = &set[i];
            if (e->used && e->hash == hash && e->size == size && e->len == len && !memcmp(width_text(e), text, len)) {
                e->used = width_tick(f);
                return e->w;
            }
        }
    }
    TTF_Font *font = font_for(f, size);
    int w = 0;
    if (!font || !text[0] || TTF_SizeUTF8(font, text, &w, NULL) != 0)
        return 0; /* not remembered: a font that failed may open later */
    if (set) {
        WidthEntry *e = set[0].used <= set[1].used ? &set[0] : &set[1]; /* empty, or used longer ago */
        char *copy = NULL;
        if (len >= WIDTH_TEXT && !(copy = malloc(len + 1)))
            return w; /* measured, not remembered */
        free(e->long_text);
        e->long_text = copy;
        memcpy(copy ? copy : e->text, text, len + 1);
        e->hash = hash, e->size = size, e->w = w, e->len = len;
        e->used = width_tick(f);
    }
    return w;
}

TextMeasure fonts_measure(Fonts *f)
{
    TextMeasure m = {f, measure_width};
    return m;
}

/* ---- the text cache ---- */

static uint32_t hash_key(const char *text, size_t len, int size)
{
    uint32_t h = 2166136261u ^ (uint32_t)size; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (uint8_t)text[i]) * 16777619u;
    return h;
}

static void lru_unlink(Fonts *f, int i)
{
    CacheEntry *e = &f->slot[i];
    if (e->prev >= 0)
        f->slot[e->prev].next = e->next;
    else
        f->head = e->next;
    if (e->next >= 0)
        f->slot[e->next].prev = e->prev;
    else
        f->tail = e->prev;
}

static void lru_push_front(Fonts *f, int i)
{
    CacheEntry *e = &f->slot[i];
    e->prev = -1;
    e->next = f->head;
    if (f->head >= 0)
        f->slot[f->head].prev = i;
    f->head = i;
    if (f->tail < 0)
        f->tail = i;
}

static void cache_evict(Fonts *f, int i)
{
    CacheEntry *e = &f->slot[i];
    int *link = &f->bucket[e->hash & (CACHE_BUCKETS - 1)];
    while (*link != i) {
        assert(*link >= 0);
        link = &f->slot[*link].chain;
    }
    *link = e->chain;
    lru_unlink(f, i);
    f->bytes -= (size_t)e->w * (size_t)e->h;
    f->evictions++;
    free(e->text);
    free(e->alpha);
    memset(e, 0, sizeof *e);
    f->free_slots[f->n_free++] = i;
}

/* Renders white text with SDL2_ttf and keeps only its alpha channel. */
static uint8_t *rasterise(TTF_Font *font, const char *text, int *w, int *h)
{
    SDL_Color white = {255, 255, 255, 255};
    SDL_Surface *s = TTF_RenderUTF8_Blended(font, text, white);
    if (!s)
        return NULL;
    if (s->format->format != SDL_PIXELFORMAT_ARGB8888) {
        SDL_Surface *c = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0);
        SDL_FreeSurface(s);
        if (!c)
            return NULL;
        s = c;
    }
    uint8_t *alpha = malloc((size_t)s->w * (size_t)s->h + 1);
    if (alpha && SDL_LockSurface(s) == 0) {
        for (int y = 0; y < s->h; y++) {
            const uint8_t *bytes = (const uint8_t *)s->pixels + (size_t)y * s->pitch;
            const uint32_t *row = (const uint32_t *)bytes;
            for (int x = 0; x < s->w; x++)
                alpha[(size_t)y * s->w + x] = (uint8_t)(row[x] >> 24);
        }
        SDL_UnlockSurface(s);
        *w = s->w;
        *h = s->h;
    } else {
        free(alpha);
        alpha = NULL;
    }
    SDL_FreeSurface(s);
    return alpha;
}

unsigned long fonts_evictions(const Fonts *f)
{
    return f->evictions;
}

int fonts_text_mask(Fonts *f, const char *text, int size, TextMask *out)
{
    settle(f);
    size = clamp_size(size);
    size_t len = strlen(text);
    if (!len)
        return -1;
    uint32_t hash = hash_key(text, len, size);
    int *bucket = &f->bucket[hash & (CACHE_BUCKETS - 1)];
    for (int i = *bucket; i >= 0; i = f->slot[i].chain) {
        CacheEntry *e = &f->slot[i];
        if (e->hash == hash && e->size == size && e->len == len && !memcmp(e->text, text, len)) {
            if (f->head != i) {
                lru_unlink(f, i);
                lru_push_front(f, i);
            }
            out->alpha = e->alpha;
            out->w = out->pitch = e->w;
            out->h = e->h;
            return 0;
        }
    }

    TTF_Font *font = font_for(f, size);
    if (!font)
        return -1;
    int w = 0, h = 0;
    uint8_t *alpha = rasterise(font, text, &w, &h);
    char *copy = alpha ? malloc(len + 1) : NULL;
    if (!copy) {
        free(alpha);
        return -1;
    }
    memcpy(copy, text, len + 1);
    size_t bytes = (size_t)w * (size_t)h;
    while (f->tail >= 0 && (f->n_free == 0 || f->bytes + bytes > CACHE_MAX_BYTES))
        cache_evict(f, f->tail);
    assert(f->n_free > 0);
    int i = f->free_slots[--f->n_free];
    CacheEntry *e = &f->slot[i];
    e->text = copy;
    e->len = len;
    e->size = size;
    e->hash = hash;
    e->w = w;
    e->h = h;
    e->alpha = alpha;
    e->chain = *bucket;
    *bucket = i;
    lru_push_front(f, i);
    f->bytes += bytes;
    out->alpha = alpha;
    out->w = out->pitch = w;
    out->h = h;
    return 0;
}
