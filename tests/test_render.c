/* test_render.c: the software renderer's pixels for every draw command (where shapes must
 * and must not be, never the pixels of glyphs), fonts, PNG export, and the time of a
 * typical frame. Runs under SDL's dummy video driver, so it needs no display. */
#include "check.h"

#include "../src/ui/draw.h"
#include "../src/platform/font.h"
#include "../src/platform/png.h"
#include "../src/platform/render.h"

#include <SDL.h>
#include <SDL_image.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define W 160
#define H 120

static Color pixel(SDL_Surface *s, int x, int y)
{
    assert_true(x >= 0 && y >= 0 && x < s->w && y < s->h);
    const uint8_t *p = (const uint8_t *)s->pixels + (size_t)y * s->pitch + (size_t)x * 4;
    uint32_t v;
    memcpy(&v, p, 4);
    Color c;
    SDL_GetRGBA(v, s->format, &c.r, &c.g, &c.b, &c.a);
    return c;
}

#define assert_pixel(s, x, y, R, G, B) assert_pixel_impl(s, x, y, R, G, B, 0, __FILE__, __LINE__)
#define assert_pixel_near(s, x, y, R, G, B, tol) \
    assert_pixel_impl(s, x, y, R, G, B, tol, __FILE__, __LINE__)
static void assert_pixel_impl(SDL_Surface *s, int x, int y, int r, int g, int b, int tol,
                              const char *file, int line)
{
    Color c = pixel(s, x, y);
    if (abs(c.r - r) > tol || abs(c.g - g) > tol || abs(c.b - b) > tol) {
        print_error("%s:%d: pixel (%d, %d) is (%d, %d, %d), expected (%d, %d, %d) +- %d\n", file,
                    line, x, y, c.r, c.g, c.b, r, g, b, tol);
        _fail(file, line);
    }
}

static int is_color(SDL_Surface *s, int x, int y, Color want)
{
    Color c = pixel(s, x, y);
    return c.r == want.r && c.g == want.g && c.b == want.b;
}

/* A black opaque canvas of W x H and an empty list for it. */
static SDL_Surface *canvas(DrawList *dl, uint32_t format)
{
    SDL_Surface *s = format ? SDL_CreateRGBSurfaceWithFormat(0, W, H, 32, format)
                            : render_surface_create(W, H);
    assert_non_null(s);
    SDL_FillRect(s, NULL, SDL_MapRGBA(s->format, 0, 0, 0, 255));
    draw_init(dl);
    draw_clear(dl, W, H);
    return s;
}

static void render(SDL_Surface *s, DrawList *dl, Fonts *fonts)
{
    if (render_draw_list(s, dl, fonts) != 0)
        fail_msg("render_draw_list: %s", SDL_GetError());
}

static int rnd(unsigned *seed, int n)
{
    *seed = *seed * 1103515245u + 12345u;
    return (int)((*seed >> 16) % (unsigned)n);
}

/* Random lists of every kind of command (translucent ones too, text across the split,
 * clips), drawn in one band and in two on two threads split at several rows: the same
 * pixels. The last list has more texts than the font cache holds, so looking their masks
 * up beforehand evicts some and the list is drawn in one band after all. */
static void test_two_bands_give_the_pixels_of_one(void **state)
{
    Fonts *fonts = *state;
    unsigned seed = 777;
#define RND(n) rnd(&seed, n)
    static uint8_t img[7 * 5 * 4];
    for (int i = 0; i < 7 * 5 * 4; i++)
        img[i] = (uint8_t)(i * 37 + (i % 4 == 3 ? 200 : 0));
    char buf[64];
    for (int trial = 0; trial < 31; trial++) {
        DrawList dl;
        SDL_Surface *one = canvas(&dl, 0), *two = render_surface_create(W, H);
        assert_non_null(two);
        int n = trial == 30 ? 1400 : 20 + RND(120);
        for (int k = 0; k < n; k++) {
            Rect r = {RND(W + 40) - 20, RND(H + 40) - 20, RND(W / 2 + 20), RND(H / 2 + 20)};
            Color c = rgba(RND(256), RND(256), RND(256), RND(3) ? 255 : RND(256));
            float x0 = (float)(RND(W * 10 + 400) - 200) / 10, y0 = (float)(RND(H * 10 + 400) - 200) / 10;
            float x1 = x0 + (float)(RND(600) - 300) / 10, y1 = y0 + (float)(RND(600) - 300) / 10;
            switch (trial == 30 ? 7 : RND(11)) {
            case 0: draw_clip(&dl, r); break;
            case 1: draw_unclip(&dl); break;
            case 2: draw_frame(&dl, r, c, (float)(1 + RND(4))); break;
            case 3: draw_circle(&dl, x0, y0, (float)RND(30), c); break;
            case 4: draw_ring(&dl, x0, y0, (float)RND(30), c, (float)(1 + RND(5))); break;
            case 5: draw_image(&dl, r, 7, 5, img); break;
            case 6:
            case 7:
                snprintf(buf, sizeof buf, "%s %d", RND(2) ? "Wg" : "loss", trial == 30 ? k : RND(50));
                draw_text(&dl, (int)x0, (int)y0, 8 + RND(40), c, buf);
                break;
            case 8: draw_rect(&dl, r, c); break;
            default: draw_line(&dl, x0, y0, x1, y1, c, (float)RND(40) / 8); break;
            }
        }
        if (render_draw_list_split(one, &dl, fonts, H) != 0)
            fail_msg("render_draw_list_split: %s", SDL_GetError());
        const int splits[] = {H / 2, 1, H - 1, 0, 1 + RND(H - 2)};
        for (size_t i = 0; i < sizeof splits / sizeof splits[0]; i++) {
            SDL_FillRect(two, NULL, SDL_MapRGBA(two->format, 0, 0, 0, 255));
            if (render_draw_list_split(two, &dl, fonts, splits[i]) != 0)
                fail_msg("render_draw_list_split: %s", SDL_GetError());
            if (memcmp(one->pixels, two->pixels, (size_t)one->pitch * H) != 0)
                fail_msg("trial %d (%d commands): split at row %d changes pixels", trial, n, splits[i]);
        }
        draw_free(&dl);
        SDL_FreeSurface(one);
        SDL_FreeSurface(two);
    }
#undef RND
}

