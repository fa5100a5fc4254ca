/* lesson.c: the lesson format on top of libcmark's tree. cmark does the Markdown; this file
 * only walks the top-level blocks, keeps the inline styles the panel can show, and checks
 * the fenced blocks line by line so every mistake is reported as file:line: message. */
#include "lesson.h"

#include "../views/views.h"

#include "../core/fileio.h"

#include <cmark.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static const char *const QUANTITIES[] = {"loss", "metric", "final_loss", "grad_first", "grad_last",
                                         "grad_ratio", "cell_ratio", "sigma_max", "diverged",
                                         "clipped_fraction", "step", "baseline", "depth_ratio", "layer_ratio"};
#define N_QUANTITIES (sizeof QUANTITIES / sizeof QUANTITIES[0])

const char *lesson_quantity_names(void)
{
    return "loss, metric (means over the last 20 steps of the run), final_loss, grad_first "
           "(||dL/dh_0||), grad_last (||dL/dh_{T-1}||), grad_ratio (first/last), cell_ratio "
           "(the same for dL/dc), sigma_max, diverged (0 or 1), clipped_fraction, step, baseline, "
           "depth_ratio (||dL/dh_0|| of layer 0 / ||dL/dh_{T-1}|| of the top layer), layer_ratio (the same at "
           "layer 0's last step); grad_* are the top layer's";
}

static char *dup(const char *s)
{
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (d)
        memcpy(d, s, n + 1);
    return d;
}

