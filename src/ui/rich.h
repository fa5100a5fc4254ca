/* rich.h: styled runs of text (plain, emphasis, strong, inline code) and a word-wrapping
 * layout for them: how a lesson's paragraphs reach the panel. No SDL. */
#ifndef RNNLAB_RICH_H
#define RNNLAB_RICH_H

#include "ui.h"

typedef enum { SPAN_TEXT, SPAN_EMPH, SPAN_STRONG, SPAN_CODE } SpanStyle;

typedef struct {
    SpanStyle style;
    char *text;
} Span;

/* Lays the spans out word by word inside r's width starting at r.y (x0: the first line's
 * indent from r.x); draws them unless measure_only. Returns the height used. */
int ui_rich_text(Ui *ui, Rect r, const Span *spans, int n, int size, int measure_only);

#endif
