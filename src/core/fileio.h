/* fileio.h: reading a whole file with a size limit, and writing a text file safely (to a
 * temporary name, then renamed over the target), the two ways rnnlab touches files
 * besides .npy arrays. Leaves out directories and anything asynchronous. */
#ifndef RNNLAB_FILEIO_H
#define RNNLAB_FILEIO_H

#include <stddef.h>

typedef enum {
    FILE_OK,
    FILE_CANNOT_OPEN,
    FILE_CANNOT_READ,
    FILE_TOO_LARGE,
    FILE_IS_DIRECTORY, /* not a regular file: what it is instead */
    FILE_IS_FIFO,
    FILE_IS_DEVICE,
    FILE_IS_SOCKET,
    FILE_IS_OTHER
} FileStatus;

/* Opens path for reading as rnnlab reads every file: without blocking (a FIFO's open
 * returns at once), and only if it is a regular file at most max_bytes long; then the
 * descriptor blocks as usual. FILE_OK with *fd and *size set, or the reason (errno set
 * for FILE_CANNOT_OPEN). */
FileStatus file_open_regular(const char *path, size_t max_bytes, int *fd, size_t *size);

/* Reads all of path (at most max_bytes, checked before reading) into a malloc'd buffer
 * with a NUL after the end. On failure *out is NULL and, for FILE_CANNOT_OPEN, errno says
 * why. */
FileStatus file_read_all(const char *path, size_t max_bytes, unsigned char **out, size_t *len);

/* The one message for a failed file_read_all, so every reader says the same thing:
 * "NAME: cannot open: REASON", "NAME: cannot read: REASON", "NAME: larger than N MB; HINT"
 * (bytes under a megabyte), "NAME: is a directory (a FIFO, a device, a socket), not a
 * regular file". name is what the user gave (a path, or "text=PATH"); errnum is errno
 * straight after the call; max_bytes is the limit it was given; hint (or NULL) says what
 * would be accepted. */
void file_read_error(char *err, size_t errlen, const char *name, FileStatus status, int errnum,
                     size_t max_bytes, const char *hint);

/* Writes the n parts, one after another, to PATH.tmp and renames it over path. Returns 0,
 * or -1 with a message naming the file. */
int file_write_parts(const char *path, int n, const void *const *parts, const size_t *lens,
                     char *err, size_t errlen);
/* The same for one string. */
int file_write_text(const char *path, const char *text, char *err, size_t errlen);

/* "PREFIX20261201-213000SUFFIX" (local time, spaces and slashes made dashes) into buf: the
 * name of a file saved from the window. Returns buf. */
const char *file_stamped_name(char *buf, size_t len, const char *prefix, const char *suffix);

#endif
