/* elab.c: typing and building the DAG from the parse tree. */
#include "elab.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"
#include "mk.h"
#include "num.h"
#include "ops.h"
#include "run.h"
#include "scope.h"
#include "shape.h"

/* ---- two passes ----------------------------------------------------------
 * Unification may give a dimension its value after nodes that use it were
 * built: in `v'*A'*v0*v*A` the inner dimension of v*A makes A a row, and v0
 * a scalar, after v'*A'*v0 was built as a matrix product.  Such nodes would
 * disagree with their final shapes (the smart constructors chose scaling or
 * a product from the shapes they saw).  So a program whose elaboration
 * merged dimensions is elaborated twice: the first pass only finds the
 * final shapes of the inferred variables and of the vector()/matrix()
 * fills; the second builds the DAG with those shapes fixed from the start,
 * as if they had been declared (their dimensions never merge again), so
 * every node is built with its final shape.  A program and the same program
 * with its --explain declarations written out then mean the same. */

/* A dimension as the first pass left it, independent of that pass's ctx. */
typedef struct hint_dim {
    enum { HD_ONE, HD_NUMBER, HD_EXISTING, HD_DECLARED, HD_FREE } kind;
    long value;             /* HD_NUMBER: the size; HD_FREE: the class;
                               HD_EXISTING: the dimension's index */
    char *name;             /* HD_DECLARED: the dimension; HD_FREE: its name or NULL */
} hint_dim;

typedef struct hint_shape {
    nd_shape raw;           /* first pass: the shape as made */
    hint_dim rows, cols;    /* after it: the final dimensions */
    const ast *at;          /* the fill or variable it was made for */
} hint_shape;

typedef struct hint_list {
    hint_shape *v;
    int n, cap;
} hint_list;

typedef struct elab_hints {
    hint_list vars;         /* inferred variables, in order of creation */
    hint_list fills;        /* vector() and matrix() calls, in order */
    nd_dim *class_dim;      /* second pass: the dimension of each free class */
    int n_classes;
    int used_vars, used_fills;  /* second pass: how many were taken */
    nd_evalenv *numbers;    /* first pass: evaluates constants (see check_number) */
} elab_hints;

typedef struct elab {
    nd_ctx *ctx;
    int infer;          /* undeclared names become variables */
    const char *const *split;   /* --paths: uses of these become copies */
    int n_split;
    elab_hints *hints;  /* what the passes record or use */
    int second;         /* this is the second pass: take shapes from hints */
    nd_prog *origins;   /* records where each node was first made, or NULL */
    const struct call_frame *frame;     /* the innermost function call, or NULL */
    long expanded;      /* expression nodes elaborated through calls */
    int call_depth;     /* the depths of the bodies being elaborated, summed */
    nd_loc call_loc;    /* inside a call: the outermost call, where --paths places
                           the uses of variables in the bodies */
} elab;

/* One call of a function of the program: its parameters stand for these
 * arguments (already elaborated at the call) inside its body only. */
typedef struct call_frame {
    const nd_func *f;
    nd_node *const *args;
} call_frame;

static nd_node *elab_expr(elab *e, const ast *a);

/* ---- hints ----------------------------------------------------------------- */

static void hint_push(hint_list *l, nd_shape raw, const ast *at)
{
    l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof *l->v);
    memset(&l->v[l->n], 0, sizeof l->v[l->n]);
    l->v[l->n].at = at;
    l->v[l->n++].raw = raw;
}

static void hint_list_free(hint_list *l)
{
    for (int i = 0; i < l->n; i++) {
        free(l->v[i].rows.name);
        free(l->v[i].cols.name);
    }
    free(l->v);
}

static void hints_free(elab_hints *h)
{
    hint_list_free(&h->vars);
    hint_list_free(&h->fills);
    free(h->class_dim);
    eval_free(h->numbers);
    free(h);
}

/* What the first pass's dimension `raw` became; class_of numbers the free
 * classes by their root.  A root below dims_frozen (an answer's dimension
 * that joined the program's) keeps its index: the program's dimensions
 * stay as they are between an answer's two passes. */
static void finish_dim(nd_ctx *ctx, nd_dim raw, hint_dim *h, int *class_of, int *n_classes)
{
    nd_dim r = dim_find(ctx, raw);
    const struct nd_dimrec *d = &ctx->dimtab->dims[r];
    if (r == DIM_ONE) {
        h->kind = HD_ONE;
    } else if (d->value > 0) {
        h->kind = HD_NUMBER;
        h->value = d->value;
    } else if (r < ctx->dimtab->dims_frozen) {
        h->kind = HD_EXISTING;
        h->value = r;
    } else if (d->declared) {
        h->kind = HD_DECLARED;
        h->name = xstrdup(d->name);
    } else {
        if (class_of[r] < 0)
            class_of[r] = (*n_classes)++;
        h->kind = HD_FREE;
        h->value = class_of[r];
        h->name = d->named ? xstrdup(d->name) : NULL;
    }
}

/* After the first pass: the final dimensions of what it recorded. */
static void hints_finish(nd_ctx *ctx, elab_hints *h)
{
    int *class_of = xmalloc((size_t)ctx->dimtab->n_dims * sizeof *class_of);
    for (int i = 0; i < ctx->dimtab->n_dims; i++)
        class_of[i] = -1;
    hint_list *lists[2] = { &h->vars, &h->fills };
    for (int l = 0; l < 2; l++)
        for (int i = 0; i < lists[l]->n; i++) {
            hint_shape *s = &lists[l]->v[i];
            finish_dim(ctx, s->raw.rows, &s->rows, class_of, &h->n_classes);
            finish_dim(ctx, s->raw.cols, &s->cols, class_of, &h->n_classes);
        }
    free(class_of);
    h->class_dim = xmalloc(((size_t)h->n_classes + 1) * sizeof *h->class_dim);
    for (int i = 0; i < h->n_classes; i++)
        h->class_dim[i] = -1;
}

/* The second pass's dimension for a hint.  A free class becomes a
 * dimension that never merges: its value was settled by the first pass. */
static nd_dim hint_resolve(elab *e, const hint_dim *h)
{
    nd_ctx *ctx = e->ctx;
    struct nd_sym *s;
    switch (h->kind) {
    case HD_ONE:
        return DIM_ONE;
    case HD_NUMBER:
        return dim_const(ctx, h->value);
    case HD_EXISTING:
        return (nd_dim)h->value;
    case HD_DECLARED:
        s = scope_lookup(ctx, h->name);
        if (s && s->kind == SYM_DIM)
            return s->index;
        break;
    case HD_FREE:
        if (e->hints->class_dim[h->value] < 0)
            e->hints->class_dim[h->value] = dim_declared(ctx, h->name);
        return e->hints->class_dim[h->value];
    }
    nd_loc none = { 0, 0, 0, 0, NULL };
    diag_fail(ctx, none, "internal error: the second elaboration pass lost dimension '%s'",
             h->name ? h->name : "?");
}

/* The shape made at this point: fresh dimensions (first pass, recorded)
 * or the ones the first pass settled on (second pass). */
static nd_shape hinted_shape(elab *e, hint_list *l, int *used, nd_shape fresh, const ast *at)
{
    if (!e->second) {
        if (e->hints)
            hint_push(l, fresh, at);
        return fresh;
    }
    if (*used >= l->n) {
        nd_loc none = { 0, 0, 0, 0, NULL };
        diag_fail(e->ctx, none, "internal error: the second elaboration pass diverged");
    }
    hint_shape *h = &l->v[(*used)++];
    nd_dim r = hint_resolve(e, &h->rows);     /* rows first: dimensions are numbered */
    return shape_make(r, hint_resolve(e, &h->cols));
}

/* ---- messages ---------------------------------------------------------- */

static const char *assume_type[] = {
    [AS_NONE] = NULL, [AS_SYMMETRIC] = "symmetric", [AS_SPD] = "spd",
    [AS_SIMPLEX] = "simplex", [AS_ONEHOT] = "onehot", [AS_MASK] = "mask",
};

void elab_type_text(nd_ctx *ctx, const nd_var *v, strbuf *out)
{
    nd_shape s = v->shape;
    const char *r = dim_name(ctx, s.rows), *c = dim_name(ctx, s.cols);
    if (v->assume == AS_SYMMETRIC || v->assume == AS_SPD)
        sb_printf(out, "%s(%s)", assume_type[v->assume], r);
    else if (v->assume != AS_NONE && dim_is_one(ctx, s.cols))
        sb_printf(out, "%s(%s)", assume_type[v->assume], r);
    else if (v->assume != AS_NONE)
        sb_printf(out, "%s(%s, %s)", assume_type[v->assume], r, c);
    else if (shape_is_scalar(ctx, s))
        sb_puts(out, "scalar");
    else if (dim_is_one(ctx, s.cols))
        sb_printf(out, "vector(%s)", r);
    else
        sb_printf(out, "matrix(%s, %s)", r, c);
}

void elab_explain(nd_ctx *ctx, strbuf *out)
{
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < ctx->scope->n_vars; i++) {
            nd_var *v = &ctx->scope->vars[i];
            if (v->origin >= 0 || v->declared != !pass)
                continue;
            sb_printf(out, "%s : ", v->name);
            elab_type_text(ctx, v, out);
            if (!v->declared)
                sb_printf(out, "   # inferred from its first letter, first used at %d:%d",
                          v->loc.first_line, v->loc.first_column);
            sb_putc(out, '\n');
        }
}

