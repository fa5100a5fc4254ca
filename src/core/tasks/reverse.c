/* reverse.c: a sequence of symbols in, the same sequence reversed out, by an encoder that
 * reads it all and a decoder fed the previous target (teacher forcing): the seq2seq
 * shape. With min_len=, each
 * sequence's input length varies, and its output is as long. */
#include "tasks.h"
#include "vmath.h"

#include <assert.h>
#include <math.h>

static void reverse_sizes(TaskInfo *info, const Config *cfg)
{
    info->I = cfg->symbols, info->O = cfg->symbols;
    info->Td = cfg->seq_len;
    info->Id = cfg->symbols + 1; /* the previous symbol, or the start symbol */
}

static void reverse_sample(const Task *task, Batch *bt, Rng *rng)
{
    int B = bt->B, S = task->cfg.symbols, Id = bt->Id;
    assert(bt->T <= TASK_MAX_T);
    for (int b = 0; b < B; b++) {
        int sym[TASK_MAX_T], T = bt->len[b] = bt->len_d[b] = task_draw_len(task, rng); /* out as long as in */
        for (int t = 0; t < T; t++) {
            sym[t] = rng_int(rng, S);
            task_xat(bt, t, b)[sym[t]] = 1.0;
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

/* The decoder's current input is the start symbol or the previous target sym[T - s];
 * its target sym[T - 1 - s] is an independent uniform symbol, so without the encoder's
 * memory each output is a uniform guess: ln S. */
static double reverse_baseline(const Task *task)
{
    return rl_log((double)task->cfg.symbols);
}

const TaskKindInfo task_kind_reverse = {
    .name = "reverse",
    .shape = SHAPE_SEQ2SEQ,
    .loss = LOSS_XENT,
    .default_seq_len = 5,
    .default_hidden = 64,
    .default_symbols = 6,
    .min_seq_len = 1,
    .max_seq_len = 500,
    .metric_name = "accuracy (decoder fed its own predictions)",
    .sentence = "A sequence of symbols in, the same sequence reversed out.",
    .shape_sentence = "Seq2seq: an encoder reads it all, then a decoder writes, as in translation.",
    .uses_symbols = 1,
    .input_is_one_hot = 1,
    .sizes = reverse_sizes,
    .sample = reverse_sample,
    .baseline = reverse_baseline,
    .metric = task_metric_accuracy,
    .symbol_name = task_symbol_letter,
};
