/* task.c: the task library. Each task is a sampler plus a few facts about it: shape,
 * loss, metric, memoryless baseline and a sentence a teacher can say. charlm also owns a
 * corpus, read from text= or generated from a small grammar. */
#include "task.h"

#include "fileio.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- what each task is ---- */

static const TaskKindInfo KINDS[] = {
    [TASK_XOR] = {"xor", SHAPE_ONE_TO_ONE, LOSS_XENT, 1, 0, 8, 0, 1, 1, "accuracy", 0,
                  "Two bits in, their exclusive or out.",
                  "One-to-one: a single step, so the RNN is a plain feed-forward network."},
    [TASK_WAVE] = {"wave", SHAPE_ONE_TO_MANY, LOSS_MSE, 30, 0, 16, 0, 2, 1000, "mse", 1,
                   "A code at the first step names one of six sine waves; draw that wave.",
                   "One-to-many: one input, a sequence out, as in captioning an image."},
    [TASK_ADDING] = {"adding", SHAPE_MANY_TO_ONE, LOSS_MSE, 50, 0, 32, 0, 2, 1000,
                     "accuracy (|error| < 0.04)", 0,
                     "Two numbers in a long stream are marked; output their sum.",
                     "Many-to-one: the answer comes once, after the whole stream."},
    [TASK_PARITY] = {"parity", SHAPE_MANY_TO_ONE, LOSS_XENT, 3, 0, 16, 0, 1, 1000, "accuracy", 0,
                     "A string of bits in; is the number of ones odd?",
                     "Many-to-one: one verdict on the whole string, which depends on every bit."},
    [TASK_ORDER] = {"order", SHAPE_MANY_TO_ONE, LOSS_XENT, 20, 0, 32, 0, 10, 1000, "accuracy", 0,
                    "Two symbols, X or Y, hide among distractors; say in which order they came "
                    "(Hochreiter & Schmidhuber 1997).",
                    "Many-to-one: one of four classes for the whole sequence."},
    [TASK_SENTIMENT] = {"sentiment", SHAPE_MANY_TO_ONE, LOSS_XENT, 20, 0, 32, 0, 8, 1000,
                        "accuracy", 0,
                        "Generated film reviews: is it positive? In one review of three an "
                        "early 'not' flips a 'good' or 'bad' much later.",
                        "Many-to-one: a review in, one label out, as in sentiment analysis."},
    [TASK_ECHO] = {"echo", SHAPE_MANY_TO_MANY, LOSS_XENT, 20, 3, 32, 4, 2, 1000, "accuracy", 0,
                   "Repeat each symbol `lag` steps after it was seen.",
                   "Many-to-many: an output at every step, equal lengths, as in tagging."},
    [TASK_SINE] = {"sine", SHAPE_MANY_TO_MANY, LOSS_MSE, 50, 0, 32, 0, 2, 1000, "mse", 1,
                   "Forecast the next value of a noisy sum of three sine waves.",
                   "Many-to-many: a forecast at every step, as in time-series prediction."},
    [TASK_CHARLM] = {"charlm", SHAPE_MANY_TO_MANY, LOSS_XENT, 32, 0, 64, 0, 2, 1000, "accuracy", 0,
                     "Predict the next character of a text (text=FILE, or a generated "
                     "corpus whose verbs agree with distant subjects).",
                     "Many-to-many: a prediction at every character, as in language modelling."},
    [TASK_COPY] = {"copy", SHAPE_MANY_TO_MANY, LOSS_XENT, 5, 0, 32, 0, 1, 980,
                   "accuracy on the 10 recalled symbols", 0,
                   "Remember 10 symbols through seq_len blanks, then write them out "
                   "(Arjovsky, Shah & Bengio 2016).",
                   "Many-to-many with equal lengths, but the answer comes long after the question."},
    [TASK_REVERSE] = {"reverse", SHAPE_SEQ2SEQ, LOSS_XENT, 5, 0, 64, 6, 1, 500,
                      "accuracy (decoder fed its own predictions)", 0,
                      "A sequence of symbols in, the same sequence reversed out.",
                      "Seq2seq: an encoder reads it all, then a decoder writes, as in translation."},
};

