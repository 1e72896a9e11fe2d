/* reason.c: the diagnosis of a wrong answer (see reason.h).
 *
 * Candidates are made from the answer's text: an edit replaces the text of
 * one subexpression (transposed, negated, dropped, its operands swapped)
 * and the result goes through the parser and elaboration again, so that
 * every claim is about an expression the student could have written, at
 * the place where it is written. */
#include "reason.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "derive.h"
#include "mk.h"
#include "ops.h"
#include "print.h"
#include "scope.h"
#include "shape.h"
#include "simplify.h"

void reason_init(reason *r)
{
    memset(r, 0, sizeof *r);
    sb_init(&r->text);
}

void reason_free(reason *r)
{
    sb_free(&r->text);
    free(r->fix);
    for (int i = 0; i < r->n_pos; i++)
        free(r->pos[i].text);
}

void reason_set(reason *r, const char *kind, const char *fmt, ...)
{
    r->kind = kind;
    for (int i = 0; i < r->n_pos; i++)
        free(r->pos[i].text);
    r->n_pos = 0;
    free(r->fix);
    r->fix = NULL;
    sb_clear(&r->text);
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&r->text, fmt, ap);
    va_end(ap);
}

void reason_fix(reason *r, const char *fmt, ...)
{
    strbuf b;
    sb_init(&b);
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&b, fmt, ap);
    va_end(ap);
    free(r->fix);
    r->fix = xstrdup(sb_str(&b));
    sb_free(&b);
}

void reason_add_pos(reason *r, nd_loc loc, const char *text)
{
    if (r->n_pos < REASON_MAX_POS) {     /* a copy: the text may be another ctx's */
        r->pos[r->n_pos].loc = loc;
        r->pos[r->n_pos++].text = text ? xstrdup(text) : NULL;
    }
}

/* ---- the answer's text ---- */

/* The byte offset of (line, column) in src. */
static size_t offset_of(const nd_source *src, int line, int col)
{
    size_t len;
    const char *l = diag_line(src, line, &len);
    size_t off = (size_t)(l - src->text) + (size_t)(col > 0 ? col - 1 : 0);
    return off < src->len ? off : src->len;
}

static size_t start_of(const nd_source *src, nd_loc loc)
{
    return offset_of(src, loc.first_line, loc.first_column);
}

static size_t end_of(const nd_source *src, nd_loc loc)
{
    size_t e = offset_of(src, loc.last_line, loc.last_column) + 1;
    return e < src->len ? e : src->len;
}

char *reason_answer_text(const nd_source *src, const ast *expr)
{
    size_t from = start_of(src, expr->loc), to = end_of(src, expr->loc);
    char *t = xmalloc(to - from + 1);
    memcpy(t, src->text + from, to - from);
    t[to - from] = '\0';
    return t;
}

typedef struct R {
    const reason_in *in;
    nd_ctx *ctx;
    reason *out;
    cmp_set cmp;            /* where expect (and the answer) are defined */
    printer pr;
    const char *text;       /* the answer's text */
    size_t base;            /* its offset in the source */
    const ast **sub;        /* its subexpressions, smallest first */
    const ast **parent;
    int n_sub;
    uint32_t node_limit;    /* past it the hypotheses stop: see spent() */
} R;

/* Every hypothesis builds nodes (a candidate elaborated, a derivative
 * rederived), and the comparison evaluates each new one at the instances:
 * the nodes made are the work done.  A diagnosis makes at most
 * REASON_NODE_BUDGET of them; past that, the remaining hypotheses find
 * nothing and the reason is the counterexample.  On the examples a whole
 * diagnosis makes a few thousand; down a 5000-layer chain one rederivation
 * makes about 15000, and the 64 of the activation hypotheses alone took 40 s. */
#define REASON_NODE_BUDGET 200000u
/* A derivation with a rule changed keeps no chain open (derive.c): down a
 * chain of n activations it makes O(n^2) nodes, and the budget is looked
 * at only between derivations.  Past this many nodes in the program the
 * activation hypotheses are not tried (a 5000-layer chain: 40 s, 4 GB). */
#define REASON_MAX_REDERIVE 3000u

static int spent(const R *r)
{
    return r->ctx->dag->n_nodes > r->node_limit;
}

/* The text of subexpression a (an arena copy). */
static const char *span(R *r, const ast *a)
{
    const nd_source *src = r->in->src;
    size_t from = start_of(src, a->loc), to = end_of(src, a->loc);
    return arena_strndup(r->ctx->arena, src->text + from, to - from);
}

/* The answer with a's text replaced (malloc'd). */
static char *edited(R *r, const ast *a, const char *with)
{
    const nd_source *src = r->in->src;
    size_t from = start_of(src, a->loc) - r->base, to = end_of(src, a->loc) - r->base;
    strbuf b;
    sb_init(&b);
    sb_putn(&b, r->text, from);
    sb_puts(&b, with);
    sb_puts(&b, r->text + to);
    char *t = xstrdup(sb_str(&b));
    sb_free(&b);
    return t;
}

static nd_node *comparable(R *r, nd_node *n)
{
    if (!n || !r->in->symmetric)
        return n;
    return mk_scale_si(r->ctx, 1, 2, mk_add2(r->ctx, n, mk_transpose(r->ctx, n)));
}

static nd_node *candidate(R *r, const char *text)
{
    if (spent(r))
        return NULL;
    return r->in->elaborate(r->in->user, text);
}

/* Is n (as the answer would be compared) what the answer should be? */
static int right(R *r, nd_node *n)
{
    return n && shape_equal(r->ctx, n->shape, r->in->expect->shape) &&
           cmp_equal(&r->cmp, comparable(r, n), r->in->expect);
}

static const char *show(R *r, const nd_node *n)
{
    strbuf b;
    sb_init(&b);
    print_to(&r->pr, n, &b);
    const char *s = arena_strdup(r->ctx->arena, sb_str(&b));
    sb_free(&b);
    return s;
}

/* "x'*A" as a factor or operand: parenthesized unless a name or a call. */
static const char *operand(R *r, const ast *a)
{
    const char *t = span(r, a);
    if (a->kind == AST_NAME || a->kind == AST_CALL || a->kind == AST_NUM)
        return t;
    strbuf b;
    sb_init(&b);
    sb_printf(&b, "(%s)", t);
    const char *s = arena_strdup(r->ctx->arena, sb_str(&b));
    sb_free(&b);
    return s;
}

