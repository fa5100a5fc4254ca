/* render.c: a software rasteriser for the draw commands of ui/draw.h, writing straight into
 * the pixels of a 32-bit surface. Leaves out everything GPU (SDL_Renderer) so the window, a
 * PNG export and a test under the dummy video driver all get the same pixels.
 *
 * Blending is "over" with 8-bit channels at byte positions, done on all four bytes alike
 * (two at a time in one 32-bit multiply): the source's alpha byte is 255, so the target's
 * alpha becomes a + (1 - a) * dst_a, and a format without alpha keeps its padding byte 0.
 * That is why any 32-bit format with 8-bit channels works without per-format code. */
#include "render.h"

#include <assert.h>
#include <stdatomic.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* An opaque rectangle later in the list, clipped: whatever is filled under it before it is
 * painted over, so the fills before it leave that part out (fill_rect). */
typedef struct {
    size_t index;       /* its command */
    int x0, y0, x1, y1; /* end exclusive */
} Occluder;

/* Only rectangles of at least this many pixels hide others (the panels, the plot areas):
 * few enough to test against each fill, and the small ones would save little. */
#define OCCLUDER_MIN_PIXELS 4096
#define OCCLUDERS_MAX 32

/* render_draw_list splits a surface of at least this many pixels with a list of at least
 * this many commands into two bands drawn on two threads. */
#define RENDER_SPLIT_MIN_PIXELS (512 * 384)
#define RENDER_SPLIT_MIN_CMDS 256

typedef struct {
    uint8_t *pixels;
    int pitch;
    const SDL_PixelFormat *fmt;
    int x0, y0, x1, y1; /* clip, end exclusive; always inside the band */
    int w, top, h;      /* the band: columns 0 .. w-1, rows top .. h-1 of the surface */
    Color last;          /* the colour map_color saw last (a is 0 before any), */
    uint32_t last_pixel; /* and its pixel value */
    const Occluder *occ; /* the list's occluders, in command order */
    int n_occ;
    size_t cmd; /* the command being drawn */
} Canvas;

static inline uint32_t *row_at(const Canvas *cv, int y)
{
    return (uint32_t *)(cv->pixels + (size_t)y * (size_t)cv->pitch);
}

/* The rectangle (x, y, w, h) cut by the clip into [b[0], b[2]) x [b[1], b[3]); false if
 * nothing is left. */
static int clip_box(const Canvas *cv, int64_t x, int64_t y, int64_t w, int64_t h, int64_t b[4])
{
    b[0] = x > cv->x0 ? x : cv->x0, b[1] = y > cv->y0 ? y : cv->y0;
    b[2] = x + w < cv->x1 ? x + w : cv->x1, b[3] = y + h < cv->y1 ? y + h : cv->y1;
    return b[0] < b[2] && b[1] < b[3];
}

/* Source colour with alpha byte 255 (0 in a format without alpha); SDL_MapRGBA only when the
 * colour changes (a frame has thousands of commands and a few dozen colours). */
static inline uint32_t map_color(Canvas *cv, Color c)
{
    if (cv->last.a == 0 || cv->last.r != c.r || cv->last.g != c.g || cv->last.b != c.b) {
        cv->last = (Color){c.r, c.g, c.b, 255};
        cv->last_pixel = SDL_MapRGBA(cv->fmt, c.r, c.g, c.b, 255);
    }
    return cv->last_pixel;
}

/* fmax and fmin, inline (GCC calls libm's for them): the other argument where one is NaN. */
static inline double dmax(double a, double b) { return a > b || b != b ? a : b; }
static inline double dmin(double a, double b) { return a < b || b != b ? a : b; }

/* 0..255 -> 0..256, so that 255 is exactly opaque and 128 is very nearly half. */
static inline uint32_t alpha256(uint32_t a) { return a + (a >> 7); }

/* (src * a + dst * (256 - a)) / 256, rounded, on each of the four bytes, a in 0..256.
 * Each 16-bit lane holds at most 255 * 256 + 128, so lanes never carry into each other. */
