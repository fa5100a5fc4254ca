/* test_npy.c: .npy headers byte for byte as NumPy 1.24 writes them, round trips, and
 * malformed or truncated files rejected with a message. */
#include "check.h"

#include "npy.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A file whose first bytes are a valid header for `shape` (its dict as NumPy writes it)
 * and which is `size` bytes long in all (a sparse tail). */
static void header_file(const char *path, int ndim, const size_t *shape, off_t size)
{
    char h[256];
    size_t n = npy_header(h, sizeof h, NPY_F8, ndim, shape);
    assert_true(n > 0);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, h, n), (ssize_t)n);
    assert_int_equal(ftruncate(fd, size), 0);
    close(fd);
}

/* The header is read and judged before any data: a 2 GB array of the wrong shape is
 * refused at once, a FIFO is refused without blocking, and a shape whose element count
 * would wrap around is refused as too large. */
static void test_the_header_is_judged_before_the_data(void **s)
{
    (void)s;
    char dir[512], big[600], fifo[600], huge[600], odd[600], err[1024];
    check_mkdtemp(dir, sizeof dir);
    snprintf(big, sizeof big, "%s/big.npy", dir);
    snprintf(fifo, sizeof fifo, "%s/fifo.npy", dir);
    snprintf(huge, sizeof huge, "%s/huge.npy", dir);
    snprintf(odd, sizeof odd, "%s/odd.npy", dir);
    size_t shape[2] = {16384, 16384}; /* 2 GiB of float64 */
    header_file(big, 2, shape, 128 + ((off_t)2 << 30));
    check_alarm(10);
    NpyArray a;
    double t0 = check_now();
    size_t want[2] = {32, 8};
    assert_int_equal(npy_read_shaped(big, NPY_F8, 2, want, &a, err, sizeof err), -1);
    assert_true(check_now() - t0 < 0.5);
    assert_non_null(strstr(err, "expected float64 of shape (32, 8) for this configuration, found float64 of "
                                "shape (16384, 16384)"));
    assert_null(a.data);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(npy_read(fifo, &a, err, sizeof err), -1);
    assert_non_null(strstr(err, "is a FIFO"));
    /* (2^32, 2^32): 2^64 elements, which would wrap to 0 */
    const char dict[] = "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }";
    unsigned char bytes[256] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0, 0};
    size_t hlen = 118;
    bytes[8] = (unsigned char)hlen;
    memset(bytes + 10, ' ', hlen);
    memcpy(bytes + 10, dict, sizeof dict - 1);
    bytes[10 + hlen - 1] = '\n';
    assert_int_equal(npy_parse(bytes, 10 + hlen, &a, err, sizeof err), -1);
    assert_non_null(strstr(err, "shape too large"));
    /* a dtype the reader does not take is named whole */
    const char f4[] = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }";
    memset(bytes + 10, ' ', hlen);
    memcpy(bytes + 10, f4, sizeof f4 - 1);
    bytes[10 + hlen - 1] = '\n';
    assert_int_equal(npy_parse(bytes, 10 + hlen, &a, err, sizeof err), -1);
    assert_non_null(strstr(err, "dtype '<f4' is not accepted"));
    check_alarm(0);
    unlink(big), unlink(fifo), unlink(huge), unlink(odd);
    check_rmdir(dir);
}

/* What numpy.save wrote for np.zeros((3, 4)) (checked with NumPy 1.24.2): the dict padded
 * with spaces to 128 bytes in all, ending in a newline. */
static void test_header_bytes_are_what_numpy_writes(void **s)
{
    (void)s;
    char buf[256];
    const struct {
        NpyType type;
        int ndim;
        size_t shape[3];
        const char *dict;
    } cases[] = {
        {NPY_F8, 2, {3, 4}, "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }"},
        {NPY_F8, 1, {3}, "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }"},
        {NPY_F8, 0, {0}, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }"},
        {NPY_I8, 3, {2, 3, 4}, "{'descr': '<i8', 'fortran_order': False, 'shape': (2, 3, 4), }"},
    };
    for (int c = 0; c < 4; c++) {
        size_t n = npy_header(buf, sizeof buf, cases[c].type, cases[c].ndim, cases[c].shape);
        assert_int_equal(n, 128);
        assert_memory_equal(buf, "\x93NUMPY\x01\x00\x76\x00", 10); /* 0x76 = 118 = 128 - 10 */
        size_t dl = strlen(cases[c].dict);
        assert_memory_equal(buf + 10, cases[c].dict, dl);
        for (size_t i = 10 + dl; i < 127; i++)
            assert_int_equal(buf[i], ' ');
        assert_int_equal(buf[127], '\n');
    }
}

