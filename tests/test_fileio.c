/* test_fileio.c: whole-file reads within a limit and the one wording of their failures.
 * Leaves out the callers (test_task checks charlm and npy word them alike). */
#include "check.h"

#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void test_read_all_reads_within_its_limit_and_says_why_it_cannot(void **s)
{
    (void)s;
    char dir[512], path[600], missing[600], err[1024];
    check_mkdtemp(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/twenty.txt", dir);
    snprintf(missing, sizeof missing, "%s/missing.txt", dir);
    assert_int_equal(file_write_text(path, "01234567890123456789", err, sizeof err), 0);
    unsigned char *buf;
    size_t n;
    assert_int_equal(file_read_all(path, 20, &buf, &n), FILE_OK);
    assert_int_equal(n, 20);
    assert_int_equal(buf[20], '\0');
    assert_memory_equal(buf, "01234567890123456789", 20);
    free(buf);

    char want[1400];
    FileStatus st = file_read_all(path, 19, &buf, &n);
    assert_int_equal(st, FILE_TOO_LARGE);
    assert_null(buf);
    file_read_error(err, sizeof err, path, st, 0, 19, "give a shorter one");
    snprintf(want, sizeof want, "%s: larger than 19 bytes; give a shorter one", path);
    assert_string_equal(err, want);
    file_read_error(err, sizeof err, "text=x", FILE_TOO_LARGE, 0, (size_t)8 << 20, NULL);
    assert_string_equal(err, "text=x: larger than 8 MB");

    st = file_read_all(missing, 100, &buf, &n);
    int errnum = errno;
    assert_int_equal(st, FILE_CANNOT_OPEN);
    file_read_error(err, sizeof err, missing, st, errnum, 100, NULL);
    snprintf(want, sizeof want, "%s: cannot open: %s", missing, strerror(ENOENT));
    assert_string_equal(err, want);

    st = file_read_all(dir, 100, &buf, &n); /* a directory is named as one */
    assert_int_equal(st, FILE_IS_DIRECTORY);
    file_read_error(err, sizeof err, dir, st, errno, 100, NULL);
    snprintf(want, sizeof want, "%s: is a directory, not a regular file; give the path of a file", dir);
    assert_string_equal(err, want);
    check_rmdir(dir);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void on_alarm(int sig)
{
    (void)sig;
    _exit(99); /* the read blocked: the test fails instead of hanging */
}

/* A FIFO (nobody writing), a device and a huge sparse file are refused at once, before any
 * byte is read. */
static void test_read_all_refuses_what_is_not_a_regular_file_without_blocking(void **s)
{
    (void)s;
    char dir[512], fifo[600], sparse[600], err[1024];
    check_mkdtemp(dir, sizeof dir);
    snprintf(fifo, sizeof fifo, "%s/pipe", dir);
    snprintf(sparse, sizeof sparse, "%s/sparse.bin", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    signal(SIGALRM, on_alarm);
    alarm(5);
    unsigned char *buf;
    size_t n;
    FileStatus st = file_read_all(fifo, 100, &buf, &n);
    assert_int_equal(st, FILE_IS_FIFO);
    file_read_error(err, sizeof err, "text=pipe", st, errno, 100, NULL);
    assert_string_equal(err, "text=pipe: is a FIFO (named pipe), not a regular file; give the path of a file");
    assert_int_equal(file_read_all("/dev/zero", 100, &buf, &n), FILE_IS_DEVICE);
    assert_int_equal(file_read_all("/dev/null", 100, &buf, &n), FILE_IS_DEVICE);
    /* 2 GB of holes: refused by its size, not after reading it */
    int fd = open(sparse, O_WRONLY | O_CREAT, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)2 << 30), 0);
    close(fd);
    double t0 = now_s();
    assert_int_equal(file_read_all(sparse, (size_t)8 << 20, &buf, &n), FILE_TOO_LARGE);
    assert_true(now_s() - t0 < 0.5);
    alarm(0);
    unlink(fifo);
    unlink(sparse);
    check_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_all_reads_within_its_limit_and_says_why_it_cannot),
        cmocka_unit_test(test_read_all_refuses_what_is_not_a_regular_file_without_blocking),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
