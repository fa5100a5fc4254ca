/* fileio.c: how rnnlab touches files: reads of regular files only, size-checked and never
 * blocking (and the one wording of their failures); the one atomic writer (FileWriter);
 * saved runs' directories replaced whole (DirWriter). The .npy format is npy.c's. */
#include "fileio.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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

/* ---- the one writer ---- */

/* path's directory and last component, split at the last '/' ("." for none). */
static void split_path(const char *path, char *dir, size_t dlen, char *base, size_t blen)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(dir, dlen, ".");
        snprintf(base, blen, "%s", path);
    } else if (slash == path) {
        snprintf(dir, dlen, "/");
        snprintf(base, blen, "%s", slash + 1);
    } else {
        snprintf(dir, dlen, "%.*s", (int)(slash - path), path);
        snprintf(base, blen, "%s", slash + 1);
    }
}

/* What writing to path replaces: path itself, or for a symlink (a chain of them) its final
 * target, which need not exist yet. 0, or -1 (errno set). */
static int resolve_target(const char *path, char *out, size_t len)
{
    char cur[4096];
    snprintf(cur, sizeof cur, "%s", path);
    for (int hops = 0; hops < 40; hops++) {
        struct stat st;
        if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode)) {
            snprintf(out, len, "%s", cur);
            return 0;
        }
        char link[4096];
        ssize_t n = readlink(cur, link, sizeof link - 1);
        if (n < 0)
            return -1;
        link[n] = '\0';
        if (link[0] == '/') {
            snprintf(cur, sizeof cur, "%s", link);
        } else {
            char dir[4096], base[4096], next[8300];
            split_path(cur, dir, sizeof dir, base, sizeof base);
            if (snprintf(next, sizeof next, "%s/%s", dir, link) >= (int)sizeof cur) {
                errno = ENAMETOOLONG;
                return -1;
            }
            memcpy(cur, next, strlen(next) + 1);
        }
    }
    errno = ELOOP;
    return -1;
}

static int fail_open(char *err, size_t errlen, const char *shown, const char *why)
{
    snprintf(err, errlen, "%s: cannot write: %s", shown, why);
    return -1;
}

int file_writer_open(FileWriter *w, const char *path, char *err, size_t errlen)
{
    memset(w, 0, sizeof *w);
    w->fd = -1;
    snprintf(w->shown, sizeof w->shown, "%s", path);
    if (strlen(path) >= sizeof w->path - 16)
        return fail_open(err, errlen, path, "path too long");
    if (resolve_target(path, w->path, sizeof w->path) != 0)
        return fail_open(err, errlen, path, strerror(errno));
    struct stat st;
    int exists = stat(w->path, &st) == 0;
    if (exists && (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode))) {
        /* written where it is: a FIFO nobody reads is refused rather than waited on */
        w->fd = open(w->path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
        if (w->fd < 0)
            return fail_open(err, errlen, path,
                             errno == ENXIO ? "a FIFO with nobody reading it" : strerror(errno));
        int flags = fcntl(w->fd, F_GETFL);
        if (flags >= 0)
            fcntl(w->fd, F_SETFL, flags & ~O_NONBLOCK);
        w->in_place = 1;
        return 0;
    }
    if (exists && !S_ISREG(st.st_mode))
        return fail_open(err, errlen, path,
                         S_ISDIR(st.st_mode) ? "it is a directory" : "it is not a regular file, a FIFO or a device");
    w->had_old = exists;
    char dir[4096], base[4096];
    split_path(w->path, dir, sizeof dir, base, sizeof base);
    if (snprintf(w->tmp, sizeof w->tmp, "%s/.%s.tmp-XXXXXX", dir, base) >= (int)sizeof w->tmp)
        return fail_open(err, errlen, path, "path too long");
    w->fd = mkstemp(w->tmp);
    if (w->fd < 0)
        return fail_open(err, errlen, path, strerror(errno));
    fchmod(w->fd, exists ? (st.st_mode & 07777) : 0644);
    return 0;
}

/* Writes the buffer out; the first failure is kept in err_no. */
static void writer_flush(FileWriter *w)
{
    size_t done = 0;
    while (!w->err_no && done < w->used) {
        ssize_t r = write(w->fd, w->buf + done, w->used - done);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            w->err_no = r < 0 ? errno : EIO;
        else
            done += (size_t)r;
    }
    w->used = 0;
}

void file_writer_write(FileWriter *w, const void *data, size_t n)
{
    const unsigned char *p = data;
    while (n > 0 && !w->err_no) {
        size_t room = sizeof w->buf - w->used, k = n < room ? n : room;
        memcpy(w->buf + w->used, p, k);
        w->used += k, p += k, n -= k;
        if (w->used == sizeof w->buf)
            writer_flush(w);
    }
}