/* The note after every shape error: the declarations in force. */
static void shape_notes(nd_ctx *ctx)
{
    enum { SHOWN = 10 };    /* a note of a bounded length */
    strbuf b, line;
    sb_init(&b);
    sb_init(&line);
    int n = 0;
    for (int i = 0; i < ctx->scope->n_vars; i++) {
        nd_var *v = &ctx->scope->vars[i];
        if (v->origin >= 0 || n++ >= SHOWN)
            continue;
        sb_printf(&b, "%s%s : ", b.len ? ", " : "", v->name);
        elab_type_text(ctx, v, &b);
        if (!v->declared)
            sb_puts(&b, " (inferred)");
    }
    if (n > SHOWN)
        sb_printf(&b, " and %d more", n - SHOWN);
    if (b.len) {
        sb_printf(&line, "%s: note: declarations in force: %s",
                  ctx->src ? ctx->src->name : "nnderive", sb_str(&b));
        diag_abbrev(diag_out(ctx), line.s, line.len);
        sb_putc(diag_out(ctx), '\n');
    }
    sb_free(&b);
    sb_free(&line);
}

static const char *text_of(elab *e, const ast *a)
{
    return diag_text(e->ctx, a->loc);
}

/* ---- declarations ------------------------------------------------------ */

/* A dimension written as a number: 1 to ND_MAX_DIM. */
static long dim_number(nd_ctx *ctx, const char *text, nd_loc loc)
{
    const char *digits = text + strspn(text, "0");     /* no leading zeros */
    if (text[strspn(text, "0123456789")] || !*digits)
        diag_fail(ctx, loc, "a dimension must be a positive integer or a name, not '%s'", text);
    long v = strlen(digits) <= 10 ? strtol(digits, NULL, 10) : ND_MAX_DIM + 1;
    if (v > ND_MAX_DIM)
        diag_fail(ctx, loc, "the dimension %s is too large (the limit is %ld)", digits,
                 ND_MAX_DIM);
    return v;
}

static nd_dim decl_dim(elab *e, const ast_name *d)
{
    nd_ctx *ctx = e->ctx;
    if (isdigit((unsigned char)d->name[0]))
        return dim_const(ctx, dim_number(ctx, d->name, d->loc));
    struct nd_sym *s = scope_lookup(ctx, d->name);
    if (s && s->kind == SYM_DIM)
        return s->index;
    if (s && s->kind == SYM_VAR)
        diag_fail(ctx, d->loc, "'%s' is a variable, not a dimension", d->name);
    nd_dim dim = dim_declared(ctx, d->name);
    scope_define(ctx, d->name, SYM_DIM, dim);
    return dim;
}

struct type_form {
    const char *name;
    int min_args, max_args;
    enum nd_assume assume;
};

static const struct type_form type_forms[] = {
    { "scalar", 0, 0, AS_NONE },     { "vector", 1, 1, AS_NONE },
    { "matrix", 2, 2, AS_NONE },     { "symmetric", 1, 1, AS_SYMMETRIC },
    { "spd", 1, 1, AS_SPD },         { "simplex", 1, 2, AS_SIMPLEX },
    { "onehot", 1, 2, AS_ONEHOT },   { "mask", 1, 2, AS_MASK },
};

static const struct type_form *find_type(elab *e, const ast_type *t)
{
    for (size_t i = 0; i < sizeof type_forms / sizeof *type_forms; i++)
        if (strcmp(type_forms[i].name, t->name.name) == 0)
            return &type_forms[i];
    diag_fail(e->ctx, t->name.loc,
             "unknown type '%s' (expected scalar, vector(d), matrix(d1, d2), "
             "symmetric(d), spd(d), simplex(d), onehot(d) or mask(d1, d2))", t->name.name);
}

static nd_shape decl_shape(elab *e, const ast_type *t, enum nd_assume *assume)
{
    const struct type_form *f = find_type(e, t);
    int n = t->dims.n;
    if (n < f->min_args || n > f->max_args || (f->min_args > 0 && !t->has_args))
        diag_fail(e->ctx, t->name.loc, "'%s' takes %d dimension%s, got %d", f->name,
                 f->max_args, f->max_args == 1 ? "" : "s", n);
    *assume = f->assume;
    nd_dim d[2] = { DIM_ONE, DIM_ONE };
    for (int i = 0; i < n; i++)
        d[i] = decl_dim(e, &t->dims.v[i]);
    if (f->assume == AS_SYMMETRIC || f->assume == AS_SPD)
        d[1] = d[0];
    if (strcmp(f->name, "matrix") == 0 || n == 2)
        return shape_make(d[0], d[1]);
    if (f->assume == AS_SYMMETRIC || f->assume == AS_SPD)
        return shape_make(d[0], d[0]);
    return shape_make(d[0], DIM_ONE);
}

static void declare(elab *e, const ast_stmt *st)
{
    nd_ctx *ctx = e->ctx;
    enum nd_assume assume;
    nd_shape shape = decl_shape(e, st->type, &assume);
    for (int i = 0; i < st->names.n; i++) {
        const ast_name *nm = &st->names.v[i];
        struct nd_sym *s = scope_lookup(ctx, nm->name);
        if (s && s->kind == SYM_VAR) {
            diag_error(ctx, nm->loc, "variable '%s' is declared twice", nm->name);
            diag_note(ctx, ctx->scope->vars[s->index].loc, "first declared here");
            diag_throw(ctx);
        }
        if (s && s->kind == SYM_DIM)
            diag_fail(ctx, nm->loc, "'%s' is already a dimension name", nm->name);
        int v = scope_add_var(ctx, nm->name, nm->loc, shape, 1, assume);
        scope_define(ctx, nm->name, SYM_VAR, v);
    }
}

/* ---- names ---------------------------------------------------------------- */

static nd_node *occurrence(elab *e, int var, const ast *a);

static int split_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Is name one of the variables --paths splits?  The names are sorted once
 * (elab_pass): a variable may be used thousands of times. */
static int is_split(const elab *e, const char *name)
{
    return e->n_split &&
           bsearch(&name, e->split, (size_t)e->n_split, sizeof *e->split, split_cmp) != NULL;
}

/* A sorted copy of the names in the arena. */
static const char *const *sorted_names(nd_ctx *ctx, const char *const *names, int n)
{
    const char **v = arena_alloc(ctx->arena, ((size_t)n + 1) * sizeof *v);
    memcpy(v, names, (size_t)n * sizeof *v);
    qsort(v, (size_t)n, sizeof *v, split_cmp);
    return v;
}

/* The shape of an undeclared name from its first letter, with fresh
 * dimensions NAME_rows and NAME_cols. */
static nd_shape first_letter_shape(elab *e, const ast *a)
{
    nd_ctx *ctx = e->ctx;
    char c = a->text[0];
    if (c >= 'a' && c <= 'g')
        return shape_scalar();
    if (!(c >= 'h' && c <= 'z') && !(c >= 'A' && c <= 'Z'))
        diag_fail(ctx, a->loc, "cannot infer the type of '%s' from its first letter; declare it",
                 a->text);
    strbuf b;
    sb_init(&b);
    sb_printf(&b, "%s_rows", a->text);
    nd_dim r = e->second ? DIM_ONE : dim_fresh(ctx, sb_str(&b)), k = DIM_ONE;
    if (c >= 'A' && c <= 'Z' && !e->second) {
        sb_clear(&b);
        sb_printf(&b, "%s_cols", a->text);
        k = dim_fresh(ctx, sb_str(&b));
    }
    sb_free(&b);
    return shape_make(r, k);
}

static nd_node *infer_var(elab *e, const ast *a)
{
    nd_ctx *ctx = e->ctx;
    nd_shape shape = first_letter_shape(e, a);
    if (e->hints)
        shape = hinted_shape(e, &e->hints->vars, &e->hints->used_vars, shape, a);
    int v = scope_add_var(ctx, a->text, a->loc, shape, 0, AS_NONE);
    scope_define(ctx, a->text, SYM_VAR, v);
    return is_split(e, a->text) ? occurrence(e, v, a) : ctx->scope->vars[v].node;
}

/* --paths: each use of the split variable is a variable of its own. */
static nd_node *occurrence(elab *e, int var, const ast *a)
{
    nd_ctx *ctx = e->ctx;
    nd_var *orig = &ctx->scope->vars[var];
    nd_loc at = e->frame ? e->call_loc : a->loc;
    int v = scope_add_var(ctx, orig->name, at, orig->shape, orig->declared, orig->assume);
    ctx->scope->vars[v].origin = var;
    return ctx->scope->vars[v].node;
}

static nd_node *elab_name(elab *e, const ast *a)
{
    nd_ctx *ctx = e->ctx;
    if (e->frame) {         /* a parameter shadows the program's names */
        const ast *head = e->frame->f->def->head;
        for (int i = 0; i < head->nkids; i++)
            if (!strcmp(head->kids[i]->text, a->text))
                return e->frame->args[i];
    }
    struct nd_sym *s = scope_lookup(ctx, a->text);
    if (s && s->kind == SYM_FUNC) {
        const nd_func *f = &ctx->scope->funcs[s->index];
        diag_error(ctx, a->loc, "'%s' is a function, not a value: call it with its %d "
                  "argument%s, as in %s", a->text, f->def->head->nkids,
                  f->def->head->nkids == 1 ? "" : "s", diag_text(ctx, f->def->head->loc));
        diag_note(ctx, f->def->loc, "'%s' is defined here", a->text);
        diag_throw(ctx);
    }
    if (s && s->kind == SYM_VAR)
        return is_split(e, a->text) ? occurrence(e, s->index, a) : ctx->scope->vars[s->index].node;
    if (s && s->kind == SYM_DIM)
        return mk_dim(ctx, s->index);
    if (s && s->kind == SYM_BIND) {
        nd_binding *b = &ctx->scope->binds[s->index];
        if (!b->node) {
            diag_error(ctx, a->loc, "'%s' is used before it is assigned", a->text);
            diag_note(ctx, b->loc, "'%s' is assigned here", a->text);
            diag_throw(ctx);
        }
        if (b->expr_inline && !e->infer)
            return elab_expr(e, b->expr_inline);
        return b->node;
    }
    if (!s && !strcmp(a->text, "pi"))     /* unless declared or assigned */
        return expr_node(ctx, OP_PI, shape_scalar(), NULL, 0);
    if (!e->infer) {        /* an answer: the output names inferred dimensions too */
        nd_dim d = dim_named(ctx, a->text);
        if (d >= 0)
            return mk_dim(ctx, d);
        diag_fail(ctx, a->loc, "unknown name '%s'", a->text);
    }
    return infer_var(e, a);
}