static inline uint32_t blend(uint32_t d, uint32_t s, uint32_t a)
{
    uint32_t na = 256 - a;
    uint32_t rb = ((s & 0x00ff00ffu) * a + (d & 0x00ff00ffu) * na + 0x00800080u) >> 8;
    uint32_t ag = (((s >> 8) & 0x00ff00ffu) * a + ((d >> 8) & 0x00ff00ffu) * na + 0x00800080u) >> 8;
    return (rb & 0x00ff00ffu) | ((ag & 0x00ff00ffu) << 8);
}

/* Pixels x0 .. x1-1 of row y, already clipped. */
static void span(const Canvas *cv, int y, int x0, int x1, uint32_t src, uint32_t a)
{
    if (x0 >= x1 || a == 0)
        return;
    uint32_t *p = row_at(cv, y);
    if (a >= 256) {
        /* Eight pixels per copy (wide stores): GCC -O2 does not vectorise the plain loop. */
        uint32_t eight[8] = {src, src, src, src, src, src, src, src};
        int x = x0;
        for (; x + 8 <= x1; x += 8)
            memcpy(p + x, eight, sizeof eight);
        for (; x < x1; x++)
            p[x] = src;
    } else {
        for (int x = x0; x < x1; x++)
            p[x] = blend(p[x], src, a);
    }
}

/* One pixel (clipped by the caller) covered by the fraction cov of the colour's alpha. */
static inline void plot(const Canvas *cv, int x, int y, uint32_t src, uint32_t a, double cov)
{
    if (cov <= 0.0)
        return;
    uint32_t aa = cov >= 1.0 ? a : (uint32_t)(cov * a + 0.5);
    if (aa == 0)
        return;
    uint32_t *p = row_at(cv, y) + x;
    *p = aa >= 256 ? src : blend(*p, src, aa);
}

/* Row y of [x0, x1) less what the occluders in `hide` cover of it. */
static void span_uncovered(const Canvas *cv, const Occluder *const *hide, int n, int y, int x0, int x1,
                           uint32_t src, uint32_t a)
{
    int lo[OCCLUDERS_MAX], hi[OCCLUDERS_MAX], m = 0;
    for (int k = 0; k < n; k++) {
        if (y < hide[k]->y0 || y >= hide[k]->y1)
            continue;
        int i = m++; /* insertion by start */
        for (; i > 0 && lo[i - 1] > hide[k]->x0; i--)
            lo[i] = lo[i - 1], hi[i] = hi[i - 1];
        lo[i] = hide[k]->x0, hi[i] = hide[k]->x1;
    }
    int x = x0;
    for (int i = 0; i < m && x < x1; i++) {
        if (hi[i] <= x)
            continue;
        span(cv, y, x, lo[i] < x1 ? lo[i] : x1, src, a); /* nothing when lo <= x */
        x = hi[i];
    }
    span(cv, y, x, x1, src, a);
}

static void fill_rect(Canvas *cv, int64_t x, int64_t y, int64_t w, int64_t h, Color c)
{
    int64_t b[4];
    if (!clip_box(cv, x, y, w, h, b) || c.a == 0)
        return;
    int64_t x0 = b[0], y0 = b[1], x1 = b[2], y1 = b[3];
    uint32_t src = map_color(cv, c), a = alpha256(c.a);
    const Occluder *hide[OCCLUDERS_MAX];
    int n = 0;
    for (int k = cv->n_occ - 1; k >= 0 && cv->occ[k].index > cv->cmd; k--) { /* the later ones */
        const Occluder *o = &cv->occ[k];
        if (o->x0 < x1 && o->x1 > x0 && o->y0 < y1 && o->y1 > y0)
            hide[n++] = o;
    }
    for (int64_t yy = y0; yy < y1; yy++) {
        if (n)
            span_uncovered(cv, hide, n, (int)yy, (int)x0, (int)x1, src, a);
        else
            span(cv, (int)yy, (int)x0, (int)x1, src, a);
    }
}

