/* window.c: SDL2 window, events and presenting, in software: the same rasteriser draws
 * into the window's surface and into an offscreen one, so a screenshot, `rnnlab render`
 * and the tests see the pixels the user sees. */
#include "window.h"

#include "font.h"
#include "png.h"
#include "render.h"

#include "../core/fileio.h"

#include <SDL.h>
#include <SDL_image.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct Platform {
    char *clipboard; /* the last text read from the clipboard (SDL's, freed next poll) */
    char *dropped;
    SDL_Window *window;
    SDL_Surface *offscreen; /* offscreen mode: the target */
    Fonts *fonts;
    int fullscreen;
    int mouse_down;
    int sdl_video;
    int one_band; /* platform_set_cores_busy */
};

int platform_set_icon(Platform *p, const char *png_path)
{
    unsigned char *bytes;
    size_t n;
    if (!p->window || file_read_all(png_path, (size_t)1 << 20, &bytes, &n) != FILE_OK)
        return -1;
    SDL_Surface *icon = IMG_Load_RW(SDL_RWFromConstMem(bytes, (int)n), 1);
    if (icon) {
        SDL_SetWindowIcon(p->window, icon);
        SDL_FreeSurface(icon);
    }
    free(bytes);
    return icon ? 0 : -1;
}

double platform_now(void)
{
    return (double)SDL_GetPerformanceCounter() / (double)SDL_GetPerformanceFrequency();
}

