/* config.c: table-driven parsing of key=value pairs. Each key says its type, its accepted
 * range or words and its help line, so errors and `--help` read from the same table; the
 * model= words are the cell table's names. */
#include "config.h"

#include "cells/cells.h"
#include "fileio.h"
#include "task.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* KEY_CELL: a word of the cell table (cells/cells.h); KEY_TASK: of the task table. The
 * value is the row index. */
typedef enum { KEY_INT, KEY_U64, KEY_REAL, KEY_WORD, KEY_TEXT, KEY_CELL, KEY_TASK } KeyType;

typedef struct {
    const char *name;
    KeyType type;
    size_t offset;
    const char *const *words; /* KEY_WORD: NULL-terminated, index = enum value (key_word) */
    double lo, hi;            /* KEY_INT / KEY_REAL inclusive range */
    const char *help;
} KeySpec;

static const char *const ACT_WORDS[] = {"tanh", "relu", "sigmoid", "linear", NULL};
static const char *const INIT_WORDS[] = {"default", "xavier", "orthogonal", "identity", "normal", NULL};
static const char *const OPT_WORDS[] = {"sgd", "momentum", "adam", "adagrad", "rmsprop", NULL};
static const char *const CLIP_WORDS[] = {"norm", "value", NULL};
static const char *const TRUNCATE_WORDS[] = {"window", "chunk", NULL};
static const char *const PACKING_WORDS[] = {"on", "off", NULL};
static const char *const SHAPE_WORDS[] = {"one-to-one", "one-to-many", "many-to-one", "many-to-many", "seq2seq", NULL};
static const char *const LOSS_WORDS[] = {"mse", "xent", NULL};

#define OFF(f) offsetof(Config, f)
#define SEQ_MAX CONFIG_SEQ_MAX

static const KeySpec KEYS[] = {
    {"model", KEY_CELL, OFF(model), NULL, 0, 0, "recurrent cell"},
    {"activation", KEY_WORD, OFF(activation), ACT_WORDS, 0, 0, "nonlinearity of model=rnn"},
    {"hidden", KEY_INT, OFF(hidden), NULL, 0, 256, "hidden units H (0 = the task's default)"},
    {"min_len", KEY_INT, OFF(min_len), NULL, 0, SEQ_MAX,
     "variable lengths: each sequence's length uniform in [min_len, seq_len], the batch padded and masked (0 = off)"},
    {"packing", KEY_WORD, OFF(unpacked), PACKING_WORDS, 0, 0,
     "min_len: on, each sequence stops at its end (PyTorch's pack_padded_sequence); off, the network runs on over "
     "the padding and the head reads the last step of the batch, the mistake packing prevents"},
    {"layers", KEY_INT, OFF(layers), NULL, 1, CONFIG_MAX_LAYERS,
     "recurrent layers stacked L, each reading the states of the one below (PyTorch's num_layers)"},
    {"task", KEY_TASK, OFF(task), NULL, 0, 0, "what the network learns"},
    {"seq_len", KEY_INT, OFF(seq_len), NULL, 0, SEQ_MAX, "time steps T (0 = the task's default)"},
    {"lag", KEY_INT, OFF(lag), NULL, 0, SEQ_MAX - 1, "echo: how far back the target is (0 = default 3)"},
    {"symbols", KEY_INT, OFF(symbols), NULL, 0, 64, "echo, reverse: alphabet size (0 = the task's default)"},
    {"text", KEY_TEXT, OFF(text), NULL, 0, 0, "charlm: a UTF-8 text file (empty = a generated corpus)"},
    {"batch", KEY_INT, OFF(batch), NULL, 1, 4096, "sequences per step B"},
    {"seed", KEY_U64, OFF(seed), NULL, 0, 0, "random seed (initialisation and data)"},
    {"init", KEY_WORD, OFF(init), INIT_WORDS, 0, 0, "weight initialisation"},
    {"rho", KEY_REAL, OFF(rho), NULL, 0, 100, "largest singular value of each W_hh gate block (0 = off)"},
    {"forget_bias", KEY_REAL, OFF(forget_bias), NULL, -50, 50, "LSTM forget-gate bias (or 'default')"},
    {"optimizer", KEY_WORD, OFF(optimizer), OPT_WORDS, 0, 0, "update rule"},
    {"lr", KEY_REAL, OFF(lr), NULL, 1e-9, 1e4, "learning rate"},
    {"momentum", KEY_REAL, OFF(momentum), NULL, 0, 0.9999, "optimizer=momentum: coefficient"},
    {"clip", KEY_REAL, OFF(clip), NULL, 0, 1e12, "gradient clipping threshold (0 = off)"},
    {"clip_mode", KEY_WORD, OFF(clip_mode), CLIP_WORDS, 0, 0, "norm: rescale the global norm; value: clamp each element"},
    {"truncate", KEY_INT, OFF(truncate), NULL, 0, SEQ_MAX, "steps the gradient may flow back (0 = full BPTT)"},
    {"truncate_mode", KEY_WORD, OFF(truncate_mode), TRUNCATE_WORDS, 0, 0,
     "window: each loss term walks back truncate steps; chunk: the state is detached every truncate steps"},
    {"history", KEY_INT, OFF(history), NULL, 10, 1000000, "training steps kept for plots"},
    {"seeds", KEY_INT, OFF(seeds), NULL, 1, 8,
     "train this many copies side by side, seeds seed, seed+1, ...: the loss and grad_ratio plots show their median and range"},
    {"shape", KEY_WORD, OFF(shape_given), SHAPE_WORDS, 0, 0, "set by the task; checked if given"},
    {"loss", KEY_WORD, OFF(loss_given), LOSS_WORDS, 0, 0, "set by the task; checked if given"},
};
#define N_KEYS (sizeof KEYS / sizeof KEYS[0])

