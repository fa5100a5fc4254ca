/* fuzz_common.c: the in-memory file, the failure report and the configuration round trip
 * behind fuzz_common.h. Linux only (memfd_create): the harnesses build with clang on
 * Debian. */
#define _GNU_SOURCE
#include "fuzz_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* One file per process, made on first use: a harness is single-threaded, and this state
 * is the harness's, not core's. Its content is rewritten before every read, so no run
 * sees the previous one's bytes. */
static int fuzz_fd = -1;
static char fuzz_path[64];

const char *fuzz_file(const uint8_t *data, size_t size)
{
    if (fuzz_fd < 0) {
        fuzz_fd = memfd_create("rnnlab-fuzz", MFD_CLOEXEC);
        if (fuzz_fd < 0) {
            perror("fuzz_file: memfd_create");
            abort();
        }
        snprintf(fuzz_path, sizeof fuzz_path, "/proc/self/fd/%d", fuzz_fd);
    }
    if (ftruncate(fuzz_fd, 0) != 0) {
        perror("fuzz_file: ftruncate");
        abort();
    }
    for (size_t done = 0; done < size;) {
        ssize_t n = pwrite(fuzz_fd, data + done, size - done, (off_t)done);
        if (n <= 0) {
            perror("fuzz_file: pwrite");
            abort();
        }
        done += (size_t)n;
    }
    return fuzz_path;
}

void fuzz_fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz: %s\n%s\n", what, detail ? detail : "");
    abort();
}

/* Big enough for every key at its longest (text= is under CONFIG_TEXT_LEN). */
#define TEXT_MAX 8192

void fuzz_check_round_trip(const Config *cfg, int resolved)
{
    char before[TEXT_MAX], line[TEXT_MAX], after[TEXT_MAX], err[CONFIG_ERR_LEN];
    char detail[3 * TEXT_MAX + CONFIG_ERR_LEN];
    if (config_format(cfg, before, sizeof before) >= (int)sizeof before ||
        config_format_line(cfg, line, sizeof line) >= (int)sizeof line)
        fuzz_fail("config_format: the text does not fit in 8192 bytes", NULL);
    Config back;
    config_default(&back);
    if (config_parse_line(&back, line, err, sizeof err) != 0) {
        snprintf(detail, sizeof detail, "line: %s\nerror: %s", line, err);
        fuzz_fail("the copied line does not paste back", detail);
    }
    if (resolved && config_resolve(&back, err, sizeof err) != 0) {
        snprintf(detail, sizeof detail, "line: %s\nerror: %s", line, err);
        fuzz_fail("the copied line of a resolved configuration does not resolve", detail);
    }
    config_format(&back, after, sizeof after);
    if (strcmp(before, after) != 0) {
        snprintf(detail, sizeof detail, "copied:\n%s\npasted:\n%s", before, after);
        fuzz_fail("the pasted configuration differs from the copied one", detail);
    }
}
