/* test_task.c: the task table (every row complete, named as config reads it, its flags
 * true) and every generator: deterministic from its seed, the right shapes, the right
 * statistics, and a memoryless predictor whose measured loss is the stated baseline. */
#include "check.h"

#include "npy.h"
#include "task.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    Config cfg;
    Task task;
    Batch b;
    Rng rng;
} Fixture;

static void make(Fixture *f, const char *const *settings)
{
    char err[CONFIG_ERR_LEN];
    config_default(&f->cfg);
    for (int i = 0; settings[i]; i++)
        if (config_set(&f->cfg, settings[i], err, sizeof err) != 0)
            fail_msg("%s", err);
    if (config_resolve(&f->cfg, err, sizeof err) != 0 || task_create(&f->task, &f->cfg, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(task_batch_create(&f->b, &f->task), 0);
    rng_seed(&f->rng, 12, 2);
}

static void drop(Fixture *f)
{
    task_batch_destroy(&f->b);
    task_destroy(&f->task);
}

static int argmax_row(const double *x, int n)
{
    int best = 0;
    for (int k = 1; k < n; k++)
        if (x[k] > x[best])
            best = k;
    return best;
}

/* Cross-entropy of predicting each label from a table of counts keyed by `key` (the
 * predictor's only information): the best such predictor's loss on these samples. */
static double conditional_entropy(const int *key, const int64_t *label, size_t n, int keys, int classes)
{
    double *count = calloc((size_t)keys * classes, sizeof(double)), *row = calloc((size_t)keys, sizeof(double));
    for (size_t i = 0; i < n; i++) {
        count[key[i] * classes + label[i]] += 1;
        row[key[i]] += 1;
    }
    double h = 0;
    for (int k = 0; k < keys; k++)
        for (int c = 0; c < classes; c++)
            if (count[k * classes + c] > 0)
                h -= count[k * classes + c] / (double)n * log(count[k * classes + c] / row[k]);
    free(row);
    free(count);
    return h;
}

static void test_every_task_is_deterministic_and_sized_as_it_says(void **s)
{
    (void)s;
    for (int k = 0; k < task_kind_count(); k++) {
        char task[64];
        snprintf(task, sizeof task, "task=%s", task_kind_info(k)->name);
        const char *const settings[] = {task, "batch=3", NULL};
        Fixture a, b;
        make(&a, settings);
        make(&b, settings);
        TaskInfo ti = a.task.info;
        assert_true(ti.I > 0 && ti.O > 0 && ti.T > 0);
        assert_int_equal(a.b.shape, task_kind_info(k)->shape);
        assert_int_equal(ti.Td > 0, ti.shape == SHAPE_SEQ2SEQ);
        if (ti.shape == SHAPE_ONE_TO_ONE)
            assert_int_equal(ti.T, 1);
        task_sample(&a.task, &a.b, &a.rng);
        task_sample(&b.task, &b.b, &b.rng);
        size_t nx = (size_t)ti.T * 3 * ti.I;
        assert_memory_equal(a.b.x, b.b.x, nx * sizeof(double));
        task_sample(&b.task, &b.b, &b.rng);
        if (k != task_find("xor") && memcmp(a.b.x, b.b.x, nx * sizeof(double)) == 0)
            fail_msg("%s: the next batch is the same as the first", task);
        drop(&b);
        drop(&a);
    }
}

static void test_xor_is_balanced_and_right(void **s)
{
    (void)s;
    const char *const settings[] = {"task=xor", "batch=4000", NULL};
    Fixture f;
    make(&f, settings);
    task_sample(&f.task, &f.b, &f.rng);
    int key[4000], seen[4000], ones = 0;
    for (int b = 0; b < 4000; b++) {
        const double *x = f.b.x + b * 2;
        assert_int_equal(f.b.label[b], (int)x[0] ^ (int)x[1]);
        ones += (int)f.b.label[b];
        key[b] = 0;                         /* a constant predictor */
        seen[b] = 2 * (int)x[0] + (int)x[1]; /* the memoryless one sees both bits */
    }
    assert_true(abs(ones - 2000) < 5 * 32);
    assert_true(task_baseline(&f.task) == 0.0);
    assert_true(conditional_entropy(seen, f.b.label, 4000, 4, 2) == 0.0);
    /* chance level, the second reference, is what the constant predictor scores */
    const char *name;
    assert_true(task_reference(&f.cfg, &name) == log(2.0));
    assert_string_equal(name, "chance level");
    assert_true(fabs(conditional_entropy(key, f.b.label, 4000, 1, 2) - log(2.0)) < 0.002);
    drop(&f);
}

static void test_wave_baseline_is_what_the_memoryless_predictor_scores(void **s)
{
    (void)s;
    const char *const settings[] = {"task=wave", "batch=3000", NULL};
    Fixture f;
    make(&f, settings);
    task_sample(&f.task, &f.b, &f.rng);
    int T = f.b.T, B = 3000;
    /* t = 0 sees the code, so it is exact; later inputs are all zero, so predict the mean
     * of every wave over t >= 1 (measured from the batch itself). */
    double mean = 0;
    for (int t = 1; t < T; t++)
        for (int b = 0; b < B; b++) {
            for (int k = 0; k < f.b.I; k++)
                assert_true(f.b.x[((size_t)t * B + b) * f.b.I + k] == 0.0);
            mean += f.b.y[(size_t)t * B + b];
        }
    mean /= (double)(T - 1) * B;
    double se = 0;
    for (int t = 1; t < T; t++)
        for (int b = 0; b < B; b++)
            se += pow(f.b.y[(size_t)t * B + b] - mean, 2);
    double mse = se / ((double)T * B);
    if (!(fabs(mse - task_baseline(&f.task)) < 0.02 * task_baseline(&f.task)))
        fail_msg("measured %.5f, stated %.5f", mse, task_baseline(&f.task));
    drop(&f);
}

static void test_adding_marks_one_value_in_each_half_and_has_mean_1_variance_one_sixth(void **s)
{
    (void)s;
    const char *const settings[] = {"task=adding", "seq_len=21", "batch=4096", NULL};
    Fixture f;
    make(&f, settings);
    double sum = 0, sq = 0, se = 0;
    const int rounds = 10, B = 4096;
    for (int r = 0; r < rounds; r++) {
        task_sample(&f.task, &f.b, &f.rng);
        for (int b = 0; b < B; b++) {
            int first = 0, second = 0;
            double marked = 0;
            for (int t = 0; t < 21; t++) {
                const double *x = f.b.x + ((size_t)t * B + b) * 2;
                assert_true(x[0] >= 0 && x[0] < 1);
                if (x[1] == 1.0) {
                    marked += x[0];
                    if (t < 10)
                        first++;
                    else
                        second++;
                }
            }
            assert_int_equal(first, 1);
            assert_int_equal(second, 1);
            assert_true(f.b.y[b] == marked);
            sum += f.b.y[b];
            sq += f.b.y[b] * f.b.y[b];
            se += (f.b.y[b] - 1.0) * (f.b.y[b] - 1.0); /* the constant predictor */
        }
    }
    double n = rounds * (double)B, mean = sum / n, var = sq / n - mean * mean;
    assert_true(fabs(mean - 1.0) < 5 * sqrt(1.0 / 6 / n));
    assert_true(fabs(var - 1.0 / 6) < 0.004);
    /* predicting the mean without looking scores 1/6; the last input, marked in 1 of 11,
     * takes 1/12 off that share */
    assert_true(fabs(se / n - 1.0 / 6.0) < 0.004);
    assert_true(fabs(task_baseline(&f.task) - (1.0 / 6.0 - 1.0 / (12.0 * 11))) < 1e-15);
    drop(&f);
}

/* For the many-to-one classification tasks, the memoryless predictor sees only the last
 * input; measure its best loss on samples. */
static void check_last_input_baseline(const char *task, int T, double tolerance)
{
    char t_set[32], len[32];
    snprintf(t_set, sizeof t_set, "task=%s", task);
    snprintf(len, sizeof len, "seq_len=%d", T);
    const char *const settings[] = {t_set, len, "batch=4096", NULL};
    Fixture f;
    make(&f, settings);
    task_sample(&f.task, &f.b, &f.rng);
    int B = 4096, I = f.b.I;
    int *key = malloc(B * sizeof(int));
    for (int b = 0; b < B; b++)
        key[b] = argmax_row(f.b.x + ((size_t)(T - 1) * B + b) * I, I);
    double h = conditional_entropy(key, f.b.label, (size_t)B, I, f.b.O);
    if (!(fabs(h - task_baseline(&f.task)) < tolerance))
        fail_msg("%s: measured %.4f, stated %.4f", task, h, task_baseline(&f.task));
    /* classes are balanced */
    int counts[8] = {0};
    for (int b = 0; b < B; b++)
        counts[f.b.label[b]]++;
    for (int c = 0; c < f.b.O; c++)
        if (!(fabs(counts[c] - (double)B / f.b.O) < 5 * sqrt((double)B / f.b.O)))
            fail_msg("%s: class %d has %d of %d", task, c, counts[c], B);
    free(key);
    drop(&f);
}

static void test_parity_order_sentiment_baselines_and_balance(void **s)
{
    (void)s;
    check_last_input_baseline("parity", 7, 0.003);
    check_last_input_baseline("order", 30, 0.005);
    check_last_input_baseline("sentiment", 16, 0.003);
}

static void test_parity_is_the_xor_of_the_bits(void **s)
{
    (void)s;
    const char *const settings[] = {"task=parity", "seq_len=9", "batch=50", NULL};
    Fixture f;
    make(&f, settings);
    task_sample(&f.task, &f.b, &f.rng);
    for (int b = 0; b < 50; b++) {
        int p = 0;
        for (int t = 0; t < 9; t++)
            p ^= argmax_row(f.b.x + ((size_t)t * 50 + b) * 2, 2);
        assert_int_equal(f.b.label[b], p);
    }
    drop(&f);
}

static void test_order_hides_two_relevant_symbols_and_labels_their_order(void **s)
{
    (void)s;
    const char *const settings[] = {"task=order", "seq_len=40", "batch=200", NULL};
    Fixture f;
    make(&f, settings);
    task_sample(&f.task, &f.b, &f.rng);
    char name[16];
    for (int b = 0; b < 200; b++) {
        char seen[3] = {0};
        int n = 0;
        for (int t = 0; t < 40; t++) {
            task_symbol_name(&f.task, argmax_row(f.b.x + ((size_t)t * 200 + b) * f.b.I, f.b.I), 0, name, sizeof name);
            if (t == 0)
                assert_string_equal(name, "E");
            if (t == 39)
                assert_string_equal(name, "B");
            if (name[0] == 'X' || name[0] == 'Y') {
                assert_true(n < 2);
                seen[n++] = name[0];
            }
        }
        assert_int_equal(n, 2);
        task_symbol_name(&f.task, (int)f.b.label[b], 1, name, sizeof name);
        assert_string_equal(name, seen);
    }
    drop(&f);
}

static void test_sentiment_negation_flips_the_late_word(void **s)
{
    (void)s;
    const char *const settings[] = {"task=sentiment", "seq_len=20", "batch=3000", NULL};
    Fixture f;
    make(&f, settings);
    task_sample(&f.task, &f.b, &f.rng);
    int negated = 0;
    char name[16];
    for (int b = 0; b < 3000; b++) {
        int neg = 0, pos = -1, not_at = -1, word_at = -1;
        for (int t = 0; t < 20; t++) {
            task_symbol_name(&f.task, argmax_row(f.b.x + ((size_t)t * 3000 + b) * f.b.I, f.b.I), 0, name, sizeof name);
            if (!strcmp(name, "not"))
                neg = 1, not_at = t;
            if (!strcmp(name, "good") || !strcmp(name, "great"))
                pos = 1, word_at = t;
            if (!strcmp(name, "bad") || !strcmp(name, "awful"))
                pos = 0, word_at = t;
            if (t == 19)
                assert_string_equal(name, ".");
        }
        assert_true(pos >= 0);
        assert_true(word_at >= 14 && word_at <= 18); /* the last quarter, before the full stop */
        if (neg)
            assert_true(not_at < 5); /* the first quarter */
        assert_int_equal(f.b.label[b], pos ^ neg);
        negated += neg;
    }
    assert_true(fabs(negated - 1000.0) < 5 * sqrt(3000 * 2.0 / 9));
    drop(&f);
}

static void test_echo_targets_are_the_symbol_lag_steps_back(void **s)
{
    (void)s;
    const char *const settings[] = {"task=echo", "seq_len=12", "lag=4", "batch=8", NULL};
    Fixture f;
    make(&f, settings);
    task_sample(&f.task, &f.b, &f.rng);
    int S = f.cfg.symbols;
    for (int i = 0; i < 8; i++)
        for (int t = 0; t < 12; t++) {
            int hot = argmax_row(f.b.x + ((size_t)t * 8 + i) * S, S);
            if (t + 4 < 12)
                assert_int_equal(f.b.label[(size_t)(t + 4) * 8 + i], hot);
            if (t < 4)
                assert_int_equal(f.b.label[(size_t)t * 8 + i], S); /* 'nothing yet' */
        }
    drop(&f);
}

static void test_echo_baseline_is_the_cross_entropy_of_the_label_marginal(void **s)
{
    (void)s;
    const char *const settings[] = {"task=echo", "seq_len=10", "lag=3", "batch=2000", NULL};
    Fixture f;
    make(&f, settings);
    task_sample(&f.task, &f.b, &f.rng);
    size_t n = 10 * 2000;
    int *key = calloc(n, sizeof(int));
    for (size_t p = 0; p < n; p++) /* the input is independent of the label: key on it */
        key[p] = argmax_row(f.b.x + p * f.b.I, f.b.I);
    double h = conditional_entropy(key, f.b.label, n, f.b.I, f.b.O);
    assert_true(fabs(h - task_baseline(&f.task)) < 0.01);
    assert_true(fabs(task_baseline(&f.task) - (-(0.3 * log(0.3) + 0.7 * log(0.7 / 4)))) < 1e-15);
    free(key);
    drop(&f);
}

static void test_sine_targets_are_the_next_input_and_the_linear_forecast_is_just_above_the_baseline(void **s)
{
    (void)s;
    const char *const settings[] = {"task=sine", "seq_len=40", "batch=2000", NULL};
    Fixture f;
    make(&f, settings);
    task_sample(&f.task, &f.b, &f.rng);
    int T = 40, B = 2000;
    double sxx = 0, sxy = 0;
    for (int t = 0; t + 1 < T; t++)
        for (int b = 0; b < B; b++)
            assert_true(f.b.y[(size_t)t * B + b] == f.b.x[(size_t)(t + 1) * B + b]);
    for (size_t p = 0; p < (size_t)T * B; p++) {
        sxx += f.b.x[p] * f.b.x[p];
        sxy += f.b.x[p] * f.b.y[p];
    }
    double a = sxy / sxx, se = 0;
    for (size_t p = 0; p < (size_t)T * B; p++)
        se += pow(f.b.y[p] - a * f.b.x[p], 2);
    double mse = se / ((double)T * B);
    if (!(fabs(mse - task_baseline(&f.task)) < 0.03 * task_baseline(&f.task)))
        fail_msg("measured %.5f, stated %.5f", mse, task_baseline(&f.task));
    /* the best linear forecast's closed form, Var - Cov^2/Var, is 0.24% above the best */
    double lin = 0.1925 - pow(0.125 * cos(2 * M_PI / 7) + 0.045 * cos(2 * M_PI / 13) + 0.02 * cos(2 * M_PI / 29), 2) / 0.1925;
    assert_true(task_baseline(&f.task) < lin && task_baseline(&f.task) > 0.997 * lin);
    drop(&f);
}

static void test_copy_recalls_the_first_ten_symbols_after_the_delimiter(void **s)
{
    (void)s;
    const char *const settings[] = {"task=copy", "seq_len=7", "batch=500", NULL};
    Fixture f;
    make(&f, settings);
    task_sample(&f.task, &f.b, &f.rng);
    int T = f.b.T, B = 500, I = f.b.I;
    assert_int_equal(T, 27);
    double loss = 0; /* with a clock: blanks until the recall, then uniform over 8 */
    for (int b = 0; b < B; b++)
        for (int t = 0; t < T; t++) {
            int in = argmax_row(f.b.x + ((size_t)t * B + b) * I, I);
            int64_t out = f.b.label[(size_t)t * B + b];
            if (t < 10)
                assert_true(in >= 1 && in <= 8);
            else if (t == 16)
                assert_int_equal(in, 9);
            else
                assert_int_equal(in, 0);
            if (t < 17) {
                assert_int_equal(out, 0);
            } else {
                assert_int_equal(out, argmax_row(f.b.x + ((size_t)(t - 17) * B + b) * I, I));
                loss += log(8.0);
            }
        }
    loss /= (double)T * B;
    const char *name;
    assert_true(fabs(loss - task_reference(&f.cfg, &name)) < 1e-12);
    assert_string_equal(name, "Arjovsky's clock baseline");
    assert_true(fabs(task_reference(&f.cfg, &name) - 10 * log(8.0) / 27) < 1e-15);
    /* without it, 16 blank inputs, 10 of them recalls */
    double q = 10.0 / 16;
    assert_true(fabs(task_baseline(&f.task) - 16.0 / 27 * (-(1 - q) * log(1 - q) - q * log(q / 8))) < 1e-15);
    drop(&f);
}

static void test_reverse_targets_are_the_input_backwards_with_teacher_forcing(void **s)
{
    (void)s;
    const char *const settings[] = {"task=reverse", "seq_len=6", "batch=1000", NULL};
    Fixture f;
    make(&f, settings);
    task_sample(&f.task, &f.b, &f.rng);
    int B = 1000, S = f.cfg.symbols, Id = f.b.Id;
    assert_int_equal(f.b.Td, 6);
    assert_int_equal(Id, S + 1);
    int *key = calloc((size_t)6 * B, sizeof(int));
    for (int b = 0; b < B; b++)
        for (int s2 = 0; s2 < 6; s2++) {
            int64_t y = f.b.label[(size_t)s2 * B + b];
            assert_int_equal(y, argmax_row(f.b.x + ((size_t)(5 - s2) * B + b) * S, S));
            int fed = argmax_row(f.b.xd + ((size_t)s2 * B + b) * Id, Id);
            assert_int_equal(fed, s2 == 0 ? S : f.b.label[(size_t)(s2 - 1) * B + b]);
            key[s2 * B + b] = fed; /* a decoder without memory sees only what it is fed */
        }
    double h = conditional_entropy(key, f.b.label, (size_t)6 * B, Id, S);
    assert_true(fabs(h - task_baseline(&f.task)) < 0.02);
    free(key);
    drop(&f);
}

static void test_charlm_corpus_baseline_is_its_bigram_entropy(void **s)
{
    (void)s;
    const char *const settings[] = {"task=charlm", "seq_len=16", "batch=2000", NULL};
    Fixture f;
    make(&f, settings);
    assert_true(f.task.n_vocab > 10 && f.task.n_vocab < 40);
    task_sample(&f.task, &f.b, &f.rng);
    size_t n = 16 * 2000;
    int V = f.b.I;
    int *key = calloc(n, sizeof(int));
    for (size_t p = 0; p < n; p++)
        key[p] = argmax_row(f.b.x + p * V, V);
    for (int t = 0; t + 1 < 16; t++) /* the target is the next input */
        for (int b = 0; b < 2000; b++)
            assert_int_equal(f.b.label[(size_t)t * 2000 + b], key[(size_t)(t + 1) * 2000 + b]);
    double h = conditional_entropy(key, f.b.label, n, V, V);
    if (!(fabs(h - task_baseline(&f.task)) < 0.03))
        fail_msg("measured %.4f, stated %.4f", h, task_baseline(&f.task));
    free(key);
    drop(&f);
}

static void expect_text_error(const char *dir, const char *name, const void *bytes, size_t n,
                              const char *needle)
{
    char path[600], set[700], err[CONFIG_ERR_LEN];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (bytes) {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(bytes, 1, n, f), n);
        fclose(f);
    }
    Config cfg;
    config_default(&cfg);
    assert_int_equal(config_set(&cfg, "task=charlm", err, sizeof err), 0);
    snprintf(set, sizeof set, "text=%s", path);
    assert_int_equal(config_set(&cfg, set, err, sizeof err), 0);
    assert_int_equal(config_resolve(&cfg, err, sizeof err), 0);
    Task t;
    err[0] = '\0';
    assert_int_equal(task_create(&t, &cfg, err, sizeof err), -1);
    if (!strstr(err, needle) || !strstr(err, path))
        fail_msg("%s: message '%s' should name the file and say '%s'", name, err, needle);
}

static void test_charlm_rejects_bad_text_files_with_a_message(void **s)
{
    (void)s;
    char dir[512];
    check_mkdtemp(dir, sizeof dir);
    expect_text_error(dir, "missing.txt", NULL, 0, "cannot open");
    expect_text_error(dir, "empty.txt", "", 0, "empty");
    const unsigned char binary[] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    expect_text_error(dir, "binary.bin", binary, sizeof binary, "binary");
    expect_text_error(dir, "one.txt", "a", 1, "has 1 character");
    const unsigned char latin1[] = {'c', 'a', 'f', 0xe9, ' ', 'n', 'o', 'i', 'r'};
    expect_text_error(dir, "latin1.txt", latin1, sizeof latin1, "UTF-8");
    check_rmdir(dir);
}

/* One message per file-read failure (fileio.c's file_read_error): charlm's text= says what
 * npy_read says about the same path, behind the key that named it. */
static void test_charlm_and_npy_word_a_file_read_failure_alike(void **s)
{
    (void)s;
    char dir[512], missing[600];
    check_mkdtemp(dir, sizeof dir);
    snprintf(missing, sizeof missing, "%s/missing.txt", dir);
    const char *const paths[] = {dir, missing}; /* a directory cannot be read; a missing file opened */
    for (int i = 0; i < 2; i++) {
        char set[700], err[CONFIG_ERR_LEN] = "", npy_err[CONFIG_ERR_LEN] = "", want[CONFIG_ERR_LEN + 8];
        NpyArray a;
        assert_int_equal(npy_read(paths[i], &a, npy_err, sizeof npy_err), -1);
        Config cfg;
        config_default(&cfg);
        assert_int_equal(config_set(&cfg, "task=charlm", err, sizeof err), 0);
        snprintf(set, sizeof set, "text=%s", paths[i]);
        assert_int_equal(config_set(&cfg, set, err, sizeof err), 0);
        assert_int_equal(config_resolve(&cfg, err, sizeof err), 0);
        Task t;
        assert_int_equal(task_create(&t, &cfg, err, sizeof err), -1);
        snprintf(want, sizeof want, "text=%s", npy_err);
        assert_string_equal(err, want);
    }
    check_rmdir(dir);
}

static void test_charlm_reads_utf8_text(void **s)
{
    (void)s;
    char dir[512], path[600], set[700], err[CONFIG_ERR_LEN];
    check_mkdtemp(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/t.txt", dir);
    FILE *f = fopen(path, "w");
    for (int i = 0; i < 20; i++)
        fputs("naïve café, über — ", f);
    fclose(f);
    Config cfg;
    config_default(&cfg);
    assert_int_equal(config_set(&cfg, "task=charlm", err, sizeof err), 0);
    assert_int_equal(config_set(&cfg, "seq_len=10", err, sizeof err), 0);
    snprintf(set, sizeof set, "text=%s", path);
    assert_int_equal(config_set(&cfg, set, err, sizeof err), 0);
    assert_int_equal(config_resolve(&cfg, err, sizeof err), 0);
    Task t;
    if (task_create(&t, &cfg, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(t.corpus_len, 20 * 19); /* characters, not bytes */
    char name[8];
    int found = 0;
    for (int k = 0; k < t.n_vocab; k++) {
        task_symbol_name(&t, k, 0, name, sizeof name);
        found += !strcmp(name, "ï") + !strcmp(name, "é") + !strcmp(name, "—");
    }
    assert_int_equal(found, 3);
    task_destroy(&t);
    check_rmdir(dir);
}

static void test_metrics_count_right_answers(void **s)
{
    (void)s;
    const char *const adding[] = {"task=adding", "seq_len=6", "batch=4", NULL};
    Fixture f;
    make(&f, adding);
    task_sample(&f.task, &f.b, &f.rng);
    double out[4];
    for (int i = 0; i < 4; i++)
        out[i] = f.b.y[i] + (i < 3 ? 0.039 : 0.041); /* within 0.04 counts */
    assert_true(task_metric(&f.task, &f.b, out) == 0.75);
    drop(&f);

    const char *const echo[] = {"task=echo", "seq_len=5", "batch=2", NULL};
    make(&f, echo);
    task_sample(&f.task, &f.b, &f.rng);
    int O = f.b.O;
    double *logits = calloc(10 * (size_t)O, sizeof(double));
    for (int p = 0; p < 10; p++) /* right on the first 7 positions */
        logits[p * O + (p < 7 ? f.b.label[p] : (f.b.label[p] + 1) % O)] = 1.0;
    assert_true(fabs(task_metric(&f.task, &f.b, logits) - 0.7) < 1e-15);
    free(logits);
    drop(&f);

    /* copy counts only the ten recalled symbols: all blanks right, recall wrong = 0 */
    const char *const copy[] = {"task=copy", "seq_len=3", "batch=2", NULL};
    make(&f, copy);
    task_sample(&f.task, &f.b, &f.rng);
    size_t P = (size_t)f.b.T * 2;
    logits = calloc(P * f.b.O, sizeof(double));
    for (size_t p = 0; p < P; p++)
        logits[p * f.b.O + 0] = 1.0; /* always blank */
    assert_true(task_metric(&f.task, &f.b, logits) == 0.0);
    free(logits);
    drop(&f);
}

/* ---- the memoryless baseline, estimated from samples, for every row ---- */

/* A predictor without memory answers each target from the input of the step that emits
 * it: x_{T-1} for one-to-one and many-to-one (whose single answer also fixes the step),
 * x_t for one-to-many and many-to-many, the decoder's input for seq2seq. The estimate
 * groups the targets by that input (and, with a clock, by the step) and scores the best
 * constant per group on the samples themselves: the empirical conditional entropy for
 * xent, the mean within-group squared deviation for mse. Every input value is binned to
 * 1/ESTIMATE_BIN: exact for one-hot and 0/1 inputs, and for the continuous ones (adding's
 * values, sine's signal) fine enough that the best predictor varies by under 1e-5 of the
 * loss inside a bin (|dm/dx| <= 1, so a bin adds at most (1/128)^2/12), while each bin
 * still holds more than a hundred samples (the bias of scoring in-sample, 1/n of a
 * group's share, stays below 1e-4). The groups are runs of equal 128-bit hashes of the
 * binned input, after sorting. */
#define ESTIMATE_SEQUENCES 4096
#define ESTIMATE_MIN_TARGETS (1 << 19) /* many-to-one tasks draw 128 batches of 4096 */
#define ESTIMATE_BIN 128.0

typedef struct {
    uint64_t h1, h2;
    size_t at; /* the target's index over every round */
} Keyed;

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int keyed_cmp(const void *a, const void *b)
{
    const Keyed *x = a, *y = b;
    if (x->h1 != y->h1)
        return x->h1 < y->h1 ? -1 : 1;
    if (x->h2 != y->h2)
        return x->h2 < y->h2 ? -1 : 1;
    return 0;
}

/* The best memoryless loss measured on samples of the task `settings` build, seeded with
 * seed; with_clock adds the step to what the predictor sees. *targets gets how many
 * targets it scored. */
static double estimate_memoryless_loss(const char *const *settings, uint64_t seed, int with_clock, size_t *targets)
{
    Fixture f;
    make(&f, settings);
    rng_seed(&f.rng, seed, 7);
    const Batch *bt = &f.b;
    assert_int_equal(bt->B, ESTIMATE_SEQUENCES);
    int B = bt->B, O = bt->O, mse = bt->loss == LOSS_MSE;
    int steps = bt->shape == SHAPE_SEQ2SEQ ? bt->Td
              : (bt->shape == SHAPE_ONE_TO_ONE || bt->shape == SHAPE_MANY_TO_ONE) ? 1 : bt->T;
    size_t per = (size_t)steps * B, rounds = (ESTIMATE_MIN_TARGETS + per - 1) / per, n = rounds * per;
    Keyed *key = malloc(n * sizeof *key);
    int64_t *label = mse ? NULL : malloc(n * sizeof *label);
    double *y = mse ? malloc(n * (size_t)O * sizeof *y) : NULL;
    assert_true(key && (label || y));
    for (size_t r = 0; r < rounds; r++) {
        task_sample(&f.task, &f.b, &f.rng);
        for (int t = 0; t < steps; t++)
            for (int b = 0; b < B; b++) {
                size_t p = (size_t)t * B + b, at = r * per + p;
                const double *x;
                int I, step = t;
                if (bt->shape == SHAPE_SEQ2SEQ)
                    x = bt->xd + p * bt->Id, I = bt->Id;
                else if (steps == 1)
                    x = bt->x + ((size_t)(bt->T - 1) * B + b) * bt->I, I = bt->I, step = bt->T - 1;
                else
                    x = bt->x + p * bt->I, I = bt->I;
                uint64_t h1 = 0x9e3779b97f4a7c15ULL, h2 = 0x243f6a8885a308d3ULL;
                for (int i = 0; i < I; i++) {
                    uint64_t q = (uint64_t)llround(x[i] * ESTIMATE_BIN);
                    h1 = mix64(h1 ^ q ^ ((uint64_t)i << 40));
                    h2 = mix64(h2 + q * 0x9e3779b97f4a7c15ULL + (uint64_t)i);
                }
                if (with_clock)
                    h1 = mix64(h1 ^ ((uint64_t)step << 48)), h2 = mix64(h2 + (uint64_t)step);
                key[at] = (Keyed){h1, h2, at};
                if (mse)
                    for (int o = 0; o < O; o++)
                        y[at * O + o] = bt->y[p * O + o];
                else
                    label[at] = bt->label[p];
            }
    }
    qsort(key, n, sizeof *key, keyed_cmp);
    double loss = 0;
    double *count = calloc((size_t)O, sizeof(double));
    for (size_t g = 0, end; g < n; g = end) {
        for (end = g + 1; end < n && keyed_cmp(&key[end], &key[g]) == 0;)
            end++;
        double ng = (double)(end - g);
        if (mse) {
            for (int o = 0; o < O; o++) {
                double mean = 0, ss = 0;
                for (size_t i = g; i < end; i++)
                    mean += y[key[i].at * O + o];
                mean /= ng;
                for (size_t i = g; i < end; i++)
                    ss += (y[key[i].at * O + o] - mean) * (y[key[i].at * O + o] - mean);
                loss += ss;
            }
        } else {
            for (size_t i = g; i < end; i++)
                count[label[key[i].at]] += 1;
            for (int c = 0; c < O; c++)
                if (count[c] > 0)
                    loss -= count[c] * log(count[c] / ng), count[c] = 0;
        }
    }
    free(count);
    free(y);
    free(label);
    free(key);
    drop(&f);
    *targets = n;
    return loss / (double)n / (mse ? O : 1);
}

/* A row's settings: its defaults, or its shortest sequence (lag 1 where it reads lag=),
 * or one more length; batch 4096. */
static void baseline_settings(char (*buf)[48], const char **settings, const TaskKindInfo *ki, int seq_len, int lag)
{
    int n = 0;
    snprintf(buf[n], 48, "task=%s", ki->name), settings[n] = buf[n], n++;
    snprintf(buf[n], 48, "batch=%d", ESTIMATE_SEQUENCES), settings[n] = buf[n], n++;
    if (seq_len)
        snprintf(buf[n], 48, "seq_len=%d", seq_len), settings[n] = buf[n], n++;
    if (lag && ki->uses_lag)
        snprintf(buf[n], 48, "lag=%d", lag), settings[n] = buf[n], n++;
    settings[n] = NULL;
}

/* Within 1% of the stated value (exactly 0 where it says 0): returns 1, or prints the
 * miss and returns 0. */
static int expect_baseline(const char *const *settings, double stated, int with_clock, const char *what)
{
    size_t n;
    double est = estimate_memoryless_loss(settings, 21, with_clock, &n);
    int ok = fabs(est - stated) <= 0.01 * stated + 1e-12;
    print_message("%s%-14s %-12s %-26s stated %.5f estimated %.5f (%zu targets)\n", ok ? "" : "WRONG: ",
                  settings[0], settings[2] ? settings[2] : "(defaults)", what, stated, est, n);
    return ok;
}

static double built_baseline(const char *const *settings)
{
    Fixture f;
    make(&f, settings);
    double b = task_baseline(&f.task);
    drop(&f);
    return b;
}

/* Every row, at its defaults, at its shortest sequence and at a longer one: the stated
 * baseline is what the best memoryless predictor scores on 4096 sequences (more batches
 * for a many-to-one task, whose sequence holds one target), within 1%. A row's second
 * reference, where it has one, is what the same predictor with a clock scores (copy:
 * Arjovsky's figure), or chance level (xor: the best constant). */
static void test_every_baseline_is_what_the_best_memoryless_predictor_scores(void **s)
{
    (void)s;
    int wrong = 0;
    for (int k = 0; k < task_kind_count(); k++) {
        const TaskKindInfo *ki = task_kind_info(k);
        const int lens[3] = {0, ki->min_seq_len, ki->default_seq_len * 3 / 2};
        for (int j = 0; j < 3; j++) {
            if (j > 0 && (lens[j] == ki->default_seq_len || lens[j] > ki->max_seq_len))
                continue;
            char buf[4][48];
            const char *settings[5];
            baseline_settings(buf, settings, ki, lens[j], j == 1 ? 1 : 0);
            wrong += !expect_baseline(settings, built_baseline(settings), 0, "memoryless baseline");
            Fixture f;
            make(&f, settings);
            const char *name;
            double ref = task_reference(&f.cfg, &name);
            drop(&f);
            assert_int_equal(!ki->reference, isnan(ref));
            if (ki->reference && ki->shape == SHAPE_MANY_TO_MANY)
                wrong += !expect_baseline(settings, ref, 1, name);
        }
    }
    if (wrong)
        fail_msg("%d stated values are more than 1%% from the estimate (WRONG above)", wrong);
}

/* The estimate tells the old baselines from the right ones: copy's clock figure, xor's
 * chance level and adding's 1/6 are each more than 1% away from what a memoryless
 * predictor scores, so the test above fails on them. */
static void test_the_estimate_rejects_the_old_copy_xor_adding_baselines(void **s)
{
    (void)s;
    const char *const copy[] = {"task=copy", "batch=4096", NULL};
    const char *const xor[] = {"task=xor", "batch=4096", NULL};
    const char *const adding[] = {"task=adding", "batch=4096", NULL};
    const char *const adding10[] = {"task=adding", "batch=4096", "seq_len=10", NULL};
    const struct {
        const char *const *settings;
        double old;
    } cases[] = {{copy, 10 * log(8.0) / 25}, {xor, log(2.0)}, {adding, 1.0 / 6}, {adding10, 1.0 / 6}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n;
        double est = estimate_memoryless_loss(cases[i].settings, 21, 0, &n);
        if (!(fabs(est - cases[i].old) > 0.01 * cases[i].old))
            fail_msg("%s: estimated %.5f is within 1%% of the old %.5f", cases[i].settings[0], est, cases[i].old);
    }
}

/* ---- the table: every row complete, so a task appended to it cannot be left out ---- */

static void test_every_row_has_every_function_and_a_name_config_reads_back(void **s)
{
    (void)s;
    int n = task_kind_count();
    assert_true(n >= 11 && n <= TASK_MAX_KINDS);
    for (int k = 0; k < n; k++) {
        const TaskKindInfo *ki = task_kind_info(k);
        assert_non_null(ki->name);
        if (!ki->sizes || !ki->sample || !ki->baseline || !ki->metric || !ki->symbol_name)
            fail_msg("task %s: a required function is missing", ki->name);
        if (!ki->create != !ki->destroy)
            fail_msg("task %s: create and destroy come as a pair", ki->name);
        /* The name is the config word for this row, both ways. */
        assert_int_equal(task_find(ki->name), k);
        assert_string_equal(config_task_name(k), ki->name);
        char pair[64], err[CONFIG_ERR_LEN], line[2048];
        Config c;
        config_default(&c);
        snprintf(pair, sizeof pair, "task=%s", ki->name);
        if (config_set(&c, pair, err, sizeof err) != 0)
            fail_msg("%s: %s", pair, err);
        assert_int_equal(c.task, k);
        assert_int_equal(config_resolve(&c, err, sizeof err), 0);
        Config back;
        config_default(&back);
        config_format_line(&c, line, sizeof line);
        assert_int_equal(config_parse_line(&back, line, err, sizeof err), 0);
        assert_int_equal(back.task, k);
    }
    assert_int_equal(task_find("no-such-task"), -1);
    assert_int_equal(task_find(""), -1);
}

/* --help lists every task name, and names the tasks that use lag=, symbols= and text=. */
static void test_help_lists_every_task_and_names_the_users_of_lag_symbols_text(void **s)
{
    (void)s;
    FILE *f = tmpfile();
    assert_non_null(f);
    config_print_keys(f);
    size_t hn = (size_t)ftell(f);
    char *help = calloc(hn + 1, 1);
    rewind(f);
    assert_int_equal(fread(help, 1, hn, f), hn);
    fclose(f);
    for (int k = 0; k < task_kind_count(); k++) {
        const TaskKindInfo *ki = task_kind_info(k);
        const char *keys[4] = {"task", "lag", "symbols", "text"};
        const int uses[4] = {1, ki->uses_lag, ki->uses_symbols, ki->uses_text};
        for (int j = 0; j < 4; j++) {
            char start[32];
            snprintf(start, sizeof start, "\n  %s ", keys[j]);
            const char *at = strstr(help, start), *end = at ? strchr(at + 1, '\n') : NULL;
            assert_non_null(end);
            char *help_line = strndup(at + 1, (size_t)(end - at - 1));
            if (uses[j] && !strstr(help_line, ki->name))
                fail_msg("--help: the %s= line does not name %s: %s", keys[j], ki->name, help_line);
            free(help_line);
        }
    }
    free(help);
}

/* What `rnnlab tasks` and the window read from a row is there for every row, and each flag
 * agrees with what the task does. */
static void test_every_row_says_what_it_is_and_its_flags_hold(void **s)
{
    (void)s;
    for (int k = 0; k < task_kind_count(); k++) {
        const TaskKindInfo *ki = task_kind_info(k);
        const char *name = ki->name;
        assert_true(ki->sentence && ki->sentence[0] && ki->shape_sentence && ki->shape_sentence[0]);
        assert_true(ki->metric_name && ki->metric_name[0]);
        assert_true(ki->min_seq_len >= 1 && ki->min_seq_len <= ki->default_seq_len);
        assert_true(ki->default_seq_len <= ki->max_seq_len && ki->max_seq_len <= CONFIG_SEQ_MAX);
        assert_true(ki->max_seq_len <= TASK_MAX_T);
        assert_true(ki->default_hidden >= 1 && ki->default_hidden <= 256);
        if (!ki->uses_lag != !ki->default_lag || !ki->uses_symbols != !ki->default_symbols)
            fail_msg("task %s: a default lag or symbols goes with using the key", name);
        assert_true(!ki->generates_text || ki->uses_text);

        /* Built at its defaults: sizes, a finite baseline, names for every symbol. */
        char set[64];
        snprintf(set, sizeof set, "task=%s", name);
        const char *const settings[] = {set, "batch=16", NULL};
        Fixture fx;
        make(&fx, settings);
        const Batch *bt = &fx.b;
        assert_true(isfinite(task_baseline(&fx.task)) && task_baseline(&fx.task) >= 0);
        char sym[64];
        for (int out = 0; out < 2; out++)
            for (int j = 0; j < (out ? bt->O : bt->I); j++) {
                sym[0] = '\0';
                task_symbol_name(&fx.task, j, out, sym, sizeof sym);
                if (!sym[0])
                    fail_msg("task %s: %s symbol %d has no name", name, out ? "output" : "input", j);
            }
        task_sample(&fx.task, &fx.b, &fx.rng);

        /* input_is_one_hot: every input row is one-hot; otherwise some row is not. */
        int all_one_hot = 1;
        for (size_t r = 0; r < (size_t)bt->T * bt->B; r++) {
            int ones = 0, zeros = 0;
            for (int i = 0; i < bt->I; i++) {
                ones += bt->x[r * bt->I + i] == 1.0;
                zeros += bt->x[r * bt->I + i] == 0.0;
            }
            all_one_hot &= ones == 1 && zeros == bt->I - 1;
        }
        if (all_one_hot != ki->input_is_one_hot)
            fail_msg("task %s: input_is_one_hot=%d, but the inputs say %d", name, ki->input_is_one_hot, all_one_hot);

        /* metric_is_error: perfect predictions score 0 on an error, 1 on an accuracy. */
        size_t O = (size_t)bt->O;
        size_t P = bt->shape == SHAPE_SEQ2SEQ ? (size_t)bt->Td * bt->B
          : (bt->shape == SHAPE_ONE_TO_ONE || bt->shape == SHAPE_MANY_TO_ONE) ? (size_t)bt->B
          : (size_t)bt->T * bt->B;
        double *perfect = calloc(P * O, sizeof(double));
        for (size_t p = 0; p < P; p++)
            for (size_t o = 0; o < O; o++)
                perfect[p * O + o] = bt->loss == LOSS_MSE ? bt->y[p * O + o] : (double)(bt->label[p] == (int64_t)o);
        double m = task_metric(&fx.task, bt, perfect);
        if (m != (ki->metric_is_error ? 0.0 : 1.0))
            fail_msg("task %s: perfect predictions score %g, metric_is_error=%d", name, m, ki->metric_is_error);
        free(perfect);

        /* describe_input: a task's own form of an input, where it has one. */
        char text[256] = "";
        int described = task_describe_input(&fx.task, bt, 0, text, sizeof text);
        assert_int_equal(described, ki->describe_input != NULL);
        assert_int_equal(described, text[0] != '\0');
        drop(&fx);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_row_has_every_function_and_a_name_config_reads_back),
        cmocka_unit_test(test_help_lists_every_task_and_names_the_users_of_lag_symbols_text),
        cmocka_unit_test(test_every_row_says_what_it_is_and_its_flags_hold),
        cmocka_unit_test(test_every_task_is_deterministic_and_sized_as_it_says),
        cmocka_unit_test(test_xor_is_balanced_and_right),
        cmocka_unit_test(test_wave_baseline_is_what_the_memoryless_predictor_scores),
        cmocka_unit_test(test_adding_marks_one_value_in_each_half_and_has_mean_1_variance_one_sixth),
        cmocka_unit_test(test_parity_order_sentiment_baselines_and_balance),
        cmocka_unit_test(test_parity_is_the_xor_of_the_bits),
        cmocka_unit_test(test_order_hides_two_relevant_symbols_and_labels_their_order),
        cmocka_unit_test(test_sentiment_negation_flips_the_late_word),
        cmocka_unit_test(test_echo_targets_are_the_symbol_lag_steps_back),
        cmocka_unit_test(test_echo_baseline_is_the_cross_entropy_of_the_label_marginal),
        cmocka_unit_test(test_sine_targets_are_the_next_input_and_the_linear_forecast_is_just_above_the_baseline),
        cmocka_unit_test(test_copy_recalls_the_first_ten_symbols_after_the_delimiter),
        cmocka_unit_test(test_reverse_targets_are_the_input_backwards_with_teacher_forcing),
        cmocka_unit_test(test_charlm_corpus_baseline_is_its_bigram_entropy),
        cmocka_unit_test(test_charlm_rejects_bad_text_files_with_a_message),
        cmocka_unit_test(test_charlm_and_npy_word_a_file_read_failure_alike),
        cmocka_unit_test(test_charlm_reads_utf8_text),
        cmocka_unit_test(test_metrics_count_right_answers),
        cmocka_unit_test(test_every_baseline_is_what_the_best_memoryless_predictor_scores),
        cmocka_unit_test(test_the_estimate_rejects_the_old_copy_xor_adding_baselines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