static nd_node *elab_num(elab *e, const ast *a)
{
    mpq_t q;
    mpq_init(q);
    const char *err = num_parse(q, a->text);
    if (err) {
        mpq_clear(q);
        diag_fail(e->ctx, a->loc, "%s", err);
    }
    nd_node *n = expr_const(e->ctx, q);
    mpq_clear(q);
    return n;
}

/* ---- operators --------------------------------------------------------- */

static _Noreturn void mismatch(elab *e, const ast *a, nd_node *l, nd_node *r)
{
    nd_ctx *ctx = e->ctx;
    shape_fail(ctx, a->op_loc, "shape mismatch in '%s': %s is %s, %s is %s",
               ast_binop_text(a->op), text_of(e, a->kids[0]), shape_str(ctx, l->shape),
               text_of(e, a->kids[1]), shape_str(ctx, r->shape));
}

static int is_matrix_like(nd_ctx *ctx, nd_shape s)
{
    return !dim_is_one(ctx, s.rows) && !dim_is_one(ctx, s.cols);
}

/* Makes l and r the same shape: a scalar is broadcast to every entry, a
 * column across the columns of a matrix, a row down its rows. */
static void broadcast_pair(elab *e, const ast *a, nd_node **l, nd_node **r)
{
    nd_ctx *ctx = e->ctx;
    nd_shape ls = (*l)->shape, rs = (*r)->shape;
    int lsc = shape_is_scalar(ctx, ls), rsc = shape_is_scalar(ctx, rs);
    if (lsc && rsc)
        return;
    if (lsc || rsc) {
        if (lsc)
            *l = mk_bcast(ctx, *l, rs);
        else
            *r = mk_bcast(ctx, *r, ls);
        return;
    }
    for (int side = 0; side < 2; side++) {
        nd_node **v = side ? r : l, **m = side ? l : r;
        nd_shape vs = (*v)->shape, ms = (*m)->shape;
        if (!is_matrix_like(ctx, ms))
            continue;
        if (shape_is_col(ctx, vs)) {
            if (!dim_unify(ctx, vs.rows, ms.rows))
                mismatch(e, a, *l, *r);
            *v = mk_bcast(ctx, *v, ms);
            return;
        }
        if (shape_is_row(ctx, vs)) {
            if (!dim_unify(ctx, vs.cols, ms.cols))
                mismatch(e, a, *l, *r);
            *v = mk_bcast(ctx, *v, ms);
            return;
        }
    }
    if (!shape_unify(ctx, ls, rs))
        mismatch(e, a, *l, *r);
}

static nd_node *elab_matmul(elab *e, const ast *a, nd_node *l, nd_node *r)
{
    nd_ctx *ctx = e->ctx;
    if (!expr_is_scalar(ctx, l) && !expr_is_scalar(ctx, r) &&
        !dim_unify(ctx, l->shape.cols, r->shape.rows))
        shape_fail(ctx, a->op_loc,
                   "shape mismatch in '*': %s is %s, %s is %s (inner dimensions %s and %s differ)",
                   text_of(e, a->kids[0]), shape_str(ctx, l->shape), text_of(e, a->kids[1]),
                   shape_str(ctx, r->shape), dim_name(ctx, l->shape.cols),
                   dim_name(ctx, r->shape.rows));
    return mk_mul(ctx, l, r);
}

static void warn_norm2_squared(elab *e, const ast *a)
{
    const ast *base = a->kids[0], *ex = a->kids[1];
    if (base->kind == AST_CALL && strcmp(base->text, "norm2") == 0 &&
        ex->kind == AST_NUM && strcmp(ex->text, "2") == 0)
        diag_warning(e->ctx, a->op_loc,
                    "norm2 is already the squared norm, so this is a fourth power; "
                    "did you mean norm(...)^2?");
}

static nd_node *elab_pow(elab *e, const ast *a, nd_node *l, nd_node *r)
{
    nd_ctx *ctx = e->ctx;
    warn_norm2_squared(e, a);
    if (!expr_is_scalar(ctx, r))
        shape_fail(ctx, a->op_loc, "the exponent of '%s' must be a scalar: %s is %s",
                   ast_binop_text(a->op), text_of(e, a->kids[1]), shape_str(ctx, r->shape));
    /* c^x for a negative constant c: real only at integers x, and its
     * derivative has log(c): not a function nnderive can differentiate */
    if (l->op == OP_CONST && mpq_sgn(l->u.q) < 0 && r->op != OP_CONST)
        diag_fail(ctx, a->op_loc, "a negative number to a varying power, %s%s%s, is not real "
                  "for most exponents (its derivative needs the log of %s): write the base as "
                  "a positive number", text_of(e, a->kids[0]), ast_binop_text(a->op),
                  text_of(e, a->kids[1]), text_of(e, a->kids[0]));
    if (a->op == BIN_EPOW || expr_is_scalar(ctx, l))
        return mk_pow(ctx, l, r);
    if (!dim_unify(ctx, l->shape.rows, l->shape.cols))
        shape_fail(ctx, a->op_loc,
                   "'^' needs a square matrix: %s is %s (use '.^' for an elementwise power)",
                   text_of(e, a->kids[0]), shape_str(ctx, l->shape));
    long k;
    if (r->op != OP_CONST || !num_fits_long(r->u.q, &k) || k > 64 || k < -64)
        diag_fail(ctx, a->kids[1]->loc,
                 "a matrix power needs an integer exponent between -64 and 64 "
                 "(use '.^' for an elementwise power)");
    return k < 0 ? mk_mpow(ctx, mk_fn(ctx, OP_INV, l), -k) : mk_mpow(ctx, l, k);
}

/* l OP r for one binary operator, both sides elaborated. */
static nd_node *combine(elab *e, const ast *a, nd_node *l, nd_node *r)
{
    nd_ctx *ctx = e->ctx;
    switch (a->op) {
    case BIN_ADD:
    case BIN_SUB:
        broadcast_pair(e, a, &l, &r);
        return a->op == BIN_ADD ? mk_add2(ctx, l, r) : mk_sub(ctx, l, r);
    case BIN_MUL:
        return elab_matmul(e, a, l, r);
    case BIN_DIV:
        if (!expr_is_scalar(ctx, r))
            shape_fail(ctx, a->op_loc,
                       "'/' divides by a scalar, but %s is %s (use './' for an elementwise "
                       "division, or inv())", text_of(e, a->kids[1]), shape_str(ctx, r->shape));
        if (mk_is_zero(r))
            diag_fail(ctx, a->op_loc, "division by zero");
        return mk_div(ctx, l, r);
    case BIN_EMUL:
    case BIN_EDIV:
        broadcast_pair(e, a, &l, &r);
        if (a->op == BIN_EDIV && mk_is_zero(r))
            diag_fail(ctx, a->op_loc, "division by zero");
        return a->op == BIN_EMUL ? mk_emul(ctx, l, r) : mk_ediv(ctx, l, r);
    case BIN_POW:
    case BIN_EPOW:
        return elab_pow(e, a, l, r);
    }
    abort();
}

/* The next link of a chain below s, or NULL at its start. */
static const ast *chain_next(const ast *s, int level)
{
    const ast *l = s->kids[0];
    return l->kind == AST_BINARY && level && ast_chain_level(l->op) == level ? l : NULL;
}

/* a + b - c + ...: the left operand of a chain is the chain so far (see
 * ast_chain_level).  Collects the spine, innermost first, in the arena: an
 * error inside the chain longjmps past any free. */
static const ast **chain_spine(nd_ctx *ctx, const ast *a, int *n)
{
    int level = ast_chain_level(a->op);
    *n = 0;
    for (const ast *s = a; s; s = chain_next(s, level))
        (*n)++;
    const ast **spine = arena_alloc(ctx->arena, (size_t)*n * sizeof *spine);
    int i = *n;
    for (const ast *s = a; s; s = chain_next(s, level))
        spine[--i] = s;
    return spine;
}

/* A sum of many terms is built once from all of them (building it term by
 * term would re-sort the growing sum each time); the terms so far are kept
 * in the sum's shape, broadcast together when a later term is bigger. */
static nd_node *sum_chain(elab *e, const ast *const *spine, int n, nd_node *first)
{
    nd_ctx *ctx = e->ctx;
    nd_node **terms = arena_alloc(ctx->arena, ((size_t)n + 1) * sizeof *terms);  /* see chain_spine */
    int nt = 0;
    terms[nt++] = first;
    for (int i = 0; i < n; i++) {
        const ast *a = spine[i];
        nd_node *l = terms[0], *r = elab_expr(e, a->kids[1]);
        broadcast_pair(e, a, &l, &r);
        if (l != terms[0]) {    /* the sum so far is broadcast to r's shape */
            terms[0] = mk_bcast(ctx, mk_add(ctx, terms, nt), l->shape);
            nt = 1;
        }
        terms[nt++] = a->op == BIN_SUB ? mk_neg(ctx, r) : r;
    }
    return mk_add(ctx, terms, nt);
}

