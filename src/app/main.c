/* main.c: dispatches to the command-line verbs through their table (cli.c), to the window
 * when there is none, and to the window opening a file when the first word names one. Thin
 * on purpose: the verbs live in verbs.c and verbs_window.c, what they compute in core/. */
#include "cli.h"

#include "../core/linalg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    /* RNNLAB_ISA forces the kernels' instruction set (the bits are the same on every one) */
    char err[256];
    if (linalg_isa_select(getenv("RNNLAB_ISA"), err, sizeof err) != 0) {
        fprintf(stderr, "rnnlab: %s\n", err);
        return EXIT_USAGE;
    }
    const char *first = argc >= 2 ? argv[1] : "";
    if (!strcmp(first, "--help") || !strcmp(first, "-h") || !strcmp(first, "help")) {
        cli_usage(stdout);
        return EXIT_OK;
    }
    if (!strcmp(first, "--version")) {
        char paths[128];
        printf("rnnlab %s (kernels: %s; this CPU runs %s; RNNLAB_ISA chooses)\n", RNNLAB_VERSION, linalg_isa_name(),
               linalg_isa_supported(paths, sizeof paths));
        return EXIT_OK;
    }
    for (int i = 0; i < CLI_VERB_COUNT; i++)
        if (strcmp(first, CLI_VERBS[i].name) == 0)
            return CLI_VERBS[i].run(argc - 1, argv + 1);
    if (!first[0] || first[0] == '-') { /* no command, or only options: the window */
        argv[0] = "window";
        return cli_window(argc, argv);
    }
    /* rnnlab FILE [OPTIONS]: what a file manager runs through the desktop file (Exec=rnnlab
     * %f); a word that names no file is an unknown command */
    return cli_open(argc - 1, argv + 1);
}
