/* jacobian.c: forward-mode Jacobians over the DAG (see jacobian.h).
 *
 * Each node u that is a vector (a column, a row or a scalar: its entries
 * in order) gets J(u), numel(u) x n, from its operator's row of jac_rules.
 * A matrix-valued node M has no Jacobian the language can write, but where
 * it is multiplied by a column r its product has one: the row's `times`
 * rule gives J(M*r) with r held fixed (J(diag(u)*r) = diag(r)*J(u)), and a
 * product of factors takes each factor in turn with the others fixed.  A
 * scalar s has J(s) = its gradient transposed, from reverse mode, so every
 * reduction and scalar function is covered by its adjoint rule.  What no
 * rule covers is an error, never a guess.
 *
 * Matrices go through vec (issue 12 part 3): J(M) of a matrix M is
 * d vec(M) / d vec(x), numel(M) x numel(x), and a matrix variable X has
 * J(X) = eye(m*n).  The `mat` rules of jac_rules give it:
 * J(L*N*R) = kron(R', L)*J(N), J(f(N)) = diag(vec(f'(N)))*J(N),
 * J(inv(N)) = -kron(inv(N)', inv(N))*J(N), J(N') = K*J(N) with K the
 * commutation matrix (written with kron and blocks of eye), J(kron(A, B))
 * Magnus and Neudecker's form with one, and a matrix times a fixed column
 * without a `times` rule is J(M*r) = kron(r', eye)*J(M).
 * Sizes are numbers there: m*n is not a dimension. */
#include "jacobian.h"

#include <stdlib.h>
#include <string.h>

#include "derive.h"
#include "mk.h"
#include "ops.h"
#include "scope.h"
#include "shape.h"
#include "simplify.h"

typedef struct jac {
    nd_ctx *ctx;
    int var;
    nd_node *x;
    unsigned char *dep;     /* by id: depends on x (computed for ids < n_dep) */
    uint32_t n_dep;
    nd_node **memo;         /* by id: J of a vector node, once made */
    uint32_t n_memo;
    jac_named_fn named;     /* --steps: J of a named node, its stand-in */
    void *user;
    nd_node *const *roots;  /* not handed to named */
    int n_roots;
} jac;

static nd_node *jac_of(jac *J, nd_node *u);
static nd_node *jac_times(jac *J, nd_node *m, nd_node *r);

/* The rules of one operator: J(u) for a vector u it makes, J(M*r) for a
 * matrix M it makes and a fixed column r (NULL: r = 1, M a column). */
typedef struct jac_row {
    nd_node *(*vec)(jac *J, nd_node *u);
    nd_node *(*times)(jac *J, nd_node *m, nd_node *r);
    nd_node *(*mat)(jac *J, nd_node *u);    /* J(vec(u)) for a matrix u */
} jac_row;

/* ---- bookkeeping ---- */

/* Room for n nodes, in the arena: an unsupported operator unwinds past
 * the rules (diag_fail), and what they hold goes with the ctx. */
static nd_node **temp(nd_ctx *ctx, size_t n)
{
    return arena_alloc(ctx->arena, (n + 1) * sizeof(nd_node *));
}

/* Does n depend on x?  Nodes made during the pass are looked at as they
 * come (ids are topological, so a node's kids are known first). */
static int depends(jac *J, const nd_node *n)
{
    nd_ctx *ctx = J->ctx;
    if (n->id >= J->n_dep) {
        J->dep = xrealloc(J->dep, ctx->dag->n_nodes);
        for (uint32_t id = J->n_dep; id < ctx->dag->n_nodes; id++) {
            nd_node *k = ctx->dag->nodes[id];
            J->dep[id] = k == J->x;
            for (uint32_t i = 0; i < k->nkids && !J->dep[id]; i++)
                J->dep[id] = J->dep[k->kid[i]->id];
        }
        J->n_dep = ctx->dag->n_nodes;
    }
    return J->dep[n->id];
}

_Noreturn static void unsupported(jac *J, const nd_node *n, const char *where)
{
    diag_fail(J->ctx, (nd_loc){ 0, 0, 0, 0, NULL },
             "the Jacobian of '%s'%s is not supported yet", ops_table[n->op].name, where);
}

static nd_node *column(nd_ctx *ctx, nd_node *u);

/* diag(a), with diag(c*ones) = c*eye; NULL for diag(0). */
static nd_node *diag_node(nd_ctx *ctx, nd_node *a)
{
    if (mk_is_zero(a))
        return NULL;
    if (a->op == OP_BCAST && expr_is_scalar(ctx, a->kid[0]))
        return mk_mul(ctx, a->kid[0], expr_eye(ctx, a->shape.rows));
    return mk_fn(ctx, OP_DIAGM, a);
}

/* Is t (c*)diag(a)*R?  Then *arg = c*a and *rest = R (NULL: none). */
static int diag_led(nd_ctx *ctx, nd_node *t, nd_node **arg, nd_node **rest)
{
    if (t->op == OP_DIAGM && !(t->flags & NF_NAMED)) {
        *arg = t->kid[0];
        *rest = NULL;
        return 1;
    }
    if (t->op != OP_PROD || (t->flags & NF_NAMED))
        return 0;
    uint32_t k = 0;
    while (k < t->nkids && expr_is_scalar(ctx, t->kid[k]))
        k++;
    if (k == t->nkids || t->kid[k]->op != OP_DIAGM || (t->kid[k]->flags & NF_NAMED))
        return 0;
    nd_node *a = t->kid[k]->kid[0];
    for (uint32_t i = 0; i < k; i++)
        a = mk_mul(ctx, t->kid[i], a);
    uint32_t left = t->nkids - k - 1;
    *arg = a;
    *rest = left == 0 ? NULL : left == 1 ? t->kid[k + 1] : mk_prod(ctx, t->kid + k + 1, (int)left);
    return 1;
}

/* Terms diag(a)*R and diag(b)*R make diag(a + b)*R: the Jacobians of a
 * sum's terms share their right parts (J(s.*u) + J(v.*u) = diag(s + v)*J(u)),
 * and a + b often simplifies (y + (1 - y) = 1). */