void file_writer_printf(FileWriter *w, const char *fmt, ...)
{
    char line[8192];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof line) { /* longer lines: formatted again into the heap */
        char *big = n > 0 ? malloc((size_t)n + 1) : NULL;
        if (!big) {
            w->err_no = w->err_no ? w->err_no : ENOMEM;
            return;
        }
        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
        file_writer_write(w, big, (size_t)n);
        free(big);
        return;
    }
    file_writer_write(w, line, (size_t)n);
}

void file_writer_abort(FileWriter *w)
{
    if (w->fd >= 0)
        close(w->fd);
    w->fd = -1;
    if (!w->in_place && w->tmp[0])
        unlink(w->tmp);
    w->tmp[0] = '\0';
}

/* fsync of a directory, so a rename in it lasts (where the file system can). */
static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

int file_writer_close(FileWriter *w, char *err, size_t errlen)
{
    writer_flush(w);
    if (!w->err_no && !w->in_place && fsync(w->fd) != 0)
        w->err_no = errno;
    if (close(w->fd) != 0 && !w->err_no)
        w->err_no = errno;
    w->fd = -1;
    if (!w->err_no && !w->in_place && rename(w->tmp, w->path) != 0)
        w->err_no = errno;
    if (w->err_no) {
        int e = w->err_no;
        file_writer_abort(w);
        snprintf(err, errlen, "%s: cannot write: %s%s", w->shown, strerror(e),
                 w->in_place ? "" : w->had_old ? "; the old file is kept" : "; nothing was written");
        return -1;
    }
    if (!w->in_place) {
        char dir[4096], base[4096];
        split_path(w->path, dir, sizeof dir, base, sizeof base);
        sync_dir(dir);
    }
    return 0;
}

int file_write_parts(const char *path, int n, const void *const *parts, const size_t *lens,
                     char *err, size_t errlen)
{
    FileWriter *w = malloc(sizeof *w);
    if (!w) {
        snprintf(err, errlen, "%s: cannot write: out of memory", path);
        return -1;
    }
    if (file_writer_open(w, path, err, errlen) != 0) {
        free(w);
        return -1;
    }
    for (int i = 0; i < n; i++)
        file_writer_write(w, parts[i], lens[i]);
    int r = file_writer_close(w, err, errlen);
    free(w);
    return r;
}

int file_write_text(const char *path, const char *text, char *err, size_t errlen)
{
    const void *parts[1] = {text};
    const size_t lens[1] = {strlen(text)};
    return file_write_parts(path, 1, parts, lens, err, errlen);
}

/* ---- a directory written whole ---- */

/* Whether name is what a saved run holds: NAME.npy, NAME.txt (a regular file), or seed_N
 * (a directory of the same). */
static int run_entry(const char *name, int is_dir)
{
    size_t n = strlen(name);
    if (is_dir) {
        if (strncmp(name, "seed_", 5) != 0 || !name[5])
            return 0;
        for (const char *c = name + 5; *c; c++)
            if (*c < '0' || *c > '9')
                return 0;
        return 1;
    }
    return n > 4 && (!strcmp(name + n - 4, ".npy") || !strcmp(name + n - 4, ".txt"));
}

/* Checks (depth 0: the directory itself, 1: a seed_N folder) that dir holds only a saved
 * run's entries; removes them too when `remove_too` (then dir itself). 0, or -1 with the
 * first foreign entry's name in bad. */
static int walk_run(const char *dir, int depth, int remove_too, char *bad, size_t badlen)
{
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(bad, badlen, "%s (%s)", dir, strerror(errno));
        return -1;
    }
    int status = 0;
    struct dirent *e;
    while (status == 0 && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char path[8300];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(path, &st) != 0 || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) ||
            !run_entry(e->d_name, S_ISDIR(st.st_mode)) || (S_ISDIR(st.st_mode) && depth > 0)) {
            /* a temporary file a killed writer left is ours to remove */
            if (remove_too && S_ISREG(st.st_mode) && e->d_name[0] == '.' && strstr(e->d_name, ".tmp-")) {
                unlink(path);
                continue;
            }
            snprintf(bad, badlen, "%s", path);
            status = -1;
        } else if (S_ISDIR(st.st_mode)) {
            status = walk_run(path, depth + 1, remove_too, bad, badlen);
        } else if (remove_too) {
            unlink(path);
        }
    }
    closedir(d);
    if (status == 0 && remove_too)
        rmdir(dir);
    return status;
}

