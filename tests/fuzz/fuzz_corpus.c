/* fuzz_corpus.c: libFuzzer harness for charlm's corpus loader: the input as the text=
 * file of task=charlm (seq_len=4, so short texts get past the length check), built with
 * task_create as the trainer does, then a batch drawn from it and every symbol named.
 * Leaves out training; the generated corpus (text= empty) has no input to fuzz. */
#include "fuzz_common.h"

#include "config.h"
#include "rng.h"
#include "task.h"

#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Config cfg;
    char err[CONFIG_ERR_LEN + CONFIG_TEXT_LEN], pair[CONFIG_TEXT_LEN + 8];
    config_default(&cfg);
    snprintf(pair, sizeof pair, "text=%s", fuzz_file(data, size));
    if (config_set(&cfg, "task=charlm", err, sizeof err) != 0 || config_set(&cfg, "seq_len=4", err, sizeof err) != 0 ||
        config_set(&cfg, "batch=3", err, sizeof err) != 0 || config_set(&cfg, pair, err, sizeof err) != 0 ||
        config_resolve(&cfg, err, sizeof err) != 0)
        fuzz_fail("the harness's own configuration is rejected", err);
    Task task;
    if (task_create(&task, &cfg, err, sizeof err) != 0)
        return 0; /* task_create has destroyed it */
    if (task.n_vocab < 2 || task.n_vocab > TASK_MAX_VOCAB || task.corpus_len < (size_t)cfg.seq_len + 1)
        fuzz_fail("task_create accepted a corpus charlm cannot use", NULL);
    Batch batch;
    if (task_batch_create(&batch, &task) == 0) {
        Rng rng;
        rng_seed(&rng, 1, 0);
        for (int i = 0; i < 4; i++)
            task_sample(&task, &batch, &rng);
        task_batch_destroy(&batch);
    }
    for (int k = 0; k < task.n_vocab; k++) {
        char name[32];
        task_symbol_name(&task, k, 0, name, sizeof name);
        task_symbol_name(&task, k, 1, name, sizeof name);
    }
    task_destroy(&task);
    return 0;
}
