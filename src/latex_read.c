/* latex_read.c: LaTeX answers as answer lines (see latex_read.h): the rows
 * and equations of the math, the shapes that decide x^2 and x/y, and the
 * printer of the input language that keeps the way back to the .tex file. */
#include "latex_impl.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ---- names ---- */

static int by_name(const void *a, const void *b)
{
    return strcmp(((const lr_name *)a)->name, ((const lr_name *)b)->name);
}

void lr_sort_names(lr_name *names, int n)
{
    qsort(names, (size_t)n, sizeof *names, by_name);
}

enum lr_kind lr_lookup(lr_ctx *L, const char *name, lr_shape *shape)
{
    shape->rows = shape->cols = NULL;
    for (int i = L->n_defs; i-- > 0;)
        if (!strcmp(L->defs[i].name, name)) {
            *shape = L->defs[i].shape;
            return LR_BIND;
        }
    lr_name key = { .name = name };
    const lr_name *f = L->names->n ? bsearch(&key, L->names->names, (size_t)L->names->n,
                                             sizeof key, by_name) : NULL;
    if (!f)
        return LR_NONE;
    shape->rows = f->rows;
    shape->cols = f->cols;
    return f->kind;
}

const char *lr_inline_text(lr_ctx *L, const char *name)
{
    for (int i = L->n_defs; i-- > 0;)
        if (!strcmp(L->defs[i].name, name))
            return L->defs[i].inline_text;
    return NULL;
}

static void define(lr_ctx *L, const char *name, lr_shape shape, const char *inline_text)
{
    if (L->n_defs == L->cap_defs) {
        L->cap_defs = L->cap_defs ? 2 * L->cap_defs : 16;
        L->defs = xrealloc(L->defs, (size_t)L->cap_defs * sizeof *L->defs);
    }
    L->defs[L->n_defs].name = name;
    L->defs[L->n_defs].inline_text = inline_text;
    L->defs[L->n_defs++].shape = shape;
}

int lr_is_latex_name(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && (!strcmp(dot, ".tex") || !strcmp(dot, ".latex") || !strcmp(dot, ".ltx"));
}

int lr_parse_names(nd_arena *arena, const char *spec, const char ***from, const char ***to,
                   int *n, char **err)
{
    const char *p = spec;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        size_t k = eq ? (size_t)(eq - p) : 0;
        int ok = eq && k > 0 && (size_t)(eq - p) + 1 < len;
        for (size_t i = 0; ok && i < k; i++)
            ok = isalnum((unsigned char)p[i]) || p[i] == '_';
        if (!ok) {
            strbuf b;
            sb_init(&b);
            sb_printf(&b, "--names '%.*s': expected NAME=WHAT, such as delta2=dL/dz2",
                      (int)(len > 100 ? 100 : len), p);
            *err = xstrdup(sb_str(&b));
            sb_free(&b);
            return 2;
        }
        *from = xrealloc(*from, (size_t)(*n + 1) * sizeof **from);
        *to = xrealloc(*to, (size_t)(*n + 1) * sizeof **to);
        (*from)[*n] = arena_strndup(arena, p, k);
        (*to)[(*n)++] = arena_strndup(arena, eq + 1, len - k - 1);
        p += len + (end != NULL);
    }
    return 0;
}

/* ---- shapes ---- */

static const lr_shape scalar_shape = { "1", "1" };

static int is_one(const char *d)
{
    return d && !strcmp(d, "1");
}

static int known_scalar(lr_shape s)
{
    return is_one(s.rows) && is_one(s.cols);
}

static int known_square(lr_shape s)
{
    return s.rows && s.cols && !strcmp(s.rows, s.cols) && !is_one(s.rows);
}

/* Square by its form, whatever its sizes: I, an inverse, and what keeps
 * their shape (a sum with them, a transpose, a scalar multiple, a power):
 * (2 I - b)^{-1} squared is a matrix power although I's size is not known
 * yet where the power is read. */
static int square_form(const lnode *n)
{
    if (known_square(n->shape) || n->kind == LN_EYE || n->kind == LN_INV)
        return 1;
    switch (n->kind) {
    case LN_T:
    case LN_NEG:
    case LN_POW:
        return square_form(n->kids[0]);
    case LN_ADD:
    case LN_SUB:
    case LN_EMUL:
    case LN_EDIV:
    case LN_MUL:
        for (int i = 0; i < n->nkids; i++)
            if (!known_scalar(n->kids[i]->shape) && !square_form(n->kids[i]))
                return 0;
        return 1;
    default:
        return 0;
    }
}

