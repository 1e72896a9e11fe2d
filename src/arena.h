/* arena.h: one bump allocator per run.
 *
 * Ownership rule of nnderive: everything a run builds (AST strings, DAG
 * nodes, dimension records, symbol tables) lives in the run's arena and is
 * released at once by arena_free.  The only exceptions are GMP/MPFR numbers,
 * which the owner of the arena clears through the lists it keeps (see ctx.h),
 * and the AST during parsing, which bison's %destructor releases on errors. */
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

#endif
