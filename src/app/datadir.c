/* datadir.c: finding the data directory (datadir.h): the environment, then the install
 * prefix computed from /proc/self/exe, then the source tree. Nothing here opens a file:
 * it only asks whether a directory exists. */
#include "datadir.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef RNNLAB_DATA_FROM_BIN
#define RNNLAB_DATA_FROM_BIN "../share/rnnlab"
#endif

/* "a/b" into out; -1 if it does not fit (a path cut short would name another file). */
static int join(char *out, size_t len, const char *a, const char *b)
{
    int n = snprintf(out, len, "%s/%s", a, b);
    return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* Whether dir/lessons is a directory. */
static int holds_lessons(const char *dir)
{
    char path[PATH_MAX];
    struct stat st;
    return join(path, sizeof path, dir, "lessons") == 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The installed layout beside the running executable, into out; -1 if unknown. */
static int beside_executable(char *out, size_t len)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0 || (size_t)n >= sizeof exe - 1)
        return -1;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return -1;
    *slash = '\0';
    return join(out, len, exe[0] ? exe : "/", RNNLAB_DATA_FROM_BIN);
}

const char *datadir_find(char *out, size_t len)
{
    const char *env = getenv("RNNLAB_DATA_DIR");
    if (env && *env && (size_t)snprintf(out, len, "%s", env) < len)
        return out;
    if (beside_executable(out, len) == 0 && holds_lessons(out)) {
        char real[PATH_MAX]; /* /usr/share/rnnlab rather than /usr/bin/../share/rnnlab */
        if (realpath(out, real) && strlen(real) < len)
            memcpy(out, real, strlen(real) + 1);
        return out;
    }
#ifdef RNNLAB_SOURCE_DIR
    if ((size_t)snprintf(out, len, "%s", RNNLAB_SOURCE_DIR) < len && holds_lessons(out))
        return out;
#endif
    snprintf(out, len, ".");
    return out;
}

const char *datadir_lessons(char *out, size_t len)
{
    const char *env = getenv("RNNLAB_LESSONS");
    if (env && *env && (size_t)snprintf(out, len, "%s", env) < len)
        return out;
    char dir[PATH_MAX];
    if (join(out, len, datadir_find(dir, sizeof dir), "lessons") != 0)
        snprintf(out, len, "lessons");
    return out;
}

const char *datadir_asset(char *out, size_t len, const char *name)
{
    char dir[PATH_MAX], assets[PATH_MAX];
    if (join(assets, sizeof assets, datadir_find(dir, sizeof dir), "assets") != 0 ||
        join(out, len, assets, name) != 0)
        snprintf(out, len, "assets/%s", name);
    return out;
}