/* A dimension of a sum or an elementwise product: broadcasting takes the
 * one that is not 1. */
static const char *merge_dim(const char *a, const char *b)
{
    if (!a || (is_one(a) && b))
        return b;
    return a;
}

static lr_shape merge(lr_shape a, lr_shape b)
{
    if (known_scalar(a) && (b.rows || b.cols))
        return b;
    if (known_scalar(b))
        return a;
    lr_shape s = { merge_dim(a.rows, b.rows), merge_dim(a.cols, b.cols) };
    return s;
}

static void size_eye(lnode *n, const char *dim)
{
    if (n->kind == LN_EYE && !n->dim && dim && !is_one(dim))
        n->dim = dim;
}

static const char *const reductions[] = {
    "sum", "norm", "norm1", "norm2", "tr", "det", "logdet", "mean", "crossentropy", NULL,
};

static int in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(s, *list))
            return 1;
    return 0;
}

static lr_shape call_shape(const lnode *n)
{
    lr_shape a = n->nkids ? n->kids[0]->shape : (lr_shape){ 0 };
    lr_shape none = { 0 };
    if (in_list(n->text, reductions))
        return scalar_shape;
    if (!strcmp(n->text, "diag")) {
        if (is_one(a.cols) && a.rows && !is_one(a.rows))
            return (lr_shape){ a.rows, a.rows };    /* a vector to a matrix */
        if (known_square(a))
            return (lr_shape){ a.rows, "1" };
        return none;
    }
    if (!strcmp(n->text, "logsumexp"))
        return is_one(a.cols) ? scalar_shape : (lr_shape){ "1", a.cols };
    if (!strcmp(n->text, "max") || !strcmp(n->text, "min"))
        return n->nkids == 1 ? scalar_shape : merge(a, n->kids[1]->shape);
    if (!strcmp(n->text, "kron") || !strcmp(n->text, "vec") || !strcmp(n->text, "unvec"))
        return none;    /* sizes multiply: no dimension names them */
    return a;
}

/* One node's shape from its kids' (the kids done). */
static void shape_node(lnode *n)
{
    lnode **k = n->kids;
    switch (n->kind) {
    case LN_NUM:
        n->shape = scalar_shape;
        break;
    case LN_ADD:
    case LN_SUB:
    case LN_EMUL:
    case LN_EDIV:
        size_eye(k[0], k[1]->shape.rows);
        size_eye(k[1], k[0]->shape.rows);
        n->shape = merge(k[0]->shape, k[1]->shape);
        break;
    case LN_MUL:
        size_eye(k[0], k[1]->shape.rows);
        size_eye(k[1], k[0]->shape.cols);
        if (known_scalar(k[0]->shape))
            n->shape = k[1]->shape;
        else if (known_scalar(k[1]->shape))
            n->shape = k[0]->shape;
        else
            n->shape = (lr_shape){ k[0]->shape.rows, k[1]->shape.cols };
        break;
    case LN_DIV:
        n->elementwise = (k[1]->shape.rows || k[1]->shape.cols) && !known_scalar(k[1]->shape);
        n->shape = n->elementwise ? merge(k[0]->shape, k[1]->shape) : k[0]->shape;
        break;
    case LN_POW:
        n->elementwise = !known_scalar(k[0]->shape) && !square_form(k[0]);
        n->shape = k[0]->shape;
        break;
    case LN_NEG:
    case LN_EPOW:
    case LN_INV:
    case LN_DERIV:
        n->shape = k[0]->shape;
        break;
    case LN_T:
        n->shape = (lr_shape){ k[0]->shape.cols, k[0]->shape.rows };
        break;
    case LN_CALL:
        n->shape = call_shape(n);
        break;
    case LN_EYE:
        n->shape = (lr_shape){ n->dim, n->dim };
        break;
    default:
        break;      /* names and ones: set when made */
    }
}

static void shapes_up(lnode *n)
{
    for (int i = 0; i < n->nkids; i++)
        shapes_up(n->kids[i]);
    shape_node(n);
}

/* Sizes known from above (I in 2 I + A) go down to the nodes that keep
 * their operands' shape. */