const TaskKindInfo *task_kind_info(TaskKind kind) { return &KINDS[kind]; }

/* ---- the fixed parts of some tasks ---- */

#define WAVE_CODES 6
static const double WAVE_PERIOD[WAVE_CODES] = {8, 8, 12, 12, 20, 20};
static const double WAVE_PHASE[WAVE_CODES] = {0, M_PI / 2, 0, M_PI / 2, 0, M_PI / 2};
#define WAVE_AMPLITUDE 0.8

#define SINE_N 3
static const double SINE_PERIOD[SINE_N] = {7, 13, 29};
static const double SINE_AMPLITUDE[SINE_N] = {0.5, 0.3, 0.2};
#define SINE_NOISE 0.05

enum { ORD_A, ORD_B, ORD_C, ORD_D, ORD_X, ORD_Y, ORD_START, ORD_END, ORD_N };
static const char *const ORDER_NAMES[ORD_N] = {"a", "b", "c", "d", "X", "Y", "E", "B"};
static const char *const ORDER_CLASSES[4] = {"XX", "XY", "YX", "YY"};

enum { SEN_FILLERS = 8, SEN_NOT = 8, SEN_VERY, SEN_GOOD, SEN_GREAT, SEN_BAD, SEN_AWFUL, SEN_STOP, SEN_N };
static const char *const SENTIMENT_WORDS[SEN_N] = {
    "the", "movie", "was", "plot", "actors", "and", "it", "film",
    "not", "very", "good", "great", "bad", "awful", "."};

#define COPY_SYMBOLS 8
#define COPY_LEN 10

/* ---- sizes ---- */

TaskInfo task_info(const Config *cfg)
{
    TaskInfo t = {0};
    const TaskKindInfo *k = &KINDS[cfg->task];
    t.shape = k->shape;
    t.loss = k->loss;
    t.T = cfg->seq_len;
    switch (cfg->task) {
    case TASK_XOR: t.I = 2, t.O = 2; break;
    case TASK_WAVE: t.I = WAVE_CODES, t.O = 1; break;
    case TASK_ADDING: t.I = 2, t.O = 1; break;
    case TASK_PARITY: t.I = 2, t.O = 2; break;
    case TASK_ORDER: t.I = ORD_N, t.O = 4; break;
    case TASK_SENTIMENT: t.I = SEN_N, t.O = 2; break;
    case TASK_ECHO: t.I = cfg->symbols, t.O = cfg->symbols + 1; break;
    case TASK_SINE: t.I = 1, t.O = 1; break;
    case TASK_CHARLM: t.I = t.O = 0; break; /* the vocabulary decides */
    case TASK_COPY:
        t.I = COPY_SYMBOLS + 2, t.O = COPY_SYMBOLS + 1;
        t.T = cfg->seq_len + 2 * COPY_LEN; /* symbols, seq_len-1 blanks, delimiter, recall */
        break;
    case TASK_REVERSE:
        t.I = cfg->symbols, t.O = cfg->symbols;
        t.Td = cfg->seq_len;
        t.Id = cfg->symbols + 1; /* the previous symbol, or the start symbol */
        break;
    }
    return t;
}

/* ---- charlm's corpus ---- */

/* A grammar whose verbs agree in number with a subject that a relative clause may push
 * far back: "the cats that the dog chased sit on the mat." */
