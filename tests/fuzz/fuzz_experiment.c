/* fuzz_experiment.c: libFuzzer harness for the experiment line a user pastes with Ctrl V:
 * the input as the clipboard's text (a C string: it ends at the first NUL), applied to the
 * defaults and resolved as gui_apply_line does; an accepted line must survive the
 * copy/paste round trip. Leaves out config files (fuzz_config.c). */
#include "fuzz_common.h"

#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *line = malloc(size + 1);
    if (!line)
        return 0;
    memcpy(line, data, size);
    line[size] = '\0';
    Config cfg;
    char err[CONFIG_ERR_LEN + CONFIG_TEXT_LEN];
    config_default(&cfg);
    int ok = config_parse_line(&cfg, line, err, sizeof err) == 0;
    free(line);
    if (!ok)
        return 0;
    fuzz_check_round_trip(&cfg, 0);
    if (config_resolve(&cfg, err, sizeof err) != 0)
        return 0;
    fuzz_check_round_trip(&cfg, 1);
    return 0;
}
