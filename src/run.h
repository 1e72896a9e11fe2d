/* run.h: one run's lifetime: the nd_ctx and each of its parts (ctx.h). */
#ifndef ND_RUN_H
#define ND_RUN_H

#include "ctx.h"
#include "diag.h"

nd_ctx *run_new(const nd_source *src);
void run_free(nd_ctx *ctx);
/* Forgets the program (DAG, dimensions, names, errors) and the messages
 * after the first diag_len bytes, as if the ctx were new: elaboration's
 * second pass starts from here. */
void run_reset(nd_ctx *ctx, size_t diag_len);

#endif