static void draw_frame_cmd(Canvas *cv, Rect r, Color c, float thickness)
{
    if (r.w <= 0 || r.h <= 0)
        return;
    int t = isfinite(thickness) && thickness > 1.0f ? (int)lroundf(fminf(thickness, 1e6f)) : 1;
    if (2 * (int64_t)t >= r.w || 2 * (int64_t)t >= r.h) {
        fill_rect(cv, r.x, r.y, r.w, r.h, c);
        return;
    }
    /* Four pieces that do not overlap, so a translucent frame is even. */
    fill_rect(cv, r.x, r.y, r.w, t, c);
    fill_rect(cv, r.x, (int64_t)r.y + r.h - t, r.w, t, c);
    fill_rect(cv, r.x, (int64_t)r.y + t, t, (int64_t)r.h - 2 * t, c);
    fill_rect(cv, (int64_t)r.x + r.w - t, (int64_t)r.y + t, t, (int64_t)r.h - 2 * t, c);
}

/* Rows of pixel centres within [lo, hi] that are inside the clip; false if none. */
static int row_range(const Canvas *cv, double lo, double hi, int *ya, int *yb)
{
    lo = dmax(ceil(lo), cv->y0);
    hi = dmin(floor(hi), cv->y1 - 1);
    if (!(lo <= hi))
        return 0;
    *ya = (int)lo, *yb = (int)hi;
    return 1;
}

static int col_range(const Canvas *cv, double lo, double hi, int *xa, int *xb)
{
    lo = dmax(ceil(lo), cv->x0);
    hi = dmin(floor(hi), cv->x1 - 1);
    if (!(lo <= hi))
        return 0;
    *xa = (int)lo, *xb = (int)hi;
    return 1;
}

static void aa_run(const Canvas *cv, int y, int xa, int xb, double cx, double dy2, double ro,
                   double rh, uint32_t src, uint32_t a)
{
    for (int x = xa; x <= xb; x++) {
        double dx = x - cx, d = sqrt(dx * dx + dy2);
        double cov = dmin(dmax(ro - d, 0.0), 1.0);
        if (rh > -1.0)
            cov *= dmin(dmax(d - rh, 0.0), 1.0);
        plot(cv, x, y, src, a, cov);
    }
}

/* A disc (inner <= 0) or the annulus between radii inner and outer, anti-aliased over one
 * pixel: coverage = clamp(outer + 1/2 - d) * clamp(d - (inner - 1/2)). Each row is cut into
 * the runs that need a distance per pixel and, for a disc, one run of full pixels. */
static void draw_annulus(Canvas *cv, double cx, double cy, double outer, double inner,
                         Color c)
{
    if (!(outer > 0.0) || c.a == 0)
        return;
    uint32_t src = map_color(cv, c), a = alpha256(c.a);
    double ro = outer + 0.5;                      /* beyond: nothing */
    double rf = outer - 0.5;                      /* within (for a disc): full */
    double rh = inner > 0.0 ? inner - 0.5 : -2.0; /* within: the hole; -2: none */
    int ya, yb;
    if (!row_range(cv, cy - ro, cy + ro, &ya, &yb))
        return;
    for (int y = ya; y <= yb; y++) {
        double dy = y - cy, dy2 = dy * dy;
        if (dy2 >= ro * ro)
            continue;
        double xo = sqrt(ro * ro - dy2);
        int xa, xb;
        if (!col_range(cv, cx - xo, cx + xo, &xa, &xb))
            continue;
        if (rh > 0.0 && dy2 < rh * rh) { /* two runs either side of the hole */
            double xh = sqrt(rh * rh - dy2);
            aa_run(cv, y, xa, (int)dmin(floor(cx - xh), xb), cx, dy2, ro, rh, src, a);
            aa_run(cv, y, (int)dmax(ceil(cx + xh), xa), xb, cx, dy2, ro, rh, src, a);
        } else if (rh <= -1.0 && rf > 0.0 && dy2 < rf * rf) { /* disc: edge, full, edge */
            double xf = sqrt(rf * rf - dy2);
            int fa = (int)dmax(ceil(cx - xf), xa), fb = (int)dmin(floor(cx + xf), xb);
            if (fa > fb) {
                aa_run(cv, y, xa, xb, cx, dy2, ro, rh, src, a);
                continue;
            }
            aa_run(cv, y, xa, fa - 1, cx, dy2, ro, rh, src, a);
            span(cv, y, fa, fb + 1, src, a);
            aa_run(cv, y, fb + 1, xb, cx, dy2, ro, rh, src, a);
        } else {
            aa_run(cv, y, xa, xb, cx, dy2, ro, rh, src, a);
        }
    }
}

