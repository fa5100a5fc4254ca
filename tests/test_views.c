/* test_views.c: the views' table (names, keys, titles, layout hints) and every row drawn
 * from a RunView alone: the trainer it was copied from is destroyed before drawing. Checks
 * the draw list (what is drawn where), not pixels; the window's pictures are test_gui's. */
#include "check.h"
#include "view_fixture.h"

#include "../src/views/views.h"
#include "../src/ui/theme.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fake_width(void *ctx, const char *text, int size)
{
    (void)ctx;
    return (int)strlen(text) * size / 2;
}
static const TextMeasure FAKE = {NULL, fake_width};

/* ---- the table ---- */

static void test_view_find_round_trips_every_name(void **s)
{
    (void)s;
    assert_int_equal(view_count(), VIEW_COUNT);
    for (int v = 0; v < view_count(); v++) {
        assert_non_null(VIEWS[v].name);
        assert_int_equal(view_find(VIEWS[v].name), v);
    }
    assert_int_equal(view_find("nowhere"), -1);
    assert_int_equal(view_find(""), -1);
    assert_int_equal(view_find(NULL), -1);
    assert_int_equal(view_find("unfolded"), VIEW_UNFOLDED);
    assert_int_equal(view_find("spectrum"), VIEW_SPECTRUM);
}

static void test_the_names_list_is_the_tables_names_in_order(void **s)
{
    (void)s;
    char want[256] = "";
    for (int v = 0; v < VIEW_COUNT; v++)
        snprintf(want + strlen(want), sizeof want - strlen(want), "%s%s", v ? ", " : "", VIEWS[v].name);
    char got[256];
    assert_string_equal(view_names_list(got, sizeof got), want);
    assert_string_equal(view_names_list(got, sizeof got), "unfolded, hidden, gradient, loss, gates, spectrum, terms");
}

static void test_every_row_has_a_key_a_title_help_and_its_own_rank(void **s)
{
    (void)s;
    int tops = 0;
    for (int v = 0; v < VIEW_COUNT; v++) {
        const ViewSpec *a = &VIEWS[v];
        assert_int_equal(a->key, '1' + v); /* the keys are 1..7 in the table's order */
        assert_non_null(a->draw);
        assert_true(a->title && a->title[0]);
        assert_true(a->help && strlen(a->help) > 20);
        tops += a->top;
        for (int w = 0; w < v; w++) {
            assert_string_not_equal(a->name, VIEWS[w].name);
            assert_string_not_equal(a->title, VIEWS[w].title);
            if (!a->top && !VIEWS[w].top)
                assert_int_not_equal(a->layout_rank, VIEWS[w].layout_rank);
        }
    }
    assert_int_equal(tops, 1);
    assert_true(VIEWS[VIEW_UNFOLDED].top);
    assert_true(VIEWS[VIEW_SPECTRUM].needs_spectrum);
    assert_true(VIEWS[VIEW_TERMS].needs_terms);
    /* VIEW_KEYS, the help's "1-7", names the first and the last key */
    char keys[16];
    snprintf(keys, sizeof keys, "%c-%c", VIEWS[0].key, VIEWS[VIEW_COUNT - 1].key);
    assert_string_equal(VIEW_KEYS, keys);
    /* the gradient claims room first */
    for (int v = 0; v < VIEW_COUNT; v++)
        if (v != VIEW_GRADIENT && !VIEWS[v].top)
            assert_true(VIEWS[VIEW_GRADIENT].layout_rank < VIEWS[v].layout_rank);
}

/* ---- drawing from a RunView ---- */

/* A RunView of a small run of these settings, trained a few steps; the trainer is gone
 * when this returns. */
static void make_view(RunView *rv, const char *const *settings, long steps)
{
    fixture_run_view(rv, settings, steps, 50);
}

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

/* Draws row v into r at this UI scale with the mouse at (mx, my); returns the commands drawn. */
static size_t draw_row_scaled(Canvas *c, int v, Rect r, const RunView *rv, int mx, int my, float scale)
{
    draw_clear(&c->dl, 3000, 2000);
    UiInput in = {.mouse_x = mx, .mouse_y = my};
    ui_begin(&c->ui, &in, theme_get(THEME_NORMAL), scale);
    VIEWS[v].draw(&c->ui, r, rv, &c->vs, c->scratch);
    size_t n = c->dl.n;
    assert_int_equal(c->ui.n_clips, 0); /* every clip pushed was popped */
    assert_int_equal(c->ui.n_ids, 0);
    ui_end(&c->ui);
    return n;
}

