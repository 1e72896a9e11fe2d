/* shape.c: dimensions and shapes. */
#include "shape.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static nd_dim dim_new(nd_ctx *ctx, long value, const char *name, int declared)
{
    int i = ctx->dimtab->n_dims;
    ctx->dimtab->dims = xgrow(ctx->dimtab->dims, &ctx->dimtab->cap_dims, i + 1, sizeof *ctx->dimtab->dims);
    struct nd_dimrec *d = &ctx->dimtab->dims[i];
    d->parent = i;
    d->value = value;
    d->name = name ? arena_strdup(ctx->arena, name) : NULL;
    d->named = name != NULL;
    d->declared = declared;
    d->order = i;
    ctx->dimtab->n_dims++;
    return i;
}

void dim_init(nd_ctx *ctx)
{
    ctx->dimtab = xmalloc(sizeof *ctx->dimtab);
    memset(ctx->dimtab, 0, sizeof *ctx->dimtab);
    dim_new(ctx, 1, NULL, 1);   /* DIM_ONE */
}

void dim_release(nd_ctx *ctx)
{
    if (!ctx->dimtab)
        return;
    free(ctx->dimtab->dims);
    free(ctx->dimtab);
    ctx->dimtab = NULL;
}

void dim_save(nd_ctx *ctx, dim_saved *d)
{
    nd_dimtab *t = ctx->dimtab;
    d->n_dims = t->n_dims;
    d->links = t->dim_links;
    d->dims = xmalloc(((size_t)t->n_dims + 1) * sizeof *d->dims);
    memcpy(d->dims, t->dims, (size_t)t->n_dims * sizeof *d->dims);
}

void dim_restore(nd_ctx *ctx, const dim_saved *d)
{
    nd_dimtab *t = ctx->dimtab;
    memcpy(t->dims, d->dims, (size_t)d->n_dims * sizeof *d->dims);
    t->n_dims = d->n_dims;
    t->dim_links = d->links;
}

void dim_saved_free(dim_saved *d)
{
    free(d->dims);
    d->dims = NULL;
}

void dim_freeze(nd_ctx *ctx)
{
    ctx->dimtab->dims_frozen = ctx->dimtab->n_dims;
}

nd_dim dim_find(nd_ctx *ctx, nd_dim d)
{
    while (ctx->dimtab->dims[d].parent != d) {
        int p = ctx->dimtab->dims[d].parent;
        ctx->dimtab->dims[d].parent = ctx->dimtab->dims[p].parent;  /* path halving */
        d = p;
    }
    return d;
}

nd_dim dim_const(nd_ctx *ctx, long value)
{
    for (int i = 0; i < ctx->dimtab->n_dims; i++)
        if (ctx->dimtab->dims[i].parent == i && ctx->dimtab->dims[i].value == value)
            return i;
    return dim_new(ctx, value, NULL, 1);
}

nd_dim dim_declared(nd_ctx *ctx, const char *name)
{
    return dim_new(ctx, 0, name, 1);
}

nd_dim dim_fresh(nd_ctx *ctx, const char *name)
{
    return dim_new(ctx, 0, name, 0);
}

nd_dim dim_named(nd_ctx *ctx, const char *name)
{
    for (int i = 0; i < ctx->dimtab->n_dims; i++)
        if (ctx->dimtab->dims[i].named && dim_find(ctx, i) == i && !strcmp(ctx->dimtab->dims[i].name, name))
            return i;
    return -1;
}

long dim_value(nd_ctx *ctx, nd_dim d)
{
    return ctx->dimtab->dims[dim_find(ctx, d)].value;
}

int dim_is_one(nd_ctx *ctx, nd_dim d)
{
    return dim_find(ctx, d) == DIM_ONE;
}

int dim_same(nd_ctx *ctx, nd_dim a, nd_dim b)
{
    return dim_find(ctx, a) == dim_find(ctx, b);
}

static void link_to(nd_ctx *ctx, nd_dim from, nd_dim to)
{
    ctx->dimtab->dims[from].parent = to;
    ctx->dimtab->dim_links++;
}

