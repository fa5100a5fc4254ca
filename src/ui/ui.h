/* ui.h: an immediate-mode UI in the shape of microui: widgets take a pointer to a value
 * the app owns and return result flags; everything drawn goes into a DrawList. No widget
 * keeps state in statics: what persists between frames (hot, active, focus) is in Ui.
 * Input never surprises: the wheel changes no widget's value (it is the caller's, to
 * scroll), and the arrow keys go to the one slider or choice that has the focus (the last
 * clicked, drawn with a ring), to nothing otherwise. Leaves out text entry and
 * windows-within-windows. */
#ifndef RNNLAB_UI_H
#define RNNLAB_UI_H

#include "draw.h"
#include "theme.h"

#include <stddef.h>
#include <stdint.h>

#define UI_STACK_DEPTH 16

enum { UI_CHANGED = 1 << 0, UI_CLICKED = 1 << 1, UI_HOVERED = 1 << 2 };

enum {
    UI_KEY_LEFT,
    UI_KEY_RIGHT,
    UI_KEY_UP,
    UI_KEY_DOWN,
    UI_KEY_COUNT
};

/* One frame's input, filled by the platform (or by a test). */
typedef struct {
    int mouse_x, mouse_y;
    int mouse_down;     /* the left button is held */
    int mouse_pressed;  /* it went down this frame */
    int mouse_released; /* it went up this frame */
    int right_pressed;
    int wheel;          /* notches, up positive */
    int keys[UI_KEY_COUNT]; /* pressed this frame */
} UiInput;

typedef struct {
    DrawList *dl;
    TextMeasure measure;
    const Theme *theme;
    float scale;  /* the presenter scale times the display's: 1 .. 4 */
    UiInput in;
    uint32_t hot, active;
    uint32_t hot_next;
    /* The slider or choice the arrow keys move: taken by a press on it, let go by a press
     * anywhere else, by ui_focus_release, or when it is not drawn in a frame. 0 = none. */
    uint32_t focus;
    int focus_drawn;
    /* The tooltip of the widget under the mouse, drawn by ui_end on top. */
    char tooltip[512];
    int tooltip_x, tooltip_y;
    /* A vertical layout cursor for panels. */
    Rect column;
    int cursor_y;
    /* The enclosing ids (ui_push_id) and clips (ui_push_clip). */
    uint32_t id_stack[UI_STACK_DEPTH];
    int n_ids;
    Rect clip_stack[UI_STACK_DEPTH];
    int n_clips;
} Ui;

void ui_init(Ui *ui, DrawList *dl, TextMeasure measure);
void ui_begin(Ui *ui, const UiInput *in, const Theme *theme, float scale);
void ui_end(Ui *ui);

/* Sizes in pixels at the current scale. */
int ui_px(const Ui *ui, float base);
int ui_px_at(float scale, float base); /* the same, for a scale before any frame */
#define UI_TEXT_PX 15                  /* body text at scale 1 */
#define UI_TEXT_SMALL_PX 13            /* axis labels */
int ui_text_size(const Ui *ui);        /* body text */
int ui_text_size_small(const Ui *ui);  /* axis labels */
int ui_text_width(const Ui *ui, const char *text, int size);

/* Layout: a column of rows inside r. */
void ui_column(Ui *ui, Rect r);
Rect ui_row(Ui *ui, int height);
void ui_heading(Ui *ui, const char *text);

/* Clipping that nests: everything drawn until the matching pop stays inside r and inside
 * every enclosing clip. ui_end asserts that pushes and pops balance. */
void ui_push_clip(Ui *ui, Rect r);
void ui_pop_clip(Ui *ui);

/* Whether a line of text at y, h pixels high, is to be drawn: wholly inside the current
 * clip, or wholly outside it (then nothing shows); a line the clip would cut is skipped, so
 * scrolled text never shows half a line. */