static int fail_at(char *err, size_t errlen, const char *path, int line, const char *fmt, ...)
{
    char msg[LESSON_ERR_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(err, errlen, "%s:%d: %s", path, line, msg);
    return -1;
}

/* ---- inline text ---- */

typedef struct {
    Span *spans;
    int n, cap;
} SpanList;

static void span_add(SpanList *sl, SpanStyle style, const char *text)
{
    if (!*text)
        return;
    if (sl->n == sl->cap) {
        int cap = sl->cap ? sl->cap * 2 : 8;
        Span *g = realloc(sl->spans, (size_t)cap * sizeof(Span));
        if (!g)
            return;
        sl->spans = g;
        sl->cap = cap;
    }
    sl->spans[sl->n].style = style;
    sl->spans[sl->n].text = dup(text);
    if (sl->spans[sl->n].text)
        sl->n++;
}

/* How deep lists, quotes and emphasis may nest in a lesson: far more than any lesson needs,
 * and what keeps the recursive walks below (collect_inlines, add_list) shallow. */
#define LESSON_MAX_NESTING 32

static int is_leaf(cmark_node_type t)
{
    return t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE || t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK ||
           t == CMARK_NODE_HTML_INLINE || t == CMARK_NODE_CODE_BLOCK || t == CMARK_NODE_HTML_BLOCK ||
           t == CMARK_NODE_THEMATIC_BREAK;
}

/* Walks root without recursion (cmark's iterator); returns 0 when nothing nests deeper
 * than LESSON_MAX_NESTING, else the line where it first does (1 when cmark knows none). */
static int too_deep(cmark_node *root)
{
    cmark_iter *it = cmark_iter_new(root);
    if (!it)
        return 1;
    int depth = 0, line = 0;
    cmark_event_type ev;
    while (!line && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        if (is_leaf(cmark_node_get_type(n)))
            continue;
        depth += ev == CMARK_EVENT_ENTER ? 1 : -1;
        if (depth > LESSON_MAX_NESTING + 1) { /* the document itself is the first level */
            for (cmark_node *p = n; p && !line; p = cmark_node_parent(p))
                line = cmark_node_get_start_line(p);
            line = line > 0 ? line : 1;
        }
    }
    cmark_iter_free(it);
    return line;
}

/* Flattens the inlines under node into styled spans; nested lists are left to the caller.
 * The depth it recurses to is bounded by too_deep's check. */
static void collect_inlines(cmark_node *node, SpanList *sl, SpanStyle style)
{
    for (cmark_node *c = cmark_node_first_child(node); c; c = cmark_node_next(c)) {
        switch (cmark_node_get_type(c)) {
        case CMARK_NODE_TEXT: span_add(sl, style, cmark_node_get_literal(c)); break;
        case CMARK_NODE_CODE: span_add(sl, SPAN_CODE, cmark_node_get_literal(c)); break;
        case CMARK_NODE_SOFTBREAK:
        case CMARK_NODE_LINEBREAK: span_add(sl, style, " "); break;
        case CMARK_NODE_EMPH: collect_inlines(c, sl, style == SPAN_TEXT ? SPAN_EMPH : style); break;
        case CMARK_NODE_STRONG: collect_inlines(c, sl, SPAN_STRONG); break;
        case CMARK_NODE_LINK: /* links are shown as their text */
        default: collect_inlines(c, sl, style); break;
        }
    }
}

/* Markdown text (a question or an answer) as one run of styled spans. Returns 0, or the
 * line (within md) where it nests too deep (then nothing is made). */
static int markdown_spans(const char *md, Span **spans, int *n)
{
    SpanList sl = {0};
    cmark_node *doc = cmark_parse_document(md, strlen(md), CMARK_OPT_DEFAULT);
    int deep = doc ? too_deep(doc) : 0;
    if (doc && !deep) {
        for (cmark_node *c = cmark_node_first_child(doc); c; c = cmark_node_next(c)) {
            if (sl.n)
                span_add(&sl, SPAN_TEXT, " ");
            collect_inlines(c, &sl, SPAN_TEXT);
        }
    }
    if (doc)
        cmark_node_free(doc);
    *spans = sl.spans;
    *n = sl.n;
    return deep;
}

static int block_add(LessonStep *st, BlockKind kind, const char *marker, int depth, SpanList *sl)
{
    Block *g = realloc(st->blocks, (size_t)(st->n_blocks + 1) * sizeof(Block));
    if (!g)
        return -1;
    st->blocks = g;
    Block *b = &st->blocks[st->n_blocks++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    snprintf(b->marker, sizeof b->marker, "%s", marker ? marker : "");
    b->depth = depth;
    b->spans = sl->spans;
    b->n_spans = sl->n;
    memset(sl, 0, sizeof *sl);
    return 0;
}

static void add_list(LessonStep *st, cmark_node *list, int depth)
{
    int ordered = cmark_node_get_list_type(list) == CMARK_ORDERED_LIST;
    int number = cmark_node_get_list_start(list);
    for (cmark_node *item = cmark_node_first_child(list); item; item = cmark_node_next(item), number++) {
        char marker[16];
        if (ordered)
            snprintf(marker, sizeof marker, "%d.", number);
        else
            snprintf(marker, sizeof marker, "\u2022");
        int first = 1;
        for (cmark_node *c = cmark_node_first_child(item); c; c = cmark_node_next(c)) {
            if (cmark_node_get_type(c) == CMARK_NODE_LIST) {
                add_list(st, c, depth + 1);
                continue;
            }
            SpanList sl = {0};
            collect_inlines(c, &sl, SPAN_TEXT);
            block_add(st, BLOCK_ITEM, first ? marker : "", depth, &sl);
            first = 0;
        }
    }
}

/* ---- fenced blocks ---- */

/* The next non-blank line of a fenced block, its '#' comment cut and the rest trimmed;
 * *line is the file's line number of what it returns. NULL at the end. */
static char *block_next(char **cursor, int *line)
{
    while (*cursor) {
        char *ln = *cursor, *nl = strchr(ln, '\n');
        if (nl) {
            *nl = '\0';
            *cursor = nl + 1;
        } else {
            *cursor = NULL;
        }
        (*line)++;
        char *hash = strchr(ln, '#');
        if (hash)
            *hash = '\0';
        char *s = config_trim(ln);
        if (*s)
            return s;
    }
    return NULL;
}

static int parse_views(const char *list, int *flags, const char *path, int line, char *err, size_t errlen)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        char *name = config_trim(tok);
        int v = view_find(name);
        char names[128];
        if (v < 0)
            return fail_at(err, errlen, path, line, "unknown view '%s'; views are %s", name,
                           view_names_list(names, sizeof names));
        flags[v] = 1;
    }
    return 0;
}

