/* refeval.c: the reference interpreter (see refeval.h).  Written for
 * obviousness, not speed: every operation on fresh heap matrices. */
#include "refeval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "scope.h"
#include "shape.h"

typedef struct rmat {
    int r, c;
    double *a;
} rmat;

#define AT(m, i, j) ((m).a[(size_t)(i) * (size_t)(m).c + (size_t)(j)])

typedef struct ref {
    nd_ctx *ctx;
    nd_evalenv *env;
    rmat *binds;        /* by binding index */
    int failed;
} ref;

static rmat mk(int r, int c)
{
    rmat m = { r, c, calloc((size_t)r * (size_t)c + 1, sizeof(double)) };
    return m;
}

static rmat scalar(double v)
{
    rmat m = mk(1, 1);
    m.a[0] = v;
    return m;
}

static rmat copy(rmat x)
{
    rmat m = mk(x.r, x.c);
    memcpy(m.a, x.a, (size_t)x.r * (size_t)x.c * sizeof(double));
    return m;
}

static rmat eval(ref *R, const ast *a);

static rmat fail(ref *R)
{
    R->failed = 1;
    return scalar(NAN);
}

/* numpy-style broadcasting of a size-1 side */
static rmat zip(ref *R, rmat x, rmat y, double (*f)(double, double))
{
    int r = x.r == 1 ? y.r : x.r, c = x.c == 1 ? y.c : x.c;
    if ((x.r != r && x.r != 1) || (y.r != r && y.r != 1) || (x.c != c && x.c != 1) ||
        (y.c != c && y.c != 1))
        return fail(R);
    rmat m = mk(r, c);
    for (int i = 0; i < r; i++)
        for (int j = 0; j < c; j++)
            AT(m, i, j) = f(AT(x, x.r == 1 ? 0 : i, x.c == 1 ? 0 : j),
                            AT(y, y.r == 1 ? 0 : i, y.c == 1 ? 0 : j));
    return m;
}

static double f_add(double a, double b) { return a + b; }
static double f_sub(double a, double b) { return a - b; }
static double f_mul(double a, double b) { return a * b; }
static double f_div(double a, double b) { return a / b; }

static rmat matmul(ref *R, rmat x, rmat y)
{
    if (x.r == 1 && x.c == 1)
        return zip(R, x, y, f_mul);
    if (y.r == 1 && y.c == 1)
        return zip(R, x, y, f_mul);
    if (x.c != y.r)
        return fail(R);
    rmat m = mk(x.r, y.c);
    for (int i = 0; i < x.r; i++)
        for (int j = 0; j < y.c; j++)
            for (int k = 0; k < x.c; k++)
                AT(m, i, j) += AT(x, i, k) * AT(y, k, j);
    return m;
}

static rmat transpose(rmat x)
{
    rmat m = mk(x.c, x.r);
    for (int i = 0; i < x.r; i++)
        for (int j = 0; j < x.c; j++)
            AT(m, j, i) = AT(x, i, j);
    return m;
}

/* Gauss-Jordan; *det gets the determinant. */
static rmat inverse(ref *R, rmat x, double *det)
{
    int n = x.r;
    if (x.c != n)
        return fail(R);
    rmat a = copy(x), inv = mk(n, n);
    for (int i = 0; i < n; i++)
        AT(inv, i, i) = 1;
    *det = 1;
    for (int c = 0; c < n; c++) {
        int p = c;
        for (int i = c + 1; i < n; i++)
            if (fabs(AT(a, i, c)) > fabs(AT(a, p, c)))
                p = i;
        if (AT(a, p, c) == 0) {
            *det = 0;
            free(a.a);
            return inv;
        }
        if (p != c) {
            for (int j = 0; j < n; j++) {
                double t = AT(a, p, j);
                AT(a, p, j) = AT(a, c, j);
                AT(a, c, j) = t;
                t = AT(inv, p, j);
                AT(inv, p, j) = AT(inv, c, j);
                AT(inv, c, j) = t;
            }
            *det = -*det;
        }
        double piv = AT(a, c, c);
        *det *= piv;
        for (int j = 0; j < n; j++) {
            AT(a, c, j) /= piv;
            AT(inv, c, j) /= piv;
        }
        for (int i = 0; i < n; i++)
            if (i != c) {
                double f = AT(a, i, c);
                for (int j = 0; j < n; j++) {
                    AT(a, i, j) -= f * AT(a, c, j);
                    AT(inv, i, j) -= f * AT(inv, c, j);
                }
            }
    }
    free(a.a);
    return inv;
}