static int merge_diags(nd_ctx *ctx, nd_node **t, int n)
{
    for (int i = 0; i < n; i++) {
        nd_node *a, *r, *b, *q;
        if (!t[i] || !diag_led(ctx, t[i], &a, &r))
            continue;
        int merged = 0;
        for (int j = i + 1; j < n; j++)
            if (t[j] && diag_led(ctx, t[j], &b, &q) && q == r) {
                a = mk_add2(ctx, a, b);
                t[j] = NULL;
                merged = 1;
            }
        if (merged) {
            nd_node *d = diag_node(ctx, a);
            t[i] = d && r ? mk_mul(ctx, d, r) : d;
        }
    }
    int w = 0;
    for (int i = 0; i < n; i++)
        if (t[i])
            t[w++] = t[i];
    return w;
}

/* The sum of the terms that are not NULL (a zero Jacobian), or NULL. */
static nd_node *sum_of(jac *J, nd_node **t, int n)
{
    int w = 0;
    for (int i = 0; i < n; i++)
        if (t[i] && !mk_is_zero(t[i]))
            t[w++] = t[i];
    w = merge_diags(J->ctx, t, w);
    return w == 0 ? NULL : w == 1 ? t[0] : mk_add(J->ctx, t, w);
}

static nd_node *plus(jac *J, nd_node *a, nd_node *b)
{
    nd_node *t[2] = { a, b };
    return sum_of(J, t, 2);
}

/* a*b, NULL (zero) when a or b (a Jacobian) is. */
static nd_node *times(jac *J, nd_node *a, nd_node *b)
{
    return a && b ? mk_mul(J->ctx, a, b) : NULL;
}

static int is_vector(nd_ctx *ctx, const nd_node *n)
{
    return dim_is_one(ctx, n->shape.rows) || dim_is_one(ctx, n->shape.cols);
}

/* m*n of a matrix of numeric size, else 0. */
static long numel(nd_ctx *ctx, const nd_node *u)
{
    long r = dim_value(ctx, u->shape.rows), c = dim_value(ctx, u->shape.cols);
    return r > 0 && c > 0 && r <= ND_MAX_DIM / c ? r * c : 0;
}

/* The entries of the vector u as a column. */
static nd_node *column(nd_ctx *ctx, nd_node *u)
{
    return shape_is_row(ctx, u->shape) ? mk_transpose(ctx, u) : u;
}


/* The entries of u as a column: a vector's in order, a matrix's vec. */
static nd_node *vec_of(nd_ctx *ctx, nd_node *u)
{
    return is_vector(ctx, u) ? column(ctx, u) : mk_fn(ctx, OP_VEC, u);
}

/* The number of u's entries as a dimension: a vector's length, else the
 * number m*n (the matrix rules run only on numeric sizes). */
static nd_dim numel_dim(nd_ctx *ctx, const nd_node *u)
{
    if (dim_is_one(ctx, u->shape.cols))
        return u->shape.rows;
    if (dim_is_one(ctx, u->shape.rows))
        return u->shape.cols;
    return dim_const(ctx, dim_value(ctx, u->shape.rows) * dim_value(ctx, u->shape.cols));
}

/* diag(u) of a vector's entries, or of a matrix's vec (NULL: 0). */
static nd_node *diag_of(nd_ctx *ctx, nd_node *u)
{
    return diag_node(ctx, vec_of(ctx, u));
}

/* ---- vectors ---- */

/* A scalar's Jacobian is its gradient as a row: reverse mode. */
static nd_node *jac_scalar(jac *J, nd_node *s)
{
    nd_node *g;
    derive_gradients(J->ctx, s, &J->var, 1, &g);
    return mk_is_zero(g) ? NULL : mk_transpose(J->ctx, vec_of(J->ctx, g));
}

static nd_node *j_var(jac *J, nd_node *u)
{
    if (expr_is_scalar(J->ctx, u))      /* only x depends on x */
        return mk_int(J->ctx, 1);
    return expr_eye(J->ctx, numel_dim(J->ctx, u));
}

static nd_node *j_transpose(jac *J, nd_node *u)
{
    return jac_of(J, u->kid[0]);     /* the same entries in the same order */
}

static nd_node *j_add(jac *J, nd_node *u)
{
    nd_node **t = temp(J->ctx, u->nkids);
    for (uint32_t i = 0; i < u->nkids; i++)
        t[i] = jac_of(J, u->kid[i]);
    nd_node *r = sum_of(J, t, (int)u->nkids);
    return r;
}

/* A scalar broadcast to a vector: every entry moves with it. */
static nd_node *j_bcast(jac *J, nd_node *u)
{
    nd_ctx *ctx = J->ctx;
    nd_node *k = u->kid[0];
    if (!expr_is_scalar(ctx, k))
        unsupported(J, u, " (of a vector to a matrix)");
    return times(J, mk_ones(ctx, shape_make(numel_dim(ctx, u), DIM_ONE)), jac_of(J, k));
}

/* J(u1 .* u2 .* ...) = sum_i diag(the other factors) * J(u_i) */
static nd_node *j_emul(jac *J, nd_node *u)
{
    nd_ctx *ctx = J->ctx;
    nd_node **t = temp(ctx, u->nkids);
    for (uint32_t i = 0; i < u->nkids; i++) {
        t[i] = NULL;
        if (!depends(J, u->kid[i]))
            continue;
        nd_node *others = NULL;
        for (uint32_t k = 0; k < u->nkids; k++)
            if (k != i)
                others = others ? mk_emul(ctx, others, u->kid[k]) : u->kid[k];
        t[i] = times(J, diag_of(ctx, others), jac_of(J, u->kid[i]));
    }
    nd_node *r = sum_of(J, t, (int)u->nkids);
    return r;
}

/* Elementwise functions, whichever: J(f(v)) = diag(f'(v)) * J(v). */
static nd_node *j_elem(jac *J, nd_node *u)
{
    const nd_opinfo *o = &ops_table[u->op];
    if (!o->deriv)
        return NULL;    /* piecewise constant: derivative 0 */
    nd_node *d = o->deriv(J->ctx, u->kid[0], u);
    return times(J, diag_of(J->ctx, d), jac_of(J, u->kid[0]));
}

