/* rich.c: word wrapping across styled spans. Emphasis is drawn in the accent colour and
 * inline code on a tinted background, since the panel has one typeface. */
#include "rich.h"

#include <string.h>

int ui_rich_text(Ui *ui, Rect r, const Span *spans, int n, int size, int measure_only)
{
    const Theme *t = ui->theme;
    int lh = size + ui_px(ui, 4), x = r.x, y = r.y, space = ui_text_width(ui, " ", size);
    if (space < 2)
        space = size / 3;
    int line_has_text = 0, pending_space = 0; /* whitespace seen since the last word */
    for (int i = 0; i < n; i++) {
        const char *p = spans[i].text;
        Color c = spans[i].style == SPAN_EMPH ? t->accent : t->text;
        while (*p) {
            while (*p == ' ' || *p == '\n') {
                pending_space = 1;
                p++;
            }
            if (!*p)
                break;
            const char *e = p;
            while (*e && *e != ' ' && *e != '\n')
                e++;
            char word[256];
            size_t len = (size_t)(e - p) < sizeof word - 1 ? (size_t)(e - p) : sizeof word - 1;
            memcpy(word, p, len);
            word[len] = '\0';
            int w = ui_text_width(ui, word, size);
            /* glue to the previous span when there is no space between them */
            int gap = line_has_text && pending_space ? space : 0;
            if (line_has_text && x + gap + w > r.x + r.w) {
                x = r.x;
                y += lh;
                gap = 0;
            }
            x += gap;
            if (!measure_only && ui_line_visible(ui, y, size)) {
                if (spans[i].style == SPAN_CODE) {
                    Color bg = t->grid;
                    draw_rect(ui->dl, (Rect){x - 2, y - 1, w + 4, size + 3}, bg);
                }
                draw_text(ui->dl, x, y, size, c, word);
                if (spans[i].style == SPAN_STRONG) /* a second pass one pixel over: bolder */
                    draw_text(ui->dl, x + 1, y, size, c, word);
            }
            x += w;
            line_has_text = 1;
            pending_space = 0;
            p = e;
        }
    }
    return line_has_text ? y - r.y + lh : 0;
}