static int parse_rnnlab_block(LessonStep *st, const char *literal, int first_line, const char *path,
                              Config *probe, char *err, size_t errlen)
{
    char *text = dup(literal);
    if (!text)
        return fail_at(err, errlen, path, first_line, "out of memory");
    int line = first_line - 1, status = 0;
    char *cursor = text, *s;
    while (status == 0 && (s = block_next(&cursor, &line))) {
        if (strcmp(s, "reset") == 0) {
            st->reset = 1;
            continue;
        }
        if (strcmp(s, "pause") == 0) {
            st->pause = 1;
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq) {
            status = fail_at(err, errlen, path, line,
                             "'%s' is neither key=value nor an action (run=N, pause, reset, focus=VIEW, show=VIEW,..., hide=VIEW,...)", s);
            break;
        }
        *eq = '\0';
        char *key = config_trim(s), *value = config_trim(eq + 1);
        if (strcmp(key, "run") == 0) {
            char *end;
            errno = 0;
            long n = strtol(value, &end, 10);
            if (!*value || *end || errno || n < 1 || n > 1000000)
                status = fail_at(err, errlen, path, line, "run=%s: expected a whole number of steps from 1 to 1000000", value);
            st->run = n;
        } else if (strcmp(key, "focus") == 0) {
            st->focus = view_find(value);
            char names[128];
            if (st->focus < 0)
                status = fail_at(err, errlen, path, line, "focus=%s: unknown view; views are %s", value,
                                 view_names_list(names, sizeof names));
        } else if (strcmp(key, "show") == 0) {
            status = parse_views(value, st->show, path, line, err, errlen);
        } else if (strcmp(key, "hide") == 0) {
            status = parse_views(value, st->hide, path, line, err, errlen);
        } else if (strcmp(key, "compare") == 0) {
            const char *eq = strchr(value, '='), *comma = eq ? strchr(eq + 1, ',') : NULL;
            if (strcmp(value, "off") != 0 && (!eq || !comma || eq == value || !comma[1])) {
                status = fail_at(err, errlen, path, line,
                                 "compare=%s: expected compare=KEY=A,B (for example compare=model=rnn,lstm) or compare=off", value);
            } else {
                free(st->compare);
                st->compare = dup(value);
            }
        } else {
            /* a configuration key: checked now against the configuration so far */
            char pair[1200], msg[CONFIG_ERR_LEN];
            snprintf(pair, sizeof pair, "%s=%s", key, value);
            if (config_set(probe, pair, msg, sizeof msg) != 0) {
                status = fail_at(err, errlen, path, line, "%s", msg);
                break;
            }
            Setting *g = realloc(st->settings, (size_t)(st->n_settings + 1) * sizeof(Setting));
            if (!g) {
                status = fail_at(err, errlen, path, line, "out of memory");
                break;
            }
            st->settings = g;
            st->settings[st->n_settings].key = dup(key);
            st->settings[st->n_settings].value = dup(value);
            st->settings[st->n_settings].line = line;
            st->n_settings++;
        }
    }
    free(text);
    return status;
}

/* "" (every seed) or " on seeds 1,3-5" into a mask (bit s-1 for seed s, 1 <= s <= 32). */
static int parse_seeds(const char *s, unsigned *mask)
{
    *mask = 0;
    while (*s == ' ' || *s == '\t')
        s++;
    if (!*s)
        return 0;
    if (strncmp(s, "on seeds ", 9) != 0)
        return -1;
    s += 9;
    for (;;) {
        char *end;
        long a = strtol(s, &end, 10), b = a;
        if (end == s)
            return -1;
        s = end;
        if (*s == '-') {
            b = strtol(s + 1, &end, 10);
            if (end == s + 1)
                return -1;
            s = end;
        }
        if (a < 1 || b > 32 || a > b)
            return -1;
        for (long k = a; k <= b; k++)
            *mask |= 1u << (k - 1);
        while (*s == ' ')
            s++;
        if (!*s)
            return 0;
        if (*s++ != ',')
            return -1;
        while (*s == ' ')
            s++;
    }
}

/* "in N of K seeds" at the start of s (after blanks): *in and *of set, s advanced past it;
 * nothing there leaves them 0. -1 when it starts so but is malformed. */
static int parse_runs(const char **s, int *in, int *of)
{
    const char *p = *s;
    while (*p == ' ' || *p == '\t')
        p++;
    *in = *of = 0;
    if (strncmp(p, "in ", 3) != 0)
        return 0;
    int used = 0;
    if (sscanf(p, "in %d of %d seeds%n", in, of, &used) != 2 || used == 0 || *of < 2 || *of > 8 || *in < 0 ||
        *in > *of)
        return -1;
    *s = p + used;
    return 0;
}

