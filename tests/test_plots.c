/* test_plots.c: plots that do not mislead, read off the draw list: integer step ticks with
 * short labels, the metric on its own axis, legends and the baseline's label left clear,
 * the loss cursor, the readouts lessons quote, curves told apart by more than hue (also
 * under simulated colour blindness), and compare mode's shared colour bar. Not pixels:
 * test_gui and test_render look at those. */
#include "check.h"
#include "view_fixture.h"

#include "../src/ui/theme.h"
#include "../src/views/views.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fake_width(void *ctx, const char *text, int size)
{
    (void)ctx;
    return (int)strlen(text) * size / 2;
}
static const TextMeasure FAKE = {NULL, fake_width};

typedef struct {
    DrawList dl;
    Ui ui;
    ViewScratch *scratch;
    ViewState vs;
} Canvas;

static void canvas_open(Canvas *c)
{
    draw_init(&c->dl);
    ui_init(&c->ui, &c->dl, FAKE);
    c->scratch = view_scratch_create();
    assert_non_null(c->scratch);
    memset(&c->vs, 0, sizeof c->vs);
    c->vs.hover_t = -1;
}

static void canvas_close(Canvas *c)
{
    view_scratch_destroy(c->scratch);
    draw_free(&c->dl);
}

static void canvas_begin(Canvas *c, int theme)
{
    draw_clear(&c->dl, 1024, 768);
    UiInput in = {.mouse_x = -100, .mouse_y = -100};
    ui_begin(&c->ui, &in, theme_get(theme), 1);
}

static void canvas_end(Canvas *c)
{
    assert_int_equal(c->ui.n_clips, 0);
    ui_end(&c->ui);
}

/* Draws view v of rv into r (the size a view has in a 1024x768 window). */
static void draw_view(Canvas *c, int v, const RunView *rv, Rect r, int theme)
{
    canvas_begin(c, theme);
    VIEWS[v].draw(&c->ui, r, rv, &c->vs, c->scratch);
    canvas_end(c);
}

static void make_view(RunView *rv, const char *const *settings, long steps)
{
    fixture_run_view(rv, settings, steps, 400);
}

static const char *cmd_text(const DrawList *dl, const DrawCmd *d) { return dl->text + d->text; }

static int same_color(Color a, Color b) { return a.r == b.r && a.g == b.g && a.b == b.b && a.a == b.a; }

static const DrawCmd *find_text(const DrawList *dl, const char *prefix)
{
    for (size_t i = 0; i < dl->n; i++)
        if (dl->cmds[i].kind == CMD_TEXT && !strncmp(cmd_text(dl, &dl->cmds[i]), prefix, strlen(prefix)))
            return &dl->cmds[i];
    return NULL;
}

/* ---- step axes ---- */