/* Binary operators.  A long chain (a*b*c..., a + b + ...) is walked as a
 * loop, not by recursion: its length is not bounded by the nesting limit. */
static nd_node *elab_binary(elab *e, const ast *a)
{
    int n;
    const ast **spine = chain_spine(e->ctx, a, &n);
    nd_node *acc = elab_expr(e, spine[0]->kids[0]);
    if (ast_chain_level(a->op) == 1 && n > 1) {
        acc = sum_chain(e, spine, n, acc);
    } else {
        for (int i = 0; i < n; i++)
            acc = combine(e, spine[i], acc, elab_expr(e, spine[i]->kids[1]));
    }
    return acc;
}

/* ---- calls --------------------------------------------------------------- */

/* Levenshtein distance, for "did you mean". */
static int edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 30 || lb > 30)
        return 99;
    int d[31][31];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            int sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            int del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
            d[i][j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
    return d[la][lb];
}

static const char *const special_forms[] = { "vector", "matrix", "eye", "clip" };

/* Functions of NumPy, MATLAB and PyTorch that nnderive spells otherwise. */
static const char *const habits[][2] = {
    { "transpose", "nnderive writes the transpose as X'" },
    { "trace", "nnderive writes the trace as tr(A)" },
    { "dot", "nnderive writes a dot product as x'*y" },
    { "inner", "nnderive writes a dot product as x'*y" },
    { "outer", "nnderive writes an outer product as x*y'" },
    { "matmul", "nnderive writes a matrix product as A*B" },
    { "ones", "nnderive writes a matrix of ones as matrix(1) (a vector: vector(1)), its size "
              "inferred, or matrix(1, m, n) (vector(1, n))" },
    { "zeros", "nnderive writes a matrix of zeros as matrix(0) (a vector: vector(0)), its size "
               "inferred, or matrix(0, m, n) (vector(0, n))" },
    { "identity", "nnderive writes the identity as eye(n)" },
    { "inverse", "nnderive writes the inverse as inv(A)" },
    { "maximum", "nnderive writes the elementwise maximum as max(x, y)" },
    { "minimum", "nnderive writes the elementwise minimum as min(x, y)" },
    { "pow", "nnderive writes a power as x^p (elementwise: x.^p)" },
    { "power", "nnderive writes a power as x^p (elementwise: x.^p)" },
    { "multiply", "nnderive writes an elementwise product as x.*y" },
    { "clamp", "nnderive writes it as clip(x, a, b)" },
    { "logistic", "nnderive writes it as sigmoid(x)" },
};

/* Arguments that only an index has: integers, ':', lo:hi, end. */
static int looks_like_indexing(const ast *a)
{
    for (int i = 0; i < a->nkids; i++) {
        const ast *k = a->kids[i];
        int index = k->kind == AST_COLON || k->kind == AST_RANGE ||
                    (k->kind == AST_NAME && !strcmp(k->text, "end")) ||
                    (k->kind == AST_NUM && strspn(k->text, "0123456789") == strlen(k->text));
        if (!index)
            return 0;
    }
    return a->nkids > 0;
}

static _Noreturn void unknown_function(elab *e, const ast *a)
{
    for (size_t i = 0; i < sizeof habits / sizeof *habits; i++)
        if (!strcmp(a->text, habits[i][0]))
            diag_fail(e->ctx, a->op_loc, "unknown function '%s': %s", a->text, habits[i][1]);
    struct nd_sym *s = scope_lookup(e->ctx, a->text);
    const char *best = NULL;
    int bestd = strlen(a->text) <= 4 ? 2 : 3;   /* suggest only close names */
    for (int op = 0; op < OP__COUNT; op++)
        if (ops_table[op].cls >= OPC_ELEM && edit_distance(a->text, ops_table[op].name) < bestd) {
            bestd = edit_distance(a->text, ops_table[op].name);
            best = ops_table[op].name;
        }
    for (size_t i = 0; i < sizeof special_forms / sizeof *special_forms; i++)
        if (edit_distance(a->text, special_forms[i]) < bestd) {
            bestd = edit_distance(a->text, special_forms[i]);
            best = special_forms[i];
        }
    if (!strcmp(a->text, "vec") || !strcmp(a->text, "kron"))
        diag_fail(e->ctx, a->op_loc, "'%s' is not supported yet (it comes with --jacobian)",
                 a->text);
    if (best)
        diag_fail(e->ctx, a->op_loc, "unknown function '%s'; did you mean '%s'?", a->text, best);
    if (!s && e->infer && looks_like_indexing(a))
        diag_fail(e->ctx, a->op_loc, "unknown function '%s' (to index a variable, declare it "
                 "first: %s : vector(5))", a->text, a->text);
    diag_fail(e->ctx, a->op_loc, "unknown function '%s'", a->text);
}

static void check_arity(elab *e, const ast *a, int want)
{
    if (a->nkids != want)
        diag_fail(e->ctx, a->op_loc, "'%s' takes %d argument%s, got %d", a->text, want,
                 want == 1 ? "" : "s", a->nkids);
}

/* The size argument of eye(d), vector(c, d), matrix(c, d1, d2): a positive
 * integer, a declared dimension, or in an answer a dimension the output
 * names (eye(A_rows)).  what says which form, for the message. */
static nd_dim size_arg(elab *e, const ast *d, const char *what)
{
    nd_ctx *ctx = e->ctx;
    if (d->kind == AST_NUM) {
        if (strspn(d->text, "0123456789") != strlen(d->text))
            diag_fail(ctx, d->loc, "'%s' needs a positive integer or a dimension name", what);
        return dim_const(ctx, dim_number(ctx, d->text, d->loc));
    }
    struct nd_sym *s = d->kind == AST_NAME ? scope_lookup(ctx, d->text) : NULL;
    nd_dim inferred = d->kind == AST_NAME && !s && !e->infer ? dim_named(ctx, d->text) : -1;
    if (inferred >= 0)
        return inferred;
    if (!s || s->kind != SYM_DIM)
        diag_fail(ctx, d->loc, "'%s' needs a dimension: a declared dimension name or a number",
                  what);
    return s->index;
}

/* vector(c), matrix(c): c broadcast to a shape inferred from the context;
 * vector(c, d) and matrix(c, d1, d2) say the size (the output writes them
 * where nothing else fixes it: sum(matrix(c, m, n)), kron(eye(2), vector(1, 3)')). */
static nd_node *elab_filled(elab *e, const ast *a, int matrix)
{
    nd_ctx *ctx = e->ctx;
    int sized = matrix ? 3 : 2;
    if (a->nkids != 1 && a->nkids != sized)
        diag_fail(ctx, a->op_loc, "'%s' takes 1 argument (its size inferred) or %d (the scalar "
                  "and %s), got %d", a->text, sized, matrix ? "the rows and columns" : "the length",
                  a->nkids);
    nd_node *c = elab_expr(e, a->kids[0]);
    if (!expr_is_scalar(ctx, c))
        shape_fail(ctx, a->kids[0]->loc, "'%s' fills with a scalar, but %s is %s", a->text,
                   text_of(e, a->kids[0]), shape_str(ctx, c->shape));
    if (a->nkids == sized) {    /* its size said: no hint, nothing to infer */
        nd_dim r = size_arg(e, a->kids[1], a->text);
        return mk_bcast(ctx, c, shape_make(r, matrix ? size_arg(e, a->kids[2], a->text) : DIM_ONE));
    }
    nd_shape shape = shape_make(DIM_ONE, DIM_ONE);
    if (!e->second)
        shape = shape_make(dim_fresh(ctx, NULL), matrix ? dim_fresh(ctx, NULL) : DIM_ONE);
    if (e->hints)
        shape = hinted_shape(e, &e->hints->fills, &e->hints->used_fills, shape, a);
    return mk_bcast(ctx, c, shape);
}

static nd_node *elab_eye(elab *e, const ast *a)
{
    nd_ctx *ctx = e->ctx;
    check_arity(e, a, 1);
    nd_dim d = size_arg(e, a->kids[0], "eye");
    return d == DIM_ONE ? mk_int(ctx, 1) : expr_eye(ctx, d);
}

/* Silent pitfalls of a call, as warnings (the value is what was written):
 * mean of a scalar divides by nothing (NumPy's mean(sum(...)) habit), and
 * softmax of a product ending in a transpose (Q*K', X*W': rows are the
 * examples) is most likely meant row-wise, while softmax is column-wise. */
static void warn_call(elab *e, const ast *a, enum nd_op op, nd_node *const *args)
{
    nd_ctx *ctx = e->ctx;
    nd_node *x = args[0];
    const ast *k = a->kids[0];
    if (op == OP_MEAN && a->nkids == 1 && expr_is_scalar(ctx, x)) {
        int of_sum = k->kind == AST_CALL && !strcmp(k->text, "sum") && k->nkids == 1;
        diag_warning(ctx, a->op_loc,
                    "mean of a scalar is that scalar: this is %s, divided by nothing; did you "
                    "mean %s%s%s?", text_of(e, k), of_sum ? "mean(" : "the mean of the entries",
                    of_sum ? text_of(e, k->kids[0]) : "", of_sum ? ")" : "");
    }
    if ((op != OP_SOFTMAX && op != OP_LOGSOFTMAX) || a->nkids != 1 || x->op != OP_PROD ||
        shape_is_col(ctx, x->shape) || shape_is_row(ctx, x->shape) || expr_is_scalar(ctx, x))
        return;
    nd_node *last = x->kid[x->nkids - 1];
    if (last->op == OP_TRANSPOSE && !expr_is_scalar(ctx, last))
        diag_warning(ctx, a->op_loc,
                    "%s is column-wise: each column of %s sums to one; if each row should "
                    "(NumPy's axis=-1, as in attention), write %s(%s, 2)",
                    a->text, text_of(e, k), a->text, text_of(e, k));
}