const char *lesson_check_text(const Check *c, char *buf, size_t len)
{
    static const char *const OPS[] = {"<", "<=", ">", ">=", "="};
    int n = snprintf(buf, len, "%s %s %g%s", c->quantity, OPS[c->op], c->value, c->times_baseline ? "*baseline" : "");
    if (c->of_runs && n >= 0 && (size_t)n < len)
        snprintf(buf + n, len - (size_t)n, " in %d of %d seeds", c->in_runs, c->of_runs);
    return buf;
}

int lesson_check_applies(const Check *c, uint64_t seed)
{
    return !c->seeds || (seed >= 1 && seed <= 32 && (c->seeds >> (seed - 1) & 1u));
}

static int parse_check_block(LessonStep *st, const char *literal, int first_line, const char *path,
                             char *err, size_t errlen)
{
    char *text = dup(literal);
    if (!text)
        return fail_at(err, errlen, path, first_line, "out of memory");
    int line = first_line - 1, status = 0;
    char *cursor = text, *s;
    while (status == 0 && (s = block_next(&cursor, &line))) {
        Check c = {0};
        c.line = line;
        char q[64], op[4], rhs[64];
        int used = 0;
        if (sscanf(s, "%63s %3s %63s%n", q, op, rhs, &used) != 3) {
            status = fail_at(err, errlen, path, line,
                             "'%s': a check is QUANTITY OP VALUE [in N of K seeds] [on seeds LIST], e.g. loss < 0.05", s);
            break;
        }
        const char *rest = s + used;
        if (parse_runs(&rest, &c.in_runs, &c.of_runs) != 0) {
            status = fail_at(err, errlen, path, line,
                             "'%s': expected 'in N of K seeds', K the step's seeds= (2 to 8), N at most K", s + used);
            break;
        }
        if (c.of_runs && strcmp(q, "loss") && strcmp(q, "metric") && strcmp(q, "final_loss") && strcmp(q, "grad_ratio")) {
            status = fail_at(err, errlen, path, line,
                             "'%s': 'in N of K seeds' counts runs by loss, metric, final_loss or grad_ratio only", s);
            break;
        }
        if (parse_seeds(rest, &c.seeds) != 0) {
            status = fail_at(err, errlen, path, line,
                             "'%s': after the value only 'in N of K seeds' and 'on seeds LIST' may follow, LIST "
                             "like 1,3-5 (seeds 1 to 32)",
                             rest);
            break;
        }
        int known = 0;
        for (size_t i = 0; i < N_QUANTITIES; i++)
            known |= strcmp(q, QUANTITIES[i]) == 0;
        if (!known) {
            status = fail_at(err, errlen, path, line, "unknown quantity '%s'; accepted: %s", q, lesson_quantity_names());
            break;
        }
        snprintf(c.quantity, sizeof c.quantity, "%.31s", q);
        if (!strcmp(op, "<"))
            c.op = CHECK_LT;
        else if (!strcmp(op, "<="))
            c.op = CHECK_LE;
        else if (!strcmp(op, ">"))
            c.op = CHECK_GT;
        else if (!strcmp(op, ">="))
            c.op = CHECK_GE;
        else if (!strcmp(op, "="))
            c.op = CHECK_EQ;
        else {
            status = fail_at(err, errlen, path, line, "'%s': the comparison must be <, <=, >, >= or =", op);
            break;
        }
        char *star = strstr(rhs, "*baseline");
        if (strcmp(rhs, "baseline") == 0) {
            c.value = 1;
            c.times_baseline = 1;
        } else {
            if (star)
                *star = '\0';
            char *end;
            errno = 0;
            c.value = strtod(rhs, &end);
            if (end == rhs || *end || errno) {
                status = fail_at(err, errlen, path, line, "'%s': expected a number, or a number*baseline", rhs);
                break;
            }
            c.times_baseline = star != NULL;
        }
        Check *g = realloc(st->checks, (size_t)(st->n_checks + 1) * sizeof(Check));
        if (!g)
            break;
        st->checks = g;
        st->checks[st->n_checks++] = c;
    }
    free(text);
    return status;
}

