/* refeval.h: a reference interpreter for the tests: it evaluates a
 * program's parse tree directly in double precision, with none of the
 * engine's DAG, smart constructors or rewriting, so that it can check them.
 * vector(c) and matrix(c) (whose shape comes from the context) are not
 * supported. */
#ifndef ND_TEST_REFEVAL_H
#define ND_TEST_REFEVAL_H

#include "elab.h"
#include "eval.h"

/* The objective of prog at the instance in env (its dimensions and
 * variables).  Returns 0 and sets *value, or -1 when an operation is
 * unsupported or out of its domain. */
int ref_objective(nd_ctx *ctx, const nd_prog *prog, nd_evalenv *env, double *value);

#endif