static size_t draw_row(Canvas *c, int v, Rect r, const RunView *rv, int mx, int my)
{
    return draw_row_scaled(c, v, r, rv, mx, my, 1);
}

/* Every filled rectangle, image and text the view drew (before the tooltip) starts inside
 * r or is clipped to a rectangle inside r. */
static void check_inside(const Canvas *c, size_t n, Rect r, int v, const char *what)
{
    Rect clip = {0, 0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        const DrawCmd *d = &c->dl.cmds[i];
        if (d->kind == CMD_CLIP) {
            clip = d->rect;
            if (clip.w > 0 && (clip.x < r.x || clip.y < r.y || clip.x + clip.w > r.x + r.w || clip.y + clip.h > r.y + r.h))
                fail_msg("%s, view %s: clip %d,%d %dx%d outside the view", what, VIEWS[v].name, clip.x, clip.y, clip.w, clip.h);
            continue;
        }
        if (clip.w != 0)
            continue;
        int x = d->rect.x, y = d->rect.y;
        if (d->kind == CMD_TEXT)
            x = (int)d->x0, y = (int)d->y0;
        else if (d->kind != CMD_RECT && d->kind != CMD_IMAGE && d->kind != CMD_FRAME)
            continue;
        if (!rect_contains(r, x, y))
            fail_msg("%s, view %s: command %zu (kind %d) at %d,%d outside %d,%d %dx%d", what, VIEWS[v].name, i,
                     d->kind, x, y, r.x, r.y, r.w, r.h);
    }
}

static size_t count_kind(const Canvas *c, size_t n, CmdKind kind)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += c->dl.cmds[i].kind == kind;
    return k;
}

static void test_every_row_draws_from_a_runview_alone(void **s)
{
    (void)s;
    static const char *const RNN[] = {"model=rnn", NULL}, *const LSTM[] = {"model=lstm", NULL},
                             *const GRU[] = {"model=gru", NULL},
                             *const SEQ2SEQ[] = {"model=lstm", "task=reverse", "seq_len=6", NULL},
                             *const SINE[] = {"model=gru", "task=sine", NULL},
                             *const TRUNC[] = {"model=rnn", "task=echo", "truncate=3", "clip=0.01", NULL},
                             *const STACK[] = {"model=lstm", "layers=3", NULL},
                             *const STACK_S2S[] = {"model=gru", "task=reverse", "seq_len=6", "layers=2", NULL},
                             *const VARLEN[] = {"model=lstm", "task=echo", "min_len=3", NULL},
                             *const VARLEN_S2S[] = {"model=rnn", "task=reverse", "seq_len=6", "min_len=2", NULL};
    const char *const *runs[] = {RNN, LSTM, GRU, SEQ2SEQ, SINE, TRUNC, STACK, STACK_S2S, VARLEN, VARLEN_S2S};
    Rect r = {40, 30, 900, 600};
    for (size_t k = 0; k < sizeof runs / sizeof runs[0]; k++) {
        RunView rv;
        make_view(&rv, runs[k], 20);
        Canvas c;
        canvas_open(&c);
        for (int v = 0; v < VIEW_COUNT; v++) {
            int has = !VIEWS[v].has_content || VIEWS[v].has_content(&rv);
            /* the mouse away, then over the view (its hover paths: tooltips, the hot unit) */
            int mice[2][2] = {{2, 2}, {r.x + r.w / 2, r.y + r.h / 2}};
            for (int m = 0; m < 2; m++) {
                size_t n = draw_row(&c, v, r, &rv, mice[m][0], mice[m][1]);
                if (n < (has ? 8u : 3u)) /* without content: a framed message */
                    fail_msg("%s, view %s: only %zu commands", runs[k][0], VIEWS[v].name, n);
                check_inside(&c, n, r, v, runs[k][0]);
            }
            /* a view with content draws its data: images (heatmaps) or lines */
            if (has && count_kind(&c, c.dl.n, CMD_IMAGE) + count_kind(&c, c.dl.n, CMD_LINE) +
                               count_kind(&c, c.dl.n, CMD_CIRCLE) < 3)
                fail_msg("%s, view %s draws no data", runs[k][0], VIEWS[v].name);
        }
        /* the mouse over a column of the unfolded network sets the step it points at */
        draw_row(&c, VIEW_UNFOLDED, r, &rv, r.x + r.w / 2, r.y + r.h / 2);
        assert_true(c.vs.hover_t >= 0 && c.vs.hover_t < rv.T);
        assert_true(c.ui.tooltip[0] != '\0');
        canvas_close(&c);
        runview_free(&rv);
    }
}

