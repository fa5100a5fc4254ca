/* session_impl.h: the session's private state, shared by session.c (the thread, the
 * command queue, publishing) and session_run.c (what the commands do to the runs). Only
 * the worker thread touches the fields below `worker-owned`. */
#ifndef RNNLAB_SESSION_IMPL_H
#define RNNLAB_SESSION_IMPL_H

#include "compare.h"
#include "session.h"

#include "../core/trainer.h"

#include <pthread.h>
#include <stdatomic.h>

typedef struct {
    long step;
    unsigned char *state; /* trainer_state_save's (the copies of a seeds=K run included) */
} Snapshot;

/* One run and its bookkeeping. */
typedef struct {
    Trainer tr;
    int have;
    uint64_t id;       /* a new trainer gets a new id */
    RunView last_good; /* the views' data at the last finite step */
    int diverged;
    Itemised items;    /* the terms view's arrays of the current weights, when wanted */
    double items_at, items_cost; /* when they were last computed, and what that took (s) */
} Run;

typedef struct Queued {
    SessionCommand cmd;
    SessionLessonStep *steps; /* the session's copy of cmd.steps */
    struct Queued *next;
} Queued;

struct Session {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t wake; /* the worker waits on it for commands */
    pthread_cond_t idle; /* session_wait_idle waits on it */
    Queued *head, *tail;
    int quit;
    int executing;       /* the worker is carrying out a command or a bounded run */
    atomic_int cancel;   /* checked inside long passes */
    /* three buffers: the worker fills back, swaps it with pending; the UI swaps pending
     * with front when fresh */
    SessionState buf[3];
    SessionState *back, *pending, *front;
    int fresh;
    /* progress, written under mu at every step, read by session_state */
    int busy;
    long work_done, work_total;
    double work_started, seconds_per_step;
    int stepping;        /* a training step is in progress */
    int itemising;       /* the terms view's arrays are being computed (a command cancels it) */
    unsigned long long publish_count;

    size_t budget;       /* bytes every run must fit in (set at creation) */

    /* ---- worker-owned ---- */
    Run run[2];          /* A, and B in compare mode */
    int compare;
    CompareSpec spec;
    Snapshot snaps[SESSION_SNAPSHOTS];
    int n_snaps, snap_next;
    Trainer scrub_tr;
    int have_scrub, scrub;
    uint64_t scrub_id, next_id;
    int running;
    long speed;          /* steps a frame; 0 = as many as possible */
    double pace_start;   /* when the pace was last set */
    long pace_steps;     /* steps done since then */
    long run_left, run_total;
    int waiting, lesson_step;
    unsigned runs_finished;
    char lesson_error[SESSION_MSG_LEN];
    int want_spectrum, want_terms;
    double spectrum_at;
    Itemised scrub_items; /* the terms of the snapshot looked at */
    char message[SESSION_MSG_LEN];
    unsigned msg_seq, cfg_seq;
    double rate_time;
    long rate_steps;
    double steps_per_s;
    double last_publish;
};

/* session_run.c */
int session_start_run(Session *s, const Config *cfg, char *err, size_t errlen);
void session_runs_destroy(Session *s);
void session_execute(Session *s, const Queued *q);
/* One training step of every run; returns 0, 1 when a run diverged, 2 when cancelled. */
int session_train_step(Session *s);
/* Trains n steps as part of a piece of work of `total` steps, `done` of them done before
 * (progress shown, cancellable). Returns the steps done. */
long session_train_n(Session *s, long n, long done, long total);
/* The step's run is over: pause and let the answer show. */
void session_run_finished(Session *s);
void session_say(Session *s, const char *fmt, ...);
void session_fill_state(Session *s, SessionState *st);

/* session.c */
void session_progress(Session *s, int busy, long done, long total);
void session_publish(Session *s);

#endif
