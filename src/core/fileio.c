/* fileio.c: whole-file reads that grow their buffer (and the one wording of their failures),
 * and atomic text writes. Leaves out directories and .npy arrays (npy.c). */
#include "fileio.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* What a file that is not a regular one is. */
static FileStatus kind_of(mode_t m)
{
    return S_ISREG(m)                 ? FILE_OK
           : S_ISDIR(m)               ? FILE_IS_DIRECTORY
           : S_ISFIFO(m)              ? FILE_IS_FIFO
           : S_ISCHR(m) || S_ISBLK(m) ? FILE_IS_DEVICE
           : S_ISSOCK(m)              ? FILE_IS_SOCKET
                                      : FILE_IS_OTHER;
}

FileStatus file_open_regular(const char *path, size_t max_bytes, int *fd_out, size_t *size)
{
    *fd_out = -1;
    *size = 0;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return FILE_CANNOT_OPEN;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return FILE_CANNOT_OPEN;
    }
    FileStatus kind = kind_of(st.st_mode);
    if (kind != FILE_OK || st.st_size < 0 || (unsigned long long)st.st_size > max_bytes) {
        close(fd);
        return kind != FILE_OK ? kind : FILE_TOO_LARGE;
    }
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return FILE_CANNOT_OPEN;
    }
    *fd_out = fd;
    *size = (size_t)st.st_size;
    return FILE_OK;
}

FileStatus file_read_all(const char *path, size_t max_bytes, unsigned char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    int fd;
    size_t size;
    FileStatus st = file_open_regular(path, max_bytes, &fd, &size);
    if (st != FILE_OK)
        return st;
    /* the size stat gave, and one byte more to notice a file that grew meanwhile */
    unsigned char *buf = malloc(size + 2);
    size_t n = 0;
    int bad = buf == NULL, e = 0;
    while (!bad && n < size + 1) {
        ssize_t r = read(fd, buf + n, size + 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            bad = 1, e = errno;
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    if (bad) {
        free(buf);
        errno = e;
        return FILE_CANNOT_READ;
    }
    if (n > max_bytes || n > size) {
        free(buf);
        return n > max_bytes ? FILE_TOO_LARGE : FILE_CANNOT_READ;
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
    case FILE_CANNOT_READ:
        if (errnum)
            snprintf(err, errlen, "%s: cannot read: %s", name, strerror(errnum));
        else
            snprintf(err, errlen, "%s: cannot read (it changed while being read)", name);
        return;
    case FILE_IS_DIRECTORY:
    case FILE_IS_FIFO:
    case FILE_IS_DEVICE:
    case FILE_IS_SOCKET:
    case FILE_IS_OTHER: {
        static const char *const WHAT[] = {"a directory", "a FIFO (named pipe)", "a device", "a socket",
                                           "not a file"};
        snprintf(err, errlen, "%s: is %s, not a regular file; give the path of a file", name,
                 WHAT[status - FILE_IS_DIRECTORY]);
        return;
    }
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
