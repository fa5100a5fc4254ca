/* session_run.c: what the session's commands do to its runs, on the worker thread:
 * starting and restarting runs (compare mode's two together), a training step with its
 * snapshots and divergence handling, time travel, and a lesson step's settings and run.
 * Publishing and the thread itself are in session.c. */
#include "session_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

const BudgetWindow SESSION_WINDOW = {
    .view_copies = 4, /* Run.last_good and run[r] of the three SessionState buffers */
    .scrub = 1,       /* scrub_tr ... */
    .scrub_views = 3, /* ... and the buffers' scrub views */
    .snapshot_bytes = SESSION_SNAPSHOT_BYTES,
    .snapshots = SESSION_SNAPSHOTS,
};

int session_budget_check(const Config *cfg, const char *compare, size_t budget, char *err, size_t errlen)
{
    CompareSpec spec;
    if (!compare || !*compare)
        return budget_check(cfg, 1, &SESSION_WINDOW, budget, err, errlen);
    if (compare_parse(&spec, compare, err, errlen) != 0)
        return -1;
    return compare_budget_check(cfg, &spec, &SESSION_WINDOW, budget, err, errlen);
}

void session_say(Session *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->message, sizeof s->message, fmt, ap);
    va_end(ap);
    s->msg_seq++;
}

/* ---- snapshots ---- */

static void snapshots_free(Session *s)
{
    for (int i = 0; i < SESSION_SNAPSHOTS; i++) {
        free(s->snaps[i].state);
        s->snaps[i].state = NULL;
    }
    s->n_snaps = s->snap_next = 0;
    s->scrub = -1;
}

static void snapshot_take(Session *s)
{
    Trainer *tr = &s->run[0].tr;
    size_t bytes = trainer_state_bytes(tr);
    /* at most SESSION_SNAPSHOT_BYTES of snapshots: large models keep fewer */
    int cap = (int)(SESSION_SNAPSHOT_BYTES / (bytes ? bytes : 1));
    cap = cap < 1 ? 1 : cap > SESSION_SNAPSHOTS ? SESSION_SNAPSHOTS : cap;
    Snapshot *sn = &s->snaps[s->snap_next % cap];
    if (!sn->state && !(sn->state = malloc(bytes)))
        return;
    trainer_state_save(tr, sn->state);
    sn->step = tr->step;
    s->snap_next = (s->snap_next + 1) % cap;
    if (s->n_snaps < cap)
        s->n_snaps++;
}

/* The snapshots' indices, oldest first. */
static int snapshots_sorted(const Session *s, int order[SESSION_SNAPSHOTS])
{
    int n = 0;
    for (int i = 0; i < SESSION_SNAPSHOTS; i++)
        if (s->snaps[i].state)
            order[n++] = i;
    for (int a = 1; a < n; a++)
        for (int b = a; b > 0 && s->snaps[order[b]].step < s->snaps[order[b - 1]].step; b--) {
            int x = order[b];
            order[b] = order[b - 1];
            order[b - 1] = x;
        }
    return n;
}

/* Puts snapshot sn into tr (made from the same configuration). */
static void snapshot_restore(Trainer *tr, const Snapshot *sn)
{
    trainer_state_restore(tr, sn->state);
}

/* ---- runs ---- */

static void run_destroy(Run *r)
{
    if (r->have)
        trainer_destroy(&r->tr);
    runview_free(&r->last_good);
    itemised_free(&r->items);
    r->have = 0;
    r->diverged = 0;
}

/* One pass without an update, so every view has something to show at step 0. */
static void run_preview(Run *r)
{
    trainer_preview(&r->tr);
    runview_sync(&r->last_good, &r->tr, NULL, r->id);
}

/* Replaces run r by a fresh trainer (already created); preview = 0 leaves its first pass
 * to a SESSION_PREVIEW (the UI thread must not wait for one). */
static void run_adopt(Session *s, Run *r, Trainer *fresh, int preview)
{
    run_destroy(r);
    r->tr = *fresh;
    r->have = 1;
    r->id = ++s->next_id;
    trainer_set_cancel(&r->tr, &s->cancel);
    if (preview)
        run_preview(r);
    else
        runview_sync(&r->last_good, &r->tr, NULL, r->id);
}

