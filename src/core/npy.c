/* npy.c: the .npy format as specified in numpy/lib/format.py: magic "\x93NUMPY", version
 * 1.0, a little-endian uint16 header length, and a Python dict literal padded with spaces
 * and a final newline so the data starts on a 64-byte boundary. */
#include "npy.h"

#include "fileio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NPY_MAX_BYTES ((size_t)1 << 40) /* no limit in practice: an array is as large as it says */
#define NPY_MAX_COUNT ((size_t)1 << 37)  /* elements: NPY_MAX_BYTES of 8-byte numbers */

static const char MAGIC[6] = {'\x93', 'N', 'U', 'M', 'P', 'Y'};

size_t npy_header(char *buf, size_t len, NpyType type, int ndim, const size_t *shape)
{
    char dict[512], dims[256] = "";
    size_t used = 0;
    for (int i = 0; i < ndim; i++)
        used += (size_t)snprintf(dims + used, sizeof dims - used, "%zu, ", shape[i]);
    if (ndim > 1)
        dims[used - 2] = '\0'; /* (3, 4) */
    else if (ndim == 1)
        dims[used - 1] = '\0'; /* (3,) */
    int n = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }",
                     type == NPY_F8 ? "<f8" : "<i8", dims);
    size_t total = 10 + (size_t)n + 1;
    size_t padded = (total + 63) / 64 * 64;
    if (padded > len)
        return 0;
    memcpy(buf, MAGIC, 6);
    buf[6] = 1;
    buf[7] = 0;
    size_t hlen = padded - 10;
    buf[8] = (char)(hlen & 0xff);
    buf[9] = (char)(hlen >> 8);
    memcpy(buf + 10, dict, (size_t)n);
    memset(buf + 10 + n, ' ', padded - total);
    buf[padded - 1] = '\n';
    return padded;
}

static int is_little_endian(void)
{
    uint16_t one = 1;
    unsigned char b;
    memcpy(&b, &one, 1);
    return b == 1;
}

int npy_write(const char *path, NpyType type, int ndim, const size_t *shape, const void *data,
              char *err, size_t errlen)
{
    char header[1024];
    size_t hlen = npy_header(header, sizeof header, type, ndim, shape);
    size_t count = 1;
    for (int i = 0; i < ndim; i++)
        count *= shape[i];
    if (!is_little_endian()) {
        snprintf(err, errlen, "%s: big-endian machines are not supported", path);
        return -1;
    }
    const void *parts[2] = {header, data};
    const size_t lens[2] = {hlen, count * 8};
    return file_write_parts(path, 2, parts, lens, err, errlen);
}

/* Finds `'key': ` in the dict and returns a pointer just past it. */
static const char *dict_value(const char *dict, const char *key)
{
    char pattern[64];
    snprintf(pattern, sizeof pattern, "'%s':", key);
    const char *p = strstr(dict, pattern);
    if (!p)
        return NULL;
    p += strlen(pattern);
    while (*p == ' ')
        p++;
    return p;
}

/* The header of a .npy file whose first `avail` bytes are in bytes and which is `total`
 * bytes long: its type and shape into out (no data) and where the data starts, checking
 * that exactly count x 8 bytes of data follow. Nothing past the header is looked at. */
static int parse_header(const unsigned char *bytes, size_t avail, size_t total, NpyArray *out, size_t *data_at,
                        char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (avail < 10 || memcmp(bytes, MAGIC, 6) != 0) {
        snprintf(err, errlen, "not a .npy file (no \\x93NUMPY magic)");
        return -1;
    }
    if (bytes[6] != 1 || bytes[7] != 0) {
        snprintf(err, errlen, ".npy version %d.%d; only 1.0 is accepted", bytes[6], bytes[7]);
        return -1;
    }
    size_t hlen = (size_t)bytes[8] | ((size_t)bytes[9] << 8);
    if (10 + hlen > avail) {
        snprintf(err, errlen, "truncated header (%zu bytes declared, %zu present)", hlen, avail - 10);
        return -1;
    }
    char dict[65536];
    memcpy(dict, bytes + 10, hlen);
    dict[hlen] = '\0';
    if (hlen == 0 || dict[hlen - 1] != '\n' || dict[0] != '{' || strlen(dict) != hlen) {
        snprintf(err, errlen, "malformed header (expected a dict ending in a newline)");
        return -1;
    }
    const char *descr = dict_value(dict, "descr");
    if (!descr) {
        snprintf(err, errlen, "malformed header: no 'descr'");
        return -1;
    }
    if (strncmp(descr, "'<f8'", 5) == 0)
        out->type = NPY_F8;
    else if (strncmp(descr, "'<i8'", 5) == 0)
        out->type = NPY_I8;
    else {
        /* the dtype as written: the quoted word, whole (or the first few characters) */
        int n = 0;
        if (*descr == '\'' && strchr(descr + 1, '\''))
            n = (int)(strchr(descr + 1, '\'') - descr) + 1;
        snprintf(err, errlen, "dtype %.*s is not accepted; only '<f8' (float64) and '<i8' (int64)",
                 n > 0 && n <= 40 ? n : 12, descr);
        return -1;
    }
    const char *fo = dict_value(dict, "fortran_order");
    if (!fo || strncmp(fo, "False", 5) != 0) {
        snprintf(err, errlen, "only C-order arrays are accepted (fortran_order must be False)");
        return -1;
    }
    const char *sh = dict_value(dict, "shape");
    if (!sh || *sh != '(') {
        snprintf(err, errlen, "malformed header: no 'shape' tuple");
        return -1;
    }
    sh++;
    out->count = 1;
    for (;;) {
        while (*sh == ' ')
            sh++;
        if (*sh == ')')
            break;
        if (*sh < '0' || *sh > '9') {
            snprintf(err, errlen, "malformed shape in header");
            return -1;
        }
        if (out->ndim == NPY_MAX_DIMS) {
            snprintf(err, errlen, "too many dimensions (at most %d)", NPY_MAX_DIMS);
            return -1;
        }
        char *end;
        errno = 0;
        unsigned long long d = strtoull(sh, &end, 10);
        /* each dimension, and their product, checked before it can wrap */
        if (errno == ERANGE || d > NPY_MAX_COUNT || (d && out->count > NPY_MAX_COUNT / d)) {
            snprintf(err, errlen, "shape too large (more than %llu elements)", (unsigned long long)NPY_MAX_COUNT);
            return -1;
        }
        out->shape[out->ndim++] = (size_t)d;
        out->count *= (size_t)d;
        sh = end;
        while (*sh == ' ')
            sh++;
        if (*sh == ',')
            sh++;
        else if (*sh != ')') {
            snprintf(err, errlen, "malformed shape in header");
            return -1;
        }
    }
    size_t need = 10 + hlen + out->count * 8;
    if (total != need) {
        snprintf(err, errlen, "%s data: %zu bytes present, %zu expected for the shape in the header",
                 total < need ? "truncated" : "extra", total - 10 - hlen, out->count * 8);
        return -1;
    }
    *data_at = 10 + hlen;
    return 0;
}

