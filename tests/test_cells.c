/* test_cells.c: the cell table is consistent (names, gate counts against parameter shapes,
 * the config's model= words), and every row's one-step backward matches finite differences
 * of its forward. Whole layers through time are test_model.c's. */
#include "check.h"

#include "cells/cells.h"
#include "config.h"
#include "model.h"
#include "rng.h"
#include "task.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int count_names(const char *const *names)
{
    int n = 0;
    while (names[n])
        n++;
    return n;
}

static ModelDims dims_for(int model, int task, int hidden)
{
    Config cfg;
    char err[CONFIG_ERR_LEN];
    config_default(&cfg);
    cfg.model = model;
    cfg.task = task;
    cfg.hidden = hidden;
    if (config_resolve(&cfg, err, sizeof err) != 0)
        fail_msg("%s", err);
    Task t;
    if (task_create(&t, &cfg, err, sizeof err) != 0)
        fail_msg("%s", err);
    ModelDims d = model_dims(&cfg, &t.info);
    task_destroy(&t);
    return d;
}

static void test_every_row_is_consistent_with_its_parameter_shapes(void **s)
{
    (void)s;
    assert_true(cell_count() >= 1 && cell_count() <= CELL_MAX);
    for (int m = 0; m < cell_count(); m++) {
        const CellKind *k = cell_kind(m);
        assert_non_null(k->name);
        assert_true(k->name[0] != '\0');
        assert_non_null(k->summary);
        assert_true(strlen(k->summary) > 10 && !strchr(k->summary, '\n'));
        assert_true(k->gates >= 1);
        assert_int_equal(count_names(k->gate_names), k->gates);
        assert_int_equal(count_names(k->gate_titles), k->gates);
        for (int g = 0; g < k->gates; g++)
            for (int g2 = 0; g2 < g; g2++)
                if (strcmp(k->gate_names[g], k->gate_names[g2]) == 0)
                    fail_msg("%s: gate name %s twice", k->name, k->gate_names[g]);
        assert_true(k->tanh_gates < (1u << k->gates));
        assert_true(k->forget_gate >= -1 && k->forget_gate < k->gates);
        if (k->has_activation) /* activation= is the one gate's nonlinearity */
            assert_true(k->gates == 1 && k->tanh_gates == 0);
        assert_non_null(k->forward);
        assert_non_null(k->backward);

        /* weight_ih, weight_hh and the biases hold G blocks of H rows, for one layer and for
         * both of seq2seq's */
        const int tasks[2] = {task_find("adding"), task_find("reverse")};
        for (int t = 0; t < 2; t++) {
            ModelDims d = dims_for(m, tasks[t], 5);
            assert_ptr_equal(d.cell, k);
            assert_int_equal(d.G, k->gates);
            ParamSpec sp[MODEL_MAX_TENSORS];
            model_param_specs(sp, &d);
            for (int i = 0; i < d.n_tensors - 2; i++) {
                assert_int_equal(sp[i].shape[0], (size_t)k->gates * 5);
                if (i % 4 == 1) /* weight_hh */
                    assert_int_equal(sp[i].shape[1], 5);
            }
        }
    }
}

static void test_cell_find_round_trips_and_rejects_other_words(void **s)
{
    (void)s;
    for (int m = 0; m < cell_count(); m++) {
        assert_int_equal(cell_find(cell_kind(m)->name), m);
        assert_string_equal(config_model_name(m), cell_kind(m)->name);
    }
    assert_int_equal(cell_find("nope"), -1);
    assert_int_equal(cell_find(""), -1);
    assert_int_equal(cell_find("LSTM"), -1); /* words are exact, like every config word */
    assert_string_equal(cell_kind(CELL_DEFAULT)->name, "rnn");
    Config c;
    config_default(&c);
    assert_int_equal(c.model, CELL_DEFAULT);
}