void config_default(Config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->model = CELL_DEFAULT;
    cfg->activation = ACT_TANH;
    cfg->hidden = 0;
    cfg->layers = 1;
    cfg->task = task_find("adding");
    cfg->seq_len = 0;
    cfg->lag = 0;
    cfg->symbols = 0;
    cfg->batch = 16;
    cfg->seed = 1;
    cfg->init = INIT_DEFAULT;
    cfg->rho = 0;
    cfg->forget_bias = 0;
    cfg->has_forget_bias = 0;
    cfg->optimizer = OPT_ADAM;
    cfg->lr = 0.01;
    cfg->momentum = 0.9;
    cfg->clip = 0;
    cfg->clip_mode = CLIP_NORM;
    cfg->truncate = 0;
    cfg->truncate_mode = TRUNCATE_WINDOW;
    cfg->history = 2000;
    cfg->seeds = 1;
    cfg->shape_given = -1;
    cfg->loss_given = -1;
}

/* At the defaults (Adam, lr 0.01, 50 steps) a tanh RNN on adding saturates into units
 * flipping sign every step; Adam at 1e-3 or 3e-4 learns the task within a minute or two and
 * the gradient no longer fades. SGD does not rescale the faded early gradients; at lr 0.01
 * it still learns to remember within ten minutes (one seed of three), at 0.001 it does not. */
void config_free_play(Config *cfg)
{
    config_default(cfg);
    cfg->seq_len = 100;
    cfg->optimizer = OPT_SGD;
    cfg->lr = 0.001;
}

static const KeySpec *find_key(const char *name)
{
    for (size_t i = 0; i < N_KEYS; i++)
        if (strcmp(KEYS[i].name, name) == 0)
            return &KEYS[i];
    return NULL;
}

int config_int_range(const char *key, int *lo, int *hi)
{
    const KeySpec *k = find_key(key);
    if (!k || k->type != KEY_INT)
        return -1;
    *lo = (int)k->lo;
    *hi = (int)k->hi;
    return 0;
}

/* Word i of a KEY_WORD, KEY_CELL or KEY_TASK key, or NULL past the last; the cell and task
 * words are their tables' names, in their order. */
static const char *key_word(const KeySpec *k, int i)
{
    if (k->type == KEY_CELL)
        return i < cell_count() ? cell_kind(i)->name : NULL;
    if (k->type == KEY_TASK)
        return i < task_kind_count() ? task_kind_info(i)->name : NULL;
    return k->words[i];
}

static void list_words(const KeySpec *k, char *buf, size_t len)
{
    buf[0] = '\0';
    for (int i = 0; key_word(k, i); i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s%s", i ? "|" : "", key_word(k, i));
    }
}