/* Cuts the segment to the box along its major axis, so far-off coordinates become small
 * ones (a diverging plot may hand us 1e30). Along the major axis, not by the usual
 * parameter t: y = ay + (x - ax) * dy/dx keeps a horizontal line from -1e30 to 1e30 exactly
 * on its row, where A + t (B - A) would lose all precision. False if nothing is left. */
static int clip_segment(double *ax, double *ay, double *bx, double *by, double x0, double y0,
                        double x1, double y1)
{
    int xmajor = fabs(*bx - *ax) >= fabs(*by - *ay);
    /* Work on (u, v) = (major, minor) coordinates. */
    double au = xmajor ? *ax : *ay, av = xmajor ? *ay : *ax;
    double bu = xmajor ? *bx : *by, bv = xmajor ? *by : *bx;
    double ulo = xmajor ? x0 : y0, uhi = xmajor ? x1 : y1;
    double vlo = xmajor ? y0 : x0, vhi = xmajor ? y1 : x1;
    if (bu < au) {
        double t = au;
        au = bu, bu = t;
        t = av, av = bv, bv = t;
    }
    if (bu < ulo || au > uhi)
        return 0;
    if (bu > au) {
        double slope = (bv - av) / (bu - au), su = au, sv = av;
        if (au < ulo)
            au = ulo, av = sv + (ulo - su) * slope;
        if (bu > uhi)
            bu = uhi, bv = sv + (uhi - su) * slope;
    }
    if ((av < vlo && bv < vlo) || (av > vhi && bv > vhi))
        return 0;
    *ax = xmajor ? au : av, *ay = xmajor ? av : au;
    *bx = xmajor ? bu : bv, *by = xmajor ? bv : bu;
    return 1;
}

/* A capsule of half-width hw around the segment: coverage = clamp(hw + 1/2 - distance). */
static void draw_line_cmd(Canvas *cv, double ax, double ay, double bx, double by,
                          double thickness, Color c)
{
    if (c.a == 0)
        return;
    double hw = 0.5 * dmax(thickness, 1.0);
    double R = hw + 0.5;
    double pad = R + 2.0;
    if (!clip_segment(&ax, &ay, &bx, &by, cv->x0 - pad, cv->y0 - pad, cv->x1 + pad, cv->y1 + pad))
        return;
    double dx = bx - ax, dy = by - ay, L2 = dx * dx + dy * dy;
    if (L2 < 1e-12) {
        draw_annulus(cv, ax, ay, hw, -1.0, c);
        return;
    }
    uint32_t src = map_color(cv, c), a = alpha256(c.a);
    double L = sqrt(L2), RL = R * L, inv_L = 1.0 / L;
    double inv_dy = fabs(dy) > 1e-9 ? 1.0 / dy : 0.0; /* used only then */
    double full = hw > 0.5 ? hw - 0.5 : -1.0, none2 = R * R;
    double bx0 = dmin(ax, bx) - R, bx1 = dmax(ax, bx) + R;
    int ya, yb;
    if (!row_range(cv, dmin(ay, by) - R, dmax(ay, by) + R, &ya, &yb))
        return;
    for (int y = ya; y <= yb; y++) {
        double ry = y - ay;
        /* The row's part of the slab |cross(D, P - A)| <= R |D|, within the bounding box. */
        double lo = bx0, hi = bx1;
        if (fabs(dy) > 1e-9) {
            double u = (dx * ry - RL) * inv_dy, v = (dx * ry + RL) * inv_dy;
            lo = dmax(lo, ax + dmin(u, v));
            hi = dmin(hi, ax + dmax(u, v));
        } else if (fabs(dx * ry) > RL) {
            continue;
        }
        int xa, xb;
        if (!col_range(cv, lo, hi, &xa, &xb))
            continue;
        uint32_t *p = row_at(cv, y);
        for (int x = xa; x <= xb; x++) {
            /* Beside the segment (its projection inside it) the distance is the one to the
             * line, |cross| / L, without a square root; beyond an end, the one to that end. */
            double rx = x - ax, along = rx * dx + ry * dy, d;
            if (along >= 0.0 && along <= L2) {
                d = fabs(rx * dy - ry * dx) * inv_L;
            } else {
                double ex = along < 0.0 ? rx : rx - dx, ey = along < 0.0 ? ry : ry - dy;
                double d2 = ex * ex + ey * ey;
                if (d2 >= none2)
                    continue;
                d = sqrt(d2);
            }
            if (d >= R)
                continue;
            if (d <= full) {
                p[x] = a >= 256 ? src : blend(p[x], src, a);
                continue;
            }
            plot(cv, x, y, src, a, R - d);
        }
    }
}