int session_start_run(Session *s, const Config *cfg, char *err, size_t errlen)
{
    Trainer fresh; /* refused before anything is allocated: the run in use stays */
    if (budget_check(cfg, 1, &SESSION_WINDOW, s->budget, err, errlen) != 0 ||
        trainer_create(&fresh, cfg, err, errlen) != 0)
        return -1;
    run_adopt(s, &s->run[0], &fresh, s->next_id > 0); /* the first run: previewed on the worker */
    snapshots_free(s);
    snapshot_take(s);
    s->cfg_seq++;
    return 0;
}

static void compare_end(Session *s)
{
    run_destroy(&s->run[1]);
    s->compare = 0;
    memset(&s->spec, 0, sizeof s->spec);
}

/* (Re)starts both runs of compare mode from base. */
static int compare_restart(Session *s, const Config *base, char *err, size_t errlen)
{
    Config a, b;
    if (compare_config(base, &s->spec, 0, &a, err, errlen) != 0 ||
        compare_config(base, &s->spec, 1, &b, err, errlen) != 0 ||
        compare_budget_check(base, &s->spec, &SESSION_WINDOW, s->budget, err, errlen) != 0)
        return -1;
    Trainer fresh;
    if (trainer_create(&fresh, &b, err, errlen) != 0)
        return -1;
    if (session_start_run(s, &a, err, errlen) != 0) {
        trainer_destroy(&fresh);
        return -1;
    }
    run_adopt(s, &s->run[1], &fresh, 1);
    return 0;
}

/* A new run of cfg, or two in compare mode. */
static int restart(Session *s, const Config *cfg, char *err, size_t errlen)
{
    return s->compare ? compare_restart(s, cfg, err, errlen) : session_start_run(s, cfg, err, errlen);
}

/* Starts compare mode from the run's configuration, or ends it for "". */
static int set_compare(Session *s, const char *text)
{
    if (!text || !*text) {
        compare_end(s);
        return 0;
    }
    CompareSpec spec;
    char err[CONFIG_ERR_LEN + 128];
    if (compare_parse(&spec, text, err, sizeof err) != 0) {
        session_say(s, "Not compared: %s", err);
        return -1;
    }
    Config base = s->run[0].tr.cfg;
    compare_end(s);
    s->spec = spec;
    s->compare = 1;
    if (compare_restart(s, &base, err, sizeof err) != 0) {
        compare_end(s);
        session_say(s, "Not compared: %s", err);
        return -1;
    }
    session_say(s, "Comparing %s with %s: the same data, the same seed.", spec.labels[0], spec.labels[1]);
    return 0;
}

void session_runs_destroy(Session *s)
{
    compare_end(s);
    run_destroy(&s->run[0]);
    if (s->have_scrub)
        trainer_destroy(&s->scrub_tr);
    s->have_scrub = 0;
    itemised_free(&s->scrub_items);
    snapshots_free(s);
}

/* Keys whose change needs a new network. */
static int needs_restart(const Config *a, const Config *b)
{
    return a->model != b->model || a->activation != b->activation || a->hidden != b->hidden ||
           a->task != b->task || a->seq_len != b->seq_len || a->lag != b->lag || a->symbols != b->symbols ||
           a->batch != b->batch || a->seed != b->seed || a->seeds != b->seeds || a->init != b->init || a->rho != b->rho ||
           a->has_forget_bias != b->has_forget_bias || (a->has_forget_bias && a->forget_bias != b->forget_bias) ||
           strcmp(a->text, b->text) != 0;
}

/* The training-only keys of want, on both runs (B keeps its own value of the compared key). */
static void set_training(Session *s, const Config *want)
{
    trainer_set_training(&s->run[0].tr, want);
    if (s->compare) {
        Config b;
        char err[CONFIG_ERR_LEN + 128];
        if (compare_config(want, &s->spec, 1, &b, err, sizeof err) == 0 && config_resolve(&b, err, sizeof err) == 0)
            trainer_set_training(&s->run[1].tr, &b);
    }
}

/* ---- training ---- */