static const char *fmt_arena(R *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *fmt_arena(R *r, const char *fmt, ...)
{
    strbuf b;
    sb_init(&b);
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&b, fmt, ap);
    va_end(ap);
    const char *s = arena_strdup(r->ctx->arena, sb_str(&b));
    sb_free(&b);
    return s;
}

/* "at 1:5" for a place in the answer (where it was written: in the .tex
 * file for a LaTeX answer). */
static const char *where(R *r, nd_loc loc)
{
    loc = diag_origin(loc);
    return fmt_arena(r, "at %d:%d", loc.first_line, loc.first_column);
}

/* ---- subexpressions ---- */

static void collect(R *r, const ast *a, const ast *parent, int *cap)
{
    if (r->n_sub == *cap) {
        *cap = *cap ? 2 * *cap : 32;
        r->sub = xrealloc(r->sub, (size_t)*cap * sizeof *r->sub);
        r->parent = xrealloc(r->parent, (size_t)*cap * sizeof *r->parent);
    }
    r->sub[r->n_sub] = a;
    r->parent[r->n_sub++] = parent;
    for (int i = 0; i < a->nkids; i++)
        collect(r, a->kids[i], a, cap);
}

static size_t span_len(const R *r, const ast *a)
{
    return end_of(r->in->src, a->loc) - start_of(r->in->src, a->loc);
}

/* Smallest first: an edit of a name explains more simply than one of a
 * whole product.  Insertion sort: answers are short. */
static void order_subexpressions(R *r)
{
    for (int i = 1; i < r->n_sub; i++)
        for (int j = i; j > 0 && span_len(r, r->sub[j]) < span_len(r, r->sub[j - 1]); j--) {
            const ast *t = r->sub[j], *p = r->parent[j];
            r->sub[j] = r->sub[j - 1];
            r->parent[j] = r->parent[j - 1];
            r->sub[j - 1] = t;
            r->parent[j - 1] = p;
        }
}

/* ---- describing a constant factor ---- */

/* p/q with q <= 1000 within the tolerance of x, by continued fractions. */
static int nice_rational(const mpfr_t x, long *p, long *q)
{
    mpfr_prec_t prec = mpfr_get_prec(x);
    mpfr_t y, f, approx, err;
    mpfr_inits2(prec, y, f, approx, err, (mpfr_ptr)0);
    mpfr_set(y, x, MPFR_RNDN);
    long p0 = 1, q0 = 0, p1 = 0, q1 = 1;    /* convergents */
    int ok = 0;
    for (int step = 0; step < 40 && !ok && mpfr_number_p(y); step++) {
        mpfr_floor(f, y);
        if (mpfr_cmpabs_ui(f, 1000000) > 0)
            break;
        long a = mpfr_get_si(f, MPFR_RNDN);
        long p2 = a * p0 + p1, q2 = a * q0 + q1;
        if (q2 > 1000 || q2 <= 0)
            break;
        p1 = p0; q1 = q0; p0 = p2; q0 = q2;
        mpfr_set_si(approx, p0, MPFR_RNDN);
        mpfr_div_si(approx, approx, q0, MPFR_RNDN);
        mpfr_sub(err, approx, x, MPFR_RNDN);
        mpfr_abs(err, err, MPFR_RNDN);
        mpfr_mul_2si(approx, x, -(long)(prec / 3), MPFR_RNDN);
        mpfr_abs(approx, approx, MPFR_RNDN);
        ok = mpfr_cmp(err, approx) <= 0;
        mpfr_sub(y, y, f, MPFR_RNDN);
        if (mpfr_zero_p(y))
            break;
        mpfr_ui_div(y, 1, y, MPFR_RNDN);
    }
    mpfr_clears(y, f, approx, err, (mpfr_ptr)0);
    *p = p0;
    *q = q0;
    return ok;
}

/* The same nice rational at every instance. */
static int constant_ratio(R *r, mpfr_t *k, long *p, long *q)
{
    long p0, q0;
    for (int i = 0; i < r->cmp.n; i++) {
        if (!nice_rational(k[i], &p0, &q0))
            return 0;
        if (i > 0 && (p0 != *p || q0 != *q))
            return 0;
        *p = p0;
        *q = q0;
    }
    return r->cmp.n > 0;
}

static const char *rational_text(R *r, long p, long q)
{
    return q == 1 ? fmt_arena(r, "%ld", p) : fmt_arena(r, "%ld/%ld", p, q);
}

/* k = c*d or c/d for a dimension d of the program and a rational c:
 * "N", "2*N", "1/N". */
static const char *dimension_ratio(R *r, mpfr_t *k)
{
    nd_ctx *ctx = r->ctx;
    nd_dim dims[32];
    int nd = scope_abi_dims(ctx, dims, 32);
    mpfr_t *t = xmalloc((size_t)r->cmp.n * sizeof *t);
    for (int i = 0; i < r->cmp.n; i++)
        mpfr_init2(t[i], r->cmp.prec);
    const char *found = NULL;
    for (int d = 0; d < nd && !found; d++)
        for (int inverse = 0; inverse < 2 && !found; inverse++) {
            for (int i = 0; i < r->cmp.n; i++) {
                long v = eval_dim(r->cmp.env[i], dims[d]);
                if (inverse)
                    mpfr_mul_si(t[i], k[i], v, MPFR_RNDN);
                else
                    mpfr_div_si(t[i], k[i], v, MPFR_RNDN);
            }
            long p, q;
            if (!constant_ratio(r, t, &p, &q))
                continue;
            const char *name = dim_name(ctx, dims[d]);
            const char *c = p == 1 && q == 1 ? "" : fmt_arena(r, "%s*", rational_text(r, p, q));
            found = inverse ? (p == 1 && q == 1 ? fmt_arena(r, "1/%s", name)
                                                : fmt_arena(r, "%s/%s", rational_text(r, p, q), name))
                            : fmt_arena(r, "%s%s", c, name);
        }
    for (int i = 0; i < r->cmp.n; i++)
        mpfr_clear(t[i]);
    free(t);
    return found;
}

static mpfr_t *new_ratios(R *r)
{
    mpfr_t *k = xmalloc(CMP_MAX_POINTS * sizeof *k);
    for (int i = 0; i < CMP_MAX_POINTS; i++)
        mpfr_init2(k[i], r->cmp.prec);
    return k;
}

