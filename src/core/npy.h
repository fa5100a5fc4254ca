/* npy.h: NumPy .npy version 1.0 files, little-endian, C order, float64 or int64: the
 * format of every array rnnlab writes, so numpy.load and PyTorch read them directly.
 * Leaves out other dtypes, Fortran order and versions 2 and 3. */
#ifndef RNNLAB_NPY_H
#define RNNLAB_NPY_H

#include <stddef.h>
#include <stdint.h>

#define NPY_MAX_DIMS 8

typedef enum { NPY_F8, NPY_I8 } NpyType;

typedef struct {
    NpyType type;
    int ndim;
    size_t shape[NPY_MAX_DIMS];
    size_t count;  /* product of shape (1 for 0-d) */
    void *data;    /* count doubles or int64s, owned */
} NpyArray;

/* Formats the header (magic, version, length, dict, padding) as NumPy 1.24 does; returns
 * its length in bytes, a multiple of 64. */
size_t npy_header(char *buf, size_t len, NpyType type, int ndim, const size_t *shape);

/* Writes to PATH.tmp and renames it over PATH. Returns 0, or -1 with a message. */
int npy_write(const char *path, NpyType type, int ndim, const size_t *shape, const void *data,
              char *err, size_t errlen);

/* Reads a regular file (a FIFO or device is refused without blocking): the header first,
 * and the data only when the file's size is what the header's shape needs; rejects
 * anything malformed or truncated with a message naming it. */
int npy_read(const char *path, NpyArray *out, char *err, size_t errlen);
/* The same, refusing (before reading any data) an array that is not of this type (NpyType)
 * and shape. */
int npy_read_shaped(const char *path, int type, int ndim, const size_t *shape, NpyArray *out, char *err,
                    size_t errlen);
int npy_parse(const unsigned char *bytes, size_t len, NpyArray *out, char *err, size_t errlen);
void npy_free(NpyArray *a);

#endif