static void shapes_down(lnode *n, lr_shape s)
{
    if (!n->shape.rows)
        n->shape.rows = s.rows;
    if (!n->shape.cols)
        n->shape.cols = s.cols;
    if (n->kind == LN_EYE)
        size_eye(n, n->shape.rows ? n->shape.rows : n->shape.cols);
    switch (n->kind) {
    case LN_ADD:
    case LN_SUB:
    case LN_EMUL:
    case LN_EDIV:
    case LN_NEG:
        for (int i = 0; i < n->nkids; i++)
            if (!known_scalar(n->kids[i]->shape))
                shapes_down(n->kids[i], n->shape);
        break;
    case LN_MUL:
        for (int i = 0; i < 2; i++)
            if (known_scalar(n->kids[1 - i]->shape))
                shapes_down(n->kids[i], n->shape);
        break;
    default:
        break;
    }
}

/* The one dimension of the program's square matrices (A : matrix(n, n)),
 * or NULL when there is none or more than one. */
static const char *only_square_dim(lr_ctx *L)
{
    const char *d = NULL;
    for (int i = 0; i < L->names->n; i++) {
        const lr_name *v = &L->names->names[i];
        lr_shape s = { v->rows, v->cols };
        if (v->kind == LR_DIM || !known_square(s))
            continue;
        if (d && strcmp(d, v->rows) != 0)
            return NULL;
        d = v->rows;
    }
    return d;
}

/* An I whose size its place does not tell: the program's only square
 * dimension, or, where an operator's other operand will fix it when the
 * answer is typed, an identity of inferred size; otherwise an error (a
 * size nothing fixes cannot be evaluated: tr(I)).  Beside \otimes no
 * size is implied, not even the only square one (I \otimes A: I_2). */
static int size_eyes(lr_ctx *L, lnode *n, int constrained)
{
    if (n->kind == LN_EYE && !n->dim) {
        n->dim = constrained < 0 ? NULL : only_square_dim(L);
        if (!n->dim && constrained <= 0) {
            lr_fail(&L->err, n->from, n->to, "the size of this identity is not clear: write "
                                             "I_n with its dimension%s", "");
            return 2;
        }
    }
    int arith = n->kind == LN_ADD || n->kind == LN_SUB || n->kind == LN_MUL ||
                n->kind == LN_EMUL || n->kind == LN_EDIV || n->kind == LN_NEG ||
                n->kind == LN_T || n->kind == LN_INV;
    int kron = n->kind == LN_CALL && !strcmp(n->text, "kron");
    for (int i = 0; i < n->nkids; i++) {
        /* a scalar times an operand of kron is one too: (2 I) \otimes A */
        int scaled = constrained < 0 && n->nkids == 2 &&
                     (n->kind == LN_MUL || (n->kind == LN_DIV && i == 0)) &&
                     known_scalar(n->kids[1 - i]->shape);
        int c = kron || scaled ? -1 : arith && (n->nkids == 1 ? constrained : 1);
        if (size_eyes(L, n->kids[i], c))
            return 2;
    }
    return 0;
}

int lr_shapes(lr_ctx *L, lnode *n, lr_shape target)
{
    shapes_up(n);
    shapes_down(n, merge(n->shape, target));
    shapes_up(n);
    return size_eyes(L, n, target.rows || target.cols);
}

/* ---- printing, with the map back to the source ---- */

typedef struct out {
    strbuf text;
    size_t *at;             /* by byte of text: the source byte */
    size_t cap;
} out;

static void put(out *o, const char *s, size_t from, size_t to)
{
    size_t k = strlen(s);
    if (o->text.len + k + 1 > o->cap) {
        o->cap = (o->text.len + k + 1) * 2;
        o->at = xrealloc(o->at, o->cap * sizeof *o->at);
    }
    for (size_t i = 0; i < k; i++)      /* the last byte: the source's last */
        o->at[o->text.len + i] = i + 1 == k && to > from ? to - 1
                                 : from + i < to ? from + i : to > from ? to - 1 : from;
    sb_puts(&o->text, s);
}

/* Levels of the input language's grammar, loosest first. */
enum { P_SUM = 1, P_PROD, P_UNARY, P_POW, P_POST, P_ATOM };

