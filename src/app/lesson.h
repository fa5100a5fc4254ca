/* lesson.h: a lesson is a Markdown file (parsed with libcmark): '#' title and summary,
 * '##' steps, each with text and fenced blocks: `rnnlab` (settings and actions),
 * `question` (predict, then run; the answer after a '---' line) and `check` (claims the
 * tests verify by running the step). See lessons/README.md. No SDL, no drawing. */
#ifndef RNNLAB_LESSON_H
#define RNNLAB_LESSON_H

#include "../core/config.h"
#include "../ui/rich.h"

#include <stddef.h>
#include <stdint.h>

#define LESSON_ERR_LEN 600

typedef enum { BLOCK_PARAGRAPH, BLOCK_ITEM, BLOCK_CODE } BlockKind;

typedef struct {
    BlockKind kind;
    char marker[16]; /* "•" or "3." for list items */
    int depth;       /* list nesting, 0 for paragraphs */
    Span *spans;
    int n_spans;
} Block;

typedef enum { CHECK_LT, CHECK_LE, CHECK_GT, CHECK_GE, CHECK_EQ } CheckOp;

typedef struct {
    char quantity[32]; /* loss, metric, grad_ratio, ... (see lesson_quantity_names) */
    CheckOp op;
    double value;
    int times_baseline; /* the value is a multiple of the task's baseline */
    unsigned seeds;     /* "on seeds 1,3-5": bit s-1 for each seed the claim is made for; 0 = every seed */
    /* "in N of K seeds" (a step with seeds=K): the claim is that exactly N of the K runs
     * satisfy the comparison; 0 when not given */
    int in_runs, of_runs;
    int line;
} Check;

typedef struct {
    char *key, *value; /* settings, in order */
    int line;
} Setting;

typedef struct {
    char *heading;
    int line;
    Block *blocks;
    int n_blocks;
    Setting *settings;
    int n_settings;
    int reset, pause;
    long run;             /* 0: no run */
    int focus;            /* a view, or -1 */
    int show[8], hide[8]; /* per view (views.h's table): 1 if named */
    char *compare;        /* "KEY=A,B", "off", or NULL: compare mode from this step on */
    char *question, *answer;   /* as written */
    Span *q_spans, *a_spans;   /* ... and as styled text (emphasis, code) */
    int n_q, n_a;
    Check *checks;
    int n_checks;
} LessonStep;

typedef struct {
    char *path;
    char *title;
    char *summary;
    LessonStep *steps;
    int n_steps;
} Lesson;

/* Parses text (len bytes) read from `path`. Returns 0, or -1 with "path:line: message"
 * in err; a lesson that fails still holds what was parsed up to the problem. */
int lesson_parse(Lesson *l, const char *path, const char *text, size_t len, char *err, size_t errlen);
int lesson_load(Lesson *l, const char *path, char *err, size_t errlen);
void lesson_free(Lesson *l);
/* Whether path names a lesson rather than an experiment file: by its name, *.md (a file
 * dropped on the window, rnnlab FILE). */
int lesson_is_lesson_path(const char *path);

/* The configuration in force at step k (0-based): base, then every step's settings up to
 * and including k. Returns 0, or -1 with path:line: message. */
int lesson_config_at(const Lesson *l, int k, const Config *base, Config *out, char *err, size_t errlen);


const char *lesson_quantity_names(void);
/* Whether check c is a claim about a run from this seed. */
int lesson_check_applies(const Check *c, uint64_t seed);
/* The claim as the lesson writes it ("loss < 0.01*baseline in 3 of 5 seeds"), into buf. */
const char *lesson_check_text(const Check *c, char *buf, size_t len);

#endif