/* clip(x, a, b) = min(max(x, a), b): a and b scalars or of x's shape. */
static nd_node *elab_clip(elab *e, const ast *a)
{
    nd_ctx *ctx = e->ctx;
    check_arity(e, a, 3);
    nd_node *args[2];
    nd_loc locs[2];
    args[0] = elab_expr(e, a->kids[0]);
    locs[0] = a->kids[0]->loc;
    for (int i = 1; i < 3; i++) {
        args[1] = elab_expr(e, a->kids[i]);
        locs[1] = a->kids[i]->loc;
        call_site cs = { i == 1 ? "max" : "min", a->loc, 2, args, locs };
        args[0] = ops_table[OP_MAX].build(ctx, i == 1 ? OP_MAX : OP_MIN, &cs);
        locs[0] = a->loc;
    }
    return args[0];
}

/* ---- indexing and blocks ---------------------------------------------- */

/* Index arithmetic stays far from overflow: past this it is out of range.
 * It fits a 32-bit long (WebAssembly's), as the values it bounds do. */
#define INDEX_LIMIT (2 * ND_MAX_DIM)

/* An index: an integer constant, or `end` (the size) in + - * arithmetic;
 * end < 0 when the size is symbolic, and then `end` is refused, as the
 * block's place or size would depend on it (n - 1 is not a dimension). */
static long index_value(elab *e, const ast *a, long end, const char *dim)
{
    nd_ctx *ctx = e->ctx;
    switch (a->kind) {
    case AST_NUM: {
        mpq_t q;
        mpq_init(q);
        const char *err = num_parse(q, a->text);
        int ok = !err && num_is_int(q) && mpz_cmpabs_ui(mpq_numref(q), INDEX_LIMIT) <= 0;
        long v = ok ? mpz_get_si(mpq_numref(q)) : 0;
        int integer = !err && num_is_int(q);
        mpq_clear(q);
        if (!integer)
            diag_fail(ctx, a->loc, "an index must be an integer, not '%s'", a->text);
        if (!ok)
            diag_fail(ctx, a->loc, "the index %s is out of range", a->text);
        return v;
    }
    case AST_NAME:
        if (strcmp(a->text, "end") != 0)
            diag_fail(ctx, a->loc, "an index must be an integer constant or 'end' arithmetic "
                     "(x(2), x(end-1)), not '%s'", a->text);
        if (end < 0)
            diag_fail(ctx, a->loc, "'end' needs a numeric size, but this dimension is '%s': "
                     "the block would depend on it (%s-1 is not a dimension); declare a "
                     "number", dim, dim);
        return end;
    case AST_NEG:
    case AST_POS: {
        long v = index_value(e, a->kids[0], end, dim);
        return a->kind == AST_NEG ? -v : v;
    }
    case AST_BINARY:
        if (a->op == BIN_ADD || a->op == BIN_SUB || a->op == BIN_MUL) {
            long l = index_value(e, a->kids[0], end, dim), r = index_value(e, a->kids[1], end, dim);
            /* |l|, |r| <= INDEX_LIMIT: in a double, a sum is exact and a product
             * past the limit stays past it; a long may be 32 bits */
            double v = a->op == BIN_ADD ? (double)l + (double)r
                       : a->op == BIN_SUB ? (double)l - (double)r : (double)l * (double)r;
            if (v > INDEX_LIMIT || v < -INDEX_LIMIT)
                diag_fail(ctx, a->loc, "the index '%s' is out of range", text_of(e, a));
            return (long)v;
        }
        break;
    default:
        break;
    }
    diag_fail(ctx, a->loc, "an index must be an integer constant or 'end' arithmetic (x(2), "
             "x(2:end), x(end-1)), not '%s'", text_of(e, a));
}

/* One index argument over a dimension of x: ':' (all of it), lo:hi or i,
 * 1-based and inside the size, as the 0-based offset and the extent. */
static void index_axis(elab *e, const ast *arg, nd_dim d, const char *what, const char *xname,
                       long *off, nd_dim *ext)
{
    nd_ctx *ctx = e->ctx;
    *off = 0;
    *ext = d;
    if (arg->kind == AST_COLON)
        return;
    long size = dim_value(ctx, d);
    const char *dn = dim_name(ctx, d);
    int range = arg->kind == AST_RANGE;
    long lo = index_value(e, range ? arg->kids[0] : arg, size > 0 ? size : -1, dn);
    long hi = range ? index_value(e, arg->kids[1], size > 0 ? size : -1, dn) : lo;
    const ast *at = range && (hi < 1 || (size > 0 && hi > size)) ? arg->kids[1]
                    : range ? arg->kids[0] : arg;
    long bad = at == arg || at == arg->kids[0] ? lo : hi;
    if (lo == 0 || hi == 0)
        diag_fail(ctx, lo == 0 ? (range ? arg->kids[0]->loc : arg->loc) : arg->kids[1]->loc,
                 "index 0: indices start at 1 (MATLAB style: %s(1) is the first entry)", xname);
    if (lo < 1 || hi < 1 || (size > 0 && (lo > size || hi > size))) {
        if (size > 0)
            diag_fail(ctx, at->loc, "index %ld is out of range: %s has %ld %s (1 to %ld)", bad,
                     xname, size, what, size);
        diag_fail(ctx, at->loc, "index %ld is out of range: indices start at 1", bad);
    }
    if (size <= 0)
        diag_fail(ctx, arg->loc, "indexing needs a numeric size, but %s has '%s' %s: declare a "
                 "number (a symbolic size cannot be checked against the index)", xname, dn,
                 what);
    if (hi < lo)
        diag_fail(ctx, arg->loc, "the range %ld:%ld is empty", lo, hi);
    *off = lo - 1;
    *ext = dim_const(ctx, hi - lo + 1);
}

/* x(i), x(lo:hi), X(i, j), X(:, j), X(lo:hi, :): the block of x.  One index
 * is for a vector (or a scalar): along its length. */
static nd_node *index_block(elab *e, const ast *a, nd_node *x, const char *xname,
                            const ast *const *args, int nargs)
{
    nd_ctx *ctx = e->ctx;
    nd_shape s = x->shape;
    long r0 = 0, c0 = 0;
    nd_dim nr = s.rows, nc = s.cols;
    if (nargs == 1) {
        int row = dim_is_one(ctx, s.rows) && !dim_is_one(ctx, s.cols);
        if (!row && !dim_is_one(ctx, s.cols))
            shape_fail(ctx, a->loc, "%s is %s: a matrix takes two indices, %s(i, j), %s(:, j) "
                       "or %s(i, :)", xname, shape_str(ctx, s), xname, xname, xname);
        if (row)
            index_axis(e, args[0], s.cols, "columns", xname, &c0, &nc);
        else
            index_axis(e, args[0], s.rows, "entries", xname, &r0, &nr);
    } else if (nargs == 2) {
        index_axis(e, args[0], s.rows, "rows", xname, &r0, &nr);
        index_axis(e, args[1], s.cols, "columns", xname, &c0, &nc);
    } else {
        diag_fail(ctx, a->loc, "%s takes one index (a vector) or two (a matrix), not %d", xname,
                 nargs);
    }
    return mk_index(ctx, x, r0, c0, shape_make(nr, nc));
}

/* Is name(args) indexing?  When name is a variable or a binding and not a
 * function (a variable called tanh does not hide tanh(x), as before). */
static int is_index_call(elab *e, const ast *a)
{
    struct nd_sym *sym = scope_lookup(e->ctx, a->text);
    if (!sym || (sym->kind != SYM_VAR && sym->kind != SYM_BIND))
        return 0;
    if (ops_lookup_call(a->text, a->nkids) >= 0)
        return 0;
    for (size_t i = 0; i < sizeof special_forms / sizeof *special_forms; i++)
        if (!strcmp(a->text, special_forms[i]))
            return 0;
    return 1;
}

/* name(args) of a variable or a binding: indexing. */
static nd_node *elab_index_name(elab *e, const ast *a)
{
    ast name = *a;
    name.kind = AST_NAME;
    name.loc = a->op_loc;
    name.nkids = 0;
    name.kids = NULL;
    nd_node *x = elab_name(e, &name);
    return index_block(e, a, x, a->text, (const ast *const *)a->kids, a->nkids);
}

/* (expr)(args), eye(n)(args), [a; b](args) */
static nd_node *elab_index(elab *e, const ast *a)
{
    nd_node *x = elab_expr(e, a->kids[0]);
    return index_block(e, a, x, text_of(e, a->kids[0]), (const ast *const *)a->kids + 1,
                       a->nkids - 1);
}

/* The parts of [a, b] (vertical 0) or [a; b] (1): sizes along the other
 * dimension unified, along the stacking one numbers (their sum is the
 * result's; n + 1 is not a dimension). */
