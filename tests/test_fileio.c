/* test_fileio.c: whole-file reads within a limit and the one wording of their failures.
 * Leaves out the callers (test_task checks charlm and npy word them alike). */
#include "check.h"

#include "fileio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

    st = file_read_all(dir, 100, &buf, &n); /* opens, but a directory does not read */
    assert_int_equal(st, FILE_CANNOT_READ);
    file_read_error(err, sizeof err, dir, st, errno, 100, NULL);
    snprintf(want, sizeof want, "%s: cannot read", dir);
    assert_string_equal(err, want);
    check_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_all_reads_within_its_limit_and_says_why_it_cannot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