static void free_ratios(mpfr_t *k)
{
    for (int i = 0; i < CMP_MAX_POINTS; i++)
        mpfr_clear(k[i]);
    free(k);
}

/* "2", "1/N", ...: a = k*b with k constant or a simple function of one
 * dimension; NULL when there is no such k. */
static const char *factor_between(R *r, nd_node *a, nd_node *b)
{
    mpfr_t *k = new_ratios(r);
    const char *text = NULL;
    long p, q;
    if (cmp_ratio(&r->cmp, a, b, k)) {
        if (constant_ratio(r, k, &p, &q))
            text = rational_text(r, p, q);
        else
            text = dimension_ratio(r, k);
    }
    free_ratios(k);
    return text;
}

/* The words for "the answer is K times X", and the answer mended. */
static void factor_reason(R *r, const char *k, const char *what)
{
    const char *e = r->in->expect_name;
    int transposed = what[0] != '\0';
    if (!strcmp(k, "-1")) {
        reason_set(r->out, "sign", "the sign is wrong: the answer is -1 times %s%s", what, e);
    } else if (!strcmp(k, "1")) {
        reason_set(r->out, "transpose", "the answer is the transpose of %s", e);
    } else if (strchr(k, '/') && k[0] == '1' && k[1] == '/') {
        int dim = k[2] < '0' || k[2] > '9';
        reason_set(r->out, "factor", "the answer is %s times %s%s: %s", k, what, e,
                   dim ? fmt_arena(r, "it divides by %s where the loss does not", k + 2)
                       : fmt_arena(r, "a factor %s is missing", k + 2));
    } else if (k[0] >= '0' && k[0] <= '9') {
        reason_set(r->out, "factor", "the answer is %s times %s%s: it has an extra factor %s", k,
                   what, e, k);
    } else {
        reason_set(r->out, "factor", "the answer is %s times %s%s: the loss divides by %s", k,
                   what, e, k);
    }
    if (!strcmp(k, "1"))
        reason_fix(r->out, "(%s)'", r->text);
    else
        reason_fix(r->out, transposed ? "((%s)/(%s))'" : "(%s)/(%s)", r->text, k);
}

/* ---- the hypotheses ---- */

static int find_name(R *r, const ast **at, const char **with, char **fixed);

/* A shape error inside the answer: which operand clashes (the message of
 * elaboration), and a transpose that makes it well formed. */
static int shape_error_inside(R *r)
{
    const char *msg = r->in->error, *colon = strstr(msg, "': ");
    if (!strncmp(msg, "shape mismatch in '", 19) && colon)     /* say where */
        reason_set(r->out, "shape", "%.*s %s%s", (int)(colon + 1 - msg), msg,
                   where(r, r->in->error_loc), colon + 1);
    else
        reason_set(r->out, "shape", "%s", msg);
    reason_add_pos(r->out, r->in->error_loc, NULL);
    /* a transpose that makes it right, else one that makes it well formed */
    for (int want_right = 1; want_right >= 0; want_right--)
        for (int i = 0; i < r->n_sub; i++) {
            const ast *a = r->sub[i];
            if (r->parent[i] && r->parent[i]->kind == AST_TRANSPOSE)
                continue;       /* x'' is the parent's edit: x */
            const char *with = a->kind == AST_TRANSPOSE ? operand(r, a->kids[0])
                                                         : fmt_arena(r, "%s'", operand(r, a));
            char *t = edited(r, a, with);
            nd_node *c = candidate(r, t);
            int ok = c && shape_equal(r->ctx, c->shape, r->in->expect->shape) &&
                     (!want_right || right(r, c));
            if (ok) {
                sb_printf(&r->out->text, "; did you mean `%s`%s? %s", with,
                          a == r->in->expr ? "" : fmt_arena(r, " in place of `%s` %s", span(r, a),
                                                            where(r, a->loc)),
                          want_right ? "With it the answer is right"
                                     : "That makes it well formed, but not yet right");
                if (want_right)
                    reason_fix(r->out, "%s", t);
                reason_add_pos(r->out, a->loc, span(r, a));
            }
            free(t);
            if (ok)
                return 1;
        }
    const ast *at;      /* a name for another: W1' for W2' */
    const char *with;
    char *t;
    if (find_name(r, &at, &with, &t)) {
        sb_printf(&r->out->text, "; with `%s` in place of `%s` %s the answer is right", with,
                  at->text, where(r, at->loc));
        reason_add_pos(r->out, at->loc, at->text);
        reason_fix(r->out, "%s", t);
        free(t);
    }
    return 1;
}

/* Names of the program that a shape repair may multiply by: vectors and
 * matrices (variables, and the program's named intermediates). */
static int repair_names(R *r, const char **names, int max)
{
    nd_ctx *ctx = r->ctx;
    int n = 0;
    for (int i = 0; i < ctx->scope->n_vars && n < max; i++)
        if (ctx->scope->vars[i].origin < 0 && !shape_is_scalar(ctx, ctx->scope->vars[i].shape))
            names[n++] = ctx->scope->vars[i].name;
    for (int i = 0; i < ctx->scope->n_binds && n < max; i++)
        if (ctx->scope->binds[i].node && !shape_is_scalar(ctx, ctx->scope->binds[i].node->shape) &&
            !strchr(ctx->scope->binds[i].name, '/') && ctx->scope->binds[i].loc.src == ctx->src)
            names[n++] = ctx->scope->binds[i].name;
    return n;
}

/* The answer times a missing factor: an outer product with an input the
 * student left out (dz1 for dz1*x'), a weight matrix, or a sum over a
 * batch (*vector(1)). */
static int shape_repair(R *r)
{
    const char *names[64];
    int n = repair_names(r, names, 64);
    const char *whole = fmt_arena(r, "(%s)", r->text);
    for (int i = 0; i <= 2 * n; i++) {
        const char *f = i == 2 * n ? "vector(1)" : fmt_arena(r, "%s%s", names[i / 2], i % 2 ? "'" : "");
        for (int left = 0; left < 2; left++) {
            const char *form = left ? fmt_arena(r, "%s%s*%s", f, i == 2 * n ? "'" : "", whole)
                                    : fmt_arena(r, "%s*%s", whole, f);
            if (!right(r, candidate(r, form)))
                continue;
            if (i == 2 * n)
                sb_printf(&r->out->text, ": it is per example; summed over the examples "
                          "(`%s`) it is right", left ? "vector(1)'*(...)" : "(...)*vector(1)");
            else
                sb_printf(&r->out->text, ": missing the factor `%s` on the %s (`%s` is right)", f,
                          left ? "left" : "right",
                          left ? fmt_arena(r, "%s*(...)", f) : fmt_arena(r, "(...)*%s", f));
            r->out->kind = i == 2 * n ? "batch" : "missing-factor";
            reason_fix(r->out, "%s", form);
            return 1;
        }
    }
    return 0;
}

