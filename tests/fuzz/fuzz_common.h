/* fuzz_common.h: what several harnesses share: the input as a file for entry points that
 * read a path, the one way a harness reports a broken property, and the copy/paste
 * property of a configuration. Leaves out anything that would make a run depend on the
 * previous one. */
#ifndef RNNLAB_FUZZ_COMMON_H
#define RNNLAB_FUZZ_COMMON_H

#include "config.h"

#include <stddef.h>
#include <stdint.h>

/* A path that reads back exactly data[0 .. size) ("/proc/self/fd/N", a memfd_create file
 * that lives in memory only, so a harness writes nothing to disk and leaves nothing behind
 * when it is killed); the same path on every call, rewritten each time. Aborts (the
 * harness's failure, not the input's) if the file cannot be made. */
const char *fuzz_file(const uint8_t *data, size_t size);

/* A property the harness checks does not hold: prints what and detail, then abort(), which
 * libFuzzer records as a crash together with the input. */
void fuzz_fail(const char *what, const char *detail);

/* Ctrl C then Ctrl V: config_format_line's line, applied to the defaults with
 * config_parse_line, must be accepted and give back the same configuration (compared as
 * config_format's text); with resolved set, config_resolve must accept the pasted copy
 * and leave it unchanged, as the window's paste does (gui_apply_line). */
void fuzz_check_round_trip(const Config *cfg, int resolved);

#endif
