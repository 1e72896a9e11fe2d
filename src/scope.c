/* scope.c: a program's variables, named bindings and symbol table. */
#include "scope.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"

void scope_init(nd_ctx *ctx)
{
    ctx->scope = xmalloc(sizeof *ctx->scope);
    memset(ctx->scope, 0, sizeof *ctx->scope);
}

void scope_release(nd_ctx *ctx)
{
    if (!ctx->scope)
        return;
    free(ctx->scope->vars);
    free(ctx->scope->binds);
    free(ctx->scope->funcs);
    free(ctx->scope->syms);
    free(ctx->scope);
    ctx->scope = NULL;
}

static uint32_t str_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static struct nd_sym *sym_slot(struct nd_sym *tab, int cap, const char *name)
{
    uint32_t mask = (uint32_t)cap - 1, i = str_hash(name) & mask;
    while (tab[i].name && strcmp(tab[i].name, name) != 0)
        i = (i + 1) & mask;
    return &tab[i];
}

struct nd_sym *scope_lookup(nd_ctx *ctx, const char *name)
{
    if (!ctx->scope->sym_cap)
        return NULL;
    struct nd_sym *s = sym_slot(ctx->scope->syms, ctx->scope->sym_cap, name);
    return s->name ? s : NULL;
}

static void sym_rehash(nd_ctx *ctx)
{
    int cap = ctx->scope->sym_cap ? ctx->scope->sym_cap * 2 : 64;
    struct nd_sym *tab = xmalloc((size_t)cap * sizeof *tab);
    memset(tab, 0, (size_t)cap * sizeof *tab);
    for (int i = 0; i < ctx->scope->sym_cap; i++)
        if (ctx->scope->syms[i].name)
            *sym_slot(tab, cap, ctx->scope->syms[i].name) = ctx->scope->syms[i];
    free(ctx->scope->syms);
    ctx->scope->syms = tab;
    ctx->scope->sym_cap = cap;
}

void scope_define(nd_ctx *ctx, const char *name, enum sym_kind kind, int index)
{
    if (2 * (ctx->scope->sym_count + 1) > ctx->scope->sym_cap)
        sym_rehash(ctx);
    struct nd_sym *s = sym_slot(ctx->scope->syms, ctx->scope->sym_cap, name);
    if (!s->name)
        ctx->scope->sym_count++;
    s->name = arena_strdup(ctx->arena, name);
    s->kind = kind;
    s->index = index;
}

int scope_add_var(nd_ctx *ctx, const char *name, nd_loc loc, nd_shape shape,
                  int declared, enum nd_assume assume)
{
    nd_scope *sc = ctx->scope;
    int i = sc->n_vars;
    sc->vars = xgrow(sc->vars, &sc->cap_vars, i + 1, sizeof *sc->vars);
    nd_var *v = &sc->vars[i];
    v->name = arena_strdup(ctx->arena, name);
    v->loc = loc;
    v->declared = declared;
    v->assume = assume;
    v->shape = shape;
    v->origin = -1;
    sc->n_vars++;
    v->node = expr_var(ctx, i, shape);
    return i;
}

int scope_add_binding(nd_ctx *ctx, const char *name, nd_loc loc)
{
    nd_scope *sc = ctx->scope;
    int i = sc->n_binds;
    sc->binds = xgrow(sc->binds, &sc->cap_binds, i + 1, sizeof *sc->binds);
    sc->binds[i].name = arena_strdup(ctx->arena, name);
    sc->binds[i].loc = loc;
    sc->n_binds++;
    return i;
}

static int add_unique(nd_ctx *ctx, nd_dim *out, int n, int max, nd_dim d)
{
    d = dim_find(ctx, d);
    if (d == DIM_ONE || dim_value(ctx, d) > 0)
        return n;
    for (int i = 0; i < n; i++)
        if (out[i] == d)
            return n;
    if (n < max)
        out[n++] = d;
    return n;
}

int scope_abi_dims(nd_ctx *ctx, nd_dim *out, int max)
{
    int n = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < ctx->scope->n_vars; i++) {
            nd_var *v = &ctx->scope->vars[i];
            if (v->origin >= 0 || v->declared != (pass == 0))
                continue;
            n = add_unique(ctx, out, n, max, v->shape.rows);
            n = add_unique(ctx, out, n, max, v->shape.cols);
        }
    return n;
}