/* Whether a text command can show inside the clip, before its mask is looked up: off the
 * clip below or right, or above it by more than a line (about `size` high), it is not even
 * rasterised, so long scrolled lists cost nothing. */
static int text_visible(const Canvas *cv, const DrawCmd *cmd)
{
    if (cmd->size <= 0 || cmd->color.a == 0 || !isfinite(cmd->x0) || !isfinite(cmd->y0))
        return 0;
    if (fabsf(cmd->x0) > 1e8f || fabsf(cmd->y0) > 1e8f)
        return 0;
    int ox = (int)lroundf(cmd->x0), oy = (int)lroundf(cmd->y0);
    return !(ox >= cv->x1 || oy >= cv->y1 || (int64_t)oy + 2 * (int64_t)cmd->size < cv->y0);
}

static void draw_text_mask(Canvas *cv, const DrawCmd *cmd, const TextMask *m)
{
    int ox = (int)lroundf(cmd->x0), oy = (int)lroundf(cmd->y0);
    int x0 = ox > cv->x0 ? ox : cv->x0, y0 = oy > cv->y0 ? oy : cv->y0;
    int x1 = ox + m->w < cv->x1 ? ox + m->w : cv->x1, y1 = oy + m->h < cv->y1 ? oy + m->h : cv->y1;
    uint32_t src = map_color(cv, cmd->color), ca = alpha256(cmd->color.a);
    for (int y = y0; y < y1; y++) {
        const uint8_t *mrow = m->alpha + (size_t)(y - oy) * m->pitch;
        uint32_t *p = row_at(cv, y);
        for (int x = x0; x < x1; x++) {
            uint32_t k = mrow[x - ox];
            if (!k)
                continue;
            uint32_t aa = (alpha256(k) * ca) >> 8;
            p[x] = aa >= 256 ? src : blend(p[x], src, aa);
        }
    }
}

/* Nearest pixel: target column x of the rect samples source column
 * floor((x - r.x + 1/2) * iw / r.w), stepped without a division per pixel. */