static void test_gates_yield_their_room_only_for_a_vanilla_rnn(void **s)
{
    (void)s;
    static const char *const RNN[] = {"model=rnn", NULL}, *const LSTM[] = {"model=lstm", NULL},
                             *const GRU[] = {"model=gru", NULL};
    RunView rv;
    make_view(&rv, RNN, 0);
    assert_false(VIEWS[VIEW_GATES].has_content(&rv));
    runview_free(&rv);
    make_view(&rv, LSTM, 0);
    assert_true(VIEWS[VIEW_GATES].has_content(&rv));
    runview_free(&rv);
    make_view(&rv, GRU, 0);
    assert_true(VIEWS[VIEW_GATES].has_content(&rv));
    for (int v = 0; v < VIEW_COUNT; v++)
        if (v != VIEW_GATES)
            assert_null(VIEWS[v].has_content);
    runview_free(&rv);
}

/* A copy of a RunView draws exactly what the original draws: it holds everything. */
static void test_a_copied_runview_draws_the_same_commands(void **s)
{
    (void)s;
    static const char *const LSTM[] = {"model=lstm", "task=echo", NULL};
    RunView rv, copy;
    make_view(&rv, LSTM, 10);
    memset(&copy, 0, sizeof copy);
    assert_int_equal(runview_copy(&copy, &rv), 0);
    Canvas a, b;
    canvas_open(&a);
    canvas_open(&b);
    Rect r = {0, 0, 800, 500};
    for (int v = 0; v < VIEW_COUNT; v++) {
        size_t n = draw_row(&a, v, r, &rv, 400, 250), m = draw_row(&b, v, r, &copy, 400, 250);
        assert_int_equal(n, m);
        for (size_t i = 0; i < n; i++) {
            const DrawCmd *x = &a.dl.cmds[i], *y = &b.dl.cmds[i];
            if (x->kind != y->kind || memcmp(&x->rect, &y->rect, sizeof x->rect) || x->x0 != y->x0 ||
                x->y0 != y->y0 || x->x1 != y->x1 || x->y1 != y->y1 || memcmp(&x->color, &y->color, sizeof x->color))
                fail_msg("view %s: command %zu differs between the original and the copy", VIEWS[v].name, i);
        }
        assert_int_equal(a.dl.pixels_len, b.dl.pixels_len);
        assert_memory_equal(a.dl.pixels, b.dl.pixels, a.dl.pixels_len);
        assert_int_equal(a.dl.text_len, b.dl.text_len);
        assert_memory_equal(a.dl.text, b.dl.text, a.dl.text_len);
    }
    canvas_close(&b);
    canvas_close(&a);
    runview_free(&copy);
    runview_free(&rv);
}

/* The spectrum row says so when the app has not computed the spectrum. */
static void test_the_spectrum_row_draws_without_a_computed_spectrum(void **s)
{
    (void)s;
    static const char *const RNN[] = {"model=rnn", NULL};
    RunView rv;
    make_view(&rv, RNN, 0);
    rv.spectrum.step = -1;
    rv.spectrum.valid = 0;
    Canvas c;
    canvas_open(&c);
    size_t n = draw_row(&c, VIEW_SPECTRUM, (Rect){0, 0, 600, 400}, &rv, 0, 0);
    assert_true(n > 0);
    assert_int_equal(count_kind(&c, n, CMD_CIRCLE), 0); /* no eigenvalues drawn */
    canvas_close(&c);
    runview_free(&rv);
}


/* ---- the unfolded network ---- */

static int same_color(Color a, Color b) { return a.r == b.r && a.g == b.g && a.b == b.b && a.a == b.a; }