/* b .^ p, p a scalar: diag(p*b.^(p-1))*J(b) + (b.^p .* log(b))*J(p) */
static nd_node *j_epow(jac *J, nd_node *u)
{
    nd_ctx *ctx = J->ctx;
    nd_node *b = u->kid[0], *p = u->kid[1], *jb = NULL, *jp = NULL;
    if (depends(J, b)) {
        nd_node *d = mk_mul(ctx, p, mk_pow(ctx, b, mk_sub(ctx, p, mk_int(ctx, 1))));
        jb = times(J, diag_of(ctx, d), jac_of(J, b));
    }
    if (depends(J, p) && !mk_is_zero(b))
        jp = times(J, vec_of(ctx, mk_emul(ctx, u, mk_fn(ctx, OP_LOG, b))), jac_of(J, p));
    return plus(J, jb, jp);
}

/* The product of f[0..n-1] (in order) and then r, or NULL for none. */
static nd_node *prod_of(nd_ctx *ctx, nd_node *const *f, int n, nd_node *r)
{
    nd_node **v = temp(ctx, ((size_t)n + 1));
    int k = 0;
    for (int i = 0; i < n; i++)
        v[k++] = f[i];
    if (r)
        v[k++] = r;
    nd_node *p = k == 0 ? NULL : k == 1 ? v[0] : mk_prod(ctx, v, k);
    return p;
}

/* J(f[0]*...*f[n-1]*r), a column or a scalar, with r fixed: each factor
 * that varies in turn, the others fixed.  Between a left part L and a
 * right part R, J(L*f*R) = L*J(f*R); a scalar factor s gives
 * (the rest)*J(s). */
static nd_node *j_chain(jac *J, nd_node *const *f, int n, nd_node *r)
{
    nd_ctx *ctx = J->ctx;
    nd_node **t = temp(ctx, ((size_t)n + 1));
    nd_node **rest = temp(ctx, ((size_t)n + 1));
    for (int i = 0; i < n; i++) {
        t[i] = NULL;
        if (!depends(J, f[i]))
            continue;
        if (expr_is_scalar(ctx, f[i])) {
            int k = 0;
            for (int j = 0; j < n; j++)
                if (j != i)
                    rest[k++] = f[j];
            nd_node *others = prod_of(ctx, rest, k, r);
            nd_node *ji = jac_of(J, f[i]);
            t[i] = others ? times(J, column(ctx, others), ji) : ji;
            continue;
        }
        nd_node *left = prod_of(ctx, f, i, NULL);
        nd_node *right = prod_of(ctx, f + i + 1, n - i - 1, r);
        nd_node *jf = jac_times(J, f[i], right);
        t[i] = left ? times(J, left, jf) : jf;
    }
    nd_node *s = sum_of(J, t, n);
    return s;
}

/* The factors of a product transposed and in reverse order: (F*G)' = G'*F'. */
static nd_node **reversed(nd_ctx *ctx, const nd_node *p)
{
    nd_node **f = temp(ctx, ((size_t)p->nkids + 1));
    for (uint32_t i = 0; i < p->nkids; i++)
        f[i] = mk_transpose(ctx, p->kid[p->nkids - 1 - i]);
    return f;
}

/* A product that is a row has the Jacobian of its transpose, a column. */
static nd_node *j_prod(jac *J, nd_node *u)
{
    if (!shape_is_row(J->ctx, u->shape))
        return j_chain(J, u->kid, (int)u->nkids, NULL);
    nd_node **f = reversed(J->ctx, u);
    nd_node *r = j_chain(J, f, (int)u->nkids, NULL);
    return r;
}

/* softmax(z) = s: (diag(s) - s*s') * J(z), for a column z. */
static nd_node *j_softmax(jac *J, nd_node *u)
{
    nd_ctx *ctx = J->ctx;
    if (!dim_is_one(ctx, u->shape.cols))
        unsupported(J, u, " of a matrix or a row (column-wise)");
    nd_node *d = mk_sub(ctx, mk_fn(ctx, OP_DIAGM, u), mk_mul(ctx, u, mk_transpose(ctx, u)));
    return times(J, d, jac_of(J, u->kid[0]));
}

/* logsoftmax(z): J(z) - ones*(softmax(z)'*J(z)), for a column z. */
static nd_node *j_logsoftmax(jac *J, nd_node *u)
{
    nd_ctx *ctx = J->ctx;
    if (!dim_is_one(ctx, u->shape.cols))
        unsupported(J, u, " of a matrix or a row (column-wise)");
    nd_node *jz = jac_of(J, u->kid[0]);
    if (!jz)
        return NULL;
    nd_node *s = mk_transpose(ctx, mk_fn(ctx, OP_SOFTMAX, u->kid[0]));
    nd_node *ones = mk_ones(ctx, shape_make(u->shape.rows, DIM_ONE));
    return mk_sub(ctx, jz, mk_mul3(ctx, ones, s, jz));
}

static nd_node *diag_of_matrix(jac *J, nd_node *m);

/* diag(L*(P + Q)*R) = diag(L*P*R) + diag(L*Q*R), the sum c[i]. */
static nd_node *diag_of_distributed(jac *J, nd_node *const *c, int k, int i)
{
    nd_ctx *ctx = J->ctx;
    nd_node **f = temp(ctx, (size_t)k), *d = NULL;
    memcpy(f, c, (size_t)k * sizeof *f);
    for (uint32_t t = 0; t < c[i]->nkids; t++) {
        f[i] = c[i]->kid[t];
        nd_node *e = diag_of_matrix(J, prod_of(ctx, f, k, NULL));
        if (!e) {
            d = NULL;
            break;
        }
        d = d ? mk_add2(ctx, d, e) : e;
    }
    return d;
}

/* The diagonal of a product of matrices: diag(diag(u)*R) = u .* diag(R),
 * diag(L*diag(u)) = diag(L) .* u, diag(L*a*b'*R) = (L*a) .* (R'*b),
 * diag(s*R) = s*diag(R); NULL when none applies. */
