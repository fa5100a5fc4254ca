/* test_ui.c: the toolkit's text fitting, with a measure that counts its calls: a text too
 * wide for its box is cut at a character boundary to the longest prefix that fits with an
 * ellipsis, the same prefix a search one character at a time finds, in a few measurements
 * (the start screen's paragraphs measured a 200-byte text a hundred times a frame). */
#include "check.h"

#include "../src/ui/theme.h"
#include "../src/ui/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long g_calls;

/* Widths that vary by character: ASCII by its code, any other character (a lead byte) 9,
 * continuation bytes nothing. */
static int varied_width(void *ctx, const char *text, int size)
{
    (void)ctx;
    g_calls++;
    int w = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        w += (*p & 0xc0) == 0x80 ? 0 : *p < 0x80 ? 3 + *p % 7 : 9;
    return w * size / 10;
}

static Ui make_ui(DrawList *dl)
{
    Ui ui;
    TextMeasure m = {NULL, varied_width};
    ui_init(&ui, dl, m);
    return ui;
}

/* The longest prefix (at a boundary) that fits with an ellipsis, found from the longest
 * down: what ui_fit_text gives. */
static void fit_reference(const Ui *ui, char *out, size_t len, const char *text, int size, int max_w)
{
    snprintf(out, len, "%s", text);
    size_t n = strlen(out);
    if (ui->measure.width(NULL, out, size) <= max_w)
        return;
    char probe[1024];
    while (n > 0) {
        n--;
        while (n > 0 && ((unsigned char)out[n] & 0xc0) == 0x80)
            n--;
        if (n + 4 > len)
            continue;
        memcpy(probe, out, n);
        memcpy(probe + n, "\u2026", 4);
        if (ui->measure.width(NULL, probe, size) <= max_w) {
            memcpy(out + n, "\u2026", 4);
            return;
        }
    }
    out[0] = '\0';
}

static const char *const TEXTS[] = {
    "",
    "a",
    "gradient",
    "The gradient that should teach it has to travel back through every step, and at each "
    "step it is multiplied by W_hh and by the slope of tanh there: over fifty steps that "
    "product fades by many decades, and the first inputs stop mattering to training.",
    "σ_max(W_hh) ≈ 0.9 × ‖h‖ → 0: ∂L/∂h_0 fades — ○ h_0 ● h_T, ünïcödé all along the way…",
    "€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€",
};

static void test_a_cut_text_is_the_longest_prefix_that_fits(void **s)
{
    (void)s;
    DrawList dl = {0};
    Ui ui = make_ui(&dl);
    for (size_t t = 0; t < sizeof TEXTS / sizeof TEXTS[0]; t++)
        for (int max_w = 0; max_w <= 420; max_w += 3)
            for (size_t len = 8; len <= 512; len = len < 64 ? len + 5 : len * 2) {
                char got[512], want[512];
                fit_reference(&ui, want, len, TEXTS[t], 10, max_w);
                ui_fit_text(&ui, got, len, TEXTS[t], 10, max_w);
                if (strcmp(got, want) != 0)
                    fail_msg("text %zu, width %d, buffer %zu: got '%s', want '%s'", t, max_w, len, got, want);
                /* what fits fits, and a cut text ends in an ellipsis at a boundary */
                assert_true(varied_width(NULL, got, 10) <= max_w || !strcmp(got, TEXTS[t]));
            }
}

static void test_a_long_text_is_cut_in_a_few_measurements(void **s)
{
    (void)s;
    DrawList dl = {0};
    Ui ui = make_ui(&dl);
    const char *text = TEXTS[3]; /* 248 bytes */
    char out[512];
    for (int max_w = 20; max_w <= 400; max_w += 20) {
        g_calls = 0;
        ui_fit_text(&ui, out, sizeof out, text, 10, max_w);
        /* the whole text once, then bisection over 248 bytes: at most 1 + 8 + a few
         * steps back over UTF-8 (none here); one at a time took up to 200 */
        if (g_calls > 12)
            fail_msg("width %d: %ld measurements to cut a %zu-byte text", max_w, g_calls, strlen(text));
    }
}

/* A title too wide is cut to its longest whole phrase that fits, never inside parentheses,
 * never to a stub; with no such phrase it gets the ellipsis ui_fit_text gives. */
