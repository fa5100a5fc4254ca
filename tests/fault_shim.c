/* fault_shim.c: an LD_PRELOAD library for tests/check_write_faults.sh. It makes the Nth
 * write(2) to a regular file fail with ENOSPC (FAULT_WRITE_AT=N), or the Nth fsync
 * (FAULT_FSYNC_AT) or rename (FAULT_RENAME_AT) fail with EIO, so that every output path
 * can be shown to report the failure and keep the old file. It prints the counts it saw
 * to stderr at exit when FAULT_REPORT is set. Not part of rnnlab. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static long writes, fsyncs, renames;

static long limit(const char *name)
{
    const char *v = getenv(name);
    return v ? atol(v) : -1;
}

static void report(void)
{
    if (getenv("FAULT_REPORT"))
        fprintf(stderr, "fault_shim: writes=%ld fsyncs=%ld renames=%ld\n", writes, fsyncs, renames);
}

__attribute__((constructor)) static void start(void)
{
    atexit(report);
}

ssize_t write(int fd, const void *buf, size_t n)
{
    static ssize_t (*real)(int, const void *, size_t);
    if (!real)
        real = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    struct stat st;
    if (fd > 2 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && ++writes == limit("FAULT_WRITE_AT")) {
        errno = ENOSPC;
        return -1;
    }
    return real(fd, buf, n);
}

int fsync(int fd)
{
    static int (*real)(int);
    if (!real)
        real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && ++fsyncs == limit("FAULT_FSYNC_AT")) {
        errno = EIO;
        return -1;
    }
    return real(fd);
}

int rename(const char *from, const char *to)
{
    static int (*real)(const char *, const char *);
    if (!real)
        real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
    if (++renames == limit("FAULT_RENAME_AT")) {
        errno = EIO;
        return -1;
    }
    return real(from, to);
}
