/* fuzz_npy.c: libFuzzer harness for the .npy reader, through npy_parse (the bytes npy_read
 * reads from a file). An accepted array must hold as many elements as its shape says, all
 * of them readable, and must read back the same after npy_header writes its header again.
 * Leaves out the file itself (fileio.c's reads are fuzzed by fuzz_config and fuzz_corpus). */
#include "fuzz_common.h"

#include "npy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The product of the shape, or 0 with *overflow set when it does not fit in a size_t. */
static size_t shape_product(const NpyArray *a, int *overflow)
{
    size_t n = 1;
    *overflow = 0;
    for (int i = 0; i < a->ndim; i++) {
        if (a->shape[i] && n > SIZE_MAX / a->shape[i])
            *overflow = 1;
        n *= a->shape[i];
    }
    return n;
}

static void describe(const NpyArray *a, char *buf, size_t len)
{
    size_t used = (size_t)snprintf(buf, len, "count %zu, shape (", a->count);
    for (int i = 0; i < a->ndim && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%zu%s", a->shape[i], i + 1 < a->ndim ? ", " : "");
    if (used < len)
        snprintf(buf + used, len - used, ")");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    NpyArray a;
    char err[256], detail[512];
    if (npy_parse(data, size, &a, err, sizeof err) != 0) {
        npy_free(&a);
        return 0;
    }
    int overflow;
    size_t product = shape_product(&a, &overflow);
    if (overflow || product != a.count || a.ndim < 0 || a.ndim > NPY_MAX_DIMS) {
        describe(&a, detail, sizeof detail);
        npy_free(&a);
        fuzz_fail("npy_parse accepted an array whose count is not the product of its shape", detail);
    }
    /* Every element is there (ASan stops on a short buffer) and is the input's. */
    size_t header = size - a.count * 8;
    if (a.count && memcmp(a.data, data + header, a.count * 8) != 0)
        fuzz_fail("npy_parse's data differ from the input's bytes", NULL);

    /* Written again the way npy_write does, the array reads back the same. */
    char head[1024];
    size_t hlen = npy_header(head, sizeof head, a.type, a.ndim, a.shape);
    if (hlen == 0)
        fuzz_fail("npy_header: no room for the header of an array npy_parse accepted", NULL);
    unsigned char *again = malloc(hlen + a.count * 8);
    if (!again) {
        npy_free(&a);
        return 0;
    }
    memcpy(again, head, hlen);
    if (a.count)
        memcpy(again + hlen, a.data, a.count * 8);
    NpyArray b;
    if (npy_parse(again, hlen + a.count * 8, &b, err, sizeof err) != 0) {
        snprintf(detail, sizeof detail, "%s", err);
        fuzz_fail("npy_parse rejects the header npy_header writes", detail);
    }
    if (b.type != a.type || b.ndim != a.ndim || b.count != a.count ||
        memcmp(b.shape, a.shape, sizeof a.shape) != 0 ||
        (a.count && memcmp(b.data, a.data, a.count * 8) != 0))
        fuzz_fail("the array written again reads back different", NULL);
    npy_free(&b);
    free(again);
    npy_free(&a);
    return 0;
}