static void list_keys(char *buf, size_t len)
{
    buf[0] = '\0';
    for (size_t i = 0; i < N_KEYS; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s%s", i ? ", " : "", KEYS[i].name);
    }
}

/* Strict number parsing: the whole string must be the number. */
static int parse_real(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

static int parse_long(const char *s, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE)
        return -1;
    *out = v;
    return 0;
}

int config_format_double(char *buf, size_t len, double v)
{
    /* The first precision that reads back exactly; 17 significant digits always do
     * (IEEE 754 binary64), and NaN, which equals nothing, stops there too. */
    char text[40], whole[40];
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(text, sizeof text, "%.*g", digits, v);
        if (strtod(text, NULL) == v)
            break;
    }
    /* a whole number reads better without an exponent when that is no longer: 100, not 1e+02 */
    if (v == floor(v) && fabs(v) < 1e17 && snprintf(whole, sizeof whole, "%.0f", v) <= (int)strlen(text))
        return snprintf(buf, len, "%s", whole);
    return snprintf(buf, len, "%s", text);
}

int config_set_kv(Config *cfg, const char *key, const char *value, char *err, size_t errlen)
{
    const KeySpec *k = find_key(key);
    if (!k) {
        char keys[1024];
        list_keys(keys, sizeof keys);
        snprintf(err, errlen, "unknown key '%s'; accepted keys: %s", key, keys);
        return -1;
    }
    char *field = (char *)cfg + k->offset;
    switch (k->type) {
    case KEY_WORD:
    case KEY_CELL:
    case KEY_TASK: {
        for (int i = 0; key_word(k, i); i++) {
            if (strcmp(key_word(k, i), value) == 0) {
                memcpy(field, &i, sizeof i); /* every word field is an int or int-sized enum */
                return 0;
            }
        }
        char words[256];
        list_words(k, words, sizeof words);
        snprintf(err, errlen, "%s=%s: accepted values are %s", key, value, words);
        return -1;
    }
    case KEY_INT: {
        long long v;
        if (parse_long(value, &v) != 0 || v < (long long)k->lo || v > (long long)k->hi) {
            snprintf(err, errlen, "%s=%s: expected a whole number from %.0f to %.0f (%s)", key,
                     value, k->lo, k->hi, k->help);
            return -1;
        }
        int iv = (int)v;
        memcpy(field, &iv, sizeof iv);
        return 0;
    }
    case KEY_U64: {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(value, &end, 10);
        if (end == value || *end != '\0' || errno == ERANGE || value[0] == '-') {
            snprintf(err, errlen, "%s=%s: expected a whole number from 0 to 18446744073709551615",
                     key, value);
            return -1;
        }
        uint64_t u = v;
        memcpy(field, &u, sizeof u);
        return 0;
    }
    case KEY_TEXT:
        if (strlen(value) >= CONFIG_TEXT_LEN) {
            snprintf(err, errlen, "%s: value longer than %d characters", key, CONFIG_TEXT_LEN - 1);
            return -1;
        }
        if (strchr(value, '\n') || strchr(value, '#') || strchr(value, ';')) {
            snprintf(err, errlen, "%s=%s: a path without '#', ';' or line breaks is accepted ('#' starts a "
                     "comment in config files, ';' separates settings on one line)", key, value);
            return -1;
        }
        strcpy(field, value);
        return 0;
    case KEY_REAL: {
        if (k->offset == OFF(forget_bias) && strcmp(value, "default") == 0) {
            cfg->has_forget_bias = 0;
            cfg->forget_bias = 0;
            return 0;
        }
        double v;
        if (parse_real(value, &v) != 0 || v < k->lo || v > k->hi) {
            char lo[40], hi[40];
            config_format_double(lo, sizeof lo, k->lo);
            config_format_double(hi, sizeof hi, k->hi);
            snprintf(err, errlen, "%s=%s: expected a number from %s to %s (%s)", key, value, lo, hi, k->help);
            return -1;
        }
        memcpy(field, &v, sizeof v);
        if (k->offset == OFF(forget_bias))
            cfg->has_forget_bias = 1;
        return 0;
    }
    }
    return -1;
}

char *config_trim(char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
        *--e = '\0';
    return s;
}