/* One step of run r; returns TRAIN_OK, TRAIN_DIVERGED or TRAIN_CANCELLED. */
static int run_step(Session *s, Run *r, int is_a)
{
    Trainer *tr = &r->tr;
    int bad = trainer_step(tr);
    if (bad == TRAIN_CANCELLED) { /* the step is undone; show the last finished one */
        observables_copy(&tr->obs, &r->last_good.obs, &tr->dims, tr->T);
        return bad;
    }
    if (bad) {
        r->diverged = 1;
        s->running = 0;
        /* the views keep the last finite state */
        observables_copy(&tr->obs, &r->last_good.obs, &tr->dims, tr->T);
        return bad;
    }
    if (is_a && tr->step % SESSION_SNAPSHOT_EVERY == 0)
        snapshot_take(s);
    runview_sync(&r->last_good, tr, NULL, r->id);
    return TRAIN_OK;
}

int session_train_step(Session *s)
{
    if (s->scrub >= 0)
        s->scrub = -1; /* training again: back to now */
    double t0 = session_now();
    pthread_mutex_lock(&s->mu);
    s->work_started = t0;
    s->stepping = 1;
    pthread_mutex_unlock(&s->mu);
    int bad = s->run[0].diverged ? TRAIN_DIVERGED : run_step(s, &s->run[0], 1);
    if (bad == TRAIN_OK && s->compare && !s->run[1].diverged)
        bad = run_step(s, &s->run[1], 0);
    double t1 = session_now();
    pthread_mutex_lock(&s->mu);
    s->stepping = 0;
    if (bad != TRAIN_CANCELLED)
        s->seconds_per_step = t1 - t0;
    pthread_mutex_unlock(&s->mu);
    if (bad == TRAIN_CANCELLED)
        return bad;
    s->rate_steps++;
    if (t1 - s->rate_time >= 1.0) {
        s->steps_per_s = (double)s->rate_steps / (t1 - s->rate_time);
        s->rate_steps = 0;
        s->rate_time = t1;
    }
    return bad;
}

long session_train_n(Session *s, long n, long before, long total)
{
    long done = 0;
    session_progress(s, 1, before, total);
    double last = session_now();
    while (done < n && !atomic_load(&s->cancel)) {
        int bad = session_train_step(s);
        if (bad == TRAIN_CANCELLED)
            break;
        done++;
        pthread_mutex_lock(&s->mu);
        s->work_done = before + done;
        pthread_mutex_unlock(&s->mu);
        if (bad)
            break;
        if (session_now() - last > 0.1) { /* the window follows a long run */
            session_publish(s);
            last = session_now();
        }
    }
    if (atomic_load(&s->cancel))
        session_say(s, "Cancelled after %ld of %ld steps (at step %ld).", done, n, s->run[0].tr.step);
    session_progress(s, 0, 0, 0);
    return done;
}

void session_run_finished(Session *s)
{
    s->run_left = 0;
    s->running = 0;
    s->runs_finished++;
}

/* ---- time travel and the rewind ---- */

static int rewind_run(Session *s)
{
    Snapshot *best = NULL;
    for (int i = 0; i < SESSION_SNAPSHOTS; i++)
        if (s->snaps[i].state && (!best || s->snaps[i].step > best->step))
            best = &s->snaps[i];
    if (!best)
        return -1;
    Run *r = &s->run[0];
    snapshot_restore(&r->tr, best);
    /* every view and the status line show the restored step: its history ends there and
     * its pass is made again from the restored weights (the data stream is not advanced) */
    history_truncate(&r->tr.hist, r->tr.step);
    if (r->tr.step_below_tenth > r->tr.step)
        r->tr.step_below_tenth = -1;
    r->id = ++s->next_id; /* the published copies take the history afresh */
    r->diverged = 0;
    run_preview(r);
    s->running = 0;
    return 0;
}

static void scrub_to(Session *s, int i)
{
    int order[SESSION_SNAPSHOTS], n = snapshots_sorted(s, order);
    Trainer *live = &s->run[0].tr;
    if (i < 0 || i >= n) {
        s->scrub = -1;
        return;
    }
    char err[CONFIG_ERR_LEN];
    if (s->have_scrub && memcmp(&s->scrub_tr.cfg, &live->cfg, sizeof(Config)) != 0) {
        trainer_destroy(&s->scrub_tr);
        s->have_scrub = 0;
    }
    if (!s->have_scrub) {
        if (trainer_create(&s->scrub_tr, &live->cfg, err, sizeof err) != 0) {
            session_say(s, "Cannot look back: %s", err);
            return;
        }
        trainer_set_cancel(&s->scrub_tr, &s->cancel);
        s->have_scrub = 1;
    }
    Trainer *st = &s->scrub_tr;
    snapshot_restore(st, &s->snaps[order[i]]);
    history_copy_until(&st->hist, &live->hist, st->step);
    trainer_preview(st);
    s->scrub_id = ++s->next_id;
    s->scrub = i;
    s->running = 0;
}