static nd_node *diag_of_prod(jac *J, nd_node *m)
{
    nd_ctx *ctx = J->ctx;
    int n = (int)m->nkids, s0 = 0;
    while (s0 < n && expr_is_scalar(ctx, m->kid[s0]))
        s0++;
    nd_node *const *c = m->kid + s0, *d = NULL;
    int k = n - s0;
    if (k == 1) {
        d = diag_of_matrix(J, c[0]);
    } else if (c[0]->op == OP_DIAGM) {
        nd_node *rest = diag_of_matrix(J, prod_of(ctx, c + 1, k - 1, NULL));
        d = rest ? mk_emul(ctx, c[0]->kid[0], rest) : NULL;
    } else if (c[k - 1]->op == OP_DIAGM) {
        nd_node *rest = diag_of_matrix(J, prod_of(ctx, c, k - 1, NULL));
        d = rest ? mk_emul(ctx, rest, c[k - 1]->kid[0]) : NULL;
    } else {
        for (int i = 0; i + 1 < k && !d; i++)
            if (dim_is_one(ctx, c[i]->shape.cols) && dim_is_one(ctx, c[i + 1]->shape.rows))
                d = mk_emul(ctx, prod_of(ctx, c, i + 1, NULL),
                            mk_transpose(ctx, prod_of(ctx, c + i + 1, k - i - 1, NULL)));
        for (int i = 0; i < k && !d; i++)
            if (c[i]->op == OP_ADD && depends(J, c[i]))
                d = diag_of_distributed(J, c, k, i);
    }
    for (int i = 0; i < s0 && d; i++)
        d = mk_mul(ctx, m->kid[i], d);
    return d;
}

/* diag(A .* B) = diag(A) .* diag(B) */
static nd_node *diag_of_emul(jac *J, nd_node *m)
{
    nd_node *d = NULL;
    for (uint32_t i = 0; i < m->nkids; i++) {
        nd_node *e = diag_of_matrix(J, m->kid[i]);
        if (!e)
            return NULL;
        d = d ? mk_emul(J->ctx, d, e) : e;
    }
    return d;
}

/* diag of a sum, the sum of the diagonals */
static nd_node *diag_of_add(jac *J, nd_node *m)
{
    nd_node **t = temp(J->ctx, m->nkids);
    uint32_t i = 0;
    while (i < m->nkids && (t[i] = diag_of_matrix(J, m->kid[i])))
        i++;
    nd_node *d = i == m->nkids ? mk_add(J->ctx, t, (int)i) : NULL;
    return d;
}

/* The diagonal of a broadcast: c*ones, a column c, a row r as r'. */
static nd_node *diag_of_bcast(jac *J, nd_node *m)
{
    nd_ctx *ctx = J->ctx;
    nd_node *k = m->kid[0];
    if (expr_is_scalar(ctx, k))
        return mk_bcast(ctx, k, shape_make(m->shape.rows, DIM_ONE));
    return column(ctx, k);
}

/* diag(M) of a square M as a vector expression the vector rules take
 * (diag(diag(u)*A) = u .* diag(A)), or NULL when there is none. */
static nd_node *diag_of_matrix(jac *J, nd_node *m)
{
    nd_ctx *ctx = J->ctx;
    if (!depends(J, m))
        return mk_fn(ctx, OP_DIAGV, m);
    if (ops_table[m->op].cls == OPC_ELEM) {     /* diag(f(M)) = f(diag(M)) */
        nd_node *d = diag_of_matrix(J, m->kid[0]);
        return d ? mk_fn(ctx, (enum nd_op)m->op, d) : NULL;
    }
    switch ((enum nd_op)m->op) {
    case OP_DIAGM: return m->kid[0];
    case OP_TRANSPOSE: return diag_of_matrix(J, m->kid[0]);
    case OP_ADD: return diag_of_add(J, m);
    case OP_EMUL: return diag_of_emul(J, m);
    case OP_PROD: return diag_of_prod(J, m);
    case OP_BCAST: return diag_of_bcast(J, m);
    default: return NULL;
    }
}

static nd_node *j_diagv(jac *J, nd_node *u)
{
    nd_node *d = diag_of_matrix(J, u->kid[0]);
    if (!d)
        unsupported(J, u->kid[0], " inside diag(...) of a matrix");
    return jac_of(J, d);
}

static nd_node *x_index(jac *J, nd_node *u);

/* A block of a vector: those rows of its Jacobian (of a matrix: x_index). */
static nd_node *j_index(jac *J, nd_node *u)
{
    nd_ctx *ctx = J->ctx;
    nd_node *x = u->kid[0];
    if (!is_vector(ctx, x))
        return x_index(J, u);
    nd_node *jx = jac_of(J, x);
    if (!jx)
        return NULL;
    long off = block_row0(u) + block_col0(u);   /* one of them is 0 */
    return mk_index(ctx, jx, off, 0, shape_make(column(ctx, u)->shape.rows, jx->shape.cols));
}

/* [a; b] of columns, [a, b] of rows (or scalars): the parts' Jacobians
 * stacked; a part that does not depend on x is a zero block. */
static nd_node *j_cat(jac *J, nd_node *u)
{
    nd_ctx *ctx = J->ctx;
    nd_node *p[2];
    for (int i = 0; i < 2; i++) {
        if (!is_vector(ctx, u->kid[i]))
            unsupported(J, u, " (a stack of matrices)");
        p[i] = jac_of(J, u->kid[i]);
    }
    if (p[0] && p[1])
        return mk_vcat(ctx, p[0], p[1]);
    /* one part: placed, eye(k)(:, r)*J (a zero block would print as
     * vector(0), whose size does not read back) */
    nd_dim k = column(ctx, u)->shape.rows;
    long len0 = dim_value(ctx, column(ctx, u->kid[0])->shape.rows);
    nd_node *q = p[0] ? p[0] : p[1];
    nd_node *e = mk_index(ctx, expr_eye(ctx, k), 0, p[0] ? 0 : len0,
                          shape_make(k, column(ctx, u->kid[p[0] ? 0 : 1])->shape.rows));
    return mk_mul(ctx, e, q);
}

/* ---- matrices times a fixed column ---- */