/* A merged class keeps a declared dimension, else a named inferred one
 * (x_rows reads better than d7, and --explain can write it back as a
 * declaration), else the oldest. */
static int a_stays_root(const struct nd_dimrec *da, const struct nd_dimrec *db, nd_dim a,
                        nd_dim b)
{
    if (da->declared != db->declared)
        return da->declared;
    if (da->named != db->named)
        return da->named;
    return a < b;
}

int dim_unify(nd_ctx *ctx, nd_dim a, nd_dim b)
{
    a = dim_find(ctx, a);
    b = dim_find(ctx, b);
    if (a == b)
        return 1;
    if (a < ctx->dimtab->dims_frozen && b < ctx->dimtab->dims_frozen)
        return 0;
    struct nd_dimrec *da = &ctx->dimtab->dims[a], *db = &ctx->dimtab->dims[b];
    if (da->declared && db->declared)
        return 0;       /* two numbers, two names, or a name and a number */
    if (a_stays_root(da, db, a, b))
        link_to(ctx, b, a);
    else
        link_to(ctx, a, b);
    return 1;
}

const char *dim_name(nd_ctx *ctx, nd_dim d)
{
    struct nd_dimrec *r = &ctx->dimtab->dims[dim_find(ctx, d)];
    if (!r->name) {
        char buf[32];
        if (r->value > 0)
            snprintf(buf, sizeof buf, "%ld", r->value);
        else
            snprintf(buf, sizeof buf, "d%d", dim_find(ctx, d));
        r->name = arena_strdup(ctx->arena, buf);
    }
    return r->name;
}

int shape_is_scalar(nd_ctx *ctx, nd_shape s)
{
    return dim_is_one(ctx, s.rows) && dim_is_one(ctx, s.cols);
}

int shape_is_col(nd_ctx *ctx, nd_shape s)
{
    return dim_is_one(ctx, s.cols) && !dim_is_one(ctx, s.rows);
}

int shape_is_row(nd_ctx *ctx, nd_shape s)
{
    return dim_is_one(ctx, s.rows) && !dim_is_one(ctx, s.cols);
}

int shape_is_square(nd_ctx *ctx, nd_shape s)
{
    return dim_same(ctx, s.rows, s.cols);
}

int shape_equal(nd_ctx *ctx, nd_shape a, nd_shape b)
{
    return dim_same(ctx, a.rows, b.rows) && dim_same(ctx, a.cols, b.cols);
}

int shape_unify(nd_ctx *ctx, nd_shape a, nd_shape b)
{
    return dim_unify(ctx, a.rows, b.rows) && dim_unify(ctx, a.cols, b.cols);
}

nd_shape shape_resolve(nd_ctx *ctx, nd_shape s)
{
    return shape_make(dim_find(ctx, s.rows), dim_find(ctx, s.cols));
}

nd_shape shape_transpose(nd_shape s)
{
    return shape_make(s.cols, s.rows);
}

void shape_format(nd_ctx *ctx, strbuf *out, nd_shape s)
{
    if (shape_is_scalar(ctx, s))
        sb_puts(out, "scalar");
    else
        sb_printf(out, "%s x %s", dim_name(ctx, s.rows), dim_name(ctx, s.cols));
}

const char *shape_str(nd_ctx *ctx, nd_shape s)
{
    strbuf b;
    sb_init(&b);
    shape_format(ctx, &b, s);
    const char *r = arena_strdup(ctx->arena, sb_str(&b));
    sb_free(&b);
    return r;
}

_Noreturn void shape_fail(nd_ctx *ctx, nd_loc loc, const char *fmt, ...)
{
    strbuf msg;
    sb_init(&msg);
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&msg, fmt, ap);
    va_end(ap);
    /* the message lives in the arena: the throw leaves no strbuf behind */
    const char *text = arena_strdup(ctx->arena, sb_str(&msg));
    sb_free(&msg);
    diag_fail_shape(ctx, loc, text);
}