int dir_writer_check(const char *dir, char *err, size_t errlen)
{
    struct stat st;
    if (strlen(dir) >= 4000) {
        snprintf(err, errlen, "%.200s...: path too long", dir);
        return -1;
    }
    /* the new directory is made beside it: its parent must take one */
    char parent[4096], base[4096], path[4096];
    snprintf(path, sizeof path, "%s", dir);
    for (size_t n = strlen(path); n > 1 && path[n - 1] == '/'; n--)
        path[n - 1] = '\0';
    split_path(path, parent, sizeof parent, base, sizeof base);
    if (stat(parent, &st) != 0 || !S_ISDIR(st.st_mode) || access(parent, W_OK | X_OK) != 0) {
        snprintf(err, errlen, "%s: cannot create it: %s %s", dir, parent,
                 stat(parent, &st) != 0 ? "does not exist" : !S_ISDIR(st.st_mode) ? "is not a directory"
                                                                                   : "is not writable");
        return -1;
    }
    if (lstat(dir, &st) != 0) {
        if (errno == ENOENT)
            return 0; /* made new */
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: exists and is not a directory; give a new directory (or a saved run's)", dir);
        return -1;
    }
    char bad[8400];
    if (walk_run(dir, 0, 0, bad, sizeof bad) != 0) {
        snprintf(err, errlen,
                 "%s: holds %s, which is not part of a saved run; a saved run's directory is replaced whole, so "
                 "give a new or empty directory",
                 dir, bad);
        return -1;
    }
    return 0;
}

int dir_writer_open(DirWriter *d, const char *dir, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    if (dir_writer_check(dir, err, errlen) != 0)
        return -1;
    /* without a trailing slash, so that the sibling's name is right */
    snprintf(d->dir, sizeof d->dir, "%s", dir);
    for (size_t n = strlen(d->dir); n > 1 && d->dir[n - 1] == '/'; n--)
        d->dir[n - 1] = '\0';
    struct stat st;
    d->exists = lstat(d->dir, &st) == 0;
    char parent[4096], base[4096];
    split_path(d->dir, parent, sizeof parent, base, sizeof base);
    /* what a save killed before its swap left beside it: a partial new run, removed */
    char stale[4200];
    snprintf(stale, sizeof stale, ".%s.new-", base);
    DIR *pd = opendir(parent);
    for (struct dirent *e; pd && (e = readdir(pd));) {
        char path[8400], bad[8400];
        if (strncmp(e->d_name, stale, strlen(stale)) != 0 || strlen(e->d_name) != strlen(stale) + 6)
            continue;
        snprintf(path, sizeof path, "%s/%s", parent, e->d_name);
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
            walk_run(path, 0, 1, bad, sizeof bad);
    }
    if (pd)
        closedir(pd);
    if (snprintf(d->tmp, sizeof d->tmp, "%s/.%s.new-XXXXXX", parent, base) >= (int)sizeof d->tmp) {
        snprintf(err, errlen, "%.200s...: path too long", dir);
        d->tmp[0] = '\0';
        return -1;
    }
    if (!mkdtemp(d->tmp)) {
        snprintf(err, errlen, "%s: cannot create a directory beside it: %s", dir, strerror(errno));
        d->tmp[0] = '\0';
        return -1;
    }
    chmod(d->tmp, 0755);
    return 0;
}

void dir_writer_abort(DirWriter *d)
{
    char bad[8400];
    if (d->tmp[0])
        walk_run(d->tmp, 0, 1, bad, sizeof bad);
    d->tmp[0] = '\0';
}

int dir_writer_close(DirWriter *d, char *err, size_t errlen)
{
    char parent[4096], base[4096], bad[8400];
    split_path(d->dir, parent, sizeof parent, base, sizeof base);
    sync_dir(d->tmp);
    int r;
    if (d->exists) /* one rename swaps them: the old run now sits at tmp */
        r = (int)syscall(SYS_renameat2, AT_FDCWD, d->tmp, AT_FDCWD, d->dir, RENAME_EXCHANGE);
    else
        r = rename(d->tmp, d->dir);
    if (r != 0) {
        int e = errno;
        dir_writer_abort(d);
        snprintf(err, errlen, "%s: cannot put the new run in place: %s%s", d->dir, strerror(e),
                 d->exists ? "; the old one is kept" : "");
        return -1;
    }
    sync_dir(parent);
    if (d->exists)
        walk_run(d->tmp, 0, 1, bad, sizeof bad); /* the old run, swapped out */
    d->tmp[0] = '\0';
    return 0;
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