/* Fills left out under a later opaque rectangle (render.c's occluders) change no pixel:
 * random lists of opaque and translucent rectangles, frames, discs and clips, drawn whole
 * and then one command at a time (each alone in a list, after the clip in force). */
static void test_fills_hidden_by_later_rectangles_give_the_same_pixels(void **state)
{
    (void)state;
    unsigned seed = 12345;
#define RND(n) rnd(&seed, n)
    for (int trial = 0; trial < 40; trial++) {
        DrawList dl, one;
        SDL_Surface *whole = canvas(&dl, 0), *apart = canvas(&one, 0);
        int n = 5 + RND(40);
        for (int k = 0; k < n; k++) {
            Rect r;
            r.x = RND(W + 40) - 20, r.y = RND(H + 40) - 20, r.w = RND(W + 20), r.h = RND(H + 20);
            Color c;
            c.r = (uint8_t)RND(256), c.g = (uint8_t)RND(256), c.b = (uint8_t)RND(256);
            c.a = (uint8_t)(RND(3) ? 255 : RND(256));
            switch (RND(8)) {
            case 0: draw_clip(&dl, r); break;
            case 1: draw_unclip(&dl); break;
            case 2: draw_frame(&dl, r, c, (float)(1 + RND(4))); break;
            case 3: draw_circle(&dl, (float)r.x, (float)r.y, (float)RND(30), c); break;
            default: draw_rect(&dl, r, c); break;
            }
        }
        render(whole, &dl, NULL);
        Rect clip = {0, 0, 0, 0};
        for (size_t k = 0; k < dl.n; k++) {
            if (dl.cmds[k].kind == CMD_CLIP) {
                clip = dl.cmds[k].rect;
                continue;
            }
            draw_clear(&one, W, H);
            if (clip.w)
                draw_clip(&one, clip);
            const DrawCmd *c = &dl.cmds[k];
            if (c->kind == CMD_RECT)
                draw_rect(&one, c->rect, c->color);
            else if (c->kind == CMD_FRAME)
                draw_frame(&one, c->rect, c->color, c->thickness);
            else
                draw_circle(&one, c->x0, c->y0, c->r, c->color);
            render(apart, &one, NULL);
        }
        assert_memory_equal(whole->pixels, apart->pixels, (size_t)whole->pitch * H);
        draw_free(&dl);
        draw_free(&one);
        SDL_FreeSurface(whole);
        SDL_FreeSurface(apart);
    }
#undef RND
}

static void test_rect_fills_its_interior_and_nothing_outside(void **state)
{
    (void)state;
    /* The same pixels whatever order the target's channels are in. */
    const uint32_t formats[] = {0, SDL_PIXELFORMAT_XRGB8888, SDL_PIXELFORMAT_ABGR8888,
                                SDL_PIXELFORMAT_RGBA8888, SDL_PIXELFORMAT_BGRA8888};
    for (size_t f = 0; f < sizeof formats / sizeof formats[0]; f++) {
        DrawList dl;
        SDL_Surface *s = canvas(&dl, formats[f]);
        draw_rect(&dl, (Rect){20, 30, 40, 25}, rgba(200, 100, 50, 255));
        render(s, &dl, NULL);
        for (int y = 30; y < 55; y++)
            for (int x = 20; x < 60; x++)
                assert_pixel(s, x, y, 200, 100, 50);
        for (int x = 19; x <= 60; x++) {
            assert_pixel(s, x, 29, 0, 0, 0);
            assert_pixel(s, x, 55, 0, 0, 0);
        }
        for (int y = 29; y <= 55; y++) {
            assert_pixel(s, 19, y, 0, 0, 0);
            assert_pixel(s, 60, y, 0, 0, 0);
        }
        /* Partly outside the surface: clipped, no crash. */
        draw_clear(&dl, W, H);
        draw_rect(&dl, (Rect){-50, H - 5, W + 100, 100}, rgba(0, 255, 0, 255));
        render(s, &dl, NULL);
        assert_pixel(s, 0, H - 1, 0, 255, 0);
        assert_pixel(s, W - 1, H - 5, 0, 255, 0);
        assert_pixel(s, W - 1, H - 6, 0, 0, 0);
        draw_free(&dl);
        SDL_FreeSurface(s);
    }
}

