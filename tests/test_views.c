/* test_views.c: the views' table (names, keys, titles, layout hints) and every row drawn
 * from a RunView alone: the trainer it was copied from is destroyed before drawing. Checks
 * the draw list (what is drawn where), not pixels; the window's pictures are test_gui's. */
#include "check.h"

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
    assert_string_equal(view_names_list(got, sizeof got), "unfolded, hidden, gradient, loss, gates, spectrum");
}

static void test_every_row_has_a_key_a_title_help_and_its_own_rank(void **s)
{
    (void)s;
    int tops = 0;
    for (int v = 0; v < VIEW_COUNT; v++) {
        const ViewSpec *a = &VIEWS[v];
        assert_int_equal(a->key, '1' + v); /* the keys are 1..6 in the table's order */
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
    Config cfg;
    char err[CONFIG_ERR_LEN];
    config_default(&cfg);
    const char *base[] = {"hidden=8", "seq_len=12", "batch=4", "history=50"};
    for (size_t i = 0; i < sizeof base / sizeof base[0]; i++)
        assert_int_equal(config_set(&cfg, base[i], err, sizeof err), 0);
    for (int i = 0; settings[i]; i++)
        if (config_set(&cfg, settings[i], err, sizeof err) != 0)
            fail_msg("%s: %s", settings[i], err);
    Trainer *tr = malloc(sizeof *tr);
    assert_non_null(tr);
    if (trainer_create(tr, &cfg, err, sizeof err) != 0)
        fail_msg("%s", err);
    trainer_preview(tr);
    for (long i = 0; i < steps; i++)
        assert_int_equal(trainer_step(tr), 0);
    trainer_spectrum(tr);
    memset(rv, 0, sizeof *rv);
    assert_int_equal(runview_sync(rv, tr, NULL, 1), 0);
    trainer_destroy(tr);
    memset(tr, 0xa5, sizeof *tr); /* any read through it now would show */
    free(tr);
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

/* Draws row v into r with the mouse at (mx, my); returns the commands drawn. */
static size_t draw_row(Canvas *c, int v, Rect r, const RunView *rv, int mx, int my)
{
    draw_clear(&c->dl, 1000, 700);
    UiInput in = {.mouse_x = mx, .mouse_y = my};
    ui_begin(&c->ui, &in, theme_get(THEME_NORMAL), 1);
    VIEWS[v].draw(&c->ui, r, rv, &c->vs, c->scratch);
    size_t n = c->dl.n;
    assert_int_equal(c->ui.n_clips, 0); /* every clip pushed was popped */
    assert_int_equal(c->ui.n_ids, 0);
    ui_end(&c->ui);
    return n;
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
                             *const TRUNC[] = {"model=rnn", "task=echo", "truncate=3", "clip=0.01", NULL};
    const char *const *runs[] = {RNN, LSTM, GRU, SEQ2SEQ, SINE, TRUNC};
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
