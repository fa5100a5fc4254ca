/* theme.c: colour tables. Viridis control points from matplotlib's _cm_listed (every 32nd
 * of its 256 entries); the diverging map is ColorBrewer's PuOr end colours with a blue
 * in place of purple, so red-green colour blindness keeps the sign readable. The cvd
 * palette's curves are Okabe and Ito's eight colours ("Color Universal Design", 2008),
 * told apart with any of the common colour blindnesses: the gradient's h and c lines
 * vermillion and bluish green instead of red and green. */
#include "theme.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Okabe-Ito */
#define OI_BLACK {0, 0, 0, 255}
#define OI_ORANGE {230, 159, 0, 255}
#define OI_SKY {86, 180, 233, 255}
#define OI_GREEN {0, 158, 115, 255}
#define OI_YELLOW {240, 228, 66, 255}
#define OI_BLUE {0, 114, 178, 255}
#define OI_VERMILLION {213, 94, 0, 255}
#define OI_PURPLE {204, 121, 167, 255}

static const Theme THEMES[THEME_COUNT] = {
    [THEME_NORMAL] = {
        .name = "default", .title = "default",
        .bg = {246, 246, 243, 255}, .panel = {232, 233, 228, 255}, .border = {190, 192, 186, 255},
        .text = {28, 30, 34, 255}, .text_dim = {96, 100, 106, 255}, .accent = {33, 102, 172, 255},
        .button = {214, 216, 210, 255}, .button_hot = {200, 210, 224, 255},
        .button_active = {170, 190, 215, 255}, .track = {205, 207, 200, 255},
        .fill = {33, 102, 172, 255},
        .plot_bg = {255, 255, 255, 255}, .grid = {228, 229, 225, 255}, .axis = {120, 122, 118, 255},
        .loss = {33, 102, 172, 255}, .metric = {230, 97, 1, 255}, .baseline = {110, 110, 110, 255},
        .grad = {178, 24, 43, 255}, .grad_cell = {27, 120, 55, 255}, .reference = {90, 90, 90, 255},
        .clip = {230, 97, 1, 255}, .weights = {120, 120, 120, 255},
        .banner = {178, 24, 43, 255}, .banner_text = {255, 255, 255, 255},
        .tooltip_bg = {40, 42, 46, 240}, .tooltip_text = {250, 250, 250, 255},
        .overlay = {20, 22, 26, 225},
        .series = {{33, 102, 172, 255}, {230, 97, 1, 255}, {27, 120, 55, 255}, {118, 42, 131, 255},
                   {178, 24, 43, 255}, {1, 133, 113, 255}, {140, 81, 10, 255}, {77, 77, 77, 255}},
    },
    [THEME_CVD] = {
        .name = "cvd", .title = "colour-blind safe",
        .bg = {246, 246, 243, 255}, .panel = {232, 233, 228, 255}, .border = {190, 192, 186, 255},
        .text = {28, 30, 34, 255}, .text_dim = {96, 100, 106, 255}, .accent = OI_BLUE,
        .button = {214, 216, 210, 255}, .button_hot = {200, 210, 224, 255},
        .button_active = {170, 190, 215, 255}, .track = {205, 207, 200, 255},
        .fill = OI_BLUE,
        .plot_bg = {255, 255, 255, 255}, .grid = {228, 229, 225, 255}, .axis = {120, 122, 118, 255},
        .loss = OI_BLUE, .metric = OI_ORANGE, .baseline = {110, 110, 110, 255},
        .grad = OI_VERMILLION, .grad_cell = OI_GREEN, .reference = OI_BLACK,
        .clip = OI_PURPLE, .weights = {120, 120, 120, 255},
        .banner = OI_VERMILLION, .banner_text = {255, 255, 255, 255},
        .tooltip_bg = {40, 42, 46, 240}, .tooltip_text = {250, 250, 250, 255},
        .overlay = {20, 22, 26, 225},
        /* yellow, the palest on white, last */
        .series = {OI_BLUE, OI_ORANGE, OI_GREEN, OI_VERMILLION, OI_PURPLE, OI_SKY, OI_BLACK, OI_YELLOW},
    },
    [THEME_HIGH_CONTRAST] = {
        .name = "contrast", .title = "high contrast",
        .bg = {0, 0, 0, 255}, .panel = {16, 16, 16, 255}, .border = {255, 255, 255, 255},
        .text = {255, 255, 255, 255}, .text_dim = {220, 220, 220, 255}, .accent = {255, 210, 0, 255},
        .button = {40, 40, 40, 255}, .button_hot = {80, 80, 80, 255},
        .button_active = {120, 120, 0, 255}, .track = {70, 70, 70, 255},
        .fill = {255, 210, 0, 255},
        .plot_bg = {0, 0, 0, 255}, .grid = {60, 60, 60, 255}, .axis = {255, 255, 255, 255},
        .loss = {80, 200, 255, 255}, .metric = {255, 170, 0, 255}, .baseline = {255, 255, 255, 255},
        .grad = {255, 90, 90, 255}, .grad_cell = {90, 255, 120, 255}, .reference = {200, 200, 200, 255},
        .clip = {255, 170, 0, 255}, .weights = {200, 200, 200, 255},
        .banner = {255, 210, 0, 255}, .banner_text = {0, 0, 0, 255},
        .tooltip_bg = {255, 255, 255, 250}, .tooltip_text = {0, 0, 0, 255},
        .overlay = {0, 0, 0, 235},
        .series = {{80, 200, 255, 255}, {255, 170, 0, 255}, {90, 255, 120, 255}, {255, 120, 255, 255},
                   {255, 90, 90, 255}, {0, 255, 220, 255}, {255, 255, 120, 255}, {200, 200, 200, 255}},
    },
};

const Theme *theme_get(int which)
{
    return &THEMES[which >= 0 && which < THEME_COUNT ? which : 0];
}

int theme_find(const char *name)
{
    for (int i = 0; i < THEME_COUNT; i++)
        if (strcmp(THEMES[i].name, name) == 0)
            return i;
    return -1;
}

void theme_names(char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < THEME_COUNT && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? "|" : "", THEMES[i].name);
}

static Color lerp(Color a, Color b, double t)
{
    return rgba((int)(a.r + (b.r - a.r) * t + 0.5), (int)(a.g + (b.g - a.g) * t + 0.5),
                (int)(a.b + (b.b - a.b) * t + 0.5), 255);
}

static Color table_lookup(const Color *table, int n, double t)
{
    if (t <= 0)
        return table[0];
    if (t >= 1)
        return table[n - 1];
    double x = t * (n - 1);
    int i = (int)x;
    return lerp(table[i], table[i + 1], x - i);
}

Color colormap_magnitude(double t)
{
    static const Color VIRIDIS[9] = {
        {68, 1, 84, 255},   {71, 44, 122, 255},  {59, 81, 139, 255},
        {44, 113, 142, 255}, {33, 144, 141, 255}, {39, 173, 129, 255},
        {92, 200, 99, 255}, {170, 220, 50, 255}, {253, 231, 37, 255},
    };
    if (isnan(t))
        return rgba(128, 128, 128, 255);
    return table_lookup(VIRIDIS, 9, t);
}

Color colormap_signed(double v)
{
    static const Color DIVERGING[5] = {
        {33, 102, 172, 255}, {146, 197, 222, 255}, {247, 247, 247, 255},
        {253, 184, 99, 255}, {230, 97, 1, 255},
    };
    if (isnan(v))
        return rgba(128, 128, 128, 255);
    return table_lookup(DIVERGING, 5, (v + 1) / 2);
}