/* Whether c is a colour of the magnitude map (the gradient band's). */
static int is_magnitude(Color c)
{
    for (int k = 0; k <= 2000; k++) {
        Color m = colormap_magnitude(k / 2000.0);
        if (abs(m.r - c.r) + abs(m.g - c.g) + abs(m.b - c.b) <= 3 && c.a == 255)
            return 1;
    }
    return 0;
}

/* The gradient band: the narrow slices (at most 2 px at scale 1, 4 at 2) in the magnitude
 * map's colours, left to right. Returns how many, their heights and colours in h[], col[]. */
static int band_slices(const Canvas *c, size_t n, int max_w, int *x, int *h, Color *col, int cap)
{
    int k = 0;
    for (size_t i = 0; i < n && k < cap; i++) {
        const DrawCmd *d = &c->dl.cmds[i];
        if (d->kind == CMD_RECT && d->rect.w <= max_w && d->rect.h > 0 && is_magnitude(d->color)) {
            x[k] = d->rect.x, h[k] = d->rect.h, col[k] = d->color;
            k++;
        }
    }
    return k;
}

/* The h_t boxes: frames in the theme's text colour. */
static int count_boxes(const Canvas *c, size_t n)
{
    int k = 0;
    for (size_t i = 0; i < n; i++)
        k += c->dl.cmds[i].kind == CMD_FRAME && same_color(c->dl.cmds[i].color, theme_get(THEME_NORMAL)->text);
    return k;
}

/* The t labels: texts that are whole numbers. Returns how many; first and last in *lo, *hi. */
static int count_step_labels(const Canvas *c, size_t n, int *lo, int *hi)
{
    int k = 0;
    *lo = 1 << 30, *hi = -1;
    for (size_t i = 0; i < n; i++) {
        if (c->dl.cmds[i].kind != CMD_TEXT)
            continue;
        const char *t = c->dl.text + c->dl.cmds[i].text;
        char *end;
        long v = strtol(t, &end, 10);
        if (end != t && *end == '\0') {
            k++;
            *lo = v < *lo ? (int)v : *lo, *hi = v > *hi ? (int)v : *hi;
        }
    }
    return k;
}

/* The break marks between shown boxes where steps are skipped: slanted strokes in the text
 * colour (the arrows' heads are slanted too, but in the W colour). */
static int count_break_strokes(const Canvas *c, size_t n)
{
    int k = 0;
    for (size_t i = 0; i < n; i++) {
        const DrawCmd *d = &c->dl.cmds[i];
        k += d->kind == CMD_LINE && d->x0 != d->x1 && d->y0 != d->y1 && same_color(d->color, theme_get(THEME_NORMAL)->text);
    }
    return k;
}

static void test_the_unfolded_band_fades_to_the_left_when_the_gradient_vanishes(void **s)
{
    (void)s;
    static const char *const VANISH[] = {"model=rnn", "task=adding", "seq_len=40", "hidden=16", NULL};
    RunView rv;
    make_view(&rv, VANISH, 3);
    assert_true(rv.obs.dh_norm[0] < rv.obs.dh_norm[rv.T - 1] * 1e-3); /* the premise */
    Canvas c;
    canvas_open(&c);
    Rect r = {0, 0, 1000, 240};
    size_t n = draw_row(&c, VIEW_UNFOLDED, r, &rv, -1, -1);
    int x[2048], h[2048];
    Color col[2048];
    int k = band_slices(&c, n, 2, x, h, col, 2048);
    if (k < 50)
        fail_msg("only %d band slices", k);
    for (int i = 1; i < k; i++)
        assert_true(x[i] > x[i - 1]); /* drawn left to right */
    if (!(h[0] * 3 < h[k - 1] * 2))
        fail_msg("the band is %d px at t=0 and %d px at t=T-1: not thinner where the gradient vanished", h[0], h[k - 1]);
    /* and darker: viridis brightens with the level */
    int lum0 = col[0].r + col[0].g + col[0].b, lum1 = col[k - 1].r + col[k - 1].g + col[k - 1].b;
    if (!(lum0 + 60 < lum1))
        fail_msg("band colour at t=0 (%d) not darker than at t=T-1 (%d)", lum0, lum1);
    canvas_close(&c);
    runview_free(&rv);
}

