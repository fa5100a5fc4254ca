/* test_config.c: the key=value vocabulary: defaults, exact round trips through
 * config_format and a config file (text= paths with spaces too), every kind of bad input
 * (status -1 and a message naming the key), and config_resolve's task defaults and
 * cross-key checks (seq_len ranges, text= for charlm only, no truncation for seq2seq).
 * Leaves out what the keys mean to the model, task and optimiser (their own tests). */
#include "check.h"

#include "cells/cells.h"
#include "config.h"
#include "task.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const ALL_KEYS[] = {
    "model", "activation", "hidden", "layers", "min_len", "packing", "seed",     "task",     "seq_len",   "lag",
    "symbols", "text",     "batch",  "init",     "rho",      "forget_bias", "optimizer",
    "lr",    "momentum",   "clip",   "clip_mode", "truncate", "truncate_mode", "history",
    "seeds", "shape", "loss",
};
#define N_ALL_KEYS (sizeof ALL_KEYS / sizeof ALL_KEYS[0])
_Static_assert(N_ALL_KEYS == 27, "the vocabulary has 27 keys");

/* The task words in enum order, and the shape each task has. */
static const struct {
    const char *name;
    Shape shape;
} TASKS[] = {
    {"xor", SHAPE_ONE_TO_ONE},      {"wave", SHAPE_ONE_TO_MANY},   {"adding", SHAPE_MANY_TO_ONE},
    {"parity", SHAPE_MANY_TO_ONE},  {"order", SHAPE_MANY_TO_ONE},  {"sentiment", SHAPE_MANY_TO_ONE},
    {"echo", SHAPE_MANY_TO_MANY},   {"sine", SHAPE_MANY_TO_MANY},  {"charlm", SHAPE_MANY_TO_MANY},
    {"copy", SHAPE_MANY_TO_MANY},   {"reverse", SHAPE_SEQ2SEQ},
};
#define N_TASKS (sizeof TASKS / sizeof TASKS[0])

/* ---- helpers ---- */