static char *generate_corpus(uint64_t seed, size_t target, size_t *len)
{
    static const char *const sing[] = {"cat", "dog", "bird", "fox"};
    static const char *const plur[] = {"cats", "dogs", "birds", "foxes"};
    static const char *const vs[] = {"sits", "runs", "sleeps", "waits"};
    static const char *const vp[] = {"sit", "run", "sleep", "wait"};
    static const char *const rel[] = {"saw", "chased", "liked"};
    static const char *const place[] = {"on the mat", "under the tree", "near the log", "in the box"};
    Rng r;
    rng_seed(&r, seed, 5);
    char *buf = malloc(target + 256);
    if (!buf)
        return NULL;
    size_t n = 0;
    while (n < target) {
        int plural = rng_int(&r, 2);
        n += (size_t)sprintf(buf + n, "the %s", plural ? plur[rng_int(&r, 4)] : sing[rng_int(&r, 4)]);
        if (rng_int(&r, 2)) {
            int p2 = rng_int(&r, 2);
            n += (size_t)sprintf(buf + n, " that the %s %s", p2 ? plur[rng_int(&r, 4)] : sing[rng_int(&r, 4)],
                                 rel[rng_int(&r, 3)]);
        }
        int v = rng_int(&r, 4);
        n += (size_t)sprintf(buf + n, " %s %s. ", plural ? vp[v] : vs[v], place[rng_int(&r, 4)]);
    }
    *len = n;
    return buf;
}