static void test_rect_with_alpha_128_blends_half_way(void **state)
{
    (void)state;
    DrawList dl;
    SDL_Surface *s = canvas(&dl, 0);
    draw_rect(&dl, (Rect){0, 0, W / 2, H}, rgba(255, 255, 255, 255));
    draw_rect(&dl, (Rect){10, 10, W - 20, 20}, rgba(200, 0, 100, 128));
    render(s, &dl, NULL);
    /* over black: 200 * 128/255 = 100.4; over white: 200 * 128/255 + 255 * 127/255 = 227.4 */
    assert_pixel_near(s, W - 20, 20, 100, 0, 50, 1);
    assert_pixel_near(s, 20, 20, 227, 127, 177, 1);
    assert_int_equal(pixel(s, 20, 20).a, 255); /* an opaque target stays opaque */
    /* On a transparent target the alpha itself is what accumulates. */
    SDL_Surface *t = render_surface_create(8, 8);
    assert_non_null(t);
    draw_clear(&dl, 8, 8);
    draw_rect(&dl, (Rect){0, 0, 8, 8}, rgba(255, 0, 0, 128));
    render(t, &dl, NULL);
    assert_int_equal(pixel(t, 3, 3).a, 128);
    draw_free(&dl);
    SDL_FreeSurface(t);
    SDL_FreeSurface(s);
}

static void test_frame_draws_its_border_inward_and_leaves_the_interior(void **state)
{
    (void)state;
    DrawList dl;
    SDL_Surface *s = canvas(&dl, 0);
    draw_frame(&dl, (Rect){10, 10, 50, 40}, rgba(255, 255, 0, 255), 3);
    render(s, &dl, NULL);
    for (int i = 0; i < 3; i++) {
        assert_pixel(s, 30, 10 + i, 255, 255, 0); /* top */
        assert_pixel(s, 30, 49 - i, 255, 255, 0); /* bottom */
        assert_pixel(s, 10 + i, 30, 255, 255, 0); /* left */
        assert_pixel(s, 59 - i, 30, 255, 255, 0); /* right */
    }
    for (int y = 13; y < 47; y++)
        for (int x = 13; x < 57; x++)
            assert_pixel(s, x, y, 0, 0, 0);
    assert_pixel(s, 9, 30, 0, 0, 0);
    assert_pixel(s, 60, 30, 0, 0, 0);
    assert_pixel(s, 30, 9, 0, 0, 0);
    assert_pixel(s, 30, 50, 0, 0, 0);
    /* A translucent frame has no darker corners: its sides do not overlap. */
    draw_clear(&dl, W, H);
    draw_frame(&dl, (Rect){80, 10, 30, 30}, rgba(255, 255, 255, 128), 2);
    render(s, &dl, NULL);
    assert_true(is_color(s, 80, 10, pixel(s, 95, 10)));
    assert_true(is_color(s, 81, 11, pixel(s, 81, 25)));
    draw_free(&dl);
    SDL_FreeSurface(s);
}

static void test_thick_lines_colour_pixels_along_them_and_none_far_away(void **state)
{
    (void)state;
    DrawList dl;
    SDL_Surface *s = canvas(&dl, 0);
    Color red = rgba(255, 0, 0, 255);
    draw_line(&dl, 10, 20, 100, 20, red, 5);
    render(s, &dl, NULL);
    for (int x = 10; x <= 100; x++)
        for (int y = 18; y <= 22; y++) /* half-width 2.5 around row 20 */
            assert_pixel(s, x, y, 255, 0, 0);
    for (int x = 0; x < W; x++) {
        assert_pixel(s, x, 16, 0, 0, 0);
        assert_pixel(s, x, 24, 0, 0, 0);
    }
    assert_pixel(s, 106, 20, 0, 0, 0); /* beyond the round cap */
    assert_pixel(s, 4, 20, 0, 0, 0);

    /* A one-pixel line at integer coordinates is exactly one row. */
    draw_clear(&dl, W, H);
    draw_line(&dl, 10, 40, 60, 40, rgba(0, 255, 0, 255), 1);
    render(s, &dl, NULL);
    for (int x = 10; x <= 60; x++) {
        assert_pixel(s, x, 40, 0, 255, 0);
        assert_pixel(s, x, 39, 0, 0, 0);
        assert_pixel(s, x, 41, 0, 0, 0);
    }

    /* Diagonal: on the line fully coloured, 6 px off it (perpendicular) untouched. */
    SDL_FillRect(s, NULL, SDL_MapRGBA(s->format, 0, 0, 0, 255));
    draw_clear(&dl, W, H);
    draw_line(&dl, 20, 20, 100, 100, red, 4);
    render(s, &dl, NULL);
    for (int t = 20; t <= 100; t += 5) {
        assert_pixel(s, t, t, 255, 0, 0);
        assert_pixel(s, t + 1, t, 255, 0, 0); /* 0.7 px off: inside the 2 px half-width */
        if (t >= 30 && t <= 90) {
            assert_pixel(s, t + 5, t - 5, 0, 0, 0); /* 7.1 px off */
            assert_pixel(s, t - 5, t + 5, 0, 0, 0);
        }
    }
    int coloured = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            coloured += pixel(s, x, y).r > 0;
    /* Area of the capsule: length 113 * width 4 + caps, plus an anti-aliased fringe. */
    assert_in_range(coloured, 113 * 4, 113 * 6 + 40);
    draw_free(&dl);
    SDL_FreeSurface(s);
}