static void test_a_title_is_cut_at_its_last_phrase_that_fits(void **s)
{
    (void)s;
    DrawList dl = {0};
    Ui ui = make_ui(&dl);
    char out[256], want[256];
    const char *grad = "Gradient reaching each step (log)";
    int w = varied_width(NULL, grad, 10);
    ui_fit_title(&ui, out, sizeof out, grad, 10, w);
    assert_string_equal(out, grad);
    ui_fit_title(&ui, out, sizeof out, grad, 10, w - 1);
    assert_string_equal(out, "Gradient reaching each step");
    const char *fall = "Waterfall: ||dL/dh_t|| by step t (columns) over recent steps (rows)";
    ui_fit_title(&ui, out, sizeof out, fall, 10, varied_width(NULL, fall, 10) - 1);
    assert_string_equal(out, "Waterfall: ||dL/dh_t|| by step t (columns) over recent steps");
    ui_fit_title(&ui, out, sizeof out, fall, 10, varied_width(NULL, "Waterfall: ||dL/dh_t|| by step t (c", 10));
    assert_string_equal(out, "Waterfall: ||dL/dh_t|| by step t");
    ui_fit_title(&ui, out, sizeof out, fall, 10, varied_width(NULL, "Waterfall: ||dL", 10));
    assert_string_equal(out, "Waterfall");
    /* inside parentheses is no phrase's end: the cut before "(log" is the only one */
    const char *ends = "Gradient, sequences aligned on their ends (log; G: by t)";
    ui_fit_title(&ui, out, sizeof out, ends, 10, varied_width(NULL, "Gradient, sequences aligned on their ends (log; G", 10));
    assert_string_equal(out, "Gradient, sequences aligned on their ends");
    /* spaces before the cut go; a heading's one word stays */
    ui_fit_title(&ui, out, sizeof out, "MODEL  (changes re-initialise)", 10, varied_width(NULL, "MODEL  (ch", 10));
    assert_string_equal(out, "MODEL");
    /* a stub of fewer than UI_TITLE_MIN_BYTES, or no phrase at all: the ellipsis */
    const char *stub = "h_t, on two principal components";
    int narrow = varied_width(NULL, "h_t, on two", 10);
    ui_fit_title(&ui, out, sizeof out, stub, 10, narrow);
    ui_fit_text(&ui, want, sizeof want, stub, 10, narrow);
    assert_string_equal(out, want);
}

/* A title's shorter forms: the first that fits whole or at a phrase, else the last cut. */
static void test_a_title_takes_its_first_form_that_fits(void **s)
{
    (void)s;
    DrawList dl = {0};
    Ui ui = make_ui(&dl);
    char out[256], want[256];
    const char *grad = "Gradient reaching each step (log)" UI_OR "Gradient at each step" UI_OR "Gradient by step";
    ui_fit_title(&ui, out, sizeof out, grad, 10, 1000);
    assert_string_equal(out, "Gradient reaching each step (log)");
    assert_int_equal(ui_title_width(&ui, grad, 10), varied_width(NULL, "Gradient reaching each step (log)", 10));
    /* a shorter form whole comes before a phrase of the full one */
    ui_fit_title(&ui, out, sizeof out, grad, 10, varied_width(NULL, "Gradient reaching each step", 10));
    assert_string_equal(out, "Gradient at each step");
    /* where no form fits whole, the first that fits cut at a phrase */
    const char *two = "Running: 3 of 9 steps" UI_OR "Running a step of the nine, please wait";
    ui_fit_title(&ui, out, sizeof out, two, 10, varied_width(NULL, "Running: 3", 10));
    assert_string_equal(out, "Running");
    ui_fit_title(&ui, out, sizeof out, grad, 10, varied_width(NULL, "Gradient at each step", 10));
    assert_string_equal(out, "Gradient at each step");
    ui_fit_title(&ui, out, sizeof out, grad, 10, varied_width(NULL, "Gradient by step", 10));
    assert_string_equal(out, "Gradient by step");
    /* narrower than every form: the last, with an ellipsis */
    int narrow = varied_width(NULL, "Gradient b", 10);
    ui_fit_title(&ui, out, sizeof out, grad, 10, narrow);
    ui_fit_text(&ui, want, sizeof want, "Gradient by step", 10, narrow);
    assert_string_equal(out, want);
    /* the forms one by one, the last standing in for any past it */
    assert_true(ui_title_form(out, sizeof out, grad, 1));
    assert_string_equal(out, "Gradient at each step");
    assert_false(ui_title_form(out, sizeof out, grad, 5));
    assert_string_equal(out, "Gradient by step");
    assert_true(ui_title_form(out, sizeof out, "plain", 0));
    assert_string_equal(out, "plain");
}

/* A word wider than the box, on a line that is not the last allowed, is cut with an
 * ellipsis on its own line; the words after it follow on the next. */
static void test_a_wrapped_word_too_wide_for_its_line_is_cut_not_lost(void **s)
{
    (void)s;
    DrawList dl;
    draw_init(&dl);
    Ui ui = make_ui(&dl);
    draw_clear(&dl, 1024, 768);
    UiInput in = {.mouse_x = -100, .mouse_y = -100};
    ui_begin(&ui, &in, theme_get(0), 1);
    int w = varied_width(NULL, "hyperpa", 10);
    int lines = ui_text_wrapped_max(&ui, (Rect){0, 0, w, 0}, "A hyperparameter lab", 10, (Color){0, 0, 0, 255}, 3);
    ui_end(&ui);
    assert_int_equal(lines, 3);
    const char *want[] = {"A", NULL, "lab"};
    char cut[64];
    ui_fit_text(&ui, cut, sizeof cut, "hyperparameter", 10, w);
    want[1] = cut;
    assert_true(strlen(cut) > strlen("\u2026"));
    int k = 0;
    for (size_t i = 0; i < dl.n; i++)
        if (dl.cmds[i].kind == CMD_TEXT) {
            assert_true(k < 3);
            assert_string_equal(dl.text + dl.cmds[i].text, want[k]);
            k++;
        }
    assert_int_equal(k, 3);
    draw_free(&dl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_cut_text_is_the_longest_prefix_that_fits),
        cmocka_unit_test(test_a_long_text_is_cut_in_a_few_measurements),
        cmocka_unit_test(test_a_title_is_cut_at_its_last_phrase_that_fits),
        cmocka_unit_test(test_a_title_takes_its_first_form_that_fits),
        cmocka_unit_test(test_a_wrapped_word_too_wide_for_its_line_is_cut_not_lost),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