/* cmark runs an unclosed fence to the end of the document; find out from the source. */
static int fence_closed(const char *text, size_t len, int end_line, int start_line)
{
    if (end_line <= start_line)
        return 0;
    int line = 1;
    size_t i = 0;
    while (i < len && line < end_line) {
        if (text[i] == '\n')
            line++;
        i++;
    }
    while (i < len && (text[i] == ' ' || text[i] == '\t'))
        i++;
    return i + 3 <= len && (memcmp(text + i, "```", 3) == 0 || memcmp(text + i, "~~~", 3) == 0);
}

/* ---- the document ---- */

static int step_empty(const LessonStep *st)
{
    int views = 0;
    for (int v = 0; v < 8; v++)
        views |= st->show[v] | st->hide[v];
    return st->n_blocks == 0 && st->n_settings == 0 && !st->run && !st->question && !st->reset &&
           !st->pause && st->focus < 0 && !st->compare && !views && st->n_checks == 0;
}

/* The plain text of node's inlines, styles dropped, cut to fit out (size bytes). */
static void plain_text(cmark_node *node, char *out, size_t size)
{
    SpanList sl = {0};
    collect_inlines(node, &sl, SPAN_TEXT);
    out[0] = '\0';
    for (int i = 0; i < sl.n; i++) {
        strncat(out, sl.spans[i].text, size - strlen(out) - 1);
        free(sl.spans[i].text);
    }
    free(sl.spans);
}

/* A heading at `line`: '#' the title, '##' a new step (*st), deeper a bold paragraph of the
 * current step. Returns 0, or -1 with path:line: message. */
static int lesson_heading(Lesson *l, LessonStep **st, cmark_node *n, int line, const char *path, char *err,
                          size_t errlen)
{
    int level = cmark_node_get_heading_level(n);
    char heading[512];
    plain_text(n, heading, sizeof heading);
    if (level == 1) {
        if (l->title)
            return fail_at(err, errlen, path, line, "a second '#' title; a lesson has one, and '##' starts a step");
        l->title = dup(heading);
    } else if (level == 2) {
        if (!l->title)
            return fail_at(err, errlen, path, line, "a step before the lesson's '#' title");
        if (*st && step_empty(*st))
            return fail_at(err, errlen, path, (*st)->line, "step '%s' has nothing in it", (*st)->heading);
        LessonStep *g = realloc(l->steps, (size_t)(l->n_steps + 1) * sizeof(LessonStep));
        if (!g)
            return fail_at(err, errlen, path, line, "out of memory");
        l->steps = g;
        *st = &l->steps[l->n_steps++];
        memset(*st, 0, sizeof **st);
        (*st)->heading = dup(heading);
        (*st)->line = line;
        (*st)->focus = -1;
    } else if (*st) { /* ### and deeper: shown as a paragraph of its own */
        SpanList h = {0};
        span_add(&h, SPAN_STRONG, heading);
        block_add(*st, BLOCK_PARAGRAPH, NULL, 0, &h);
    }
    return 0;
}

/* A ```question block: the question, a line '---', the answer. Returns 0, or -1 with
 * path:line: message. */
static int parse_question_block(LessonStep *st, const char *literal, int line, const char *path, char *err,
                                size_t errlen)
{
    if (st->question) /* (a second block would leak the first and hide it) */
        return fail_at(err, errlen, path, line, "a step has one question block; this is its second");
    char *q = dup(literal);
    if (!q)
        return fail_at(err, errlen, path, line, "out of memory");
    char *sep = strstr(q, "\n---");
    if (!sep && strncmp(q, "---", 3) != 0) {
        free(q);
        return fail_at(err, errlen, path, line, "a question needs its answer after a line '---'");
    }
    char *answer = sep ? sep + 4 : q + 3;
    if (sep)
        *sep = '\0';
    else
        q[0] = '\0';
    while (*answer && *answer != '\n')
        answer++;
    st->question = dup(config_trim(q));
    st->answer = dup(config_trim(answer));
    free(q);
    if (!st->question || !st->answer)
        return fail_at(err, errlen, path, line, "out of memory");
    if (markdown_spans(st->question, &st->q_spans, &st->n_q) || markdown_spans(st->answer, &st->a_spans, &st->n_a))
        return fail_at(err, errlen, path, line, "the question block nests lists, quotes or emphasis more than %d deep",
                       LESSON_MAX_NESTING);
    if (!st->question[0] || !st->answer[0])
        return fail_at(err, errlen, path, line, "a question needs both a question and an answer");
    return 0;
}

