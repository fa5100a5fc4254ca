/* fuzz_config.c: libFuzzer harness for config files: the input is a file of key=value
 * lines read with config_load_file, then resolved; whatever is accepted must survive the
 * copy/paste round trip. Leaves out the one-line form (fuzz_experiment.c). */
#include "fuzz_common.h"

#include "config.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Config cfg;
    char err[CONFIG_ERR_LEN + CONFIG_TEXT_LEN];
    config_default(&cfg);
    if (config_load_file(&cfg, fuzz_file(data, size), err, sizeof err) != 0)
        return 0;
    fuzz_check_round_trip(&cfg, 0);
    if (config_resolve(&cfg, err, sizeof err) != 0)
        return 0;
    fuzz_check_round_trip(&cfg, 1);
    return 0;
}