static int level(const lnode *n)
{
    switch (n->kind) {
    case LN_ADD:
    case LN_SUB:
        return P_SUM;
    case LN_MUL:
    case LN_DIV:
    case LN_EMUL:
    case LN_EDIV:
        return P_PROD;
    case LN_NEG:
        return P_UNARY;
    case LN_POW:
    case LN_EPOW:
        return P_POW;
    case LN_T:
        return P_POST;
    case LN_DERIV:
        return n->level;
    case LN_NAME:
        return strchr(n->text, '/') ? P_POW : P_ATOM;    /* (dL/dz2)' reads better */
    case LN_TEXT:
        return P_PROD;      /* --names: an expression, parenthesized as a factor */
    default:
        return P_ATOM;
    }
}

static void print(out *o, const lnode *n, int min);

/* n inside a call's parentheses, which take the place of its own:
 * (X X^T)^{-1} is inv(X*X'). */
static void print_bare(out *o, const lnode *n)
{
    lnode bare = *n;
    bare.paren = 0;
    print(o, &bare, 0);
}

static void print_binary(out *o, const lnode *n, const char *op, int left, int right)
{
    print(o, n->kids[0], left);
    put(o, op, n->op_from, n->op_to);
    print(o, n->kids[1], right);
}

/* An exponent: -1 stays as it is (x.^-1), others go up a level. */
static void print_exponent(out *o, const lnode *k)
{
    if (k->kind == LN_NEG && k->kids[0]->kind == LN_NUM) {
        put(o, "-", k->op_from, k->op_to);
        print(o, k->kids[0], P_ATOM);
    } else {
        print(o, k, P_POW);
    }
}

static void print_call(out *o, const lnode *n)
{
    put(o, n->text, n->op_from, n->op_to);
    put(o, "(", n->op_from, n->op_to);
    for (int i = 0; i < n->nkids; i++) {
        if (i)
            put(o, ", ", n->kids[i]->from, n->kids[i]->from + 1);
        print_bare(o, n->kids[i]);
    }
    put(o, ")", n->to > n->from ? n->to - 1 : n->from, n->to);
}

/* f'(x) from its template: % is the argument, as a factor. */
static void print_derivative(out *o, const lnode *n)
{
    for (const char *c = n->text; *c;) {
        if (*c == '%') {
            print(o, n->kids[0], P_ATOM);
            c++;
            continue;
        }
        size_t k = strcspn(c, "%");
        char buf[128];
        snprintf(buf, sizeof buf, "%.*s", (int)(k < 127 ? k : 127), c);
        put(o, buf, n->op_from, n->op_to);
        c += k;
    }
}

static void print_node(out *o, const lnode *n)
{
    switch (n->kind) {
    case LN_NUM:
    case LN_NAME:
    case LN_TEXT:
        put(o, n->text, n->from, n->to);
        break;
    case LN_ADD: print_binary(o, n, " + ", P_SUM, P_PROD); break;
    case LN_SUB: print_binary(o, n, " - ", P_SUM, P_PROD); break;
    case LN_MUL: print_binary(o, n, "*", P_PROD, P_POW); break;
    case LN_EMUL: print_binary(o, n, ".*", P_PROD, P_POW); break;
    case LN_EDIV: print_binary(o, n, "./", P_PROD, P_POW); break;
    case LN_DIV: print_binary(o, n, n->elementwise ? "./" : "/", P_PROD, P_POW); break;
    case LN_NEG:
        put(o, "-", n->op_from, n->op_to);
        print(o, n->kids[0], P_PROD);
        break;
    case LN_POW:
    case LN_EPOW:
        print(o, n->kids[0], P_POST);
        put(o, n->kind == LN_EPOW || n->elementwise ? ".^" : "^", n->op_from, n->op_to);
        print_exponent(o, n->kids[1]);
        break;
    case LN_T:
        print(o, n->kids[0], P_POST);
        put(o, "'", n->op_from, n->op_to);
        break;
    case LN_INV:
        put(o, "inv(", n->op_from, n->op_to);
        print_bare(o, n->kids[0]);
        put(o, ")", n->op_from, n->op_to);
        break;
    case LN_CALL: print_call(o, n); break;
    case LN_ONES:
        if (n->dim) {
            put(o, "vector(1, ", n->from, n->to);
            put(o, n->dim, n->from, n->to);
            put(o, ")", n->from, n->to);
        } else {
            put(o, "vector(1)", n->from, n->to);
        }
        break;
    case LN_EYE:
        if (n->dim) {
            put(o, "eye(", n->from, n->to);
            put(o, n->dim, n->from, n->to);
            put(o, ")", n->from, n->to);
        } else {            /* an identity of the size its place implies */
            put(o, "diag(vector(1))", n->from, n->to);
        }
        break;
    case LN_DERIV: print_derivative(o, n); break;
    }
}

