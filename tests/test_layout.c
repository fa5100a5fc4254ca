/* test_layout.c: the window's layout at the sizes a classroom meets (1024x768, 1280x800,
 * 1920x1080) and presenter scales x1 .. x2, checked on the draw list with the real font's
 * measure: no two pieces of text overlap, no text is cut by a clip (a widget that shortens
 * text ends it with its own ellipsis, and that text fits) or to its ellipsis alone, no text
 * is smaller than 13 px, and the view a lesson step focuses is on screen with at least a
 * third of the views' area.
 * Drawn: the start screen, free play, compare mode, and every step of every lesson (under
 * the sanitizers, the first lesson only: the runs would take minutes). With LIST_CUTS set in
 * the environment it also lists every text drawn with an ellipsis, screen by screen: where
 * a shorter form (UI_OR) would read better. */
#include "check.h"

#include "../src/app/datadir.h"
#include "../src/app/gui.h"
#include "../src/platform/window.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int w, h;
    float scale;
} Screen;

static const Screen SCREENS[] = {
    {1024, 768, 1}, {1024, 768, 1.5f}, {1024, 768, 2}, {1280, 800, 1}, {1280, 800, 2}, {1920, 1080, 1},
};
#define N_SCREENS (int)(sizeof SCREENS / sizeof SCREENS[0])

static Platform *g_platform;

typedef struct {
    Rect box;
    size_t cmd;
} TextBox;

static int overlap(Rect a, Rect b, int slack)
{
    return a.x + slack < b.x + b.w && b.x + slack < a.x + a.w && a.y + slack < b.y + b.h && b.y + slack < a.y + a.h;
}

static int inside(Rect in, Rect out, int slack)
{
    return in.x >= out.x - slack && in.y >= out.y - slack && in.x + in.w <= out.x + out.w + slack &&
           in.y + in.h <= out.y + out.h + slack;
}

static Rect intersect(Rect a, Rect b)
{
    int x0 = a.x > b.x ? a.x : b.x, y0 = a.y > b.y ? a.y : b.y;
    int x1 = a.x + a.w < b.x + b.w ? a.x + a.w : b.x + b.w, y1 = a.y + a.h < b.y + b.h ? a.y + a.h : b.y + b.h;
    return (Rect){x0, y0, x1 > x0 ? x1 - x0 : 0, y1 > y0 ? y1 - y0 : 0};
}

/* Walks g's draw list from command `from` on (the clips before it count); appends one line
 * per problem to report. Returns the problem count. */
static int check_draw_list_from(const Gui *g, size_t from, const Screen *s, const char *what, char *report, size_t len)
{
    const DrawList *dl = &g->dl;
    TextMeasure m = g->ui.measure;
    Rect screen = {0, 0, s->w, s->h}, clip = screen;
    TextBox *boxes = calloc(dl->n + 1, sizeof *boxes);
    assert_non_null(boxes);
    int n = 0, problems = 0;
    size_t used = strlen(report);
#define PROBLEM(...)                                                                         \
    do {                                                                                     \
        problems++;                                                                          \
        if (used + 300 < len)                                                                \
            used += (size_t)snprintf(report + used, len - used, "  %s at %dx%d x%.2g: ", what, s->w, s->h, \
                                     (double)s->scale);                                      \
        if (used + 300 < len)                                                                \
            used += (size_t)snprintf(report + used, len - used, __VA_ARGS__);                \
        if (used + 2 < len)                                                                  \
            used += (size_t)snprintf(report + used, len - used, "\n");                       \
    } while (0)
    for (size_t i = 0; i < dl->n; i++) {
        const DrawCmd *c = &dl->cmds[i];
        if (c->kind == CMD_CLIP) {
            clip = c->rect.w ? intersect(c->rect, screen) : screen;
            continue;
        }
        if (c->kind != CMD_TEXT || i < from)
            continue;
        const char *text = dl->text + c->text;
        if (!text[0] || strspn(text, " ") == strlen(text))
            continue;
        Rect box = {(int)c->x0, (int)c->y0, m.width(m.ctx, text, c->size), c->size};
        if (getenv("LIST_CUTS") && strstr(text, "\u2026"))
            fprintf(stderr, "CUT %s %dx%d x%.2g: %s\n", what, s->w, s->h, (double)s->scale, text);
        if (!strcmp(text, "\u2026"))
            PROBLEM("a text cut to its ellipsis alone at (%d,%d)", box.x, box.y);
        if (c->size < 13)
            PROBLEM("\"%.60s\" is %d px high (13 at least)", text, c->size);
        Rect visible = intersect(box, clip);
        if (visible.w == 0 || visible.h == 0)
            continue; /* scrolled out of sight, whole */
        if (!inside(box, clip, 1))
            PROBLEM("\"%.60s\" (%d,%d %dx%d) is cut by its clip (%d,%d %dx%d)", text, box.x, box.y, box.w, box.h,
                    clip.x, clip.y, clip.w, clip.h);
        for (int k = 0; k < n; k++)
            if (overlap(visible, boxes[k].box, 2) &&
                !(strcmp(text, dl->text + dl->cmds[boxes[k].cmd].text) == 0 && abs(visible.x - boxes[k].box.x) <= 2 &&
                  abs(visible.y - boxes[k].box.y) <= 2)) { /* (the same word twice, a pixel over: bold) */
                PROBLEM("\"%.50s\" overlaps \"%.50s\"", text, dl->text + dl->cmds[boxes[k].cmd].text);
                break;
            }
        boxes[n++] = (TextBox){visible, i};
    }
#undef PROBLEM
    free(boxes);
    return problems;
}