static nd_node *cat_pair(elab *e, const ast *whole, const ast *pa, const ast *pb, nd_node *l,
                         nd_node *r, int vertical)
{
    nd_ctx *ctx = e->ctx;
    const char *form = vertical ? "[a; b]" : "[A, B]";
    nd_dim lo = vertical ? l->shape.cols : l->shape.rows, ro = vertical ? r->shape.cols
                                                                         : r->shape.rows;
    if (!dim_unify(ctx, lo, ro))
        shape_fail(ctx, pb->loc, "the parts of %s need as many %s: %s is %s, %s is %s", form,
                   vertical ? "columns" : "rows", text_of(e, pa), shape_str(ctx, l->shape),
                   text_of(e, pb), shape_str(ctx, r->shape));
    const ast *parts[2] = { pa, pb };
    nd_node *nodes[2] = { l, r };
    for (int i = 0; i < 2; i++) {
        nd_dim d = vertical ? nodes[i]->shape.rows : nodes[i]->shape.cols;
        if (dim_value(ctx, d) <= 0)
            shape_fail(ctx, parts[i]->loc, "%s needs numeric sizes: %s has '%s' %s (the "
                       "stack's size would be a sum of dimensions, which nnderive cannot "
                       "express); declare a number", form, text_of(e, parts[i]),
                       dim_name(ctx, d), vertical ? "rows" : "columns");
    }
    if (dim_value(ctx, vertical ? l->shape.rows : l->shape.cols) +
            dim_value(ctx, vertical ? r->shape.rows : r->shape.cols) > ND_MAX_DIM)
        shape_fail(ctx, whole->loc, "%s is too large (the limit is %ld)", form, ND_MAX_DIM);
    return vertical ? mk_vcat(ctx, l, r) : mk_hcat(ctx, l, r);
}

/* [a, b; c, d]: each row side by side, then the rows stacked. */
static nd_node *elab_cat(elab *e, const ast *a)
{
    int vertical = a->kind == AST_VCAT;
    nd_node *acc = elab_expr(e, a->kids[0]);
    for (int i = 1; i < a->nkids; i++)
        acc = cat_pair(e, a, a->kids[i - 1], a->kids[i], acc, elab_expr(e, a->kids[i]),
                       vertical);
    return acc;
}

/* ':' and lo:hi outside an index. */
static _Noreturn void misplaced_range(elab *e, const ast *a)
{
    diag_fail(e->ctx, a->loc, "'%s' selects a block: it is only an index (x(2:5), X(:, j))",
             text_of(e, a));
}

/* ---- functions of the program ------------------------------------------
 * NAME(PARAMS) = BODY is a macro with types: each call elaborates BODY
 * afresh with the parameters bound to the call's arguments, so the shapes
 * unify per call and the DAG holds the inlined forms (the derivation never
 * sees a call).  The limits bound what inlining can cost: nested calls
 * whose bodies are deeper than one expression may be, and programs whose
 * calls expand to more nodes than a program may have. */

#define FUNC_MAX_EXPANDED 4000000L

static long ast_size(const ast *a)
{
    long n = 1;
    for (int i = 0; i < a->nkids; i++)
        n += ast_size(a->kids[i]);
    return n;
}

static int loc_before(nd_loc a, nd_loc b)
{
    return a.first_line < b.first_line ||
           (a.first_line == b.first_line && a.first_column < b.first_column);
}

static _Noreturn void fail_at_def(nd_ctx *ctx, nd_loc loc, const nd_func *f, const char *msg)
{
    diag_error(ctx, loc, "%s", msg);
    diag_note(ctx, f->def->loc, "'%s' is defined here", f->name);
    diag_throw(ctx);
}

/* NAME(PARAMS) = BODY: the name is new and no operator's, the parameters
 * distinct names.  Defined before the statements run, so that a use before
 * the definition is reported as one. */
static void define_function(elab *e, const ast_stmt *st)
{
    nd_ctx *ctx = e->ctx;
    const ast *head = st->head;
    struct nd_sym *s = scope_lookup(ctx, head->text);
    if (ops_lookup(head->text) >= 0 || !strcmp(head->text, "vector") ||
        !strcmp(head->text, "matrix") || !strcmp(head->text, "eye") ||
        !strcmp(head->text, "clip"))
        diag_fail(ctx, head->op_loc, "'%s' is a built-in function and cannot be redefined",
                 head->text);
    if (s) {
        nd_loc at = s->kind == SYM_VAR ? ctx->scope->vars[s->index].loc
                  : s->kind == SYM_BIND ? ctx->scope->binds[s->index].loc
                  : s->kind == SYM_FUNC ? ctx->scope->funcs[s->index].def->loc : head->op_loc;
        diag_error(ctx, head->op_loc, "'%s' is already %s", head->text,
                  s->kind == SYM_VAR ? "a variable" : s->kind == SYM_BIND ? "an assigned name"
                  : s->kind == SYM_FUNC ? "a function" : "a dimension name");
        if (s->kind != SYM_DIM)
            diag_note(ctx, at, "'%s' is %s here", head->text,
                     s->kind == SYM_VAR ? (ctx->scope->vars[s->index].declared ? "declared"
                                                                        : "first used")
                     : s->kind == SYM_BIND ? "assigned" : "defined");
        diag_throw(ctx);
    }
    for (int i = 0; i < head->nkids; i++) {
        const ast *p = head->kids[i];
        if (p->kind != AST_NAME)
            diag_fail(ctx, p->loc, "a parameter of '%s' must be a name, not '%s'", head->text,
                     text_of(e, p));
        for (int j = 0; j < i; j++)
            if (!strcmp(head->kids[j]->text, p->text))
                diag_fail(ctx, p->loc, "the parameter '%s' of '%s' appears twice", p->text,
                         head->text);
    }
    int i = ctx->scope->n_funcs;
    ctx->scope->funcs = xgrow(ctx->scope->funcs, &ctx->scope->cap_funcs, i + 1, sizeof *ctx->scope->funcs);
    ctx->scope->funcs[i].name = arena_strdup(ctx->arena, head->text);
    ctx->scope->funcs[i].def = st;
    ctx->scope->funcs[i].size = ast_size(st->expr);
    ctx->scope->n_funcs++;
    scope_define(ctx, head->text, SYM_FUNC, i);
}

/* The call's place in the program: after the definition, and not inside
 * it (no recursion).  An answer's calls come after the whole program. */
static void check_call_place(elab *e, const ast *a, const nd_func *f)
{
    nd_ctx *ctx = e->ctx;
    nd_loc d = f->def->loc;
    char msg[160];
    if (a->loc.src != d.src)
        return;
    if (loc_before(a->loc, d)) {
        snprintf(msg, sizeof msg, "'%s' is called before its definition", f->name);
        fail_at_def(ctx, a->op_loc, f, msg);
    }
    nd_loc end = { d.last_line, d.last_column, d.last_line, d.last_column, d.src };
    if (!loc_before(end, a->loc)) {
        snprintf(msg, sizeof msg, "'%s' calls itself: recursion is not supported", f->name);
        fail_at_def(ctx, a->op_loc, f, msg);
    }
}

static nd_node *elab_fcall(elab *e, const ast *a, nd_func *f)
{
    nd_ctx *ctx = e->ctx;
    const ast *head = f->def->head, *body = f->def->expr;
    check_call_place(e, a, f);
    if (a->nkids != head->nkids) {
        char msg[200];
        snprintf(msg, sizeof msg, "'%s' takes %d argument%s (%s), got %d", f->name,
                 head->nkids, head->nkids == 1 ? "" : "s", diag_text(ctx, head->loc),
                 a->nkids);
        fail_at_def(ctx, a->op_loc, f, msg);
    }
    nd_node **args = arena_alloc(ctx->arena, ((size_t)a->nkids + 1) * sizeof *args);
    for (int i = 0; i < a->nkids; i++)
        args[i] = elab_expr(e, a->kids[i]);
    e->expanded += f->size;
    if (e->expanded > FUNC_MAX_EXPANDED)
        diag_fail(ctx, a->op_loc, "the function calls expand to more than %ld expression "
                 "nodes", FUNC_MAX_EXPANDED);
    if (e->call_depth + body->depth > AST_MAX_DEPTH)
        diag_fail(ctx, a->op_loc, "function calls nested too deeply (their bodies nest more "
                 "than %d levels)", AST_MAX_DEPTH);
    call_frame frame = { f, args };
    const call_frame *up = e->frame;
    if (!up)
        e->call_loc = a->loc;
    e->frame = &frame;
    e->call_depth += body->depth;
    int quiet = ctx->err->quiet;
    if (f->calls++)         /* the body warned at its first call */
        ctx->err->quiet = 1;
    nd_node *volatile r = NULL;
    DIAG_TRY(ctx, jb) {
        r = elab_expr(e, body);
    }
    DIAG_END_TRY(ctx, jb);
    e->frame = up;
    e->call_depth -= body->depth;
    ctx->err->quiet = quiet;
    if (!r) {               /* the error is in the body: say which call */
        diag_note(ctx, a->loc, "in the call of %s at %d:%d", f->name, a->loc.first_line,
                 a->loc.first_column);
        diag_throw(ctx);
    }
    return r;
}

static nd_node *elab_call(elab *e, const ast *a)
{
    nd_ctx *ctx = e->ctx;
    struct nd_sym *fs = scope_lookup(ctx, a->text);
    if (fs && fs->kind == SYM_FUNC)
        return elab_fcall(e, a, &ctx->scope->funcs[fs->index]);
    if (is_index_call(e, a))
        return elab_index_name(e, a);
    for (int i = 0; i < a->nkids; i++)
        if (a->kids[i]->kind == AST_COLON || a->kids[i]->kind == AST_RANGE)
            misplaced_range(e, a->kids[i]);
    if (!strcmp(a->text, "vector") || !strcmp(a->text, "matrix"))
        return elab_filled(e, a, a->text[0] == 'm');
    if (!strcmp(a->text, "eye"))
        return elab_eye(e, a);
    if (!strcmp(a->text, "clip"))
        return elab_clip(e, a);
    int op = ops_lookup_call(a->text, a->nkids);
    if (op < 0)
        unknown_function(e, a);
    const nd_opinfo *o = &ops_table[op];
    if (!(ops_takes_axis(op) && a->nkids == 2))
        check_arity(e, a, o->nargs);
    nd_node *args[4];
    nd_loc locs[4];
    for (int i = 0; i < a->nkids; i++) {
        args[i] = elab_expr(e, a->kids[i]);
        locs[i] = a->kids[i]->loc;
    }
    call_site cs = { a->text, a->loc, a->nkids, args, locs };
    warn_call(e, a, (enum nd_op)op, args);
    if (o->build)
        return o->build(ctx, (enum nd_op)op, &cs);
    return mk_call(ctx, (enum nd_op)op, args, a->nkids);
}