int config_set(Config *cfg, const char *pair, char *err, size_t errlen)
{
    char buf[CONFIG_TEXT_LEN + 64];
    if (strlen(pair) >= sizeof buf) {
        snprintf(err, errlen, "setting '%.40s...' is too long (over %zu characters)", pair,
                 sizeof buf - 1);
        return -1;
    }
    strcpy(buf, pair);
    char *eq = strchr(buf, '=');
    if (!eq) {
        snprintf(err, errlen, "'%s' is not key=value (for example hidden=64)", pair);
        return -1;
    }
    *eq = '\0';
    char *key = config_trim(buf), *value = config_trim(eq + 1);
    if (!*key || (!*value && strcmp(key, "text") != 0)) {
        snprintf(err, errlen, "'%s' is not key=value (for example hidden=64)", pair);
        return -1;
    }
    return config_set_kv(cfg, key, value, err, errlen);
}

/* The largest configuration file read: far more than every key with a long text= path. */
#define CONFIG_FILE_MAX (1 << 20)

int config_load_file(Config *cfg, const char *path, char *err, size_t errlen)
{
    unsigned char *text;
    size_t n;
    FileStatus st = file_read_all(path, CONFIG_FILE_MAX, &text, &n);
    if (st != FILE_OK) {
        file_read_error(err, errlen, path, st, errno, CONFIG_FILE_MAX, "a configuration is a few key=value lines");
        return -1;
    }
    char line[CONFIG_TEXT_LEN + 64], msg[CONFIG_ERR_LEN];
    int lineno = 0, status = 0;
    for (size_t at = 0; at < n && status == 0;) {
        size_t end = at;
        while (end < n && text[end] != '\n' && text[end] != '\0')
            end++;
        lineno++;
        if (end < n && text[end] == '\0') {
            snprintf(err, errlen, "%s:%d: a NUL byte at column %zu: a configuration is text, key=value lines",
                     path, lineno, end - at + 1);
            status = -1;
            break;
        }
        if (end - at >= sizeof line - 1) {
            snprintf(err, errlen, "%s:%d: line is too long (%zu characters; at most %zu)", path, lineno, end - at,
                     sizeof line - 2);
            status = -1;
            break;
        }
        memcpy(line, text + at, end - at);
        line[end - at] = '\0';
        at = end + 1;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *s = config_trim(line);
        if (!*s)
            continue;
        if (config_set(cfg, s, msg, sizeof msg) != 0) {
            snprintf(err, errlen, "%s:%d: %s", path, lineno, msg);
            status = -1;
        }
    }
    free(text);
    return status;
}