static void test_the_unfolded_band_grows_with_the_view(void **s)
{
    (void)s;
    static const char *const RNN[] = {"model=rnn", "task=adding", "seq_len=30", NULL};
    RunView rv;
    make_view(&rv, RNN, 3);
    Canvas c;
    canvas_open(&c);
    int x[4096], h[4096];
    Color col[4096];
    int widest[2];
    for (int z = 0; z < 2; z++) {
        Rect r = {0, 0, 720 << z, 210 << z}; /* the top band, then enlarged (Z) */
        size_t n = draw_row(&c, VIEW_UNFOLDED, r, &rv, -1, -1);
        int k = band_slices(&c, n, 2, x, h, col, 4096);
        assert_true(k > 10);
        widest[z] = 0;
        for (int i = 0; i < k; i++)
            widest[z] = h[i] > widest[z] ? h[i] : widest[z];
    }
    if (!(widest[1] * 2 >= widest[0] * 3))
        fail_msg("band %d px thick in a view twice as large, %d px in the small one", widest[1], widest[0]);
    canvas_close(&c);
    runview_free(&rv);
}

static void test_the_unfolded_view_draws_a_box_per_shown_step_and_marks_skipped_ones(void **s)
{
    (void)s;
    static const char *const SHORT[] = {"model=lstm", "task=echo", "seq_len=12", NULL},
                             *const LONG[] = {"model=lstm", "task=echo", "seq_len=200", NULL};
    Canvas c;
    canvas_open(&c);
    Rect r = {20, 10, 1000, 240};
    int lo, hi;
    RunView rv;
    /* 12 steps fit: every one shown, nothing skipped */
    make_view(&rv, SHORT, 2);
    size_t n = draw_row(&c, VIEW_UNFOLDED, r, &rv, -1, -1);
    assert_int_equal(count_boxes(&c, n), 12);
    assert_int_equal(count_step_labels(&c, n, &lo, &hi), 12);
    assert_int_equal(lo, 0);
    assert_int_equal(hi, 11);
    assert_int_equal(count_break_strokes(&c, n), 0);
    runview_free(&rv);
    /* 200 steps do not: a box per shown step, labelled, t=0 and t=T-1 among them, and a
     * break mark (two strokes) on every arrow between boxes that skips steps */
    make_view(&rv, LONG, 2);
    n = draw_row(&c, VIEW_UNFOLDED, r, &rv, -1, -1);
    int boxes = count_boxes(&c, n);
    assert_true(boxes > 4 && boxes < 200);
    assert_int_equal(count_step_labels(&c, n, &lo, &hi), boxes);
    assert_int_equal(lo, 0);
    assert_int_equal(hi, 199);
    assert_int_equal(count_break_strokes(&c, n), 2 * (boxes - 1));
    canvas_close(&c);
    runview_free(&rv);
}

/* Draws the unfolded view of rv with the mouse at (mx, my), the button going down
 * (press) or up. */
static void unfolded_mouse(Canvas *c, Rect r, const RunView *rv, int mx, int my, int press)
{
    draw_clear(&c->dl, 3000, 2000);
    UiInput in = {.mouse_x = mx, .mouse_y = my, .mouse_down = press, .mouse_pressed = press, .mouse_released = !press};
    ui_begin(&c->ui, &in, theme_get(THEME_NORMAL), 1);
    VIEWS[VIEW_UNFOLDED].draw(&c->ui, r, rv, &c->vs, c->scratch);
    ui_end(&c->ui);
}

/* A stack of three: a row of boxes per layer, each box framed, the rows' labels; a click
 * on layer 0's row shows layer 0 in the one-layer views (ViewState.layer_down = 2), and
 * the gradient view then draws every layer's curve, the shown one in the gradient colour. */