/* diag(v)*r = r .* v */
static nd_node *m_diagm(jac *J, nd_node *m, nd_node *r)
{
    return times(J, mk_fn(J->ctx, OP_DIAGM, r), jac_of(J, m->kid[0]));
}

static nd_node *m_add(jac *J, nd_node *m, nd_node *r)
{
    nd_node *s = NULL;
    for (uint32_t i = 0; i < m->nkids; i++)
        s = plus(J, s, jac_times(J, m->kid[i], r));
    return s;
}

static nd_node *m_prod(jac *J, nd_node *m, nd_node *r)
{
    return j_chain(J, m->kid, (int)m->nkids, r);
}

/* (N')*r: N's transpose pushed down (a product reversed, a sum's terms,
 * a symmetric matrix itself), then its rule. */
static nd_node *m_transpose(jac *J, nd_node *m, nd_node *r)
{
    nd_ctx *ctx = J->ctx;
    nd_node *n = m->kid[0];
    if (ops_table[n->op].symmetry == SYMM_ALWAYS)
        return jac_times(J, n, r);
    if (n->op == OP_PROD) {
        nd_node **f = reversed(ctx, n);
        nd_node *s = j_chain(J, f, (int)n->nkids, r);
        return s;
    }
    if (n->op == OP_ADD) {
        nd_node *s = NULL;
        for (uint32_t i = 0; i < n->nkids; i++)
            s = plus(J, s, jac_times(J, mk_transpose(ctx, n->kid[i]), r));
        return s;
    }
    if (n->op == OP_INV)    /* inv(N)' = inv(N') */
        return jac_times(J, mk_fn(ctx, OP_INV, mk_transpose(ctx, n->kid[0])), r);
    /* N'*r = (r'*N)', and vec(r'*N) = kron(eye(q), r')*vec(N) */
    nd_node *rt = mk_transpose(ctx, r);
    nd_node *k[2] = { expr_eye(ctx, n->shape.cols), rt };
    return times(J, mk_call(ctx, OP_KRON, k, 2), jac_of(J, n));
}

/* A broadcast matrix times r: of a scalar c, c*(ones*r); of a column c,
 * c*sum(r); of a row w, ones*(w*r). */
static nd_node *m_bcast(jac *J, nd_node *m, nd_node *r)
{
    nd_ctx *ctx = J->ctx;
    nd_node *k = m->kid[0], *jk = jac_of(J, k);
    if (!jk)
        return NULL;
    if (expr_is_scalar(ctx, k))
        return mk_mul(ctx, mk_mul(ctx, mk_ones(ctx, m->shape), r), jk);
    if (dim_is_one(ctx, k->shape.cols))
        return mk_mul(ctx, mk_colsum(ctx, r), jk);
    nd_node *ones = mk_ones(ctx, shape_make(m->shape.rows, DIM_ONE));
    return mk_mul3(ctx, ones, mk_transpose(ctx, r), jk);
}

/* d(inv(N))*r = -inv(N)*dN*(inv(N)*r) */
static nd_node *m_inv(jac *J, nd_node *m, nd_node *r)
{
    nd_node *d = jac_times(J, m->kid[0], mk_mul(J->ctx, m, r));
    return d ? mk_neg(J->ctx, mk_mul(J->ctx, m, d)) : NULL;
}

/* d(N^k)*r = sum_j N^j*dN*(N^(k-1-j)*r) */
static nd_node *m_mpow(jac *J, nd_node *m, nd_node *r)
{
    nd_ctx *ctx = J->ctx;
    nd_node *n = m->kid[0], *s = NULL;
    for (long j = 0; j < m->u.k; j++) {
        nd_node *d = jac_times(J, n, mk_mul(ctx, mk_mpow(ctx, n, m->u.k - 1 - j), r));
        s = plus(J, s, times(J, mk_mpow(ctx, n, j), d));
    }
    return s;
}

/* ---- matrices through vec ---- */

static nd_node *kron(nd_ctx *ctx, nd_node *a, nd_node *b)
{
    nd_node *k[2] = { a, b };
    return mk_call(ctx, OP_KRON, k, 2);
}

/* vec(L*N*R) = kron(R', L)*vec(N); L or R NULL: the identity. */
static nd_node *sandwich(nd_ctx *ctx, nd_node *l, nd_node *n, nd_node *r)
{
    nd_node *rt = r ? mk_transpose(ctx, r) : expr_eye(ctx, n->shape.cols);
    return kron(ctx, rt, l ? l : expr_eye(ctx, n->shape.rows));
}

/* J(c*M1*...*Mk) of a matrix-valued product: each factor that varies in
 * turn, the others fixed; a scalar factor s gives vec(the rest)*J(s). */
static nd_node *x_prod(jac *J, nd_node *u)
{
    nd_ctx *ctx = J->ctx;
    int n = (int)u->nkids;
    nd_node **t = temp(ctx, (size_t)n), **rest = temp(ctx, (size_t)n);
    for (int i = 0; i < n; i++) {
        nd_node *f = u->kid[i];
        t[i] = NULL;
        if (!depends(J, f))
            continue;
        int k = 0;
        for (int j = 0; j < n; j++)
            if (j != i)
                rest[k++] = u->kid[j];
        if (expr_is_scalar(ctx, f)) {
            t[i] = times(J, vec_of(ctx, prod_of(ctx, rest, k, NULL)), jac_of(J, f));
            continue;
        }
        int nl = 0, nr = 0;     /* the scalars, the matrices left and right of f */
        nd_node **sc = temp(ctx, (size_t)n), **l = temp(ctx, (size_t)n), **r = temp(ctx, (size_t)n);
        int ns = 0;
        for (int j = 0; j < n; j++) {
            nd_node *g = u->kid[j];
            if (j == i)
                continue;
            if (expr_is_scalar(ctx, g))
                sc[ns++] = g;
            else if (j < i)
                l[nl++] = g;
            else
                r[nr++] = g;
        }
        nd_node *left = prod_of(ctx, l, nl, NULL), *right = prod_of(ctx, r, nr, NULL);
        nd_node *jf = jac_of(J, f);
        if (left || right)
            jf = times(J, sandwich(ctx, left, f, right), jf);
        nd_node *c = prod_of(ctx, sc, ns, NULL);
        t[i] = c ? times(J, c, jf) : jf;
    }
    return sum_of(J, t, n);
}