/* A fenced or indented code block at `line`: ```rnnlab, ```question and ```check are
 * ours; any other is shown as code. Returns 0, or -1 with path:line: message. */
static int lesson_code_block(LessonStep *st, cmark_node *n, int line, const char *text, size_t len,
                             const char *path, Config *probe, char *err, size_t errlen)
{
    const char *info = cmark_node_get_fence_info(n);
    const char *literal = cmark_node_get_literal(n);
    int fenced = info != NULL && cmark_node_get_end_line(n) >= line;
    char word[32] = "";
    if (info)
        sscanf(info, "%31s", word);
    int ours = !strcmp(word, "rnnlab") || !strcmp(word, "question") || !strcmp(word, "check");
    if (ours && fenced && !fence_closed(text, len, cmark_node_get_end_line(n), line))
        return fail_at(err, errlen, path, line, "the ```%s block is not closed (it needs a closing ``` line)", word);
    if (!strcmp(word, "rnnlab"))
        return parse_rnnlab_block(st, literal ? literal : "", line + 1, path, probe, err, errlen);
    if (!strcmp(word, "question"))
        return parse_question_block(st, literal ? literal : "", line, path, err, errlen);
    if (!strcmp(word, "check"))
        return parse_check_block(st, literal ? literal : "", line + 1, path, err, errlen);
    SpanList sl = {0};
    span_add(&sl, SPAN_CODE, literal ? literal : "");
    block_add(st, BLOCK_CODE, NULL, 0, &sl);
    return 0;
}

/* One top-level block of step st at `line`: paragraphs, lists, quotes and code blocks.
 * Returns 0, or -1 with path:line: message. */
static int lesson_block(LessonStep *st, cmark_node *n, int line, const char *text, size_t len, const char *path,
                        Config *probe, char *err, size_t errlen)
{
    switch (cmark_node_get_type(n)) {
    case CMARK_NODE_PARAGRAPH: {
        SpanList sl = {0};
        collect_inlines(n, &sl, SPAN_TEXT);
        block_add(st, BLOCK_PARAGRAPH, NULL, 0, &sl);
        break;
    }
    case CMARK_NODE_LIST: add_list(st, n, 0); break;
    case CMARK_NODE_BLOCK_QUOTE:
        for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c)) {
            SpanList sl = {0};
            collect_inlines(c, &sl, SPAN_EMPH);
            block_add(st, BLOCK_PARAGRAPH, NULL, 0, &sl);
        }
        break;
    case CMARK_NODE_CODE_BLOCK: return lesson_code_block(st, n, line, text, len, path, probe, err, errlen);
    default: break; /* thematic breaks, HTML: not shown */
    }
    return 0;
}

/* What the whole document must have: a title, a step, and a last step with something in it. */
static int lesson_finish(const Lesson *l, const LessonStep *st, const char *path, char *err, size_t errlen)
{
    if (!l->title)
        return fail_at(err, errlen, path, 1, "the lesson must start with a '#' title");
    if (l->n_steps == 0)
        return fail_at(err, errlen, path, 1, "no steps: each '##' heading starts one");
    if (st && step_empty(st))
        return fail_at(err, errlen, path, st->line, "step '%s' has nothing in it", st->heading);
    return 0;
}

int lesson_parse(Lesson *l, const char *path, const char *text, size_t len, char *err, size_t errlen)
{
    memset(l, 0, sizeof *l);
    l->path = dup(path);
    if (memchr(text, '\0', len))
        return fail_at(err, errlen, path, 1, "not a text file (it contains a NUL byte)");
    cmark_node *doc = cmark_parse_document(text, len, CMARK_OPT_DEFAULT);
    if (!doc)
        return fail_at(err, errlen, path, 1, "could not be parsed as Markdown");
    int deep = too_deep(doc);
    if (deep) {
        cmark_node_free(doc);
        return fail_at(err, errlen, path, deep, "lists, quotes or emphasis nested more than %d deep; a lesson needs "
                                                "a few levels at most", LESSON_MAX_NESTING);
    }
    int status = 0;
    LessonStep *st = NULL;
    Config probe;
    config_default(&probe);
    for (cmark_node *n = cmark_node_first_child(doc); n && status == 0; n = cmark_node_next(n)) {
        int line = cmark_node_get_start_line(n);
        cmark_node_type type = cmark_node_get_type(n);
        if (type == CMARK_NODE_HEADING) {
            status = lesson_heading(l, &st, n, line, path, err, errlen);
        } else if (!l->title) {
            status = fail_at(err, errlen, path, line, "the lesson must start with a '#' title");
        } else if (!st) { /* between the title and the first step: the summary */
            if (type == CMARK_NODE_PARAGRAPH && !l->summary) {
                char summary[2048];
                plain_text(n, summary, sizeof summary);
                l->summary = dup(summary);
            }
        } else {
            status = lesson_block(st, n, line, text, len, path, &probe, err, errlen);
        }
    }
    if (status == 0)
        status = lesson_finish(l, st, path, err, errlen);
    cmark_node_free(doc);
    return status;
}

