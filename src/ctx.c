/* ctx.c: the run's lifetime, its diagnostics and its symbol table. */
#include "ctx.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "shape.h"

nd_ctx *ctx_new(const nd_source *src)
{
    nd_ctx *ctx = xmalloc(sizeof *ctx);
    memset(ctx, 0, sizeof *ctx);
    ctx->arena = arena_new();
    ctx->src = src;
    sb_init(&ctx->diag);
    dim_init(ctx);
    return ctx;
}

/* Everything the ctx owns but its diagnostics. */
static void release_program(nd_ctx *ctx)
{
    expr_release(ctx);
    free(ctx->dims);
    free(ctx->vars);
    free(ctx->binds);
    free(ctx->funcs);
    free(ctx->syms);
    free(ctx->tr_memo);
    free(ctx->err_msg);
    arena_free(ctx->arena);
}

void ctx_free(nd_ctx *ctx)
{
    if (!ctx)
        return;
    release_program(ctx);
    sb_free(&ctx->diag);
    free(ctx);
}

void ctx_reset(nd_ctx *ctx, size_t diag_len)
{
    nd_ctx keep = *ctx;
    release_program(ctx);
    memset(ctx, 0, sizeof *ctx);
    ctx->src = keep.src;
    ctx->on_error = keep.on_error;
    ctx->shape_notes = keep.shape_notes;
    ctx->diag = keep.diag;
    sb_truncate(&ctx->diag, diag_len);
    ctx->arena = arena_new();
    dim_init(ctx);
}

void *ctx_grow(void *arr, int *cap, int need, size_t elem)
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

static void vdiag(nd_ctx *ctx, enum diag_kind kind, nd_loc loc,
                  const char *fmt, va_list ap)
{
    strbuf text, msg;
    sb_init(&text);
    sb_init(&msg);
    sb_vprintf(&text, fmt, ap);
    diag_abbrev(&msg, sb_str(&text), text.len);     /* long names shortened */
    diag_format(&ctx->diag, kind, loc, sb_str(&msg));
    if (kind == DIAG_ERROR && !ctx->err_msg) {
        ctx->err_msg = xstrdup(sb_str(&msg));
        ctx->err_loc = loc;
        if (ctx->err_kind == ERR_NONE)
            ctx->err_kind = ERR_INPUT;
    }
    sb_free(&text);
    sb_free(&msg);
}

void ctx_error(nd_ctx *ctx, nd_loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdiag(ctx, DIAG_ERROR, loc, fmt, ap);
    va_end(ap);
}

void ctx_note(nd_ctx *ctx, nd_loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdiag(ctx, DIAG_NOTE, loc, fmt, ap);
    va_end(ap);
}

void ctx_warning(nd_ctx *ctx, nd_loc loc, const char *fmt, ...)
{
    if (ctx->quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    vdiag(ctx, DIAG_WARNING, loc, fmt, ap);
    va_end(ap);
}

_Noreturn void ctx_throw(nd_ctx *ctx)
{
    if (ctx->err_kind == ERR_NONE)
        ctx->err_kind = ERR_INPUT;
    if (!ctx->on_error)
        abort();        /* a pass ran outside CTX_TRY: a bug, not input */
    longjmp(*ctx->on_error, 1);
}

_Noreturn void ctx_fail(nd_ctx *ctx, nd_loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdiag(ctx, DIAG_ERROR, loc, fmt, ap);
    va_end(ap);
    ctx_throw(ctx);
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

struct nd_sym *ctx_lookup(nd_ctx *ctx, const char *name)
{
    if (!ctx->sym_cap)
        return NULL;
    struct nd_sym *s = sym_slot(ctx->syms, ctx->sym_cap, name);
    return s->name ? s : NULL;
}

static void sym_rehash(nd_ctx *ctx)
{
    int cap = ctx->sym_cap ? ctx->sym_cap * 2 : 64;
    struct nd_sym *tab = xmalloc((size_t)cap * sizeof *tab);
    memset(tab, 0, (size_t)cap * sizeof *tab);
    for (int i = 0; i < ctx->sym_cap; i++)
        if (ctx->syms[i].name)
            *sym_slot(tab, cap, ctx->syms[i].name) = ctx->syms[i];
    free(ctx->syms);
    ctx->syms = tab;
    ctx->sym_cap = cap;
}

void ctx_define(nd_ctx *ctx, const char *name, enum sym_kind kind, int index)
{
    if (2 * (ctx->sym_count + 1) > ctx->sym_cap)
        sym_rehash(ctx);
    struct nd_sym *s = sym_slot(ctx->syms, ctx->sym_cap, name);
    if (!s->name)
        ctx->sym_count++;
    s->name = arena_strdup(ctx->arena, name);
    s->kind = kind;
    s->index = index;
}

int ctx_add_var(nd_ctx *ctx, const char *name, nd_loc loc, nd_shape shape,
                int declared, enum nd_assume assume)
{
    int i = ctx->n_vars;
    ctx->vars = ctx_grow(ctx->vars, &ctx->cap_vars, i + 1, sizeof *ctx->vars);
    nd_var *v = &ctx->vars[i];
    v->name = arena_strdup(ctx->arena, name);
    v->loc = loc;
    v->declared = declared;
    v->assume = assume;
    v->shape = shape;
    v->origin = -1;
    ctx->n_vars++;
    v->node = expr_var(ctx, i);
    return i;
}

int ctx_add_binding(nd_ctx *ctx, const char *name, nd_loc loc)
{
    int i = ctx->n_binds;
    ctx->binds = ctx_grow(ctx->binds, &ctx->cap_binds, i + 1, sizeof *ctx->binds);
    ctx->binds[i].name = arena_strdup(ctx->arena, name);
    ctx->binds[i].loc = loc;
    ctx->n_binds++;
    return i;
}

const char *ctx_text(nd_ctx *ctx, nd_loc loc)
{
    if (!loc.src || loc.first_line != loc.last_line || loc.last_column < loc.first_column)
        return "the expression";
    size_t len;
    const char *line = diag_line(loc.src, loc.first_line, &len);
    size_t from = (size_t)loc.first_column - 1, to = (size_t)loc.last_column;
    if (to > len)
        to = len;
    if (from >= to)
        return "the expression";
    if (to - from > 40)
        return "the expression";
    return arena_strndup(ctx->arena, line + from, to - from);
}

