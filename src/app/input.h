/* input.h: one frame of input as the window's logic sees it: the mouse for the widgets
 * and the keyboard shortcuts as actions. The platform fills it from SDL events; tests and
 * `rnnlab render` fill it by hand. */
#ifndef RNNLAB_INPUT_H
#define RNNLAB_INPUT_H

#include "../ui/ui.h"

/* Keyboard actions the platform reports (each at most once a frame). */
enum {
    GK_PLAY,        /* space */
    GK_STEP,        /* right arrow, when no slider or choice has the focus (Ui.focus) */
    GK_RESET,       /* R */
    GK_FASTER,      /* + */
    GK_SLOWER,      /* - */
    GK_HELP,        /* F1 */
    GK_FULLSCREEN,  /* F11 */
    GK_ZOOM_IN,     /* Ctrl + */
    GK_ZOOM_OUT,    /* Ctrl - */
    GK_PALETTE,     /* H: the next palette (theme.h) */
    GK_SCREENSHOT,  /* P */
    GK_EXPORT,      /* E */
    GK_LOG,         /* L */
    GK_SAMPLE,      /* B: the terms view, batch or first sample */
    GK_ENLARGE,     /* Z: enlarge the view under the mouse, or back */
    GK_REWIND,      /* U or Backspace */
    GK_ESCAPE,
    GK_NEXT,        /* Page Down: the lesson's next step */
    GK_PREV,        /* Page Up */
    GK_ANSWER,      /* A: show the question's answer, or start the step's run */
    GK_COPY,        /* Ctrl C: the configuration as one line, to the clipboard */
    GK_PASTE,       /* Ctrl V: apply the line on the clipboard (in GuiInput.paste) */
    GK_SAVE_EXPERIMENT, /* Ctrl S: the configuration as an experiment file here */
    GK_SAVE_RUN,    /* S: the model as --save files (.npy) here */
    GK_SAVE_VIEW,   /* Shift P: a PNG of the view under the mouse */
    GK_PANEL,       /* Tab: hide or show the settings panel */
    GK_LESSONS,     /* Home: the start screen (the list of lessons) */
    GK_UNDO,        /* Ctrl Z: the last setting change */
    GK_REDO,        /* Ctrl Shift Z or Ctrl Y */
    GK_LAYER_DOWN,  /* [: a stack's layer below, in the one-layer views */
    GK_ALIGN_END,   /* G: the gradient per step with variable lengths aligned on their ends */
    GK_LAYER_UP,    /* ]: the layer above */
    GK_VIEW1,       /* 1..9 show or hide a view (the views' table says which are used) */
    GK_VIEW9 = GK_VIEW1 + 8,
    GK_COUNT
};

typedef struct {
    UiInput ui;
    int keys[GK_COUNT];
    int width, height;   /* of the drawable, pixels */
    double now;          /* seconds, monotonic */
    const char *paste;   /* with GK_PASTE: the clipboard's text */
    const char *dropped; /* a file dropped on the window this frame, or NULL */
} GuiInput;

#endif
