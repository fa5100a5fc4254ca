/* view_fixture.c: see view_fixture.h. */
#include "view_fixture.h"

#include "check.h"
#include "../src/core/trainer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fixture_run_view(RunView *rv, const char *const *settings, long steps, int history)
{
    Config cfg;
    char err[CONFIG_ERR_LEN], hist[32];
    config_default(&cfg);
    snprintf(hist, sizeof hist, "history=%d", history);
    const char *base[] = {"hidden=8", "seq_len=12", "batch=4", hist};
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
    Itemised it = {0}; /* the terms view's arrays, as the session computes them */
    assert_int_equal(itemise_now(tr, &it, 1), 0);
    assert_int_equal(itemised_copy(&rv->items, &it), 0);
    itemised_free(&it);
    trainer_destroy(tr);
    memset(tr, 0xa5, sizeof *tr); /* any read through it now would show */
    free(tr);
}
