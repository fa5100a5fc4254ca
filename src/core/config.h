/* config.h: the one key=value vocabulary shared by --set, --config files, saved runs,
 * lessons and the window. Parsing and validation only: what the keys mean lives in the
 * model, task and optimiser modules. */
#ifndef RNNLAB_CONFIG_H
#define RNNLAB_CONFIG_H

#include <stddef.h>
#include <stdint.h>

typedef enum { ACT_TANH, ACT_RELU, ACT_SIGMOID, ACT_LINEAR } Activation;
typedef enum { INIT_DEFAULT, INIT_XAVIER, INIT_ORTHOGONAL, INIT_IDENTITY, INIT_NORMAL } InitKind;
typedef enum { OPT_SGD, OPT_MOMENTUM, OPT_ADAM, OPT_ADAGRAD, OPT_RMSPROP } OptimizerKind;
typedef enum { CLIP_NORM, CLIP_VALUE } ClipMode;
/* truncate=K as a window per loss term, or as chunks of K steps whose carried state is
 * detached (Williams & Peng 1990's TBPTT; PyTorch's h.detach() between chunks). */
typedef enum { TRUNCATE_WINDOW, TRUNCATE_CHUNK } TruncateMode;
typedef enum {
    SHAPE_ONE_TO_ONE,
    SHAPE_ONE_TO_MANY,
    SHAPE_MANY_TO_ONE,
    SHAPE_MANY_TO_MANY,
    SHAPE_SEQ2SEQ
} Shape;
typedef enum { LOSS_MSE, LOSS_XENT } LossKind;

#define CONFIG_TEXT_LEN 1024
#define CONFIG_SEQ_MAX 1000 /* the longest seq_len any task accepts */
#define CONFIG_MAX_LAYERS 4 /* the deepest stack `layers` accepts */

/* Every field is a key of the same name. Integers that may be left to the task (hidden,
 * seq_len, lag, symbols) use 0 for "the task's default" until resolved. */
typedef struct {
    int model;           /* a row of the cell table, cells/cells.h (CELL_DEFAULT: rnn) */
    Activation activation;
    int hidden;
    int layers;          /* stacked recurrent layers, 1 .. CONFIG_MAX_LAYERS */
    int task; /* an index into the task table (task_kind_info, task_find in task.h) */
    int seq_len;
    int min_len;         /* > 0: each sequence's length drawn from [min_len, seq_len]; 0 = off */
    int unpacked;        /* packing=off: the padding runs through the network, the head reads T-1 */
    int lag;
    int symbols;
    char text[CONFIG_TEXT_LEN]; /* charlm: a text file; empty = the generated corpus */
    int batch;
    uint64_t seed;
    InitKind init;
    double rho;          /* 0 = leave the initialiser's spectrum alone */
    double forget_bias;  /* only used when has_forget_bias */
    int has_forget_bias;
    OptimizerKind optimizer;
    double lr;
    double momentum;
    double clip;         /* 0 = off */
    ClipMode clip_mode;
    int truncate;        /* 0 = full BPTT */
    TruncateMode truncate_mode;
    int history;
    int seeds;           /* copies trained side by side, seeds seed .. seed + seeds - 1 */
    /* Derived from the task; accepted as keys so a saved config.txt reads back, and
     * checked against the task. -1 = not given. */
    int shape_given;
    int loss_given;
} Config;

#define CONFIG_ERR_LEN 512

void config_default(Config *cfg);

/* The window's first picture when no configuration is given: the defaults with the adding
 * task over 100 steps and plain SGD at lr 0.001, so the gradient stays faded by many
 * decades along the sequence for ten minutes of training without the hidden units
 * saturating or flipping sign (docs/DEFAULTS.md; scripts/check_defaults.py measures it). */
void config_free_play(Config *cfg);

/* Applies one "key=value" pair. Returns 0, or -1 with a one-line message naming the key
 * and what it accepts in err. */
int config_set(Config *cfg, const char *pair, char *err, size_t errlen);
int config_set_kv(Config *cfg, const char *key, const char *value, char *err, size_t errlen);

/* Reads a file of key=value lines ('#' starts a comment). The message names file:line. */
int config_load_file(Config *cfg, const char *path, char *err, size_t errlen);

/* Fills the task-dependent defaults and checks cross-key constraints (lag < seq_len...). */
int config_resolve(Config *cfg, char *err, size_t errlen);

/* Writes the whole configuration, one key=value per line, in a stable order. Returns the
 * number of characters that the full text needs (like snprintf). */
int config_format(const Config *cfg, char *buf, size_t len);

/* The whole configuration as one line, "key=value; key=value; ..." (the text a user copies
 * and pastes to share an experiment); returns the length needed, like snprintf. */
int config_format_line(const Config *cfg, char *buf, size_t len);

/* Applies a line of pairs separated by ';' or newlines ('#' starts a comment to the end
 * of its line): the form config_format_line and config_format write. Returns 0, or -1
 * with a message naming the pair. */
int config_parse_line(Config *cfg, const char *line, char *err, size_t errlen);

/* Cuts spaces, tabs and line ends from both ends of s, in place; returns the first kept
 * character. (Every key=value reader uses it: config lines, lesson blocks.) */
char *config_trim(char *s);

/* v in the shortest %g form that strtod reads back to exactly v ("0.9", not
 * "0.90000000000000002"): every double config prints goes through it. Returns the length
 * needed, like snprintf. */
int config_format_double(char *buf, size_t len, double v);

/* The inclusive range integer key `key` accepts (its KEYS row): 0, or -1 when key is no
 * integer key. */
int config_int_range(const char *key, int *lo, int *hi);

/* Names for printing; the inverse of parsing. */
const char *config_model_name(int m); /* the cell table's name of row m */
const char *config_activation_name(Activation a);
const char *config_task_name(int task);
const char *config_optimizer_name(OptimizerKind o);
const char *config_shape_name(Shape s);
const char *config_loss_name(LossKind l);

/* A help table: one line per key with its accepted values and default. */
void config_print_keys(void *file);

#endif