/* model= accepts exactly the table's names, and its error and --help list them in order. */
static void test_the_model_words_are_the_tables_names(void **s)
{
    (void)s;
    char list[256] = "", pair[64], err[CONFIG_ERR_LEN];
    for (int m = 0; m < cell_count(); m++) {
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", m ? "|" : "", cell_kind(m)->name);
        Config c;
        config_default(&c);
        snprintf(pair, sizeof pair, "model=%s", cell_kind(m)->name);
        assert_int_equal(config_set(&c, pair, err, sizeof err), 0);
        assert_int_equal(c.model, m);
        char text[4096];
        config_format(&c, text, sizeof text);
        assert_non_null(strstr(text, pair));
    }
    Config c;
    config_default(&c);
    assert_int_equal(config_set(&c, "model=elman", err, sizeof err), -1);
    if (!strstr(err, list))
        fail_msg("the error '%s' does not list %s", err, list);
    FILE *f = tmpfile();
    assert_non_null(f);
    config_print_keys(f);
    rewind(f);
    char line[512];
    int found = 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "  model ", 8) == 0)
            found = strstr(line, list) != NULL;
    fclose(f);
    if (!found)
        fail_msg("--help's model line does not list %s", list);
}

/* ---- one step backward against central differences of one step forward ---- */

enum { B_ = 2, H_ = 3 };

typedef struct {
    const CellKind *k;
    Activation act;
    int G;
    double ax[B_ * 4 * H_], ah[B_ * 4 * H_], h_prev[B_ * H_], c_prev[B_ * H_];
    double wh[B_ * H_], wc[B_ * H_]; /* L = sum wh h_t + sum wc c_t */
} Step;

/* The loss of one forward step, c_probe added to c_t. */
static double step_loss(const Step *st, const double *c_probe)
{
    double gate[B_ * 4 * H_], h[B_ * H_], c[B_ * H_], tc[B_ * H_];
    memset(c, 0, sizeof c);
    st->k->forward(gate, h, c, tc, st->ax, st->ah, st->h_prev, st->c_prev, c_probe, B_, H_, st->act);
    double l = 0;
    for (int i = 0; i < B_ * H_; i++)
        l += st->wh[i] * h[i] + (st->k->has_cell_state ? st->wc[i] * c[i] : 0.0);
    return l;
}

/* Central differences of step_loss in each element of x (n of them). */
static void differences(double *fd, Step *st, double *x, size_t n)
{
    const double eps = 1e-6;
    for (size_t i = 0; i < n; i++) {
        double keep = x[i];
        x[i] = keep + eps;
        double up = step_loss(st, NULL);
        x[i] = keep - eps;
        double down = step_loss(st, NULL);
        x[i] = keep;
        fd[i] = (up - down) / (2 * eps);
    }
}

static void expect_close(const char *what, const Step *st, const double *fd, const double *an, size_t n)
{
    double e = check_rel_error(fd, an, n, 1e-300);
    if (!(e < 1e-7))
        fail_msg("%s activation=%s: %s: relative error %.3g", st->k->name,
                 config_activation_name(st->act), what, e);
}