static int whole_answer(R *r);
static int assumption(R *r, enum nd_assume as);
static int activation(R *r);
static int single_edit(R *r);

/* What is wrong with the transpose of an answer of the transposed shape:
 * the hypotheses about the whole answer, appended to the reason so far. */
static int transposed_reason(R *r, const char *text)
{
    reason_in in = *r->in;
    in.answer = candidate(r, text);
    if (!in.answer)
        return 0;
    reason inner;
    reason_init(&inner);
    R t = *r;
    t.in = &in;
    t.out = &inner;
    t.text = text;
    int found = whole_answer(&t) || assumption(&t, AS_SIMPLEX) ||
                (in.paths && in.paths(in.user, text, 12, &inner)) || activation(&t);
    if (found) {
        sb_puts(&r->out->text, sb_str(&inner.text));
        r->out->kind = inner.kind;
        for (int i = 0; i < inner.n_pos; i++)
            reason_add_pos(r->out, inner.pos[i].loc, inner.pos[i].text);
    }
    reason_free(&inner);
    return found;
}

static int shape_differs(R *r)
{
    nd_ctx *ctx = r->ctx;
    nd_shape as = r->in->answer->shape, es = r->in->expect->shape;
    reason_set(r->out, "shape", "the answer is %s, %s is %s", shape_str(ctx, as),
               r->in->expect_name, shape_str(ctx, es));
    if (shape_equal(ctx, as, shape_transpose(es))) {
        const char *t = fmt_arena(r, "(%s)'", r->text);
        if (right(r, candidate(r, t))) {
            reason_set(r->out, "transpose", "the answer is the transpose of %s (it is %s, "
                       "%s is %s)", r->in->expect_name, shape_str(ctx, as), r->in->expect_name,
                       shape_str(ctx, es));
            reason_fix(r->out, "%s", t);
            return 1;
        }
        sb_puts(&r->out->text, " (the transpose of its shape); transposed, it is still wrong: ");
        if (!transposed_reason(r, t))
            sb_puts(&r->out->text, "the values differ");
        return 1;
    }
    if (!shape_repair(r)) {     /* an edit that mends the shape and the value */
        const char *kind = r->out->kind;
        strbuf text;
        sb_init(&text);
        sb_puts(&text, sb_str(&r->out->text));
        if (single_edit(r))
            r->out->kind = "shape";
        else
            reason_set(r->out, kind, "%s", sb_str(&text));
        sb_free(&text);
    }
    return 1;
}

/* The whole answer transposed, scaled, or both. */
static int whole_answer(R *r)
{
    nd_ctx *ctx = r->ctx;
    nd_node *a = comparable(r, r->in->answer), *e = r->in->expect;
    int square = shape_is_square(ctx, a->shape) && !shape_is_scalar(ctx, a->shape);
    if (square && right(r, mk_transpose(ctx, r->in->answer))) {
        reason_set(r->out, "transpose", "the answer is the transpose of %s", r->in->expect_name);
        reason_fix(r->out, "(%s)'", r->text);
        return 1;
    }
    const char *k = factor_between(r, a, e);
    if (k) {
        factor_reason(r, k, "");
        return 1;
    }
    if (square && (k = factor_between(r, a, mk_transpose(ctx, e)))) {
        factor_reason(r, k, "the transpose of ");
        if (r->out->kind && !strcmp(r->out->kind, "sign"))
            r->out->kind = "transpose";
        return 1;
    }
    return 0;
}

/* Right at every point where a variable had a property it is not declared
 * with: its columns sum to 1, or it is symmetric. */
static int assumption(R *r, enum nd_assume as)
{
    nd_ctx *ctx = r->ctx;
    nd_node *roots[2] = { r->in->expect, comparable(r, r->in->answer) };
    for (int v = 0; v < ctx->scope->n_vars; v++) {
        nd_var *var = &ctx->scope->vars[v];
        if (var->origin >= 0 || var->assume != AS_NONE || shape_is_scalar(ctx, var->shape))
            continue;
        if (as == AS_SYMMETRIC && !shape_is_square(ctx, var->shape))
            continue;
        {
            int pass = as == AS_SYMMETRIC;
            var->assume = as;
            cmp_set c;
            int ok = cmp_open(&c, ctx, roots, 2, r->in->opts, 0x5a5a + (uint64_t)v, 0) == EV_OK &&
                     cmp_equal(&c, roots[1], roots[0]);
            cmp_close(&c);
            var->assume = AS_NONE;
            if (!ok)
                continue;
            const char *rows = dim_name(ctx, var->shape.rows);
            int col = dim_is_one(ctx, var->shape.cols);
            if (pass)
                reason_set(r->out, "assumption", "right only when %s is symmetric: declare "
                           "`%s : symmetric(%s)`", var->name, var->name, rows);
            else if (col)
                reason_set(r->out, "assumption", "right only when sum(%s) = 1: declare `%s : "
                           "onehot(%s)` (or `simplex(%s)`)", var->name, var->name, rows, rows);
            else
                reason_set(r->out, "assumption", "right only when each column of %s sums to 1: "
                           "declare `%s : onehot(%s, %s)` (or `simplex`)", var->name, var->name,
                           rows, dim_name(ctx, var->shape.cols));
            reason_add_pos(r->out, var->loc, var->name);
            return 1;
        }
    }
    return 0;
}

/* ---- an activation's derivative left out, twice, or wrong ---- */

/* How an activation's derivative is changed in a hypothesis. */
enum change { LEFT_OUT, TWICE, REPLACED };

typedef struct change_hook {
    nd_ctx *ctx;
    nd_node *at;
    enum change how;
    nd_node *with;          /* REPLACED: the student's derivative */
} change_hook;

