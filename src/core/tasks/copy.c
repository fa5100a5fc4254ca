/* copy.c: Arjovsky, Shah & Bengio's (2016) copy memory problem: ten symbols, seq_len
 * blanks, a delimiter, then the ten symbols again. Many-to-many with equal lengths, but
 * the answer comes long after the question. Leaves out the variable-length variant. */
#include "tasks.h"

#include <math.h>
#include <stdio.h>

#define COPY_SYMBOLS 8
#define COPY_LEN 10

static void copy_sizes(TaskInfo *info, const Config *cfg)
{
    info->I = COPY_SYMBOLS + 2, info->O = COPY_SYMBOLS + 1;
    info->T = cfg->seq_len + 2 * COPY_LEN; /* symbols, seq_len-1 blanks, delimiter, recall */
}

static void copy_sample(const Task *task, Batch *bt, Rng *rng)
{
    int T = bt->T, B = bt->B, blanks = task->cfg.seq_len;
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
            task_xat(bt, t, b)[in] = 1.0;
            bt->label[(size_t)t * B + b] = out;
        }
    }
}

/* Blanks until the recall, then a uniform guess among 8 (Arjovsky et al. 2016). */
static double copy_baseline(const Task *task)
{
    return COPY_LEN * log((double)COPY_SYMBOLS) / (task->cfg.seq_len + 2 * COPY_LEN);
}

/* Only the recalled symbols count: the blanks before them are free. */
static double copy_metric(const Task *task, const Batch *bt, const double *out)
{
    (void)task;
    return task_accuracy_from(bt, out, (size_t)(bt->T - COPY_LEN) * bt->B);
}

static void copy_symbol_name(const Task *task, int k, int output, char *buf, size_t len)
{
    (void)task, (void)output;
    if (k == 0)
        snprintf(buf, len, "_");
    else if (k == COPY_SYMBOLS + 1)
        snprintf(buf, len, ":");
    else
        snprintf(buf, len, "%c", 'A' + k - 1);
}

const TaskKindInfo task_kind_copy = {
    .name = "copy",
    .shape = SHAPE_MANY_TO_MANY,
    .loss = LOSS_XENT,
    .default_seq_len = 5,
    .default_hidden = 32,
    .min_seq_len = 1,
    .max_seq_len = 980,
    .metric_name = "accuracy on the 10 recalled symbols",
    .sentence = "Remember 10 symbols through seq_len blanks, then write them out "
                "(Arjovsky, Shah & Bengio 2016).",
    .shape_sentence = "Many-to-many with equal lengths, but the answer comes long after the question.",
    .input_is_one_hot = 1,
    .sizes = copy_sizes,
    .sample = copy_sample,
    .baseline = copy_baseline,
    .metric = copy_metric,
    .symbol_name = copy_symbol_name,
};
