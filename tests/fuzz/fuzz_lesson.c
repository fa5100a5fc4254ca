/* fuzz_lesson.c: libFuzzer harness for lessons: the input as a lesson's Markdown, parsed
 * with lesson_parse (libcmark underneath), then what the window and lesson-check do with a
 * parsed lesson that needs no run: the configuration at the last step, each compare= and
 * each claim's text. Leaves out running the steps (lessons_claims does that). */
#include "fuzz_common.h"

#include "../../src/app/compare.h"
#include "../../src/app/lesson.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Lesson l;
    char err[LESSON_ERR_LEN];
    /* data holds exactly size bytes, no NUL after them: ASan sees any read past the text */
    int status = lesson_parse(&l, "fuzz.md", (const char *)data, size, err, sizeof err);
    if (status == 0 && l.n_steps > 0) {
        Config base, cfg;
        config_default(&base);
        /* the last step's configuration applies every step's settings, in order */
        if (lesson_config_at(&l, l.n_steps - 1, &base, &cfg, err, sizeof err) == 0) {
            for (int s = 0; s < l.n_steps; s++) {
                const char *spec = l.steps[s].compare;
                CompareSpec cs;
                Config run;
                if (spec && strcmp(spec, "off") != 0 && compare_parse(&cs, spec, err, sizeof err) == 0)
                    for (int r = 0; r < 2; r++)
                        compare_config(&cfg, &cs, r, &run, err, sizeof err);
            }
        }
        for (int s = 0; s < l.n_steps; s++)
            for (int c = 0; c < l.steps[s].n_checks; c++) {
                char claim[256];
                lesson_check_text(&l.steps[s].checks[c], claim, sizeof claim);
                for (uint64_t seed = 1; seed <= 8; seed++)
                    lesson_check_applies(&l.steps[s].checks[c], seed);
            }
    }
    /* a lesson that fails still holds what was parsed up to the problem */
    lesson_free(&l);
    return 0;
}
