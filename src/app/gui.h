/* gui.h: the window's logic without SDL. The UI thread's state only: what the panel edits,
 * the layout, theme and scale, the lesson's text and where the learner is in it. The runs
 * themselves live in a Session on its worker thread: a frame sends commands and draws the
 * session's published state, so it never waits for training. The platform turns SDL events
 * into GuiInput and the DrawList into pixels; `rnnlab render` and the tests call gui_frame
 * directly. */
#ifndef RNNLAB_GUI_H
#define RNNLAB_GUI_H

#include "../ui/draw.h"
#include "../ui/ui.h"
#include "../views/views.h"
#include "input.h"
#include "lesson.h"
#include "session.h"

#include <stdio.h>

/* What the frame asks the platform to do. */
typedef struct {
    int screenshot;      /* save the window as PNG */
    int fullscreen;      /* toggle */
    const char *copy;    /* put this text on the clipboard */
    int save_view;       /* save the view in view_rect as PNG */
    Rect view_rect;
    const char *view_name;
} GuiActions;

#define GUI_MAX_LESSONS 32
#define GUI_SPEEDS 9
/* The window's first pace: 10 steps a frame, 600 a second, so free play's first picture (a
 * gradient fading 11 decades or more) lasts ten minutes: docs/DEFAULTS.md. */
#define GUI_DEFAULT_SPEED 3

typedef struct {
    char path[512];
    char title[160];
    char summary[400];
} LessonEntry;

/* What the panel edits, as undo (gui_panel.c) keeps it: the configuration and the
 * panel's way of showing clipping and the forget-gate bias. */
#define GUI_UNDO_DEPTH 64
typedef struct {
    Config cfg;
    int clip_choice;
    double clip_value;
    int set_forget;
} GuiSettings;
/* The configuration those settings send (clipping and the forget bias folded in). */
Config gui_settings_config(const GuiSettings *s);

typedef struct {
    Session *session;
    const SessionState *st; /* this frame's published state */
    /* what the panel edits; sent to the session when it differs from what was sent */
    Config cfg, sent;
    int restart_pending;    /* an architectural change made while dragging */
    unsigned cfg_seq;       /* the session's configuration this panel follows */
    int clip_choice;        /* off, norm, value */
    double clip_value;
    int set_forget;         /* forget_bias given */
    int speed;              /* index into the speeds: 1 2 5 10 20 50 100 500 max steps a frame */
    int wants_sent;         /* what the session keeps computed for the visible views (SESSION_WANT) */
    int theme;
    float presenter;        /* 1 .. 2 (Ctrl + / Ctrl -) */
    float dpi;              /* the display's scale, from the platform */
    int visible[VIEW_COUNT];
    int enlarged;           /* a view filling the main area, or -1 */
    int show_help;
    int help_for[3], help_size, help_cols; /* the help's text size and columns for this width, height, scale */
    double panel_scroll;
    ViewState vs;
    ViewState cmp_vs[2];
    ViewScratch *scratch;
    char status[SESSION_MSG_LEN + 64];
    double status_until;
    unsigned msg_seq;
    /* a lesson: its text is here; its runs are the session's */
    Lesson lesson;
    int have_lesson;
    char lesson_error[LESSON_ERR_LEN]; /* a lesson that failed to load: shown in its panel */
    int lesson_at;          /* the lesson step shown (the views follow when its run is set up) */
    int answer_shown;
    unsigned runs_seen;     /* the session's runs_finished last seen */
    int focus;              /* the view the step points at, or -1 */
    double lesson_scroll;
    int start_screen;
    char lesson_dir[1024];  /* where the start screen lists lessons from (datadir.h) */
    LessonEntry entries[GUI_MAX_LESSONS];
    int n_entries;
    char line[8192];        /* the configuration as one line, for the clipboard */
    /* drawing */
    DrawList dl;
    Ui ui;
    Rect view_rects[VIEW_COUNT];
    int views_dropped;      /* views that did not fit this frame */
    /* the presenter layout */
    int panel_hidden;       /* the settings panel collapsed to a strip (Tab) */
    int compare_seen;       /* compare mode was on last frame (it collapses the panel when narrow) */
    uint64_t lesson_seed;   /* lesson-check --seeds: every step's seed; 0 = as the lesson sets it */
    double start_scroll;    /* the start screen's list, scrolled by this many pixels */
    int lesson_page;        /* the lesson text's visible height, and whether more is below */
    int lesson_more;
    char caption[400];      /* one line under the views: what the picture shows, what to try */
    /* undo and redo of the panel's settings (gui_panel.c): the settings before each change,
     * newest last; a change is a click, a released drag or an arrow key on a control */
    GuiSettings undo[GUI_UNDO_DEPTH], redo[GUI_UNDO_DEPTH];
    int n_undo, n_redo;
    GuiSettings change_from; /* the settings when the change under way (a drag) began */
    int changing;
    char undo_note[200];     /* "Undid lr 0.01 → 0.003", kept in front of the session's answer */
    double undo_note_until;
} Gui;