static void test_a_stack_draws_a_row_per_layer_and_a_click_shows_that_layer(void **s)
{
    (void)s;
    static const char *const STACK[] = {"model=lstm", "task=echo", "seq_len=12", "layers=3", NULL};
    Canvas c;
    canvas_open(&c);
    Rect r = {20, 10, 1000, 300};
    RunView rv;
    make_view(&rv, STACK, 2);
    size_t n = draw_row(&c, VIEW_UNFOLDED, r, &rv, -1, -1);
    assert_int_equal(count_boxes(&c, n), 3 * 12);
    int rows[3] = {-1, -1, -1};
    for (size_t i = 0; i < n; i++) {
        const DrawCmd *d = &c.dl.cmds[i];
        for (int l = 0; l < 3; l++) {
            char lab[24];
            snprintf(lab, sizeof lab, "layer %d", l);
            if (d->kind == CMD_TEXT && !strcmp(c.dl.text + d->text, lab))
                rows[l] = (int)d->y0;
        }
    }
    assert_true(rows[0] > rows[1] && rows[1] > rows[2] && rows[2] > r.y); /* layer 0 lowest */
    assert_int_equal(c.vs.layer_down, 0);
    int x = r.x + r.w / 2, y = rows[0] + ui_text_size_small(&c.ui) / 2;
    unfolded_mouse(&c, r, &rv, x, y, 1);
    unfolded_mouse(&c, r, &rv, x, y, 0);
    assert_int_equal(c.vs.layer_down, 2);
    assert_int_equal(views_layer(&rv, &c.vs), 0);
    /* the tooltip names the hovered layer */
    draw_row(&c, VIEW_UNFOLDED, r, &rv, x, y);
    assert_non_null(strstr(c.ui.tooltip, "layer 0"));
    /* the gradient view: layer 0 bold in the gradient colour, the others dotted */
    n = draw_row(&c, VIEW_GRADIENT, (Rect){20, 10, 900, 500}, &rv, -1, -1);
    int texts = 0;
    for (size_t i = 0; i < n; i++) {
        const DrawCmd *d = &c.dl.cmds[i];
        texts += d->kind == CMD_TEXT && strstr(c.dl.text + d->text, "layer 0") != NULL;
    }
    assert_true(texts >= 2); /* the legend's entry and the waterfall's title */
    canvas_close(&c);
    runview_free(&rv);
}

/* Variable lengths: the unfolded view veils the first sample's padding (one rect a padded
 * column) and draws y_t at its own last step; its tooltip counts the sequences that have
 * the step; the gradient view aligned on the ends says so in its title. */
static void test_variable_lengths_grey_the_padding_and_align_on_the_ends(void **s)
{
    (void)s;
    static const char *const RUN[] = {"model=gru", "task=adding", "seq_len=12", "min_len=3", NULL};
    Canvas c;
    canvas_open(&c);
    Rect r = {20, 10, 1000, 260};
    RunView rv;
    make_view(&rv, RUN, 2);
    int len0 = rv.obs.len0;
    assert_true(len0 >= 3 && len0 <= 12);
    size_t n = draw_row(&c, VIEW_UNFOLDED, r, &rv, -1, -1);
    int veils = 0;
    for (size_t i = 0; i < n; i++) {
        const DrawCmd *d = &c.dl.cmds[i];
        veils += d->kind == CMD_RECT && d->color.a == 200;
    }
    assert_int_equal(veils, 12 - len0);
    /* the tooltip over the first column */
    draw_row(&c, VIEW_UNFOLDED, r, &rv, 120, r.y + r.h / 2);
    assert_non_null(strstr(c.ui.tooltip, "sequences have this step"));
    c.vs.grad_end = 1;
    n = draw_row(&c, VIEW_GRADIENT, (Rect){20, 10, 900, 500}, &rv, -1, -1);
    int aligned = 0;
    for (size_t i = 0; i < n; i++)
        aligned += c.dl.cmds[i].kind == CMD_TEXT && strstr(c.dl.text + c.dl.cmds[i].text, "aligned") != NULL;
    assert_true(aligned >= 1);
    canvas_close(&c);
    runview_free(&rv);
}

/* The x of each vertical dashed line in the clip colour (the chunk boundaries), sorted
 * and distinct; returns how many, and the dashes in *dashes. */
static int chunk_lines(const Canvas *c, size_t n, float *xs, int max, int *dashes)
{
    int k = 0;
    *dashes = 0;
    for (size_t i = 0; i < n; i++) {
        const DrawCmd *d = &c->dl.cmds[i];
        if (d->kind != CMD_LINE || d->x0 != d->x1 || !same_color(d->color, theme_get(THEME_NORMAL)->clip))
            continue;
        (*dashes)++;
        if (k == 0 || xs[k - 1] != d->x0) {
            if (k < max)
                xs[k] = d->x0;
            k++;
        }
    }
    return k;
}

/* truncate_mode=chunk: T = 12 in chunks of 5 draws a dashed line before steps 5 and 10,
 * five columns apart; the window mode draws none. */
