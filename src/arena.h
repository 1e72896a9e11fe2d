/* arena.h: one bump allocator per run (the nd_ctx's, see ctx.h).
 *
 * What lives in a ctx's arena, released at once by run_free: the DAG's
 * nodes; the names of variables, bindings, symbols and dimensions; source
 * lines cut for messages (and a shape error's text); scratch that a pass may leave behind when an
 * error longjmps out of it (an expression chain's spine and terms in
 * elab.c, reachability marks); the checker's and the LaTeX reader's
 * strings and trees (check.c, reason.c, latex_*.c, grade.c), which die
 * with their ctx.
 * What does not: the growable tables of the ctx (nodes by id, the hash
 * table, dimension records, variables, bindings, symbols: xrealloc'd
 * (xgrow), each freed by the module that owns it when run_free releases
 * the ctx's parts: expr_release, dim_release, scope_release, diag_release), GMP and MPFR numbers (mpq_t in constant nodes is
 * cleared by expr_release), the parse tree (malloc'd by the parser, freed
 * by ast_program_free; bison's %destructor frees it on a syntax error),
 * and everything of the library's callers (output strings: nd_free). */
#ifndef ND_ARENA_H
#define ND_ARENA_H

#include <stddef.h>

typedef struct nd_arena nd_arena;

nd_arena *arena_new(void);
void arena_free(nd_arena *a);
void *arena_alloc(nd_arena *a, size_t size);        /* zeroed, 16-aligned */
char *arena_strdup(nd_arena *a, const char *s);
char *arena_strndup(nd_arena *a, const char *s, size_t n);
size_t arena_used(const nd_arena *a);

/* Allocation failures end the process: there is no sensible recovery. */
void *xmalloc(size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
/* A growable array of elem-sized entries with room for need of them: arr
 * itself or its xrealloc'd successor, the new entries zeroed, *cap updated. */
void *xgrow(void *arr, int *cap, int need, size_t elem);

#endif
