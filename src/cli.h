/* cli.h: the command line of DESIGN.md section 2, as a function so that
 * tests can run it in-process.  Exit status: 0 success (verified,
 * equivalent), 1 verification failed or not equivalent, 2 bad usage or
 * bad input. */
#ifndef ND_CLI_H
#define ND_CLI_H

#include <stdio.h>


/* `in` is read for the FILE "-". */
int cli_main(int argc, char **argv, FILE *in, FILE *out, FILE *err);

#endif