/* The commutation matrix K of an m x n matrix, K*vec(N) = vec(N'):
 * the sum over j of kron(kron(e_j', eye(m)), e_j), e_j the columns of
 * eye(n); n terms, so n is bounded. */
#define JAC_MAX_COMMUTE 64

static nd_node *commutation(jac *J, nd_node *u, long m, long n)
{
    nd_ctx *ctx = J->ctx;
    if (m <= 0 || n <= 0 || n > JAC_MAX_COMMUTE)
        unsupported(J, u, " (a commutation matrix of more than 64 columns)");
    nd_dim dn = dim_const(ctx, n);
    nd_node *e = expr_eye(ctx, dn), **t = temp(ctx, (size_t)n);
    for (long j = 0; j < n; j++) {
        nd_node *row = mk_index(ctx, e, j, 0, shape_make(DIM_ONE, dn));
        nd_node *col = mk_index(ctx, e, 0, j, shape_make(dn, DIM_ONE));
        t[j] = kron(ctx, kron(ctx, row, expr_eye(ctx, dim_const(ctx, m))), col);
    }
    return n == 1 ? t[0] : mk_add(ctx, t, (int)n);
}

/* J(N') = K*J(N); a symmetric N is its own transpose. */
static nd_node *x_transpose(jac *J, nd_node *u)
{
    nd_ctx *ctx = J->ctx;
    nd_node *n = u->kid[0];
    if (mk_transpose(ctx, n) == n)
        return jac_of(J, n);
    nd_node *jn = jac_of(J, n);
    if (!jn)
        return NULL;
    return mk_mul(ctx, commutation(J, u, dim_value(ctx, n->shape.rows),
                                   dim_value(ctx, n->shape.cols)), jn);
}

/* d vec(inv(N)) = -kron(inv(N)', inv(N)) d vec(N) */
static nd_node *x_inv(jac *J, nd_node *u)
{
    nd_ctx *ctx = J->ctx;
    nd_node *jn = jac_of(J, u->kid[0]);
    return jn ? mk_neg(ctx, mk_mul(ctx, kron(ctx, mk_transpose(ctx, u), u), jn)) : NULL;
}

/* d vec(N^k) = sum_j kron((N^(k-1-j))', N^j) d vec(N) */
static nd_node *x_mpow(jac *J, nd_node *u)
{
    nd_ctx *ctx = J->ctx;
    nd_node *n = u->kid[0], *jn = jac_of(J, n), *s = NULL;
    for (long j = 0; j < u->u.k && jn; j++) {
        nd_node *l = j ? mk_mpow(ctx, n, j) : NULL;
        nd_node *r = u->u.k - 1 - j ? mk_mpow(ctx, n, u->u.k - 1 - j) : NULL;
        s = plus(J, s, l || r ? mk_mul(ctx, sandwich(ctx, l, n, r), jn) : jn);
    }
    return s;
}

/* N(r, c) = P*N*Q with P = eye(m)(r, :) and Q = eye(n)(:, c), so
 * J(N(r, c)) = kron(eye(n)(c, :), eye(m)(r, :))*J(N) (one of them the
 * identity when the block spans that side); N of numeric size. */
static nd_node *x_index(jac *J, nd_node *u)
{
    nd_ctx *ctx = J->ctx;
    nd_node *n = u->kid[0];
    if (numel(ctx, n) == 0)
        unsupported(J, u, " (a block of a matrix of symbolic size)");
    nd_node *jn = jac_of(J, n);
    if (!jn)
        return NULL;
    nd_dim m = n->shape.rows, q = n->shape.cols;
    nd_node *p = mk_index(ctx, expr_eye(ctx, m), block_row0(u), 0, shape_make(u->shape.rows, m));
    nd_node *c = mk_index(ctx, expr_eye(ctx, q), block_col0(u), 0, shape_make(u->shape.cols, q));
    return mk_mul(ctx, kron(ctx, c, p), jn);
}

/* vec(diag(v)) = sum_i kron(e_i, e_i)*e_i'*v, e_i the columns of eye(n):
 * n terms, so n is a number and bounded as the commutation matrix is. */
static nd_node *x_diagm(jac *J, nd_node *u)
{
    nd_ctx *ctx = J->ctx;
    long n = dim_value(ctx, u->shape.rows);
    if (n <= 0 || n > JAC_MAX_COMMUTE)
        unsupported(J, u, " (of a vector to a matrix of more than 64 rows)");
    nd_node *jv = jac_of(J, u->kid[0]);
    if (!jv)
        return NULL;
    nd_dim dn = dim_const(ctx, n);
    nd_node *e = expr_eye(ctx, dn), **t = temp(ctx, (size_t)n);
    for (long i = 0; i < n; i++) {
        nd_node *col = mk_index(ctx, e, 0, i, shape_make(dn, DIM_ONE));
        t[i] = mk_mul(ctx, kron(ctx, col, col), mk_transpose(ctx, col));
    }
    return mk_mul(ctx, n == 1 ? t[0] : mk_add(ctx, t, (int)n), jv);
}

/* kron(I, M) and kron(M, I) without a kron of size 1 */
static nd_node *kron_eye_left(nd_ctx *ctx, long k, nd_node *m)
{
    return k == 1 ? m : kron(ctx, expr_eye(ctx, dim_const(ctx, k)), m);
}

static nd_node *kron_eye_right(nd_ctx *ctx, nd_node *m, long k)
{
    return k == 1 ? m : kron(ctx, m, expr_eye(ctx, dim_const(ctx, k)));
}

/* vec(kron(A, B)) = P*(vec(A) (x) vec(B)), A p x q, B r x s, with
 * P = kron(kron(eye(q), K), eye(r)) and K the commutation matrix of an
 * s x p matrix (Magnus and Neudecker); so J = P*kron(eye(p*q), vec(B))*J(A)
 * + P*kron(vec(A), eye(r*s))*J(B). */
