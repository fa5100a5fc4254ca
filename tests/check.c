/* check.c: helpers shared by the test executables. */
#include "check.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void check_close_impl(const char *what, const double *a, const double *b, size_t n, double tol,
                      double floor, const char *file, int line)
{
    double worst = 0.0;
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        double scale = fmax(fmax(fabs(a[i]), fabs(b[i])), floor);
        double e = fabs(a[i] - b[i]) / scale;
        if (!(e <= worst)) { /* NaN counts as worst */
            worst = e;
            at = i;
        }
    }
    if (!(worst <= tol)) {
        print_error("%s:%d: %s: worst relative error %.3g at [%zu]: %.17g vs %.17g (tolerance %g)\n",
                    file, line, what, worst, at, a[at], b[at], tol);
        _fail(file, line);
    }
}

double check_rel_error(const double *a, const double *b, size_t n, double floor)
{
    double d = 0, na = 0, nb = 0;
    for (size_t i = 0; i < n; i++) {
        d += (a[i] - b[i]) * (a[i] - b[i]);
        na += a[i] * a[i];
        nb += b[i] * b[i];
    }
    return sqrt(d) / fmax(fmax(sqrt(na), sqrt(nb)), floor);
}

void check_mkdtemp(char *out, size_t len)
{
    const char *base = getenv("TMPDIR");
    snprintf(out, len, "%s/rnnlab-test-XXXXXX", base && *base ? base : "/tmp");
    assert_non_null(mkdtemp(out));
}

void check_rmdir(const char *dir)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

char *check_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) {
        buf[n] = '\0';
        if (len)
            *len = (size_t)n;
    }
    return buf;
}

double check_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void on_alarm(int sig)
{
    (void)sig;
    _exit(99);
}

void check_alarm(unsigned seconds)
{
    signal(SIGALRM, on_alarm);
    alarm(seconds);
}