static void test_write_then_read_gives_identical_arrays(void **s)
{
    (void)s;
    char dir[512], path[600], err[256];
    check_mkdtemp(dir, sizeof dir);
    double a[24];
    for (int i = 0; i < 24; i++)
        a[i] = (i - 7) * 1e-300 * (i + 1) + (i % 3 ? 1.0 / (i + 1) : -1e300);
    size_t shape[3] = {2, 3, 4};
    snprintf(path, sizeof path, "%s/a.npy", dir);
    assert_int_equal(npy_write(path, NPY_F8, 3, shape, a, err, sizeof err), 0);
    NpyArray r;
    assert_int_equal(npy_read(path, &r, err, sizeof err), 0);
    assert_int_equal(r.type, NPY_F8);
    assert_int_equal(r.ndim, 3);
    assert_int_equal(r.shape[0], 2);
    assert_int_equal(r.shape[2], 4);
    assert_int_equal(r.count, 24);
    assert_memory_equal(r.data, a, sizeof a);
    npy_free(&r);

    int64_t labels[5] = {0, 4, -1, 1LL << 40, 3};
    size_t lshape[1] = {5};
    snprintf(path, sizeof path, "%s/l.npy", dir);
    assert_int_equal(npy_write(path, NPY_I8, 1, lshape, labels, err, sizeof err), 0);
    assert_int_equal(npy_read(path, &r, err, sizeof err), 0);
    assert_int_equal(r.type, NPY_I8);
    assert_memory_equal(r.data, labels, sizeof labels);
    npy_free(&r);

    double scalar = 0.125;
    snprintf(path, sizeof path, "%s/s.npy", dir);
    assert_int_equal(npy_write(path, NPY_F8, 0, NULL, &scalar, err, sizeof err), 0);
    assert_int_equal(npy_read(path, &r, err, sizeof err), 0);
    assert_int_equal(r.ndim, 0);
    assert_int_equal(r.count, 1);
    assert_true(((double *)r.data)[0] == 0.125);
    npy_free(&r);
    /* No temporary file is left behind. */
    snprintf(path, sizeof path, "%s/s.npy.tmp", dir);
    assert_null(fopen(path, "rb"));
    check_rmdir(dir);
}

static void expect_rejected(const unsigned char *bytes, size_t len, const char *needle)
{
    NpyArray r;
    char err[256] = "";
    assert_int_equal(npy_parse(bytes, len, &r, err, sizeof err), -1);
    if (!strstr(err, needle))
        fail_msg("message '%s' does not mention '%s'", err, needle);
    assert_null(r.data);
}

static void test_truncated_and_malformed_files_are_rejected(void **s)
{
    (void)s;
    unsigned char good[128 + 16];
    size_t shape[1] = {2};
    npy_header((char *)good, 128, NPY_F8, 1, shape);
    memset(good + 128, 0, 16);
    NpyArray r;
    char err[256];
    assert_int_equal(npy_parse(good, sizeof good, &r, err, sizeof err), 0);
    npy_free(&r);

    expect_rejected(good, 5, "magic");
    expect_rejected(good, 60, "truncated header");
    expect_rejected(good, sizeof good - 1, "truncated data");
    unsigned char extra[128 + 24];
    memcpy(extra, good, sizeof good);
    expect_rejected(extra, sizeof extra, "extra data");

    unsigned char bad[sizeof good];
    memcpy(bad, good, sizeof good);
    bad[0] = 'X';
    expect_rejected(bad, sizeof bad, "magic");
    memcpy(bad, good, sizeof good);
    bad[6] = 2;
    expect_rejected(bad, sizeof bad, "version");
    memcpy(bad, good, sizeof good);
    memcpy(bad + 10 + 11, "<f4", 3); /* {'descr': '<f8' -> '<f4' */
    expect_rejected(bad, sizeof bad, "dtype");
    memcpy(bad, good, sizeof good);
    memcpy(bad + 10 + 34, "True ", 5); /* fortran_order: False -> True */
    expect_rejected(bad, sizeof bad, "C-order");
    memcpy(bad, good, sizeof good);
    bad[127] = ' ';
    expect_rejected(bad, sizeof bad, "malformed header");
    memcpy(bad, good, sizeof good);
    char *shp = strstr((char *)bad + 10, "(2,)");
    assert_non_null(shp);
    shp[1] = 'x';
    expect_rejected(bad, sizeof bad, "shape");
}

static void test_reading_a_missing_file_names_it(void **s)
{
    (void)s;
    NpyArray r;
    char err[256];
    assert_int_equal(npy_read("/nonexistent/dir/w.npy", &r, err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/dir/w.npy"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_bytes_are_what_numpy_writes),
        cmocka_unit_test(test_write_then_read_gives_identical_arrays),
        cmocka_unit_test(test_truncated_and_malformed_files_are_rejected),
        cmocka_unit_test(test_reading_a_missing_file_names_it),
        cmocka_unit_test(test_the_header_is_judged_before_the_data),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