/* ---- settings ---- */

static void apply_config(Session *s, const SessionCommand *c)
{
    Config want = c->cfg;
    set_training(s, &want);
    Config old = s->run[0].tr.cfg;
    if (!needs_restart(&want, &old) || c->defer_restart)
        return;
    char err[CONFIG_ERR_LEN + 128];
    want.shape_given = want.loss_given = -1;
    if (want.task != old.task && !c->exact) /* the new task picks its own lengths and sizes */
        want.seq_len = want.lag = want.hidden = want.symbols = 0;
    if (restart(s, &want, err, sizeof err) != 0) {
        s->cfg_seq++; /* the panel returns to the settings in use */
        session_say(s, "Not applied: %s", err);
        return;
    }
    const char *what = want.task != old.task     ? "the task"
                       : want.model != old.model ? "the model"
                       : want.seed != old.seed   ? "the seed"
                                                 : "the architecture";
    session_say(s, "Re-initialised: %s changed (a new network from seed %llu).", what,
                (unsigned long long)s->run[0].tr.cfg.seed);
}

/* ---- lessons ---- */

/* Sets the window up as lesson step st says: its compare mode, a new network where its
 * settings need one, else its training settings at once. Returns 0 or -1 (lesson_error). */
static int lesson_apply(Session *s, const SessionLessonStep *st, int k)
{
    char err[CONFIG_ERR_LEN + 128];
    Config resolved = st->cfg;
    config_resolve(&resolved, err, sizeof err);
    char have[SESSION_SPEC_LEN] = "";
    if (s->compare)
        snprintf(have, sizeof have, "%s=%s,%s", s->spec.key, s->spec.values[0], s->spec.values[1]);
    int want_cmp = st->compare[0] != 0, renew = st->reset || needs_restart(&resolved, &s->run[0].tr.cfg);
    if (strcmp(st->compare, have) != 0 || (want_cmp && renew)) {
        if (session_start_run(s, &st->cfg, err, sizeof err) != 0 || set_compare(s, st->compare) != 0) {
            snprintf(s->lesson_error, sizeof s->lesson_error, "%d: %.380s", st->line,
                     want_cmp && !s->compare ? s->message : err);
            return -1;
        }
    } else if (renew || s->run[0].diverged || (s->compare && s->run[1].diverged)) {
        if (restart(s, &st->cfg, err, sizeof err) != 0) {
            snprintf(s->lesson_error, sizeof s->lesson_error, "%d: %.380s", st->line, err);
            return -1;
        }
    } else {
        set_training(s, &resolved);
        s->cfg_seq++;
    }
    s->lesson_step = k;
    s->run_left = s->run_total = st->run;
    s->waiting = st->question && st->run;
    s->running = st->run && !s->waiting && !st->pause;
    s->pace_steps = 0;
    return 0;
}

static void lesson_goto(Session *s, const SessionCommand *c)
{
    s->lesson_error[0] = '\0';
    if (c->finish && s->run_left > 0) { /* forward by one: the current step's run ends first */
        s->waiting = 0;
        session_train_n(s, s->run_left, 0, s->run_left);
        session_run_finished(s);
    }
    /* a jump: the steps before it, their runs included, from the start */
    long total = 0, done = 0;
    for (int i = 0; i + 1 < c->n_steps; i++)
        total += c->steps[i].run;
    for (int i = 0; i + 1 < c->n_steps && !atomic_load(&s->cancel); i++) {
        SessionLessonStep st = c->steps[i];
        st.reset |= c->fresh && i == 0;
        if (lesson_apply(s, &st, i) != 0)
            return;
        if (c->steps[i].run > 0)
            done += session_train_n(s, c->steps[i].run, done, total);
        session_run_finished(s);
    }
    if (atomic_load(&s->cancel)) {
        snprintf(s->lesson_error, sizeof s->lesson_error,
                 "%d: cancelled while replaying the steps before this one; Restore step sets it up again.",
                 c->n_steps ? c->steps[c->n_steps - 1].line : 0);
        return;
    }
    if (c->n_steps > 0) {
        SessionLessonStep st = c->steps[c->n_steps - 1];
        st.reset |= c->fresh && c->n_steps == 1;
        lesson_apply(s, &st, c->lesson_step);
    }
}