static nd_node *change_rule(void *user, nd_node *n, int i, nd_node *g)
{
    change_hook *h = user;
    if (n != h->at)
        return NULL;
    const nd_opinfo *o = &ops_table[n->op];
    switch (h->how) {
    case LEFT_OUT: return g;
    case TWICE: return o->adjoint(h->ctx, n, i, o->adjoint(h->ctx, n, i, g));
    default: return mk_emul(h->ctx, g, h->with);
    }
}

/* The derivative with node `at`'s rule changed. */
static nd_node *changed_derivative(R *r, nd_node *at, enum change how, nd_node *with)
{
    const reason_in *in = r->in;
    if (spent(r))
        return NULL;
    change_hook h = { r->ctx, at, how, with };
    derive_hooks hooks = { .rule = change_rule, .user = &h };
    nd_node **adj = derive_adjoints(r->ctx, in->objective, mk_int(r->ctx, 1), in->want, &hooks);
    nd_node *g = adj[in->target->id];
    free(adj);
    return comparable(r, g ? g : mk_zero(r->ctx, in->target->shape));
}

static int is_activation(const nd_node *n)
{
    const nd_opinfo *o = &ops_table[n->op];
    return (o->cls == OPC_ELEM && o->deriv) || n->op == OP_SOFTMAX || n->op == OP_LOGSOFTMAX;
}

/* The activations the derivative goes through, outermost first. */
static int activations(R *r, nd_node **out, int max)
{
    const reason_in *in = r->in;
    nd_ctx *ctx = r->ctx;
    uint32_t top = in->objective->id + 1;
    unsigned char *mark = xmalloc(top), *dep = xmalloc(ctx->dag->n_nodes);
    memset(mark, 0, top);
    expr_reach(ctx, &in->objective, 1, mark);
    expr_depends(ctx, in->want, dep);
    int n = 0;
    for (uint32_t id = top; id-- > 0 && n < max;)
        if (mark[id] && dep[id] && is_activation(ctx->dag->nodes[id]))
            out[n++] = ctx->dag->nodes[id];
    free(mark);
    free(dep);
    return n;
}

/* "tanh at 4:6". */
static const char *activation_name(R *r, const nd_node *n)
{
    const reason_in *in = r->in;
    const char *name = ops_table[n->op].name;
    if (n->id < in->n_origin && in->origin[n->id].src)
        return fmt_arena(r, "%s at %d:%d", name, in->origin[n->id].first_line,
                         in->origin[n->id].first_column);
    return name;
}

static void activation_pos(R *r, const nd_node *n)
{
    if (n->id < r->in->n_origin && r->in->origin[n->id].src)
        reason_add_pos(r->out, r->in->origin[n->id], NULL);
}

static const char *derivative_text(R *r, nd_node *n)
{
    return ops_table[n->op].deriv ? show(r, ops_table[n->op].deriv(r->ctx, n->kid[0], n)) : NULL;
}

/* The answer with an activation's derivative left out, applied twice, or
 * replaced by one of the answer's own subexpressions (sigmoid(z) for the
 * derivative of swish). */
static int activation(R *r)
{
    if (!r->in->objective || !r->in->answer || r->in->objective->id > REASON_MAX_REDERIVE)
        return 0;
    nd_node *acts[32];
    int n = activations(r, acts, 32);
    nd_node *a = comparable(r, r->in->answer);
    for (int i = 0; i < n; i++)
        for (int how = LEFT_OUT; how <= TWICE; how++) {
            if (!cmp_equal(&r->cmp, changed_derivative(r, acts[i], (enum change)how, NULL), a))
                continue;
            const char *d = derivative_text(r, acts[i]), *name = activation_name(r, acts[i]);
            const char *what = d ? fmt_arena(r, "the factor `%s` (the derivative of %s)", d, name)
                                 : fmt_arena(r, "the derivative of %s", name);
            if (how == TWICE)
                reason_set(r->out, "extra-factor", "an extra factor: %s is applied twice", what);
            else
                reason_set(r->out, "missing-factor", "missing %s", what);
            activation_pos(r, acts[i]);
            return 1;
        }
    for (int i = 0; i < n; i++) {
        const char *d = derivative_text(r, acts[i]);
        for (int k = 0; d && k < r->n_sub; k++) {
            const ast *sub = r->sub[k];
            nd_node *with = sub == r->in->expr ? NULL : candidate(r, span(r, sub));
            if (!with || !shape_equal(r->ctx, with->shape, acts[i]->shape) ||
                !cmp_equal(&r->cmp, changed_derivative(r, acts[i], REPLACED, with), a))
                continue;
            reason_set(r->out, "wrong-factor", "the derivative of %s is `%s`, but the answer has "
                       "`%s` %s in its place", activation_name(r, acts[i]), d, span(r, sub),
                       where(r, sub->loc));
            reason_add_pos(r->out, sub->loc, span(r, sub));
            activation_pos(r, acts[i]);
            char *fixed = edited(r, sub, fmt_arena(r, "(%s)", d));
            reason_fix(r->out, "%s", fixed);
            free(fixed);
            return 1;
        }
    }
    return 0;
}

/* ---- one wrong term ---- */

/* The terms of the answer's top-level sum: the spine of + and -. */
static int top_terms(R *r, const ast **terms, int *neg, int max)
{
    const ast *a = r->in->expr;
    int n = 0;
    while (a->kind == AST_BINARY && (a->op == BIN_ADD || a->op == BIN_SUB) && n < max - 1) {
        terms[n] = a->kids[1];
        neg[n++] = a->op == BIN_SUB;
        a = a->kids[0];
    }
    if (n == 0)
        return 0;
    terms[n] = a;
    neg[n++] = 0;
    for (int i = 0, j = n - 1; i < j; i++, j--) {
        const ast *t = terms[i];
        int s = neg[i];
        terms[i] = terms[j];
        neg[i] = neg[j];
        terms[j] = t;
        neg[j] = s;
    }
    return n;
}

/* The answer without term j: the other terms' text. */
static char *without_term(R *r, const ast **terms, const int *neg, int n, int j)
{
    strbuf b;
    sb_init(&b);
    for (int i = 0; i < n; i++) {
        if (i == j)
            continue;
        if (b.len || neg[i])
            sb_puts(&b, neg[i] ? " - " : " + ");
        sb_puts(&b, operand(r, terms[i]));
    }
    char *t = xstrdup(sb_str(&b));
    sb_free(&b);
    return t;
}

