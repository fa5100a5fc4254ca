/* test_seeds.c: seeds=K trains K runs that are, bit for bit, the runs of seeds seed ..
 * seed+K-1 trained alone; the first is the seeds=1 run itself; the spread is their least,
 * median and largest value; a cancelled step undoes all of them; snapshots and saved runs
 * carry the copies. */
#include "check.h"

#include "trainer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void create(Trainer *tr, const char *line, uint64_t seed, int seeds)
{
    Config cfg;
    char err[CONFIG_ERR_LEN];
    config_default(&cfg);
    if (config_parse_line(&cfg, line, err, sizeof err) != 0)
        fail_msg("%s", err);
    cfg.seed = seed;
    cfg.seeds = seeds;
    if (trainer_create(tr, &cfg, err, sizeof err) != 0)
        fail_msg("%s", err);
}

enum { STEPS = 12, K = 3 };
static const char *const LINES[] = {"model=rnn; task=echo; seq_len=8; hidden=6; batch=4",
                                    "model=lstm; task=adding; seq_len=10; hidden=5; batch=3",
                                    "model=gru; task=reverse; seq_len=4; hidden=6; batch=2"};

static void test_each_copy_is_the_run_of_its_seed_alone(void **s)
{
    (void)s;
    for (size_t c = 0; c < sizeof LINES / sizeof *LINES; c++) {
        Trainer group;
        create(&group, LINES[c], 5, K);
        assert_int_equal(group.n_copies, K - 1);
        assert_int_equal(group.hist.K, K);
        for (int i = 0; i < STEPS; i++)
            assert_int_equal(trainer_step(&group), 0);
        for (int r = 0; r < K; r++) {
            Trainer alone;
            create(&alone, LINES[c], 5 + (uint64_t)r, 1);
            for (int i = 0; i < STEPS; i++) {
                assert_int_equal(trainer_step(&alone), 0);
                int k = history_index(&group.hist, i);
                double v[SEED_VALUES] = {alone.obs.loss, alone.obs.metric,
                                         alone.obs.dh_norm[0] / alone.obs.dh_norm[alone.T - 1]};
                for (int q = 0; q < SEED_VALUES; q++)
                    if (memcmp(&v[q], &group.hist.seeds[((size_t)k * K + r) * SEED_VALUES + q], sizeof(double)))
                        fail_msg("%s: run %d value %d at step %d: %.17g alone, %.17g in the group", LINES[c], r, q, i,
                                 v[q], history_seed_value(&group.hist, k, r, q));
            }
            if (r == 0) /* the run itself: its weights and history as with seeds=1 */
                assert_memory_equal(alone.block, group.block, 4 * alone.n_params * sizeof(double));
            else
                assert_memory_equal(alone.block, group.copies[r - 1].block, 4 * alone.n_params * sizeof(double));
            trainer_destroy(&alone);
        }
        trainer_destroy(&group);
    }
}

static void test_the_spread_is_least_median_largest_of_the_finite(void **s)
{
    (void)s;
    History h;
    assert_int_equal(history_create(&h, 4, 2, 1, 1, 4), 0);
    double vals[4] = {3, NAN, 1, 2};
    for (int r = 0; r < 4; r++)
        h.seeds[(size_t)r * SEED_VALUES + SEED_LOSS] = vals[r];
    double lo, med, hi;
    assert_int_equal(history_seed_spread(&h, 0, SEED_LOSS, &lo, &med, &hi), 3);
    assert_true(lo == 1 && med == 2 && hi == 3);
    h.seeds[1 * SEED_VALUES + SEED_LOSS] = 10; /* an even count: the mean of the middle two */
    assert_int_equal(history_seed_spread(&h, 0, SEED_LOSS, &lo, &med, &hi), 4);
    assert_true(lo == 1 && med == 2.5 && hi == 10);
    history_destroy(&h);
}

/* A cancel that comes after the copies stepped, during the run's own step: every copy is
 * put back, so the next step is the one that would have come. */
