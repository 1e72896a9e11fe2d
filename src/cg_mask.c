/* cg_mask.c: the interned sets of outputs that need a value (see cg.h).
 *
 * One unsigned per value served while a program had at most 31 gradients;
 * with more, gradients had to share bits, and a gradient skipped with a
 * NULL pointer could still be written.  Sparse words, interned, keep each
 * set exact and each union cheap whatever the number of gradients. */
#include <stdlib.h>
#include <string.h>

#include "cg.h"

static uint32_t mask_hash(const cg_maskdef *m)
{
    uint32_t h = 2166136261u;
    for (int k = 0; k < m->n; k++) {
        h = (h ^ m->word[k]) * 16777619u;
        h = (h ^ m->bits[k]) * 16777619u;
    }
    return h ^ (h >> 15);
}

static int mask_equal(const cg_maskdef *a, const cg_maskdef *b)
{
    if (a->hash != b->hash || a->n != b->n)
        return 0;
    for (int k = 0; k < a->n; k++)
        if (a->word[k] != b->word[k] || a->bits[k] != b->bits[k])
            return 0;
    return 1;
}

static void table_put(int *tab, int cap, const cg_maskdef *masks, int m)
{
    uint32_t i = masks[m].hash & (uint32_t)(cap - 1);
    while (tab[i] >= 0)
        i = (i + 1) & (uint32_t)(cap - 1);
    tab[i] = m;
}

static void table_grow(cg_plan *p)
{
    int cap = p->mask_cap ? 2 * p->mask_cap : 64;
    int *tab = xmalloc((size_t)cap * sizeof *tab);
    for (int i = 0; i < cap; i++)
        tab[i] = -1;
    for (int m = 0; m < p->n_masks; m++)
        table_put(tab, cap, p->masks, m);
    free(p->mask_tab);
    p->mask_tab = tab;
    p->mask_cap = cap;
}

/* The index of the set m, added if new. */
static cg_mask mask_intern(cg_plan *p, cg_maskdef *m)
{
    m->hash = mask_hash(m);
    if (2 * (p->n_masks + 1) > p->mask_cap)
        table_grow(p);
    uint32_t i = m->hash & (uint32_t)(p->mask_cap - 1);
    for (; p->mask_tab[i] >= 0; i = (i + 1) & (uint32_t)(p->mask_cap - 1))
        if (mask_equal(&p->masks[p->mask_tab[i]], m))
            return p->mask_tab[i];
    p->masks = xgrow(p->masks, &p->cap_masks, p->n_masks + 1, sizeof *p->masks);
    p->masks[p->n_masks] = *m;
    p->mask_tab[i] = p->n_masks;
    return p->n_masks++;
}

/* The empty set is 0 and CG_ALWAYS ({objective}) 1, made on first use. */
static void start(cg_plan *p)
{
    if (p->n_masks)
        return;
    cg_maskdef empty = { 0 }, always = { 1, { 0 }, { 1 }, 0 };
    mask_intern(p, &empty);
    mask_intern(p, &always);
}

cg_mask cg_mask_bit(cg_plan *p, int bit)
{
    start(p);
    if (bit == 0)
        return CG_ALWAYS;
    cg_maskdef m = { 1, { (uint32_t)bit / 32 }, { 1u << (bit % 32) }, 0 };
    return mask_intern(p, &m);
}

/* Merges the sorted words of two sets; CG_ALWAYS past CG_MASK_WORDS. */
cg_mask cg_mask_union(cg_plan *p, cg_mask a, cg_mask b)
{
    if (a == b || !b)
        return a;
    if (!a)
        return b;
    if (a == CG_ALWAYS || b == CG_ALWAYS)
        return CG_ALWAYS;
    const cg_maskdef *x = &p->masks[a], *y = &p->masks[b];
    cg_maskdef m = { 0 };
    int i = 0, j = 0;
    while (i < x->n || j < y->n) {
        if (m.n == CG_MASK_WORDS)
            return CG_ALWAYS;
        if (j == y->n || (i < x->n && x->word[i] < y->word[j])) {
            m.word[m.n] = x->word[i];
            m.bits[m.n++] = x->bits[i++];
        } else if (i == x->n || y->word[j] < x->word[i]) {
            m.word[m.n] = y->word[j];
            m.bits[m.n++] = y->bits[j++];
        } else {
            m.word[m.n] = x->word[i];
            m.bits[m.n++] = x->bits[i++] | y->bits[j++];
        }
    }
    return mask_intern(p, &m);
}

void cg_mask_free(cg_plan *p)
{
    free(p->masks);
    free(p->mask_tab);
}