static const char *without_term_text(R *r, const ast **terms, const int *neg, int n, int j)
{
    char *t = without_term(r, terms, neg, n, j);
    const char *s = arena_strdup(r->ctx->arena, t);
    free(t);
    return s;
}

static int one_term(R *r)
{
    const ast *terms[64];
    int neg[64], n = top_terms(r, terms, neg, 64);
    nd_ctx *ctx = r->ctx;
    for (int j = 0; j < n; j++) {
        char *rest_text = without_term(r, terms, neg, n, j);
        nd_node *rest = candidate(r, rest_text);
        free(rest_text);
        const char *tt = fmt_arena(r, "%s%s", neg[j] ? "-" : "", operand(r, terms[j]));
        nd_node *term = candidate(r, tt);
        nd_shape want = r->in->expect->shape;
        if (!rest || !term || !shape_equal(ctx, rest->shape, want) ||
            !shape_equal(ctx, term->shape, want))
            continue;   /* a broadcast term (x + A): no sum of the others to compare */
        const char *ts = span(r, terms[j]);
        if (right(r, rest)) {
            reason_set(r->out, "extra-term", "the term `%s` %s should not be there: without it "
                       "the answer is right", ts, where(r, terms[j]->loc));
            reason_add_pos(r->out, terms[j]->loc, ts);
            reason_fix(r->out, "%s", without_term_text(r, terms, neg, n, j));
            return 1;
        }
        /* what term j should be, given the others */
        nd_node *should = mk_sub(ctx, r->in->expect, comparable(r, rest));
        nd_node *t = comparable(r, term);
        const char *k = factor_between(r, t, should);
        if (!k && shape_is_square(ctx, t->shape) && !shape_is_scalar(ctx, t->shape) &&
            cmp_equal(&r->cmp, t, mk_transpose(ctx, should)))
            k = "transpose";
        if (!k || !strcmp(k, "1"))
            continue;
        const char *what = !strcmp(k, "transpose") ? "is the transpose of what it should be"
                           : !strcmp(k, "-1")      ? "has the wrong sign"
                                                   : fmt_arena(r, "is %s times what it should be", k);
        reason_set(r->out, !strcmp(k, "transpose") ? "transpose" : !strcmp(k, "-1") ? "sign"
                                                                                    : "factor",
                   "term %d of %d, `%s` %s, %s; the other terms are right", j + 1, n, ts,
                   where(r, terms[j]->loc), what);
        reason_add_pos(r->out, terms[j]->loc, ts);
        char *fixed = edited(r, terms[j], !strcmp(k, "transpose")
                                              ? fmt_arena(r, "%s'", operand(r, terms[j]))
                                              : fmt_arena(r, "(%s/(%s))", operand(r, terms[j]), k));
        reason_fix(r->out, "%s", fixed);
        free(fixed);
        return 1;
    }
    return 0;
}

/* ---- a single edit ---- */

typedef struct edit {
    const ast *at;          /* replaced: this subexpression ... */
    const char *with;       /* ... by this text */
    const char *what;       /* in words */
} edit;

static int edits_of(R *r, const ast *a, const ast *p, edit *out)
{
    int n = 0;
    if (a->kind == AST_TRANSPOSE)
        out[n++] = (edit){ a, operand(r, a->kids[0]), "remove the transpose" };
    else if (!p || p->kind != AST_TRANSPOSE)    /* x'' is the parent's edit */
        out[n++] = (edit){ a, fmt_arena(r, "%s'", operand(r, a)), "transpose it" };
    if (p && p->kind == AST_BINARY && ast_chain_level(p->op) == 1)   /* a term of a sum */
        out[n++] = (edit){ a, fmt_arena(r, "(-%s)", operand(r, a)), "" };   /* "" : the sign */
    if (a->kind == AST_CALL && !strcmp(a->text, "sum") && a->nkids == 1) {
        const char *x = operand(r, a->kids[0]);
        out[n++] = (edit){ a, fmt_arena(r, "%s*vector(1)", x),
                           "sum adds up every entry, the sum of each row is (...)*vector(1)" };
        out[n++] = (edit){ a, fmt_arena(r, "vector(1)'*%s", x),
                           "sum adds up every entry, the sum of each column is vector(1)'*(...)" };
    }
    if (p && p->kind == AST_BINARY && ast_chain_level(p->op)) {
        const ast *other = p->kids[0] == a ? p->kids[1] : p->kids[0];
        int minus_first = p->op == BIN_SUB && p->kids[0] == a;
        int inv_first = p->op == BIN_DIV && p->kids[0] == a;
        out[n++] = (edit){ p,
                           minus_first ? fmt_arena(r, "(-%s)", operand(r, other))
                           : inv_first ? fmt_arena(r, "(1/%s)", operand(r, other))
                                       : operand(r, other),
                           ast_chain_level(p->op) == 1 ? "drop this term" : "drop this factor" };
        if (p->op == BIN_MUL && p->kids[0] == a)
            out[n++] = (edit){ p, fmt_arena(r, "%s*%s", operand(r, p->kids[1]), operand(r, a)),
                               "swap the factors" };
    }
    return n;
}

static int single_edit(R *r)
{
    int tried = 0;
    for (int i = 0; i < r->n_sub && tried < 400; i++) {
        edit e[6];
        int ne = edits_of(r, r->sub[i], r->parent[i], e);
        for (int k = 0; k < ne; k++, tried++) {
            char *t = edited(r, e[k].at, e[k].with);
            nd_node *c = candidate(r, t);
            int ok = right(r, c);
            free(t);
            if (!ok)
                continue;
            t = NULL;
            const char *s = span(r, r->sub[i]);
            if (e[k].what[0] == '\0')     /* a negated term */
                reason_set(r->out, "sign", "the term `%s` %s has the wrong sign", s,
                           where(r, r->sub[i]->loc));
            else
                reason_set(r->out, "edit", "`%s` %s: %s; with `%s` in place of `%s` the answer "
                           "is right", s, where(r, r->sub[i]->loc), e[k].what, e[k].with,
                           span(r, e[k].at));
            reason_add_pos(r->out, r->sub[i]->loc, s);
            t = edited(r, e[k].at, e[k].with);
            reason_fix(r->out, "%s", t);
            free(t);
            return 1;
        }
    }
    return 0;
}