/* Decodes one UTF-8 code point at s (n bytes left); returns its length or 0 if invalid. */
static int utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    int len = (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
    if (!len || (size_t)len > n)
        return 0;
    uint32_t v = s[0] & (0x7f >> len);
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3f);
    }
    static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (v < min[len] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return len;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

#define TEXT_MAX_BYTES ((size_t)64 << 20)

static int load_corpus(Task *task, char *err, size_t errlen)
{
    const Config *cfg = &task->cfg;
    unsigned char *bytes = NULL;
    size_t n = 0;
    const char *path = cfg->text;
    if (path[0]) {
        FileStatus st = file_read_all(path, TEXT_MAX_BYTES, &bytes, &n);
        if (st == FILE_CANNOT_OPEN) {
            snprintf(err, errlen, "text=%s: cannot open: %s", path, strerror(errno));
            return -1;
        }
        if (st == FILE_CANNOT_READ) {
            snprintf(err, errlen, "text=%s: cannot read the file", path);
            return -1;
        }
        if (st == FILE_TOO_LARGE) {
            snprintf(err, errlen, "text=%s: larger than %zu MB; give a shorter text", path,
                     TEXT_MAX_BYTES >> 20);
            return -1;
        }
        if (n == 0) {
            free(bytes);
            snprintf(err, errlen, "text=%s: the file is empty; charlm needs at least seq_len+1 = %d characters",
                     path, cfg->seq_len + 1);
            return -1;
        }
    } else {
        bytes = (unsigned char *)generate_corpus(cfg->seed, 60000, &n);
        if (!bytes) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
    }
    /* Decode, rejecting binary files and invalid UTF-8 with the offending offset. */
    task->corpus = malloc(n * sizeof(int));
    uint32_t *cps = malloc(n * sizeof(uint32_t));
    if (!task->corpus || !cps) {
        free(cps);
        free(bytes);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    size_t count = 0;
    for (size_t i = 0; i < n;) {
        unsigned char b = bytes[i];
        if (b == 0 || (b < 0x20 && b != '\n' && b != '\t' && b != '\r' && b != '\f') || b == 0x7f) {
            snprintf(err, errlen, "text=%s: looks like a binary file (byte 0x%02x at offset %zu); "
                     "charlm accepts UTF-8 or ASCII text", path, b, i);
            free(cps);
            free(bytes);
            return -1;
        }
        uint32_t cp;
        int len = utf8_decode(bytes + i, n - i, &cp);
        if (!len) {
            snprintf(err, errlen, "text=%s: not valid UTF-8 at byte offset %zu; charlm accepts "
                     "UTF-8 or ASCII text", path, i);
            free(cps);
            free(bytes);
            return -1;
        }
        cps[count++] = cp;
        i += (size_t)len;
    }
    free(bytes);
    if (count < (size_t)cfg->seq_len + 1) {
        snprintf(err, errlen, "text=%s: has %zu character%s; charlm needs at least seq_len+1 = %d "
                 "(set a smaller seq_len)", path, count, count == 1 ? "" : "s", cfg->seq_len + 1);
        free(cps);
        return -1;
    }
    /* The vocabulary: distinct code points, sorted. */
    uint32_t *sorted = malloc(count * sizeof(uint32_t));
    if (!sorted) {
        free(cps);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    memcpy(sorted, cps, count * sizeof(uint32_t));
    qsort(sorted, count, sizeof(uint32_t), cmp_u32);
    int nv = 0;
    for (size_t i = 0; i < count; i++) {
        if (i > 0 && sorted[i] == sorted[i - 1])
            continue;
        if (nv == TASK_MAX_VOCAB) {
            snprintf(err, errlen, "text=%s: has more than %d distinct characters; at most %d are accepted",
                     path, TASK_MAX_VOCAB, TASK_MAX_VOCAB);
            free(sorted);
            free(cps);
            return -1;
        }
        task->vocab[nv++] = sorted[i];
    }
    free(sorted);
    if (nv < 2) {
        snprintf(err, errlen, "text=%s: uses a single distinct character; charlm needs at least 2", path);
        free(cps);
        return -1;
    }
    task->n_vocab = nv;
    for (size_t i = 0; i < count; i++) {
        uint32_t *hit = bsearch(&cps[i], task->vocab, (size_t)nv, sizeof(uint32_t), cmp_u32);
        task->corpus[i] = (int)(hit - task->vocab);
    }
    task->corpus_len = count;
    free(cps);
    return 0;
}

/* The best memoryless next-character predictor knows only the current character: its
 * loss is the conditional entropy H(next | current) of the corpus's bigrams. */
static double bigram_entropy(const Task *task)
{
    int V = task->n_vocab;
    double *counts = calloc((size_t)V * V, sizeof(double)), *row = calloc((size_t)V, sizeof(double));
    if (!counts || !row) {
        free(row);
        free(counts);
        return NAN;
    }
    size_t n = task->corpus_len - 1;
    for (size_t i = 0; i < n; i++) {
        counts[task->corpus[i] * V + task->corpus[i + 1]] += 1;
        row[task->corpus[i]] += 1;
    }
    double h = 0;
    for (int a = 0; a < V; a++)
        for (int b = 0; b < V; b++) {
            double c = counts[a * V + b];
            if (c > 0)
                h -= c / (double)n * log(c / row[a]);
        }
    free(row);
    free(counts);
    return h;
}

/* ---- baselines ---- */

static double wave_value(int code, int t)
{
    return WAVE_AMPLITUDE * sin(2 * M_PI * t / WAVE_PERIOD[code] + WAVE_PHASE[code]);
}

static double compute_baseline(const Task *task)
{
    const Config *cfg = &task->cfg;
    int T = cfg->seq_len;
    switch (task->kind) {
    case TASK_XOR:
    case TASK_PARITY:
    case TASK_SENTIMENT:
        /* The label is independent of any single input (for sentiment: of the '.' that
         * every review ends with), and both classes are equally likely. */
        return log(2.0);
    case TASK_ORDER: return log(4.0);
    case TASK_ADDING:
        /* Predicting E[y] = 1 leaves Var(u1 + u2) = 2/12. */
        return 1.0 / 6.0;
    case TASK_WAVE: {
        /* At t = 0 the code is visible, so y_0 is known; afterwards the input is zero at
         * every step of every wave, and the best constant is the mean of those values. */
        if (T < 2)
            return 0.0;
        double mean = 0, ss = 0;
        for (int k = 0; k < WAVE_CODES; k++)
            for (int t = 1; t < T; t++)
                mean += wave_value(k, t);
        mean /= (double)WAVE_CODES * (T - 1);
        for (int k = 0; k < WAVE_CODES; k++)
            for (int t = 1; t < T; t++)
                ss += (wave_value(k, t) - mean) * (wave_value(k, t) - mean);
        return ss / WAVE_CODES / T;
    }
    case TASK_ECHO: {
        /* y_t is independent of x_t, so the best memoryless predictor is the marginal of
         * the labels: 'nothing yet' with p0 = lag/T, each symbol with (1-p0)/S. Its
         * cross-entropy is that distribution's entropy. */
        double p0 = (double)cfg->lag / T, S = cfg->symbols;
        double h = -(1 - p0) * log((1 - p0) / S);
        if (p0 > 0)
            h -= p0 * log(p0);
        return h;
    }
    case TASK_SINE: {
        /* The best linear predictor from the current value alone: Var(x) - Cov(x_t,
         * x_{t+1})^2 / Var(x), with Var = sum a^2/2 + noise^2, Cov = sum a^2/2 cos(w). */
        double var = SINE_NOISE * SINE_NOISE, cov = 0;
        for (int k = 0; k < SINE_N; k++) {
            double p = SINE_AMPLITUDE[k] * SINE_AMPLITUDE[k] / 2;
            var += p;
            cov += p * cos(2 * M_PI / SINE_PERIOD[k]);
        }
        return var - cov * cov / var;
    }
    case TASK_CHARLM: return bigram_entropy(task);
    case TASK_COPY:
        /* Blanks until the recall, then a uniform guess among 8 (Arjovsky et al. 2016). */
        return COPY_LEN * log((double)COPY_SYMBOLS) / (T + 2 * COPY_LEN);
    case TASK_REVERSE:
        /* Without the encoder's memory each output symbol is a uniform guess. */
        return log((double)cfg->symbols);
    }
    return NAN;
}

int task_create(Task *task, const Config *cfg, char *err, size_t errlen)
{
    memset(task, 0, sizeof *task);
    task->kind = cfg->task;
    task->cfg = *cfg;
    task->info = task_info(cfg);
    if (cfg->task == TASK_CHARLM) {
        if (load_corpus(task, err, errlen) != 0) {
            task_destroy(task);
            return -1;
        }
        task->info.I = task->info.O = task->n_vocab;
    }
    task->baseline = compute_baseline(task);
    return 0;
}

void task_destroy(Task *task)
{
    free(task->corpus);
    memset(task, 0, sizeof *task);
}

double task_baseline(const Task *task) { return task->baseline; }

/* ---- batches ---- */

static size_t positions(const Batch *b)
{
    if (b->shape == SHAPE_SEQ2SEQ)
        return (size_t)b->Td * b->B;
    if (b->shape == SHAPE_ONE_TO_ONE || b->shape == SHAPE_MANY_TO_ONE)
        return (size_t)b->B;
    return (size_t)b->T * b->B;
}

int task_batch_create(Batch *batch, const Task *task)
{
    const TaskInfo *info = &task->info;
    memset(batch, 0, sizeof *batch);
    batch->T = info->T;
    batch->B = task->cfg.batch;
    batch->I = info->I;
    batch->O = info->O;
    batch->Td = info->Td;
    batch->Id = info->Id;
    batch->shape = info->shape;
    batch->loss = info->loss;
    size_t T = (size_t)batch->T, B = (size_t)batch->B, P = positions(batch);
    int ok = (batch->x = calloc(T * B * (size_t)info->I, sizeof(double))) != NULL;
    if (info->Td)
        ok = ok && (batch->xd = calloc((size_t)info->Td * B * info->Id, sizeof(double))) != NULL;
    if (info->loss == LOSS_MSE)
        ok = ok && (batch->y = calloc(P * (size_t)info->O, sizeof(double))) != NULL;
    else
        ok = ok && (batch->label = calloc(P, sizeof(int64_t))) != NULL;
    if (!ok) {
        task_batch_destroy(batch);
        return -1;
    }
    return 0;
}

void task_batch_destroy(Batch *batch)
{
    free(batch->label);
    free(batch->y);
    free(batch->xd);
    free(batch->x);
    memset(batch, 0, sizeof *batch);
}

/* x at (t, b), a row of I. */
static double *xat(const Batch *bt, int t, int b)
{
    return bt->x + ((size_t)t * bt->B + b) * bt->I;
}

static void sample_xor(Batch *bt, Rng *rng)
{
    for (int b = 0; b < bt->B; b++) {
        int u = rng_int(rng, 2), v = rng_int(rng, 2);
        xat(bt, 0, b)[0] = u;
        xat(bt, 0, b)[1] = v;
        bt->label[b] = u ^ v;
    }
}

static void sample_wave(Batch *bt, Rng *rng)
{
    for (int b = 0; b < bt->B; b++) {
        int code = rng_int(rng, WAVE_CODES);
        xat(bt, 0, b)[code] = 1.0;
        for (int t = 0; t < bt->T; t++)
            bt->y[(size_t)t * bt->B + b] = wave_value(code, t);
    }
}

static void sample_adding(Batch *bt, Rng *rng)
{
    int T = bt->T, half = T / 2;
    for (int b = 0; b < bt->B; b++) {
        int m1 = rng_int(rng, half);
        int m2 = half + rng_int(rng, T - half);
        for (int t = 0; t < T; t++) {
            double *x = xat(bt, t, b);
            x[0] = rng_uniform(rng);
            x[1] = (t == m1 || t == m2) ? 1.0 : 0.0;
        }
        bt->y[b] = xat(bt, m1, b)[0] + xat(bt, m2, b)[0];
    }
}

static void sample_parity(Batch *bt, Rng *rng)
{
    for (int b = 0; b < bt->B; b++) {
        int p = 0;
        for (int t = 0; t < bt->T; t++) {
            int bit = rng_int(rng, 2);
            xat(bt, t, b)[bit] = 1.0;
            p ^= bit;
        }
        bt->label[b] = p;
    }
}

static void sample_order(Batch *bt, Rng *rng)
{
    int T = bt->T, span = T / 10 > 1 ? T / 10 : 1;
    for (int b = 0; b < bt->B; b++) {
        int sym[1000];
        for (int t = 0; t < T; t++)
            sym[t] = rng_int(rng, 4); /* distractors a b c d */
        sym[0] = ORD_START;
        sym[T - 1] = ORD_END;
        int t1 = span + rng_int(rng, span), t2 = T / 2 + rng_int(rng, span);
        int s1 = rng_int(rng, 2), s2 = rng_int(rng, 2);
        sym[t1] = s1 ? ORD_Y : ORD_X;
        sym[t2] = s2 ? ORD_Y : ORD_X;
        for (int t = 0; t < T; t++)
            xat(bt, t, b)[sym[t]] = 1.0;
        bt->label[b] = 2 * s1 + s2; /* XX XY YX YY */
    }
}

/* A review of fillers ending in '.', one sentiment word in its last quarter, and in one
 * review of three a 'not' in its first quarter. Without the 'not' a network that remembers
 * only the recent word is right two times in three; the rest needs the long memory. */
static void sample_sentiment(Batch *bt, Rng *rng)
{
    int T = bt->T, quarter = T / 4 > 1 ? T / 4 : 1;
    for (int b = 0; b < bt->B; b++) {
        int tok[1000];
        for (int t = 0; t < T; t++)
            tok[t] = rng_int(rng, SEN_FILLERS);
        tok[T - 1] = SEN_STOP;
        int negated = rng_int(rng, 3) == 0;
        if (negated)
            tok[rng_int(rng, quarter)] = SEN_NOT;
        int ps = T - 1 - quarter + rng_int(rng, quarter); /* in the last quarter, before '.' */
        int word = SEN_GOOD + rng_int(rng, 4);
        tok[ps] = word;
        if (rng_int(rng, 2) && ps - 1 >= quarter)
            tok[ps - 1] = SEN_VERY;
        for (int t = 0; t < T; t++)
            xat(bt, t, b)[tok[t]] = 1.0;
        int positive = word == SEN_GOOD || word == SEN_GREAT;
        bt->label[b] = positive ^ negated;
    }
}

static void sample_echo(Batch *bt, const Config *cfg, Rng *rng)
{
    int T = bt->T, B = bt->B, S = cfg->symbols, lag = cfg->lag;
    for (int b = 0; b < B; b++) {
        int sym[1000];
        for (int t = 0; t < T; t++) {
            sym[t] = rng_int(rng, S);
            xat(bt, t, b)[sym[t]] = 1.0;
            bt->label[(size_t)t * B + b] = t >= lag ? sym[t - lag] : S;
        }
    }
}

static void sample_sine(Batch *bt, Rng *rng)
{
    int T = bt->T, B = bt->B;
    for (int b = 0; b < B; b++) {
        double phase[SINE_N];
        for (int k = 0; k < SINE_N; k++)
            phase[k] = rng_uniform_range(rng, 0, 2 * M_PI);
        for (int t = 0; t <= T; t++) {
            double v = SINE_NOISE * rng_normal(rng);
            for (int k = 0; k < SINE_N; k++)
                v += SINE_AMPLITUDE[k] * sin(2 * M_PI * t / SINE_PERIOD[k] + phase[k]);
            if (t < T)
                xat(bt, t, b)[0] = v;
            if (t > 0)
                bt->y[(size_t)(t - 1) * B + b] = v;
        }
    }
}

static void sample_charlm(const Task *task, Batch *bt, Rng *rng)
{
    int T = bt->T, B = bt->B;
    size_t starts = task->corpus_len - (size_t)T; /* windows of T+1 characters */
    for (int b = 0; b < B; b++) {
        size_t s = (size_t)(rng_uniform(rng) * (double)starts);
        for (int t = 0; t < T; t++) {
            xat(bt, t, b)[task->corpus[s + t]] = 1.0;
            bt->label[(size_t)t * B + b] = task->corpus[s + t + 1];
        }
    }
}

static void sample_copy(Batch *bt, const Config *cfg, Rng *rng)
{
    int T = bt->T, B = bt->B, blanks = cfg->seq_len;
    for (int b = 0; b < B; b++) {
        int sym[COPY_LEN];
        for (int i = 0; i < COPY_LEN; i++)
            sym[i] = 1 + rng_int(rng, COPY_SYMBOLS);
        for (int t = 0; t < T; t++) {
            int in = 0, out = 0;
            if (t < COPY_LEN)
                in = sym[t];
            else if (t == COPY_LEN + blanks - 1)
                in = COPY_SYMBOLS + 1; /* the delimiter */
            if (t >= T - COPY_LEN)
                out = sym[t - (T - COPY_LEN)];
            xat(bt, t, b)[in] = 1.0;
            bt->label[(size_t)t * B + b] = out;
        }
    }
}

static void sample_reverse(Batch *bt, const Config *cfg, Rng *rng)
{
    int T = bt->T, B = bt->B, S = cfg->symbols, Id = bt->Id;
    for (int b = 0; b < B; b++) {
        int sym[1000];
        for (int t = 0; t < T; t++) {
            sym[t] = rng_int(rng, S);
            xat(bt, t, b)[sym[t]] = 1.0;
        }
        for (int s = 0; s < T; s++) {
            int target = sym[T - 1 - s];
            bt->label[(size_t)s * B + b] = target;
            double *xd = bt->xd + ((size_t)s * B + b) * Id;
            if (s == 0)
                xd[Id - 1] = 1.0; /* start */
            else
                xd[sym[T - s]] = 1.0; /* the previous target */
        }
    }
}

void task_sample(const Task *task, Batch *bt, Rng *rng)
{
    const Config *cfg = &task->cfg;
    memset(bt->x, 0, (size_t)bt->T * bt->B * bt->I * sizeof(double));
    if (bt->xd)
        memset(bt->xd, 0, (size_t)bt->Td * bt->B * bt->Id * sizeof(double));
    switch (task->kind) {
    case TASK_XOR: sample_xor(bt, rng); break;
    case TASK_WAVE: sample_wave(bt, rng); break;
    case TASK_ADDING: sample_adding(bt, rng); break;
    case TASK_PARITY: sample_parity(bt, rng); break;
    case TASK_ORDER: sample_order(bt, rng); break;
    case TASK_SENTIMENT: sample_sentiment(bt, rng); break;
    case TASK_ECHO: sample_echo(bt, cfg, rng); break;
    case TASK_SINE: sample_sine(bt, rng); break;
    case TASK_CHARLM: sample_charlm(task, bt, rng); break;
    case TASK_COPY: sample_copy(bt, cfg, rng); break;
    case TASK_REVERSE: sample_reverse(bt, cfg, rng); break;
    }
}

/* ---- metrics ---- */

double task_metric(const Task *task, const Batch *batch, const double *out)
{
    size_t P = positions(batch);
    int O = batch->O;
    if (task->kind == TASK_WAVE || task->kind == TASK_SINE) {
        double se = 0;
        for (size_t i = 0; i < P * (size_t)O; i++)
            se += (out[i] - batch->y[i]) * (out[i] - batch->y[i]);
        return se / (double)(P * (size_t)O);
    }
    size_t hits = 0, counted = 0;
    for (size_t p = 0; p < P; p++) {
        if (task->kind == TASK_COPY && p < (size_t)(batch->T - COPY_LEN) * batch->B)
            continue; /* only the recalled symbols count */
        const double *o = out + p * (size_t)O;
        counted++;
        if (batch->loss == LOSS_MSE) {
            int ok = 1;
            for (int k = 0; k < O; k++)
                ok &= fabs(o[k] - batch->y[p * (size_t)O + k]) < 0.04;
            hits += (size_t)ok;
        } else {
            int best = 0;
            for (int k = 1; k < O; k++)
                if (o[k] > o[best])
                    best = k;
            hits += best == batch->label[p];
        }
    }
    return counted ? (double)hits / (double)counted : 0.0;
}

/* ---- names ---- */

void task_symbol_name(const Task *task, int k, int output, char *buf, size_t len)
{
    switch (task->kind) {
    case TASK_ORDER:
        snprintf(buf, len, "%s", output ? ORDER_CLASSES[k] : ORDER_NAMES[k]);
        return;
    case TASK_SENTIMENT:
        snprintf(buf, len, "%s", output ? (k ? "positive" : "negative") : SENTIMENT_WORDS[k]);
        return;
    case TASK_CHARLM: {
        uint32_t cp = task->vocab[k];
        if (cp == '\n') {
            snprintf(buf, len, "\n");
            return;
        }
        char u[5] = {0};
        if (cp < 0x80)
            u[0] = (char)cp;
        else if (cp < 0x800)
            u[0] = (char)(0xc0 | (cp >> 6)), u[1] = (char)(0x80 | (cp & 0x3f));
        else if (cp < 0x10000)
            u[0] = (char)(0xe0 | (cp >> 12)), u[1] = (char)(0x80 | ((cp >> 6) & 0x3f)),
            u[2] = (char)(0x80 | (cp & 0x3f));
        else
            u[0] = (char)(0xf0 | (cp >> 18)), u[1] = (char)(0x80 | ((cp >> 12) & 0x3f)),
            u[2] = (char)(0x80 | ((cp >> 6) & 0x3f)), u[3] = (char)(0x80 | (cp & 0x3f));
        snprintf(buf, len, "%s", u);
        return;
    }
    case TASK_COPY:
        if (k == 0)
            snprintf(buf, len, "_");
        else if (k == COPY_SYMBOLS + 1)
            snprintf(buf, len, ":");
        else
            snprintf(buf, len, "%c", 'A' + k - 1);
        return;
    case TASK_ECHO:
        if (output && k == task->cfg.symbols)
            snprintf(buf, len, "-");
        else
            snprintf(buf, len, "%c", 'A' + k);
        return;
    case TASK_REVERSE:
        snprintf(buf, len, "%c", 'A' + k);
        return;
    default:
        snprintf(buf, len, "%d", k);
        return;
    }
}