static void draw_image_cmd(const Canvas *cv, const DrawList *dl, const DrawCmd *cmd)
{
    Rect r = cmd->rect;
    int iw = cmd->iw, ih = cmd->ih;
    if (r.w <= 0 || r.h <= 0 || iw <= 0 || ih <= 0)
        return;
    assert(cmd->pixels + (size_t)iw * ih * 4 <= dl->pixels_len);
    const uint8_t *img = dl->pixels + cmd->pixels;
    int64_t b[4];
    if (!clip_box(cv, r.x, r.y, r.w, r.h, b))
        return;
    int64_t x0 = b[0], y0 = b[1], x1 = b[2], y1 = b[3];
    const SDL_PixelFormat *f = cv->fmt;
    int64_t D = 2 * (int64_t)r.w, num0 = (2 * (x0 - r.x) + 1) * iw;
    int64_t q0 = num0 / D, rem0 = num0 % D;
    int64_t stepq = (2 * (int64_t)iw) / D, stepr = (2 * (int64_t)iw) % D;
    for (int64_t y = y0; y < y1; y++) {
        int64_t sy = ((2 * (y - r.y) + 1) * ih) / (2 * (int64_t)r.h);
        const uint8_t *srow = img + (size_t)sy * (size_t)iw * 4;
        uint32_t *p = row_at(cv, (int)y);
        int64_t q = q0, rem = rem0;
        for (int64_t x = x0; x < x1; x++) {
            const uint8_t *s = srow + q * 4;
            uint32_t sa = s[3];
            if (sa) {
                uint32_t src = ((uint32_t)s[0] << f->Rshift) | ((uint32_t)s[1] << f->Gshift) |
                               ((uint32_t)s[2] << f->Bshift) | f->Amask;
                p[x] = sa == 255 ? src : blend(p[x], src, alpha256(sa));
            }
            q += stepq;
            rem += stepr;
            if (rem >= D)
                rem -= D, q++;
        }
    }
}

static void set_clip(Canvas *cv, Rect r)
{
    cv->x0 = 0, cv->y0 = cv->top, cv->x1 = cv->w, cv->y1 = cv->h;
    if (r.w == 0)
        return;
    int64_t x1 = (int64_t)r.x + r.w, y1 = (int64_t)r.y + r.h;
    if (r.x > cv->x0)
        cv->x0 = r.x < cv->w ? r.x : cv->w;
    if (r.y > cv->y0)
        cv->y0 = r.y < cv->h ? r.y : cv->h;
    if (x1 < cv->x1)
        cv->x1 = x1 > cv->x0 ? (int)x1 : cv->x0;
    if (y1 < cv->y1)
        cv->y1 = y1 > cv->y0 ? (int)y1 : cv->y0;
}

static int finite4(const DrawCmd *c)
{
    return isfinite(c->x0) && isfinite(c->y0) && isfinite(c->x1) && isfinite(c->y1);
}

/* Circles and rings: non-finite or absurd centres or radii draw nothing. */
static int centre_ok(const DrawCmd *c)
{
    return isfinite(c->x0) && isfinite(c->y0) && isfinite(c->r) && fabsf(c->x0) < 1e8f &&
           fabsf(c->y0) < 1e8f;
}

/* The list's opaque rectangles of at least OCCLUDER_MIN_PIXELS, as its clips cut them, in
 * command order (the last OCCLUDERS_MAX of them: the first fills, the big backgrounds, are
 * the ones that benefit). The canvas's clip is left as the list starts. */
static int find_occluders(Canvas *cv, const DrawList *dl, Occluder *occ)
{
    int n = 0;
    for (size_t i = 0; i < dl->n; i++) {
        const DrawCmd *cmd = &dl->cmds[i];
        if (cmd->kind == CMD_CLIP) {
            set_clip(cv, cmd->rect);
            continue;
        }
        if (cmd->kind != CMD_RECT || cmd->color.a != 255)
            continue;
        Rect r = cmd->rect;
        int64_t b[4];
        if (!clip_box(cv, r.x, r.y, r.w, r.h, b) || (b[2] - b[0]) * (b[3] - b[1]) < OCCLUDER_MIN_PIXELS)
            continue;
        if (n == OCCLUDERS_MAX) { /* keep the later ones: drop the first */
            memmove(occ, occ + 1, (OCCLUDERS_MAX - 1) * sizeof *occ);
            n--;
        }
        occ[n++] = (Occluder){i, (int)b[0], (int)b[1], (int)b[2], (int)b[3]};
    }
    set_clip(cv, (Rect){0, 0, 0, 0});
    return n;
}