static void print(out *o, const lnode *n, int min)
{
    int paren = n->paren || level(n) < min || (n->kind == LN_TEXT && min > P_SUM);
    if (paren)
        put(o, "(", n->from, n->to);
    print_node(o, n);
    if (paren)
        put(o, ")", n->to > n->from ? n->to - 1 : n->from, n->to);
}

/* ---- rows and equations ---- */

typedef struct equation {
    lt_tok **lhs, **rhs;
    int n_lhs, n_rhs, cap_rhs;
    size_t eq_from, eq_to;      /* its last '=' */
    int region;
} equation;

typedef struct rows {
    equation *eq;
    int n, cap;
} rows;

static void rhs_append(equation *e, lt_tok **t, int n)
{
    if (n <= 0)
        return;
    if (e->n_rhs + n > e->cap_rhs) {
        e->cap_rhs = (e->n_rhs + n) * 2;
        e->rhs = xrealloc(e->rhs, (size_t)e->cap_rhs * sizeof *e->rhs);
    }
    memcpy(e->rhs + e->n_rhs, t, (size_t)n * sizeof *t);
    e->n_rhs += n;
}

static const char *const relation_cmds[] = {
    "in", "le", "ge", "leq", "geq", "neq", "ne", "approx", "sim", "propto", "to", "mapsto",
    "rightarrow", "Rightarrow", "implies", "iff", "subset", "subseteq", "forall", "exists",
    NULL,
};

static int is_equals(const lt_tok *t)
{
    if (t->kind == LT_CHAR)
        return t->ch == '=';
    return t->kind == LT_CMD && (!strcmp(t->text, "coloneqq") || !strcmp(t->text, "equiv") ||
                                 !strcmp(t->text, "triangleq") || !strcmp(t->text, "doteq") ||
                                 !strcmp(t->text, "eqqcolon") || !strcmp(t->text, "coloneq"));
}

/* Bracket depth of t: { ( [ open, } ) ] close (a row may close what an
 * earlier one opened: \bigl( ... \\ ... \bigr)). */
static int depth_change(const lt_tok *t)
{
    if (t->kind != LT_CHAR)
        return t->kind == LT_CMD ? !strcmp(t->text, "lbrace") - !strcmp(t->text, "rbrace") : 0;
    return (t->ch == '{' || t->ch == '(' || t->ch == '[') - (t->ch == '}' || t->ch == ')' || t->ch == ']');
}

/* Whether t can separate two equations of a row: , ; \quad \text{and}. */
static int separates(const lt_tok *t)
{
    static const char *const words[] = { "and", "where", "with", "for", "so", "hence", "then",
                                         "thus", "i.e.", "ie", NULL };
    if (t->kind == LT_SPACE || (t->kind == LT_CHAR && (t->ch == ',' || t->ch == ';')))
        return 1;
    return t->kind == LT_ROMAN && in_list(t->text, words);
}

static int relation(const lt_tok *t)
{
    return (t->kind == LT_CHAR && (t->ch == '<' || t->ch == '>')) ||
           (t->kind == LT_CMD && in_list(t->text, relation_cmds));
}

