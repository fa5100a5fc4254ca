/* test_lesson.c: the lesson format: what the parser keeps, every documented error as
 * file:line: message, and truncated or mutated files that must never crash it. */
#include "check.h"

#include "../src/app/lesson.h"
#include "../src/views/views.h"
#include "cells/cells.h"
#include "task.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char GOOD[] =
    "# A title\n"
    "\n"
    "The summary, with *emphasis*.\n"
    "\n"
    "## First step\n"
    "\n"
    "Some *emph*, **strong**, `code` and a [link](http://x).\n"
    "\n"
    "- one\n"
    "- two\n"
    "  1. nested\n"
    "\n"
    "```rnnlab\n"
    "model=lstm   # a comment\n"
    "task=echo\n"
    "lag=2\n"
    "reset\n"
    "run=50\n"
    "focus=gradient\n"
    "hide=spectrum,gates\n"
    "```\n"
    "\n"
    "```question\n"
    "Will it learn?\n"
    "---\n"
    "Yes.\n"
    "```\n"
    "\n"
    "```check\n"
    "metric > 0.9\n"
    "loss < 0.5*baseline\n"
    "```\n"
    "\n"
    "## Second step\n"
    "\n"
    "```rnnlab\n"
    "lr=0.05\n"
    "pause\n"
    "```\n";