static void test_circle_covers_its_centre_and_nothing_beyond_its_radius(void **state)
{
    (void)state;
    DrawList dl;
    SDL_Surface *s = canvas(&dl, 0);
    draw_circle(&dl, 40, 40, 10, rgba(0, 0, 255, 255));
    draw_ring(&dl, 110, 60, 20, rgba(0, 255, 0, 255), 3);
    render(s, &dl, NULL);
    assert_pixel(s, 40, 40, 0, 0, 255);
    assert_pixel(s, 49, 40, 0, 0, 255);
    assert_pixel(s, 40, 31, 0, 0, 255);
    assert_pixel(s, 46, 46, 0, 0, 255); /* 8.5 from the centre */
    assert_pixel(s, 52, 40, 0, 0, 0);
    assert_pixel(s, 40, 28, 0, 0, 0);
    assert_pixel(s, 48, 48, 0, 0, 0); /* 11.3 from the centre */
    /* Ring: the rim between radius 17 and 20 is coloured, its inside and outside are not. */
    assert_pixel(s, 110, 60, 0, 0, 0);
    assert_pixel(s, 110 + 15, 60, 0, 0, 0);
    assert_pixel(s, 110 + 18, 60, 0, 255, 0);
    assert_pixel(s, 110, 60 - 18, 0, 255, 0);
    assert_pixel(s, 110, 60 + 22, 0, 0, 0);
    draw_free(&dl);
    SDL_FreeSurface(s);
}

static void test_2x2_image_stretched_over_40x40_gives_four_20x20_blocks(void **state)
{
    (void)state;
    DrawList dl;
    SDL_Surface *s = canvas(&dl, 0);
    const uint8_t img[16] = {255, 0, 0, 255, 0, 255, 0, 255, /* red, green */
                             0, 0, 255, 255, 255, 255, 255, 255}; /* blue, white */
    draw_image(&dl, (Rect){30, 20, 40, 40}, 2, 2, img);
    render(s, &dl, NULL);
    for (int y = 0; y < 40; y++)
        for (int x = 0; x < 40; x++) {
            int k = (y / 20) * 2 + x / 20;
            assert_pixel(s, 30 + x, 20 + y, img[4 * k], img[4 * k + 1], img[4 * k + 2]);
        }
    assert_pixel(s, 29, 30, 0, 0, 0);
    assert_pixel(s, 70, 30, 0, 0, 0);
    assert_pixel(s, 40, 60, 0, 0, 0);

    /* Alpha: a half-transparent white pixel over black, a transparent one leaves it. */
    const uint8_t see[8] = {255, 255, 255, 128, 255, 255, 255, 0};
    draw_clear(&dl, W, H);
    draw_image(&dl, (Rect){100, 0, 20, 10}, 2, 1, see);
    render(s, &dl, NULL);
    assert_pixel_near(s, 105, 5, 128, 128, 128, 1);
    assert_pixel(s, 115, 5, 0, 0, 0);

    /* Three source pixels over two: each target pixel takes the source pixel under its
     * centre (0.75 and 2.25 source pixels in), so the middle one is skipped. */
    const uint8_t three[12] = {255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255};
    draw_clear(&dl, W, H);
    draw_image(&dl, (Rect){0, 100, 2, 1}, 3, 1, three);
    draw_image(&dl, (Rect){10, 100, 1, 2}, 1, 3, three);
    render(s, &dl, NULL);
    assert_pixel(s, 0, 100, 255, 0, 0);
    assert_pixel(s, 1, 100, 0, 0, 255);
    assert_pixel(s, 10, 100, 255, 0, 0);
    assert_pixel(s, 10, 101, 0, 0, 255);

    /* Shrunk 3x, then partly off the surface: nearest pixels, no reads out of bounds. */
    uint8_t *big = draw_image(&dl, (Rect){W - 10, H - 10, 20, 20}, 60, 60, NULL);
    for (int i = 0; i < 60 * 60; i++) {
        big[4 * i] = (uint8_t)(i % 60 < 30 ? 255 : 0);
        big[4 * i + 1] = big[4 * i + 2] = 0;
        big[4 * i + 3] = 255;
    }
    render(s, &dl, NULL);
    assert_pixel(s, W - 1, H - 1, 255, 0, 0); /* column 9 of 20 samples source column 28 */
    draw_free(&dl);
    SDL_FreeSurface(s);
}