/* One name of the answer in place of another that makes it right: r for
 * x, W2 for W1.  The program's variables and named intermediates, and
 * their transposes; *at and *with say which (the answer mended in *fixed,
 * malloc'd). */
static int find_name(R *r, const ast **at, const char **with, char **fixed)
{
    nd_ctx *ctx = r->ctx;
    const char *names[64];
    int n = 0, tried = 0;
    for (int v = 0; v < ctx->scope->n_vars && n < 64; v++)
        if (ctx->scope->vars[v].origin < 0)
            names[n++] = ctx->scope->vars[v].name;
    for (int b = 0; b < ctx->scope->n_binds && n < 64; b++)
        if (ctx->scope->binds[b].node && ctx->scope->binds[b].loc.src == ctx->src)
            names[n++] = ctx->scope->binds[b].name;
    for (int i = 0; i < r->n_sub && tried < 600; i++) {
        const ast *a = r->sub[i];
        if (a->kind != AST_NAME)
            continue;
        for (int k = 0; k < 2 * n; k++, tried++) {
            if (!strcmp(names[k / 2], a->text))
                continue;
            const char *w = fmt_arena(r, "%s%s", names[k / 2], k % 2 ? "'" : "");
            char *t = edited(r, a, w);
            if (right(r, candidate(r, t))) {
                *at = a;
                *with = w;
                *fixed = t;
                return 1;
            }
            free(t);
        }
    }
    return 0;
}

static int wrong_name(R *r)
{
    const ast *a;
    const char *with;
    char *t;
    if (!find_name(r, &a, &with, &t))
        return 0;
    reason_set(r->out, "edit", "`%s` %s: with `%s` in its place the answer is right", a->text,
               where(r, a->loc), with);
    reason_add_pos(r->out, a->loc, a->text);
    reason_fix(r->out, "%s", t);
    free(t);
    return 1;
}

/* ---- missing or extra terms, anywhere ----
 * Both sides expanded into sums of products (through named intermediates
 * too: the answer may write out what the program named), the terms equal
 * in value cancelled pairwise; when what is left is short, it is what the
 * answer lacks or has too much of. */

#define MAX_TERMS 48

typedef struct terms {
    nd_node *v[MAX_TERMS];
    int n, overflow;
} terms;

static void push_term(terms *t, nd_node *x)
{
    if (t->n == MAX_TERMS)
        t->overflow = 1;
    else
        t->v[t->n++] = x;
}

static void expand(nd_ctx *ctx, nd_node *n, terms *out, int depth);

/* The products of one term from each of a's and b's lists. */
static void cross(nd_ctx *ctx, const terms *a, const terms *b, int elementwise, terms *out)
{
    for (int i = 0; i < a->n; i++)
        for (int j = 0; j < b->n; j++)
            push_term(out, elementwise ? mk_emul(ctx, a->v[i], b->v[j])
                                       : mk_mul(ctx, a->v[i], b->v[j]));
    out->overflow |= a->overflow || b->overflow;
}

static void expand_product(nd_ctx *ctx, nd_node *n, terms *out, int depth)
{
    terms acc = { 0 }, next, k;
    expand(ctx, n->kid[0], &acc, depth);
    for (uint32_t i = 1; i < n->nkids && !acc.overflow; i++) {
        memset(&k, 0, sizeof k);
        memset(&next, 0, sizeof next);
        expand(ctx, n->kid[i], &k, depth);
        cross(ctx, &acc, &k, n->op == OP_EMUL, &next);
        acc = next;
    }
    for (int i = 0; i < acc.n; i++)
        push_term(out, acc.v[i]);
    out->overflow |= acc.overflow;
}

static void expand(nd_ctx *ctx, nd_node *n, terms *out, int depth)
{
    terms k = { 0 };
    if (depth > 40) {
        out->overflow = 1;
        return;
    }
    switch ((enum nd_op)n->op) {
    case OP_ADD:
        for (uint32_t i = 0; i < n->nkids; i++)
            expand(ctx, n->kid[i], out, depth + 1);
        return;
    case OP_PROD:
    case OP_EMUL:
        expand_product(ctx, n, out, depth + 1);
        return;
    case OP_TRANSPOSE:
    case OP_BCAST:
        expand(ctx, n->kid[0], &k, depth + 1);
        for (int i = 0; i < k.n; i++)
            push_term(out, n->op == OP_TRANSPOSE ? mk_transpose(ctx, k.v[i])
                                                 : mk_bcast(ctx, k.v[i], n->shape));
        out->overflow |= k.overflow;
        return;
    default:
        push_term(out, n);
    }
}

/* Removes from a and b the pairs of terms equal in value. */
static void cancel(R *r, terms *a, terms *b)
{
    for (int i = 0; i < a->n; i++)
        for (int j = 0; j < b->n; j++)
            if (cmp_equal(&r->cmp, a->v[i], b->v[j])) {
                a->v[i--] = a->v[--a->n];
                b->v[j] = b->v[--b->n];
                break;
            }
}

