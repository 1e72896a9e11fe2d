/* main.c: the nnderive command. */
#include <stdio.h>

#include "cli.h"

int main(int argc, char **argv)
{
    return cli_main(argc, argv, stdin, stdout, stderr);
}