/* ---- the commands ---- */

static void execute_run(Session *s, SessionCommandKind kind, long n)
{
    switch (kind) {
    case SESSION_PLAY:
    case SESSION_PAUSE:
    case SESSION_TOGGLE: {
        int play = kind == SESSION_PLAY || (kind == SESSION_TOGGLE && (!s->running || s->waiting));
        if (s->waiting && play) {
            s->waiting = 0;
        } else if (play && (s->run[0].diverged || (s->compare && s->run[1].diverged))) {
            session_say(s, "Training diverged: rewind (U) or reset (R) first.");
            return;
        }
        s->running = play;
        s->pace_steps = 0;
        if (play)
            s->scrub = -1;
        return;
    }
    case SESSION_STEP:
        s->running = 0;
        if (!s->run[0].diverged)
            session_train_n(s, 1, 0, 1);
        return;
    case SESSION_RUN:
        session_train_n(s, n, 0, n);
        return;
    case SESSION_ANSWERED:
        s->waiting = 0;
        s->running = s->run_left > 0;
        s->pace_steps = 0;
        return;
    case SESSION_SPEED:
        s->speed = n;
        s->pace_steps = 0;
        return;
    case SESSION_REWIND:
        if (!s->run[0].diverged)
            session_say(s, "Nothing to rewind: training has not diverged.");
        else if (rewind_run(s) == 0)
            session_say(s, "Rewound to step %ld. Lower the learning rate or turn on clipping, then press space.",
                        s->run[0].tr.step);
        return;
    case SESSION_SCRUB:
        scrub_to(s, (int)n);
        return;
    case SESSION_WANT:
        s->want_spectrum = (n & SESSION_WANT_SPECTRUM) != 0;
        s->want_terms = (n & SESSION_WANT_TERMS) != 0;
        return;
    default:
        return;
    }
}

void session_execute(Session *s, const Queued *q)
{
    const SessionCommand *c = &q->cmd;
    char err[CONFIG_ERR_LEN + 128];
    switch (c->kind) {
    case SESSION_RESET: {
        Config cfg = s->run[0].tr.cfg;
        if (restart(s, &cfg, err, sizeof err) == 0)
            session_say(s, "Reset: the same network again, from seed %llu.", (unsigned long long)cfg.seed);
        else
            session_say(s, "Not reset: %s", err);
        return;
    }
    case SESSION_CONFIG:
        apply_config(s, c);
        return;
    case SESSION_APPLY:
        compare_end(s);
        if (session_start_run(s, &c->cfg, err, sizeof err) == 0)
            session_say(s, "Applied the experiment: a new run from seed %llu.", (unsigned long long)s->run[0].tr.cfg.seed);
        else
            session_say(s, "Not applied: %s", err), s->cfg_seq++;
        return;
    case SESSION_COMPARE:
        set_compare(s, c->text);
        return;
    case SESSION_LESSON:
        lesson_goto(s, c);
        return;
    case SESSION_PREVIEW: /* shown as a step in progress: it costs as much as one */
        pthread_mutex_lock(&s->mu);
        s->stepping = 1;
        s->work_started = session_now();
        pthread_mutex_unlock(&s->mu);
        run_preview(&s->run[0]);
        pthread_mutex_lock(&s->mu);
        s->stepping = 0;
        pthread_mutex_unlock(&s->mu);
        return;
    case SESSION_LOAD:
        if (trainer_load(&s->run[0].tr, c->text, err, sizeof err) != 0) {
            session_say(s, "--load: %s", err);
        } else {
            trainer_preview(&s->run[0].tr);
            runview_sync(&s->run[0].last_good, &s->run[0].tr, NULL, s->run[0].id);
            snapshots_free(s);
            snapshot_take(s);
            session_say(s, "Loaded %s: step %ld.", c->text, s->run[0].tr.step);
        }
        return;
    case SESSION_SAVE:
        if (trainer_save(&s->run[0].tr, c->text, err, sizeof err) == 0)
            session_say(s, "Saved the model to ./%s (NAME.npy with PyTorch's names; rnnlab --load %s resumes it).",
                        c->text, c->text);
        else
            session_say(s, "Could not save the model: %s", err);
        return;
    default:
        execute_run(s, c->kind, c->n);
        return;
    }
}