static int check_draw_list(const Gui *g, const Screen *s, const char *what, char *report, size_t len)
{
    return check_draw_list_from(g, 0, s, what, report, len);
}

/* The focused view: on screen, at least a third of the area the views take together. */
static int check_focus(const Gui *g, const Screen *s, const char *what, char *report, size_t len)
{
    if (g->focus < 0 || g->enlarged >= 0)
        return 0;
    Rect f = g->view_rects[g->focus];
    long x0 = s->w, y0 = s->h, x1 = 0, y1 = 0;
    for (int v = 0; v < VIEW_COUNT; v++) {
        Rect r = g->view_rects[v];
        if (r.w <= 0 || r.h <= 0)
            continue;
        x0 = r.x < x0 ? r.x : x0;
        y0 = r.y < y0 ? r.y : y0;
        x1 = r.x + r.w > x1 ? r.x + r.w : x1;
        y1 = r.y + r.h > y1 ? r.y + r.h : y1;
    }
    long all = (x1 - x0) * (y1 - y0), mine = (long)f.w * f.h;
    Rect screen = {0, 0, s->w, s->h};
    if (f.w > 0 && inside(f, screen, 0) && 3 * mine >= all)
        return 0;
    size_t used = strlen(report);
    snprintf(report + used, len - used, "  %s at %dx%d x%.2g: the focused view %s is %dx%d of %ldx%ld\n", what,
             s->w, s->h, (double)s->scale, VIEWS[g->focus].name, f.w, f.h, x1 - x0, y1 - y0);
    return 1;
}

/* Draws g on screen s, the mouse away: the second frame, once scroll cues and sizes settle.
 * Returns the input, for a frame more. */
static GuiInput draw_on(Gui *g, const Screen *s)
{
    g->presenter = s->scale;
    GuiInput in = {.width = s->w, .height = s->h, .now = 1.0};
    in.ui.mouse_x = in.ui.mouse_y = -1000;
    for (int f = 0; f < 2; f++)
        gui_frame(g, &in);
    return in;
}

/* Draws g at every screen and checks each frame. */
static int check_screens(Gui *g, const char *what, char *report, size_t len)
{
    int problems = 0;
    for (int i = 0; i < N_SCREENS; i++) {
        const Screen *s = &SCREENS[i];
        draw_on(g, s);
        problems += check_draw_list(g, s, what, report, len);
        problems += check_focus(g, s, what, report, len);
    }
    g->presenter = 1;
    return problems;
}

static Gui *gui_new(const char *setting)
{
    Gui *g = malloc(sizeof *g);
    assert_non_null(g);
    Config cfg;
    char err[512];
    config_default(&cfg);
    if (setting)
        assert_int_equal(config_set(&cfg, setting, err, sizeof err), 0);
    assert_int_equal(gui_create(g, &cfg, budget_default(), platform_measure(g_platform), err, sizeof err), 0);
    return g;
}

static void gui_free(Gui *g)
{
    gui_destroy(g);
    free(g);
}

static void report_and_fail(int problems, const char *report)
{
    if (problems) {
        fprintf(stderr, "%d layout problems (the first of them):\n%s", problems, report);
        fail();
    }
}

#define REPORT_LEN (1 << 20)

