/* main.c: dispatches to the command-line verbs through their table (cli.c). Thin on
 * purpose: the verbs live in verbs.c and verbs_window.c, what they compute in core/. */
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
    /* no command, or only options: the window */
    const char *cmd = argc >= 2 && argv[1][0] != '-' ? argv[1] : "";
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
    for (int i = 0; i < CLI_VERB_COUNT; i++) {
        if (strcmp(cmd, CLI_VERBS[i].name) != 0)
            continue;
        if (!cmd[0]) { /* the window: every argument is an option */
            argv[0] = "window";
            return CLI_VERBS[i].run(argc, argv);
        }
        return CLI_VERBS[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "rnnlab: unknown command '%s'; commands are", cmd);
    for (int i = 0; i < CLI_VERB_COUNT; i++)
        if (CLI_VERBS[i].name[0])
            fprintf(stderr, "%s %s", i > 1 ? "," : "", CLI_VERBS[i].name);
    fprintf(stderr, " (see rnnlab --help)\n");
    return EXIT_USAGE;
}