static void test_the_unfolded_view_draws_chunk_boundaries_as_dashed_lines(void **s)
{
    (void)s;
    static const char *const CHUNK[] = {"model=rnn", "task=echo", "seq_len=12", "truncate=5",
                                        "truncate_mode=chunk", NULL},
                             *const WINDOW[] = {"model=rnn", "task=echo", "seq_len=12", "truncate=5", NULL};
    Rect r = {0, 0, 1000, 240};
    RunView rv;
    make_view(&rv, CHUNK, 2);
    Canvas c;
    canvas_open(&c);
    size_t n = draw_row(&c, VIEW_UNFOLDED, r, &rv, -1, -1);
    float xs[8];
    int dashes;
    int k = chunk_lines(&c, n, xs, 8, &dashes);
    assert_int_equal(k, 2);
    assert_true(dashes >= 2 * 3); /* dashed: several pieces each */
    /* steps 0..11 in 12 columns of one pitch: the lines 5 pitches apart, the first 5 in */
    float pitch = (xs[1] - xs[0]) / 5;
    assert_true(pitch > 20 && xs[0] - 5 * pitch > r.x && xs[1] + 2 * pitch < r.x + r.w);
    canvas_close(&c);
    runview_free(&rv);
    make_view(&rv, WINDOW, 2);
    canvas_open(&c);
    n = draw_row(&c, VIEW_UNFOLDED, r, &rv, -1, -1);
    assert_int_equal(chunk_lines(&c, n, xs, 8, &dashes), 0);
    canvas_close(&c);
    runview_free(&rv);
}

/* Every text of the unfolded view inside the view, at least the small size, none over
 * another: in the top band, at presenter scale, half width (compare) and enlarged. */
static void test_the_unfolded_views_text_fits_and_never_overlaps(void **s)
{
    (void)s;
    static const char *const RNN[] = {"model=rnn", "task=adding", "seq_len=50", NULL},
                             *const LSTM[] = {"model=lstm", "task=echo", "seq_len=200", NULL},
                             *const S2S[] = {"model=gru", "task=reverse", "seq_len=6", NULL},
                             *const TRUNC[] = {"model=rnn", "task=echo", "truncate=3", NULL},
                             *const CHUNK[] = {"model=lstm", "task=echo", "truncate=3", "truncate_mode=chunk", NULL},
                             *const XOR[] = {"model=rnn", "task=xor", "seq_len=1", NULL},
                             *const STACK[] = {"model=lstm", "task=echo", "seq_len=40", "layers=3", NULL},
                             *const STACK4[] = {"model=gru", "task=reverse", "seq_len=6", "layers=4", NULL},
                             *const VARLEN[] = {"model=lstm", "task=adding", "seq_len=30", "min_len=4", NULL};
    const char *const *runs[] = {RNN, LSTM, S2S, TRUNC, CHUNK, XOR, STACK, STACK4, VARLEN};
    struct { Rect r; float scale; } shapes[] = {
        {{298, 8, 718, 210}, 1}, {{358, 16, 650, 165}, 2}, {{298, 8, 357, 210}, 1},
        {{358, 16, 318, 190}, 2}, {{298, 8, 718, 700}, 1}, {{358, 16, 650, 600}, 2},
    };
    for (size_t k = 0; k < sizeof runs / sizeof runs[0]; k++) {
        RunView rv;
        make_view(&rv, runs[k], 2);
        Canvas c;
        canvas_open(&c);
        for (size_t q = 0; q < sizeof shapes / sizeof shapes[0]; q++) {
            Rect r = shapes[q].r;
            size_t n = draw_row_scaled(&c, VIEW_UNFOLDED, r, &rv, -1, -1, shapes[q].scale);
            int small = ui_text_size_small(&c.ui);
            Rect box[512];
            int m = 0;
            for (size_t i = 0; i < n; i++) {
                const DrawCmd *d = &c.dl.cmds[i];
                if (d->kind != CMD_TEXT)
                    continue;
                const char *t = c.dl.text + d->text;
                Rect b = {(int)d->x0, (int)d->y0, fake_width(NULL, t, d->size), d->size};
                if (d->size < small)
                    fail_msg("%s, shape %zu: '%s' at size %d < %d", runs[k][0], q, t, d->size, small);
                if (b.x < r.x || b.y < r.y || b.x + b.w > r.x + r.w || b.y + b.h > r.y + r.h)
                    fail_msg("%s %s, shape %zu: '%s' at %d,%d %dx%d leaves the view %d,%d %dx%d", runs[k][0], runs[k][1], q,
                             t, b.x, b.y, b.w, b.h, r.x, r.y, r.w, r.h);
                for (int j = 0; j < m; j++)
                    if (b.x < box[j].x + box[j].w && box[j].x < b.x + b.w && b.y < box[j].y + box[j].h && box[j].y < b.y + b.h)
                        fail_msg("%s %s, shape %zu: '%s' overlaps another text", runs[k][0], runs[k][1], q, t);
                if (m < 512)
                    box[m++] = b;
            }
            if (m < 3)
                fail_msg("%s %s, shape %zu: only %d texts", runs[k][0], runs[k][1], q, m);
            assert_true(count_boxes(&c, n) >= (rv.T < 2 ? 1 : 2)); /* even the narrowest shows both ends */
        }
        canvas_close(&c);
        runview_free(&rv);
    }
}