static void test_clip_stops_drawing_outside_and_w0_restores(void **state)
{
    (void)state;
    DrawList dl;
    SDL_Surface *s = canvas(&dl, 0);
    Color white = rgba(255, 255, 255, 255);
    draw_clip(&dl, (Rect){20, 20, 40, 30});
    draw_rect(&dl, (Rect){0, 0, W, H}, white);
    draw_line(&dl, 0, 100, W, 100, white, 3);
    draw_circle(&dl, 100, 90, 10, white);
    draw_unclip(&dl);
    draw_rect(&dl, (Rect){100, 100, 10, 10}, rgba(0, 255, 0, 255));
    render(s, &dl, NULL);
    int inside = 0, outside = 0;
    Rect clip = {20, 20, 40, 30};
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            if (rect_contains((Rect){100, 100, 10, 10}, x, y))
                continue;
            int lit = pixel(s, x, y).r > 0;
            if (rect_contains(clip, x, y))
                inside += lit;
            else
                outside += lit;
        }
    assert_int_equal(inside, 40 * 30);
    assert_int_equal(outside, 0);
    assert_pixel(s, 105, 105, 0, 255, 0); /* after w = 0, the whole surface again */
    /* A clip partly off the surface, and an empty one. */
    draw_clear(&dl, W, H);
    draw_clip(&dl, (Rect){W - 5, -10, 100, 20});
    draw_rect(&dl, (Rect){0, 0, W, H}, rgba(0, 0, 255, 255));
    draw_clip(&dl, (Rect){10, 10, 5, -3});
    draw_rect(&dl, (Rect){0, 0, W, H}, rgba(255, 0, 0, 255));
    render(s, &dl, NULL);
    assert_pixel(s, W - 1, 0, 0, 0, 255);
    assert_pixel(s, W - 1, 9, 0, 0, 255);
    assert_pixel(s, W - 1, 10, 0, 0, 0);
    assert_pixel(s, W - 6, 0, 0, 0, 0);
    assert_pixel(s, 11, 9, 0, 0, 0);
    draw_free(&dl);
    SDL_FreeSurface(s);
}

static void test_nonfinite_and_far_off_coordinates_draw_nothing_harmful(void **state)
{
    (void)state;
    DrawList dl;
    SDL_Surface *s = canvas(&dl, 0);
    Color c = rgba(255, 255, 255, 255);
    float nan = NAN, inf = INFINITY;
    draw_line(&dl, nan, 0, 10, 10, c, 2);
    draw_line(&dl, 0, 0, inf, 10, c, 2);
    draw_line(&dl, 0, 0, 10, 10, c, nan);
    draw_circle(&dl, nan, 10, 5, c);
    draw_circle(&dl, 10, 10, inf, c);
    draw_ring(&dl, 10, 10, 5, c, nan);
    draw_frame(&dl, (Rect){5, 5, 10, 10}, c, nan);
    draw_text(&dl, 0, 0, 12, c, "no fonts: skipped");
    render(s, &dl, NULL);
    for (int y = 20; y < H; y++) /* only the frame (as 1 px thick) reaches below row 15 */
        for (int x = 0; x < W; x++)
            assert_pixel(s, x, y, 0, 0, 0);
    /* Lines from far away: only their visible part is walked, and it is drawn. */
    draw_clear(&dl, W, H);
    draw_line(&dl, -1e30f, 60, 1e30f, 60, c, 1);
    draw_line(&dl, 80, -3e9f, 80, 3e9f, c, 1);
    render(s, &dl, NULL);
    assert_pixel(s, 0, 60, 255, 255, 255);
    assert_pixel(s, W - 1, 60, 255, 255, 255);
    assert_pixel(s, 80, 0, 255, 255, 255);
    assert_pixel(s, 80, H - 1, 255, 255, 255);
    assert_pixel(s, 40, 59, 0, 0, 0);
    draw_free(&dl);
    SDL_FreeSurface(s);
}

static void test_unsupported_target_format_is_refused(void **state)
{
    (void)state;
    DrawList dl;
    draw_init(&dl);
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, 8, 8, 16, SDL_PIXELFORMAT_RGB565);
    assert_non_null(s);
    draw_rect(&dl, (Rect){0, 0, 4, 4}, rgba(255, 0, 0, 255));
    assert_int_equal(render_draw_list(s, &dl, NULL), -1);
    assert_non_null(strstr(SDL_GetError(), "32-bit"));
    draw_free(&dl);
    SDL_FreeSurface(s);
}