/* A constant that does not fold exactly (log(2), 0^-1) is evaluated once
 * in MPFR, so that a division by zero or a value outside a function's
 * domain is an error at its place rather than `vector(1/0)` or `1.0/0.0`
 * in the output.  An overflow is not an error: the value is merely huge.
 * The first pass does it (the second builds the same constants). */
static void check_number(elab *e, const ast *a, nd_node *n)
{
    nd_ctx *ctx = e->ctx;
    if (e->second || !e->hints)
        return;
    if (!e->hints->numbers)
        e->hints->numbers = eval_new(ctx, 64);
    nd_evalenv *env = e->hints->numbers;
    mpfr_clear_flags();
    if (eval_node(env, n) == EV_OK)
        return;
    const nd_node *f = env->failed;
    if (f && f->op == OP_EPOW && mpfr_zero_p(env->vals[f->kid[0]->id].a[0]))
        diag_fail(ctx, a->loc, "division by zero in '%s'", text_of(e, a));
    if (mpfr_overflow_p() && !mpfr_nanflag_p() && !mpfr_divby0_p())
        return;
    diag_fail(ctx, a->loc, "'%s' is undefined: it is outside the domain of '%s'", text_of(e, a),
             f ? ops_table[f->op].name : "?");
}

static nd_node *elab_expr_kind(elab *e, const ast *a);

/* prog->origin[n] = loc, unless n has one. */
static void record_origin(nd_prog *p, const nd_node *n, nd_loc loc)
{
    if (n->id >= p->n_origin) {
        uint32_t cap = p->n_origin ? p->n_origin : 256;
        while (cap <= n->id)
            cap *= 2;
        p->origin = xrealloc(p->origin, cap * sizeof *p->origin);
        memset(p->origin + p->n_origin, 0, (cap - p->n_origin) * sizeof *p->origin);
        p->n_origin = cap;
    }
    if (!p->origin[n->id].src)
        p->origin[n->id] = loc;
}

static nd_node *elab_expr(elab *e, const ast *a)
{
    nd_node *n = elab_expr_kind(e, a);
    if ((n->flags & NF_NUMERIC) && n->op != OP_CONST)
        check_number(e, a, n);
    if (e->origins)
        record_origin(e->origins, n, a->loc);
    return n;
}

static nd_node *elab_expr_kind(elab *e, const ast *a)
{
    switch (a->kind) {
    case AST_NUM:
        return elab_num(e, a);
    case AST_NAME:
        return elab_name(e, a);
    case AST_CALL:
        return elab_call(e, a);
    case AST_BINARY:
        return elab_binary(e, a);
    case AST_NEG:
        return mk_neg(e->ctx, elab_expr(e, a->kids[0]));
    case AST_POS:
        return elab_expr(e, a->kids[0]);
    case AST_TRANSPOSE:
        return mk_transpose(e->ctx, elab_expr(e, a->kids[0]));    case AST_INDEX:
        return elab_index(e, a);
    case AST_VCAT:
    case AST_HCAT:
        return elab_cat(e, a);
    case AST_COLON:
    case AST_RANGE:
        misplaced_range(e, a);
    }
    abort();
}

/* ---- statements -------------------------------------------------------- */

static void predeclare_binding(elab *e, const ast_name *nm)
{
    nd_ctx *ctx = e->ctx;
    struct nd_sym *s = scope_lookup(ctx, nm->name);
    if (s && s->kind == SYM_BIND) {
        diag_error(ctx, nm->loc, "'%s' is assigned twice", nm->name);
        diag_note(ctx, ctx->scope->binds[s->index].loc, "first assigned here");
        diag_throw(ctx);
    }
    if (s && s->kind == SYM_VAR) {
        diag_error(ctx, nm->loc, "'%s' is a declared variable and cannot be assigned", nm->name);
        diag_note(ctx, ctx->scope->vars[s->index].loc, "declared here");
        diag_throw(ctx);
    }
    if (s && s->kind == SYM_DIM)
        diag_fail(ctx, nm->loc, "'%s' is a dimension and cannot be assigned", nm->name);
    if (s && s->kind == SYM_FUNC) {
        diag_error(ctx, nm->loc, "'%s' is a function and cannot be assigned", nm->name);
        diag_note(ctx, ctx->scope->funcs[s->index].def->loc, "'%s' is defined here", nm->name);
        diag_throw(ctx);
    }
    scope_define(ctx, nm->name, SYM_BIND, scope_add_binding(ctx, nm->name, nm->loc));
}

static void bind(elab *e, int b, nd_node *value)
{
    e->ctx->scope->binds[b].node = value;
    if (value->op != OP_VAR && value->op != OP_CONST && value->op != OP_DIMVAL &&
        value->op != OP_EYE)
        value->flags |= NF_NAMED;
}

static const char *const objective_name = "f";

/* The statements other than declarations, in order. */
static int run_statements(elab *e, const ast_program *p)
{
    nd_ctx *ctx = e->ctx;
    int last = -1;
    for (const ast_stmt *st = p->first; st; st = st->next) {
        if (st->kind == ST_ASSIGN) {
            struct nd_sym *s = scope_lookup(ctx, st->names.v[0].name);
            int b = s->index;   /* elaboration may grow the symbol table under s */
            bind(e, b, elab_expr(e, st->expr));
            last = b;
        } else if (st->kind == ST_EXPR) {
            if (st->next)
                diag_fail(ctx, st->loc, "an expression on its own must be the last statement "
                                       "(assign it to a name to use it)");
            if (scope_lookup(ctx, objective_name))
                diag_fail(ctx, st->loc, "the final expression would be named 'f', which is "
                                       "already taken; assign it to a name instead");
            nd_loc loc = st->loc;
            int b = scope_add_binding(ctx, objective_name, loc);
            scope_define(ctx, objective_name, SYM_BIND, b);
            bind(e, b, elab_expr(e, st->expr));
            last = b;
        }
    }
    return last;
}

static nd_loc end_of_source(nd_ctx *ctx)
{
    nd_loc loc = { 1, 1, 1, 1, ctx->src };
    const char *t = ctx->src->text;
    for (size_t i = 0; i < ctx->src->len; i++)
        if (t[i] == '\n' && i + 1 < ctx->src->len)
            loc.first_line++;
    loc.last_line = loc.first_line;
    return loc;
}

static int choose_objective(nd_ctx *ctx, const elab_opts *opts, int last)
{
    if (opts && opts->of) {
        struct nd_sym *s = scope_lookup(ctx, opts->of);
        nd_loc none = { 0, 0, 0, 0, NULL };
        if (!s)
            diag_fail(ctx, none, "--of %s: the program has no name '%s'", opts->of, opts->of);
        if (s->kind != SYM_BIND)
            diag_fail(ctx, none, "--of %s: '%s' is a %s; --of needs an assigned name", opts->of,
                     opts->of, s->kind == SYM_VAR ? "variable"
                               : s->kind == SYM_FUNC ? "function" : "dimension");
        return s->index;
    }
    if (last < 0) {
        nd_loc start = { 1, 1, 1, 1, ctx->src };
        if (!ctx->src->len || ctx->scope->n_vars == 0)
            diag_fail(ctx, start, "empty program: nothing to differentiate");
        diag_fail(ctx, end_of_source(ctx),
                 "no objective: the program has no assignment and no final expression");
    }
    return last;
}

static int wrt_var(nd_ctx *ctx, const char *name, nd_loc loc)
{
    struct nd_sym *s = scope_lookup(ctx, name);
    if (!s)
        diag_fail(ctx, loc, "wrt %s: the program has no variable '%s'", name, name);
    if (s->kind == SYM_BIND) {
        diag_error(ctx, loc, "wrt %s: '%s' is not a variable", name, name);
        diag_note(ctx, ctx->scope->binds[s->index].loc, "'%s' is assigned here", name);
        diag_throw(ctx);
    }
    if (s->kind == SYM_DIM)
        diag_fail(ctx, loc, "wrt %s: '%s' is a dimension, not a variable", name, name);
    if (s->kind == SYM_FUNC)
        diag_fail(ctx, loc, "wrt %s: '%s' is a function, not a variable", name, name);
    if (ctx->scope->vars[s->index].assume == AS_MASK) {
        diag_error(ctx, loc, "wrt %s: '%s' is a mask (its entries are 0 or 1), which has no "
                  "gradient", name, name);
        diag_note(ctx, ctx->scope->vars[s->index].loc, "'%s' is declared here", name);
        diag_throw(ctx);
    }
    return s->index;
}

/* Appends v unless chosen already: wrt has room for every variable, and
 * chosen (in the arena: a wrt error unwinds past it) marks them. */
static void add_wrt(nd_prog *p, int v, unsigned char *chosen)
{
    if (!chosen[v]) {
        chosen[v] = 1;
        p->wrt[p->n_wrt++] = v;
    }
}