/* Field by field, naming the first field that differs (memcmp would compare padding). */
#define SAME_FIELD(a, b, f)                                                                   \
    do {                                                                                      \
        if (memcmp(&(a)->f, &(b)->f, sizeof (a)->f) != 0)                                     \
            fail_msg("%s:%d: field '%s' differs", file, line, #f);                            \
    } while (0)

static void assert_same_config_impl(const Config *a, const Config *b, const char *file, int line)
{
    SAME_FIELD(a, b, model);
    SAME_FIELD(a, b, activation);
    SAME_FIELD(a, b, hidden);
    SAME_FIELD(a, b, task);
    SAME_FIELD(a, b, seq_len);
    SAME_FIELD(a, b, lag);
    SAME_FIELD(a, b, symbols);
    /* A string: the bytes after its end are not part of the value. */
    if (strcmp(a->text, b->text) != 0)
        fail_msg("%s:%d: field 'text' differs: \"%.80s\" vs \"%.80s\"", file, line, a->text,
                 b->text);
    SAME_FIELD(a, b, batch);
    SAME_FIELD(a, b, seed);
    SAME_FIELD(a, b, init);
    SAME_FIELD(a, b, rho);
    SAME_FIELD(a, b, forget_bias);
    SAME_FIELD(a, b, has_forget_bias);
    SAME_FIELD(a, b, optimizer);
    SAME_FIELD(a, b, lr);
    SAME_FIELD(a, b, momentum);
    SAME_FIELD(a, b, clip);
    SAME_FIELD(a, b, clip_mode);
    SAME_FIELD(a, b, truncate);
    SAME_FIELD(a, b, truncate_mode);
    SAME_FIELD(a, b, history);
    SAME_FIELD(a, b, shape_given);
    SAME_FIELD(a, b, loss_given);
}
#define assert_same_config(a, b) assert_same_config_impl(a, b, __FILE__, __LINE__)

/* Applies pair to a default Config: must return -1, leave the Config untouched, and write
 * a one-line message containing every string in `needles` (NULL-terminated). */
static void expect_rejected_impl(const char *pair, const char *const *needles, const char *file,
                                 int line)
{
    Config cfg, before;
    config_default(&cfg);
    config_default(&before);
    char err[CONFIG_ERR_LEN] = "";
    int r = config_set(&cfg, pair, err, sizeof err);
    if (r != -1)
        fail_msg("%s:%d: config_set(\"%s\") returned %d, expected -1", file, line, pair, r);
    if (!err[0] || strchr(err, '\n'))
        fail_msg("%s:%d: config_set(\"%s\"): message is not one line: \"%s\"", file, line, pair,
                 err);
    for (int i = 0; needles[i]; i++)
        if (!strstr(err, needles[i]))
            fail_msg("%s:%d: config_set(\"%s\"): message \"%s\" lacks \"%s\"", file, line, pair,
                     err, needles[i]);
    assert_same_config_impl(&cfg, &before, file, line);
}
#define expect_rejected(pair, ...) \
    expect_rejected_impl(pair, (const char *const[]){__VA_ARGS__, NULL}, __FILE__, __LINE__)

static void set_ok(Config *cfg, const char *pair)
{
    char err[CONFIG_ERR_LEN] = "";
    if (config_set(cfg, pair, err, sizeof err) != 0)
        fail_msg("config_set(\"%s\") failed: %s", pair, err);
}

/* Whether text holds the whole number n, not as part of a longer run of digits. */
static int has_number(const char *text, long n)
{
    char digits[32];
    snprintf(digits, sizeof digits, "%ld", n);
    size_t len = strlen(digits);
    for (const char *p = strstr(text, digits); p; p = strstr(p + 1, digits)) {
        int before = p > text && (isdigit((unsigned char)p[-1]) || p[-1] == '-' || p[-1] == '.');
        int after = isdigit((unsigned char)p[len]) ||
                    (p[len] == '.' && isdigit((unsigned char)p[len + 1]));
        if (!before && !after)
            return 1;
    }
    return 0;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

/* ---- defaults ---- */

static void test_defaults_are_a_tanh_rnn_on_adding_with_sizes_left_to_the_task(void **s)
{
    (void)s;
    Config c;
    memset(&c, 0x5a, sizeof c); /* config_default must set every field */
    config_default(&c);
    assert_int_equal(c.model, cell_find("rnn"));
    assert_int_equal(c.activation, ACT_TANH);
    assert_int_equal(c.hidden, 0); /* 0 = the task's default, until config_resolve */
    assert_int_equal(c.task, task_find("adding"));
    assert_int_equal(c.seq_len, 0);
    assert_int_equal(c.lag, 0);
    assert_int_equal(c.symbols, 0);
    assert_string_equal(c.text, ""); /* charlm's generated corpus */
    assert_int_equal(c.batch, 16);
    assert_true(c.seed == 1);
    assert_int_equal(c.init, INIT_DEFAULT);
    assert_true(c.rho == 0.0);
    assert_int_equal(c.has_forget_bias, 0);
    assert_int_equal(c.optimizer, OPT_ADAM);
    assert_true(c.lr == 0.01);
    assert_true(c.momentum == 0.9);
    assert_true(c.clip == 0.0);
    assert_int_equal(c.clip_mode, CLIP_NORM);
    assert_int_equal(c.truncate, 0);
    assert_int_equal(c.truncate_mode, TRUNCATE_WINDOW);
    assert_int_equal(c.history, 2000);
    assert_int_equal(c.shape_given, -1);
    assert_int_equal(c.loss_given, -1);
}

static void test_default_config_text_has_every_key_but_unresolved_shape_and_loss(void **s)
{
    (void)s;
    Config c;
    config_default(&c);
    char text[4096];
    int n = config_format(&c, text, sizeof text);
    assert_int_equal(n, (int)strlen(text));
    for (size_t i = 0; i < N_ALL_KEYS; i++) {
        char pattern[64];
        snprintf(pattern, sizeof pattern, "%s=", ALL_KEYS[i]);
        int is_derived = strcmp(ALL_KEYS[i], "shape") == 0 || strcmp(ALL_KEYS[i], "loss") == 0;
        /* Each key starts a line. */
        int found = strncmp(text, pattern, strlen(pattern)) == 0;
        char nl_pattern[70];
        snprintf(nl_pattern, sizeof nl_pattern, "\n%s", pattern);
        found |= strstr(text, nl_pattern) != NULL;
        if (found == is_derived)
            fail_msg("key '%s' %s in the default text:\n%s", ALL_KEYS[i],
                     is_derived ? "should not appear" : "missing", text);
    }
    assert_non_null(strstr(text, "hidden=0\n"));
    assert_non_null(strstr(text, "symbols=0\n"));
    assert_non_null(strstr(text, "\ntext=\n")); /* written even when empty */
    assert_non_null(strstr(text, "forget_bias=default\n"));
    assert_non_null(strstr(text, "model=rnn\n"));
}

/* The free play is the defaults with exactly the three lines docs/DEFAULTS.md gives, and
 * it resolves (to the adding task's hidden size). */
static void test_free_play_is_the_defaults_with_seq_len_100_and_sgd_at_lr_0_001(void **s)
{
    (void)s;
    Config def, fp;
    char err[CONFIG_ERR_LEN] = "";
    config_default(&def);
    assert_int_equal(config_parse_line(&def, "seq_len=100; optimizer=sgd; lr=0.001", err, sizeof err), 0);
    memset(&fp, 0x5a, sizeof fp);
    config_free_play(&fp);
    assert_same_config(&fp, &def);
    assert_int_equal(fp.seq_len, 100);
    assert_int_equal(fp.optimizer, OPT_SGD);
    assert_true(fp.lr == 0.001);
    assert_int_equal(config_resolve(&fp, err, sizeof err), 0);
    assert_int_equal(fp.task, task_find("adding"));
    assert_int_equal(fp.hidden, 32);
}

/* ---- round trips ---- */

/* Every key at a non-default value, each set through config_set. charlm: the one task
 * that reads text=. */
static void set_every_key(Config *c)
{
    config_default(c);
    set_ok(c, "model=lstm");
    set_ok(c, "activation=relu");
    set_ok(c, "hidden=17");
    set_ok(c, "task=charlm");
    set_ok(c, "seq_len=33");
    set_ok(c, "lag=7");
    set_ok(c, "symbols=9");
    set_ok(c, "text=/data/my texts/war and peace.txt");
    set_ok(c, "batch=5");
    set_ok(c, "seed=18446744073709551615");
    set_ok(c, "init=orthogonal");
    set_ok(c, "rho=1.1");
    set_ok(c, "forget_bias=-2.25");
    set_ok(c, "optimizer=rmsprop");
    set_ok(c, "lr=0.0123456789012345678");
    set_ok(c, "momentum=0.95");
    set_ok(c, "clip=3.3e-1");
    set_ok(c, "clip_mode=value");
    set_ok(c, "truncate=11");
    set_ok(c, "truncate_mode=chunk");
    set_ok(c, "history=12345");
    set_ok(c, "shape=many-to-many");
    set_ok(c, "loss=xent");
}

static void test_every_key_round_trips_through_format_and_a_config_file(void **s)
{
    (void)s;
    Config c;
    set_every_key(&c);
    /* Each set took effect. */
    assert_int_equal(c.model, cell_find("lstm"));
    assert_int_equal(c.activation, ACT_RELU);
    assert_int_equal(c.hidden, 17);
    assert_int_equal(c.task, task_find("charlm"));
    assert_int_equal(c.seq_len, 33);
    assert_int_equal(c.lag, 7);
    assert_int_equal(c.symbols, 9);
    assert_string_equal(c.text, "/data/my texts/war and peace.txt");
    assert_int_equal(c.batch, 5);
    assert_true(c.seed == UINT64_MAX);
    assert_int_equal(c.init, INIT_ORTHOGONAL);
    assert_true(c.rho == 1.1);
    assert_true(c.forget_bias == -2.25 && c.has_forget_bias == 1);
    assert_int_equal(c.optimizer, OPT_RMSPROP);
    assert_true(c.lr == 0.0123456789012345678);
    assert_true(c.momentum == 0.95);
    assert_true(c.clip == 0.33);
    assert_int_equal(c.clip_mode, CLIP_VALUE);
    assert_int_equal(c.truncate, 11);
    assert_int_equal(c.truncate_mode, TRUNCATE_CHUNK);
    assert_int_equal(c.history, 12345);
    assert_int_equal(c.shape_given, SHAPE_MANY_TO_MANY);
    assert_int_equal(c.loss_given, LOSS_XENT);

    char dir[4096], path[4200], text[4096], err[CONFIG_ERR_LEN] = "";
    int n = config_format(&c, text, sizeof text);
    assert_true(n > 0 && n == (int)strlen(text));
    check_mkdtemp(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/config.txt", dir);
    write_text(path, text);

    Config back;
    config_default(&back);
    if (config_load_file(&back, path, err, sizeof err) != 0)
        fail_msg("reading back the formatted text failed: %s\n%s", err, text);
    assert_same_config(&back, &c);

    /* Resolved, both still agree, and the resolved text reads back to the same. */
    assert_int_equal(config_resolve(&c, err, sizeof err), 0);
    assert_int_equal(config_resolve(&back, err, sizeof err), 0);
    assert_same_config(&back, &c);
    config_format(&c, text, sizeof text);
    write_text(path, text);
    Config again;
    config_default(&again);
    assert_int_equal(config_load_file(&again, path, err, sizeof err), 0);
    assert_int_equal(config_resolve(&again, err, sizeof err), 0);
    assert_same_config(&again, &c);
    check_rmdir(dir);
}

static void test_default_config_round_trips_after_resolve(void **s)
{
    (void)s;
    Config c, back;
    char text[4096], dir[4096], path[4200], err[CONFIG_ERR_LEN] = "";
    config_default(&c);
    assert_int_equal(config_resolve(&c, err, sizeof err), 0);
    config_format(&c, text, sizeof text);
    assert_non_null(strstr(text, "shape=many-to-one\n"));
    assert_non_null(strstr(text, "loss=mse\n"));
    check_mkdtemp(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/c.txt", dir);
    write_text(path, text);
    config_default(&back);
    if (config_load_file(&back, path, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_same_config(&back, &c);
    check_rmdir(dir);
}

static void test_text_path_round_trips_through_format_and_a_config_file(void **s)
{
    (void)s;
    static char longest[CONFIG_TEXT_LEN]; /* the longest value text= holds */
    memset(longest, 'p', sizeof longest - 1);
    longest[0] = '/';
    longest[sizeof longest - 1] = '\0';
    const char *paths[] = {
        "corpus.txt",
        "/home/ada/my texts/war and peace.txt",
        "two  spaces inside/and a=sign.txt",
        "donn\xc3\xa9\x65s/\xc3\xa9t\xc3\xa9.txt", /* UTF-8 */
        "",                                           /* the generated corpus */
        longest,
    };
    char dir[4096], path[4200];
    check_mkdtemp(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/config.txt", dir);
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        Config c, back;
        char pair[CONFIG_TEXT_LEN + 16], text[4096], line[CONFIG_TEXT_LEN + 16];
        char err[CONFIG_ERR_LEN] = "";
        config_default(&c);
        set_ok(&c, "task=charlm");
        snprintf(pair, sizeof pair, "text=%s", paths[i]);
        set_ok(&c, pair);
        assert_string_equal(c.text, paths[i]);
        int n = config_format(&c, text, sizeof text);
        assert_true(n > 0 && (size_t)n < sizeof text);
        snprintf(line, sizeof line, "\ntext=%s\n", paths[i]);
        if (!strstr(text, line))
            fail_msg("formatted text lacks the line text=%.60s:\n%.300s", paths[i], text);
        write_text(path, text);
        config_default(&back);
        if (config_load_file(&back, path, err, sizeof err) != 0)
            fail_msg("text=%.60s: reading back failed: %s", paths[i], err);
        if (strcmp(back.text, paths[i]) != 0)
            fail_msg("text=%.60s read back as \"%.60s\"", paths[i], back.text);
        assert_same_config(&back, &c);
        assert_int_equal(config_resolve(&back, err, sizeof err), 0);
        assert_string_equal(back.text, paths[i]);
    }
    check_rmdir(dir);
}

static void test_empty_text_is_accepted_and_clears_a_path(void **s)
{
    (void)s;
    Config c, def;
    config_default(&c);
    config_default(&def);
    set_ok(&c, "text=books/alice.txt");
    assert_string_equal(c.text, "books/alice.txt");
    set_ok(&c, "text=");
    assert_string_equal(c.text, "");
    assert_same_config(&c, &def);
    set_ok(&c, "text=b.txt");
    set_ok(&c, " text =   "); /* only spaces: empty too */
    assert_string_equal(c.text, "");
    /* Empty text is fine with any task: it is no file at all. */
    char err[CONFIG_ERR_LEN] = "";
    for (int t = 0; t < task_kind_count(); t++) {
        config_default(&c);
        c.task = t;
        set_ok(&c, "text=");
        if (config_resolve(&c, err, sizeof err) != 0)
            fail_msg("task=%s with an empty text=: %s", TASKS[t].name, err);
    }
    /* Other keys still need a value. */
    expect_rejected("hidden=", "hidden");
    expect_rejected("task=", "task");
}

static void test_real_values_round_trip_to_the_last_bit(void **s)
{
    (void)s;
    const double values[] = {0.1, 1.0 / 3.0, 1e-9, 99.99999999999999, 0.30000000000000004,
                             2.2250738585072014e-8};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        Config c, back;
        config_default(&c);
        c.lr = values[i];
        char text[4096], line[128], err[CONFIG_ERR_LEN] = "";
        config_format(&c, text, sizeof text);
        char *at = strstr(text, "\nlr=");
        assert_non_null(at);
        size_t n = strcspn(at + 1, "\n");
        assert_true(n < sizeof line);
        memcpy(line, at + 1, n);
        line[n] = '\0';
        config_default(&back);
        if (config_set(&back, line, err, sizeof err) != 0)
            fail_msg("%s: %s", line, err);
        if (back.lr != values[i])
            fail_msg("%s read back as %.17g, wrote %.17g", line, back.lr, values[i]);
    }
}

static void test_format_reports_the_full_length_when_the_buffer_is_short(void **s)
{
    (void)s;
    Config c;
    config_default(&c);
    char full[4096], small[16];
    int need = config_format(&c, full, sizeof full);
    memset(small, 'x', sizeof small);
    assert_int_equal(config_format(&c, small, sizeof small), need);
    assert_int_equal(small[sizeof small - 1], '\0');
    assert_memory_equal(small, full, sizeof small - 1);
    assert_int_equal(config_format(&c, NULL, 0), need);
}

static void test_name_functions_are_the_inverse_of_parsing(void **s)
{
    (void)s;
    char pair[64];
    Config c;
    config_default(&c);
    for (int m = 0; m < cell_count(); m++) {
        snprintf(pair, sizeof pair, "model=%s", config_model_name(m));
        set_ok(&c, pair);
        assert_int_equal(c.model, m);
    }
    for (int a = ACT_TANH; a <= ACT_LINEAR; a++) {
        snprintf(pair, sizeof pair, "activation=%s", config_activation_name((Activation)a));
        set_ok(&c, pair);
        assert_int_equal(c.activation, a);
    }
    assert_int_equal(N_TASKS, task_kind_count()); /* one entry per task */
    for (int t = 0; t < task_kind_count(); t++) {
        assert_string_equal(config_task_name(t), TASKS[t].name);
        snprintf(pair, sizeof pair, "task=%s", TASKS[t].name);
        set_ok(&c, pair);
        assert_int_equal(c.task, t);
    }
    for (int o = OPT_SGD; o <= OPT_RMSPROP; o++) {
        snprintf(pair, sizeof pair, "optimizer=%s", config_optimizer_name((OptimizerKind)o));
        set_ok(&c, pair);
        assert_int_equal(c.optimizer, o);
    }
    for (int sh = SHAPE_ONE_TO_ONE; sh <= SHAPE_SEQ2SEQ; sh++) {
        snprintf(pair, sizeof pair, "shape=%s", config_shape_name((Shape)sh));
        set_ok(&c, pair);
        assert_int_equal(c.shape_given, sh);
    }
    for (int l = LOSS_MSE; l <= LOSS_XENT; l++) {
        snprintf(pair, sizeof pair, "loss=%s", config_loss_name((LossKind)l));
        set_ok(&c, pair);
        assert_int_equal(c.loss_given, l);
    }
    assert_string_equal(config_model_name(cell_find("lstm")), "lstm");
    assert_string_equal(config_shape_name(SHAPE_ONE_TO_ONE), "one-to-one");
    assert_string_equal(config_shape_name(SHAPE_ONE_TO_MANY), "one-to-many");
    assert_string_equal(config_shape_name(SHAPE_MANY_TO_ONE), "many-to-one");
    assert_string_equal(config_shape_name(SHAPE_MANY_TO_MANY), "many-to-many");
    assert_string_equal(config_shape_name(SHAPE_SEQ2SEQ), "seq2seq");
}

static void test_spaces_around_key_and_value_are_ignored(void **s)
{
    (void)s;
    Config c;
    config_default(&c);
    set_ok(&c, "  hidden = 8\t");
    assert_int_equal(c.hidden, 8);
    set_ok(&c, "model =gru");
    assert_int_equal(c.model, cell_find("gru"));
    /* Around a path, not inside it. */
    set_ok(&c, " text =  my corpus/a b.txt \t");
    assert_string_equal(c.text, "my corpus/a b.txt");
}

static void test_range_bounds_are_inclusive(void **s)
{
    (void)s;
    Config c;
    config_default(&c);
    set_ok(&c, "hidden=0"); /* the task's default */
    assert_int_equal(c.hidden, 0);
    set_ok(&c, "hidden=1");
    assert_int_equal(c.hidden, 1);
    set_ok(&c, "hidden=256");
    assert_int_equal(c.hidden, 256);
    set_ok(&c, "symbols=0");
    assert_int_equal(c.symbols, 0);
    set_ok(&c, "symbols=64");
    assert_int_equal(c.symbols, 64);
    set_ok(&c, "seq_len=0");
    assert_int_equal(c.seq_len, 0);
    set_ok(&c, "seq_len=1000");
    assert_int_equal(c.seq_len, 1000);
    set_ok(&c, "rho=0");
    assert_true(c.rho == 0.0);
    set_ok(&c, "rho=100");
    assert_true(c.rho == 100.0);
    set_ok(&c, "seed=0");
    assert_true(c.seed == 0);
    set_ok(&c, "lr=1e-9");
    assert_true(c.lr == 1e-9);
    set_ok(&c, "lr=10000");
    assert_true(c.lr == 10000.0);
}

/* ---- errors ---- */

static void test_unknown_key_is_rejected_with_the_accepted_keys(void **s)
{
    (void)s;
    expect_rejected("hiden=8", "hiden");
    /* The message lists every accepted key. */
    Config c;
    config_default(&c);
    char err[CONFIG_ERR_LEN] = "";
    assert_int_equal(config_set(&c, "bogus_key=1", err, sizeof err), -1);
    assert_non_null(strstr(err, "bogus_key"));
    for (size_t i = 0; i < N_ALL_KEYS; i++)
        if (!strstr(err, ALL_KEYS[i]))
            fail_msg("message \"%s\" does not list key '%s'", err, ALL_KEYS[i]);
    /* Keys are case-sensitive and whole: no prefix matching. */
    expect_rejected("Hidden=8", "Hidden");
    expect_rejected("hid=8", "hid");
}

static void test_malformed_numbers_are_rejected_naming_the_key(void **s)
{
    (void)s;
    expect_rejected("hidden=abc", "hidden", "abc");
    expect_rejected("hidden=8x", "hidden");
    expect_rejected("hidden=1.5", "hidden");
    expect_rejected("hidden=99999999999999999999999", "hidden");
    expect_rejected("lr=1e-3x", "lr", "1e-3x");
    expect_rejected("lr=nan", "lr");
    expect_rejected("lr=inf", "lr");
    expect_rejected("lr=-inf", "lr");
    expect_rejected("lr=1e999", "lr");
    expect_rejected("lr=0.01 0.02", "lr");
    expect_rejected("seed=abc", "seed");
    expect_rejected("seed=18446744073709551616", "seed");
    expect_rejected("seed=1.0", "seed");
    expect_rejected("rho=two", "rho");
    expect_rejected("forget_bias=defaults", "forget_bias");
}

static void test_out_of_range_values_are_rejected_with_the_range(void **s)
{
    (void)s;
    expect_rejected("hidden=-1", "hidden", "0", "256");
    expect_rejected("hidden=257", "hidden", "0", "256");
    expect_rejected("hidden=-3", "hidden");
    expect_rejected("lr=0", "lr");
    expect_rejected("lr=-0.1", "lr");
    expect_rejected("lr=10001", "lr");
    expect_rejected("rho=-1", "rho");
    expect_rejected("rho=100.5", "rho");
    expect_rejected("seed=-1", "seed");
    expect_rejected("momentum=1", "momentum");
    expect_rejected("batch=0", "batch");
    expect_rejected("symbols=-1", "symbols", "64");
    expect_rejected("symbols=65", "symbols", "64");
    expect_rejected("seq_len=-1", "seq_len");
    expect_rejected("seq_len=1001", "seq_len");
    expect_rejected("history=9", "history");
    expect_rejected("clip=-1", "clip");
    expect_rejected("forget_bias=51", "forget_bias");
    expect_rejected("truncate=-1", "truncate");
}

static void test_word_not_accepted_lists_the_accepted_words(void **s)
{
    (void)s;
    expect_rejected("model=transformer", "model", "transformer", "rnn|lstm|gru");
    expect_rejected("model=LSTM", "model", "rnn|lstm|gru");
    expect_rejected("activation=gelu", "activation", "tanh|relu|sigmoid|linear");
    expect_rejected("task=translate", "task", "translate",
                    "xor|wave|adding|parity|order|sentiment|echo|sine|charlm|copy|reverse");
    expect_rejected("task=Copy", "task", "charlm|copy|reverse");
    expect_rejected("task=copying", "task");
    expect_rejected("optimizer=lion", "optimizer", "sgd|momentum|adam|adagrad|rmsprop");
    expect_rejected("init=he", "init", "orthogonal");
    expect_rejected("clip_mode=both", "clip_mode", "norm|value");
    expect_rejected("truncate_mode=tbptt", "truncate_mode", "window|chunk");
    expect_rejected("shape=many-to-few", "shape",
                    "one-to-one|one-to-many|many-to-one|many-to-many|seq2seq");
    expect_rejected("shape=seq-to-seq", "shape", "seq2seq");
    expect_rejected("loss=l1", "loss", "mse|xent");
}

static void test_missing_equals_or_empty_key_or_value_is_rejected(void **s)
{
    (void)s;
    expect_rejected("hidden", "hidden", "key=value");
    expect_rejected("hidden 8", "hidden", "key=value");
    expect_rejected("hidden=", "hidden");
    expect_rejected("hidden=   ", "hidden");
    expect_rejected("=8", "=8", "key=value");
    expect_rejected(" = ", "key=value");
    expect_rejected("", "key=value");
}

/* "text=" then `value` characters of a pattern whose 40-character prefixes differ, then
 * `spaces` spaces. */
static char *long_text_pair(size_t value, size_t spaces)
{
    static const char pattern[] = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    char *pair = malloc(5 + value + spaces + 1);
    assert_non_null(pair);
    memcpy(pair, "text=", 5);
    for (size_t i = 0; i < value; i++)
        pair[5 + i] = pattern[i % (sizeof pattern - 1)];
    memset(pair + 5 + value, ' ', spaces);
    pair[5 + value + spaces] = '\0';
    return pair;
}

/* A setting is at most CONFIG_TEXT_LEN + 63 characters; a longer one is rejected with a
 * message that quotes its first 40 characters and says the limit. */
static void test_overlong_setting_is_rejected_quoting_its_start(void **s)
{
    (void)s;
    const size_t limit = CONFIG_TEXT_LEN + 63;
    char first40[41], first41[42], number[32];
    snprintf(number, sizeof number, "%zu", limit);

    /* One character over, and far over. */
    for (int k = 0; k < 2; k++) {
        char *pair;
        if (k == 0) {
            pair = long_text_pair(CONFIG_TEXT_LEN - 1, limit + 1 - 5 - (CONFIG_TEXT_LEN - 1));
        } else {
            pair = malloc(4096);
            assert_non_null(pair);
            memset(pair, '9', 4095);
            memcpy(pair, "hidden=", 7);
            pair[4095] = '\0';
        }
        assert_true(strlen(pair) > limit);
        memcpy(first40, pair, 40);
        first40[40] = '\0';
        memcpy(first41, pair, 41);
        first41[41] = '\0';
        expect_rejected(pair, first40);
        Config c;
        config_default(&c);
        char err[CONFIG_ERR_LEN] = "";
        assert_int_equal(config_set(&c, pair, err, sizeof err), -1);
        if (strstr(err, first41))
            fail_msg("message quotes more than 40 characters: %s", err);
        if (!has_number(err, (long)limit))
            fail_msg("message does not say the limit %s: %s", number, err);
        free(pair);
    }

    /* Exactly at the limit: accepted (the trailing spaces are trimmed), and the value is the
     * longest text= holds. */
    char *pair = long_text_pair(CONFIG_TEXT_LEN - 1, limit - 5 - (CONFIG_TEXT_LEN - 1));
    assert_int_equal(strlen(pair), limit);
    Config c;
    config_default(&c);
    set_ok(&c, pair);
    assert_int_equal(strlen(c.text), CONFIG_TEXT_LEN - 1);
    assert_memory_equal(c.text, pair + 5, CONFIG_TEXT_LEN - 1);
    free(pair);

    /* A path one character longer than text= holds: short enough a setting, too long a
     * value; the message names text and its limit. */
    pair = long_text_pair(CONFIG_TEXT_LEN, 0);
    assert_true(strlen(pair) < limit);
    snprintf(number, sizeof number, "%d", CONFIG_TEXT_LEN - 1);
    expect_rejected(pair, "text", number);
    free(pair);
}

static void test_error_message_is_truncated_to_the_buffer(void **s)
{
    (void)s;
    Config c;
    config_default(&c);
    char err[24];
    memset(err, 'x', sizeof err);
    assert_int_equal(config_set(&c, "bogus_key=1", err, 16), -1);
    assert_true(strlen(err) == 15);
    assert_int_equal(err[16], 'x'); /* nothing written past errlen */
}

/* ---- config files ---- */

/* A NUL byte is named where it is (it used to read as an over-long line), and a directory
 * given as a configuration is named as one. */
static void test_config_file_names_a_nul_byte_and_a_directory(void **s)
{
    (void)s;
    char dir[4096], path[4200], err[CONFIG_ERR_LEN] = "";
    check_mkdtemp(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/nul.cfg", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fwrite("seed=3\ntask=echo\0x\n", 1, 20, f);
    fclose(f);
    Config c;
    config_default(&c);
    assert_int_equal(config_load_file(&c, path, err, sizeof err), -1);
    char want[4400];
    snprintf(want, sizeof want, "%s:2: a NUL byte at column 10: a configuration is text, key=value lines", path);
    assert_string_equal(err, want);
    assert_int_equal(config_load_file(&c, dir, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s: is a directory, not a regular file; give the path of a file", dir);
    assert_string_equal(err, want);
    remove(path);
    check_rmdir(dir);
}

static void test_config_file_accepts_comments_blank_lines_and_crlf(void **s)
{
    (void)s;
    char dir[4096], path[4200], err[CONFIG_ERR_LEN] = "";
    check_mkdtemp(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/run.cfg", dir);
    write_text(path, "# an experiment\n"
                     "\n"
                     "   \t\n"
                     "model=gru   # the cell\n"
                     "  hidden = 12\n"
                     "#hidden=99\n"
                     "seed=7\r\n"
                     "text = my corpus.txt   # spaces inside a path stay\n"
                     "lr=0.5");  /* no final newline */
    Config c;
    config_default(&c);
    if (config_load_file(&c, path, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(c.model, cell_find("gru"));
    assert_int_equal(c.hidden, 12);
    assert_true(c.seed == 7);
    assert_true(c.lr == 0.5);
    assert_string_equal(c.text, "my corpus.txt");
    /* Keys the file does not mention keep their values. */
    assert_int_equal(c.batch, 16);

    write_text(path, "");
    config_default(&c);
    assert_int_equal(config_load_file(&c, path, err, sizeof err), 0);
    Config def;
    config_default(&def);
    assert_same_config(&c, &def);
    check_rmdir(dir);
}

static void expect_file_error(const char *dir, const char *text, int bad_line, const char *key)
{
    char path[4200], where[4300], err[CONFIG_ERR_LEN] = "";
    snprintf(path, sizeof path, "%s/bad.cfg", dir);
    write_text(path, text);
    Config c;
    config_default(&c);
    int r = config_load_file(&c, path, err, sizeof err);
    if (r != -1)
        fail_msg("config_load_file returned %d for:\n%s", r, text);
    snprintf(where, sizeof where, "%s:%d:", path, bad_line);
    if (!strstr(err, where))
        fail_msg("message \"%s\" does not name %s", err, where);
    if (key && !strstr(err, key))
        fail_msg("message \"%s\" does not name key '%s'", err, key);
    if (strchr(err, '\n'))
        fail_msg("message \"%s\" is more than one line", err);
}

static void test_config_file_errors_name_file_and_line(void **s)
{
    (void)s;
    char dir[4096];
    check_mkdtemp(dir, sizeof dir);
    expect_file_error(dir, "# comment\n\nhidden=abc\nlr=0.1\n", 3, "hidden");
    expect_file_error(dir, "hidden=8\nmodel=lstm\nrho=-1\n", 3, "rho");
    expect_file_error(dir, "lr=0.1\nbogus=1\n", 2, "bogus");
    expect_file_error(dir, "model=transformer\n", 1, "model");
    expect_file_error(dir, "\n\n\n\nhidden\n", 5, "hidden");
    expect_file_error(dir, "hidden=8\r\nlr=nan\r\n", 2, "lr");
    /* A line longer than the reader's buffer is an error, not two settings. */
    char *longline = malloc(3000);
    assert_non_null(longline);
    strcpy(longline, "hidden=8\nlr=0.");
    size_t n = strlen(longline);
    memset(longline + n, '1', 2500);
    strcpy(longline + n + 2500, "\nseed=2\n");
    expect_file_error(dir, longline, 2, NULL);
    free(longline);
    check_rmdir(dir);
}

static void test_missing_config_file_names_the_path(void **s)
{
    (void)s;
    char dir[4096], path[4200], err[CONFIG_ERR_LEN] = "";
    check_mkdtemp(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/no-such-file.cfg", dir);
    Config c, def;
    config_default(&c);
    config_default(&def);
    assert_int_equal(config_load_file(&c, path, err, sizeof err), -1);
    if (!strstr(err, path))
        fail_msg("message \"%s\" does not name %s", err, path);
    assert_same_config(&c, &def);
    check_rmdir(dir);
}

/* ---- config_resolve ---- */

/* Every task resolves from the defaults: 0 for hidden, seq_len and symbols becomes that
 * task's own default (read from the task table, which `rnnlab tasks` prints), and the
 * shape is the task's. */
static void test_resolve_fills_hidden_seq_len_symbols_and_shape_from_each_task(void **s)
{
    (void)s;
    char err[CONFIG_ERR_LEN] = "";
    Config c;
    for (int t = 0; t < task_kind_count(); t++) {
        const TaskKindInfo *k = task_kind_info(t);
        assert_string_equal(k->name, TASKS[t].name);
        config_default(&c);
        c.task = t;
        if (config_resolve(&c, err, sizeof err) != 0)
            fail_msg("task=%s with every default: %s", k->name, err);
        if (c.hidden != k->default_hidden || c.hidden < 1 || c.hidden > 256)
            fail_msg("task=%s: hidden=0 resolved to %d, its default is %d", k->name, c.hidden,
                     k->default_hidden);
        if (c.seq_len != k->default_seq_len || c.seq_len < k->min_seq_len ||
            c.seq_len > k->max_seq_len)
            fail_msg("task=%s: seq_len=0 resolved to %d, its default is %d (range %d..%d)",
                     k->name, c.seq_len, k->default_seq_len, k->min_seq_len, k->max_seq_len);
        if (c.symbols < 2 || (k->default_symbols && c.symbols != k->default_symbols))
            fail_msg("task=%s: symbols=0 resolved to %d, its default is %d", k->name, c.symbols,
                     k->default_symbols);
        assert_int_equal(c.shape_given, TASKS[t].shape);
        assert_int_equal(c.shape_given, k->shape);
        assert_int_equal(c.loss_given, k->loss);
        /* Resolving twice changes nothing. */
        Config once = c;
        assert_int_equal(config_resolve(&c, err, sizeof err), 0);
        assert_same_config(&c, &once);
    }
    /* The tasks with an alphabet have their own default size. */
    assert_true(task_kind_info(task_find("echo"))->default_symbols >= 2);
    assert_true(task_kind_info(task_find("reverse"))->default_symbols >= 2);

    config_default(&c);
    assert_int_equal(config_resolve(&c, err, sizeof err), 0);
    assert_int_equal(c.task, task_find("adding"));
    assert_int_equal(c.shape_given, SHAPE_MANY_TO_ONE);
    assert_int_equal(c.loss_given, LOSS_MSE);

    config_default(&c);
    set_ok(&c, "task=echo");
    assert_int_equal(config_resolve(&c, err, sizeof err), 0);
    assert_int_equal(c.lag, 3);
    assert_int_equal(c.shape_given, SHAPE_MANY_TO_MANY);
    assert_int_equal(c.loss_given, LOSS_XENT);

    /* Explicit values stay. */
    config_default(&c);
    set_ok(&c, "task=echo");
    set_ok(&c, "seq_len=9");
    set_ok(&c, "lag=8");
    set_ok(&c, "hidden=7");
    set_ok(&c, "symbols=9");
    assert_int_equal(config_resolve(&c, err, sizeof err), 0);
    assert_int_equal(c.seq_len, 9);
    assert_int_equal(c.lag, 8);
    assert_int_equal(c.hidden, 7);
    assert_int_equal(c.symbols, 9);
    config_default(&c);
    set_ok(&c, "task=reverse");
    set_ok(&c, "symbols=3");
    set_ok(&c, "hidden=256");
    assert_int_equal(config_resolve(&c, err, sizeof err), 0);
    assert_int_equal(c.symbols, 3);
    assert_int_equal(c.hidden, 256);

    /* Resolving twice changes nothing. */
    Config once = c;
    assert_int_equal(config_resolve(&c, err, sizeof err), 0);
    assert_same_config(&c, &once);
}

/* Applies pairs to a default Config and resolves it: must return -1 with a one-line
 * message containing needle, which is left in err. */
static void expect_resolve_rejected_impl(char *err, size_t errlen, const char *const *pairs,
                                         const char *needle, const char *file, int line)
{
    Config c;
    config_default(&c);
    for (int i = 0; pairs[i]; i++)
        set_ok(&c, pairs[i]);
    err[0] = '\0';
    int r = config_resolve(&c, err, errlen);
    if (r != -1)
        fail_msg("%s:%d: config_resolve after %s... returned %d, expected -1", file, line,
                 pairs[0], r);
    if (!err[0] || strchr(err, '\n'))
        fail_msg("%s:%d: message is not one line: \"%s\"", file, line, err);
    if (!strstr(err, needle))
        fail_msg("%s:%d: message \"%s\" lacks \"%s\"", file, line, err, needle);
}
#define RESOLVE_REJECTS(needle, ...)                                                         \
    do {                                                                                     \
        char msg_[CONFIG_ERR_LEN];                                                           \
        expect_resolve_rejected_impl(msg_, sizeof msg_, (const char *const[]){__VA_ARGS__, NULL}, \
                                     needle, __FILE__, __LINE__);                            \
    } while (0)
/* The same, keeping the message in err for further checks. */
#define RESOLVE_REJECTS_MSG(err, needle, ...)                                                 \
    expect_resolve_rejected_impl(err, sizeof err, (const char *const[]){__VA_ARGS__, NULL},  \
                                 needle, __FILE__, __LINE__)

/* Applies pairs to a default Config; config_resolve must accept them. */
static void expect_resolves_impl(const char *const *pairs, const char *file, int line)
{
    Config c;
    config_default(&c);
    for (int i = 0; pairs[i]; i++)
        set_ok(&c, pairs[i]);
    char err[CONFIG_ERR_LEN] = "";
    if (config_resolve(&c, err, sizeof err) != 0)
        fail_msg("%s:%d: config_resolve after %s... failed: %s", file, line, pairs[0], err);
}
#define RESOLVES(...) \
    expect_resolves_impl((const char *const[]){__VA_ARGS__, NULL}, __FILE__, __LINE__)

static void expect_numbers_impl(const char *err, const long *numbers, int n, const char *file,
                                int line)
{
    for (int i = 0; i < n; i++)
        if (!has_number(err, numbers[i]))
            fail_msg("%s:%d: message \"%s\" does not say %ld", file, line, err, numbers[i]);
}
/* The message names each of these whole numbers (the accepted range). */
#define EXPECT_NUMBERS(err, ...)                                                         \
    expect_numbers_impl(err, (const long[]){__VA_ARGS__},                                \
                        (int)(sizeof((long[]){__VA_ARGS__}) / sizeof(long)), __FILE__, __LINE__)

static void test_resolve_rejects_lag_not_below_seq_len_for_echo(void **s)
{
    (void)s;
    RESOLVE_REJECTS("lag", "task=echo", "seq_len=5", "lag=5");
    RESOLVE_REJECTS("lag", "task=echo", "seq_len=5", "lag=9");
    RESOLVE_REJECTS("lag", "task=echo", "seq_len=3"); /* the default lag is 3 */
    RESOLVE_REJECTS("seq_len", "task=echo", "seq_len=1", "lag=1");
    RESOLVE_REJECTS("seq_len", "seq_len=1");
    RESOLVES("task=echo", "seq_len=5", "lag=4");
    /* lag is echo's alone. */
    RESOLVES("task=sine", "seq_len=5", "lag=9");
}

static void test_resolve_rejects_symbols_below_2(void **s)
{
    (void)s;
    /* config_set takes 0..64 (0 = the task's default); an alphabet needs two symbols. */
    RESOLVE_REJECTS("symbols", "task=echo", "symbols=1");
    RESOLVE_REJECTS("symbols", "task=reverse", "symbols=1");
    RESOLVES("task=echo", "symbols=2");
    RESOLVES("task=reverse", "symbols=64");
}

/* min_len=K: from the task's shortest length to seq_len, on the tasks whose length can
 * vary; xor and wave say why they cannot and which tasks can. */
static void test_resolve_takes_min_len_where_a_length_can_vary(void **s)
{
    (void)s;
    char err[CONFIG_ERR_LEN];
    RESOLVES("task=adding", "seq_len=50", "min_len=2");
    RESOLVES("task=copy", "seq_len=10", "min_len=1");
    RESOLVES("task=reverse", "seq_len=6", "min_len=6");
    RESOLVE_REJECTS_MSG(err, "min_len", "task=adding", "seq_len=50", "min_len=51");
    assert_non_null(strstr(err, "50"));
    RESOLVE_REJECTS_MSG(err, "min_len", "task=adding", "seq_len=50", "min_len=1");
    assert_non_null(strstr(err, "from 2"));
    RESOLVE_REJECTS_MSG(err, "min_len", "task=order", "min_len=5");
    RESOLVE_REJECTS_MSG(err, "min_len", "task=xor", "seq_len=1", "min_len=1");
    assert_non_null(strstr(err, "one step"));
    assert_non_null(strstr(err, "adding"));
    RESOLVE_REJECTS_MSG(err, "min_len", "task=wave", "min_len=3");
    assert_non_null(strstr(err, "one-to-many"));
}

static void test_resolve_rejects_seq_len_outside_the_tasks_range(void **s)
{
    (void)s;
    char err[CONFIG_ERR_LEN];
    /* xor is one step: the one-to-one shape has no sequence. */
    RESOLVE_REJECTS_MSG(err, "seq_len", "task=xor", "seq_len=2");
    EXPECT_NUMBERS(err, 1);
    RESOLVE_REJECTS("seq_len", "task=xor", "seq_len=1000");
    RESOLVES("task=xor", "seq_len=1");
    /* order needs room for its distractors. */
    RESOLVE_REJECTS_MSG(err, "seq_len", "task=order", "seq_len=5");
    EXPECT_NUMBERS(err, 10, 1000);
    RESOLVE_REJECTS("seq_len", "task=order", "seq_len=9");
    RESOLVES("task=order", "seq_len=10");
    /* copy's sequence is seq_len + 20 steps; reverse's is twice seq_len. */
    RESOLVE_REJECTS_MSG(err, "seq_len", "task=copy", "seq_len=981");
    EXPECT_NUMBERS(err, 980);
    RESOLVES("task=copy", "seq_len=980");
    RESOLVE_REJECTS_MSG(err, "seq_len", "task=reverse", "seq_len=501");
    EXPECT_NUMBERS(err, 500);
    RESOLVES("task=reverse", "seq_len=500");

    /* Every task: its bounds are accepted, one past them is rejected with the range. */
    for (int t = 0; t < task_kind_count(); t++) {
        const TaskKindInfo *k = task_kind_info(t);
        assert_true(k->min_seq_len >= 1 && k->min_seq_len <= k->max_seq_len);
        assert_true(k->max_seq_len <= 1000);
        char task[64], lo[32], hi[32], below[32], above[32];
        snprintf(task, sizeof task, "task=%s", k->name);
        snprintf(lo, sizeof lo, "seq_len=%d", k->min_seq_len);
        snprintf(hi, sizeof hi, "seq_len=%d", k->max_seq_len);
        snprintf(below, sizeof below, "seq_len=%d", k->min_seq_len - 1);
        snprintf(above, sizeof above, "seq_len=%d", k->max_seq_len + 1);
        RESOLVES(task, lo, "lag=1");
        RESOLVES(task, hi, "lag=1");
        if (k->min_seq_len > 1) { /* seq_len=0 is the default, not a length */
            RESOLVE_REJECTS_MSG(err, "seq_len", task, below, "lag=1");
            EXPECT_NUMBERS(err, k->min_seq_len, k->max_seq_len);
        }
        if (k->max_seq_len < 1000) {
            RESOLVE_REJECTS_MSG(err, "seq_len", task, above, "lag=1");
            EXPECT_NUMBERS(err, k->min_seq_len, k->max_seq_len);
        }
    }
}

static void test_resolve_rejects_text_for_every_task_but_charlm(void **s)
{
    (void)s;
    char err[CONFIG_ERR_LEN];
    RESOLVE_REJECTS_MSG(err, "text", "task=adding", "text=corpus.txt");
    if (!strstr(err, "charlm"))
        fail_msg("message \"%s\" does not say which task reads text=", err);
    RESOLVE_REJECTS("text", "text=corpus.txt"); /* adding is the default task */
    for (int t = 0; t < task_kind_count(); t++) {
        char task[64];
        snprintf(task, sizeof task, "task=%s", TASKS[t].name);
        if (t == task_find("charlm"))
            RESOLVES(task, "text=books/my corpus.txt");
        else
            RESOLVE_REJECTS("text", task, "text=books/my corpus.txt");
    }
    /* Checked against the final task, whatever the order of the settings. */
    RESOLVES("text=a.txt", "task=charlm");
    RESOLVE_REJECTS("text", "task=charlm", "text=a.txt", "task=echo");
    RESOLVES("task=echo", "text=a.txt", "text=");
}

static void test_resolve_rejects_truncate_with_the_seq2seq_task(void **s)
{
    (void)s;
    char err[CONFIG_ERR_LEN];
    RESOLVE_REJECTS_MSG(err, "truncate", "task=reverse", "truncate=3");
    RESOLVE_REJECTS("truncate", "truncate=1", "task=reverse");
    RESOLVES("task=reverse", "truncate=0");
    RESOLVE_REJECTS_MSG(err, "truncate_mode", "task=reverse", "truncate_mode=chunk");
    assert_non_null(strstr(err, "truncate_mode=window"));
    RESOLVES("task=reverse", "truncate_mode=window");
    RESOLVES("task=echo", "truncate=3", "truncate_mode=chunk");
    /* Truncated BPTT stays allowed for the other shapes. */
    RESOLVES("task=echo", "truncate=3");
    RESOLVES("task=charlm", "truncate=3");
    RESOLVES("task=adding", "truncate=3");
    RESOLVES("task=wave", "truncate=3");
}

static void test_resolve_rejects_shape_or_loss_that_disagree_with_the_task(void **s)
{
    (void)s;
    RESOLVE_REJECTS("shape", "shape=many-to-many");
    RESOLVE_REJECTS("loss", "loss=xent");
    RESOLVE_REJECTS("shape", "task=echo", "shape=many-to-one");
    RESOLVE_REJECTS("loss", "task=echo", "loss=mse");
    /* Given before the task changed: still checked against the final task. */
    RESOLVE_REJECTS("shape", "shape=many-to-one", "loss=mse", "task=echo");

    char err[CONFIG_ERR_LEN] = "";
    Config c;
    config_default(&c);
    set_ok(&c, "shape=many-to-one");
    set_ok(&c, "loss=mse");
    if (config_resolve(&c, err, sizeof err) != 0)
        fail_msg("adding with its own shape and loss: %s", err);
    config_default(&c);
    set_ok(&c, "task=echo");
    set_ok(&c, "shape=many-to-many");
    set_ok(&c, "loss=xent");
    if (config_resolve(&c, err, sizeof err) != 0)
        fail_msg("echo with its own shape and loss: %s", err);
    assert_int_equal(c.shape_given, SHAPE_MANY_TO_MANY);
    assert_int_equal(c.loss_given, LOSS_XENT);
}

static void test_forget_bias_default_clears_it(void **s)
{
    (void)s;
    Config c;
    config_default(&c);
    set_ok(&c, "forget_bias=1.5");
    assert_int_equal(c.has_forget_bias, 1);
    assert_true(c.forget_bias == 1.5);
    char text[4096];
    config_format(&c, text, sizeof text);
    assert_non_null(strstr(text, "forget_bias=1.5\n"));

    set_ok(&c, "forget_bias=default");
    assert_int_equal(c.has_forget_bias, 0);
    config_format(&c, text, sizeof text);
    assert_non_null(strstr(text, "forget_bias=default\n"));
    Config def;
    config_default(&def);
    assert_same_config(&c, &def);

    /* Zero is a value, not "default". */
    set_ok(&c, "forget_bias=0");
    assert_int_equal(c.has_forget_bias, 1);
    config_format(&c, text, sizeof text);
    assert_non_null(strstr(text, "forget_bias=0\n"));
}

/* ---- the help table ---- */

/* The help table's line for key, as a malloc'd string without its newline. */
static char *key_line(const char *text, const char *key)
{
    char pattern[64];
    snprintf(pattern, sizeof pattern, "  %s ", key);
    const char *line = strstr(text, pattern);
    if (!line)
        fail_msg("help table lacks key '%s'", key);
    size_t n = strcspn(line, "\n");
    char *out = malloc(n + 1);
    assert_non_null(out);
    memcpy(out, line, n);
    out[n] = '\0';
    return out;
}

static void test_help_table_lists_every_key_with_its_default(void **s)
{
    (void)s;
    FILE *f = tmpfile();
    assert_non_null(f);
    config_print_keys(f);
    long n = ftell(f);
    assert_true(n > 0);
    char *text = calloc((size_t)n + 1, 1);
    assert_non_null(text);
    rewind(f);
    assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    for (size_t i = 0; i < N_ALL_KEYS; i++) {
        char pattern[64];
        snprintf(pattern, sizeof pattern, "  %s ", ALL_KEYS[i]);
        if (!strstr(text, pattern))
            fail_msg("help table lacks key '%s':\n%s", ALL_KEYS[i], text);
    }
    /* One line per key, no more. */
    int lines = 0;
    for (char *p = text; *p; p++)
        lines += *p == '\n';
    if (lines != (int)N_ALL_KEYS)
        fail_msg("help table has %d lines for %zu keys:\n%s", lines, N_ALL_KEYS, text);
    /* The hidden line shows its range, which takes 0 for the task's default. */
    char *line = key_line(text, "hidden");
    assert_non_null(strstr(line, "0..256"));
    assert_non_null(strstr(line, "task"));
    assert_null(strstr(line, "1..256"));
    free(line);
    line = key_line(text, "seq_len");
    assert_non_null(strstr(line, "0..1000"));
    free(line);
    line = key_line(text, "symbols");
    assert_non_null(strstr(line, "0..64"));
    free(line);
    line = key_line(text, "text");
    assert_non_null(strstr(line, "charlm"));
    free(line);
    line = key_line(text, "task");
    assert_non_null(
        strstr(line, "xor|wave|adding|parity|order|sentiment|echo|sine|charlm|copy|reverse"));
    assert_non_null(strstr(line, "default adding"));
    free(line);
    line = key_line(text, "shape");
    assert_non_null(strstr(line, "one-to-one|one-to-many|many-to-one|many-to-many|seq2seq"));
    free(line);
    free(text);
}

/* The shortest %g that reads back: "0.9", not "0.90000000000000002". */
static void test_doubles_print_in_the_shortest_form_that_reads_back(void **s)
{
    (void)s;
    static const struct {
        double v;
        const char *text;
    } CASES[] = {
        {0.9, "0.9"},      {0.01, "0.01"},   {1e-9, "1e-09"}, {1e4, "10000"}, {100, "100"}, {1e5, "1e+05"}, {1e12, "1e+12"},
        {0.9999, "0.9999"}, {-0.0, "-0"},    {0.0, "0"},      {-3.5, "-3.5"},
        {0.30000000000000004, "0.30000000000000004"}, {1.0 / 3.0, "0.3333333333333333"},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        char buf[64];
        int n = config_format_double(buf, sizeof buf, CASES[i].v);
        if (strcmp(buf, CASES[i].text) != 0)
            fail_msg("%.17g printed as '%s', expected '%s'", CASES[i].v, buf, CASES[i].text);
        assert_int_equal(n, (int)strlen(CASES[i].text));
    }
    /* the default momentum in the configuration text and in --help */
    Config c;
    config_default(&c);
    char text[4096];
    config_format(&c, text, sizeof text);
    if (!strstr(text, "\nmomentum=0.9\n") || !strstr(text, "\nlr=0.01\n"))
        fail_msg("config_format:\n%s", text);
    config_format_line(&c, text, sizeof text);
    if (!strstr(text, "; momentum=0.9;"))
        fail_msg("config_format_line: %s", text);
    FILE *f = tmpfile();
    assert_non_null(f);
    config_print_keys(f);
    long len = ftell(f);
    char *help = calloc((size_t)len + 1, 1);
    assert_non_null(help);
    rewind(f);
    assert_int_equal(fread(help, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    char *line = key_line(help, "momentum");
    if (!strstr(line, "default 0.9") || strstr(line, "0.9000") || !strstr(line, "0..0.9999"))
        fail_msg("--help: %s", line);
    free(line);
    line = key_line(help, "lr");
    if (!strstr(line, "1e-09..10000") || !strstr(line, "default 0.01"))
        fail_msg("--help: %s", line);
    free(line);
    free(help);
}

/* xorshift64*: the test's own random doubles, the same every run. */
static uint64_t next_random(uint64_t *x)
{
    *x ^= *x >> 12;
    *x ^= *x << 25;
    *x ^= *x >> 27;
    return *x * 2685821657736338717ull;
}

static void test_random_doubles_round_trip_exactly_through_the_line(void **s)
{
    (void)s;
    uint64_t x = 88172645463325252ull;
    /* any finite double: it reads back, and one digit fewer would not */
    for (int i = 0; i < 20000; i++) {
        uint64_t bits = next_random(&x);
        double v;
        memcpy(&v, &bits, sizeof v);
        if (!isfinite(v))
            continue;
        char buf[64], shorter[400];
        config_format_double(buf, sizeof buf, v);
        double back = strtod(buf, NULL);
        if (memcmp(&back, &v, sizeof v) != 0)
            fail_msg("%.17g printed as '%s' reads back as %.17g", v, buf, back);
        /* and no precision of %g gives a shorter text that reads back */
        for (int digits = 1; digits <= 17; digits++) {
            snprintf(shorter, sizeof shorter, "%.*g", digits, v);
            if (strtod(shorter, NULL) == v && strlen(shorter) < strlen(buf))
                fail_msg("%.17g printed as '%s' but '%s' reads back too", v, buf, shorter);
        }
    }
    /* every real key, through the copied line and back: the identical Config */
    for (int i = 0; i < 2000; i++) {
        Config c, back;
        config_default(&c);
        double u[5];
        for (int k = 0; k < 5; k++)
            u[k] = (double)(next_random(&x) >> 11) / 9007199254740992.0; /* [0, 1) */
        c.lr = exp(log(1e-9) + u[0] * (log(1e4) - log(1e-9)));
        c.momentum = u[1] * 0.9999;
        c.rho = u[2] * 100;
        c.forget_bias = -50 + u[3] * 100;
        c.has_forget_bias = 1;
        c.clip = u[4] * (i % 2 ? 1e12 : 10);
        char line[8192], err[CONFIG_ERR_LEN] = "";
        int n = config_format_line(&c, line, sizeof line);
        assert_true(n > 0 && n < (int)sizeof line);
        config_default(&back);
        if (config_parse_line(&back, line, err, sizeof err) != 0)
            fail_msg("%s: %s", line, err);
        if (memcmp(&back, &c, sizeof c) != 0)
            fail_msg("the line '%s' read back as a different Config (lr %.17g vs %.17g)", line, back.lr, c.lr);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_are_a_tanh_rnn_on_adding_with_sizes_left_to_the_task),
        cmocka_unit_test(test_default_config_text_has_every_key_but_unresolved_shape_and_loss),
        cmocka_unit_test(test_every_key_round_trips_through_format_and_a_config_file),
        cmocka_unit_test(test_free_play_is_the_defaults_with_seq_len_100_and_sgd_at_lr_0_001),
        cmocka_unit_test(test_default_config_round_trips_after_resolve),
        cmocka_unit_test(test_text_path_round_trips_through_format_and_a_config_file),
        cmocka_unit_test(test_empty_text_is_accepted_and_clears_a_path),
        cmocka_unit_test(test_real_values_round_trip_to_the_last_bit),
        cmocka_unit_test(test_format_reports_the_full_length_when_the_buffer_is_short),
        cmocka_unit_test(test_name_functions_are_the_inverse_of_parsing),
        cmocka_unit_test(test_spaces_around_key_and_value_are_ignored),
        cmocka_unit_test(test_range_bounds_are_inclusive),
        cmocka_unit_test(test_unknown_key_is_rejected_with_the_accepted_keys),
        cmocka_unit_test(test_malformed_numbers_are_rejected_naming_the_key),
        cmocka_unit_test(test_out_of_range_values_are_rejected_with_the_range),
        cmocka_unit_test(test_word_not_accepted_lists_the_accepted_words),
        cmocka_unit_test(test_missing_equals_or_empty_key_or_value_is_rejected),
        cmocka_unit_test(test_overlong_setting_is_rejected_quoting_its_start),
        cmocka_unit_test(test_error_message_is_truncated_to_the_buffer),
        cmocka_unit_test(test_config_file_accepts_comments_blank_lines_and_crlf),
        cmocka_unit_test(test_config_file_names_a_nul_byte_and_a_directory),
        cmocka_unit_test(test_config_file_errors_name_file_and_line),
        cmocka_unit_test(test_missing_config_file_names_the_path),
        cmocka_unit_test(test_resolve_fills_hidden_seq_len_symbols_and_shape_from_each_task),
        cmocka_unit_test(test_resolve_rejects_lag_not_below_seq_len_for_echo),
        cmocka_unit_test(test_resolve_rejects_symbols_below_2),
        cmocka_unit_test(test_resolve_takes_min_len_where_a_length_can_vary),
        cmocka_unit_test(test_resolve_rejects_seq_len_outside_the_tasks_range),
        cmocka_unit_test(test_resolve_rejects_text_for_every_task_but_charlm),
        cmocka_unit_test(test_resolve_rejects_truncate_with_the_seq2seq_task),
        cmocka_unit_test(test_resolve_rejects_shape_or_loss_that_disagree_with_the_task),
        cmocka_unit_test(test_forget_bias_default_clears_it),
        cmocka_unit_test(test_help_table_lists_every_key_with_its_default),
        cmocka_unit_test(test_doubles_print_in_the_shortest_form_that_reads_back),
        cmocka_unit_test(test_random_doubles_round_trip_exactly_through_the_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