int lesson_load(Lesson *l, const char *path, char *err, size_t errlen)
{
    memset(l, 0, sizeof *l);
    unsigned char *buf;
    size_t n;
    FileStatus st = file_read_all(path, (size_t)8 << 20, &buf, &n);
    if (st != FILE_OK) {
        file_read_error(err, errlen, path, st, errno, (size_t)8 << 20, "a lesson is a short Markdown file");
        return -1;
    }
    int r = lesson_parse(l, path, (const char *)buf, n, err, errlen);
    free(buf);
    return r;
}

int lesson_is_lesson_path(const char *path)
{
    size_t n = strlen(path);
    return n > 3 && strcmp(path + n - 3, ".md") == 0;
}

void lesson_free(Lesson *l)
{
    for (int s = 0; s < l->n_steps; s++) {
        LessonStep *st = &l->steps[s];
        for (int b = 0; b < st->n_blocks; b++) {
            for (int i = 0; i < st->blocks[b].n_spans; i++)
                free(st->blocks[b].spans[i].text);
            free(st->blocks[b].spans);
        }
        free(st->blocks);
        for (int i = 0; i < st->n_settings; i++) {
            free(st->settings[i].key);
            free(st->settings[i].value);
        }
        free(st->settings);
        free(st->checks);
        free(st->compare);
        for (int i = 0; i < st->n_q; i++)
            free(st->q_spans[i].text);
        for (int i = 0; i < st->n_a; i++)
            free(st->a_spans[i].text);
        free(st->q_spans);
        free(st->a_spans);
        free(st->question);
        free(st->answer);
        free(st->heading);
    }
    free(l->steps);
    free(l->summary);
    free(l->title);
    free(l->path);
    memset(l, 0, sizeof *l);
}

int lesson_config_at(const Lesson *l, int k, const Config *base, Config *out, char *err, size_t errlen)
{
    *out = *base;
    for (int s = 0; s <= k && s < l->n_steps; s++) {
        const LessonStep *st = &l->steps[s];
        for (int i = 0; i < st->n_settings; i++) {
            char pair[1200], msg[CONFIG_ERR_LEN];
            snprintf(pair, sizeof pair, "%s=%s", st->settings[i].key, st->settings[i].value);
            if (config_set(out, pair, msg, sizeof msg) != 0)
                return fail_at(err, errlen, l->path, st->settings[i].line, "%s", msg);
            /* a new task picks its own lengths unless the step sets them too, before the
             * task or after it */
            if (!strcmp(st->settings[i].key, "task")) {
                int later_len = 0, later_hidden = 0, later_lag = 0, later_sym = 0;
                for (int j = 0; j < st->n_settings; j++) {
                    if (j == i)
                        continue;
                    later_len |= !strcmp(st->settings[j].key, "seq_len");
                    later_hidden |= !strcmp(st->settings[j].key, "hidden");
                    later_lag |= !strcmp(st->settings[j].key, "lag");
                    later_sym |= !strcmp(st->settings[j].key, "symbols");
                }
                if (!later_len)
                    out->seq_len = 0;
                if (!later_hidden)
                    out->hidden = 0;
                if (!later_lag)
                    out->lag = 0;
                if (!later_sym)
                    out->symbols = 0;
            }
        }
        Config probe = *out;
        char msg[CONFIG_ERR_LEN];
        probe.shape_given = probe.loss_given = -1;
        if (config_resolve(&probe, msg, sizeof msg) != 0)
            return fail_at(err, errlen, l->path, st->line, "step '%s': %s", st->heading, msg);
    }
    out->shape_given = out->loss_given = -1;
    return 0;
}