static void choose_wrt(nd_ctx *ctx, const elab_opts *opts, nd_prog *p)
{
    nd_loc none = { 0, 0, 0, 0, NULL };
    unsigned char *chosen = arena_alloc(ctx->arena, (size_t)ctx->scope->n_vars + 1);
    free(p->wrt);
    p->wrt = xmalloc(((size_t)ctx->scope->n_vars + 1) * sizeof *p->wrt);
    p->n_wrt = 0;
    if (opts && opts->wrt) {
        for (int i = 0; i < opts->n_wrt; i++)
            add_wrt(p, wrt_var(ctx, opts->wrt[i], none), chosen);
        return;
    }
    for (const ast_stmt *st = p->ast.first; st; st = st->next)
        if (st->kind == ST_WRT)
            for (int i = 0; i < st->names.n; i++)
                add_wrt(p, wrt_var(ctx, st->names.v[i].name, st->names.v[i].loc), chosen);
    if (p->n_wrt)
        return;
    unsigned char *mark = arena_alloc(ctx->arena, ctx->dag->n_nodes);  /* what f depends on */
    expr_reach(ctx, &ctx->scope->binds[p->objective].node, 1, mark);
    for (int pass = 0; pass < 2; pass++)
        for (int v = 0; v < ctx->scope->n_vars; v++)
            if (ctx->scope->vars[v].declared == !pass && mark[ctx->scope->vars[v].node->id] &&
                ctx->scope->vars[v].assume != AS_MASK)     /* data, not a parameter */
                add_wrt(p, v, chosen);
}

/* One pass over the program (see "two passes" above). */
static void elab_pass(nd_ctx *ctx, const elab_opts *opts, nd_prog *p, elab_hints *h, int second)
{
    elab e = { .ctx = ctx, .infer = 1,
               .split = opts && opts->n_split ? sorted_names(ctx, opts->split, opts->n_split)
                                              : NULL,
               .n_split = opts ? opts->n_split : 0, .hints = h, .second = second,
               .origins = opts && opts->origins ? p : NULL };
    if (p->n_origin)        /* a second pass numbers the nodes anew */
        memset(p->origin, 0, p->n_origin * sizeof *p->origin);
    for (const ast_stmt *st = p->ast.first; st; st = st->next)
        if (st->kind == ST_DECL)
            declare(&e, st);
    for (const ast_stmt *st = p->ast.first; st; st = st->next)
        if (st->kind == ST_ASSIGN)
            predeclare_binding(&e, &st->names.v[0]);
        else if (st->kind == ST_FUNC)
            define_function(&e, st);
    int last = run_statements(&e, &p->ast);
    p->objective = choose_objective(ctx, opts, last);
    if (!e.n_split)
        choose_wrt(ctx, opts, p);
}

void elab_program(nd_ctx *ctx, ast_program *tree, const elab_opts *opts, nd_prog *p)
{
    memset(p, 0, sizeof *p);
    p->ast = *tree;
    memset(tree, 0, sizeof *tree);
    ctx->err->shape_notes = shape_notes;
    size_t diag_len = ctx->err->diag.len;
    elab_hints *h = xmalloc(sizeof *h);
    memset(h, 0, sizeof *h);
    volatile int again = 0;
    DIAG_TRY(ctx, jb) {
        elab_pass(ctx, opts, p, h, 0);
        again = ctx->dimtab->dim_links > 0;
        if (again)
            hints_finish(ctx, h);
    }
    DIAG_END_TRY(ctx, jb);
    if (ctx->err->err_kind == ERR_NONE && again) {
        free(p->wrt);
        p->wrt = NULL;
        p->n_wrt = 0;
        run_reset(ctx, diag_len);
        DIAG_TRY(ctx, jb2) {
            elab_pass(ctx, opts, p, h, 1);
        }
        DIAG_END_TRY(ctx, jb2);
    }
    hints_free(h);
    if (ctx->err->err_kind != ERR_NONE)
        diag_throw(ctx);
}

void prog_free(nd_prog *p)
{
    program_free(&p->ast);
    free(p->wrt);
    free(p->origin);
    p->wrt = NULL;
    p->origin = NULL;
    p->n_origin = 0;
}

/* The program's dimensions as they are, to come back to after an
 * answer's first pass. */
typedef struct dim_snapshot {
    dim_saved dims;         /* shape.c's records */
    uint32_t n_nodes;       /* the nodes made after it are unlisted */
} dim_snapshot;

static void dims_save(nd_ctx *ctx, dim_snapshot *d)
{
    dim_save(ctx, &d->dims);
    d->n_nodes = ctx->dag->n_nodes;
}

static void dims_restore(nd_ctx *ctx, const dim_snapshot *d)
{
    dim_restore(ctx, &d->dims);
    expr_unlist_from(ctx, d->n_nodes);
}

/* Whether d is a dimension the answer being elaborated made (at or past
 * dims_frozen: a fill's, as in matrix(c)) and nothing fixed: no number,
 * none of the program's dimensions. */
static int dim_is_open(nd_ctx *ctx, nd_dim d)
{
    nd_dim r = dim_find(ctx, d);
    return r != DIM_ONE && r >= ctx->dimtab->dims_frozen && ctx->dimtab->dims[r].value <= 0;
}

/* The error at a fill whose size nothing fixes, with the size asked for
 * in the answer's notation (a text too long to quote is "this fill", "c"). */
static _Noreturn void fill_open_fail(nd_ctx *ctx, const ast *at)
{
    if (at->loc.src && at->loc.src->origin)     /* a LaTeX answer */
        diag_fail(ctx, at->loc, "the size of `%s` is not clear: nothing in the answer fixes "
                  "it; write its size as a subscript (\\mathbf{1}_{n}, I_{n}: n a dimension "
                  "of the program or a number)", diag_text(ctx, diag_origin(at->loc)));
    const char *fill = diag_text(ctx, at->loc), *c = diag_text(ctx, at->kids[0]->loc);
    int whole = strcmp(fill, "the expression") != 0, quoted = strcmp(c, "the expression") != 0;
    int matrix = !strcmp(at->text, "matrix");
    diag_fail(ctx, at->loc, "the size of %s%s%s is not clear: nothing in the answer fixes it; "
              "write its size in it, as in %s(%s, %s) (%s of the program or %s)",
              whole ? "'" : "", whole ? fill : "this fill", whole ? "'" : "", at->text,
              quoted ? c : "c", matrix ? "m, n" : "n", matrix ? "m, n dimensions" : "n a dimension",
              matrix ? "numbers" : "a number");
}

/* After an answer's first pass: a fill whose size is still open is an
 * error at the fill.  Its value would depend on a size nobody chose
 * (sum(vector(1)), vector(1)'*vector(1)), and any verdict on it, or size
 * in a message, would be the evaluator's guess.  Without a target (a
 * helper line t = EXPR) the sizes of the result may stay open: the helper
 * is elaborated again where it is used, and that place fixes them. */
static void fills_fixed(nd_ctx *ctx, const elab_hints *h, nd_shape result, int with_target)
{
    nd_dim keep[2] = { -1, -1 };
    if (!with_target) {
        keep[0] = dim_find(ctx, result.rows);
        keep[1] = dim_find(ctx, result.cols);
    }
    for (int i = 0; i < h->fills.n; i++) {
        const hint_shape *s = &h->fills.v[i];
        nd_dim d[2] = { dim_find(ctx, s->raw.rows), dim_find(ctx, s->raw.cols) };
        for (int k = 0; k < 2; k++)
            if (dim_is_open(ctx, d[k]) && d[k] != keep[0] && d[k] != keep[1])
                fill_open_fail(ctx, s->at);
    }
}

/* An answer's two passes: the first finds the shapes of its fills (and
 * lets them take the target's), the second builds it with them. */
static nd_node *answer_passes(nd_ctx *ctx, const ast *expr, const nd_shape *target,
                              elab_hints *h, const dim_snapshot *snap)
{
    elab e = { .ctx = ctx, .infer = 0, .hints = h };
    nd_node *n = elab_expr(&e, expr);
    int fits = 1;
    if (target)         /* a mismatch is the checker's to report */
        fits = shape_unify(ctx, n->shape, *target);
    if (fits)
        fills_fixed(ctx, h, n->shape, target != NULL);
    if (ctx->dimtab->dim_links == snap->dims.links)
        return n;
    hints_finish(ctx, h);
    dims_restore(ctx, snap);
    e.second = 1;
    return elab_expr(&e, expr);
}

nd_node *elab_answer(nd_ctx *ctx, const ast *expr, const nd_shape *target)
{
    dim_freeze(ctx);
    elab_hints *h = xmalloc(sizeof *h);
    memset(h, 0, sizeof *h);
    dim_snapshot snap;
    dims_save(ctx, &snap);
    nd_node *volatile n = NULL;
    DIAG_TRY(ctx, jb) {
        n = answer_passes(ctx, expr, target, h, &snap);
    }
    DIAG_END_TRY(ctx, jb);
    hints_free(h);
    dim_saved_free(&snap.dims);
    if (!n)
        diag_throw(ctx);
    return n;
}

/* Whether a dimension of shape is the answer's own: made by the answer
 * just elaborated (at or past dims_frozen: a fill's, as in matrix(c)), not
 * a number.  The next answer freezes it: a helper t = matrix(c) would keep
 * sizes that its uses cannot fix. */
static int has_free_dim(nd_ctx *ctx, nd_shape shape)
{
    return dim_is_open(ctx, shape.rows) || dim_is_open(ctx, shape.cols);
}

void elab_answer_binding(nd_ctx *ctx, const char *name, nd_loc loc, const ast *expr)
{
    struct nd_sym *s = scope_lookup(ctx, name);
    if (s)
        diag_fail(ctx, loc, "'%s' is already a name of the program", name);
    nd_node *n = elab_answer(ctx, expr, NULL);
    int b = scope_add_binding(ctx, name, loc);
    ctx->scope->binds[b].node = n;
    if (has_free_dim(ctx, n->shape))
        ctx->scope->binds[b].expr_inline = expr;
    scope_define(ctx, name, SYM_BIND, b);
}
