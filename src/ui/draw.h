/* draw.h: the list of drawing commands the UI produces and the platform layer renders,
 * into the window or into an offscreen surface (same pixels for the screen, a PNG and a
 * test). Coordinates are pixels of the target, origin top left. No SDL here. */
#ifndef RNNLAB_DRAW_H
#define RNNLAB_DRAW_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint8_t r, g, b, a;
} Color;

typedef struct {
    int x, y, w, h;
} Rect;

typedef enum {
    CMD_RECT,      /* filled rectangle, alpha-blended */
    CMD_FRAME,     /* rectangle outline, `thickness` pixels inward */
    CMD_LINE,      /* a segment from (x0, y0) to (x1, y1), `thickness` pixels wide */
    CMD_CIRCLE,    /* filled disc centred at (x0, y0), radius r */
    CMD_RING,      /* circle outline centred at (x0, y0), radius r, `thickness` wide */
    CMD_TEXT,      /* UTF-8 text, top-left at (x0, y0), `size` pixels high */
    CMD_IMAGE,     /* an RGBA image of iw x ih pixels stretched over rect, nearest pixel */
    CMD_CLIP,      /* later commands draw only inside rect (w = 0: no clipping) */
} CmdKind;

typedef struct {
    CmdKind kind;
    Color color;
    Rect rect;
    float x0, y0, x1, y1, r;
    float thickness;
    int size;          /* text height in pixels */
    size_t text;       /* offset of a NUL-terminated string in DrawList.text */
    size_t pixels;     /* offset of iw*ih RGBA pixels (4 bytes each) in DrawList.pixels */
    int iw, ih;
    int dash;          /* CMD_LINE: the dash pattern of the plot line it is a piece of (0 solid);
                        * the renderer ignores it, tests read it */
} DrawCmd;

/* What a legend names, recorded as it is drawn so that tests can check that the curves
 * it names differ in more than hue. The renderer ignores these. */
#define DRAW_MAX_KEYS 32
typedef struct {
    Color color;
    int dash;          /* the line's dash pattern (0 solid), or -1: no line */
    int marker;        /* the marker's shape, or -1: none */
    Rect plot;         /* the plot area it belongs to */
    char label[48];
} DrawKey;

/* Grows as needed; draw_clear keeps the memory for the next frame. */
typedef struct {
    DrawCmd *cmds;
    size_t n, cap;
    char *text;
    size_t text_len, text_cap;
    uint8_t *pixels;
    size_t pixels_len, pixels_cap;
    int width, height; /* of the target */
    DrawKey keys[DRAW_MAX_KEYS]; /* this frame's legend entries (the first DRAW_MAX_KEYS) */
    int n_keys;
} DrawList;

void draw_init(DrawList *dl);
void draw_free(DrawList *dl);
void draw_clear(DrawList *dl, int width, int height);

void draw_rect(DrawList *dl, Rect r, Color c);
void draw_frame(DrawList *dl, Rect r, Color c, float thickness);
void draw_line(DrawList *dl, float x0, float y0, float x1, float y1, Color c, float thickness);
void draw_circle(DrawList *dl, float cx, float cy, float radius, Color c);
void draw_ring(DrawList *dl, float cx, float cy, float radius, Color c, float thickness);
void draw_text(DrawList *dl, int x, int y, int size, Color c, const char *text);
/* Copies iw*ih RGBA pixels into the list; returns a pointer to the copy (to fill in place
 * when rgba is NULL). */
uint8_t *draw_image(DrawList *dl, Rect r, int iw, int ih, const uint8_t *rgba);
/* Records a legend entry (dropped past DRAW_MAX_KEYS). */
void draw_key(DrawList *dl, Color c, int dash, int marker, Rect plot, const char *label);
void draw_clip(DrawList *dl, Rect r);
void draw_unclip(DrawList *dl);

/* Text measurement, supplied by the platform (SDL2_ttf) or by tests (a fixed-width fake). */
typedef struct {
    void *ctx;
    int (*width)(void *ctx, const char *text, int size);
} TextMeasure;

static inline Color rgba(int r, int g, int b, int a)
{
    Color c = {(uint8_t)r, (uint8_t)g, (uint8_t)b, (uint8_t)a};
    return c;
}

static inline int rect_contains(Rect r, int x, int y)
{
    return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;
}

#endif
