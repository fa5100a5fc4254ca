/* corpus.c: charlm's text: read from text= (UTF-8 or ASCII, checked byte by byte) or
 * generated from a small agreement grammar, turned into a sorted vocabulary of code points
 * and a sequence of indices, and its bigram baseline. Leaves out sampling (charlm.c) and
 * any normalisation of the text: what the file says is what the network sees. */
#include "tasks.h"
#include "vmath.h"

#include "../fileio.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_MAX_BYTES ((size_t)64 << 20)
#define GENERATED_BYTES 60000

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

void corpus_utf8_encode(uint32_t cp, char *u)
{
    memset(u, 0, 5);
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
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The bytes of text=, or of the generated corpus when text= is empty. */
static int read_bytes(const Config *cfg, unsigned char **bytes, size_t *n, char *err, size_t errlen)
{
    const char *path = cfg->text;
    if (!path[0]) {
        *bytes = (unsigned char *)generate_corpus(cfg->seed, GENERATED_BYTES, n);
        if (!*bytes) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        return 0;
    }
    FileStatus st = file_read_all(path, TEXT_MAX_BYTES, bytes, n);
    if (st != FILE_OK) {
        int errnum = errno;
        char name[CONFIG_TEXT_LEN + 8];
        snprintf(name, sizeof name, "text=%s", path);
        file_read_error(err, errlen, name, st, errnum, TEXT_MAX_BYTES, "give a shorter text");
        return -1;
    }
    if (*n == 0) {
        free(*bytes);
        snprintf(err, errlen, "text=%s: the file is empty; charlm needs at least seq_len+1 = %d characters",
                 path, cfg->seq_len + 1);
        return -1;
    }
    return 0;
}

/* Decodes n bytes into code points, rejecting binary files and invalid UTF-8 with the
 * offending offset. */
static int decode(const char *path, const unsigned char *bytes, size_t n, uint32_t *cps,
                  size_t *count, char *err, size_t errlen)
{
    size_t c = 0;
    for (size_t i = 0; i < n;) {
        unsigned char b = bytes[i];
        if (b == 0 || (b < 0x20 && b != '\n' && b != '\t' && b != '\r' && b != '\f') || b == 0x7f) {
            snprintf(err, errlen, "text=%s: looks like a binary file (byte 0x%02x at offset %zu); "
                     "charlm accepts UTF-8 or ASCII text", path, b, i);
            return -1;
        }
        uint32_t cp;
        int len = utf8_decode(bytes + i, n - i, &cp);
        if (!len) {
            snprintf(err, errlen, "text=%s: not valid UTF-8 at byte offset %zu; charlm accepts "
                     "UTF-8 or ASCII text", path, i);
            return -1;
        }
        cps[c++] = cp;
        i += (size_t)len;
    }
    *count = c;
    return 0;
}

/* The vocabulary (distinct code points, sorted) and the corpus as indices into it. */
static int build_vocab(Task *task, const char *path, const uint32_t *cps, size_t count, char *err,
                       size_t errlen)
{
    uint32_t *sorted = malloc(count * sizeof(uint32_t));
    if (!sorted) {
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
            return -1;
        }
        task->vocab[nv++] = sorted[i];
    }
    free(sorted);
    if (nv < 2) {
        snprintf(err, errlen, "text=%s: uses a single distinct character; charlm needs at least 2", path);
        return -1;
    }
    task->n_vocab = nv;
    for (size_t i = 0; i < count; i++) {
        uint32_t *hit = bsearch(&cps[i], task->vocab, (size_t)nv, sizeof(uint32_t), cmp_u32);
        task->corpus[i] = (int)(hit - task->vocab);
    }
    task->corpus_len = count;
    return 0;
}

int corpus_load(Task *task, char *err, size_t errlen)
{
    const Config *cfg = &task->cfg;
    const char *path = cfg->text;
    unsigned char *bytes = NULL;
    size_t n = 0, count = 0;
    if (read_bytes(cfg, &bytes, &n, err, errlen) != 0)
        return -1;
    task->corpus = malloc(n * sizeof(int));
    uint32_t *cps = malloc(n * sizeof(uint32_t));
    if (!task->corpus || !cps) {
        free(cps);
        free(bytes);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int status = decode(path, bytes, n, cps, &count, err, errlen);
    free(bytes);
    if (status == 0 && count < (size_t)cfg->seq_len + 1) {
        snprintf(err, errlen, "text=%s: has %zu character%s; charlm needs at least seq_len+1 = %d "
                 "(set a smaller seq_len)", path, count, count == 1 ? "" : "s", cfg->seq_len + 1);
        status = -1;
    }
    if (status == 0)
        status = build_vocab(task, path, cps, count, err, errlen);
    free(cps);
    return status;
}

void corpus_free(Task *task)
{
    free(task->corpus);
    task->corpus = NULL;
    task->corpus_len = 0;
}

/* The best memoryless next-character predictor knows only the current character: its
 * loss is the conditional entropy H(next | current) of the bigrams the batches hold.
 * charlm_sample starts a window of seq_len bigrams uniformly at s = 0 .. len - seq_len - 1,
 * so bigram i (corpus[i], corpus[i+1]) is in the windows s = max(0, i - T + 1) ..
 * min(i, len - T - 1): those near either end of the text count less. The weights change
 * the generated corpus's 1.28056 by 4e-5 (1.28060, seed 1), a short text= file by more. */
double corpus_bigram_entropy(const Task *task)
{
    int V = task->n_vocab;
    double *counts = calloc((size_t)V * V, sizeof(double)), *row = calloc((size_t)V, sizeof(double));
    if (!counts || !row) {
        free(row);
        free(counts);
        return NAN;
    }
    size_t T = (size_t)task->cfg.seq_len, last_start = task->corpus_len - T - 1;
    double n = 0;
    for (size_t i = 0; i + 1 < task->corpus_len; i++) {
        size_t lo = i + 1 > T ? i + 1 - T : 0, hi = i < last_start ? i : last_start;
        double w = (double)(hi - lo + 1);
        counts[task->corpus[i] * V + task->corpus[i + 1]] += w;
        row[task->corpus[i]] += w;
        n += w;
    }
    double h = 0;
    for (int a = 0; a < V; a++)
        for (int b = 0; b < V; b++) {
            double c = counts[a * V + b];
            if (c > 0)
                h -= c / n * rl_log(c / row[a]);
        }
    free(row);
    free(counts);
    return h;
}