int ui_line_visible(const Ui *ui, int y, int h);
/* text into out, shortened with an ellipsis to at most max_w pixels at size. */
void ui_fit_text(const Ui *ui, char *out, size_t len, const char *text, int size, int max_w);
/* A title or heading into out: whole if it fits, else its longest whole phrase from the start
 * that fits (ending before " (", ", ", ": ", "; " or an em dash, outside parentheses, at least
 * UI_TITLE_MIN_BYTES long: "Gradient reaching each step (log)" -> "Gradient reaching each
 * step", "MODEL  (changes re-initialise)" -> "MODEL"), else shortened with an ellipsis. */
#define UI_TITLE_MIN_BYTES 4
/* A title (or a widget's label) may offer shorter forms after its full one, each after
 * UI_OR: "Gradient reaching each step (log)" UI_OR "Gradient by step". ui_fit_title takes
 * the first form that fits whole, else the first that fits cut at a phrase; failing all,
 * the last with an ellipsis. */
#define UI_OR "\x1f"
void ui_fit_title(const Ui *ui, char *out, size_t len, const char *text, int size, int max_w);
/* The width of a title's first (full) form. */
int ui_title_width(const Ui *ui, const char *text, int size);
/* Form `level` of a title (0 the full one) into out, or its last where it has fewer;
 * returns whether it has that many. */
int ui_title_form(char *out, size_t len, const char *text, int level);
/* Draws text word-wrapped into r's width from its top; returns the height used. */
int ui_text_wrapped(Ui *ui, Rect r, const char *text, int size, Color c);
/* ... in at most max_lines lines, the last shortened with an ellipsis when the text goes
 * on; returns the lines drawn. */
int ui_text_wrapped_max(Ui *ui, Rect r, const char *text, int size, Color c, int max_lines);
/* The lines ui_text_wrapped_max would take in width w (at most max_lines), drawing nothing;
 * each is size + ui_px(ui, 3) high. */
int ui_text_lines(Ui *ui, const char *text, int size, int w, int max_lines);

/* A widget's id: a hash of str's contents within the enclosing ids (ui_push_id), the same
 * every frame. The short widget forms take their label's; the _ex forms an explicit one. */
uint32_t ui_id(const Ui *ui, const char *str);
void ui_push_id(Ui *ui, const char *str);
void ui_pop_id(Ui *ui);
/* The recipe every widget follows: take its rectangle, get its id, update hover and
 * activity from input; returns UI_HOVERED / UI_CLICKED flags. */
int ui_interact(Ui *ui, uint32_t id, Rect r);
void ui_set_tooltip(Ui *ui, const char *text);
/* Lets go of the focus (Esc): the arrow keys are the app's again. */
void ui_focus_release(Ui *ui);

int ui_button_ex(Ui *ui, uint32_t id, Rect r, const char *label, const char *tooltip, int highlighted);
int ui_button(Ui *ui, const char *label, const char *tooltip);

/* A horizontal slider over [lo, hi], logarithmic if log_scale; fmt formats the value.
 * Dragging or clicking the track changes it, and, while it has the focus, the arrow keys
 * (right/up more, left/down less, by 2% of the track). A value outside [lo, hi] that the
 * user does not touch is kept, not clamped. */
int ui_slider_ex(Ui *ui, uint32_t id, Rect r, const char *label, double *value, double lo, double hi,
                 int log_scale, const char *fmt, const char *tooltip);
int ui_slider(Ui *ui, const char *label, double *value, double lo, double hi, const char *fmt,
              const char *tooltip);
int ui_slider_log(Ui *ui, const char *label, double *value, double lo, double hi,
                  const char *fmt, const char *tooltip);
/* Whole numbers; log_scale for sizes that span decades (hidden, seq_len, batch). */
int ui_slider_int(Ui *ui, const char *label, int *value, int lo, int hi, int log_scale,
                  const char *tooltip);

/* One of n words: a click on the right half steps forward, on the left half back; so do
 * right/up and left/down while it has the focus. */
int ui_choice_ex(Ui *ui, uint32_t id, Rect r, const char *label, int *value, const char *const *words, int n,
                 const char *tooltip);
int ui_choice(Ui *ui, const char *label, int *value, const char *const *words, int n,
              const char *tooltip);

int ui_toggle(Ui *ui, const char *label, int *value, const char *tooltip);

#endif
