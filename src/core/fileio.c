/* fileio.c: whole-file reads that grow their buffer (and the one wording of their failures),
 * and atomic text writes. Leaves out directories and .npy arrays (npy.c). */
#include "fileio.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

FileStatus file_read_all(const char *path, size_t max_bytes, unsigned char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return FILE_CANNOT_OPEN;
    size_t cap = 1 << 14, n = 0;
    unsigned char *buf = malloc(cap + 1);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap || n > max_bytes)
            break;
        unsigned char *grown = realloc(buf, cap * 2 + 1);
        if (!grown) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = grown;
        cap *= 2;
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        free(buf);
        return FILE_CANNOT_READ;
    }
    if (n > max_bytes) {
        free(buf);
        return FILE_TOO_LARGE;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return FILE_OK;
}

void file_read_error(char *err, size_t errlen, const char *name, FileStatus status, int errnum,
                     size_t max_bytes, const char *hint)
{
    switch (status) {
    case FILE_CANNOT_OPEN: snprintf(err, errlen, "%s: cannot open: %s", name, strerror(errnum)); return;
    case FILE_TOO_LARGE: {
        int mb = max_bytes >= ((size_t)1 << 20);
        snprintf(err, errlen, "%s: larger than %zu %s%s%s", name, mb ? max_bytes >> 20 : max_bytes,
                 mb ? "MB" : "bytes", hint ? "; " : "", hint ? hint : "");
        return;
    }
    case FILE_CANNOT_READ: snprintf(err, errlen, "%s: cannot read", name); return;
    case FILE_OK: break;
    }
    assert(!"file_read_error: the read succeeded");
}

int file_write_parts(const char *path, int n, const void *const *parts, const size_t *lens,
                     char *err, size_t errlen)
{
    char tmp[4200];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
        snprintf(err, errlen, "%.200s...: path too long", path);
        return -1;
    }
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot write: %s", tmp, strerror(errno));
        return -1;
    }
    int ok = 1;
    for (int i = 0; i < n && ok; i++)
        ok = fwrite(parts[i], 1, lens[i], f) == lens[i];
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        remove(tmp);
        return -1;
    }
    return 0;
}

int file_write_text(const char *path, const char *text, char *err, size_t errlen)
{
    const void *parts[1] = {text};
    const size_t lens[1] = {strlen(text)};
    return file_write_parts(path, 1, parts, lens, err, errlen);
}

const char *file_stamped_name(char *buf, size_t len, const char *prefix, const char *suffix)
{
    char stamp[32];
    time_t now = time(NULL);
    struct tm tmv;
    localtime_r(&now, &tmv);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tmv);
    snprintf(buf, len, "%s%s%s", prefix, stamp, suffix);
    for (char *c = buf; *c; c++) /* a view's name has spaces */
        if (*c == ' ' || *c == '/')
            *c = '-';
    return buf;
}