static nd_node *x_kron(jac *J, nd_node *u)
{
    nd_ctx *ctx = J->ctx;
    nd_node *a = u->kid[0], *b = u->kid[1];
    long p = dim_value(ctx, a->shape.rows), q = dim_value(ctx, a->shape.cols);
    long r = dim_value(ctx, b->shape.rows), s = dim_value(ctx, b->shape.cols);
    nd_node *ja = jac_of(J, a), *jb = jac_of(J, b);
    if (!ja && !jb)
        return NULL;
    nd_node *k = p == 1 || s == 1 ? NULL : commutation(J, u, s, p);
    nd_node *pm = k ? kron_eye_right(ctx, kron_eye_left(ctx, q, k), r) : NULL;
    nd_node *ta = NULL, *tb = NULL;
    if (ja)
        ta = mk_mul(ctx, kron_eye_left(ctx, p * q, vec_of(ctx, b)), ja);
    if (jb)
        tb = mk_mul(ctx, kron_eye_right(ctx, vec_of(ctx, a), r * s), jb);
    nd_node *t = plus(J, ta, tb);
    return pm && t ? mk_mul(ctx, pm, t) : t;
}

/* vec and unvec keep the entries in their order */
static nd_node *x_same(jac *J, nd_node *u)
{
    return jac_of(J, u->kid[0]);
}

/* ORDER OP: the operators with rules; the elementwise functions share
 * j_elem, and every scalar has the rule of jac_scalar. */
static const jac_row jac_rules[OP__COUNT] = {
    [OP_VAR] = { j_var, NULL, j_var },
    [OP_BCAST] = { j_bcast, m_bcast, j_bcast },
    [OP_ADD] = { j_add, m_add, j_add },
    [OP_PROD] = { j_prod, m_prod, x_prod },
    [OP_EMUL] = { j_emul, NULL, j_emul },
    [OP_EPOW] = { j_epow, NULL, j_epow },
    [OP_MPOW] = { NULL, m_mpow, x_mpow },
    [OP_TRANSPOSE] = { j_transpose, m_transpose, x_transpose },
    [OP_INV] = { NULL, m_inv, x_inv },
    [OP_DIAGM] = { NULL, m_diagm, x_diagm },
    [OP_DIAGV] = { j_diagv, NULL },
    [OP_SOFTMAX] = { j_softmax, NULL },
    [OP_LOGSOFTMAX] = { j_logsoftmax, NULL },
    [OP_INDEX] = { j_index, NULL, x_index },
    [OP_VCAT] = { j_cat, NULL },
    [OP_HCAT] = { j_cat, NULL },
    [OP_VEC] = { x_same, NULL, NULL },
    [OP_UNVEC] = { NULL, NULL, x_same },
    [OP_KRON] = { x_kron, NULL, x_kron },
};

static int is_root(const jac *J, const nd_node *u)
{
    for (int i = 0; i < J->n_roots; i++)
        if (J->roots[i] == u)
            return 1;
    return 0;
}

/* J(u) for a vector u (NULL: zero), made once per node. */
static nd_node *jac_of(jac *J, nd_node *u)
{
    nd_ctx *ctx = J->ctx;
    if (!depends(J, u))
        return NULL;
    if (u->id < J->n_memo && J->memo[u->id])
        return J->memo[u->id];
    nd_node *r;
    if (expr_is_scalar(ctx, u) && u != J->x)
        r = jac_scalar(J, u);
    else if (!is_vector(ctx, u) && numel(ctx, u) == 0)
        unsupported(J, u, " of a matrix of symbolic size (vec needs numeric sizes)");
    else if (!is_vector(ctx, u) && ops_table[u->op].cls != OPC_ELEM && !jac_rules[u->op].mat)
        unsupported(J, u, " of a matrix (through vec)");
    else if (!is_vector(ctx, u) && ops_table[u->op].cls != OPC_ELEM)
        r = jac_rules[u->op].mat(J, u);
    else if (ops_table[u->op].cls == OPC_ELEM)
        r = j_elem(J, u);
    else if (jac_rules[u->op].vec)
        r = jac_rules[u->op].vec(J, u);
    else
        unsupported(J, u, "");
    if (r && J->named && (u->flags & NF_NAMED) && u->op != OP_VAR && !is_root(J, u))
        r = J->named(J->user, u, r);
    if (u->id >= J->n_memo) {
        uint32_t n = ctx->dag->n_nodes;
        J->memo = xrealloc(J->memo, n * sizeof *J->memo);
        memset(J->memo + J->n_memo, 0, (n - J->n_memo) * sizeof *J->memo);
        J->n_memo = n;
    }
    return J->memo[u->id] = r;
}

/* J(m*r) with r fixed (NULL: m alone, a vector). */
static nd_node *jac_times(jac *J, nd_node *m, nd_node *r)
{
    nd_ctx *ctx = J->ctx;
    if (!depends(J, m))
        return NULL;
    if (expr_is_scalar(ctx, m))
        return r ? times(J, column(ctx, r), jac_of(J, m)) : jac_of(J, m);
    if (dim_is_one(ctx, m->shape.cols))     /* a column times a scalar */
        return r ? times(J, r, jac_of(J, m)) : jac_of(J, m);
    if (!r)
        return jac_of(J, m);        /* a matrix through vec */
    if (dim_is_one(ctx, m->shape.rows))     /* a row times a column: r'*J(m) */
        return times(J, mk_transpose(ctx, r), jac_of(J, m));
    if (!jac_rules[m->op].times)    /* vec(M*r) = kron(r', eye(m))*vec(M) */
        return times(J, kron(ctx, mk_transpose(ctx, r), expr_eye(ctx, m->shape.rows)),
                     jac_of(J, m));
    return jac_rules[m->op].times(J, m, r);
}

/* ---- tidying ---- */

static nd_node *tidy_node(void *user, nd_node *n);

/* A sum's diagonal terms as one, diag(a) + diag(b) = diag(a + b), and the
 * terms diag(a)*R + diag(b)*R as diag(a + b)*R; NULL when none merge. */