static void test_text_changes_pixels_only_inside_its_measured_box(void **state)
{
    Fonts *fonts = *state;
    TextMeasure m = fonts_measure(fonts);
    DrawList dl;
    SDL_Surface *s = canvas(&dl, 0);
    const char *text = "Loss 0.0123 (Wq)";
    int size = 16;
    int tw = m.width(m.ctx, text, size);
    assert_in_range(tw, 60, 160);
    assert_true(m.width(m.ctx, "Loss 0.0123 (Wq) and more", size) > tw);
    assert_int_equal(m.width(m.ctx, "", size), 0);
    int lh = fonts_line_height(fonts, size);
    assert_in_range(lh, size - 1, size + 1);
    Rect box = {20, 30, tw, lh};
    draw_text(&dl, box.x, box.y, size, rgba(255, 255, 255, 255), text);
    render(s, &dl, fonts);
    int inside = 0, outside = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            int lit = pixel(s, x, y).r > 0;
            if (rect_contains(box, x, y))
                inside += lit;
            else
                outside += lit;
        }
    assert_true(inside > 50);
    assert_int_equal(outside, 0);

    /* Drawn again from the cache, in another colour and clipped: the same shape. */
    draw_free(&dl);
    SDL_Surface *s2 = canvas(&dl, 0);
    draw_clip(&dl, (Rect){0, 0, box.x + tw / 2, H});
    draw_text(&dl, box.x, box.y, size, rgba(0, 255, 0, 255), text);
    render(s2, &dl, fonts);
    for (int y = box.y; y < box.y + lh; y++)
        for (int x = box.x; x < box.x + tw; x++) {
            Color a = pixel(s, x, y), b = pixel(s2, x, y);
            assert_int_equal(b.r, 0);
            assert_int_equal(b.g, x < box.x + tw / 2 ? a.r : 0);
        }
    draw_free(&dl);
    SDL_FreeSurface(s2);
    SDL_FreeSurface(s);
}

static void test_text_sizes_scale_and_cache_survives_many_strings(void **state)
{
    Fonts *fonts = *state;
    TextMeasure m = fonts_measure(fonts);
    for (int size = 8; size <= 48; size += 8)
        assert_in_range(fonts_line_height(fonts, size), size - 1, size + 1);
    assert_true(m.width(m.ctx, "MMMM", 32) > m.width(m.ctx, "MMMM", 16) * 3 / 2);
    /* More distinct strings than the cache holds: entries are evicted, drawing goes on. */
    DrawList dl;
    SDL_Surface *s = canvas(&dl, 0);
    char buf[32];
    for (int round = 0; round < 3; round++) {
        draw_clear(&dl, W, H);
        for (int i = 0; i < 1500; i++) {
            snprintf(buf, sizeof buf, "%d", i * 7 + round);
            draw_text(&dl, (i * 13) % W, (i * 7) % H, 10 + i % 5, rgba(255, 255, 255, 255), buf);
        }
        render(s, &dl, fonts);
    }
    draw_free(&dl);
    SDL_FreeSurface(s);
}

/* Widths are remembered: the same text measures the same after thousands of others have
 * displaced it, at every size, and long texts (not remembered) measure as their pieces do. */
static void test_widths_are_the_same_when_remembered_and_displaced(void **state)
{
    Fonts *fonts = *state;
    TextMeasure m = fonts_measure(fonts);
    enum { N = 3000 };
    static int first[N];
    char buf[64];
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < N; i++) {
            snprintf(buf, sizeof buf, "%s %d", i % 2 ? "loss" : "W", i * 31);
            int w = m.width(m.ctx, buf, 10 + i % 7);
            if (round == 0)
                first[i] = w;
            else
                assert_int_equal(w, first[i]);
        }
    assert_int_equal(m.width(m.ctx, "abc", 16), m.width(m.ctx, "abc", 16));
    assert_true(m.width(m.ctx, "abc", 32) > m.width(m.ctx, "abc", 16));
    assert_int_equal(m.width(m.ctx, "", 14), 0);
    /* Long texts (a wrapped paragraph's lines, kept apart from the short ones) that share
     * their first hundred bytes: each keeps its own width, through rounds that displace. */
    enum { L = 600 };
    static int first_long[L];
    static char text[400];
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < L; i++) {
            int n = snprintf(text, sizeof text, "%s", "Backpropagation through time multiplies the gradient by one matrix per "
                                                      "step, and the slope of tanh there: ");
            for (int k = 0; k < i % 5 + 1; k++)
                n += snprintf(text + n, sizeof text - (size_t)n, "%s", i % 2 ? "WWW" : "iii");
            snprintf(text + n, sizeof text - (size_t)n, " %d", i);
            int w = m.width(m.ctx, text, 12 + i % 3);
            if (round == 0)
                first_long[i] = w;
            else if (w != first_long[i])
                fail_msg("round %d: '%s' measured %d, first %d", round, text, w, first_long[i]);
        }
    assert_true(first_long[1] > first_long[0]); /* ...WWW 1 against ...iii 0, the same size */
    const char *a = "a text longer than the short widths' 48 bytes, which ends in iiiiiiii";
    const char *b = "a text longer than the short widths' 48 bytes, which ends in WWWWWWWW";
    int wa = m.width(m.ctx, a, 14), wb = m.width(m.ctx, b, 14);
    assert_true(wb > wa);
    assert_int_equal(m.width(m.ctx, a, 14), wa);
    assert_int_equal(m.width(m.ctx, b, 14), wb);
}