static rmat map(rmat x, double (*f)(double))
{
    rmat m = mk(x.r, x.c);
    for (int i = 0; i < x.r * x.c; i++)
        m.a[i] = f(x.a[i]);
    return m;
}

static double sigmoid(double v) { return 1 / (1 + exp(-v)); }
static double swish(double v) { return v * sigmoid(v); }
static double relu(double v) { return v > 0 ? v : 0; }
static double step(double v) { return v > 0; }
static double sign(double v) { return (v > 0) - (v < 0); }
static double softplus(double v) { return log1p(exp(v)); }

static const struct {
    const char *name;
    double (*f)(double);
} elementwise[] = {
    { "exp", exp }, { "log", log }, { "sqrt", sqrt }, { "abs", fabs }, { "sign", sign },
    { "sin", sin }, { "cos", cos }, { "tan", tan }, { "arcsin", asin }, { "arccos", acos },
    { "arctan", atan }, { "tanh", tanh }, { "cosh", cosh }, { "sinh", sinh }, { "log1p", log1p }, { "sigmoid", sigmoid }, { "swish", swish },
    { "relu", relu }, { "softplus", softplus }, { "step", step },
};

/* column-wise log-softmax; when expo, its exp (softmax) */
static rmat logsoftmax(rmat x, int expo)
{
    rmat m = mk(x.r, x.c);
    for (int j = 0; j < x.c; j++) {
        double mx = AT(x, 0, j), s = 0;
        for (int i = 1; i < x.r; i++)
            mx = fmax(mx, AT(x, i, j));
        for (int i = 0; i < x.r; i++)
            s += exp(AT(x, i, j) - mx);
        for (int i = 0; i < x.r; i++) {
            AT(m, i, j) = AT(x, i, j) - mx - log(s);
            if (expo)
                AT(m, i, j) = exp(AT(m, i, j));
        }
    }
    return m;
}

static double total(rmat x, int how)    /* 0 sum, 1 sum |.|, 2 sum squares */
{
    double s = 0;
    for (int i = 0; i < x.r * x.c; i++)
        s += how == 0 ? x.a[i] : how == 1 ? fabs(x.a[i]) : x.a[i] * x.a[i];
    return s;
}

static rmat reduce(ref *R, const char *f, rmat x)
{
    double det;
    if (!strcmp(f, "sum")) return scalar(total(x, 0));
    if (!strcmp(f, "norm1")) return scalar(total(x, 1));
    if (!strcmp(f, "norm2")) return scalar(total(x, 2));
    if (!strcmp(f, "norm")) return scalar(sqrt(total(x, 2)));
    if (!strcmp(f, "mean")) return scalar(total(x, 0) / (x.r * x.c));
    if (!strcmp(f, "tr")) {
        double s = 0;
        for (int i = 0; i < x.r && i < x.c; i++)
            s += AT(x, i, i);
        return scalar(s);
    }
    if (!strcmp(f, "det") || !strcmp(f, "logdet") || !strcmp(f, "inv")) {
        rmat inv = inverse(R, x, &det);
        if (!strcmp(f, "inv"))
            return inv;
        free(inv.a);
        return scalar(f[0] == 'd' ? det : log(det));
    }
    return fail(R);
}

static rmat diag(rmat x)
{
    if (x.c == 1) {
        rmat m = mk(x.r, x.r);
        for (int i = 0; i < x.r; i++)
            AT(m, i, i) = x.a[i];
        return m;
    }
    rmat m = mk(x.r, 1);
    for (int i = 0; i < x.r; i++)
        m.a[i] = AT(x, i, i);
    return m;
}

static rmat call(ref *R, const ast *a)
{
    const char *f = a->text;
    if (!strcmp(f, "eye")) {
        rmat n = eval(R, a->kids[0]);
        int k = (int)n.a[0];
        free(n.a);
        rmat m = mk(k, k);
        for (int i = 0; i < k; i++)
            AT(m, i, i) = 1;
        return m;
    }
    if (!strcmp(f, "vector") || !strcmp(f, "matrix"))
        return fail(R);
    rmat x = eval(R, a->kids[0]), r;
    if (!strcmp(f, "crossentropy")) {
        rmat y = eval(R, a->kids[1]), ls = logsoftmax(x, 0);
        double s = 0;
        for (int i = 0; i < ls.r * ls.c; i++)
            s -= y.a[i] * ls.a[i];
        free(y.a);
        free(ls.a);
        r = scalar(s);
    } else if (!strcmp(f, "softmax") || !strcmp(f, "logsoftmax")) {
        r = logsoftmax(x, f[0] == 's');
    } else if (!strcmp(f, "logsumexp")) {
        rmat ls = logsoftmax(x, 0);
        r = mk(1, x.c);
        for (int j = 0; j < x.c; j++)
            r.a[j] = AT(x, 0, j) - AT(ls, 0, j);
        free(ls.a);
    } else if (!strcmp(f, "diag")) {
        r = diag(x);
    } else {
        r.a = NULL;
        for (size_t i = 0; i < sizeof elementwise / sizeof *elementwise; i++)
            if (!strcmp(f, elementwise[i].name))
                r = map(x, elementwise[i].f);
        if (!r.a)
            r = reduce(R, f, x);
    }
    free(x.a);
    return r;
}