static nd_node *tidy_sum(nd_ctx *ctx, nd_node *n)
{
    nd_node **k = xmalloc(n->nkids * sizeof *k);
    memcpy(k, n->kid, n->nkids * sizeof *k);
    int w = merge_diags(ctx, k, (int)n->nkids);
    nd_node *r = NULL;
    if ((uint32_t)w < n->nkids) {
        simplify_substitute(ctx, k, w, 0, tidy_node, ctx);
        r = w == 1 ? k[0] : mk_add(ctx, k, w);
    }
    free(k);
    return r;
}

/* Can kron(A, B)*kron(C, D) be kron(A*C, B*D) (the mixed product: the
 * chain rule through A*X and then B*(...) stacks kron(I, B)*kron(I, A))? */
static int krons_meet(nd_ctx *ctx, const nd_node *a, const nd_node *b)
{
    return a->op == OP_KRON && b->op == OP_KRON && !(a->flags & NF_NAMED) &&
           !(b->flags & NF_NAMED) && dim_same(ctx, a->kid[0]->shape.cols, b->kid[0]->shape.rows) &&
           dim_same(ctx, a->kid[1]->shape.cols, b->kid[1]->shape.rows);
}

static nd_node *tidy_krons(nd_ctx *ctx, nd_node *n)
{
    nd_node **k = xmalloc(n->nkids * sizeof *k);
    int w = 0;
    for (uint32_t i = 0; i < n->nkids; i++) {
        nd_node *f = n->kid[i];
        if (w > 0 && krons_meet(ctx, k[w - 1], f)) {
            nd_node *g = k[w - 1];
            nd_node *a[2] = { mk_mul(ctx, g->kid[0], f->kid[0]), mk_mul(ctx, g->kid[1], f->kid[1]) };
            k[w - 1] = mk_call(ctx, OP_KRON, a, 2);
        } else {
            k[w++] = f;
        }
    }
    simplify_substitute(ctx, k, w, 0, tidy_node, ctx);
    nd_node *r = w == 1 ? k[0] : mk_prod(ctx, k, w);
    free(k);
    return r;
}

/* diag(a)*diag(b) = diag(a.*b) in a product: the chain rule through
 * layers of elementwise functions stacks their diagonals. */
static nd_node *tidy_node(void *user, nd_node *n)
{
    nd_ctx *ctx = user;
    if (n->flags & NF_NAMED)
        return n;       /* printed by name: left whole */
    if (n->op == OP_ADD)
        return tidy_sum(ctx, n);
    if (n->op != OP_PROD)
        return NULL;
    for (uint32_t i = 1; i < n->nkids; i++)
        if (krons_meet(ctx, n->kid[i - 1], n->kid[i]))
            return tidy_krons(ctx, n);
    int adjacent = 0;
    for (uint32_t i = 1; i < n->nkids; i++)
        adjacent |= n->kid[i]->op == OP_DIAGM && n->kid[i - 1]->op == OP_DIAGM &&
                    !(n->kid[i]->flags & NF_NAMED) && !(n->kid[i - 1]->flags & NF_NAMED);
    if (!adjacent)
        return NULL;
    nd_node **k = xmalloc(n->nkids * sizeof *k);
    int w = 0;
    for (uint32_t i = 0; i < n->nkids; i++) {
        nd_node *f = n->kid[i];
        if (w > 0 && f->op == OP_DIAGM && k[w - 1]->op == OP_DIAGM && !(f->flags & NF_NAMED) &&
            !(k[w - 1]->flags & NF_NAMED))
            k[w - 1] = mk_fn(ctx, OP_DIAGM, mk_emul(ctx, k[w - 1]->kid[0], f->kid[0]));
        else
            k[w++] = f;
    }
    simplify_substitute(ctx, k, w, 0, tidy_node, ctx);
    nd_node *r = w == 1 ? k[0] : mk_prod(ctx, k, w);
    free(k);
    return r;
}

void jac_tidy(nd_ctx *ctx, nd_node **roots, int n)
{
    simplify_substitute(ctx, roots, n, 0, tidy_node, ctx);
}

/* ---- entry points ---- */

int jac_has_rule(int op)
{
    return op >= 0 && op < OP__COUNT && (jac_rules[op].vec || jac_rules[op].times);
}

int jac_var_ok(nd_ctx *ctx, int var)
{
    nd_var *v = &ctx->scope->vars[var];
    if (dim_is_one(ctx, v->shape.cols))
        return 1;
    return numel(ctx, v->node) > 0 && v->assume != AS_SYMMETRIC && v->assume != AS_SPD;
}

/* The zero Jacobian of f w.r.t. var. */
static nd_node *zero_of(nd_ctx *ctx, nd_node *f, int var)
{
    return mk_zero(ctx, shape_make(numel_dim(ctx, f), numel_dim(ctx, ctx->scope->vars[var].node)));
}

int jac_derive_named(nd_ctx *ctx, nd_node *const *f, int n, int var, jac_named_fn named,
                     void *user, nd_node **out)
{
    jac *J = xmalloc(sizeof *J);   /* on the heap: it outlives a longjmp */
    *J = (jac){ .ctx = ctx, .var = var, .x = ctx->scope->vars[var].node, .named = named,
                .user = user, .roots = f, .n_roots = n };
    volatile int failed = 1, nonzero = 0;
    DIAG_TRY(ctx, jb) {
        for (int i = 0; i < n; i++) {
            out[i] = jac_of(J, f[i]);
            nonzero += out[i] != NULL;
        }
        failed = 0;
    }
    DIAG_END_TRY(ctx, jb);
    free(J->dep);
    free(J->memo);
    free(J);
    if (failed)
        diag_throw(ctx);     /* the message is made: on to the caller's landing */
    for (int i = 0; i < n; i++) {
        if (out[i])
            jac_tidy(ctx, &out[i], 1);
        else
            out[i] = zero_of(ctx, f[i], var);
    }
    return nonzero;
}

nd_node *jac_derive(nd_ctx *ctx, nd_node *f, int var)
{
    nd_node *r;
    jac_derive_named(ctx, &f, 1, var, NULL, NULL, &r);
    return r;
}

nd_node *jac_hessian(nd_ctx *ctx, nd_node *f, int vi, int vj)
{
    nd_node *g;
    derive_gradients(ctx, f, &vi, 1, &g);
    emit_simplify_all(ctx, &g, 1);
    return jac_derive(ctx, g, vj);
}
