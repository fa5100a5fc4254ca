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

/* The one writer every output goes through (CSV, PNG, .npy, experiment files, configs).
 * A regular file (or a new one) is written to a temporary file beside it, every write and
 * the flush checked, fsynced, and renamed over it; on any failure the temporary file goes
 * and the old file stays. A symlink is followed: its target is replaced, the link kept. A
 * FIFO or a character device (/dev/stdout) is written in place, never replaced; a
 * directory, socket or block device is refused. All writes are write(2) calls, through a
 * buffer. */
typedef struct {
    int fd;
    int in_place;        /* a FIFO or device: nothing to rename */
    int had_old;         /* a file was there before */
    int err_no;          /* the first failure (0: none yet) */
    char path[4096];     /* what is replaced: the link's target for a symlink */
    char tmp[4200];
    char shown[4096];    /* the name the caller gave, for messages */
    unsigned char buf[1 << 16];
    size_t used;
} FileWriter;

/* 0, or -1 with a message ("PATH: cannot write: REASON"). */
int file_writer_open(FileWriter *w, const char *path, char *err, size_t errlen);
void file_writer_write(FileWriter *w, const void *data, size_t n);
void file_writer_printf(FileWriter *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Flushes, fsyncs and renames into place. 0, or -1 with a message saying the old file is
 * kept (or that nothing was written); the writer is finished either way. */
int file_writer_close(FileWriter *w, char *err, size_t errlen);
/* Gives up: removes the temporary file, keeps the old one. */
void file_writer_abort(FileWriter *w);

/* Writes the n parts, one after another, through a FileWriter. Returns 0, or -1 with a
 * message naming the file. */
int file_write_parts(const char *path, int n, const void *const *parts, const size_t *lens,
                     char *err, size_t errlen);
/* The same for one string. */
int file_write_text(const char *path, const char *text, char *err, size_t errlen);

/* A directory written whole (a saved run): its files go into a new directory beside it,
 * PARENT/.NAME.new-XXXXXX, which replaces it in one rename (the old one swapped out and
 * removed), so a reader only ever sees the old directory or the new one. An existing
 * directory is replaced only if it holds nothing but a saved run's files (*.npy, *.txt and
 * seed_N folders of the same); anything else is refused, as is a path that is not a
 * directory. */
typedef struct {
    char dir[4096];  /* what is replaced */
    char tmp[4200];  /* where the files go meanwhile */
    int exists;
} DirWriter;

/* Checks dir as above without creating anything: 0, or -1 with a message. */
int dir_writer_check(const char *dir, char *err, size_t errlen);
/* Checks, then makes the new directory (tmp). 0, or -1 with a message. */
int dir_writer_open(DirWriter *d, const char *dir, char *err, size_t errlen);
/* Syncs and swaps it in. 0, or -1 with a message (the old directory is then kept). */
int dir_writer_close(DirWriter *d, char *err, size_t errlen);
/* Removes the new directory and what was written into it. */
void dir_writer_abort(DirWriter *d);

/* "PREFIX20261201-213000SUFFIX" (local time, spaces and slashes made dashes) into buf: the
 * name of a file saved from the window. Returns buf. */
const char *file_stamped_name(char *buf, size_t len, const char *prefix, const char *suffix);

#endif