static void test_opening_a_missing_font_names_it(void **state)
{
    (void)state;
    char err[512] = "";
    assert_null(fonts_open("/nonexistent/dir/font.ttf", err, sizeof err));
    if (!strstr(err, "/nonexistent/dir/font.ttf"))
        fail_msg("message '%s' does not name the path", err);
    /* A file that is not a font. */
    char dir[512], path[600];
    check_mkdtemp(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/not-a-font.ttf", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("hello", f);
    fclose(f);
    assert_null(fonts_open(path, err, sizeof err));
    if (!strstr(err, path))
        fail_msg("message '%s' does not name the path", err);
    check_rmdir(dir);
}

static void test_png_write_round_trips_and_leaves_no_tmp(void **state)
{
    (void)state;
    char dir[512], path[600], tmp[620], err[512];
    check_mkdtemp(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/frame.png", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    DrawList dl;
    SDL_Surface *s = canvas(&dl, 0);
    draw_rect(&dl, (Rect){0, 0, 10, 10}, rgba(255, 0, 0, 255));
    draw_rect(&dl, (Rect){W - 10, H - 10, 10, 10}, rgba(10, 200, 30, 255));
    render(s, &dl, NULL);
    for (int pass = 0; pass < 2; pass++) { /* the second write replaces the first */
        assert_int_equal(png_write(s, path, err, sizeof err), 0);
        assert_null(fopen(tmp, "rb"));
    }
    SDL_Surface *back = IMG_Load(path);
    if (!back)
        fail_msg("IMG_Load: %s", IMG_GetError());
    assert_int_equal(back->w, W);
    assert_int_equal(back->h, H);
    SDL_Surface *conv = SDL_ConvertSurfaceFormat(back, SDL_PIXELFORMAT_ARGB8888, 0);
    assert_non_null(conv);
    assert_pixel(conv, 5, 5, 255, 0, 0);
    assert_pixel(conv, W - 1, H - 1, 10, 200, 30);
    assert_pixel(conv, W / 2, H / 2, 0, 0, 0);
    SDL_FreeSurface(conv);
    SDL_FreeSurface(back);

    /* Into a directory that does not exist: -1, a message with the path, no files. */
    snprintf(path, sizeof path, "%s/no/such/dir/frame.png", dir);
    err[0] = '\0';
    assert_int_equal(png_write(s, path, err, sizeof err), -1);
    if (!strstr(err, path))
        fail_msg("message '%s' does not name the path", err);
    draw_free(&dl);
    SDL_FreeSurface(s);
    check_rmdir(dir);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

/* ~2000 commands as a training window might send them: panels, a heat map, six plots of
 * 200 points, labels, four 200x64 images, markers. Prints the time; asserts nothing. */
static void test_typical_frame_time(void **state)
{
    Fonts *fonts = *state;
    TextMeasure m = fonts_measure(fonts);
    const int fw = 1280, fh = 800;
    SDL_Surface *s = render_surface_create(fw, fh);
    assert_non_null(s);
    DrawList dl;
    draw_init(&dl);
    static uint8_t img[200 * 64 * 4];
    for (int i = 0; i < 200 * 64; i++) {
        img[4 * i] = (uint8_t)i, img[4 * i + 1] = (uint8_t)(i >> 3), img[4 * i + 2] = 90;
        img[4 * i + 3] = 255;
    }
    double best = 1e9, total = 0, measure_total = 0, first = 0;
    const int frames = 60, warm = 5;
    size_t ncmd = 0;
    char buf[64];
    for (int frame = 0; frame < frames + warm; frame++) {
        draw_clear(&dl, fw, fh);
        draw_rect(&dl, (Rect){0, 0, fw, fh}, rgba(24, 24, 28, 255));
        for (int p = 0; p < 12; p++) { /* panels */
            Rect r = {10 + (p % 4) * 315, 10 + (p / 4) * 260, 305, 250};
            draw_rect(&dl, r, rgba(36, 36, 42, 255));
            draw_frame(&dl, r, rgba(80, 80, 90, 255), 1);
        }
        for (int i = 0; i < 576; i++) /* a 24 x 24 heat map of 10 x 8 cells */
            draw_rect(&dl, (Rect){30 + (i % 24) * 10, 30 + (i / 24) * 8, 10, 8},
                      rgba((i * 37) % 256, (i * 11) % 256, 128, 255));
        for (int p = 0; p < 6; p++) { /* line plots */
            int ox = 340 + (p % 3) * 315, oy = 60 + (p / 3) * 260;
            draw_clip(&dl, (Rect){ox, oy - 40, 290, 200});
            float px = (float)ox, py = (float)oy + 100;
            for (int i = 1; i <= 200; i++) {
                float x = (float)ox + i * 1.4f;
                float y = (float)oy + 100 + 80 * sinf(i * 0.05f + p + frame * 0.1f);
                draw_line(&dl, px, py, x, y, rgba(90, 180, 255, 255), p % 2 ? 2.0f : 1.0f);
                px = x, py = y;
            }
            draw_unclip(&dl);
        }
        for (int i = 0; i < 150; i++) { /* labels; a few numbers change every frame */
            if (i < 10)
                snprintf(buf, sizeof buf, "loss %.4f", 1.0 / (frame + i + 1));
            else
                snprintf(buf, sizeof buf, "label %d: hidden", i);
            double t0 = now_ms();
            int w = m.width(m.ctx, buf, 13);
            measure_total += frame >= warm ? now_ms() - t0 : 0;
            draw_text(&dl, 20 + (i % 6) * 200, 250 + (i / 6) * 20, 13, rgba(220, 220, 220, 255),
                      buf);
            (void)w;
        }
        for (int i = 0; i < 4; i++) /* weight matrices */
            draw_image(&dl, (Rect){20 + i * 310, 700, 200, 64}, 200, 64, img);
        for (int i = 0; i < 40; i++)
            draw_circle(&dl, 400 + i * 20, 780, 4, rgba(255, 200, 0, 200));
        ncmd = dl.n;
        double t0 = now_ms();
        render(s, &dl, fonts);
        double dt = now_ms() - t0;
        if (frame == 0)
            first = dt; /* every label rasterised: an empty text cache */
        if (frame >= warm) {
            total += dt;
            best = dt < best ? dt : best;
        }
    }
    printf("[ TIMING   ] %zu commands into %dx%d: mean %.2f ms, best %.2f ms per frame "
           "(first frame, empty text cache: %.2f ms); measuring 150 labels: %.3f ms\n",
           ncmd, fw, fh, total / frames, best, first, measure_total / frames);
    if (getenv("RNNLAB_RENDER_PNG")) { /* to look at the frame */
        char err[512];
        if (png_write(s, getenv("RNNLAB_RENDER_PNG"), err, sizeof err) != 0)
            printf("%s\n", err);
    }
    draw_free(&dl);
    SDL_FreeSurface(s);
}

static int open_fonts(void **state)
{
    char err[512];
    Fonts *fonts = fonts_open(NULL, err, sizeof err);
    if (!fonts) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    *state = fonts;
    return 0;
}

static int close_fonts(void **state)
{
    fonts_close(*state);
    return 0;
}

int main(void)
{
    /* No display needed: software surfaces only. */
    setenv("SDL_VIDEODRIVER", "dummy", 1);
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        fprintf(stderr, "SDL_Init: %s\n", SDL_GetError());
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rect_fills_its_interior_and_nothing_outside),
        cmocka_unit_test(test_rect_with_alpha_128_blends_half_way),
        cmocka_unit_test(test_frame_draws_its_border_inward_and_leaves_the_interior),
        cmocka_unit_test(test_thick_lines_colour_pixels_along_them_and_none_far_away),
        cmocka_unit_test(test_circle_covers_its_centre_and_nothing_beyond_its_radius),
        cmocka_unit_test(test_2x2_image_stretched_over_40x40_gives_four_20x20_blocks),
        cmocka_unit_test(test_clip_stops_drawing_outside_and_w0_restores),
        cmocka_unit_test(test_nonfinite_and_far_off_coordinates_draw_nothing_harmful),
        cmocka_unit_test(test_unsupported_target_format_is_refused),
        cmocka_unit_test_setup_teardown(test_text_changes_pixels_only_inside_its_measured_box,
                                        open_fonts, close_fonts),
        cmocka_unit_test_setup_teardown(test_widths_are_the_same_when_remembered_and_displaced, open_fonts,
                                        close_fonts),
        cmocka_unit_test_setup_teardown(test_text_sizes_scale_and_cache_survives_many_strings,
                                        open_fonts, close_fonts),
        cmocka_unit_test(test_opening_a_missing_font_names_it),
        cmocka_unit_test(test_png_write_round_trips_and_leaves_no_tmp),
        cmocka_unit_test_setup_teardown(test_typical_frame_time, open_fonts, close_fonts),
        cmocka_unit_test(test_fills_hidden_by_later_rectangles_give_the_same_pixels),
        cmocka_unit_test_setup_teardown(test_two_bands_give_the_pixels_of_one, open_fonts, close_fonts),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    IMG_Quit();
    SDL_Quit();
    return failed;
}
