/* main.c: dispatches to the command-line verbs. Thin on purpose: the verbs live in cli.c
 * and everything they compute lives in core/. */
#include "cli.h"

#include "../core/config.h"

#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: rnnlab [COMMAND] [OPTIONS]\n"
            "\n"
            "Trains small recurrent networks live and shows why they are hard to train.\n"
            "\n"
            "commands:\n"
            "  (none)   the window: rnnlab [--config F] [--set k=v]... [--load DIR] [--font PATH]\n"
            "  render   a picture of the window without a display (--out FILE.png)\n"
            "  demo     a short headless demonstration: a tanh RNN whose gradient vanishes\n"
            "  lesson-check FILE... [--run]   check lessons (and, with --run, their claims)\n"
            "  train    train headless, with a progress line, CSV history and saved runs\n"
            "  grads    one forward and backward pass; every array written as .npy\n"
            "  bench    training throughput in sequences per second\n"
            "  tasks    every task: shape, sizes, loss, baseline and what it is\n"
            "  sample   generate from a saved model (text, waves, reversed sequences...)\n"
            "\n"
            "options:\n"
            "  --help, -h     this text; rnnlab COMMAND --help for a command's options\n"
            "  --version      print the version\n"
            "\n"
            "configuration keys (--set key=value, or one per line in a --config file):\n");
    config_print_keys(f);
}

int main(int argc, char **argv)
{
    /* no command, or only options: the window */
    if (argc < 2 || argv[1][0] == '-') {
        if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
            usage(stdout);
            return EXIT_OK;
        }
        if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
            printf("rnnlab %s\n", RNNLAB_VERSION);
            return EXIT_OK;
        }
        argv[0] = "window";
        return cli_window(argc, argv);
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("rnnlab %s\n", RNNLAB_VERSION);
        return EXIT_OK;
    }
    if (strcmp(cmd, "train") == 0)
        return cli_train(argc - 1, argv + 1);
    if (strcmp(cmd, "grads") == 0)
        return cli_grads(argc - 1, argv + 1);
    if (strcmp(cmd, "bench") == 0)
        return cli_bench(argc - 1, argv + 1);
    if (strcmp(cmd, "tasks") == 0)
        return cli_tasks(argc - 1, argv + 1);
    if (strcmp(cmd, "sample") == 0)
        return cli_sample(argc - 1, argv + 1);
    if (strcmp(cmd, "render") == 0)
        return cli_render(argc - 1, argv + 1);
    if (strcmp(cmd, "demo") == 0)
        return cli_demo();
    if (strcmp(cmd, "lesson-check") == 0)
        return cli_lesson_check(argc - 1, argv + 1);
    fprintf(stderr, "rnnlab: unknown command '%s'; commands are train, grads, bench, tasks, sample, render, demo, lesson-check (see rnnlab --help)\n",
            cmd);
    return EXIT_USAGE;
}
