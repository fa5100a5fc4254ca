/* copy.c: Arjovsky, Shah & Bengio's (2016) copy memory problem: ten symbols, seq_len
 * blanks, a delimiter, then the ten symbols again. Many-to-many with equal lengths, but
 * the answer comes long after the question. With min_len=, the
 * blanks vary: each sequence is its blanks + 20 steps long. */
#include "tasks.h"
#include "vmath.h"

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
    int B = bt->B;
    for (int b = 0; b < B; b++) {
        int blanks = task_draw_len(task, rng), T = bt->len[b] = blanks + 2 * COPY_LEN;
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

/* A network without memory sees the current input only, and no clock. A symbol or the
 * delimiter is always answered by a blank (label 0): loss 0. The blank input comes at the
 * seq_len - 1 waiting steps, answered by a blank, and at the 10 recall steps, answered by
 * a uniform symbol of 8; nothing tells them apart. Of the seq_len + 9 blank inputs a share
 * q = 10 / (seq_len + 9) is a recall, so the best guess there is P(blank) = 1 - q, P(each
 * symbol) = q/8, whose entropy is -(1 - q) ln(1 - q) - q ln(q/8). Averaged over the
 * seq_len + 20 steps: 1.1668 at seq_len = 5. */
static double copy_baseline(const Task *task)
{
    double L = task->cfg.seq_len, q = COPY_LEN / (L + COPY_LEN - 1);
    double h = -q * rl_log(q / COPY_SYMBOLS);
    if (q < 1)
        h -= (1 - q) * rl_log(1 - q);
    return (L + COPY_LEN - 1) / (L + 2 * COPY_LEN) * h;
}

/* Arjovsky, Shah & Bengio's (2016) figure, 10 ln 8 / (seq_len + 20): blanks until the
 * recall, then a uniform guess among 8. It needs a clock to know when the recall starts,
 * so it is lower than the memoryless baseline (equal at seq_len = 1, with no wait). */
static double copy_clock_baseline(const Config *cfg)
{
    return COPY_LEN * rl_log((double)COPY_SYMBOLS) / (cfg->seq_len + 2 * COPY_LEN);
}

/* Only the recalled symbols count, each sequence's last COPY_LEN steps: the blanks before
 * them are free. */
static double copy_metric(const Task *task, const Batch *bt, const double *out)
{
    (void)task;
    if (!bt->varlen)
        return task_accuracy_from(bt, out, (size_t)(bt->T - COPY_LEN) * bt->B);
    size_t hits = 0, counted = 0, O = (size_t)bt->O;
    for (int b = 0; b < bt->B; b++)
        for (int t = bt->len[b] - COPY_LEN; t < bt->len[b]; t++) {
            size_t p = (size_t)t * bt->B + b;
            const double *o = out + p * O;
            int best = 0;
            for (size_t k = 1; k < O; k++)
                best = o[k] > o[best] ? (int)k : best;
            hits += best == bt->label[p];
            counted++;
        }
    return (double)hits / (double)counted;
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
    .baseline_varies_with_length = 1,
    .reference = copy_clock_baseline,
    .reference_name = "Arjovsky's clock baseline",
    .metric = copy_metric,
    .symbol_name = copy_symbol_name,
};