static void test_start_screen_fits_every_screen(void **state)
{
    (void)state;
    Gui *g = gui_new(NULL);
    gui_lessons_scan(g, g->lesson_dir);
    assert_true(g->n_entries >= 10);
    g->start_screen = 1;
    char *report = calloc(REPORT_LEN, 1);
    int problems = check_screens(g, "start screen", report, REPORT_LEN);
    report_and_fail(problems, report);
    free(report);
    gui_free(g);
}

/* Every lesson can be reached on every screen: the arrow keys (and the wheel) scroll the
 * list until each card's title has been drawn; Free play is drawn in every frame. */
static void test_the_start_screen_reaches_every_lesson(void **state)
{
    (void)state;
    Gui *g = gui_new(NULL);
    gui_lessons_scan(g, g->lesson_dir);
    g->start_screen = 1;
    for (int i = 0; i < N_SCREENS; i++) {
        const Screen *s = &SCREENS[i];
        g->presenter = s->scale;
        g->start_scroll = 0;
        int seen[GUI_MAX_LESSONS] = {0};
        for (int f = 0; f < 3 * GUI_MAX_LESSONS; f++) {
            GuiInput in = {.width = s->w, .height = s->h, .now = 1.0};
            in.ui.mouse_x = s->w / 2, in.ui.mouse_y = s->h / 2;
            if (f % 2)
                in.ui.keys[UI_KEY_DOWN] = 1;
            else
                in.ui.wheel = -1;
            gui_frame(g, &in);
            int free_play = 0;
            for (size_t c = 0; c < g->dl.n; c++) {
                if (g->dl.cmds[c].kind != CMD_TEXT)
                    continue;
                const char *text = g->dl.text + g->dl.cmds[c].text;
                free_play |= strstr(text, "Free play") != NULL;
                for (int e = 0; e < g->n_entries; e++)
                    seen[e] |= strcmp(text, g->entries[e].title) == 0;
            }
            if (!free_play)
                fail_msg("%dx%d x%.2g: Free play is not drawn", s->w, s->h, (double)s->scale);
        }
        for (int e = 0; e < g->n_entries; e++)
            if (!seen[e])
                fail_msg("%dx%d x%.2g: lesson %d (%s) never shown", s->w, s->h, (double)s->scale, e + 1,
                         g->entries[e].title);
    }
    gui_free(g);
}

static void test_free_play_fits_every_screen(void **state)
{
    (void)state;
    Gui *g = gui_new(NULL);
    Config first;
    config_free_play(&first); /* the window's first picture */
    gui_apply_config(g, &first);
    session_command(g->session, SESSION_PAUSE, 0); /* (applying plays; the test trains by steps) */
    gui_wait(g, -1);
    gui_train(g, 30);
    char *report = calloc(REPORT_LEN, 1);
    int problems = check_screens(g, "free play", report, REPORT_LEN);
    /* an LSTM: a cell state, gates and their view */
    gui_apply_line(g, "model=lstm task=echo", 0);
    session_command(g->session, SESSION_PAUSE, 0);
    gui_wait(g, -1);
    gui_train(g, 30);
    problems += check_screens(g, "free play (lstm)", report, REPORT_LEN);
    report_and_fail(problems, report);
    free(report);
    gui_free(g);
}

/* The keyboard help (F1) over free play: every line on the screen, none over another, none
 * cut, at every size and presenter scale (its own commands only: it covers the window). */
static void test_the_help_fits_every_screen(void **state)
{
    (void)state;
    Gui *g = gui_new(NULL);
    gui_train(g, 5);
    char *report = calloc(REPORT_LEN, 1);
    int problems = 0;
    for (int i = 0; i < N_SCREENS; i++) {
        const Screen *s = &SCREENS[i];
        g->show_help = 0;
        GuiInput in = draw_on(g, s);
        size_t before = g->dl.n;
        g->show_help = 1;
        gui_frame(g, &in);
        assert_true(g->dl.n > before);
        problems += check_draw_list_from(g, before, s, "help", report, REPORT_LEN);
    }
    /* a window narrower than any classroom's: laid out from measured values all the same,
     * every line starting on the screen (its lines may be cut) */
    GuiInput tiny = {.width = 240, .height = 320, .now = 1.0};
    tiny.ui.mouse_x = tiny.ui.mouse_y = -1000;
    g->presenter = 1;
    g->show_help = 0;
    gui_frame(g, &tiny);
    size_t before = g->dl.n;
    g->show_help = 1;
    gui_frame(g, &tiny);
    for (size_t i = before; i < g->dl.n; i++)
        if (g->dl.cmds[i].kind == CMD_TEXT && (g->dl.cmds[i].x0 < 0 || g->dl.cmds[i].x0 >= tiny.width))
            fail_msg("help at 240x320: \"%s\" starts at x = %g", g->dl.text + g->dl.cmds[i].text,
                     (double)g->dl.cmds[i].x0);
    g->show_help = 0;
    report_and_fail(problems, report);
    free(report);
    gui_free(g);
}