static void test_tick_labels_are_short_and_integer_on_count_axes(void **s)
{
    (void)s;
    char buf[32];
    struct {
        double v, step;
        const char *want;
    } cases[] = {
        {10000, 2500, "10k"}, {12500, 2500, "12.5k"}, {15000, 2500, "15k"}, {1e6, 5e5, "1M"},
        {1.5e6, 5e5, "1.5M"}, {250, 50, "250"}, {0, 1, "0"}, {3, 1, "3"}, {0.5, 0.5, "0.5"},
        {1.25, 0.25, "1.25"}, {2e9, 1e9, "2G"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        plot_format_tick(buf, sizeof buf, cases[i].v, cases[i].step);
        if (strcmp(buf, cases[i].want))
            fail_msg("tick %g (step %g): \"%s\", want \"%s\"", cases[i].v, cases[i].step, buf, cases[i].want);
    }
    /* an integer axis never steps by less than 1, nor by 2.5 */
    assert_true(plot_nice_step(1, 6, 1) == 1);
    assert_true(plot_nice_step(12, 6, 1) == 2);
    assert_true(plot_nice_step(15, 6, 1) == 5 || plot_nice_step(15, 6, 1) == 2);
    assert_true(plot_nice_step(1, 5, 0) == 0.2); /* a continuous one may */
}

/* The x tick labels of a plot over [x0, x1] (texts in the row under its area). */
static int x_tick_labels(const Canvas *c, const Plot *p, char out[][32], int max)
{
    int n = 0;
    for (size_t i = 0; i < c->dl.n && n < max; i++) {
        const DrawCmd *d = &c->dl.cmds[i];
        if (d->kind == CMD_TEXT && d->y0 >= p->area.y + p->area.h && strcmp(cmd_text(&c->dl, d), "step"))
            snprintf(out[n++], 32, "%s", cmd_text(&c->dl, d));
    }
    return n;
}

static void test_a_step_axis_has_integer_ticks_and_no_repeated_labels(void **s)
{
    (void)s;
    Canvas c;
    canvas_open(&c);
    double ranges[][2] = {{10000, 12600}, {0, 1}, {0, 3}, {1, 1200000}, {990, 1010}};
    for (size_t k = 0; k < sizeof ranges / sizeof ranges[0]; k++) {
        canvas_begin(&c, THEME_NORMAL);
        PlotOpts o = {.title = "t", .x0 = ranges[k][0], .x1 = ranges[k][1], .y0 = 0, .y1 = 1, .x_label = "step",
                      .x_integer = 1};
        Plot p = plot_begin_ex(&c.ui, (Rect){0, 0, 360, 120}, &o);
        canvas_end(&c);
        char labels[16][32];
        int n = x_tick_labels(&c, &p, labels, 16);
        if (n < 2)
            fail_msg("range %g..%g: %d tick labels", ranges[k][0], ranges[k][1], n);
        for (int i = 0; i < n; i++) {
            int suffixed = strchr(labels[i], 'k') || strchr(labels[i], 'M');
            if (strchr(labels[i], 'e') || (strchr(labels[i], '.') && !suffixed))
                fail_msg("range %g..%g: tick \"%s\" is not a short integer label", ranges[k][0], ranges[k][1],
                         labels[i]);
            for (int j = 0; j < i; j++)
                if (!strcmp(labels[i], labels[j]))
                    fail_msg("range %g..%g: tick \"%s\" twice", ranges[k][0], ranges[k][1], labels[i]);
        }
    }
    canvas_close(&c);
}

/* ---- the loss view ---- */

static const Rect LOSS_R = {300, 390, 350, 160}; /* about its size at 1024x768 */

/* The plot area of the legend entry called label (the first key that has it). */
static const DrawKey *find_key(const DrawList *dl, const char *label)
{
    for (int k = 0; k < dl->n_keys; k++)
        if (!strncmp(dl->keys[k].label, label, strlen(label)))
            return &dl->keys[k];
    return NULL;
}

static void test_accuracy_has_its_own_axis_from_0_to_1(void **s)
{
    (void)s;
    static const char *const LSTM[] = {"model=lstm", "task=echo", "lr=0.02", NULL};
    RunView rv;
    make_view(&rv, LSTM, 300);
    Canvas c;
    canvas_open(&c);
    draw_view(&c, VIEW_LOSS, &rv, LOSS_R, THEME_NORMAL);
    const Theme *t = theme_get(THEME_NORMAL);
    const DrawKey *acc = find_key(&c.dl, "accuracy");
    assert_non_null(acc);
    Rect a = acc->plot;
    /* tick labels in the metric's colour right of the area: 0 at the bottom, 1 at the top */
    float y0 = -1, y1 = -1;
    for (size_t i = 0; i < c.dl.n; i++) {
        const DrawCmd *d = &c.dl.cmds[i];
        if (d->kind != CMD_TEXT || d->x0 < a.x + a.w || !same_color(d->color, t->metric))
            continue;
        if (!strcmp(cmd_text(&c.dl, d), "0"))
            y0 = d->y0;
        if (!strcmp(cmd_text(&c.dl, d), "1"))
            y1 = d->y0;
    }
    assert_true(y0 > 0 && y1 > 0);
    int small = ui_text_size_small(&c.ui);
    assert_true(fabsf(y1 + small / 2 - a.y) <= 1.5f);
    assert_true(fabsf(y0 + small / 2 - (a.y + a.h - 1)) <= 1.5f);
    /* and the accuracy, which reached 1, is drawn up to the top of the area and not above */
    float top = 1e9f;
    for (size_t i = 0; i < c.dl.n; i++) {
        const DrawCmd *d = &c.dl.cmds[i];
        if (d->kind == CMD_LINE && same_color(d->color, t->metric) && rect_contains(a, (int)d->x0, (int)d->y0))
            top = fminf(top, fminf(d->y0, d->y1));
    }
    double last = rv.hist.metric[history_index(&rv.hist, rv.hist.count - 1)];
    if (last > 0.99) /* a metric of 1 sits at the top of the area: not at 1/1.6 of the loss axis */
        assert_true(top <= a.y + 2);
    assert_true(top >= a.y - 1);
    canvas_close(&c);
    runview_free(&rv);
}

static int overlaps(Rect a, Rect b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

static int line_crosses(const DrawCmd *d, Rect r)
{
    for (int k = 0; k <= 8; k++) {
        float x = d->x0 + (d->x1 - d->x0) * k / 8, y = d->y0 + (d->y1 - d->y0) * k / 8;
        if (rect_contains(r, (int)x, (int)y))
            return 1;
    }
    return 0;
}

static void test_nothing_covers_the_baseline_label_and_the_legend_leaves_it_clear(void **s)
{
    (void)s;
    static const char *const RUNS[][4] = {{"model=lstm", "task=echo", NULL}, {"model=rnn", "task=adding", NULL},
                                          {"model=gru", "task=parity", NULL}};
    for (size_t k = 0; k < sizeof RUNS / sizeof RUNS[0]; k++) {
        RunView rv;
        make_view(&rv, RUNS[k], 60);
        Canvas c;
        canvas_open(&c);
        Rect sizes[] = {LOSS_R, {0, 0, 700, 420}};
        for (size_t z = 0; z < 2; z++) {
            draw_view(&c, VIEW_LOSS, &rv, sizes[z], THEME_NORMAL);
            size_t at = 0;
            const DrawCmd *lab = NULL;
            for (size_t i = 0; i < c.dl.n; i++)
                if (c.dl.cmds[i].kind == CMD_TEXT && !strncmp(cmd_text(&c.dl, &c.dl.cmds[i]), "memoryless", 10))
                    lab = &c.dl.cmds[i], at = i;
            if (!lab)
                continue; /* the baseline is off the axis */
            int small = lab->size;
            Rect lr = {(int)lab->x0, (int)lab->y0, fake_width(NULL, cmd_text(&c.dl, lab), small), small};
            /* everything drawn after the label stays off it */
            for (size_t i = at + 1; i < c.dl.n; i++) {
                const DrawCmd *d = &c.dl.cmds[i];
                int hit = d->kind == CMD_LINE ? line_crosses(d, lr)
                          : d->kind == CMD_RECT || d->kind == CMD_IMAGE ? overlaps(d->rect, lr)
                          : d->kind == CMD_TEXT ? overlaps((Rect){(int)d->x0, (int)d->y0,
                                                                  fake_width(NULL, cmd_text(&c.dl, d), d->size), d->size},
                                                           lr)
                                                : 0;
                if (hit)
                    fail_msg("%s, %dx%d: command %zu (kind %d at %d,%d %dx%d) covers the baseline label at %d,%d %dx%d", RUNS[k][0], sizes[z].w,
                             sizes[z].h, i, d->kind, d->rect.x, d->rect.y, d->rect.w, d->rect.h, lr.x, lr.y, lr.w, lr.h);
            }
            /* ... and the curves drawn before it run under its veil: a veil is drawn over them */
            int veiled = 0;
            for (size_t i = 0; i < at; i++)
                veiled |= c.dl.cmds[i].kind == CMD_RECT && overlaps(c.dl.cmds[i].rect, lr) &&
                          c.dl.cmds[i].rect.w < sizes[z].w / 2;
            assert_true(veiled);
        }
        canvas_close(&c);
        runview_free(&rv);
    }
}

/* A corner note goes where the points are not, and never over a marker to avoid: points
 * crowding the bottom left (the note's first choice) send it elsewhere, and a marker in
 * the emptiest corner sends it on again. */
static void test_a_corner_note_leaves_the_points_and_markers_clear(void **s)
{
    (void)s;
    Canvas c;
    canvas_open(&c);
    static const char *const FORMS[] = {"ring: h_0, dot: last", "ring h_0"};
    double xs[200], ys[200];
    for (int i = 0; i < 200; i++) /* a cloud in the bottom-left quarter */
        xs[i] = (i % 20) / 40.0, ys[i] = (i / 20) / 40.0;
    PlotSeries cloud = {xs, ys, 200, {0, 0, 0, 255}, 1.0f, -1, PLOT_MARK_NONE, NULL};
    Rect none = {0, 0, 0, 0}, placed[2];
    for (int k = 0; k < 2; k++) {
        canvas_begin(&c, THEME_NORMAL);
        Plot q = plot_begin(&c.ui, (Rect){0, 0, 400, 300}, "t", 0, 1, 0, 1, 0, NULL);
        Rect bottom_left = {q.area.x, q.area.y + q.area.h / 2, q.area.w / 2, q.area.h / 2};
        Rect avoid = k ? placed[0] : none;
        placed[k] = plot_corner_note(&c.ui, &q, &cloud, 1, &avoid, k, FORMS, 2);
        canvas_end(&c);
        assert_true(placed[k].w > 0);
        assert_false(overlaps(placed[k], bottom_left));
        assert_true(rect_contains(q.area, placed[k].x, placed[k].y) &&
                    rect_contains(q.area, placed[k].x + placed[k].w - 1, placed[k].y + placed[k].h - 1));
        const DrawCmd *t = find_text(&c.dl, "ring");
        assert_non_null(t);
        assert_string_equal(cmd_text(&c.dl, t), "ring: h_0, dot: last");
    }
    assert_false(overlaps(placed[1], placed[0]));
    canvas_close(&c);
}

/* The hidden view always has its key to the path, and it never hides the path's ring (h_0)
 * or dot (h_T): it takes a corner clear of both where one is, and where none is (parity's
 * three steps, a small plot) the markers are drawn after it, on top. */
static void test_the_path_key_never_hides_its_ring_and_dot(void **s)
{
    (void)s;
    static const char *const RUNS[][4] = {{"model=rnn", "task=adding", NULL}, {"model=lstm", "task=echo", NULL},
                                          {"model=gru", "task=parity", NULL}, {"model=rnn", "task=sine", NULL}};
    const Rect sizes[] = {{0, 0, 560, 150}, {0, 0, 350, 145}}; /* the second: its size at 1024x768 */
    for (size_t k = 0; k < sizeof RUNS / sizeof RUNS[0]; k++)
        for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
            RunView rv;
            make_view(&rv, RUNS[k], 80);
            Canvas c;
            canvas_open(&c);
            draw_view(&c, VIEW_HIDDEN, &rv, sizes[z], THEME_NORMAL);
            size_t at = c.dl.n;
            for (size_t i = 0; i < c.dl.n && at == c.dl.n; i++) {
                const char *txt = c.dl.cmds[i].kind == CMD_TEXT ? cmd_text(&c.dl, &c.dl.cmds[i]) : "";
                if (!strncmp(txt, "ring", 4) || !strncmp(txt, "\u25cb h_0", strlen("\u25cb h_0")))
                    at = i;
            }
            if (at == c.dl.n)
                fail_msg("%s, %dx%d: no key to the path", RUNS[k][0], sizes[z].w, sizes[z].h);
            const DrawCmd *key = &c.dl.cmds[at];
            Rect kr = {(int)key->x0, (int)key->y0, fake_width(NULL, cmd_text(&c.dl, key), key->size), key->size};
            for (size_t i = 0; i < at; i++) {
                const DrawCmd *d = &c.dl.cmds[i];
                if (d->kind != CMD_RING && d->kind != CMD_CIRCLE)
                    continue;
                Rect m = {(int)(d->x0 - d->r), (int)(d->y0 - d->r), (int)(2 * d->r), (int)(2 * d->r)};
                if (overlaps(m, kr))
                    fail_msg("%s, %dx%d: the key at %d,%d %dx%d is drawn over a marker at %d,%d", RUNS[k][0],
                             sizes[z].w, sizes[z].h, kr.x, kr.y, kr.w, kr.h, m.x, m.y);
            }
            canvas_close(&c);
            runview_free(&rv);
        }
}

/* The vertical lines in colour c spanning the plot area's height. */
static int vertical_lines(const DrawList *dl, Color c, int min_h)
{
    int n = 0;
    for (size_t i = 0; i < dl->n; i++) {
        const DrawCmd *d = &dl->cmds[i];
        n += d->kind == CMD_LINE && same_color(d->color, c) && d->x0 == d->x1 && fabsf(d->y1 - d->y0) >= min_h;
    }
    return n;
}

static void test_the_loss_cursor_marks_the_step_and_a_zeroed_state_has_none(void **s)
{
    (void)s;
    static const char *const LSTM[] = {"model=lstm", "task=echo", NULL};
    RunView rv;
    make_view(&rv, LSTM, 100);
    Canvas c;
    canvas_open(&c);
    const Theme *t = theme_get(THEME_NORMAL);
    draw_view(&c, VIEW_LOSS, &rv, LOSS_R, THEME_NORMAL);
    assert_int_equal(vertical_lines(&c.dl, t->text, 10), 0);
    const DrawKey *loss = find_key(&c.dl, "loss");
    assert_non_null(loss);
    Rect a = loss->plot;
    c.vs.has_cursor = 1, c.vs.cursor_step = 50;
    draw_view(&c, VIEW_LOSS, &rv, LOSS_R, THEME_NORMAL);
    assert_int_equal(vertical_lines(&c.dl, t->text, 10), 2); /* the loss plot and the gradient norm below */
    /* at step 50 of 1..100 */
    Plot p = {.area = a, .x0 = (double)rv.hist.step[history_index(&rv.hist, 0)],
              .x1 = (double)rv.hist.step[history_index(&rv.hist, rv.hist.count - 1)]};
    for (size_t i = 0; i < c.dl.n; i++) {
        const DrawCmd *d = &c.dl.cmds[i];
        if (d->kind == CMD_LINE && same_color(d->color, t->text) && d->x0 == d->x1 && rect_contains(a, (int)d->x0, (int)d->y0 + 1))
            assert_true(fabsf(d->x0 - plot_px(&p, 50)) < 0.5f);
    }
    c.vs.cursor_step = 100000; /* off the axis: nothing */
    draw_view(&c, VIEW_LOSS, &rv, LOSS_R, THEME_NORMAL);
    assert_int_equal(vertical_lines(&c.dl, t->text, 10), 0);
    canvas_close(&c);
    runview_free(&rv);
}

/* ---- readouts ---- */

static void expect_readout(const DrawList *dl, const char *name, double v)
{
    char want[64];
    snprintf(want, sizeof want, "%s = %.3g", name, v);
    for (size_t i = 0; i < dl->n; i++)
        if (dl->cmds[i].kind == CMD_TEXT && strstr(cmd_text(dl, &dl->cmds[i]), want))
            return;
    fail_msg("no readout \"%s\" drawn", want);
}

static void test_the_views_show_the_numbers_lessons_quote(void **s)
{
    (void)s;
    static const char *const LSTM[] = {"model=lstm", "task=echo", "clip=0.05", NULL};
    RunView rv;
    make_view(&rv, LSTM, 40);
    Canvas c;
    canvas_open(&c);
    draw_view(&c, VIEW_GRADIENT, &rv, (Rect){0, 0, 700, 400}, THEME_NORMAL);
    expect_readout(&c.dl, "grad_ratio", rv.obs.dh_norm[0] / rv.obs.dh_norm[rv.T - 1]);
    expect_readout(&c.dl, "cell_ratio", rv.obs.dc_norm[0] / rv.obs.dc_norm[rv.T - 1]);
    draw_view(&c, VIEW_LOSS, &rv, (Rect){0, 0, 700, 400}, THEME_NORMAL);
    int clipped = 0;
    for (int i = 0; i < rv.hist.count; i++)
        clipped += rv.hist.clipped[history_index(&rv.hist, i)];
    assert_true(clipped > 0);
    expect_readout(&c.dl, "clipped_fraction", (double)clipped / rv.hist.count);
    draw_view(&c, VIEW_SPECTRUM, &rv, (Rect){0, 0, 700, 400}, THEME_NORMAL);
    double sm = 0;
    for (int b = 0; b < rv.obs.n_blocks; b++)
        sm = fmax(sm, rv.obs.sigma_max[b]);
    char want[64];
    snprintf(want, sizeof want, "sigma_max = %.4g", sm);
    assert_non_null(find_text(&c.dl, want));
    /* the same numbers as lessons' checks */
    assert_true(runview_grad_ratio(&rv) == rv.obs.dh_norm[0] / rv.obs.dh_norm[rv.T - 1]);
    assert_true(runview_sigma_max(&rv) == sm);
    canvas_close(&c);
    runview_free(&rv);
}

/* ---- colour-blind safe curves ---- */

/* Machado, Oliveira and Fernandes (2009), "A Physiologically-based Model for Simulation of
 * Color Vision Deficiency", IEEE TVCG 15(6): the matrices for severity 1.0, applied to
 * linear RGB. */
static const double PROTANOPIA[3][3] = {
    {0.152286, 1.052583, -0.204868}, {0.114503, 0.786281, 0.099216}, {-0.003882, -0.048116, 1.051998}};
static const double DEUTERANOPIA[3][3] = {
    {0.367322, 0.860646, -0.227968}, {0.280085, 0.672501, 0.047413}, {-0.011820, 0.042940, 0.968881}};

static double srgb_to_linear(double c)
{
    c /= 255;
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double linear_to_srgb(double c)
{
    c = c < 0 ? 0 : c > 1 ? 1 : c;
    return 255 * (c <= 0.0031308 ? 12.92 * c : 1.055 * pow(c, 1 / 2.4) - 0.055);
}

static void simulate(const double m[3][3], Color c, double out[3])
{
    double lin[3] = {srgb_to_linear(c.r), srgb_to_linear(c.g), srgb_to_linear(c.b)};
    for (int i = 0; i < 3; i++)
        out[i] = linear_to_srgb(m[i][0] * lin[0] + m[i][1] * lin[1] + m[i][2] * lin[2]);
}

static double delta(const double a[3], const double b[3])
{
    return sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
}

#define CVD_DELTA 40.0 /* closer than this in simulated RGB: hue alone does not tell them apart */

/* Every pair of legend entries of one plot: distinct (dash, marker), and when their colours
 * are close to a protanope or a deuteranope, distinct all the more; the curves drawn in an
 * entry's colour use its dash pattern, and a dashed pattern leaves gaps. Returns 0, or 1 with
 * the reason in why. `close_pairs` counts the pairs that only a pattern tells apart. */
static int check_curves_distinguishable(const DrawList *dl, char *why, size_t len, int *close_pairs)
{
    const double (*sims[2])[3] = {PROTANOPIA, DEUTERANOPIA};
    static const char *const SIM_NAMES[2] = {"protanopia", "deuteranopia"};
    for (int a = 0; a < dl->n_keys; a++)
        for (int b = a + 1; b < dl->n_keys; b++) {
            const DrawKey *x = &dl->keys[a], *y = &dl->keys[b];
            if (memcmp(&x->plot, &y->plot, sizeof x->plot))
                continue; /* different plots */
            int same_pattern = x->dash == y->dash && x->marker == y->marker;
            for (int k = 0; k < 2; k++) {
                double p[3], q[3];
                simulate(sims[k], x->color, p);
                simulate(sims[k], y->color, q);
                if (delta(p, q) < CVD_DELTA) {
                    ++*close_pairs;
                    if (same_pattern) {
                        snprintf(why, len, "\"%s\" and \"%s\" look alike with %s (delta %.1f) and share a pattern",
                                 x->label, y->label, SIM_NAMES[k], delta(p, q));
                        return 1;
                    }
                }
            }
            if (same_pattern) {
                snprintf(why, len, "\"%s\" and \"%s\" differ only in hue", x->label, y->label);
                return 1;
            }
        }
    /* the curves are drawn as their legend says */
    for (int a = 0; a < dl->n_keys; a++) {
        const DrawKey *x = &dl->keys[a];
        if (x->dash < 0)
            continue;
        int lines = 0, gaps = 0;
        const DrawCmd *prev = NULL;
        for (size_t i = 0; i < dl->n; i++) {
            const DrawCmd *d = &dl->cmds[i];
            if (d->kind != CMD_LINE || !same_color(d->color, x->color) || !rect_contains(x->plot, (int)d->x0, (int)d->y0))
                continue;
            if (d->dash != x->dash) {
                snprintf(why, len, "\"%s\": a segment in dash %d, its legend says %d", x->label, d->dash, x->dash);
                return 1;
            }
            if (prev && hypotf(d->x0 - prev->x1, d->y0 - prev->y1) > 0.5f)
                gaps++;
            prev = d, lines++;
        }
        if (lines && x->dash != PLOT_SOLID && gaps == 0) {
            snprintf(why, len, "\"%s\" is meant to be dashed but its %d segments join up", x->label, lines);
            return 1;
        }
    }
    return 0;
}

static void test_named_curves_differ_in_pattern_not_only_hue(void **s)
{
    (void)s;
    static const char *const LSTM[] = {"model=lstm", "task=echo", "clip=1", NULL},
                             *const RNN[] = {"model=rnn", "task=adding", NULL};
    const char *const *runs[] = {LSTM, RNN};
    int close_total = 0;
    for (size_t r = 0; r < 2; r++) {
        RunView rv;
        make_view(&rv, runs[r], 120);
        Canvas c;
        canvas_open(&c);
        for (int theme = 0; theme < THEME_COUNT; theme++) {
            int views[3] = {VIEW_LOSS, VIEW_GRADIENT, VIEW_SPECTRUM};
            for (int v = 0; v < 3; v++) {
                Rect rs[2] = {LOSS_R, {0, 0, 700, 420}};
                for (int z = 0; z < 2; z++) {
                    draw_view(&c, views[v], &rv, rs[z], theme);
                    if (views[v] != VIEW_SPECTRUM || r == 0)
                        assert_true(c.dl.n_keys >= 2); /* there is a legend to check */
                    char why[256];
                    int close = 0;
                    if (check_curves_distinguishable(&c.dl, why, sizeof why, &close))
                        fail_msg("%s, view %s, theme %d: %s", runs[r][0], VIEWS[views[v]].name, theme, why);
                    close_total += close;
                }
            }
        }
        /* the check can fail: the same views with every curve solid fail it */
        draw_view(&c, VIEW_GRADIENT, &rv, (Rect){0, 0, 700, 420}, THEME_NORMAL);
        for (int k = 0; k < c.dl.n_keys; k++)
            c.dl.keys[k].dash = PLOT_SOLID;
        for (size_t i = 0; i < c.dl.n; i++)
            c.dl.cmds[i].dash = PLOT_SOLID;
        char why[256];
        int close = 0;
        assert_int_equal(check_curves_distinguishable(&c.dl, why, sizeof why, &close), 1);
        /* ... and so does a dashed legend over a solid line */
        draw_view(&c, VIEW_LOSS, &rv, (Rect){0, 0, 700, 420}, THEME_NORMAL);
        for (size_t i = 0; i < c.dl.n; i++)
            c.dl.cmds[i].dash = PLOT_SOLID;
        assert_int_equal(check_curves_distinguishable(&c.dl, why, sizeof why, &close), 1);
        canvas_close(&c);
        runview_free(&rv);
    }
    /* red ||dL/dh_t|| against green ||dL/dc_t|| (and others) do look alike without red-green
     * vision: the patterns are what tells them apart */
    assert_true(close_total > 0);
}

static void test_the_simulation_matches_the_paper_on_pure_colours(void **s)
{
    (void)s;
    /* a protanope sees pure red dark and yellowish-brown, and red and green close */
    double red[3], green[3], blue[3];
    simulate(PROTANOPIA, rgba(255, 0, 0, 255), red);
    simulate(PROTANOPIA, rgba(0, 255, 0, 255), green);
    simulate(DEUTERANOPIA, rgba(0, 0, 255, 255), blue);
    assert_true(red[0] < 140 && red[1] < 140 && red[2] < 60); /* dark, little blue */
    assert_true(fabs(blue[2] - 255) < 10);                     /* blue stays blue */
    double r2[3], g2[3];
    simulate(DEUTERANOPIA, rgba(178, 24, 43, 255), r2); /* the theme's grad and grad_cell */
    simulate(DEUTERANOPIA, rgba(27, 120, 55, 255), g2);
    double plain = sqrt((178 - 27) * (178 - 27) + (24 - 120) * (24 - 120) + (43 - 55) * (43 - 55.0));
    assert_true(delta(r2, g2) < plain / 2);
}

static void test_eigenvalues_of_each_gate_have_their_own_marker_and_label(void **s)
{
    (void)s;
    static const char *const LSTM[] = {"model=lstm", NULL}, *const SEQ[] = {"model=gru", "task=reverse", "seq_len=6", NULL};
    const char *const *runs[] = {LSTM, SEQ};
    for (int r = 0; r < 2; r++) {
        RunView rv;
        make_view(&rv, runs[r], 5);
        Canvas c;
        canvas_open(&c);
        draw_view(&c, VIEW_SPECTRUM, &rv, (Rect){0, 0, 720, 200}, THEME_NORMAL);
        int n = rv.spectrum.n_blocks, shapes = 0;
        /* the eigenvalue plot's legend: the keys with no line */
        for (int a = 0; a < c.dl.n_keys; a++) {
            const DrawKey *x = &c.dl.keys[a];
            if (x->dash >= 0)
                continue;
            shapes++;
            assert_true(x->marker >= 0 && x->label[0]);
            for (int b = 0; b < a; b++)
                if (c.dl.keys[b].dash < 0)
                    assert_int_not_equal(c.dl.keys[b].marker, x->marker);
        }
        assert_int_equal(shapes, n);
        canvas_close(&c);
        runview_free(&rv);
    }
}

/* A legend too narrow for its labels writes every one in the same shorter form ("i f g o",
 * not "input i, forget f, cell g, outpu..."); its keys keep the full names. */
static void test_a_narrow_legend_writes_every_label_in_one_short_form(void **s)
{
    (void)s;
    static const char *const LSTM[] = {"model=lstm", NULL};
    static const char *const FULL[] = {"input i", "forget f", "cell g", "output o"}, *const SHORT[] = {"i", "f", "g", "o"};
    RunView rv;
    make_view(&rv, LSTM, 5);
    const int widths[] = {900, 240};
    for (int w = 0; w < 2; w++) {
        Canvas c;
        canvas_open(&c);
        draw_view(&c, VIEW_SPECTRUM, &rv, (Rect){0, 0, widths[w], 260}, THEME_NORMAL);
        const char *const *want = w ? SHORT : FULL;
        int found[4] = {0};
        for (size_t i = 0; i < c.dl.n; i++) {
            if (c.dl.cmds[i].kind != CMD_TEXT)
                continue;
            const char *txt = cmd_text(&c.dl, &c.dl.cmds[i]);
            for (int g = 0; g < 4; g++) {
                found[g] += !strcmp(txt, want[g]);
                if (w && !strncmp(txt, FULL[g], 3))
                    fail_msg("width %d: \"%s\" where every label is short", widths[w], txt);
            }
        }
        for (int g = 0; g < 4; g++)
            if (found[g] != 2) /* the singular values' legend and the eigenvalues' */
                fail_msg("width %d: \"%s\" written %d times, not twice", widths[w], want[g], found[g]);
        for (int k = 0; k < c.dl.n_keys; k++)
            assert_null(strchr(c.dl.keys[k].label, UI_OR[0]));
        int full_keys = 0;
        for (int k = 0; k < c.dl.n_keys; k++)
            for (int g = 0; g < 4; g++)
                full_keys += !strcmp(c.dl.keys[k].label, FULL[g]);
        assert_int_equal(full_keys, 8);
        canvas_close(&c);
    }
    runview_free(&rv);
}

/* ---- the gates view ---- */

static void test_the_gates_view_has_axes_and_colour_bars(void **s)
{
    (void)s;
    static const char *const LSTM[] = {"model=lstm", "seq_len=30", NULL};
    RunView rv;
    make_view(&rv, LSTM, 3);
    Canvas c;
    canvas_open(&c);
    draw_view(&c, VIEW_GATES, &rv, (Rect){0, 0, 700, 400}, THEME_NORMAL);
    /* one image a gate and a colour bar for each kind (sigmoid, tanh) */
    int images = 0;
    for (size_t i = 0; i < c.dl.n; i++)
        images += c.dl.cmds[i].kind == CMD_IMAGE;
    assert_int_equal(images, rv.dims.G + 2);
    for (int g = 0; g < rv.dims.G; g++)
        assert_non_null(find_text(&c.dl, rv.dims.cell->gate_titles[g]));
    assert_non_null(find_text(&c.dl, "tanh"));
    assert_non_null(find_text(&c.dl, "-1"));
    assert_non_null(find_text(&c.dl, "0.5"));
    /* the t axis: integer ticks, 0 among them, and the last unit's number */
    assert_non_null(find_text(&c.dl, "t"));
    assert_non_null(find_text(&c.dl, "10"));
    assert_non_null(find_text(&c.dl, "7")); /* H - 1 */
    canvas_close(&c);
    runview_free(&rv);
}

/* ---- compare mode ---- */

/* The waterfall's colour-bar labels ("1e3", ...) the gradient view drew, joined. */
static void colour_bar_labels(const DrawList *dl, char *out, size_t len)
{
    out[0] = '\0';
    for (size_t i = 0; i < dl->n; i++) {
        const char *s = cmd_text(dl, &dl->cmds[i]);
        if (dl->cmds[i].kind == CMD_TEXT && !strncmp(s, "1e", 2) && dl->cmds[i].x0 > 600)
            snprintf(out + strlen(out), len - strlen(out), "%s ", s);
    }
}

/* Two runs, B's gradient norms 1e5 times A's; view v of each drawn alone has its own
 * colour bar, and once they share ranges (as compare_columns gives them) one bar. */
static void two_runs_share_a_colour_bar(Canvas *c, RunView *a, RunView *b, int v, Rect r)
{
    static const char *const RNN[] = {"model=rnn", "task=echo", NULL};
    make_view(a, RNN, 30);
    memset(b, 0, sizeof *b);
    assert_int_equal(runview_copy(b, a), 0);
    for (int i = 0; i < b->hist.count * b->hist.T; i++)
        b->hist.dh_norm[i] *= 1e5;
    for (int t = 0; t < b->T; t++)
        b->obs.dh_norm[t] *= 1e5;
    char la[256], lb[256];
    draw_view(c, v, a, r, THEME_NORMAL);
    colour_bar_labels(&c->dl, la, sizeof la);
    draw_view(c, v, b, r, THEME_NORMAL);
    colour_bar_labels(&c->dl, lb, sizeof lb);
    assert_true(la[0] && lb[0]);
    assert_string_not_equal(la, lb); /* each on its own: different bars */
    views_shared_ranges(&c->vs, a, b);
    draw_view(c, v, a, r, THEME_NORMAL);
    colour_bar_labels(&c->dl, la, sizeof la);
    draw_view(c, v, b, r, THEME_NORMAL);
    colour_bar_labels(&c->dl, lb, sizeof lb);
    assert_string_equal(la, lb);
}

static void test_compared_runs_share_the_waterfalls_colour_bar(void **s)
{
    (void)s;
    RunView a, b;
    Canvas c;
    canvas_open(&c);
    Rect r = {0, 0, 700, 420};
    two_runs_share_a_colour_bar(&c, &a, &b, VIEW_GRADIENT, r);
    double ta = 0, da = 0, tb = 0, db = 0;
    assert_true(views_waterfall_scale(&a, 0, a.hist.count, &ta, &da));
    assert_true(views_waterfall_scale(&b, 0, b.hist.count, &tb, &db));
    assert_true(c.vs.grad_top == fmax(ta, tb));
    assert_true(c.vs.grad_top - c.vs.grad_decades <= fmin(ta - da, tb - db));
    /* the gradient norm's strip too: its range holds both runs' norms */
    for (int i = 0; i < a.hist.count; i++)
        assert_true(c.vs.norm_lo <= a.hist.grad_norm[i] && a.hist.grad_norm[i] <= c.vs.norm_hi);
    /* one colour one value: A's newest gradient at t = 0 has the shared scale's colour */
    uint8_t pa[4];
    draw_view(&c, VIEW_GRADIENT, &a, r, THEME_NORMAL);
    const DrawCmd *ia = NULL;
    for (size_t i = 0; i < c.dl.n; i++)
        if (c.dl.cmds[i].kind == CMD_IMAGE && c.dl.cmds[i].iw == a.T)
            ia = &c.dl.cmds[i];
    assert_non_null(ia);
    size_t off_a = ia->pixels + (size_t)(ia->ih - 1) * ia->iw * 4; /* newest row, t = 0 */
    memcpy(pa, c.dl.pixels + off_a, 4);
    double va = a.hist.dh_norm[(size_t)history_index(&a.hist, a.hist.count - 1) * a.hist.T];
    double lv = (log10(va) - (c.vs.grad_top - c.vs.grad_decades)) / c.vs.grad_decades;
    Color want = colormap_magnitude(lv);
    assert_true(pa[0] == want.r && pa[1] == want.g && pa[2] == want.b);
    canvas_close(&c);
    runview_free(&b);
    runview_free(&a);
}

/* The unfolded network's band has one colour bar for both compared runs too. */
static void test_compared_runs_share_the_unfolded_bands_colour_bar(void **s)
{
    (void)s;
    RunView a, b;
    Canvas c;
    canvas_open(&c);
    two_runs_share_a_colour_bar(&c, &a, &b, VIEW_UNFOLDED, (Rect){0, 0, 700, 240});
    canvas_close(&c);
    runview_free(&b);
    runview_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tick_labels_are_short_and_integer_on_count_axes),
        cmocka_unit_test(test_a_step_axis_has_integer_ticks_and_no_repeated_labels),
        cmocka_unit_test(test_accuracy_has_its_own_axis_from_0_to_1),
        cmocka_unit_test(test_nothing_covers_the_baseline_label_and_the_legend_leaves_it_clear),
        cmocka_unit_test(test_the_loss_cursor_marks_the_step_and_a_zeroed_state_has_none),
        cmocka_unit_test(test_a_corner_note_leaves_the_points_and_markers_clear),
        cmocka_unit_test(test_the_path_key_never_hides_its_ring_and_dot),
        cmocka_unit_test(test_the_views_show_the_numbers_lessons_quote),
        cmocka_unit_test(test_the_simulation_matches_the_paper_on_pure_colours),
        cmocka_unit_test(test_named_curves_differ_in_pattern_not_only_hue),
        cmocka_unit_test(test_eigenvalues_of_each_gate_have_their_own_marker_and_label),
        cmocka_unit_test(test_a_narrow_legend_writes_every_label_in_one_short_form),
        cmocka_unit_test(test_the_gates_view_has_axes_and_colour_bars),
        cmocka_unit_test(test_compared_runs_share_the_waterfalls_colour_bar),
        cmocka_unit_test(test_compared_runs_share_the_unfolded_bands_colour_bar),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
