/* test_fileio.c: whole-file reads within a limit and the one wording of their failures.
 * Leaves out the callers (test_task checks charlm and npy word them alike). */
#include "check.h"

#include "fileio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
    check_alarm(5);
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
    double t0 = check_now();
    assert_int_equal(file_read_all(sparse, (size_t)8 << 20, &buf, &n), FILE_TOO_LARGE);
    assert_true(check_now() - t0 < 0.5);
    check_alarm(0);
    unlink(fifo);
    unlink(sparse);
    check_rmdir(dir);
}

/* Nothing but the named entries is left in dir (no temporary files). */
static void only_these(const char *dir, const char *const *names)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        int known = 0;
        for (int i = 0; names[i]; i++)
            known |= !strcmp(e->d_name, names[i]);
        if (!known)
            fail_msg("%s/%s is left over", dir, e->d_name);
    }
    closedir(d);
}

/* A symlink's target is replaced and the link kept; a FIFO nobody reads and a directory
 * are refused, the FIFO untouched; /dev/null is written in place; an aborted write keeps
 * the old file and leaves no temporary file. */
static void test_the_writer_follows_links_and_never_replaces_what_is_not_a_file(void **s)
{
    (void)s;
    char dir[512], target[600], link[600], fifo[600], err[1024];
    check_mkdtemp(dir, sizeof dir);
    snprintf(target, sizeof target, "%s/real.csv", dir);
    snprintf(link, sizeof link, "%s/link.csv", dir);
    snprintf(fifo, sizeof fifo, "%s/pipe", dir);
    assert_int_equal(file_write_text(target, "old\n", err, sizeof err), 0);
    assert_int_equal(symlink("real.csv", link), 0);
    if (file_write_text(link, "new\n", err, sizeof err) != 0)
        fail_msg("%s", err);
    struct stat st;
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode)); /* still a link */
    char *got = check_read_file(target, NULL);
    assert_string_equal(got, "new\n");
    free(got);

    assert_int_equal(mkfifo(fifo, 0600), 0);
    check_alarm(5);
    assert_int_equal(file_write_text(fifo, "x", err, sizeof err), -1);
    assert_non_null(strstr(err, "a FIFO with nobody reading it"));
    assert_int_equal(lstat(fifo, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    check_alarm(0);
    assert_int_equal(file_write_text(dir, "x", err, sizeof err), -1);
    assert_non_null(strstr(err, "it is a directory"));
    assert_int_equal(file_write_text("/dev/null", "x", err, sizeof err), 0);
    assert_int_equal(lstat("/dev/null", &st), 0);
    assert_true(S_ISCHR(st.st_mode));

    FileWriter *w = malloc(sizeof *w);
    assert_non_null(w);
    assert_int_equal(file_writer_open(w, target, err, sizeof err), 0);
    file_writer_printf(w, "half a file");
    file_writer_abort(w);
    free(w);
    got = check_read_file(target, NULL);
    assert_string_equal(got, "new\n");
    free(got);
    only_these(dir, (const char *const[]){"real.csv", "link.csv", "pipe", NULL});
    unlink(link), unlink(target), unlink(fifo);
    check_rmdir(dir);
}

/* A saved run's directory is replaced whole; one with other files, or a file, is refused;
 * a new one needs its parent. */
static void test_a_directory_is_replaced_whole_or_not_at_all(void **s)
{
    (void)s;
    char dir[512], run[600], file[4400], err[2048];
    check_mkdtemp(dir, sizeof dir);
    snprintf(run, sizeof run, "%s/run", dir);
    DirWriter d;
    for (int round = 0; round < 2; round++) {
        assert_int_equal(dir_writer_open(&d, run, err, sizeof err), 0);
        snprintf(file, sizeof file, "%s/state.txt", d.tmp);
        assert_int_equal(file_write_text(file, round ? "two\n" : "one\n", err, sizeof err), 0);
        if (round == 0) { /* a seed folder in the first, gone with it in the second */
            snprintf(file, sizeof file, "%s/seed_2", d.tmp);
            assert_int_equal(mkdir(file, 0755), 0);
            snprintf(file, sizeof file, "%s/seed_2/w.npy", d.tmp);
            assert_int_equal(file_write_text(file, "w", err, sizeof err), 0);
        }
        if (dir_writer_close(&d, err, sizeof err) != 0)
            fail_msg("%s", err);
        snprintf(file, sizeof file, "%s/state.txt", run);
        char *got = check_read_file(file, NULL);
        assert_string_equal(got, round ? "two\n" : "one\n");
        free(got);
    }
    only_these(dir, (const char *const[]){"run", NULL});
    only_these(run, (const char *const[]){"state.txt", NULL});
    /* an aborted one leaves the old run and nothing else */
    assert_int_equal(dir_writer_open(&d, run, err, sizeof err), 0);
    snprintf(file, sizeof file, "%s/state.txt", d.tmp);
    assert_int_equal(file_write_text(file, "three\n", err, sizeof err), 0);
    dir_writer_abort(&d);
    only_these(dir, (const char *const[]){"run", NULL});
    /* a directory holding something else is refused, naming it */
    snprintf(file, sizeof file, "%s/notes.md", run);
    assert_int_equal(file_write_text(file, "mine", err, sizeof err), 0);
    assert_int_equal(dir_writer_check(run, err, sizeof err), -1);
    assert_non_null(strstr(err, "notes.md, which is not part of a saved run"));
    unlink(file);
    snprintf(file, sizeof file, "%s/plain", dir);
    assert_int_equal(file_write_text(file, "x", err, sizeof err), 0);
    assert_int_equal(dir_writer_check(file, err, sizeof err), -1);
    assert_non_null(strstr(err, "exists and is not a directory"));
    unlink(file);
    snprintf(file, sizeof file, "%s/no/such/place", dir);
    assert_int_equal(dir_writer_check(file, err, sizeof err), -1);
    assert_non_null(strstr(err, "does not exist"));
    snprintf(file, sizeof file, "%s/state.txt", run);
    unlink(file);
    rmdir(run);
    check_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_all_reads_within_its_limit_and_says_why_it_cannot),
        cmocka_unit_test(test_read_all_refuses_what_is_not_a_regular_file_without_blocking),
        cmocka_unit_test(test_the_writer_follows_links_and_never_replaces_what_is_not_a_file),
        cmocka_unit_test(test_a_directory_is_replaced_whole_or_not_at_all),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
