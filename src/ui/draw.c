/* draw.c: appending commands, their text and their pixels to growable arrays. Draws
 * nothing itself: see platform/render.c. */
#include "draw.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void draw_init(DrawList *dl) { memset(dl, 0, sizeof *dl); }

void draw_free(DrawList *dl)
{
    free(dl->pixels);
    free(dl->text);
    free(dl->cmds);
    memset(dl, 0, sizeof *dl);
}

void draw_clear(DrawList *dl, int width, int height)
{
    dl->n = 0;
    dl->text_len = 0;
    dl->pixels_len = 0;
    dl->width = width;
    dl->height = height;
    dl->n_keys = 0;
}

static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return p;
    size_t cap2 = *cap ? *cap : 256;
    while (cap2 < need)
        cap2 *= 2;
    void *q = realloc(p, cap2 * elem);
    assert(q); /* the UI cannot go on without memory for one frame */
    *cap = cap2;
    return q;
}

static DrawCmd *push(DrawList *dl, CmdKind kind, Color c)
{
    dl->cmds = grow(dl->cmds, &dl->cap, dl->n + 1, sizeof(DrawCmd));
    DrawCmd *cmd = &dl->cmds[dl->n++];
    memset(cmd, 0, sizeof *cmd);
    cmd->kind = kind;
    cmd->color = c;
    return cmd;
}

void draw_rect(DrawList *dl, Rect r, Color c)
{
    if (r.w > 0 && r.h > 0 && c.a > 0)
        push(dl, CMD_RECT, c)->rect = r;
}

void draw_frame(DrawList *dl, Rect r, Color c, float thickness)
{
    DrawCmd *cmd = push(dl, CMD_FRAME, c);
    cmd->rect = r;
    cmd->thickness = thickness;
}

void draw_line(DrawList *dl, float x0, float y0, float x1, float y1, Color c, float thickness)
{
    DrawCmd *cmd = push(dl, CMD_LINE, c);
    cmd->x0 = x0, cmd->y0 = y0, cmd->x1 = x1, cmd->y1 = y1;
    cmd->thickness = thickness;
}

void draw_circle(DrawList *dl, float cx, float cy, float radius, Color c)
{
    DrawCmd *cmd = push(dl, CMD_CIRCLE, c);
    cmd->x0 = cx, cmd->y0 = cy, cmd->r = radius;
}

void draw_ring(DrawList *dl, float cx, float cy, float radius, Color c, float thickness)
{
    DrawCmd *cmd = push(dl, CMD_RING, c);
    cmd->x0 = cx, cmd->y0 = cy, cmd->r = radius;
    cmd->thickness = thickness;
}

void draw_text(DrawList *dl, int x, int y, int size, Color c, const char *text)
{
    size_t len = strlen(text);
    if (!len)
        return;
    dl->text = grow(dl->text, &dl->text_cap, dl->text_len + len + 1, 1);
    memcpy(dl->text + dl->text_len, text, len + 1);
    DrawCmd *cmd = push(dl, CMD_TEXT, c);
    cmd->x0 = (float)x, cmd->y0 = (float)y;
    cmd->size = size;
    cmd->text = dl->text_len;
    dl->text_len += len + 1;
}

uint8_t *draw_image(DrawList *dl, Rect r, int iw, int ih, const uint8_t *rgba_pixels)
{
    size_t bytes = (size_t)iw * ih * 4;
    dl->pixels = grow(dl->pixels, &dl->pixels_cap, dl->pixels_len + bytes, 1);
    uint8_t *dst = dl->pixels + dl->pixels_len;
    if (rgba_pixels)
        memcpy(dst, rgba_pixels, bytes);
    DrawCmd *cmd = push(dl, CMD_IMAGE, rgba(255, 255, 255, 255));
    cmd->rect = r;
    cmd->iw = iw, cmd->ih = ih;
    cmd->pixels = dl->pixels_len;
    dl->pixels_len += bytes;
    return dst;
}

void draw_key(DrawList *dl, Color c, int dash, int marker, Rect plot, const char *label)
{
    if (dl->n_keys >= DRAW_MAX_KEYS)
        return;
    DrawKey *k = &dl->keys[dl->n_keys++];
    k->color = c, k->dash = dash, k->marker = marker, k->plot = plot;
    snprintf(k->label, sizeof k->label, "%s", label ? label : "");
}

void draw_clip(DrawList *dl, Rect r) { push(dl, CMD_CLIP, rgba(0, 0, 0, 0))->rect = r; }

void draw_unclip(DrawList *dl)
{
    Rect none = {0, 0, 0, 0};
    push(dl, CMD_CLIP, rgba(0, 0, 0, 0))->rect = none;
}
