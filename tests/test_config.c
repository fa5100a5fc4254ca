/* test_config.c: the key=value vocabulary: defaults, exact round trips through
 * config_format and a config file, every kind of bad input (status -1 and a message naming
 * the key), and config_resolve's task defaults and cross-key checks. Leaves out what the
 * keys mean to the model, task and optimiser (their own tests). */
#include "check.h"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const ALL_KEYS[] = {
    "model", "activation", "hidden", "seed",     "task",     "seq_len",   "lag",
    "symbols", "batch",    "init",   "rho",      "forget_bias", "optimizer", "lr",
    "momentum", "clip",    "clip_mode", "truncate", "history", "shape",   "loss",
};
#define N_ALL_KEYS (sizeof ALL_KEYS / sizeof ALL_KEYS[0])

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

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

/* ---- defaults ---- */

static void test_defaults_are_a_small_tanh_rnn_on_adding_with_adam(void **s)
{
    (void)s;
    Config c;
    memset(&c, 0x5a, sizeof c); /* config_default must set every field */
    config_default(&c);
    assert_int_equal(c.model, MODEL_RNN);
    assert_int_equal(c.activation, ACT_TANH);
    assert_int_equal(c.hidden, 32);
    assert_int_equal(c.task, TASK_ADDING);
    assert_int_equal(c.seq_len, 0);
    assert_int_equal(c.lag, 0);
    assert_int_equal(c.symbols, 4);
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
    assert_non_null(strstr(text, "hidden=32\n"));
    assert_non_null(strstr(text, "forget_bias=default\n"));
    assert_non_null(strstr(text, "model=rnn\n"));
}

/* ---- round trips ---- */

/* Every key at a non-default value, each set through config_set. */
static void set_every_key(Config *c)
{
    config_default(c);
    set_ok(c, "model=lstm");
    set_ok(c, "activation=relu");
    set_ok(c, "hidden=17");
    set_ok(c, "task=echo");
    set_ok(c, "seq_len=33");
    set_ok(c, "lag=7");
    set_ok(c, "symbols=9");
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
    assert_int_equal(c.model, MODEL_LSTM);
    assert_int_equal(c.activation, ACT_RELU);
    assert_int_equal(c.hidden, 17);
    assert_int_equal(c.task, TASK_ECHO);
    assert_int_equal(c.seq_len, 33);
    assert_int_equal(c.lag, 7);
    assert_int_equal(c.symbols, 9);
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
    for (int m = MODEL_RNN; m <= MODEL_GRU; m++) {
        snprintf(pair, sizeof pair, "model=%s", config_model_name((ModelKind)m));
        set_ok(&c, pair);
        assert_int_equal(c.model, m);
    }
    for (int a = ACT_TANH; a <= ACT_LINEAR; a++) {
        snprintf(pair, sizeof pair, "activation=%s", config_activation_name((Activation)a));
        set_ok(&c, pair);
        assert_int_equal(c.activation, a);
    }
    for (int t = TASK_ADDING; t <= TASK_ECHO; t++) {
        snprintf(pair, sizeof pair, "task=%s", config_task_name((TaskKind)t));
        set_ok(&c, pair);
        assert_int_equal(c.task, t);
    }
    for (int o = OPT_SGD; o <= OPT_RMSPROP; o++) {
        snprintf(pair, sizeof pair, "optimizer=%s", config_optimizer_name((OptimizerKind)o));
        set_ok(&c, pair);
        assert_int_equal(c.optimizer, o);
    }
    for (int sh = SHAPE_MANY_TO_ONE; sh <= SHAPE_MANY_TO_MANY; sh++) {
        snprintf(pair, sizeof pair, "shape=%s", config_shape_name((Shape)sh));
        set_ok(&c, pair);
        assert_int_equal(c.shape_given, sh);
    }
    for (int l = LOSS_MSE; l <= LOSS_XENT; l++) {
        snprintf(pair, sizeof pair, "loss=%s", config_loss_name((LossKind)l));
        set_ok(&c, pair);
        assert_int_equal(c.loss_given, l);
    }
    assert_string_equal(config_model_name(MODEL_LSTM), "lstm");
    assert_string_equal(config_shape_name(SHAPE_MANY_TO_ONE), "many-to-one");
}

static void test_spaces_around_key_and_value_are_ignored(void **s)
{
    (void)s;
    Config c;
    config_default(&c);
    set_ok(&c, "  hidden = 8\t");
    assert_int_equal(c.hidden, 8);
    set_ok(&c, "model =gru");
    assert_int_equal(c.model, MODEL_GRU);
}

