/* gui.h: the window's logic without SDL: the app's state (configuration, run, view
 * layout, theme and scale), one frame = train under a time budget, then draw the panel
 * and the views into a DrawList. The platform turns SDL events into GuiInput and the
 * DrawList into pixels; `rnnlab render` and the tests call gui_frame directly. */
#ifndef RNNLAB_GUI_H
#define RNNLAB_GUI_H

#include "../core/trainer.h"
#include "../ui/draw.h"
#include "../ui/ui.h"
#include "../ui/input.h"
#include "lesson.h"
#include "../ui/views.h"

/* What the frame asks the platform to do. */
typedef struct {
    int screenshot;      /* save the window as PNG */
    int fullscreen;      /* toggle */
    const char *copy;    /* put this text on the clipboard */
    int save_view;       /* save the view in view_rect as PNG */
    Rect view_rect;
    const char *view_name;
} GuiActions;

#define GUI_SNAPSHOTS 64
#define GUI_SNAPSHOT_BYTES ((size_t)64 << 20) /* at most this much memory for them */
#define GUI_MAX_LESSONS 32

typedef struct {
    char path[512];
    char title[160];
    char summary[400];
} LessonEntry;
#define GUI_SPEEDS 9

typedef struct {
    long step;
    Rng rng;
    long opt_step;
    double *block; /* 4 * n_params */
} Snapshot;

/* Compare mode: a second run, B, trained beside the first on the same data, differing in
 * one key. */
typedef struct {
    int on;
    char key[32];
    char values[2][256];
    char labels[2][300]; /* "model=rnn" */
    Trainer tr;          /* run B; run A is Gui.tr */
    int have;
    int diverged;
    TrainEvent event;
    ViewState vs[2];
} Compare;

typedef struct {
    Config cfg;        /* what the panel edits; applied to the run when it differs */
    Trainer tr;
    int have_trainer;
    int running;
    int speed;         /* index into the speeds: 1 2 5 10 20 50 100 500 max steps a frame */
    double budget_s;   /* training time a frame may take */
    int theme;
    float presenter;   /* 1 .. 2 (Ctrl + / Ctrl -) */
    float dpi;         /* the display's scale, from the platform */
    int visible[VIEW_COUNT];
    int enlarged;      /* a view filling the main area, or -1 */
    int show_help;
    int clip_choice;   /* off, norm, value */
    double clip_value;
    int set_forget;    /* forget_bias given */
    double panel_scroll;
    ViewState vs;
    char status[320];
    double status_until;
    /* divergence */
    int diverged;
    TrainEvent event;
    Snapshot snaps[GUI_SNAPSHOTS];
    int n_snaps, snap_next;
    long snapshot_every;
    Observables last_good; /* the views' data at the last finite step */
    int have_last_good;
    /* throughput */
    double rate_time;
    long rate_steps;
    double steps_per_s;
    /* a lesson */
    Lesson lesson;
    int have_lesson;
    char lesson_error[LESSON_ERR_LEN]; /* a lesson that failed to load: shown in its panel */
    int step;            /* the lesson's current step */
    long run_left;       /* steps of the step's run still to train */
    long run_total;
    int waiting;         /* the step's question is up; its run waits for the learner */
    int answer_shown;
    int focus;           /* the view the step points at, or -1 */
    double lesson_scroll;
    int start_screen;
    LessonEntry entries[GUI_MAX_LESSONS];
    int n_entries;
    char line[8192];     /* the configuration as one line, for the clipboard */
    Compare cmp;
    /* time travel: -1 live, else the index (oldest first) of the snapshot shown */
    int scrub;
    Trainer scrub_tr;
    int have_scrub;
    /* drawing */
    DrawList dl;
    Ui ui;
    Rect view_rects[VIEW_COUNT];
    int views_dropped; /* views that did not fit this frame */
} Gui;

/* Starts from cfg (resolved inside; errors leave a message in err). */
int gui_create(Gui *g, const Config *cfg, TextMeasure measure, char *err, size_t errlen);
void gui_destroy(Gui *g);

/* One frame: handle input, train within the budget, draw into g->dl. */
GuiActions gui_frame(Gui *g, const GuiInput *in);

/* Shows a message in the status line for a few seconds (saved files, errors). */
void gui_status(Gui *g, double now, const char *fmt, ...);

/* Writes the run's history as CSV (step,loss,metric,grad_norm,clipped,g_0..) to path via
 * a temporary file. Returns 0 or -1 with a message. */
int gui_export_csv(const Gui *g, const char *path, char *err, size_t errlen);

/* Replaces the configuration with a pasted line or a dropped experiment file (on top of
 * the defaults) and starts that run; a bad one is reported in the status line. */
int gui_apply_line(Gui *g, const char *line, double now);
int gui_apply_file(Gui *g, const char *path, double now);

/* "KEY=A,B": splits a compare specification. Returns 0, or -1 with a message. */
int compare_parse(const char *spec, char *key, size_t key_len, char values[2][256], char *err, size_t errlen);
/* cfg with KEY set to the run's value (0 = A, 1 = B). */
int compare_config(const Config *base, const char *key, const char *value, Config *out, char *err, size_t errlen);
/* Starts compare mode from the panel's configuration ("KEY=A,B"); NULL or "" ends it. */
int gui_compare(Gui *g, const char *spec, double now);

/* Bytes held by snapshots now, and the most they may hold. */
size_t gui_snapshot_bytes(const Gui *g);
/* Shows the views as they were at snapshot i (0 = the oldest kept), or live for i < 0.
 * Returns the step shown. */
long gui_scrub(Gui *g, int i);
/* The display's trainer: the run, or the earlier state being looked at. */
Trainer *gui_shown(Gui *g);

/* Rewinds to the newest snapshot before the divergence. Returns 0, or -1 if none. */
int gui_rewind(Gui *g);

/* Trains n steps now (no time budget), snapshots and divergence handled as in the window.
 * Returns the steps done. */
long gui_train(Gui *g, long n);

/* Loads a lesson and opens its first step; a lesson that does not parse is kept as an
 * error shown in the lesson panel. Returns 0 or -1. */
int gui_lesson_open(Gui *g, const char *path, double now);
/* Opens step k: its settings (the lesson's, from the defaults up to k), actions and
 * question. The run, if any, starts now or, with a question, when the learner asks. */
void gui_lesson_goto(Gui *g, int k, double now);
/* Moves to step k so that it opens exactly as the lesson defines it: forward by one, the
 * current step's run is finished first; any other jump replays the steps before k
 * (their runs included) from the start. */
void gui_lesson_jump(Gui *g, int k, double now);
/* Runs what is left of the step's run now (headless use). */
void gui_lesson_run(Gui *g);
/* Evaluates step k's checks on the run just made; writes one line per false claim into
 * report. Returns the number of false claims. */
int gui_lesson_check(Gui *g, int k, char *report, size_t len);

/* Where the lessons are: $RNNLAB_LESSONS, ./lessons, or the source tree's. */
const char *gui_lesson_dir(void);
/* Reads every lesson's title and summary in dir for the start screen. */
void gui_lessons_scan(Gui *g, const char *dir);

/* The steps a frame runs at each speed setting (0 = as many as the budget allows). */
int gui_speed_steps(int speed);

#endif