static int difference(R *r)
{
    nd_ctx *ctx = r->ctx;
    terms g = { 0 }, a = { 0 };
    expand(ctx, r->in->expect, &g, 0);
    expand(ctx, comparable(r, r->in->answer), &a, 0);
    if (g.overflow || a.overflow)
        return 0;
    cancel(r, &g, &a);
    if (g.n + a.n == 0 || g.n + a.n > 3)
        return 0;
    nd_node *missing = g.n ? mk_add(ctx, g.v, g.n) : NULL;
    nd_node *extra = a.n ? mk_add(ctx, a.v, a.n) : NULL;
    nd_node *d = missing && extra ? mk_sub(ctx, missing, extra) : missing ? missing
                                                                            : mk_neg(ctx, extra);
    if (!cmp_equal(&r->cmp, mk_add2(ctx, comparable(r, r->in->answer), d), r->in->expect))
        return 0;       /* the expansion lost something: say nothing */
    /* shown simplified: -X'*(p.*y) - X'*(y.*sigmoid(-X*w)) is -X'*y */
    nd_node *shown[3] = { missing, extra, d };
    for (int i = 0; i < 3; i++) {
        nd_node *raw = shown[i];
        if (raw)
            emit_simplify_all(ctx, &shown[i], 1);
        if (raw && !cmp_equal(&r->cmp, shown[i], raw))
            shown[i] = raw;     /* a simplification that changed the value: show it as found */
    }
    int gn = missing ? (shown[0]->op == OP_ADD ? 2 : 1) : 0;
    int an = extra ? (shown[1]->op == OP_ADD ? 2 : 1) : 0;
    const char *ms = missing ? show(r, shown[0]) : NULL, *es = extra ? show(r, shown[1]) : NULL;
    if ((ms && strlen(ms) > 80) || (es && strlen(es) > 80))
        return 0;
    if (ms && es && !strcmp(ms, es))
        return 0;       /* "`2*t1` should be `2*t1`" says nothing: a counterexample will */
    const char *whole = r->in->subject ? r->in->subject : "the gradient";
    if (!extra)
        reason_set(r->out, "missing-term", "missing the term%s `%s`: %s is the answer plus it",
                   gn > 1 ? "s" : "", ms, whole);
    else if (!missing)
        reason_set(r->out, "extra-term", "the term%s `%s` should not be there: %s is the "
                   "answer without %s", an > 1 ? "s" : "", es, whole, an > 1 ? "them" : "it");
    else
        reason_set(r->out, "term", "`%s` should be `%s`: %s is the answer with that "
                   "term replaced", es, ms, whole);
    reason_fix(r->out, "(%s) + (%s)", r->text, show(r, shown[2]));
    return 1;
}

/* ---- otherwise a counterexample ---- */

static void put_matrix(strbuf *b, const nd_mat *m)
{
    if (m->rows == 1 && m->cols == 1) {
        sb_printf(b, "%.4g", mpfr_get_d(m->a[0], MPFR_RNDN));
        return;
    }
    sb_putc(b, '[');
    int shown = 0;
    for (int i = 0; i < m->rows; i++) {
        for (int j = 0; j < m->cols; j++) {
            if (shown++ == 16) {
                sb_puts(b, " ...]");
                return;
            }
            sb_printf(b, "%s%.3g", j ? ", " : i ? "; " : "", mpfr_get_d(MAT(m, i, j), MPFR_RNDN));
        }
    }
    sb_putc(b, ']');
}

/* The entry where a and b differ most: "(i, j)" (1-based). */
static void worst_entry(const nd_mat *a, const nd_mat *b, int *wi, int *wj)
{
    double worst = -1;
    for (int i = 0; i < a->rows; i++)
        for (int j = 0; j < a->cols; j++) {
            double d = mpfr_get_d(MAT(a, i, j), MPFR_RNDN) - mpfr_get_d(MAT(b, i, j), MPFR_RNDN);
            if (d < 0)
                d = -d;
            if (!(d <= worst)) {
                worst = d;
                *wi = i;
                *wj = j;
            }
        }
}

static void counterexample(R *r)
{
    nd_ctx *ctx = r->ctx;
    nd_node *a = comparable(r, r->in->answer);
    nd_evalenv *env = r->cmp.n ? r->cmp.env[0] : NULL;
    reason_set(r->out, "counterexample", "the values differ");
    if (!env || !cmp_value(&r->cmp, 0, a) || !cmp_value(&r->cmp, 0, r->in->expect))
        return;
    strbuf *b = &r->out->text;
    nd_dim dims[32];
    int nd = scope_abi_dims(ctx, dims, 32);
    for (int d = 0; d < nd; d++)
        sb_printf(b, "%s %s = %ld", d ? "," : " at", dim_name(ctx, dims[d]), eval_dim(env, dims[d]));
    const char *sep = nd ? " and" : " at";
    for (int v = 0; v < ctx->scope->n_vars && v < 8; v++) {
        if (ctx->scope->vars[v].origin >= 0)
            continue;
        sb_printf(b, "%s %s = ", sep, ctx->scope->vars[v].name);
        put_matrix(b, &env->vars[v]);
        sep = ",";
    }
    const nd_mat *va = cmp_value(&r->cmp, 0, a), *ve = cmp_value(&r->cmp, 0, r->in->expect);
    sb_puts(b, ": the answer is ");
    put_matrix(b, va);
    sb_printf(b, ", %s is ", r->in->expect_name);
    put_matrix(b, ve);
    if (mat_len(va) > 1) {
        int i = 0, j = 0;
        worst_entry(va, ve, &i, &j);
        sb_printf(b, " (they differ most at entry (%d, %d): %.4g against %.4g)", i + 1, j + 1,
                  mpfr_get_d(MAT(va, i, j), MPFR_RNDN), mpfr_get_d(MAT(ve, i, j), MPFR_RNDN));
    }
}

/* ---- the order ---- */

void reason_find(const reason_in *in, reason *out)
{
    R r;
    memset(&r, 0, sizeof r);
    r.in = in;
    r.ctx = in->ctx;
    r.out = out;
    r.node_limit = r.ctx->dag->n_nodes + REASON_NODE_BUDGET;
    char *text = reason_answer_text(in->src, in->expr);
    r.text = text;
    r.base = start_of(in->src, in->expr->loc);
    printer_init(&r.pr, in->ctx, NULL);
    int cap = 0;
    collect(&r, in->expr, NULL, &cap);
    order_subexpressions(&r);
    nd_node *roots[2] = { in->expect, comparable(&r, in->answer) };
    int same_shape = in->answer && shape_equal(r.ctx, in->answer->shape, in->expect->shape);
    cmp_open(&r.cmp, r.ctx, roots, same_shape ? 2 : 1, in->opts, 0xd1a9, 0);
    int done = !in->answer ? shape_error_inside(&r) : !same_shape ? shape_differs(&r) : 0;
    done = done || whole_answer(&r) || assumption(&r, AS_SIMPLEX);
    done = done || (in->paths && in->paths(in->user, r.text, -1, out));  /* one missing use */
    done = done || activation(&r) || one_term(&r) || single_edit(&r) || wrong_name(&r);
    done = done || (in->paths && in->paths(in->user, r.text, 1, out));   /* or one doubled */
    done = done || assumption(&r, AS_SYMMETRIC);    /* after edits: A for A' says where */
    done = done || (in->paths && in->paths(in->user, r.text, 12, out));
    done = done || (in->answer && same_shape && difference(&r));
    if (!done)
        counterexample(&r);
    cmp_close(&r.cmp);
    printer_free(&r.pr);
    free(r.sub);
    free(r.parent);
    free(text);
}
