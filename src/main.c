/* main.c: the nnderive command. */
#include <mpfr.h>
#include <stdio.h>

#include "cli.h"

int main(int argc, char **argv)
{
    int status = cli_main(argc, argv, stdin, stdout, stderr);
    /* MPFR's caches (constants, its pool of integers) on this thread, so
     * memcheck finds nothing still held at exit. */
    mpfr_free_cache();
    return status;
}