/* A band of rows and what it needs to draw the list there: its own clip, colour and
 * occluders, and the texts' masks looked up beforehand (masks) or as it goes (fonts). */
typedef struct {
    Canvas cv;
    const DrawList *dl;
    Fonts *fonts;          /* with masks NULL */
    const TextMask *masks; /* one per CMD_TEXT in list order; alpha NULL: not drawn */
    double seconds;        /* how long the band took */
} Band;

static void draw_band(Band *bd)
{
    Canvas *cv = &bd->cv;
    const DrawList *dl = bd->dl;
    double t0 = (double)SDL_GetPerformanceCounter();
    Occluder occ[OCCLUDERS_MAX];
    cv->occ = occ;
    cv->n_occ = find_occluders(cv, dl, occ);
    size_t k = 0; /* texts so far */
    for (size_t i = 0; i < dl->n; i++) {
        const DrawCmd *cmd = &dl->cmds[i];
        cv->cmd = i;
        switch (cmd->kind) {
        case CMD_RECT:
            fill_rect(cv, cmd->rect.x, cmd->rect.y, cmd->rect.w, cmd->rect.h, cmd->color);
            break;
        case CMD_FRAME:
            draw_frame_cmd(cv, cmd->rect, cmd->color, cmd->thickness);
            break;
        case CMD_LINE:
            if (finite4(cmd) && !isnan(cmd->thickness))
                draw_line_cmd(cv, cmd->x0, cmd->y0, cmd->x1, cmd->y1, dmin(cmd->thickness, 1e6), cmd->color);
            break;
        case CMD_CIRCLE:
            if (centre_ok(cmd))
                draw_annulus(cv, cmd->x0, cmd->y0, dmin(cmd->r, 1e8), -1.0, cmd->color);
            break;
        case CMD_RING:
            if (centre_ok(cmd) && !isnan(cmd->thickness)) {
                double outer = dmin(cmd->r, 1e8);
                draw_annulus(cv, cmd->x0, cmd->y0, outer, outer - dmax(cmd->thickness, 1.0), cmd->color);
            }
            break;
        case CMD_TEXT: {
            assert(cmd->text < dl->text_len);
            TextMask m = {NULL, 0, 0, 0};
            size_t at = k++;
            if (!text_visible(cv, cmd))
                break;
            if (bd->masks)
                m = bd->masks[at];
            else if (bd->fonts && fonts_text_mask(bd->fonts, dl->text + cmd->text, cmd->size, &m) != 0)
                m.alpha = NULL;
            if (m.alpha)
                draw_text_mask(cv, cmd, &m);
            break;
        }
        case CMD_IMAGE:
            draw_image_cmd(cv, dl, cmd);
            break;
        case CMD_CLIP:
            set_clip(cv, cmd->rect);
            break;
        }
    }
    cv->occ = NULL, cv->n_occ = 0;
    bd->seconds = ((double)SDL_GetPerformanceCounter() - t0) / (double)SDL_GetPerformanceFrequency();
}

static int band_thread(void *ctx)
{
    draw_band(ctx);
    return 0;
}

/* Every text's mask that the whole surface could show, looked up here, on the caller's
 * thread (the font cache is not shared between threads): a band's clip lies inside the
 * surface's, so whatever text a band shows has its mask. NULL where the list has no text,
 * or where a lookup evicted an earlier one (drawn in one band then). *n gets the count. */
static TextMask *look_up_masks(Canvas cv, const DrawList *dl, Fonts *fonts, size_t *n)
{
    *n = 0;
    for (size_t i = 0; i < dl->n; i++)
        *n += dl->cmds[i].kind == CMD_TEXT;
    if (!*n || !fonts)
        return NULL;
    TextMask *masks = calloc(*n, sizeof *masks);
    if (!masks)
        return NULL;
    unsigned long evictions = fonts_evictions(fonts);
    size_t k = 0;
    for (size_t i = 0; i < dl->n; i++) {
        const DrawCmd *cmd = &dl->cmds[i];
        if (cmd->kind == CMD_CLIP)
            set_clip(&cv, cmd->rect);
        if (cmd->kind != CMD_TEXT)
            continue;
        if (text_visible(&cv, cmd) && fonts_text_mask(fonts, dl->text + cmd->text, cmd->size, &masks[k]) != 0)
            masks[k].alpha = NULL;
        k++;
    }
    if (fonts_evictions(fonts) != evictions) {
        free(masks);
        return NULL;
    }
    return masks;
}