static void test_a_lesson_parses_into_title_summary_steps_and_blocks(void **s)
{
    (void)s;
    Lesson l;
    char err[LESSON_ERR_LEN];
    if (lesson_parse(&l, "good.md", GOOD, strlen(GOOD), err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_string_equal(l.title, "A title");
    assert_string_equal(l.summary, "The summary, with emphasis.");
    assert_int_equal(l.n_steps, 2);
    const LessonStep *a = &l.steps[0];
    assert_string_equal(a->heading, "First step");
    assert_int_equal(a->line, 5);
    /* a paragraph with four styles, then three list items */
    assert_int_equal(a->n_blocks, 4);
    assert_int_equal(a->blocks[0].kind, BLOCK_PARAGRAPH);
    int styles[4] = {0};
    for (int i = 0; i < a->blocks[0].n_spans; i++)
        styles[a->blocks[0].spans[i].style] = 1;
    assert_true(styles[SPAN_TEXT] && styles[SPAN_EMPH] && styles[SPAN_STRONG] && styles[SPAN_CODE]);
    assert_int_equal(a->blocks[1].kind, BLOCK_ITEM);
    assert_string_equal(a->blocks[1].marker, "\u2022");
    assert_int_equal(a->blocks[3].depth, 1);
    assert_string_equal(a->blocks[3].marker, "1.");
    /* the rnnlab block */
    assert_int_equal(a->n_settings, 3);
    assert_string_equal(a->settings[0].key, "model");
    assert_string_equal(a->settings[0].value, "lstm");
    assert_int_equal(a->settings[0].line, 14);
    assert_true(a->reset);
    assert_int_equal(a->run, 50);
    assert_int_equal(a->focus, view_find("gradient"));
    assert_true(a->hide[view_find("spectrum")] && a->hide[view_find("gates")]);
    assert_string_equal(a->question, "Will it learn?");
    assert_string_equal(a->answer, "Yes.");
    assert_int_equal(a->n_checks, 2);
    assert_string_equal(a->checks[1].quantity, "loss");
    assert_int_equal(a->checks[1].op, CHECK_LT);
    assert_true(a->checks[1].value == 0.5 && a->checks[1].times_baseline);
    assert_true(l.steps[1].pause);
    /* the configuration accumulates, and a new task resets its own lengths */
    Config base, cfg;
    config_default(&base);
    assert_int_equal(lesson_config_at(&l, 1, &base, &cfg, err, sizeof err), 0);
    assert_int_equal(cfg.model, cell_find("lstm"));
    assert_int_equal(cfg.task, task_find("echo"));
    assert_int_equal(cfg.lag, 2);
    assert_true(cfg.lr == 0.05);
    lesson_free(&l);
}

static void expect_error(const char *text, const char *where, const char *needle)
{
    Lesson l;
    char err[LESSON_ERR_LEN] = "";
    int r = lesson_parse(&l, "bad.md", text, strlen(text), err, sizeof err);
    if (r == 0) {
        /* settings are checked in full by lesson_config_at */
        Config base, cfg;
        config_default(&base);
        for (int k = 0; k < l.n_steps && r == 0; k++)
            r = lesson_config_at(&l, k, &base, &cfg, err, sizeof err);
    }
    lesson_free(&l);
    if (r == 0)
        fail_msg("accepted: %s", text);
    if (!strstr(err, where) || !strstr(err, needle))
        fail_msg("message '%s' should contain '%s' and '%s'", err, where, needle);
}

static void test_malformed_lessons_name_file_line_and_problem(void **s)
{
    (void)s;
    expect_error("no title\n\n## step\n\ntext\n", "bad.md:1:", "title");
    expect_error("# T\n\n## step\n\n```rnnlab\nhiden=3\n```\n", "bad.md:6:", "unknown key 'hiden'");
    expect_error("# T\n\n## step\n\n```rnnlab\nhidden=abc\n```\n", "bad.md:6:", "hidden=abc");
    /* blank lines inside a block still count */
    expect_error("# T\n\n## step\n\n```rnnlab\nhidden=4\n\n\nhiden=3\n```\n", "bad.md:9:", "unknown key 'hiden'");
    expect_error("# T\n\n## step\n\n```rnnlab\nrun=-5\n```\n", "bad.md:6:", "run=-5");
    expect_error("# T\n\n## step\n\n```rnnlab\nfocus=nowhere\n```\n", "bad.md:6:", "unknown view");
    expect_error("# T\n\n## step\n\n```rnnlab\nshow=loss,nope\n```\n", "bad.md:6:", "nope");
    expect_error("# T\n\n## step\n\n```rnnlab\njust words\n```\n", "bad.md:6:", "neither key=value");
    expect_error("# T\n\n## step\n\n```rnnlab\nhidden=4\n", "bad.md:5:", "not closed");
    expect_error("# T\n\n## empty\n\n## next\n\ntext\n", "bad.md:3:", "nothing in it");
    expect_error("# T\n\n## step\n\ntext\n\n## last\n", "bad.md:7:", "nothing in it");
    expect_error("# T\n\nsummary only\n", "bad.md:1:", "no steps");
    expect_error("# T\n\n## s\n\n```question\nno answer here\n```\n", "bad.md:5:", "---");
    expect_error("# T\n\n## s\n\n```check\nloss << 3\n```\n", "bad.md:6:", "<, <=");
    expect_error("# T\n\n## s\n\n```check\nwisdom > 3\n```\n", "bad.md:6:", "unknown quantity");
    expect_error("# T\n\n## s\n\n```check\nloss < lots\n```\n", "bad.md:6:", "expected a number");
    expect_error("# T\n\n# Another\n\n## s\n\ntext\n", "bad.md:3:", "second");
    /* a setting valid alone but not with what came before: lag >= seq_len */
    expect_error("# T\n\n## s\n\n```rnnlab\ntask=echo\nseq_len=5\nlag=9\n```\n", "bad.md:3:", "lag=9");
}

/* A claim may be for some seeds only: "on seeds 1,3-5"; anything else after the value is
 * an error naming what is accepted. */
static void test_a_check_names_the_seeds_it_is_for(void **s)
{
    (void)s;
    const char *text = "# T\n\nS.\n\n## One\n\nText.\n\n```check\nloss < 0.5*baseline on seeds 1,3-5\nmetric > 0.9\n```\n";
    Lesson l;
    char err[LESSON_ERR_LEN];
    if (lesson_parse(&l, "seeds.md", text, strlen(text), err, sizeof err) != 0)
        fail_msg("%s", err);
    const Check *c = &l.steps[0].checks[0];
    assert_true(c->times_baseline && c->value == 0.5);
    assert_int_equal(c->seeds, 1u | 4u | 8u | 16u);
    assert_true(lesson_check_applies(c, 1) && !lesson_check_applies(c, 2) && lesson_check_applies(c, 5));
    assert_false(lesson_check_applies(c, 6));
    assert_int_equal(l.steps[0].checks[1].seeds, 0u); /* every seed */
    assert_true(lesson_check_applies(&l.steps[0].checks[1], 77));
    lesson_free(&l);
    /* one question a step: a second is refused by name (it used to leak the first) */
    const char *two = "# T\n\nS.\n\n## One\n\n```question\nA?\n---\nYes.\n```\n\n```question\nB?\n---\nNo.\n```\n";
    assert_int_not_equal(lesson_parse(&l, "two.md", two, strlen(two), err, sizeof err), 0);
    lesson_free(&l);
    if (!strstr(err, "two.md:") || !strstr(err, "one question block"))
        fail_msg("%s", err);
    const char *bad[] = {"loss < 1 for seed 2", "loss < 1 on seeds", "loss < 1 on seeds 0", "loss < 1 on seeds 3-2",
                         "loss < 1 on seeds 1,,2", "loss < 1 on seeds 40"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char t[256];
        snprintf(t, sizeof t, "# T\n\nS.\n\n## One\n\nText.\n\n```check\n%s\n```\n", bad[i]);
        int r = lesson_parse(&l, "bad.md", t, strlen(t), err, sizeof err);
        lesson_free(&l);
        if (r == 0 || !strstr(err, "on seeds LIST"))
            fail_msg("'%s' was %s: %s", bad[i], r == 0 ? "accepted" : "refused", err);
    }
}

/* "in N of K seeds" counts the runs of a seeds=K step; it is read back as written, and a
 * malformed count, or a quantity that is not each run's, is refused by name. */
static void test_a_check_can_count_the_seeds_it_holds_on(void **s)
{
    (void)s;
    const char *text = "# T\n\nS.\n\n## One\n\n```rnnlab\nseeds=5\n```\n\n```check\n"
                       "metric > 0.9 in 3 of 5 seeds on seeds 1\nloss < 0.1*baseline in 0 of 5 seeds\n```\n";
    Lesson l;
    char err[LESSON_ERR_LEN], buf[160];
    if (lesson_parse(&l, "runs.md", text, strlen(text), err, sizeof err) != 0)
        fail_msg("%s", err);
    const Check *c = &l.steps[0].checks[0];
    assert_int_equal(c->in_runs, 3);
    assert_int_equal(c->of_runs, 5);
    assert_int_equal(c->seeds, 1u);
    assert_string_equal(lesson_check_text(c, buf, sizeof buf), "metric > 0.9 in 3 of 5 seeds");
    assert_string_equal(lesson_check_text(&l.steps[0].checks[1], buf, sizeof buf),
                        "loss < 0.1*baseline in 0 of 5 seeds");
    lesson_free(&l);
    const char *bad[] = {"metric > 0.9 in 6 of 5 seeds", "metric > 0.9 in 3 of 9 seeds", "metric > 0.9 in 3 seeds",
                         "metric > 0.9 in 3 of 5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char t[256];
        snprintf(t, sizeof t, "# T\n\nS.\n\n## One\n\nText.\n\n```check\n%s\n```\n", bad[i]);
        int r = lesson_parse(&l, "bad.md", t, strlen(t), err, sizeof err);
        lesson_free(&l);
        if (r == 0 || !strstr(err, "in N of K seeds"))
            fail_msg("'%s' was %s: %s", bad[i], r == 0 ? "accepted" : "refused", err);
    }
    const char *other = "# T\n\nS.\n\n## One\n\nText.\n\n```check\nsigma_max < 2 in 1 of 2 seeds\n```\n";
    assert_int_not_equal(lesson_parse(&l, "bad.md", other, strlen(other), err, sizeof err), 0);
    lesson_free(&l);
    if (!strstr(err, "counts runs by loss, metric, final_loss or grad_ratio"))
        fail_msg("%s", err);
}

/* text made of head, then `piece` n times, then tail (malloc'd). */
static char *repeated(const char *head, const char *piece, size_t n, const char *tail)
{
    size_t h = strlen(head), p = strlen(piece), t = strlen(tail);
    char *s = malloc(h + p * n + t + 1);
    assert_non_null(s);
    memcpy(s, head, h);
    for (size_t i = 0; i < n; i++)
        memcpy(s + h + i * p, piece, p);
    memcpy(s + h + p * n, tail, t + 1);
    return s;
}

/* Megabytes of nesting (lists, quotes, emphasis; in the text or in a question) are an error
 * at the line where they start, not a stack overflow; a few levels are fine. */
static void test_deep_nesting_is_an_error_not_a_crash(void **s)
{
    (void)s;
    const char *head = "# T\n\nS.\n\n## Step\n\n";
    struct {
        const char *before, *piece, *after, *closer; /* closer: repeated n times after `after` */
        size_t n;
        int ok;
    } cases[] = {
        {"", "- ", "x\n", "", 100000, 0},
        {"", "> ", "x\n", "", 1000000, 0},
        {"", "*a ", "x", " b*", 100000, 0},
        {"", "  - ", "x\n", "", 40, 0},
        {"```question\nQ?\n---\n", "> ", "A\n", "", 100000, 0},
        {"", "- ", "x\n", "", 8, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char first[512];
        snprintf(first, sizeof first, "%s%s", head, cases[i].before);
        char *opened = repeated(first, cases[i].piece, cases[i].n, cases[i].after);
        char *text = repeated(opened, cases[i].closer, cases[i].n, strstr(cases[i].before, "```") ? "```\n" : "");
        free(opened);
        Lesson l;
        char err[LESSON_ERR_LEN] = "";
        int r = lesson_parse(&l, "deep.md", text, strlen(text), err, sizeof err);
        lesson_free(&l);
        free(text);
        if (cases[i].ok && r != 0)
            fail_msg("case %zu refused: %s", i, err);
        if (!cases[i].ok && (r == 0 || !strstr(err, "deep.md:7:") || !strstr(err, "more than 32 deep")))
            fail_msg("case %zu: %s", i, r == 0 ? "accepted" : err);
    }
}

/* Settings written before task= in a block count as much as those after it (they used to
 * be reset to the task's defaults). */
static void test_settings_before_the_task_are_kept(void **s)
{
    (void)s;
    const char *text = "# T\n\nS.\n\n## One\n\n```rnnlab\nhidden=64\nseq_len=100\ntask=echo\nlag=5\n```\n\n"
                       "## Two\n\n```rnnlab\ntask=adding\n```\n";
    Lesson l;
    char err[LESSON_ERR_LEN];
    if (lesson_parse(&l, "order.md", text, strlen(text), err, sizeof err) != 0)
        fail_msg("%s", err);
    Config base, c;
    config_default(&base);
    assert_int_equal(lesson_config_at(&l, 0, &base, &c, err, sizeof err), 0);
    assert_int_equal(c.hidden, 64);
    assert_int_equal(c.seq_len, 100);
    assert_int_equal(c.lag, 5);
    /* a later step's new task alone takes that task's own lengths again */
    assert_int_equal(lesson_config_at(&l, 1, &base, &c, err, sizeof err), 0);
    assert_int_equal(c.hidden, 0);
    assert_int_equal(c.seq_len, 0);
    lesson_free(&l);
}

static void test_a_missing_file_is_a_message(void **s)
{
    (void)s;
    Lesson l;
    char err[LESSON_ERR_LEN];
    assert_int_equal(lesson_load(&l, "/nonexistent/lesson.md", err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/lesson.md"));
    lesson_free(&l);
}

/* Every prefix of a good lesson, and seeded random mutations of it: the parser returns
 * (0 or -1) and frees everything; under the sanitizers any memory error fails the test. */
static void test_truncated_and_mutated_lessons_never_crash(void **s)
{
    (void)s;
    size_t n = strlen(GOOD);
    char *buf = malloc(n + 1);
    char err[LESSON_ERR_LEN];
    int accepted = 0, rejected = 0;
    for (size_t len = 0; len <= n; len++) {
        memcpy(buf, GOOD, len);
        Lesson l;
        int r = lesson_parse(&l, "cut.md", buf, len, err, sizeof err);
        r == 0 ? accepted++ : rejected++;
        lesson_free(&l);
    }
    assert_true(accepted > 0 && rejected > 0);
    const char alphabet[] = "#`-=\n *_[]()\x01\xff\xc3" "abc0123";
    unsigned seed = 12345;
    for (int round = 0; round < 3000; round++) {
        memcpy(buf, GOOD, n);
        int edits = 1 + round % 8;
        for (int e = 0; e < edits; e++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 8) % n;
            seed = seed * 1103515245u + 12345u;
            buf[at] = alphabet[(seed >> 8) % (sizeof alphabet - 1)];
        }
        Lesson l;
        lesson_parse(&l, "mutant.md", buf, n, err, sizeof err);
        Config base, cfg;
        config_default(&base);
        for (int k = 0; k < l.n_steps; k++)
            if (lesson_config_at(&l, k, &base, &cfg, err, sizeof err) != 0)
                break;
        lesson_free(&l);
    }
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_lesson_parses_into_title_summary_steps_and_blocks),
        cmocka_unit_test(test_malformed_lessons_name_file_line_and_problem),
        cmocka_unit_test(test_a_missing_file_is_a_message),
        cmocka_unit_test(test_a_check_names_the_seeds_it_is_for),
        cmocka_unit_test(test_a_check_can_count_the_seeds_it_holds_on),
        cmocka_unit_test(test_deep_nesting_is_an_error_not_a_crash),
        cmocka_unit_test(test_settings_before_the_task_are_kept),
        cmocka_unit_test(test_truncated_and_mutated_lessons_never_crash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