/* The tooltip shows x_t and the target in one form: symbols for a one-hot input, vectors
 * otherwise. */
static void test_the_unfolded_tooltip_shows_input_and_target_alike(void **s)
{
    (void)s;
    static const char *const ECHO[] = {"model=rnn", "task=echo", "seq_len=8", NULL},
                             *const ADDING[] = {"model=rnn", "task=adding", "seq_len=8", NULL},
                             *const XOR[] = {"model=rnn", "task=xor", "seq_len=1", NULL};
    const char *const *runs[] = {ECHO, ADDING, XOR};
    const int vectors[] = {0, 1, 1};
    Rect r = {0, 0, 1000, 240};
    for (int k = 0; k < 3; k++) {
        RunView rv;
        make_view(&rv, runs[k], 2);
        Canvas c;
        canvas_open(&c);
        /* the mouse over the last column, where every task has a target */
        int found = 0;
        for (int mx = r.x + r.w - 1; mx > r.x && !found; mx -= 4) {
            draw_row(&c, VIEW_UNFOLDED, r, &rv, mx, r.y + r.h / 2);
            found = c.vs.hover_t == rv.T - 1;
        }
        assert_true(found);
        const char *tip = c.ui.tooltip, *x = strstr(tip, "x="), *y = strstr(tip, "target=");
        if (!x || !y)
            fail_msg("%s: tooltip '%s' lacks x= or target=", runs[k][1], tip);
        assert_int_equal(x[2] == '[', vectors[k]);
        assert_int_equal(y[7] == '[', vectors[k]);
        assert_non_null(strstr(tip, "||dL/dh_t||="));
        assert_non_null(strstr(tip, "h=["));
        canvas_close(&c);
        runview_free(&rv);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_view_find_round_trips_every_name),
        cmocka_unit_test(test_the_names_list_is_the_tables_names_in_order),
        cmocka_unit_test(test_every_row_has_a_key_a_title_help_and_its_own_rank),
        cmocka_unit_test(test_every_row_draws_from_a_runview_alone),
        cmocka_unit_test(test_gates_yield_their_room_only_for_a_vanilla_rnn),
        cmocka_unit_test(test_a_copied_runview_draws_the_same_commands),
        cmocka_unit_test(test_the_spectrum_row_draws_without_a_computed_spectrum),
        cmocka_unit_test(test_the_unfolded_band_fades_to_the_left_when_the_gradient_vanishes),
        cmocka_unit_test(test_the_unfolded_band_grows_with_the_view),
        cmocka_unit_test(test_the_unfolded_view_draws_a_box_per_shown_step_and_marks_skipped_ones),
        cmocka_unit_test(test_the_unfolded_view_draws_chunk_boundaries_as_dashed_lines),
        cmocka_unit_test(test_the_unfolded_views_text_fits_and_never_overlaps),
        cmocka_unit_test(test_a_stack_draws_a_row_per_layer_and_a_click_shows_that_layer),
        cmocka_unit_test(test_variable_lengths_grey_the_padding_and_align_on_the_ends),
        cmocka_unit_test(test_the_unfolded_tooltip_shows_input_and_target_alike),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