static rmat power(ref *R, rmat x, rmat p, int elementwise_op)
{
    if (elementwise_op || (x.r == 1 && x.c == 1))
        return zip(R, x, p, pow);
    int k = (int)p.a[0];
    double det;
    rmat base = k < 0 ? inverse(R, x, &det) : copy(x);
    rmat acc = mk(x.r, x.c);
    for (int i = 0; i < x.r; i++)
        AT(acc, i, i) = 1;
    for (int i = 0; i < abs(k); i++) {
        rmat t = matmul(R, acc, base);
        free(acc.a);
        acc = t;
    }
    free(base.a);
    return acc;
}

static rmat binary(ref *R, const ast *a)
{
    rmat x = eval(R, a->kids[0]), y = eval(R, a->kids[1]), r;
    switch (a->op) {
    case BIN_ADD: r = zip(R, x, y, f_add); break;
    case BIN_SUB: r = zip(R, x, y, f_sub); break;
    case BIN_MUL: r = matmul(R, x, y); break;
    case BIN_DIV: r = zip(R, x, y, f_div); break;
    case BIN_EMUL: r = zip(R, x, y, f_mul); break;
    case BIN_EDIV: r = zip(R, x, y, f_div); break;
    case BIN_POW: r = power(R, x, y, 0); break;
    default: r = power(R, x, y, 1); break;
    }
    free(x.a);
    free(y.a);
    return r;
}

static rmat name(ref *R, const ast *a)
{
    struct nd_sym *s = scope_lookup(R->ctx, a->text);
    if (!s)
        return fail(R);
    if (s->kind == SYM_DIM)
        return scalar((double)eval_dim(R->env, s->index));
    if (s->kind == SYM_BIND)
        return copy(R->binds[s->index]);
    nd_mat *v = &R->env->vars[s->index];
    rmat m = mk(v->rows, v->cols);
    for (int i = 0; i < v->rows * v->cols; i++)
        m.a[i] = mpfr_get_d(v->a[i], MPFR_RNDN);
    return m;
}

static rmat eval(ref *R, const ast *a)
{
    rmat x, r;
    switch (a->kind) {
    case AST_NUM:
        return scalar(strtod(a->text, NULL));
    case AST_NAME:
        return name(R, a);
    case AST_CALL:
        return call(R, a);
    case AST_BINARY:
        return binary(R, a);
    case AST_POS:
        return eval(R, a->kids[0]);
    case AST_NEG:
        x = eval(R, a->kids[0]);
        r = mk(x.r, x.c);
        for (int i = 0; i < x.r * x.c; i++)
            r.a[i] = -x.a[i];
        free(x.a);
        return r;
    case AST_TRANSPOSE:
        x = eval(R, a->kids[0]);
        r = transpose(x);
        free(x.a);
        return r;
    case AST_INDEX:     /* indexing and blocks: not in the reference (random */
    case AST_COLON:     /* programs do not use them; test_rules checks them) */
    case AST_RANGE:
    case AST_VCAT:
    case AST_HCAT:
        break;
    }
    return fail(R);
}

int ref_objective(nd_ctx *ctx, const nd_prog *prog, nd_evalenv *env, double *value)
{
    ref R = { ctx, env, calloc((size_t)ctx->scope->n_binds + 1, sizeof(rmat)), 0 };
    for (const ast_stmt *st = prog->ast.first; st; st = st->next) {
        if (st->kind != ST_ASSIGN && st->kind != ST_EXPR)
            continue;
        const char *nm = st->kind == ST_ASSIGN ? st->names.v[0].name : "f";
        struct nd_sym *s = scope_lookup(ctx, nm);
        R.binds[s->index] = eval(&R, st->expr);
    }
    rmat obj = R.binds[prog->objective];
    *value = obj.a ? obj.a[0] : NAN;
    for (int i = 0; i < ctx->scope->n_binds; i++)
        free(R.binds[i].a);
    free(R.binds);
    return R.failed || !isfinite(*value) ? -1 : 0;
}