static void test_a_cancelled_step_undoes_every_copy(void **s)
{
    (void)s;
    Trainer a, b;
    create(&a, LINES[0], 2, K);
    create(&b, LINES[0], 2, K);
    for (int i = 0; i < 3; i++)
        assert_int_equal(trainer_step(&a), 0), assert_int_equal(trainer_step(&b), 0);
    size_t n = trainer_state_bytes(&a);
    unsigned char *before = malloc(n), *after = malloc(n);
    assert_non_null(before && after);
    trainer_state_save(&a, before);
    atomic_int flag = 1;
    trainer_set_cancel(&a, &flag);
    for (int i = 0; i < a.n_copies; i++) /* the copies finish; the run itself stops */
        trainer_set_cancel(&a.copies[i], NULL);
    long count = a.hist.count;
    assert_int_equal(trainer_step(&a), TRAIN_CANCELLED);
    trainer_state_save(&a, after);
    for (size_t i = 0; i < n; i++)
        if (before[i] != after[i])
            fail_msg("byte %zu of %zu differs after the cancelled step (run alone: %zu bytes)", i, n,
                     trainer_state_bytes(&a.copies[0]));
    assert_int_equal(a.hist.count, count);
    trainer_set_cancel(&a, NULL);
    for (int i = 0; i < 4; i++)
        assert_int_equal(trainer_step(&a), 0), assert_int_equal(trainer_step(&b), 0);
    trainer_state_save(&a, before);
    trainer_state_save(&b, after);
    assert_memory_equal(before, after, n);
    free(after);
    free(before);
    trainer_destroy(&b);
    trainer_destroy(&a);
}

/* A snapshot taken and put back replays the same steps, copies included. */
static void test_a_restored_state_replays_the_same_bits(void **s)
{
    (void)s;
    Trainer a;
    create(&a, LINES[1], 9, K);
    for (int i = 0; i < 4; i++)
        assert_int_equal(trainer_step(&a), 0);
    size_t n = trainer_state_bytes(&a);
    unsigned char *snap = malloc(n), *first = malloc(n), *again = malloc(n);
    assert_non_null(snap && first && again);
    trainer_state_save(&a, snap);
    for (int i = 0; i < 5; i++)
        assert_int_equal(trainer_step(&a), 0);
    trainer_state_save(&a, first);
    trainer_state_restore(&a, snap);
    assert_int_equal(a.step, 4);
    for (int i = 0; i < 5; i++)
        assert_int_equal(trainer_step(&a), 0);
    trainer_state_save(&a, again);
    assert_memory_equal(first, again, n);
    free(again);
    free(first);
    free(snap);
    trainer_destroy(&a);
}

/* --save writes each further seed into seed_N; --load reads them back and training goes
 * on as if never stopped. */
static void test_a_saved_run_keeps_its_copies(void **s)
{
    (void)s;
    char dir[] = "/tmp/rnnlab-seeds-XXXXXX", err[CONFIG_ERR_LEN];
    assert_non_null(mkdtemp(dir));
    Trainer a, b;
    create(&a, LINES[2], 4, K);
    for (int i = 0; i < 3; i++)
        assert_int_equal(trainer_step(&a), 0);
    if (trainer_save(&a, dir, err, sizeof err) != 0)
        fail_msg("%s", err);
    char probe[512];
    snprintf(probe, sizeof probe, "%s/seed_6/config.txt", dir);
    assert_int_equal(access(probe, R_OK), 0);
    create(&b, LINES[2], 4, K);
    if (trainer_load(&b, dir, err, sizeof err) != 0)
        fail_msg("%s", err);
    for (int i = 0; i < 3; i++)
        assert_int_equal(trainer_step(&a), 0), assert_int_equal(trainer_step(&b), 0);
    for (int i = 0; i < a.n_copies; i++)
        assert_memory_equal(a.copies[i].block, b.copies[i].block, 4 * a.n_params * sizeof(double));
    assert_memory_equal(a.block, b.block, 4 * a.n_params * sizeof(double));
    trainer_destroy(&b);
    trainer_destroy(&a);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_copy_is_the_run_of_its_seed_alone),
        cmocka_unit_test(test_the_spread_is_least_median_largest_of_the_finite),
        cmocka_unit_test(test_a_cancelled_step_undoes_every_copy),
        cmocka_unit_test(test_a_restored_state_replays_the_same_bits),
        cmocka_unit_test(test_a_saved_run_keeps_its_copies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
