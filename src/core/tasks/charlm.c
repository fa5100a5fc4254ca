/* charlm.c: predict the next character of a text: many-to-many classification, as in
 * language modelling. The text and its vocabulary come from corpus.c; this file only
 * draws windows from it. Leaves out words and subword tokens: a symbol is a code point. */
#include "tasks.h"

#include <stdio.h>

static void charlm_sizes(TaskInfo *info, const Config *cfg)
{
    (void)cfg;
    info->I = info->O = 0; /* the vocabulary decides */
}

static int charlm_create(Task *task, char *err, size_t errlen)
{
    if (corpus_load(task, err, errlen) != 0)
        return -1;
    task->info.I = task->info.O = task->n_vocab;
    return 0;
}

static void charlm_sample(const Task *task, Batch *bt, Rng *rng)
{
    int B = bt->B;
    for (int b = 0; b < B; b++) {
        int T = bt->len[b] = task_draw_len(task, rng);
        size_t starts = task->corpus_len - (size_t)T; /* windows of T+1 characters */
        size_t s = (size_t)(rng_uniform(rng) * (double)starts);
        for (int t = 0; t < T; t++) {
            task_xat(bt, t, b)[task->corpus[s + t]] = 1.0;
            bt->label[(size_t)t * B + b] = task->corpus[s + t + 1];
        }
    }
}

/* The character itself, in UTF-8. */
static void charlm_symbol_name(const Task *task, int k, int output, char *buf, size_t len)
{
    (void)output;
    char u[5];
    corpus_utf8_encode(task->vocab[k], u);
    snprintf(buf, len, "%s", u);
}

const TaskKindInfo task_kind_charlm = {
    .name = "charlm",
    .shape = SHAPE_MANY_TO_MANY,
    .loss = LOSS_XENT,
    .default_seq_len = 32,
    .default_hidden = 64,
    .min_seq_len = 2,
    .max_seq_len = 1000,
    .metric_name = "accuracy",
    .sentence = "Predict the next character of a text (text=FILE, or a generated "
                "corpus whose verbs agree with distant subjects).",
    .shape_sentence = "Many-to-many: a prediction at every character, as in language modelling.",
    .uses_text = 1,
    .generates_text = 1,
    .input_is_one_hot = 1,
    .sizes = charlm_sizes,
    .create = charlm_create,
    .destroy = corpus_free,
    .sample = charlm_sample,
    .baseline = corpus_bigram_entropy,
    .metric = task_metric_accuracy,
    .symbol_name = charlm_symbol_name,
};
