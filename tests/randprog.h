/* randprog.h: random well-typed programs for the tests: expressions over
 * scalars, vectors and matrices of two sizes, with named intermediates,
 * built only from operations whose domain is everywhere (or made so, as in
 * log(1 + x.^2)), so that every random point is a valid one. */
#ifndef ND_TEST_RANDPROG_H
#define ND_TEST_RANDPROG_H

#include <stdint.h>

#include "strbuf.h"

/* Appends a program whose objective L is a scalar that depends on the
 * variable a at least; `depth` bounds the
 * nesting of each expression. */
void randprog(uint64_t seed, int depth, strbuf *out);

#endif
