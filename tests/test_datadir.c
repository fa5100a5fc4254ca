/* test_datadir.c: where rnnlab finds its lessons and assets (datadir.h): the environment
 * first, then (for this test binary, which is not installed) the source tree. The
 * installed, relocatable case is the `installed` ctest, which runs an installed copy. */
#include "check.h"

#include "../src/app/datadir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef RNNLAB_SOURCE_DIR
#error "compile with -DRNNLAB_SOURCE_DIR=\"/path/to/the/source\""
#endif

static void test_a_build_finds_the_source_tree_whatever_the_current_directory(void **s)
{
    (void)s;
    unsetenv("RNNLAB_DATA_DIR");
    unsetenv("RNNLAB_LESSONS");
    assert_int_equal(chdir("/"), 0); /* not beside any lessons/ */
    char dir[4096], want[4200];
    assert_string_equal(datadir_find(dir, sizeof dir), RNNLAB_SOURCE_DIR);
    snprintf(want, sizeof want, "%s/lessons", RNNLAB_SOURCE_DIR);
    assert_string_equal(datadir_lessons(dir, sizeof dir), want);
    snprintf(want, sizeof want, "%s/assets/icons/rnnlab-64.png", RNNLAB_SOURCE_DIR);
    assert_string_equal(datadir_asset(dir, sizeof dir, "icons/rnnlab-64.png"), want);
}

static void test_rnnlab_data_dir_overrides_and_rnnlab_lessons_overrides_the_lessons(void **s)
{
    (void)s;
    char dir[4096];
    setenv("RNNLAB_DATA_DIR", "/opt/elsewhere", 1);
    unsetenv("RNNLAB_LESSONS");
    assert_string_equal(datadir_find(dir, sizeof dir), "/opt/elsewhere");
    assert_string_equal(datadir_lessons(dir, sizeof dir), "/opt/elsewhere/lessons");
    assert_string_equal(datadir_asset(dir, sizeof dir, "icons/rnnlab-64.png"),
                        "/opt/elsewhere/assets/icons/rnnlab-64.png");
    setenv("RNNLAB_LESSONS", "/home/me/my-lessons", 1);
    assert_string_equal(datadir_lessons(dir, sizeof dir), "/home/me/my-lessons");
    setenv("RNNLAB_DATA_DIR", "", 1); /* empty: as if unset */
    setenv("RNNLAB_LESSONS", "", 1);
    assert_string_equal(datadir_find(dir, sizeof dir), RNNLAB_SOURCE_DIR);
    unsetenv("RNNLAB_DATA_DIR");
    unsetenv("RNNLAB_LESSONS");
}

/* A buffer too small for the answer never yields a cut path, which would name another file. */
static void test_a_path_that_does_not_fit_is_not_cut_short(void **s)
{
    (void)s;
    /* Two bytes hold "." and nothing else: every candidate directory, the
       source tree too however short its checkout path, is longer. */
    char tiny[2], small[8];
    setenv("RNNLAB_DATA_DIR", "/a/long/data/directory", 1);
    datadir_find(tiny, sizeof tiny);
    assert_string_equal(tiny, ".");
    datadir_lessons(small, sizeof small);
    assert_string_equal(small, "lessons");
    unsetenv("RNNLAB_DATA_DIR");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_build_finds_the_source_tree_whatever_the_current_directory),
        cmocka_unit_test(test_rnnlab_data_dir_overrides_and_rnnlab_lessons_overrides_the_lessons),
        cmocka_unit_test(test_a_path_that_does_not_fit_is_not_cut_short),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
