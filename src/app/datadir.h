/* datadir.h: where rnnlab's data is (lessons/ and assets/): an installed rnnlab's share
 * directory, found beside the executable so that the installation is relocatable, or the
 * source tree a build came from; environment variables override both. Leaves out reading
 * anything there (lesson.c reads the lessons, the platform the window's icon). */
#ifndef RNNLAB_DATADIR_H
#define RNNLAB_DATADIR_H

#include <stddef.h>

/* The data directory, written into out, which is returned:
 *  1. $RNNLAB_DATA_DIR, when set and not empty (as given: it is the user's word);
 *  2. <the executable's directory>/RNNLAB_DATA_FROM_BIN (../share/rnnlab for an installed
 *     rnnlab: GNUInstallDirs' bin/ to share/rnnlab/), when it holds lessons/;
 *  3. the source tree the build came from (RNNLAB_SOURCE_DIR), when it holds lessons/;
 *  4. "." otherwise (the messages then name ./lessons).
 * The current directory is never searched: an installed rnnlab started beside some other
 * lessons/ folder shows its own (RNNLAB_LESSONS chooses another on purpose). */
const char *datadir_find(char *out, size_t len);

/* The lessons: $RNNLAB_LESSONS when set and not empty, else <data directory>/lessons. */
const char *datadir_lessons(char *out, size_t len);

/* <data directory>/assets/NAME, e.g. "icons/rnnlab-64.png". */
const char *datadir_asset(char *out, size_t len, const char *name);

#endif