/* Where render_draw_list splits a big surface: the share of rows above the split, moved each
 * frame towards where the two bands took equal time (the same pixels wherever it is). */
static _Atomic int split_permille = 500;

int render_draw_list_split(SDL_Surface *target, const DrawList *dl, Fonts *fonts, int split)
{
    const SDL_PixelFormat *f = target->format;
    /* Channels must be whole bytes: the byte-wise blend relies on it. */
    if (f->BytesPerPixel != 4 || f->Rloss || f->Gloss || f->Bloss || (f->Amask && f->Aloss) ||
        f->Rshift % 8 || f->Gshift % 8 || f->Bshift % 8 || f->Ashift % 8) {
        SDL_SetError("render_draw_list: the target must be 32-bit with 8-bit channels, not %s",
                     SDL_GetPixelFormatName(f->format));
        return -1;
    }
    int locked = SDL_MUSTLOCK(target);
    if (locked && SDL_LockSurface(target) != 0)
        return -1;
    Canvas whole = {target->pixels, target->pitch, f, 0, 0, target->w, target->h,
                    target->w, 0, target->h, {0, 0, 0, 0}, 0, NULL, 0, 0};
    split = split < 0 ? 0 : split > target->h ? target->h : split;
    size_t n_text = 0;
    TextMask *masks = split > 0 && split < target->h ? look_up_masks(whole, dl, fonts, &n_text) : NULL;
    Band top = {whole, dl, fonts, NULL, 0}, bottom = top;
    SDL_Thread *helper = NULL;
    if (split > 0 && split < target->h && (masks || !n_text || !fonts)) {
        top.cv.h = split;
        top.masks = masks;
        bottom.cv.top = split;
        bottom.masks = masks;
        top.cv.y1 = split, bottom.cv.y0 = split;
        helper = SDL_CreateThread(band_thread, "rnnlab-raster", &bottom);
        if (!helper) /* both here, one after the other */
            draw_band(&bottom);
    }
    draw_band(&top);
    if (helper) {
        SDL_WaitThread(helper, NULL);
        /* rows per second in each band: the split that gives them equal times */
        double a = top.seconds / top.cv.h, b = bottom.seconds / (target->h - bottom.cv.top);
        if (a > 0 && b > 0) {
            int want = (int)(1000.0 * b / (a + b)), now = split_permille;
            int next = (now + want) / 2;
            split_permille = next < 200 ? 200 : next > 800 ? 800 : next;
        }
    }
    free(masks);
    if (locked)
        SDL_UnlockSurface(target);
    return 0;
}

/* Two bands on two threads for a big surface with a long list (a window's frame) when the
 * machine has a second core; a small one in one go (a thread would cost more than it saves). */
int render_draw_list(SDL_Surface *target, const DrawList *dl, Fonts *fonts)
{
    static _Atomic int cpus = 0;
    if (!cpus)
        cpus = SDL_GetCPUCount();
    int split = target->h;
    if (cpus > 1 && (int64_t)target->w * target->h >= RENDER_SPLIT_MIN_PIXELS && dl->n >= RENDER_SPLIT_MIN_CMDS)
        split = (int)((int64_t)target->h * split_permille / 1000);
    return render_draw_list_split(target, dl, fonts, split);
}

SDL_Surface *render_surface_create(int w, int h)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (s)
        SDL_FillRect(s, NULL, 0);
    return s;
}

void render_surface_destroy(SDL_Surface *s) { SDL_FreeSurface(s); }