/* One equation (or a continuation) of a row: t[0..n). */
static void segment(rows *r, lt_tok **t, int n, int region, int expression)
{
    while (n > 0 && (t[n - 1]->kind == LT_SPACE ||
                     (t[n - 1]->kind == LT_CHAR && strchr(",.;", t[n - 1]->ch))))
        n--;        /* the punctuation that ends a sentence */
    while (n > 0 && t[0]->kind == LT_SPACE) {
        t++;
        n--;
    }
    if (n == 0)
        return;
    int first_eq = -1, last_eq = -1, depth = 0;
    for (int i = 0; i < n; i++) {
        depth += depth_change(t[i]);
        if (depth <= 0 && is_equals(t[i])) {
            first_eq = first_eq < 0 ? i : first_eq;
            last_eq = i;
        }
        if (depth <= 0 && relation(t[i]) && !expression)
            return;     /* x \in R^n: not an answer */
    }
    equation *prev = r->n ? &r->eq[r->n - 1] : NULL;
    if (expression && !prev)
        first_eq = first_eq == 0 ? -1 : first_eq;
    if ((first_eq < 0 || first_eq == 0) && (prev || !expression)) {
        /* it continues the equation before, or (= ...) chains on */
        if (!prev || (prev->region != region && !expression))
            return;     /* prose math ($W$), or a chain with no start: no answer */
        if (first_eq == 0) {
            prev->n_rhs = 0;
            prev->eq_from = t[last_eq]->from;
            prev->eq_to = t[last_eq]->to;
        }
        rhs_append(prev, t + last_eq + 1, n - last_eq - 1);
        return;
    }
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 16;
        r->eq = xrealloc(r->eq, (size_t)r->cap * sizeof *r->eq);
    }
    equation *e = &r->eq[r->n++];
    memset(e, 0, sizeof *e);
    e->lhs = t;
    e->n_lhs = first_eq < 0 ? 0 : first_eq;
    if (e->n_lhs > 1 && t[e->n_lhs - 1]->kind == LT_CHAR && t[e->n_lhs - 1]->ch == ':')
        e->n_lhs--;     /* := */
    e->eq_from = t[last_eq < 0 ? 0 : last_eq]->from;
    e->eq_to = t[last_eq < 0 ? 0 : last_eq]->to;
    e->region = region;
    rhs_append(e, t + last_eq + 1, n - last_eq - 1);
}

/* A row t[0..n): its equations, split where a separator stands between
 * two of them (a = b, \quad c = d). */
static void row(rows *r, lt_tok **t, int n, int region, int expression)
{
    int depth = 0, eqs = 0, cut = -1, start = 0;
    for (int i = 0; i < n; i++) {
        depth += depth_change(t[i]);
        if (depth > 0)
            continue;
        if (is_equals(t[i])) {
            if (eqs && cut > start && !expression) {
                segment(r, t + start, cut - start, region, expression);
                start = cut + 1;
                eqs = 0;
            }
            eqs++;
            cut = -1;
        } else if (separates(t[i]) && eqs) {
            cut = i;
        }
    }
    segment(r, t + start, n - start, region, expression);
}

static void split_rows(lr_ctx *L, rows *r, lt_list *toks, int expression)
{
    int start = 0, region = 0;
    for (int i = 0; i < toks->n; i++) {
        enum lt_kind k = toks->v[i].kind;
        if (k != LT_ROW && k != LT_REGION)
            continue;
        lt_tok **copy = arena_alloc(L->arena, ((size_t)(i - start) + 1) * sizeof *copy);
        for (int j = start; j < i; j++)
            copy[j - start] = &toks->v[j];
        row(r, copy, i - start, region, expression);
        start = i + 1;
        region += k == LT_REGION;
    }
}

static void rows_free(rows *r)
{
    for (int i = 0; i < r->n; i++)
        free(r->eq[i].rhs);
    free(r->eq);
}

/* ---- translating equations ---- */

static int is_program_name(lr_ctx *L, const char *name)
{
    lr_name key = { .name = name };
    return L->names->n && bsearch(&key, L->names->names, (size_t)L->names->n, sizeof key,
                                  by_name) != NULL;
}

/* Whether the left side meant a derivative (\partial, \nabla, d.../d...):
 * then an error in it is one, not a statement to pass over. */
static int means_derivative(const equation *e)
{
    for (int i = 0; i < e->n_lhs; i++) {
        const lt_tok *t = e->lhs[i];
        if ((t->kind == LT_CMD && (!strcmp(t->text, "partial") || !strcmp(t->text, "nabla"))) ||
            (t->kind == LT_CHAR && t->ch == '/'))
            return 1;
    }
    return 0;
}

/* The left side as a node (its text the line's label: dL/dW, a helper
 * name); NULL with *skip set when the row is not an answer (it restates
 * the program, z_1 = W_1 x + b_1, a Jacobian dz2/dh1, or is a statement),
 * NULL alone after an error. */
static lnode *left_side(lr_ctx *L, const equation *e, int *skip)
{
    int statement;
    *skip = 0;
    lnode *n = lr_parse_lhs(L, e->lhs, e->n_lhs, &statement);
    if (!n && !means_derivative(e)) {
        L->err.set = 0;         /* a statement in notation of its own: not an answer */
        *skip = 1;
        return NULL;
    }
    if (!n)
        return NULL;
    if (statement) {            /* sigma'(z) = ..., L = -sum ...: a statement */
        *skip = 1;
        return NULL;
    }
    const char *slash = strchr(n->text, '/');
    if (slash) {
        char of[256];
        snprintf(of, sizeof of, "%.*s", (int)(slash - n->text - 1), n->text + 1);
        *skip = strcmp(of, L->names->objective) != 0 && is_program_name(L, of);
    } else {
        *skip = is_program_name(L, n->text);
    }
    return *skip ? NULL : n;
}

