/* session.h: a training session on its own worker thread. The worker owns the runs (the
 * run, compare mode's second run, the snapshots and the time-travel copy, a lesson step's
 * run); the UI thread sends small commands and reads a published, consistent copy of what
 * to draw, so a frame never waits for a training step. No drawing here.
 *
 * Results never depend on timing: the worker does exactly the steps the commands ask for,
 * in order; the frame rate only changes how often the UI looks. */
#ifndef RNNLAB_SESSION_H
#define RNNLAB_SESSION_H

#include "../core/budget.h"
#include "../core/config.h"
#include "../core/runview.h"

#include <stddef.h>
#include <stdint.h>

#define SESSION_SNAPSHOTS 64
#define SESSION_SNAPSHOT_BYTES ((size_t)64 << 20) /* at most this much memory for them */
#define SESSION_SNAPSHOT_EVERY 25
#define SESSION_MSG_LEN 400
#define SESSION_SPEC_LEN 600

/* One lesson step as the session runs it: the settings (every step's up to this one, on
 * top of the defaults), the compare mode in force, and its run. */
typedef struct {
    Config cfg;
    char compare[SESSION_SPEC_LEN]; /* "KEY=A,B", or "" for none */
    int reset, pause;
    long run;       /* training steps; 0 = none */
    int question;   /* the run waits for SESSION_ANSWERED */
    int line;       /* where the step is, for messages */
} SessionLessonStep;

typedef enum {
    SESSION_PLAY,      /* train continuously, at the pace `speed` sets */
    SESSION_PAUSE,
    SESSION_TOGGLE,    /* play <-> pause (a question waiting: start its run) */
    SESSION_STEP,      /* one step, then pause */
    SESSION_RESET,     /* the same configuration again: the same network */
    SESSION_CONFIG,    /* cfg: training keys apply at once; the others re-initialise */
    SESSION_APPLY,     /* cfg: a new run from it (a pasted line, a dropped file) */
    SESSION_SPEED,     /* n: steps a frame (0 = as many as possible) */
    SESSION_RUN,       /* n: train n steps now (headless use, tests) */
    SESSION_REWIND,    /* back to the newest snapshot before a divergence */
    SESSION_SCRUB,     /* n: show snapshot n (0 = the oldest kept), or live for n < 0 */
    SESSION_COMPARE,   /* text: "KEY=A,B", or "" to end compare mode */
    SESSION_LESSON,    /* lesson: go to a lesson step (see SessionCommand) */
    SESSION_ANSWERED,  /* the learner predicted: start the waiting step's run */
    SESSION_WANT,      /* n: what the visible views need kept computed, SESSION_WANT_* bits */
    SESSION_LOAD,      /* text: a saved run's directory, loaded into the current run */
    SESSION_SAVE,      /* text: save the run there (as --save) */
    SESSION_PREVIEW    /* one pass without an update, so the views have the first batch (the
                          session sends it itself after creating the run) */
} SessionCommandKind;

/* SESSION_WANT's bits: the spectrum of W_hh (the spectrum view), the gradient itemised by
 * loss term (the terms view). */
enum { SESSION_WANT_SPECTRUM = 1, SESSION_WANT_TERMS = 2 };

typedef struct {
    SessionCommandKind kind;
    long n;
    Config cfg;
    int defer_restart;   /* CONFIG: a slider is being dragged: re-initialise on release */
    int exact;           /* CONFIG: take the lengths as given (an undo), not a new task's own */
    char text[SESSION_SPEC_LEN > CONFIG_TEXT_LEN ? SESSION_SPEC_LEN : CONFIG_TEXT_LEN];
    /* LESSON: go to step `lesson_step` (index), first finishing the current step's run
     * (finish = 1, moving forward by one) or replaying `steps[0 .. n_steps-2]`, their runs
     * included, before opening the last, steps[n_steps-1]. The session copies steps. */
    int lesson_step;
    int finish;
    int fresh;           /* the first of steps[] starts a new network (a jump replays from scratch) */
    const SessionLessonStep *steps;
    int n_steps;
} SessionCommand;

/* What the window draws, published by the worker. Everything in it is a copy. */
typedef struct {
    RunView run[2];   /* run A; in compare mode also run B */
    RunView scrub;    /* the earlier state being looked at, when scrub >= 0 */
    int compare;
    char labels[2][300];          /* "A: model=rnn" */
    char compare_spec[SESSION_SPEC_LEN];
    int running;
    int diverged[2];
    double steps_per_s;
    /* time travel */
    int scrub_index;  /* -1 live, else the snapshot shown (oldest first) */
    int n_snaps;
    long snap_step[SESSION_SNAPSHOTS]; /* oldest first */
    size_t snapshot_bytes;
    /* a lesson */
    int lesson_step;  /* the step whose run is set up (-1: none yet) */
    long run_left, run_total;
    int waiting;      /* its question is up; its run waits */
    unsigned runs_finished; /* counts finished step runs: the answer shows when it moves */
    char lesson_error[SESSION_MSG_LEN];
    /* messages for the status line: a new one when msg_seq moves */
    char message[SESSION_MSG_LEN];
    unsigned msg_seq;
    unsigned cfg_seq; /* moves when the run's configuration changed (the panel follows) */
    /* work that takes longer than a frame */
    int busy;                 /* executing a command or a bounded run */
    int stepping;             /* a training step is in progress */
    long work_done, work_total;
    double work_started;      /* when the current step began (session_now) */
    double seconds_per_step;  /* of the last step */
    unsigned long long published; /* counts publications */
} SessionState;

typedef struct Session Session;

/* What the session keeps of its runs besides their trainers (budget.h): the last good
 * state and the three published buffers, time travel's trainer and its views, up to
 * SESSION_SNAPSHOT_BYTES of snapshots. */
extern const BudgetWindow SESSION_WINDOW;

/* Starts the worker with a run of cfg. Every run it creates must fit in budget bytes
 * (budget_check with SESSION_WINDOW; --memory, or budget_default()). Returns NULL with a
 * message if cfg is rejected. */
Session *session_create(const Config *cfg, size_t budget, char *err, size_t errlen);

/* The session's own check of cfg, in compare mode ("KEY=A,B", or NULL for none) of both
 * runs: 0, or -1 with the message. The window's verbs call it before opening anything. */
int session_budget_check(const Config *cfg, const char *compare, size_t budget, char *err, size_t errlen);
/* Cancels whatever runs and stops the worker (within a pass of one time step). */
void session_destroy(Session *s);

void session_send(Session *s, const SessionCommand *c);
/* Shorthands for commands that take at most a number. */
void session_command(Session *s, SessionCommandKind kind, long n);
/* Stops the step or the run in progress within 100 ms; the run keeps its last finished
 * step. Queued commands are dropped. */
void session_cancel(Session *s);

/* The newest published state (UI thread only); valid until the next call. */
const SessionState *session_state(Session *s);

/* Blocks until every command sent has been carried out and no bounded run is left (a
 * waiting question counts as done), or timeout_s passes (< 0: no limit). Returns 0 when
 * idle, -1 on timeout. For headless use: render, lesson-check, tests. */
int session_wait_idle(Session *s, double timeout_s);

/* A monotonic clock in seconds. */
double session_now(void);

#endif
