/* check.h: shared test helpers: comparing arrays with a report of the worst element, and
 * temporary directories. Include after cmocka.h's prerequisites. */
#ifndef RNNLAB_CHECK_H
#define RNNLAB_CHECK_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* Relative error of the worst element, |a - b| / max(|a|, |b|, floor); prints it with its
 * index and both values when above tol, and fails the test. */
void check_close_impl(const char *what, const double *a, const double *b, size_t n, double tol,
                      double floor, const char *file, int line);
#define check_close(what, a, b, n, tol, floor) \
    check_close_impl(what, a, b, n, tol, floor, __FILE__, __LINE__)

/* Relative error of whole arrays: ||a - b|| / max(||a||, ||b||, floor). */
double check_rel_error(const double *a, const double *b, size_t n, double floor);

/* A fresh directory under $TMPDIR (or /tmp); the caller removes it with check_rmdir. */
void check_mkdtemp(char *out, size_t len);
void check_rmdir(const char *dir);

/* Reads a whole file into a malloc'd, NUL-terminated buffer; *len gets its size. */
char *check_read_file(const char *path, size_t *len);

/* Monotonic seconds, for "refused at once" checks. */
double check_now(void);
/* Ends the test process with status 99 if it is still running after `seconds` (a read or
 * write that blocks fails instead of hanging); check_alarm(0) cancels it. */
void check_alarm(unsigned seconds);

#endif
