/* run.c: one run's lifetime.  Each part of the ctx is made and freed by its
 * owner (ctx.h); this file only puts them together. */
#include "run.h"

#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "scope.h"
#include "shape.h"

/* The parts that hold the program: all but the messages. */
static void program_new(nd_ctx *ctx)
{
    ctx->arena = arena_new();
    expr_init(ctx);
    dim_init(ctx);
    scope_init(ctx);
}

static void program_release(nd_ctx *ctx)
{
    expr_release(ctx);
    dim_release(ctx);
    scope_release(ctx);
    arena_free(ctx->arena);
    ctx->arena = NULL;
}

nd_ctx *run_new(const nd_source *src)
{
    nd_ctx *ctx = xmalloc(sizeof *ctx);
    memset(ctx, 0, sizeof *ctx);
    ctx->src = src;
    diag_init(ctx);
    program_new(ctx);
    return ctx;
}

void run_free(nd_ctx *ctx)
{
    if (!ctx)
        return;
    program_release(ctx);
    diag_release(ctx);
    free(ctx);
}

void run_reset(nd_ctx *ctx, size_t diag_len)
{
    program_release(ctx);
    diag_reset(ctx, diag_len);
    program_new(ctx);
}