int config_resolve(Config *cfg, char *err, size_t errlen)
{
    const TaskKindInfo *k = task_kind_info(cfg->task);
    if (cfg->seq_len == 0)
        cfg->seq_len = k->default_seq_len;
    if (cfg->lag == 0)
        cfg->lag = k->default_lag ? k->default_lag : 3;
    if (cfg->hidden == 0)
        cfg->hidden = k->default_hidden;
    if (cfg->symbols == 0)
        cfg->symbols = k->default_symbols ? k->default_symbols : 4;
    if (cfg->symbols < 2) {
        snprintf(err, errlen, "symbols=%d: expected a whole number from 2 to 64", cfg->symbols);
        return -1;
    }
    if (cfg->seq_len < k->min_seq_len || cfg->seq_len > k->max_seq_len) {
        if (k->min_seq_len == k->max_seq_len)
            snprintf(err, errlen, "seq_len=%d: task %s is %s and takes seq_len=%d only",
                     cfg->seq_len, k->name, SHAPE_WORDS[k->shape], k->min_seq_len);
        else
            snprintf(err, errlen, "seq_len=%d: task %s takes seq_len from %d to %d", cfg->seq_len,
                     k->name, k->min_seq_len, k->max_seq_len);
        return -1;
    }
    if (cfg->min_len > 0 && k->fixed_length) {
        char takers[256] = "";
        for (int t = 0; t < task_kind_count(); t++) {
            size_t used = strlen(takers);
            if (!task_kind_info(t)->fixed_length)
                snprintf(takers + used, sizeof takers - used, "%s%s", used ? ", " : "", task_kind_info(t)->name);
        }
        snprintf(err, errlen, "min_len=%d: task %s %s; variable lengths work with %s", cfg->min_len, k->name,
                 k->fixed_length, takers);
        return -1;
    }
    int min_len_lo = k->min_seq_len > 1 ? k->min_seq_len : 1;
    if (cfg->min_len > 0 && (cfg->min_len < min_len_lo || cfg->min_len > cfg->seq_len)) {
        snprintf(err, errlen, "min_len=%d: task %s takes min_len from %d to seq_len=%d (or 0, every sequence seq_len long)",
                 cfg->min_len, k->name, min_len_lo, cfg->seq_len);
        return -1;
    }
    if (k->uses_lag && cfg->lag >= cfg->seq_len) {
        snprintf(err, errlen, "lag=%d: must be smaller than seq_len=%d", cfg->lag, cfg->seq_len);
        return -1;
    }
    if (k->shape == SHAPE_SEQ2SEQ && cfg->truncate != 0) {
        snprintf(err, errlen, "truncate=%d: task %s is seq2seq, which trains with full BPTT only "
                 "(truncate=0)", cfg->truncate, k->name);
        return -1;
    }
    if (k->shape == SHAPE_SEQ2SEQ && cfg->truncate_mode != TRUNCATE_WINDOW) {
        snprintf(err, errlen, "truncate_mode=%s: task %s is seq2seq, which trains with full BPTT "
                 "only (truncate_mode=window, truncate=0)", TRUNCATE_WORDS[cfg->truncate_mode], k->name);
        return -1;
    }
    if (cfg->text[0] && !k->uses_text) {
        char readers[256] = ""; /* "task=charlm": every task that reads text= */
        for (int t = 0; t < task_kind_count(); t++) {
            size_t used = strlen(readers);
            if (task_kind_info(t)->uses_text)
                snprintf(readers + used, sizeof readers - used, "%stask=%s", used ? " or " : "",
                         task_kind_info(t)->name);
        }
        snprintf(err, errlen, "text=%s: only %s reads a text file", cfg->text, readers);
        return -1;
    }
    if (cfg->shape_given >= 0 && cfg->shape_given != (int)k->shape) {
        snprintf(err, errlen, "shape=%s: task %s is %s (the task decides the shape)",
                 SHAPE_WORDS[cfg->shape_given], k->name, SHAPE_WORDS[k->shape]);
        return -1;
    }
    if (cfg->loss_given >= 0 && cfg->loss_given != (int)k->loss) {
        snprintf(err, errlen, "loss=%s: task %s uses %s (the task decides the loss)",
                 LOSS_WORDS[cfg->loss_given], k->name, LOSS_WORDS[k->loss]);
        return -1;
    }
    cfg->shape_given = (int)k->shape;
    cfg->loss_given = (int)k->loss;
    return 0;
}

int config_format(const Config *cfg, char *buf, size_t len)
{
    size_t used = 0;
    int need = 0;
    for (size_t i = 0; i < N_KEYS; i++) {
        const KeySpec *k = &KEYS[i];
        const char *field = (const char *)cfg + k->offset;
        char value[CONFIG_TEXT_LEN + 8];
        switch (k->type) {
        case KEY_WORD:
        case KEY_CELL:
        case KEY_TASK: {
            int v;
            memcpy(&v, field, sizeof v);
            if (v < 0)
                continue; /* shape/loss not yet resolved */
            snprintf(value, sizeof value, "%s", key_word(k, v));
            break;
        }
        case KEY_INT: {
            int v;
            memcpy(&v, field, sizeof v);
            snprintf(value, sizeof value, "%d", v);
            break;
        }
        case KEY_U64: {
            uint64_t v;
            memcpy(&v, field, sizeof v);
            snprintf(value, sizeof value, "%llu", (unsigned long long)v);
            break;
        }
        case KEY_TEXT:
            snprintf(value, sizeof value, "%.1023s", field);
            break;
        case KEY_REAL: {
            double v;
            memcpy(&v, field, sizeof v);
            if (k->offset == OFF(forget_bias) && !cfg->has_forget_bias)
                snprintf(value, sizeof value, "default");
            else
                config_format_double(value, sizeof value, v); /* round-trips exactly */
            break;
        }
        }
        int n = snprintf(buf + used, used < len ? len - used : 0, "%s=%s\n", k->name, value);
        need += n;
        used = used + (size_t)n < len ? used + (size_t)n : len;
    }
    return need;
}