/* ---- what the window sees ---- */

/* Brings *it up to date with tr's current weights if the terms view is visible and they
 * changed: at once when paused, and while training (free play, or a bounded run: busy) no
 * more often than every 0.25 s nor than keeps the work under a fifth of the worker's
 * time. A command cancels it (it is then left for the next publication). */
static void itemise_if_due(Session *s, Trainer *tr, Itemised *it, uint64_t id, double *at, double *cost)
{
    if (!s->want_terms || (it->valid && it->run_id == id && it->step == tr->step))
        return;
    double now = session_now();
    if ((s->running || s->busy) && now - *at < fmax(0.25, 4 * *cost))
        return;
    pthread_mutex_lock(&s->mu);
    int cancelled = atomic_load(&s->cancel) || s->head != NULL;
    s->itemising = !cancelled;
    pthread_mutex_unlock(&s->mu);
    if (cancelled)
        return;
    if (itemise_now(tr, it, id) == 1) /* cancelled: the command that did it clears the flag */
        it->valid = 0;
    pthread_mutex_lock(&s->mu);
    s->itemising = 0;
    pthread_mutex_unlock(&s->mu);
    *at = session_now();
    *cost = *at - now;
}

void session_fill_state(Session *s, SessionState *st)
{
    for (int r = 0; r < 2; r++) {
        Run *run = &s->run[r];
        if (r == 1 && !s->compare) {
            runview_free(&st->run[1]); /* not kept past compare mode: the budget counts one run */
            continue;
        }
        Trainer *tr = &run->tr;
        if (s->want_spectrum && r == 0 && tr->spectrum.step != tr->step &&
            (!s->running || session_now() - s->spectrum_at > 0.25)) {
            trainer_spectrum(tr);
            s->spectrum_at = session_now();
        }
        itemise_if_due(s, tr, &run->items, run->id, &run->items_at, &run->items_cost);
        runview_sync(&st->run[r], tr, run->diverged ? &tr->obs : NULL, run->id);
        itemised_copy(&st->run[r].items, &run->items);
        st->diverged[r] = run->diverged;
    }
    st->scrub_index = s->scrub;
    if (s->scrub >= 0 && s->have_scrub) {
        if (s->want_spectrum && s->scrub_tr.spectrum.step != s->scrub_tr.step)
            trainer_spectrum(&s->scrub_tr);
        double at = 0, cost = 0; /* a snapshot's weights do not change while it is shown */
        itemise_if_due(s, &s->scrub_tr, &s->scrub_items, s->scrub_id, &at, &cost);
        runview_sync(&st->scrub, &s->scrub_tr, NULL, s->scrub_id);
        itemised_copy(&st->scrub.items, &s->scrub_items);
        st->scrub.past = 1;
    }
    st->compare = s->compare;
    st->compare_spec[0] = '\0';
    if (s->compare)
        snprintf(st->compare_spec, sizeof st->compare_spec, "%s=%s,%s", s->spec.key, s->spec.values[0],
                 s->spec.values[1]);
    for (int r = 0; r < 2; r++)
        snprintf(st->labels[r], sizeof st->labels[r], "%c: %.290s", 'A' + r, s->spec.labels[r]);
    st->running = s->running;
    st->steps_per_s = s->running ? s->steps_per_s : 0;
    int order[SESSION_SNAPSHOTS];
    st->n_snaps = snapshots_sorted(s, order);
    st->snapshot_bytes = 0;
    for (int i = 0; i < st->n_snaps; i++) {
        st->snap_step[i] = s->snaps[order[i]].step;
        st->snapshot_bytes += trainer_state_bytes(&s->run[0].tr);
    }
    st->lesson_step = s->lesson_step;
    st->run_left = s->run_left;
    st->run_total = s->run_total;
    st->waiting = s->waiting;
    st->runs_finished = s->runs_finished;
    snprintf(st->lesson_error, sizeof st->lesson_error, "%s", s->lesson_error);
    snprintf(st->message, sizeof st->message, "%s", s->message);
    st->msg_seq = s->msg_seq;
    st->cfg_seq = s->cfg_seq;
    st->published = ++s->publish_count;
}