/* One answer line into o: LABEL = EXPR (or EXPR alone). */
static int equation_line(lr_ctx *L, const equation *e, int expression, out *o)
{
    int skip = 0;
    lnode *lhs = expression ? NULL : left_side(L, e, &skip);
    if (skip)
        return 0;
    if (!expression && !lhs)
        return 2;
    if (e->n_rhs == 0) {
        lr_fail(&L->err, e->eq_from, e->eq_to, "nothing after '='%s", "");
        return 2;
    }
    lnode *rhs = lr_parse_expr(L, e->rhs, e->n_rhs);
    if (!rhs)
        return 2;
    lr_shape target = { 0 };
    if (lhs && strchr(lhs->text, '/'))
        target = lhs->shape;    /* dL/dW: W's shape */
    else if (expression)
        target = (lr_shape){ L->names->expect_rows, L->names->expect_cols };
    if (lr_shapes(L, rhs, target))
        return 2;
    if (lhs) {
        put(o, lhs->text, lhs->from, lhs->to);
        put(o, " = ", e->eq_from, e->eq_to);
    }
    size_t start = o->text.len;
    print(o, rhs, 0);
    const char *text = arena_strndup(L->arena, o->text.s + start, o->text.len - start);
    put(o, "\n", rhs->to > rhs->from ? rhs->to - 1 : rhs->from, rhs->to);
    int loose = !rhs->shape.rows || !rhs->shape.cols;
    if (lhs)
        define(L, lhs->text, rhs->shape, loose && !strchr(lhs->text, '/') ? text : NULL);
    return 0;
}

static int translate_rows(lr_ctx *L, rows *r, enum lr_mode mode, out *o)
{
    if (mode == LR_EXPRESSION && r->n > 1) {
        lr_fail(&L->err, r->eq[1].lhs[0]->from, r->eq[1].lhs[0]->to,
                "one answer was expected, and this is another (--check-file takes several)%s", "");
        return 2;
    }
    for (int i = 0; i < r->n; i++)
        if (equation_line(L, &r->eq[i], mode == LR_EXPRESSION, o))
            return 2;
    return 0;
}

/* The translated text as a source whose origin is src. */
static const nd_source *translated(lr_ctx *L, out *o)
{
    nd_source *t = arena_alloc(L->arena, sizeof *t);
    size_t len = o->text.len;
    size_t *at = arena_alloc(L->arena, (len + 1) * sizeof *at);
    if (len)
        memcpy(at, o->at, len * sizeof *at);
    at[len] = len ? L->src->len : 0;   /* nothing read: the place is the start */
    t->name = L->src->name;
    t->text = arena_strndup(L->arena, sb_str(&o->text), len);
    t->len = len;
    t->origin = L->src;
    t->origin_at = at;
    return t;
}

int lr_translate(nd_arena *arena, const nd_source *src, enum lr_mode mode,
                 const lr_names *names, const nd_source **result, strbuf *diag, nd_loc *err_loc,
                 char **err_msg)
{
    lr_ctx L = { .arena = arena, .src = src, .names = names };
    lt_list toks = { 0 };
    rows r = { 0 };
    out o = { .at = NULL };
    sb_init(&o.text);
    int st = lt_tokenize(arena, src, &toks, &L.err);
    if (!st) {
        split_rows(&L, &r, &toks, mode == LR_EXPRESSION);
        st = translate_rows(&L, &r, mode, &o);
    }
    if (L.err.set) {
        nd_loc loc = diag_loc_at(src, L.err.from, L.err.to - 1);
        strbuf msg;     /* a long name quoted in it is shortened, as in every message */
        sb_init(&msg);
        diag_abbrev(&msg, L.err.msg, strlen(L.err.msg));
        diag_format(diag, DIAG_ERROR, loc, sb_str(&msg));
        *err_loc = loc;
        *err_msg = xstrdup(sb_str(&msg));
        sb_free(&msg);
        st = 2;
    } else {
        *result = translated(&L, &o);
    }
    rows_free(&r);
    free(toks.v);
    free(o.at);
    sb_free(&o.text);
    free(L.defs);
    return st;
}
