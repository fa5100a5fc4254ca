/* sentiment.c: generated film reviews, positive or negative, where an early 'not' flips a
 * late 'good' or 'bad': many-to-one classification of a word sequence. Leaves out real
 * reviews and any grammar beyond fillers, one sentiment word and the negation. */
#include "tasks.h"
#include "vmath.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>

enum { SEN_FILLERS = 8, SEN_NOT = 8, SEN_VERY, SEN_GOOD, SEN_GREAT, SEN_BAD, SEN_AWFUL, SEN_STOP, SEN_N };
static const char *const SENTIMENT_WORDS[SEN_N] = {
    "the", "movie", "was", "plot", "actors", "and", "it", "film",
    "not", "very", "good", "great", "bad", "awful", "."};

static void sentiment_sizes(TaskInfo *info, const Config *cfg)
{
    (void)cfg;
    info->I = SEN_N, info->O = 2;
}

/* A review of fillers ending in '.', one sentiment word in its last quarter, and in one
 * review of three a 'not' in its first quarter. Without the 'not' a network that remembers
 * only the recent word is right two times in three; the rest needs the long memory. */
static void sentiment_sample(const Task *task, Batch *bt, Rng *rng)
{
    assert(bt->T <= TASK_MAX_T);
    for (int b = 0; b < bt->B; b++) {
        int T = bt->len[b] = task_draw_len(task, rng), quarter = T / 4 > 1 ? T / 4 : 1;
        int tok[TASK_MAX_T];
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
            task_xat(bt, t, b)[tok[t]] = 1.0;
        int positive = word == SEN_GOOD || word == SEN_GREAT;
        bt->label[b] = positive ^ negated;
    }
}

/* The answer is read at the last step, whose input is the '.' every review ends with: it
 * says nothing, and positive ^ negated is a fair coin (the word is positive with p = 1/2,
 * whatever the negation): ln 2. */
static double sentiment_baseline(const Task *task)
{
    (void)task;
    return rl_log(2.0);
}

static void sentiment_symbol_name(const Task *task, int k, int output, char *buf, size_t len)
{
    (void)task;
    snprintf(buf, len, "%s", output ? (k ? "positive" : "negative") : SENTIMENT_WORDS[k]);
}

const TaskKindInfo task_kind_sentiment = {
    .name = "sentiment",
    .shape = SHAPE_MANY_TO_ONE,
    .loss = LOSS_XENT,
    .default_seq_len = 20,
    .default_hidden = 32,
    .min_seq_len = 8,
    .max_seq_len = 1000,
    .metric_name = "accuracy",
    .sentence = "Generated film reviews: is it positive? In one review of three an "
                "early 'not' flips a 'good' or 'bad' much later.",
    .shape_sentence = "Many-to-one: a review in, one label out, as in sentiment analysis.",
    .input_is_one_hot = 1,
    .symbols_are_words = 1,
    .sizes = sentiment_sizes,
    .sample = sentiment_sample,
    .baseline = sentiment_baseline,
    .metric = task_metric_accuracy,
    .symbol_name = sentiment_symbol_name,
};
