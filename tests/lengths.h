/* lengths.h: how long a derived gradient prints, against the textbook's
 * form: characters without spaces, counting the gradient lines and the
 * temporaries they use (t1 = ...), not the program's own named values.
 * Shared by tests/test_cookbook.c and bench/bench_lengths.c. */
#ifndef ND_TEST_LENGTHS_H
#define ND_TEST_LENGTHS_H

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "nnderive.h"

static size_t nonspace(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n && s[i]; i++)
        c += !isspace((unsigned char)s[i]);
    return c;
}

/* A line "dL/dW = ..." or "t3 = ...": part of what the gradient needs. */
static int counted_line(const char *line)
{
    if (strchr(line, '/') && strstr(line, " = ") > strchr(line, '/'))
        return 1;
    if (line[0] != 't' || !isdigit((unsigned char)line[1]))
        return 0;
    const char *p = line + 1;
    while (isdigit((unsigned char)*p))
        p++;
    return !strncmp(p, " = ", 3);
}

/* The derived length of the first gradient of the program (its right-hand
 * sides and its temporaries'), and the printed text in *printed
 * (malloc'd); 0 when the program fails. */
static size_t derived_length(const char *program, char **printed)
{
    nd_session *s = nd_open("<length>", program, strlen(program), NULL);
    char *out = NULL;
    size_t total = 0;
    if (nd_status(s) == 0 && nd_emit(s, ND_TEXT, NULL, &out) == 0) {
        for (const char *line = out; *line;) {
            const char *end = strchr(line, '\n');
            size_t n = end ? (size_t)(end - line) : strlen(line);
            const char *eq = strstr(line, " = ");
            if (counted_line(line) && eq && eq < line + n)
                total += nonspace(eq + 3, n - (size_t)(eq + 3 - line));
            line += n + (end != NULL);
        }
    }
    *printed = out;
    nd_close(s);
    return total;
}

#endif
