/* budget.c: the bytes a configuration will take, summed from the sizes each allocation
 * uses (model.c's caches, trainer.c's history and observables, task.c's batch, seeds.c's
 * copies, runview.c's and itemise.c's arrays, the window's snapshots), and the refusal of
 * what exceeds a budget. Each sum below names the function whose callocs it mirrors: a
 * change there is a change here (test_budget holds the two together through mallinfo2).
 * Leaves out the process's code, stacks and stdio buffers: a few MiB at most.
 *
 * Dimension letters: B batch, T steps (Td decoder steps, TT = T + Td), I input (Id the
 * decoder's), H hidden, G gates, O output, S loss terms, K seeds. */
#include "budget.h"

#include "itemise.h"
#include "model.h"
#include "runview.h"
#include "task.h"
#include "trainer.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

_Static_assert(sizeof(size_t) >= 8, "budget.c sums bytes in size_t: it needs 64 bits");

#define D sizeof(double)
#define KiB ((size_t)1 << 10)
#define MiB ((size_t)1 << 20)
#define GiB ((size_t)1 << 30)

/* What a task's data decides where task_info cannot say (charlm: the vocabulary and the
 * length of its text); zeros for every other task. */
typedef struct {
    int I, O;
    size_t text_bytes;
} TaskData;

/* Texts longer than this are not read for their vocabulary: reading takes 12 bytes a
 * byte for a while, so their sizes are reckoned with the largest vocabulary instead. */
#define TEXT_READ_MAX ((size_t)4 << 20)