int config_format_line(const Config *cfg, char *buf, size_t len)
{
    char text[8192];
    int n = config_format(cfg, text, sizeof text);
    if (n >= (int)sizeof text)
        n = (int)sizeof text - 1;
    /* one key=value a line -> "; " between them */
    size_t used = 0;
    int need = 0;
    for (char *line = text; *line;) {
        char *nl = strchr(line, '\n');
        size_t l = nl ? (size_t)(nl - line) : strlen(line);
        int k = snprintf(buf + used, used < len ? len - used : 0, "%s%.*s", need ? "; " : "", (int)l, line);
        need += k;
        used = used + (size_t)k < len ? used + (size_t)k : len;
        if (!nl)
            break;
        line = nl + 1;
    }
    return need;
}

int config_parse_line(Config *cfg, const char *line, char *err, size_t errlen)
{
    size_t n = strlen(line);
    char *copy = malloc(n + 1);
    if (!copy) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    memcpy(copy, line, n + 1);
    Config trial = *cfg;
    int status = 0, any = 0;
    char *p = copy;
    while (*p && status == 0) {
        size_t span = strcspn(p, ";\n");
        char save = p[span];
        p[span] = '\0';
        char *hash = strchr(p, '#');
        if (hash) { /* a comment runs to the end of its line */
            *hash = '\0';
            if (save == ';') {
                char *nl = strchr(p + span + 1, '\n');
                span = nl ? (size_t)(nl - p) : strlen(p + span + 1) + span + 1;
                save = nl ? '\n' : '\0';
            }
        }
        char *s = config_trim(p);
        if (*s) {
            if (config_set(&trial, s, err, errlen) != 0)
                status = -1;
            any = 1;
        }
        if (!save)
            break;
        p += span + 1;
    }
    free(copy);
    if (status == 0 && !any) {
        snprintf(err, errlen, "no settings found; expected key=value pairs separated by ';' (for example model=lstm; hidden=64)");
        status = -1;
    }
    if (status == 0)
        *cfg = trial;
    return status;
}

const char *config_model_name(int m) { return cell_kind(m)->name; }
const char *config_activation_name(Activation a) { return ACT_WORDS[a]; }
const char *config_task_name(int task) { return task_kind_info(task)->name; }
const char *config_optimizer_name(OptimizerKind o) { return OPT_WORDS[o]; }
const char *config_shape_name(Shape s) { return SHAPE_WORDS[s]; }
const char *config_loss_name(LossKind l) { return LOSS_WORDS[l]; }

void config_print_keys(void *file)
{
    FILE *f = file;
    Config def;
    config_default(&def);
    char text[2048];
    config_format(&def, text, sizeof text);
    for (size_t i = 0; i < N_KEYS; i++) {
        const KeySpec *k = &KEYS[i];
        char accepted[256];
        if (k->type == KEY_WORD || k->type == KEY_CELL || k->type == KEY_TASK)
            list_words(k, accepted, sizeof accepted);
        else if (k->type == KEY_TEXT)
            snprintf(accepted, sizeof accepted, "PATH");
        else if (k->type == KEY_U64)
            snprintf(accepted, sizeof accepted, "0..2^64-1");
        else if (k->type == KEY_INT)
            snprintf(accepted, sizeof accepted, "%.0f..%.0f", k->lo, k->hi);
        else {
            char lo[40], hi[40];
            config_format_double(lo, sizeof lo, k->lo);
            config_format_double(hi, sizeof hi, k->hi);
            snprintf(accepted, sizeof accepted, "%s..%s", lo, hi);
        }
        /* The default is the value in the formatted default configuration. */
        char def_value[64] = "";
        char pattern[64];
        snprintf(pattern, sizeof pattern, "%s=", k->name);
        for (char *line = text; line && *line;) {
            char *nl = strchr(line, '\n');
            if (strncmp(line, pattern, strlen(pattern)) == 0) {
                size_t n = (size_t)(nl - line) - strlen(pattern);
                if (n >= sizeof def_value)
                    n = sizeof def_value - 1;
                memcpy(def_value, line + strlen(pattern), n);
                def_value[n] = '\0';
            }
            line = nl ? nl + 1 : NULL;
        }
        fprintf(f, "  %-15s %-42s %s%s%s\n", k->name, accepted, k->help,
                def_value[0] ? "; default " : "", def_value);
    }
}