int npy_parse(const unsigned char *bytes, size_t len, NpyArray *out, char *err, size_t errlen)
{
    size_t at;
    if (parse_header(bytes, len, len, out, &at, err, errlen) != 0)
        return -1;
    out->data = malloc(out->count ? out->count * 8 : 8);
    if (!out->data) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    memcpy(out->data, bytes + at, out->count * 8);
    return 0;
}

/* Reads n bytes at the descriptor's position; 0, or -1 (errno set; 0 at an early end). */
static int read_exactly(int fd, void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, (char *)buf + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            if (r == 0)
                errno = 0;
            return -1;
        }
        got += (size_t)r;
    }
    return 0;
}

/* "(32, 8)" or "(5,)" into buf. */
static const char *shape_text(char *buf, size_t len, int ndim, const size_t *shape)
{
    size_t n = (size_t)snprintf(buf, len, "(");
    for (int i = 0; i < ndim && n < len; i++)
        n += (size_t)snprintf(buf + n, len - n, "%zu%s", shape[i], ndim == 1 ? "," : i + 1 < ndim ? ", " : "");
    if (n < len)
        snprintf(buf + n, len - n, ")");
    return buf;
}

int npy_read(const char *path, NpyArray *out, char *err, size_t errlen)
{
    return npy_read_shaped(path, -1, 0, NULL, out, err, errlen);
}

int npy_read_shaped(const char *path, int type, int ndim, const size_t *shape, NpyArray *out, char *err,
                    size_t errlen)
{
    memset(out, 0, sizeof *out);
    int fd;
    size_t size;
    FileStatus st = file_open_regular(path, NPY_MAX_BYTES, &fd, &size);
    if (st != FILE_OK) {
        file_read_error(err, errlen, path, st, errno, NPY_MAX_BYTES, NULL);
        return -1;
    }
    /* the header first: its length, then the dict; the data only once the file's size is
     * the one the shape asks for */
    unsigned char head[10 + 65536];
    char msg[256];
    size_t at = 0;
    int status = -1;
    size_t first = size < 10 ? size : 10;
    if (read_exactly(fd, head, first) != 0)
        snprintf(msg, sizeof msg, "cannot read: %s", errno ? strerror(errno) : "it is shorter than it was");
    else {
        size_t hlen = first == 10 ? ((size_t)head[8] | ((size_t)head[9] << 8)) : 0;
        size_t more = first == 10 && memcmp(head, MAGIC, 6) == 0 ? (hlen < size - 10 ? hlen : size - 10) : 0;
        if (read_exactly(fd, head + 10, more) != 0)
            snprintf(msg, sizeof msg, "cannot read: %s", errno ? strerror(errno) : "it is shorter than it was");
        else if (parse_header(head, first + more, size, out, &at, msg, sizeof msg) == 0) {
            int fits = type < 0 || ((int)out->type == type && out->ndim == ndim &&
                                    memcmp(out->shape, shape, (size_t)ndim * sizeof *shape) == 0);
            char want[128], found[128];
            if (!fits)
                snprintf(msg, sizeof msg, "expected %s of shape %s for this configuration, found %s of shape %s",
                         type == NPY_F8 ? "float64" : "int64", shape_text(want, sizeof want, ndim, shape),
                         out->type == NPY_F8 ? "float64" : "int64",
                         shape_text(found, sizeof found, out->ndim, out->shape));
            else if (!(out->data = malloc(out->count ? out->count * 8 : 8)))
                snprintf(msg, sizeof msg, "out of memory for %zu elements", out->count);
            else if (read_exactly(fd, out->data, out->count * 8) != 0)
                snprintf(msg, sizeof msg, "cannot read: %s", errno ? strerror(errno) : "it is shorter than it was");
            else
                status = 0;
        }
    }
    close(fd);
    if (status != 0) {
        npy_free(out);
        snprintf(err, errlen, "%s: %s", path, msg);
    }
    return status;
}

void npy_free(NpyArray *a)
{
    free(a->data);
    a->data = NULL;
}