static void check_step(const CellKind *k, Activation act, uint64_t seed)
{
    Step st;
    memset(&st, 0, sizeof st);
    st.k = k;
    st.act = act;
    st.G = k->gates;
    size_t BH = B_ * H_, BGH = BH * (size_t)st.G;
    Rng rng;
    rng_seed(&rng, seed, 1);
    for (size_t i = 0; i < BGH; i++) {
        st.ax[i] = rng_uniform_range(&rng, -1.5, 1.5);
        st.ah[i] = rng_uniform_range(&rng, -1.5, 1.5);
    }
    for (size_t i = 0; i < BH; i++) {
        st.h_prev[i] = rng_uniform_range(&rng, -1, 1);
        st.c_prev[i] = rng_uniform_range(&rng, -1, 1);
        st.wh[i] = rng_uniform_range(&rng, -1, 1);
        st.wc[i] = rng_uniform_range(&rng, -1, 1);
    }

    /* forward; a cell without a cell state leaves c and tc alone */
    const double mark = 0.25;
    double gate[B_ * 4 * H_], h[B_ * H_], c[B_ * H_], tc[B_ * H_];
    for (size_t i = 0; i < BH; i++)
        c[i] = tc[i] = mark;
    k->forward(gate, h, c, tc, st.ax, st.ah, st.h_prev, st.c_prev, NULL, B_, H_, act);
    if (!k->has_cell_state)
        for (size_t i = 0; i < BH; i++)
            assert_true(c[i] == mark && tc[i] == mark);

    /* backward twice onto marked buffers: dax and dah are written, so they hold grad; the
     * rest accumulate, so each holds mark + 2 grad */
    double dax[B_ * 4 * H_], dah[B_ * 4 * H_], dh_prev[B_ * H_], dc_prev[B_ * H_], dc[B_ * H_];
    for (size_t i = 0; i < BGH; i++)
        dax[i] = dah[i] = mark;
    for (size_t i = 0; i < BH; i++)
        dh_prev[i] = dc_prev[i] = dc[i] = mark;
    for (int twice = 0; twice < 2; twice++)
        k->backward(dax, dah, dh_prev, dc_prev, dc, st.wh, st.wc, gate, tc, st.ah, st.h_prev,
                    st.c_prev, B_, H_, act);
    double *outs[5] = {dax, dah, dh_prev, dc_prev, dc};
    size_t sizes[5] = {BGH, BGH, BH, BH, BH};
    for (int o = 2; o < 5; o++)
        for (size_t i = 0; i < sizes[o]; i++)
            outs[o][i] = (outs[o][i] - mark) / 2;

    double fd[B_ * 4 * H_];
    differences(fd, &st, st.ax, BGH);
    expect_close("dL/d ax", &st, fd, dax, BGH);
    differences(fd, &st, st.ah, BGH);
    expect_close("dL/d ah", &st, fd, dah, BGH);
    /* h_prev with ax, ah held: only the path that bypasses W_hh (zero but for the gru) */
    differences(fd, &st, st.h_prev, BH);
    expect_close("dL/d h_prev (direct)", &st, fd, dh_prev, BH);
    if (k->has_cell_state) {
        differences(fd, &st, st.c_prev, BH);
        expect_close("dL/d c_prev", &st, fd, dc_prev, BH);
        /* the total dL/dc_t, through the probe added to c_t */
        const double eps = 1e-6;
        for (size_t i = 0; i < BH; i++) {
            double probe[B_ * H_] = {0};
            probe[i] = eps;
            double up = step_loss(&st, probe);
            probe[i] = -eps;
            double down = step_loss(&st, probe);
            fd[i] = (up - down) / (2 * eps);
        }
        expect_close("dL/d c_t", &st, fd, dc, BH);
    } else {
        for (size_t i = 0; i < BH; i++)
            assert_true(dc_prev[i] == 0 && dc[i] == 0);
        /* and c_probe is ignored */
        double probe[B_ * H_];
        for (size_t i = 0; i < BH; i++)
            probe[i] = 1.0;
        assert_true(step_loss(&st, probe) == step_loss(&st, NULL));
    }
}

/* One test per row (main registers them from the table); the rnn row under every
 * activation=. */
static void test_cell_backward_matches_finite_differences(void **state)
{
    const CellKind *k = *state;
    const Activation acts[4] = {ACT_TANH, ACT_RELU, ACT_SIGMOID, ACT_LINEAR};
    for (int a = 0; a < (k->has_activation ? 4 : 1); a++)
        for (uint64_t seed = 1; seed <= 3; seed++)
            check_step(k, acts[a], seed);
}

int main(void)
{
    struct CMUnitTest tests[3 + CELL_MAX] = {
        cmocka_unit_test(test_every_row_is_consistent_with_its_parameter_shapes),
        cmocka_unit_test(test_cell_find_round_trips_and_rejects_other_words),
        cmocka_unit_test(test_the_model_words_are_the_tables_names),
    };
    static char names[CELL_MAX][64];
    size_t n = 3;
    for (int m = 0; m < cell_count(); m++) {
        snprintf(names[m], sizeof names[m], "test_%s_backward_matches_finite_differences",
                 cell_kind(m)->name);
        tests[n++] = (struct CMUnitTest){names[m], test_cell_backward_matches_finite_differences,
                                         NULL, NULL, (void *)cell_kind(m)};
    }
    return _cmocka_run_group_tests("cells", tests, n, NULL, NULL);
}
