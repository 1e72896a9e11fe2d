/* arena.c: chained blocks; large requests get a block of their own. */
#include "arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK (64 * 1024)

struct block {
    struct block *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
};

struct nd_arena {
    struct block *head;
    size_t total;
};

static void out_of_memory(void)
{
    fputs("nnderive: out of memory\n", stderr);
    abort();
}

void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        out_of_memory();
    return p;
}

void *xrealloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    if (!q)
        out_of_memory();
    return q;
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

void *xgrow(void *arr, int *cap, int need, size_t elem)
{
    if (need <= *cap)
        return arr;
    int c = *cap ? *cap : 16;
    while (c < need)
        c *= 2;
    arr = xrealloc(arr, (size_t)c * elem);
    memset((char *)arr + (size_t)*cap * elem, 0, (size_t)(c - *cap) * elem);
    *cap = c;
    return arr;
}

nd_arena *arena_new(void)
{
    nd_arena *a = xmalloc(sizeof *a);
    a->head = NULL;
    a->total = 0;
    return a;
}

void arena_free(nd_arena *a)
{
    if (!a)
        return;
    for (struct block *b = a->head, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(a);
}

static struct block *new_block(nd_arena *a, size_t size)
{
    struct block *b = xmalloc(sizeof *b + size);
    b->size = size;
    b->used = 0;
    b->next = a->head;
    a->head = b;
    return b;
}

void *arena_alloc(nd_arena *a, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    struct block *b = a->head;
    if (!b || b->size - b->used < size) {
        b = new_block(a, size > ARENA_BLOCK / 4 ? size : ARENA_BLOCK);
        /* keep filling the previous block when the big one is private */
        if (size > ARENA_BLOCK / 4 && b->next) {
            a->head = b->next;
            b->next = a->head->next;
            a->head->next = b;
        }
    }
    void *p = b->data + b->used;
    b->used += size;
    a->total += size;
    memset(p, 0, size);
    return p;
}

char *arena_strndup(nd_arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(nd_arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

size_t arena_used(const nd_arena *a)
{
    return a->total;
}