static void test_range_bounds_are_inclusive(void **s)
{
    (void)s;
    Config c;
    config_default(&c);
    set_ok(&c, "hidden=1");
    assert_int_equal(c.hidden, 1);
    set_ok(&c, "hidden=256");
    assert_int_equal(c.hidden, 256);
    set_ok(&c, "rho=0");
    assert_true(c.rho == 0.0);
    set_ok(&c, "rho=100");
    assert_true(c.rho == 100.0);
    set_ok(&c, "seed=0");
    assert_true(c.seed == 0);
    set_ok(&c, "lr=1e-9");
    assert_true(c.lr == 1e-9);
    set_ok(&c, "lr=100");
    assert_true(c.lr == 100.0);
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
    expect_rejected("hidden=0", "hidden", "1", "256");
    expect_rejected("hidden=257", "hidden", "256");
    expect_rejected("hidden=-3", "hidden");
    expect_rejected("lr=0", "lr");
    expect_rejected("lr=-0.1", "lr");
    expect_rejected("lr=101", "lr");
    expect_rejected("rho=-1", "rho");
    expect_rejected("rho=100.5", "rho");
    expect_rejected("seed=-1", "seed");
    expect_rejected("momentum=1", "momentum");
    expect_rejected("batch=0", "batch");
    expect_rejected("symbols=1", "symbols");
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
    expect_rejected("task=copy", "task", "adding|echo");
    expect_rejected("optimizer=lion", "optimizer", "sgd|momentum|adam|adagrad|rmsprop");
    expect_rejected("init=he", "init", "orthogonal");
    expect_rejected("clip_mode=both", "clip_mode", "norm|value");
    expect_rejected("shape=one-to-many", "shape", "many-to-one|many-to-many");
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

static void test_overlong_setting_is_rejected(void **s)
{
    (void)s;
    char pair[2048];
    memset(pair, '9', sizeof pair);
    memcpy(pair, "hidden=", 7);
    pair[sizeof pair - 1] = '\0';
    Config c;
    config_default(&c);
    char err[CONFIG_ERR_LEN] = "";
    assert_int_equal(config_set(&c, pair, err, sizeof err), -1);
    assert_true(err[0] != '\0');
    assert_int_equal(c.hidden, 32);
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
                     "lr=0.5");  /* no final newline */
    Config c;
    config_default(&c);
    if (config_load_file(&c, path, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(c.model, MODEL_GRU);
    assert_int_equal(c.hidden, 12);
    assert_true(c.seed == 7);
    assert_true(c.lr == 0.5);
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

static void test_resolve_fills_seq_len_and_lag_from_the_task(void **s)
{
    (void)s;
    char err[CONFIG_ERR_LEN] = "";
    Config c;
    config_default(&c);
    assert_int_equal(config_resolve(&c, err, sizeof err), 0);
    assert_int_equal(c.seq_len, 50);
    assert_int_equal(c.shape_given, SHAPE_MANY_TO_ONE);
    assert_int_equal(c.loss_given, LOSS_MSE);

    config_default(&c);
    set_ok(&c, "task=echo");
    assert_int_equal(config_resolve(&c, err, sizeof err), 0);
    assert_int_equal(c.seq_len, 20);
    assert_int_equal(c.lag, 3);
    assert_int_equal(c.shape_given, SHAPE_MANY_TO_MANY);
    assert_int_equal(c.loss_given, LOSS_XENT);

    /* Explicit values stay. */
    config_default(&c);
    set_ok(&c, "task=echo");
    set_ok(&c, "seq_len=9");
    set_ok(&c, "lag=8");
    assert_int_equal(config_resolve(&c, err, sizeof err), 0);
    assert_int_equal(c.seq_len, 9);
    assert_int_equal(c.lag, 8);

    /* Resolving twice changes nothing. */
    Config once = c;
    assert_int_equal(config_resolve(&c, err, sizeof err), 0);
    assert_same_config(&c, &once);
}

static void expect_resolve_rejected(const char *const *pairs, const char *needle)
{
    Config c;
    config_default(&c);
    for (int i = 0; pairs[i]; i++)
        set_ok(&c, pairs[i]);
    char err[CONFIG_ERR_LEN] = "";
    int r = config_resolve(&c, err, sizeof err);
    if (r != -1)
        fail_msg("config_resolve after %s... returned %d, expected -1", pairs[0], r);
    if (!strstr(err, needle))
        fail_msg("message \"%s\" lacks \"%s\"", err, needle);
}
#define RESOLVE_REJECTS(needle, ...) \
    expect_resolve_rejected((const char *const[]){__VA_ARGS__, NULL}, needle)

static void test_resolve_rejects_lag_not_below_seq_len_for_echo(void **s)
{
    (void)s;
    RESOLVE_REJECTS("lag", "task=echo", "seq_len=5", "lag=5");
    RESOLVE_REJECTS("lag", "task=echo", "seq_len=5", "lag=9");
    RESOLVE_REJECTS("lag", "task=echo", "seq_len=3"); /* the default lag is 3 */
    RESOLVE_REJECTS("seq_len", "task=echo", "seq_len=1", "lag=1");
    RESOLVE_REJECTS("seq_len", "seq_len=1");

    char err[CONFIG_ERR_LEN] = "";
    Config c;
    config_default(&c);
    set_ok(&c, "task=echo");
    set_ok(&c, "seq_len=5");
    set_ok(&c, "lag=4");
    assert_int_equal(config_resolve(&c, err, sizeof err), 0);
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
    /* The hidden line shows its range and its default. */
    char *line = strstr(text, "  hidden ");
    assert_non_null(line);
    char *end = strchr(line, '\n');
    assert_non_null(end);
    *end = '\0';
    assert_non_null(strstr(line, "1..256"));
    assert_non_null(strstr(line, "default 32"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_are_a_small_tanh_rnn_on_adding_with_adam),
        cmocka_unit_test(test_default_config_text_has_every_key_but_unresolved_shape_and_loss),
        cmocka_unit_test(test_every_key_round_trips_through_format_and_a_config_file),
        cmocka_unit_test(test_default_config_round_trips_after_resolve),
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
        cmocka_unit_test(test_overlong_setting_is_rejected),
        cmocka_unit_test(test_error_message_is_truncated_to_the_buffer),
        cmocka_unit_test(test_config_file_accepts_comments_blank_lines_and_crlf),
        cmocka_unit_test(test_config_file_errors_name_file_and_line),
        cmocka_unit_test(test_missing_config_file_names_the_path),
        cmocka_unit_test(test_resolve_fills_seq_len_and_lag_from_the_task),
        cmocka_unit_test(test_resolve_rejects_lag_not_below_seq_len_for_echo),
        cmocka_unit_test(test_resolve_rejects_shape_or_loss_that_disagree_with_the_task),
        cmocka_unit_test(test_forget_bias_default_clears_it),
        cmocka_unit_test(test_help_table_lists_every_key_with_its_default),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