/* Starts from cfg (resolved inside; errors leave a message in err); every run must fit in
 * budget bytes (session_create). */
int gui_create(Gui *g, const Config *cfg, size_t budget, TextMeasure measure, char *err, size_t errlen);
void gui_destroy(Gui *g);
/* The pixel heights of small and body text in a w x h window at this presenter scale (on
 * a display of 96 DPI), ended by 0: what platform_open warms before the first frame. */
void gui_text_sizes(float presenter, int w, int h, int out[3]);

/* One frame: handle input, send commands, draw the newest state into g->dl. */
GuiActions gui_frame(Gui *g, const GuiInput *in);

/* Shows a message in the status line for a few seconds (saved files, errors). */
void gui_status(Gui *g, double now, const char *fmt, ...);

/* Headless use (render, lesson-check, tests): waits until the session has done everything
 * sent (at most timeout_s; < 0: no limit) and takes its newest state. 0, or -1 on timeout. */
int gui_wait(Gui *g, double timeout_s);
/* Trains n steps now and waits for them. */
void gui_train(Gui *g, long n);

/* Writes the run's history as CSV (csv.h) to path. Returns 0 or -1 with a message. */
int gui_export_csv(const Gui *g, const char *path, char *err, size_t errlen);

/* Replaces the configuration with a pasted line or a dropped experiment file (on top of
 * the defaults) and starts that run; a bad one is reported in the status line. */
int gui_apply_line(Gui *g, const char *line, double now);
/* Starts a new run of cfg (resolved inside by the session) and plays it. */
int gui_apply_config(Gui *g, const Config *cfg);
int gui_apply_file(Gui *g, const char *path, double now);

/* Starts compare mode ("KEY=A,B") from the panel's configuration; NULL or "" ends it.
 * A malformed specification is refused at once (-1, in the status line). */
int gui_compare(Gui *g, const char *spec, double now);

/* The run the views show: the live run, or the earlier state being looked at. */
const RunView *gui_shown(const Gui *g);

/* Loads a lesson and opens its first step; a lesson that does not parse is kept as an
 * error shown in the lesson panel. Returns 0 or -1. */
int gui_lesson_open(Gui *g, const char *path, double now);
/* Moves to step k so that it opens exactly as the lesson defines it: forward by one, the
 * current step's run is finished first; any other jump replays the steps before k (their
 * runs included) from the start; k itself (Restore step) sets it up again. The text moves
 * at once; the session does the runs in the background. */
void gui_lesson_jump(Gui *g, int k, double now);
/* Headless: opens step k with its run done (the steps before it already run). */
void gui_lesson_run_step(Gui *g, int k, double now);
/* Evaluates step k's checks on the run just made; writes one line per false claim into
 * report. Returns the number of false claims (claims for other seeds are not counted). */
int gui_lesson_check(Gui *g, int k, char *report, size_t len);
/* Check c of step k on the run just made: 1 holds, 0 false (*value measured), -1 not a
 * claim about this run's seed. */
int gui_lesson_claim(Gui *g, int k, int c, double *value);

/* Reads every lesson's title and summary in dir for the start screen. */
void gui_lessons_scan(Gui *g, const char *dir);

/* The steps a frame runs at each speed setting (0 = as many as possible). */
int gui_speed_steps(int speed);

/* ---- inside the window's logic (gui*.c) ---- */
void gui_panel(Gui *g, Rect r, double now);
void gui_lesson_panel(Gui *g, Rect r, double now);
void gui_start_screen(Gui *g, Rect r, double now);
void gui_handle_keys(Gui *g, const GuiInput *in, GuiActions *act);
void gui_help_overlay(Gui *g);
/* The keys, as the help overlay (F1) lists them, one a line: for rnnlab --help. */
void gui_keys_print(FILE *f);
void gui_timeline(Gui *g, Rect r);
/* The lesson step's views, focus and answer, on the UI side, when the text moves to k. */
void gui_lesson_show(Gui *g, int k, double now);
/* Sends the panel's settings when they changed; follows the session's when it changed them. */
void gui_sync_settings(Gui *g, double now);
/* Ctrl Z / Ctrl Shift Z: back to the settings before the last change, or forward again,
 * named in the status line (gui_panel.c). */
void gui_undo(Gui *g, double now);
void gui_redo(Gui *g, double now);

#endif
