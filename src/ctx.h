/* ctx.h: the state of one run, as the aggregate of the parts that own it.
 *
 * One nd_ctx holds one program.  Each part belongs to one module, which
 * alone changes it (the others read it through that module's header):
 *     dag     the hash-consed nodes, the hash table, the transpose memo:
 *             expr.c (expr.h)
 *     dimtab  the dimension records and their unification: shape.c (shape.h)
 *     scope   variables, named bindings and the symbol table: scope.c
 *             (scope.h)
 *     err     the messages so far, the first error, the landing site of a
 *             thrown error: diag.c (diag.h)
 * The arena (arena.h) holds what lives as long as the run; run.c makes the
 * ctx, resets it between elaboration's passes and frees it, part by part.
 *
 * This header declares the parts and includes none of their modules, so
 * that every module may take an nd_ctx without depending on the others. */
#ifndef ND_CTX_H
#define ND_CTX_H

#include "arena.h"

struct nd_source;
struct nd_dag;
struct nd_dimtab;
struct nd_scope;
struct nd_errors;

typedef struct nd_ctx {
    nd_arena *arena;
    const struct nd_source *src;
    struct nd_dag *dag;
    struct nd_dimtab *dimtab;
    struct nd_scope *scope;
    struct nd_errors *err;
} nd_ctx;

#endif