Platform *platform_open(const char *title, int w, int h, int offscreen, const char *font,
                        const int *text_sizes, char *err, size_t errlen)
{
    Platform *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    /* The font first, its glyphs rasterised on another thread while SDL opens the display
     * and the window (tens of milliseconds) and the caller sets up the session. */
    p->fonts = fonts_open(font, err, errlen);
    if (!p->fonts) {
        free(p);
        return NULL;
    }
    fonts_warm(p->fonts, text_sizes);
    if (offscreen) {
        if (SDL_Init(0) != 0) {
            snprintf(err, errlen, "SDL_Init: %s", SDL_GetError());
            platform_close(p);
            return NULL;
        }
        p->offscreen = render_surface_create(w, h);
        if (!p->offscreen) {
            snprintf(err, errlen, "cannot create a %dx%d picture: %s", w, h, SDL_GetError());
            platform_close(p);
            return NULL;
        }
    } else {
        /* The window's pixels are drawn on the CPU into its surface; SDL would otherwise,
         * on Linux, open a test OpenGL context at the first SDL_GetWindowSurface to decide
         * whether to present the surface through a texture. Under a software OpenGL
         * (Xvfb, a virtual machine, a laptop without its GPU driver) that cost 80 ms before
         * the first frame and made each present 4x slower (6-10 ms against 1.7-2.3 at
         * 1024x768) than X11's shared-memory image. SDL_FRAMEBUFFER_ACCELERATION=1 in the
         * environment still chooses the texture. */
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
        if (SDL_Init(SDL_INIT_VIDEO) != 0) {
            snprintf(err, errlen, "cannot open a window (%s); `rnnlab render --out FILE.png` draws "
                     "the window without a display", SDL_GetError());
            platform_close(p);
            return NULL;
        }
        p->sdl_video = 1;
        /* With no display SDL falls back to a driver that shows nothing (offscreen, dummy):
         * the window would run unseen. Only when asked for by name (the tests do). */
        const char *driver = SDL_GetCurrentVideoDriver(), *asked = SDL_getenv("SDL_VIDEODRIVER");
        if (driver && (!strcmp(driver, "offscreen") || !strcmp(driver, "dummy")) && !(asked && *asked)) {
            snprintf(err, errlen, "no display to open a window on (DISPLAY and WAYLAND_DISPLAY unset; SDL "
                     "found only its '%s' driver); `xvfb-run rnnlab` gives it one, and `rnnlab render "
                     "--out FILE.png` draws the window without a display", driver);
            platform_close(p);
            return NULL;
        }
        /* no larger than the screen (a 1024x768 projector): the window opens whole */
        SDL_Rect usable;
        if (SDL_GetDisplayUsableBounds(0, &usable) == 0 && usable.w > 0 && usable.h > 0) {
            w = w < usable.w ? w : usable.w;
            h = h < usable.h ? h : usable.h;
        }
        p->window = SDL_CreateWindow(title, SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h,
                                     SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
        if (!p->window) {
            snprintf(err, errlen, "cannot open a window: %s", SDL_GetError());
            platform_close(p);
            return NULL;
        }
        SDL_SetWindowMinimumSize(p->window, w < 1024 ? w : 1024, h < 640 ? h : 640);
        SDL_StartTextInput();
    }
    return p;
}

void platform_close(Platform *p)
{
    if (!p)
        return;
    if (p->clipboard)
        SDL_free(p->clipboard);
    if (p->dropped)
        SDL_free(p->dropped);
    if (p->fonts)
        fonts_close(p->fonts);
    render_surface_destroy(p->offscreen);
    if (p->window)
        SDL_DestroyWindow(p->window);
    SDL_Quit();
    free(p);
}

TextMeasure platform_measure(Platform *p) { return fonts_measure(p->fonts); }

float platform_dpi_scale(Platform *p)
{
    if (!p->window)
        return 1.0f;
    int ww, wh;
    SDL_GetWindowSize(p->window, &ww, &wh);
    SDL_Surface *s = SDL_GetWindowSurface(p->window);
    float px = s && ww > 0 ? (float)s->w / (float)ww : 1.0f;
    float ddpi = 96, hdpi, vdpi;
    int display = SDL_GetWindowDisplayIndex(p->window);
    if (display >= 0 && SDL_GetDisplayDPI(display, &ddpi, &hdpi, &vdpi) == 0 && ddpi > 0)
        px *= ddpi / 96.0f;
    return px < 1 ? 1 : px > 3 ? 3 : px;
}

static int key_action(const SDL_Keysym *k)
{
    int ctrl = (k->mod & KMOD_CTRL) != 0;
    switch (k->sym) {
    case SDLK_SPACE: return GK_PLAY;
    case SDLK_RIGHT: return GK_STEP;
    case SDLK_r: return ctrl ? -1 : GK_RESET;
    case SDLK_c: return ctrl ? GK_COPY : -1;
    case SDLK_v: return ctrl ? GK_PASTE : -1;
    case SDLK_s: return ctrl ? GK_SAVE_EXPERIMENT : GK_SAVE_RUN;
    case SDLK_PLUS:
    case SDLK_EQUALS:
    case SDLK_KP_PLUS: return ctrl ? GK_ZOOM_IN : GK_FASTER;
    case SDLK_MINUS:
    case SDLK_KP_MINUS: return ctrl ? GK_ZOOM_OUT : GK_SLOWER;
    case SDLK_F1: return GK_HELP;
    case SDLK_F11: return GK_FULLSCREEN;
    case SDLK_h: return GK_PALETTE;
    case SDLK_p: return (k->mod & KMOD_SHIFT) ? GK_SAVE_VIEW : GK_SCREENSHOT;
    case SDLK_e: return GK_EXPORT;
    case SDLK_l: return GK_LOG;
    case SDLK_b: return GK_SAMPLE;
    case SDLK_g: return GK_ALIGN_END;
    case SDLK_z: return !ctrl ? GK_ENLARGE : (k->mod & KMOD_SHIFT) ? GK_REDO : GK_UNDO;
    case SDLK_y: return ctrl ? GK_REDO : -1;
    case SDLK_u:
    case SDLK_BACKSPACE: return GK_REWIND;
    case SDLK_ESCAPE: return GK_ESCAPE;
    case SDLK_PAGEDOWN: return GK_NEXT;
    case SDLK_PAGEUP: return GK_PREV;
    case SDLK_a: return GK_ANSWER;
    case SDLK_TAB: return GK_PANEL;
    case SDLK_HOME: return GK_LESSONS;
    case SDLK_LEFTBRACKET: return GK_LAYER_DOWN;
    case SDLK_RIGHTBRACKET: return GK_LAYER_UP;
    default:
        if (k->sym >= SDLK_1 && k->sym <= SDLK_9)
            return GK_VIEW1 + (int)(k->sym - SDLK_1);
        return -1;
    }
}

int platform_poll(Platform *p, GuiInput *in)
{
    memset(in, 0, sizeof *in);
    if (p->clipboard) {
        SDL_free(p->clipboard);
        p->clipboard = NULL;
    }
    if (p->dropped) {
        SDL_free(p->dropped);
        p->dropped = NULL;
    }
    in->now = platform_now();
    if (p->offscreen) {
        in->width = p->offscreen->w;
        in->height = p->offscreen->h;
        in->ui.mouse_x = in->ui.mouse_y = -1;
        return 0;
    }
    int quit = 0;
    SDL_Event e;
    while (SDL_PollEvent(&e)) {
        switch (e.type) {
        case SDL_QUIT: quit = 1; break;
        case SDL_MOUSEBUTTONDOWN:
            if (e.button.button == SDL_BUTTON_LEFT) {
                in->ui.mouse_pressed = 1;
                p->mouse_down = 1;
            } else if (e.button.button == SDL_BUTTON_RIGHT) {
                in->ui.right_pressed = 1;
            }
            break;
        case SDL_MOUSEBUTTONUP:
            if (e.button.button == SDL_BUTTON_LEFT) {
                in->ui.mouse_released = 1;
                p->mouse_down = 0;
            }
            break;
        case SDL_MOUSEWHEEL: in->ui.wheel += e.wheel.y; break;
        case SDL_DROPFILE:
            if (p->dropped)
                SDL_free(p->dropped);
            p->dropped = e.drop.file;
            in->dropped = p->dropped;
            break;
        case SDL_KEYDOWN: {
            if ((e.key.keysym.mod & KMOD_CTRL) && e.key.keysym.sym == SDLK_q) {
                quit = 1;
                break;
            }
            int a = key_action(&e.key.keysym);
            if (a >= 0)
                in->keys[a] = 1;
            if (a == GK_PASTE && SDL_HasClipboardText()) {
                p->clipboard = SDL_GetClipboardText();
                in->paste = p->clipboard;
            }
            /* the arrows for a focused slider or choice (ui.h); GK_STEP as well, which the
             * window's logic drops while a control has the focus */
            if (e.key.keysym.sym == SDLK_LEFT)
                in->ui.keys[UI_KEY_LEFT] = 1;
            if (e.key.keysym.sym == SDLK_RIGHT)
                in->ui.keys[UI_KEY_RIGHT] = 1;
            if (e.key.keysym.sym == SDLK_UP)
                in->ui.keys[UI_KEY_UP] = 1;
            if (e.key.keysym.sym == SDLK_DOWN)
                in->ui.keys[UI_KEY_DOWN] = 1;
            break;
        }
        default: break;
        }
    }
    int mx, my;
    SDL_GetMouseState(&mx, &my);
    SDL_Surface *s = SDL_GetWindowSurface(p->window);
    int ww, wh;
    SDL_GetWindowSize(p->window, &ww, &wh);
    float sx = s && ww ? (float)s->w / ww : 1, sy = s && wh ? (float)s->h / wh : 1;
    in->ui.mouse_x = (int)(mx * sx);
    in->ui.mouse_y = (int)(my * sy);
    in->ui.mouse_down = p->mouse_down;
    in->width = s ? s->w : ww;
    in->height = s ? s->h : wh;
    return quit;
}

void platform_set_cores_busy(Platform *p, int busy)
{
    p->one_band = busy && SDL_GetCPUCount() < 3; /* the window's thread, a helper, the busy one */
}

/* The frame in one band while another thread keeps a core busy, else as render_draw_list
 * chooses (two bands on two threads for a big frame). */
static void draw(Platform *p, SDL_Surface *s, const DrawList *dl)
{
    if (p->one_band)
        render_draw_list_split(s, dl, p->fonts, s->h);
    else
        render_draw_list(s, dl, p->fonts);
}

void platform_present(Platform *p, const DrawList *dl)
{
    if (p->offscreen) {
        draw(p, p->offscreen, dl);
        return;
    }
    SDL_Surface *s = SDL_GetWindowSurface(p->window);
    if (!s)
        return;
    draw(p, s, dl);
    SDL_UpdateWindowSurface(p->window);
}

void platform_toggle_fullscreen(Platform *p)
{
    if (!p->window)
        return;
    p->fullscreen = !p->fullscreen;
    SDL_SetWindowFullscreen(p->window, p->fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
}

int platform_set_clipboard(Platform *p, const char *text)
{
    (void)p;
    return SDL_SetClipboardText(text);
}

int platform_save_png_rect(Platform *p, int x, int y, int w, int h, const char *path, char *err, size_t errlen)
{
    SDL_Surface *s = p->offscreen ? p->offscreen : SDL_GetWindowSurface(p->window);
    if (!s) {
        snprintf(err, errlen, "no picture to save: %s", SDL_GetError());
        return -1;
    }
    SDL_Surface *crop = render_surface_create(w, h);
    if (!crop) {
        snprintf(err, errlen, "cannot crop: %s", SDL_GetError());
        return -1;
    }
    SDL_Rect src = {x, y, w, h};
    SDL_SetSurfaceBlendMode(s, SDL_BLENDMODE_NONE);
    SDL_BlitSurface(s, &src, crop, NULL);
    int r = png_write(crop, path, err, errlen);
    render_surface_destroy(crop);
    return r;
}

int platform_save_png(Platform *p, const char *path, char *err, size_t errlen)
{
    SDL_Surface *s = p->offscreen ? p->offscreen : SDL_GetWindowSurface(p->window);
    if (!s) {
        snprintf(err, errlen, "no picture to save: %s", SDL_GetError());
        return -1;
    }
    return png_write(s, path, err, errlen);
}