static void test_compare_fits_every_screen(void **state)
{
    (void)state;
    Gui *g = gui_new(NULL);
    assert_int_equal(gui_compare(g, "model=rnn,lstm", 0), 0);
    gui_wait(g, -1);
    assert_true(g->st->compare);
    gui_train(g, 30);
    char *report = calloc(REPORT_LEN, 1);
    int problems = check_screens(g, "compare", report, REPORT_LEN);
    report_and_fail(problems, report);
    free(report);
    gui_free(g);
}

static int is_lesson(const struct dirent *e)
{
    size_t n = strlen(e->d_name);
    return e->d_name[0] >= '0' && e->d_name[0] <= '9' && n > 3 && strcmp(e->d_name + n - 3, ".md") == 0;
}

static void test_every_lesson_step_fits_every_screen(void **state)
{
    (void)state;
    char dir[1024];
    datadir_lessons(dir, sizeof dir);
    struct dirent **names;
    int n = scandir(dir, &names, is_lesson, alphasort);
    assert_true(n >= 10);
#ifdef RNNLAB_SANITIZED
    int lessons = 1;
#else
    int lessons = n;
#endif
    char *report = calloc(REPORT_LEN, 1);
    int problems = 0;
    for (int i = 0; i < n; i++) {
        if (i < lessons) {
            char path[1300], what[300];
            snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
            Gui *g = gui_new(NULL);
            assert_int_equal(gui_lesson_open(g, path, 0), 0);
            for (int k = 0; k < g->lesson.n_steps; k++) {
                gui_lesson_run_step(g, k, 0);
                snprintf(what, sizeof what, "%s step %d", names[i]->d_name, k + 1);
                problems += check_screens(g, what, report, REPORT_LEN);
            }
            gui_free(g);
        }
        free(names[i]);
    }
    free(names);
    report_and_fail(problems, report);
    free(report);
}

/* The checks can fail: two labels drawn on top of each other, and a label cut by a clip. */
static void test_the_checks_catch_overlap_and_cutting(void **state)
{
    (void)state;
    Gui *g = gui_new(NULL);
    Screen s = {1024, 768, 1};
    char report[2048] = "";
    draw_clear(&g->dl, s.w, s.h);
    draw_text(&g->dl, 10, 10, 15, rgba(255, 255, 255, 255), "step 10k");
    draw_text(&g->dl, 30, 12, 15, rgba(255, 255, 255, 255), "step 12.5k");
    assert_int_equal(check_draw_list(g, &s, "overlap", report, sizeof report), 1);
    draw_clear(&g->dl, s.w, s.h);
    draw_clip(&g->dl, (Rect){0, 0, 40, 40});
    draw_text(&g->dl, 10, 10, 15, rgba(255, 255, 255, 255), "a label too long for its box");
    draw_unclip(&g->dl);
    draw_text(&g->dl, 10, 100, 11, rgba(255, 255, 255, 255), "tiny");
    assert_int_equal(check_draw_list(g, &s, "cut", report, sizeof report), 2);
    gui_free(g);
}

int main(void)
{
    char err[512];
    g_platform = platform_open("rnnlab test", 640, 480, 1, NULL, NULL, err, sizeof err);
    if (!g_platform) {
        fprintf(stderr, "test_layout: %s\n", err);
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_checks_catch_overlap_and_cutting),
        cmocka_unit_test(test_start_screen_fits_every_screen),
        cmocka_unit_test(test_the_start_screen_reaches_every_lesson),
        cmocka_unit_test(test_free_play_fits_every_screen),
        cmocka_unit_test(test_the_help_fits_every_screen),
        cmocka_unit_test(test_compare_fits_every_screen),
        cmocka_unit_test(test_every_lesson_step_fits_every_screen),
    };
    int r = cmocka_run_group_tests(tests, NULL, NULL);
    platform_close(g_platform);
    return r;
}