/* Builds the task once when its sizes depend on its data. */
static int task_data(const Config *cfg, TaskData *td, char *err, size_t errlen)
{
    memset(td, 0, sizeof *td);
    if (task_info(cfg).I > 0)
        return 0;
    struct stat st;
    if (cfg->text[0] && stat(cfg->text, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size > TEXT_READ_MAX) {
        td->I = td->O = TASK_MAX_VOCAB;
        td->text_bytes = (size_t)st.st_size;
        return 0;
    }
    Task t;
    if (task_create(&t, cfg, err, errlen) != 0)
        return -1;
    td->I = t.info.I, td->O = t.info.O;
    /* corpus.c allocates its indices by the text's bytes, which its code points never exceed */
    td->text_bytes = cfg->text[0] && stat(cfg->text, &st) == 0 ? (size_t)st.st_size : t.corpus_len;
    task_destroy(&t);
    return 0;
}

/* Every size of one trainer of cfg. */
typedef struct {
    TaskInfo ti;
    ModelDims d;
    size_t T, Td, TT, B, H, GH, I, O, Id;
    size_t L;      /* layers */
    int varlen;    /* min_len= */
    size_t blocks; /* gate blocks of W_hh of one layer: G, or 2G for seq2seq */
    size_t n_out;  /* rows of the head's output kept in the observables: T_out or 1 */
    size_t S;      /* loss terms (itemise_terms) */
    size_t P;      /* parameters */
} Sizes;

static Sizes sizes_of(const Config *cfg, const TaskData *td)
{
    Sizes z;
    z.ti = task_info(cfg);
    if (td->I > 0)
        z.ti.I = td->I, z.ti.O = td->O;
    z.d = model_dims(cfg, &z.ti);
    z.T = (size_t)z.ti.T, z.Td = (size_t)z.ti.Td, z.TT = z.T + z.Td;
    z.B = (size_t)cfg->batch, z.H = (size_t)z.d.H, z.GH = (size_t)z.d.G * z.H;
    z.I = (size_t)z.d.I, z.O = (size_t)z.d.O, z.Id = (size_t)z.d.Id;
    int s2s = z.d.shape == SHAPE_SEQ2SEQ;
    z.L = (size_t)z.d.L;
    z.varlen = cfg->min_len > 0;
    z.blocks = (size_t)z.d.G * (s2s ? 2 : 1);
    z.n_out = model_head_every(&z.d) ? (z.Td ? z.Td : z.T) : 1;
    z.S = s2s ? z.Td : model_head_every(&z.d) ? z.T : 1;
    z.P = model_param_count(&z.d);
    return z;
}

/* What one malloc of n bytes takes at most: glibc's chunk (n and its 8-byte header, in
 * 16-byte steps, 32 at least, and up to 16 more when it reuses a free chunk too small to
 * split), or, for blocks it maps (128 KiB and up), whole pages. */
static size_t chunk(size_t n)
{
    if (n >= 128 * KiB)
        return (n + 16 + 4095) & ~(size_t)4095;
    n = (n + 8 + 15) & ~(size_t)15;
    return (n < 32 ? 32 : n) + 16;
}

/* One array of n doubles. */
static size_t doubles(size_t n) { return chunk(n * D); }

/* One array of n doubles from linalg_calloc: a calloc of a cache line more, to find the
 * boundary in. */
static size_t lines(size_t n) { return chunk(n * D + 64); }

/* model.c's layer_cache_create. */
static size_t layer_cache_bytes(const Sizes *z, size_t T, size_t B, size_t I)
{
    size_t TB = T * B, H = z->H, GH = z->GH;
    size_t kept = z->d.cell->keeps_ah ? 2 : 0; /* ah, dah apart (gru) */
    size_t dc = z->d.cell->has_cell_state ? 1 : 0;
    return (3 + kept) * lines(TB * GH) /* ax, gate, dax */
           + 2 * lines((TB + B) * H) /* hs, cs */
           + (3 + dc) * lines(TB * H) /* tc, dh, dtop; dc with a cell state */
           + lines(I * GH) + lines(H * GH) /* wih_t, whh_t */
           + lines(2 * B * GH)       /* scratch */
           + lines(4 * B * H)        /* run */
           + 2 * lines(B * H)        /* dh_init, dc_init */
           + 2 * doubles(T);         /* dh_sumsq, dc_sumsq */
}

/* model.c's model_cache_create. */
static size_t cache_bytes(const Sizes *z, size_t B)
{
    size_t rows = z->d.shape == SHAPE_SEQ2SEQ ? z->Td * B : model_head_every(&z->d) ? z->T * B : B;
    size_t n = layer_cache_bytes(z, z->T, B, z->I) + (z->L - 1) * layer_cache_bytes(z, z->T, B, z->H) +
               2 * doubles(rows * z->O); /* out, dout */
    if (z->d.shape != SHAPE_SEQ2SEQ) /* the terms of window truncation, below the top layer */
        n += (z->L - 1) * lines(z->T * B * z->H);
    if (!model_head_every(&z->d)) /* last_h, d_last: each sequence's last state */
        n += 2 * doubles(B * z->H);
    if (z->d.shape == SHAPE_SEQ2SEQ) /* the decoder, its free run, and what that feeds itself */
        n += 2 * (layer_cache_bytes(z, z->Td, B, z->Id) + (z->L - 1) * layer_cache_bytes(z, z->Td, B, z->H)) +
             doubles(z->Td * B * z->O) + doubles(z->Td * B * z->Id);
    return n;
}

/* task.c's task_batch_create. */
static size_t batch_bytes(const Sizes *z)
{
    size_t P = z->d.shape == SHAPE_SEQ2SEQ ? z->Td * z->B
               : z->d.shape == SHAPE_ONE_TO_ONE || z->d.shape == SHAPE_MANY_TO_ONE ? z->B
                                                                                 : z->T * z->B;
    size_t targets = z->d.loss == LOSS_MSE ? doubles(P * z->O) : chunk(P * sizeof(int64_t));
    return doubles(z->T * z->B * z->I) + (z->Td ? doubles(z->Td * z->B * z->Id) : 0) + targets +
           2 * chunk(z->B * sizeof(int)); /* len, len_d */
}

/* trainer.c's observables_create, or (extra = 1) runview.c's runview_alloc, whose arrays
 * are one longer. */
static size_t observables_bytes(const Sizes *z, size_t extra)
{
    size_t TT = z->TT, LT = z->L * TT;
    return 5 * doubles(LT + extra) /* dh_norm, dc_norm, dh_direct_norm, reference, dh_norm_end */ +
           2 * doubles(TT + extra) /* n_t, n_end */ + doubles(TT * z->I + extra) +
           2 * doubles(LT * z->H + extra) /* h, c */ + doubles(LT * z->GH + extra) + doubles(z->n_out * z->O + extra);
}

/* trainer.c's history_create. */
static size_t history_bytes(size_t capacity, const Sizes *z, int K)
{
    return chunk(capacity * sizeof(long)) + 4 * doubles(capacity) /* loss, metric, grad_norm, _clipped */ +
           chunk(capacity) /* clipped */ + doubles(capacity * z->blocks) /* sigma_max */ +
           doubles(capacity * z->L * z->TT) /* dh_norm */ +
           (z->varlen ? chunk(capacity * z->TT * sizeof(unsigned short)) : 0) /* n_t */ + (K > 1 ? doubles(capacity * (size_t)K * SEED_VALUES) : 0);
}

/* trainer.c's spectrum_create, the power iteration's vectors and the cell path's products. */
static size_t spectrum_bytes(const Sizes *z)
{
    size_t all = z->L * z->blocks;
    return 3 * doubles(all * z->H) + doubles((all + 1) * z->H) + doubles((z->H + 1) * z->H) +
           doubles(z->B * z->H);
}

/* trainer.c's state_bytes_one: what a snapshot (or seeds.c's saved state) keeps of a run. */
static size_t state_bytes(const Sizes *z)
{
    return 64 /* StateHead */ + (3 * z->P + (z->L * z->blocks + 1) * z->H) * D;
}

/* Whether the window computes the terms view's arrays for this run (itemise_now's limit). */
static int terms_shown(const Sizes *z)
{
    return itemise_work(&z->d, (int)z->S, (int)z->TT, (int)z->B) <= ITEMISE_MAX_WORK;
}

/* One trainer alone (trainer_create without seeds_create). */
static void add_trainer(BudgetParts *p, const Config *cfg, const TaskData *td)
{
    Sizes z = sizes_of(cfg, td);
    p->parameters += lines(4 * z.P); /* parameters, gradients, first and second moments */
    p->data += batch_bytes(&z) + (td->text_bytes ? chunk(4 * td->text_bytes) : 0); /* corpus.c: an int a byte */
    p->caches += cache_bytes(&z, z.B);
    p->observables += observables_bytes(&z, 0) + spectrum_bytes(&z);
    p->history += history_bytes((size_t)cfg->history, &z, cfg->seeds);
}

/* A run: the trainer and, for seeds=K, its K - 1 copies (seeds_create: whole trainers of
 * history=10) and their saved states. */
static void add_run(BudgetParts *p, const Config *cfg, const TaskData *td)
{
    add_trainer(p, cfg, td);
    if (cfg->seeds <= 1)
        return;
    Config c = *cfg;
    c.seeds = 1;
    c.history = 10;
    Sizes z = sizes_of(&c, td);
    size_t copies = (size_t)(cfg->seeds - 1);
    for (size_t k = 0; k < copies; k++)
        add_trainer(p, &c, td);
    p->parameters += chunk(copies * sizeof(Trainer)) + chunk(copies * state_bytes(&z));
}

/* runview.c's runview_alloc: one copy of what the views draw; its history's part into
 * *history. */
static size_t view_bytes(const Sizes *z, const Config *cfg, size_t *history)
{
    *history = history_bytes((size_t)cfg->history, z, cfg->seeds);
    size_t targets = z->d.loss == LOSS_XENT ? chunk((z->n_out + 1) * sizeof(int64_t)) : doubles(z->n_out * z->O + 1);
    return observables_bytes(z, 1) + 3 * doubles(z->L * z->blocks * z->H + 1) + targets +
           chunk((z->I + z->O + 1) * RUNVIEW_NAME_LEN);
}

/* itemise.c's itemised_reserve: the terms view's three (S, T) arrays, where it has them. */
static size_t terms_bytes(const Sizes *z)
{
    return terms_shown(z) ? 3 * doubles(z->S * z->TT) : 0;
}

/* itemise_now's passes while they run: itemise_gradient's dL/d out and dL/dh_t, then
 * itemise_connectivity's batch of one, its caches and the Jacobian; each a scratch block of
 * parameters. */
static size_t terms_work_bytes(const Sizes *z)
{
    if (!terms_shown(z))
        return 0;
    size_t Imax = z->I > z->Id ? z->I : z->Id;
    size_t gradient = doubles(z->S * z->B * z->O) + doubles(z->TT * z->B * z->H) + doubles(z->P);
    size_t one = doubles(z->T * z->I + z->Td * z->Id + z->n_out * z->O + 1) + chunk((z->TT + 1) * sizeof(int64_t));
    size_t connectivity = one + cache_bytes(z, 1) + doubles(z->TT * z->O * Imax) + doubles(z->P);
    return gradient + connectivity;
}

/* The window's own copies of run r (0: A, with its snapshots and time travel). */
static void add_window(BudgetParts *p, const Config *cfg, const TaskData *td, const BudgetWindow *w, int r)
{
    Sizes z = sizes_of(cfg, td);
    size_t hist, view = view_bytes(&z, cfg, &hist), terms = terms_bytes(&z);
    p->observables += (size_t)w->view_copies * view;
    p->history += (size_t)w->view_copies * hist;
    p->terms += (size_t)w->view_copies * terms;
    if (r == 0)
        p->terms += terms_work_bytes(&z);
    if (r != 0)
        return;
    /* session_run.c's snapshot_take: as many as fit in snapshot_bytes, at least one */
    size_t state = (size_t)cfg->seeds * state_bytes(&z);
    size_t cap = w->snapshot_bytes / state;
    cap = cap < 1 ? 1 : cap > (size_t)w->snapshots ? (size_t)w->snapshots : cap;
    p->snapshots += cap * chunk(state);
    if (w->scrub) { /* scrub_to's trainer, its terms and its published views */
        add_run(p, cfg, td);
        p->observables += (size_t)w->scrub_views * view;
        p->history += (size_t)w->scrub_views * hist;
        p->terms += (size_t)(w->scrub_views + 1) * terms;
    }
}

static size_t estimate(const Config *cfg, int runs, const BudgetWindow *w, const TaskData *td, BudgetParts *out)
{
    BudgetParts p = {0};
    for (int r = 0; r < runs; r++) {
        add_run(&p, cfg, td);
        if (w)
            add_window(&p, cfg, td, w, r);
    }
    if (td->text_bytes) { /* corpus.c while it reads: the code points, sorted once; the bigrams */
        Sizes z = sizes_of(cfg, td);
        p.data += 2 * chunk(4 * td->text_bytes) + doubles(z.I * z.I) + doubles(z.I);
    }
    p.total = p.caches + p.history + p.observables + p.data + p.parameters + p.snapshots + p.terms;
    if (out)
        *out = p;
    return p.total;
}

size_t budget_estimate(const Config *cfg, int runs, const BudgetWindow *window, BudgetParts *parts)
{
    TaskData td;
    char err[CONFIG_ERR_LEN];
    if (task_data(cfg, &td, err, sizeof err) != 0) { /* trainer_create will say why */
        td.I = td.O = TASK_MAX_VOCAB;
        td.text_bytes = 0;
    }
    return estimate(cfg, runs, window, &td, parts);
}

/* ---- what dominates, and what fits ---- */

/* The settings a refusal may name, in the order near ties go: batch changes only the
 * gradient's noise, history how far back the plots reach, seeds how many runs the plots
 * spread over; seq_len and hidden change the experiment itself. */
typedef struct {
    const char *key;      /* config's name */
    size_t offset;        /* of its int in Config */
    int task_bounds;      /* the task's shortest sequence, and lag < seq_len, bound it too */
} Setting;

static const Setting SETTINGS[] = {
    {"batch", offsetof(Config, batch), 0},
    {"history", offsetof(Config, history), 0},
    {"seeds", offsetof(Config, seeds), 0},
    {"seq_len", offsetof(Config, seq_len), 1},
    {"hidden", offsetof(Config, hidden), 0},
};
#define N_SETTINGS ((int)(sizeof SETTINGS / sizeof SETTINGS[0]))

static int *setting_of(Config *cfg, int s) { return (int *)((char *)cfg + SETTINGS[s].offset); }
static int setting_value(const Config *cfg, int s) { return *(const int *)((const char *)cfg + SETTINGS[s].offset); }

/* The least value cfg accepts for setting s with the others as they are (config.c's
 * range; 0, "the task's default", is no size). */
static int setting_least(const Config *cfg, int s)
{
    int lo = 1, hi = 0;
    if (config_int_range(SETTINGS[s].key, &lo, &hi) != 0 || lo < 1)
        lo = 1;
    if (SETTINGS[s].task_bounds) {
        const TaskKindInfo *k = task_kind_info(cfg->task);
        lo = lo > k->min_seq_len ? lo : k->min_seq_len;
        if (k->uses_lag && lo <= cfg->lag)
            lo = cfg->lag + 1;
    }
    return lo;
}

typedef struct {
    int runs;
    const BudgetWindow *w;
    const TaskData *td;
} Use;

static size_t estimate_with(const Config *cfg, int s, int v, const Use *u)
{
    Config c = *cfg;
    *setting_of(&c, s) = v;
    return estimate(&c, u->runs, u->w, u->td, NULL);
}

/* The setting, not among fixed, whose least value saves the most (near ties to the first
 * listed), or -1 when none saves anything. */
static int dominant(const Config *cfg, const int *fixed, const Use *u)
{
    size_t now = estimate(cfg, u->runs, u->w, u->td, NULL), save[N_SETTINGS] = {0}, most = 0;
    for (int s = 0; s < N_SETTINGS; s++) {
        int least = setting_least(cfg, s);
        if (fixed[s] || setting_value(cfg, s) <= least)
            continue;
        size_t e = estimate_with(cfg, s, least, u);
        save[s] = e < now ? now - e : 0;
        most = save[s] > most ? save[s] : most;
    }
    if (most == 0)
        return -1;
    for (int s = 0; s < N_SETTINGS; s++)
        if (!fixed[s] && save[s] >= most - most / 20)
            return s;
    return -1;
}

/* The largest value of setting s that fits with the others unchanged, or -1 when even
 * the least does not. The estimate grows with each setting (snapshots' whole numbers
 * aside), so this bisects: the value returned fits and the next one does not. */
static int largest_fit(const Config *cfg, int s, size_t budget, const Use *u)
{
    int lo = setting_least(cfg, s), hi = setting_value(cfg, s);
    if (estimate_with(cfg, s, lo, u) > budget)
        return -1;
    if (estimate_with(cfg, s, hi, u) <= budget)
        return hi;
    while (hi - lo > 1) {
        int mid = lo + (hi - lo) / 2;
        if (estimate_with(cfg, s, mid, u) <= budget)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Appends to buf at *n like snprintf, never past len. */
__attribute__((format(printf, 4, 5))) static void append(char *buf, size_t len, size_t *n, const char *fmt, ...)
{
    if (*n >= len)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(buf + *n, len - *n, fmt, ap);
    va_end(ap);
    if (k > 0)
        *n += (size_t)k < len - *n ? (size_t)k : len - *n - 1;
}

/* "batch=128 dominates; batch=39 fits", lowering the next dominant setting to its least
 * as long as the one named cannot fit alone; with no budget only "batch=128 dominates". */
static void advise(char *err, size_t errlen, size_t *n, const Config *cfg, const size_t *budget, const Use *u)
{
    Config cur = *cfg;
    int fixed[N_SETTINGS] = {0};
    char lowered[160] = "";
    size_t nl = 0;
    for (int round = 0; round < N_SETTINGS; round++) {
        int s = dominant(&cur, fixed, u);
        if (s < 0)
            break;
        if (round == 0)
            append(err, errlen, n, "%s=%d dominates%s", SETTINGS[s].key, setting_value(&cur, s), budget ? "; " : "");
        if (!budget)
            return;
        int v = largest_fit(&cur, s, *budget, u);
        if (v >= 0) {
            append(err, errlen, n, "%s%s%s%s=%d fits", nl ? "with " : "", lowered, nl ? ", " : "", SETTINGS[s].key, v);
            return;
        }
        *setting_of(&cur, s) = setting_least(&cur, s);
        fixed[s] = 1;
        append(lowered, sizeof lowered, &nl, "%s%s=%d", nl ? ", " : "", SETTINGS[s].key, setting_value(&cur, s));
    }
    char need[32];
    budget_format(need, sizeof need, estimate(&cur, u->runs, u->w, u->td, NULL));
    if (nl)
        append(err, errlen, n, "even with %s it needs %s", lowered, need);
    else if (budget)
        append(err, errlen, n, "every size is at its least");
}

/* bytes in the largest binary unit it reaches, with `decimals` places (at least 10 of the
 * unit print without). */
static int format_digits(char *buf, size_t len, size_t bytes, int decimals)
{
    if (bytes >= GiB)
        return snprintf(buf, len, "%.*f GiB", decimals, (double)bytes / (double)GiB);
    if (bytes >= MiB)
        return snprintf(buf, len, "%.*f MiB", bytes >= 10 * MiB && decimals == 1 ? 0 : decimals,
                        (double)bytes / (double)MiB);
    if (bytes >= KiB)
        return snprintf(buf, len, "%.*f KiB", bytes >= 10 * KiB && decimals == 1 ? 0 : decimals,
                        (double)bytes / (double)KiB);
    return snprintf(buf, len, "%zu B", bytes);
}

int budget_format(char *buf, size_t len, size_t bytes) { return format_digits(buf, len, bytes, 1); }

/* need and budget printed so that they differ where they do. */
static void format_pair(char *a, char *b, size_t len, size_t need, size_t budget)
{
    budget_format(a, len, need);
    budget_format(b, len, budget);
    if (strcmp(a, b) == 0) {
        format_digits(a, len, need, 3);
        format_digits(b, len, budget, 3);
    }
    if (strcmp(a, b) == 0) {
        snprintf(a, len, "%zu bytes", need);
        snprintf(b, len, "%zu bytes", budget);
    }
}

int budget_check(const Config *cfg_in, int runs, const BudgetWindow *window, size_t budget, char *err,
                 size_t errlen)
{
    Config cfg = *cfg_in;
    TaskData td;
    if (config_resolve(&cfg, err, errlen) != 0 || task_data(&cfg, &td, err, errlen) != 0)
        return -1;
    Use u = {runs, window, &td};
    size_t need = estimate(&cfg, runs, window, &td, NULL);
    if (need <= budget)
        return 0;
    char a[48], b[48];
    format_pair(a, b, sizeof a, need, budget);
    size_t n = 0;
    err[0] = '\0';
    append(err, errlen, &n, "needs %s, more than the memory budget of %s (--memory): ", a, b);
    advise(err, errlen, &n, &cfg, &budget, &u);
    return -1;
}

void budget_explain(const Config *cfg, char *err, size_t errlen)
{
    TaskData td;
    char why[CONFIG_ERR_LEN];
    if (task_data(cfg, &td, why, sizeof why) != 0)
        td.I = td.O = TASK_MAX_VOCAB, td.text_bytes = 0;
    Use u = {1, NULL, &td};
    char need[32];
    budget_format(need, sizeof need, estimate(cfg, 1, NULL, &td, NULL));
    size_t n = 0;
    err[0] = '\0';
    append(err, errlen, &n, "out of memory: needs %s; ", need);
    advise(err, errlen, &n, cfg, NULL, &u);
    if (n >= 2 && strcmp(err + n - 2, "; ") == 0) /* nothing to name */
        err[n - 2] = '\0';
}

/* ---- the budget itself ---- */

/* The memory limit of the process's cgroup (v2, then v1), or 0 when none is set. */
static size_t cgroup_limit(void)
{
    static const char *const paths[] = {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"};
    for (int i = 0; i < 2; i++) {
        FILE *f = fopen(paths[i], "r"); /* kernel files: never a FIFO, never large */
        if (!f)
            continue;
        unsigned long long v = 0;
        int got = fscanf(f, "%llu", &v);
        fclose(f);
        if (got == 1 && v > 0)
            return v > (unsigned long long)SIZE_MAX ? SIZE_MAX : (size_t)v;
    }
    return 0;
}

size_t budget_default(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    size_t phys = pages > 0 && page > 0 ? (size_t)pages * (size_t)page : 2 * BUDGET_MIN;
    size_t cg = cgroup_limit();
    return (cg && cg < phys ? cg : phys) / 2;
}

int budget_parse(const char *text, size_t *bytes, char *err, size_t errlen)
{
    static const char *const accepted = "expected a size in bytes, or with a suffix K, M or G (powers of 1024), "
                                        "for example 4G";
    const char *p = text;
    size_t v = 0;
    int digits = 0;
    for (; *p >= '0' && *p <= '9'; p++, digits++) {
        size_t d = (size_t)(*p - '0');
        if (v > (SIZE_MAX - d) / 10) {
            snprintf(err, errlen, "%.40s: too large; %s", text, accepted);
            return -1;
        }
        v = v * 10 + d;
    }
    int shift = *p == 'K' ? 10 : *p == 'M' ? 20 : *p == 'G' ? 30 : 0;
    if (shift)
        p++;
    if (!digits || *p) {
        snprintf(err, errlen, "%.40s: %s", text, accepted);
        return -1;
    }
    if (v > SIZE_MAX >> shift) {
        snprintf(err, errlen, "%.40s: too large; %s", text, accepted);
        return -1;
    }
    v <<= shift;
    if (v < BUDGET_MIN) {
        snprintf(err, errlen, "%.40s: below the least budget, 16M (%zu bytes)", text, BUDGET_MIN);
        return -1;
    }
    *bytes = v;
    return 0;
}

