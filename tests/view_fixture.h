/* view_fixture.h: what the views' tests share: a RunView of a small run, made by a real
 * trainer that is gone when the view is drawn (so a view can only read its RunView). */
#ifndef RNNLAB_VIEW_FIXTURE_H
#define RNNLAB_VIEW_FIXTURE_H

#include "../src/core/runview.h"

/* A run of hidden=8 seq_len=12 batch=4, keeping `history` steps, then `settings`
 * (NULL-terminated), trained `steps` steps, its spectrum and its terms (itemise_now)
 * computed; fails the test on error. */
void fixture_run_view(RunView *rv, const char *const *settings, long steps, int history);

#endif
