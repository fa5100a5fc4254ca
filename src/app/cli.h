/* cli.h: the command-line verbs (train, grads, bench) and the option parsing they share.
 * Every misuse is one line on stderr and exit status 2; see README.md for the contract. */
#ifndef RNNLAB_CLI_H
#define RNNLAB_CLI_H

#define RNNLAB_VERSION "0.1.0"

enum { EXIT_OK = 0, EXIT_USAGE = 2, EXIT_DIVERGED = 3 };

int cli_train(int argc, char **argv);
int cli_grads(int argc, char **argv);
int cli_bench(int argc, char **argv);
int cli_tasks(int argc, char **argv);
int cli_sample(int argc, char **argv);
int cli_window(int argc, char **argv);
int cli_render(int argc, char **argv);
int cli_lesson_check(int argc, char **argv);
int cli_demo(void);

#endif
