/* cg_numpy_expr.c: NumPy expressions of the plan's values (--numpy): how a
 * value is named, the whole-array expression of a node computed inline
 * (the C writes one element of it, cg_expr.c; this writes all of them at
 * once, leaving broadcasting to NumPy), and the module's helper functions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg_numpy.h"
#include "num.h"
#include "ops.h"
#include "shape.h"

/* ---- names ---- */

/* What a Python name of the module must not be: keywords, and the names
 * the module itself uses. */
static const char *const reserved[] = {
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
    "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
    "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return",
    "try", "while", "with", "yield",
    "np", "math", "float", "ValueError", "_erfc",
};

static const struct py_helper_text {
    const char *name;
    unsigned needs;         /* helpers it calls */
    const char *text;
} helper_table[PYH__COUNT] = {
    [PYH_sigmoid] = { "_sigmoid", 0,
        "def _sigmoid(z):\n"
        "    # 1/(1 + exp(-z)) without overflow: exp only of -|z|\n"
        "    e = np.exp(-np.abs(z))\n"
        "    s = 1.0 / (1.0 + e)\n"
        "    return np.where(z >= 0, s, e * s)\n" },
    [PYH_swish] = { "_swish", 1u << PYH_sigmoid,
        "def _swish(z):\n"
        "    return z * _sigmoid(z)\n" },
    [PYH_relu] = { "_relu", 0,
        "def _relu(z):\n"
        "    return np.where(z > 0, z, 0.0)\n" },
    [PYH_step] = { "_step", 0,
        "def _step(z):\n"
        "    return np.where(z > 0, 1.0, 0.0)\n" },
    [PYH_softplus] = { "_softplus", 0,
        "def _softplus(z):\n"
        "    # log(1 + exp(z)) = max(z, 0) + log1p(exp(-|z|)), as np.logaddexp computes it\n"
        "    return np.logaddexp(0.0, z)\n" },
    [PYH_erf] = { "_erf", 0,
        "_erf = np.vectorize(math.erf, otypes=[np.float64])\n" },
    [PYH_gelu] = { "_gelu", 0,
        "_erfc = np.vectorize(math.erfc, otypes=[np.float64])\n\n\n"
        "def _gelu(z):\n"
        "    return 0.5 * z * _erfc(-z * 0.7071067811865476)\n" },
    [PYH_logdet] = { "_logdet", 0,
        "def _logdet(a):\n"
        "    # log(det(a)) from the LU factors, so that det(a) itself cannot overflow\n"
        "    sign, logabs = np.linalg.slogdet(a)\n"
        "    return logabs if sign > 0 else (-np.inf if sign == 0 else np.nan)\n" },
    [PYH_ismax] = { "_ismax", 0,
        "def _ismax(z):\n"
        "    # 1 at the first largest entry in reading order (row by row), as argmax finds it\n"
        "    e = np.zeros(z.shape)\n"
        "    e.flat[np.argmax(z)] = 1.0\n"
        "    return e\n" },
    [PYH_ismin] = { "_ismin", 0,
        "def _ismin(z):\n"
        "    e = np.zeros(z.shape)\n"
        "    e.flat[np.argmin(z)] = 1.0\n"
        "    return e\n" },
    [PYH_softmax] = { "_softmax", 0,
        "def _softmax(z):\n"
        "    # column by column, shifted by the column's largest entry\n"
        "    e = np.exp(z - z.max(axis=0, keepdims=True))\n"
        "    return e / e.sum(axis=0, keepdims=True)\n" },
    [PYH_logsoftmax] = { "_logsoftmax", 0,
        "def _logsoftmax(z):\n"
        "    s = z - z.max(axis=0, keepdims=True)\n"
        "    return s - np.log(np.exp(s).sum(axis=0, keepdims=True))\n" },
    [PYH_logsumexp] = { "_logsumexp", 0,
        "def _logsumexp(z):\n"
        "    m = z.max(axis=0, keepdims=True)\n"
        "    return m + np.log(np.exp(z - m).sum(axis=0, keepdims=True))\n" },
    [PYH_xent] = { "_xent", 1u << PYH_logsoftmax,
        "def _xent(z, y):\n"
        "    return -np.sum(y * _logsoftmax(z))\n" },
    [PYH_matrix] = { "_matrix", 0,
        "def _matrix(name, a):\n"
        "    a = np.asarray(a, dtype=np.float64)\n"
        "    if a.ndim != 2:\n"
        "        raise ValueError(\"%s must be a matrix (a 2-D array), not an array of shape %s\"\n"
        "                         % (name, a.shape))\n"
        "    return a\n" },
    [PYH_vector] = { "_vector", 0,
        "def _vector(name, a):\n"
        "    a = np.asarray(a, dtype=np.float64)\n"
        "    if a.ndim == 1:\n"
        "        return a.reshape(-1, 1)\n"
        "    if a.ndim != 2 or a.shape[1] != 1:\n"
        "        raise ValueError(\"%s must be a vector (a 1-D array or an (n, 1) column), \"\n"
        "                         \"not an array of shape %s\" % (name, a.shape))\n"
        "    return a\n" },
    [PYH_scalar] = { "_scalar", 0,
        "def _scalar(name, a):\n"
        "    a = np.asarray(a, dtype=np.float64)\n"
        "    if a.size != 1 or a.ndim > 2:\n"
        "        raise ValueError(\"%s must be a scalar, not an array of shape %s\" % (name, a.shape))\n"
        "    return np.float64(a.reshape(()))\n" },
};

void py_use(py_emitter *E, enum py_helper h)
{
    E->helpers |= 1u << h;
}

static int taken(py_emitter *E, const char *s)
{
    for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
        if (!strcmp(reserved[i], s))
            return 1;
    for (int h = 0; h < PYH__COUNT; h++)
        if (!strcmp(helper_table[h].name, s))
            return 1;
    for (int i = 0; i < E->n_taken; i++)
        if (!strcmp(E->taken[i], s))
            return 1;
    return 0;
}

/* A name of the module for `want`: itself, or with _ appended until it
 * clashes with nothing (a variable `lambda` is the argument lambda_). */
const char *py_name(py_emitter *E, const char *want)
{
    strbuf b;
    sb_init(&b);
    sb_puts(&b, want);
    while (taken(E, sb_str(&b)))
        sb_putc(&b, '_');
    E->taken = xgrow(E->taken, &E->cap_taken, E->n_taken + 1, sizeof *E->taken);
    E->taken[E->n_taken++] = b.s;
    return b.s;
}

void py_dim_text(py_emitter *E, nd_dim d, strbuf *out)
{
    long v = dim_value(E->ctx, d);
    const char *name = E->dim[dim_find(E->ctx, d)];
    if (v > 0)
        sb_printf(out, "%ld", v);
    else if (name)
        sb_puts(out, name);
    else {      /* no argument's shape gives it (cg_plan's sizes_known forbids this) */
        E->unsupported = "a size that no argument has";
        sb_puts(out, "1");
    }
}

/* ---- expressions ---- */

/* Does a kid of this form give the parent's axis its full extent? */
static int gives(py_emitter *E, nd_dim parent, nd_dim kid, int full)
{
    return dim_is_one(E->ctx, parent) || (full && !dim_is_one(E->ctx, kid));
}

static py_form scalar_form(py_emitter *E, const nd_node *n, enum py_prec prec)
{
    return (py_form){ prec, dim_is_one(E->ctx, n->shape.rows), dim_is_one(E->ctx, n->shape.cols), 0 };
}

/* The shortest decimal that reads back as the same double (Python's repr). */
static void literal(strbuf *out, const mpq_t q)
{
    mpfr_t x;
    mpfr_init2(x, 53);
    mpfr_set_q(x, q, MPFR_RNDN);
    double d = mpfr_get_d(x, MPFR_RNDN);
    mpfr_clear(x);
    char buf[64];
    if (d > 1.7976931348623157e308 || d < -1.7976931348623157e308) {
        sb_puts(out, d > 0 ? "np.inf" : "-np.inf");
        return;
    }
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, sizeof buf, "%.*g", digits, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    sb_puts(out, buf);
    if (!strpbrk(buf, ".eE"))
        sb_puts(out, ".0");
}

/* n's expression, in parentheses when it binds looser than max. */
static py_form operand_form(py_emitter *E, const nd_node *n, enum py_prec max, strbuf *out)
{
    strbuf b;
    sb_init(&b);
    py_form f = py_expr(E, n, &b);
    if (f.prec > max)
        sb_printf(out, "(%s)", sb_str(&b));
    else
        sb_puts(out, sb_str(&b));
    sb_free(&b);
    return f;
}

void py_operand(py_emitter *E, const nd_node *n, enum py_prec max, strbuf *out)
{
    operand_form(E, n, max, out);
}

/* The form of kid k joined into n elementwise (its flags, n's extent). */
static void join_flags(py_emitter *E, const nd_node *n, const nd_node *k, py_form f, py_form *acc)
{
    acc->rows |= gives(E, n->shape.rows, k->shape.rows, f.rows);
    acc->cols |= gives(E, n->shape.cols, k->shape.cols, f.cols);
}

static py_form operand_into(py_emitter *E, const nd_node *n, const nd_node *k, enum py_prec max,
                            py_form *acc, strbuf *out)
{
    py_form f = operand_form(E, k, max, out);
    join_flags(E, n, k, f, acc);
    return f;
}

/* A product of scalars and at most one matrix: c * a * b, its constant
 * coefficient first (negated for a difference: a - 2 * b). */
static py_form scaled(py_emitter *E, const nd_node *n, int negate, strbuf *out)
{
    py_form acc = scalar_form(E, n, PY_MUL);
    acc.fresh = 1;
    uint32_t k0 = 0;
    mpq_t c;
    mpq_init(c);
    mpq_set_si(c, negate ? -1 : 1, 1);
    if (n->nkids > 1 && n->kid[0]->op == OP_CONST && cg_val(E->p, n->kid[0])->kind == V_INLINE) {
        mpq_mul(c, c, n->kid[0]->u.q);
        k0 = 1;
    }
    int factors = 0;
    if (mpq_cmp_si(c, -1, 1) == 0)
        sb_putc(out, '-');
    else if (mpq_cmp_si(c, 1, 1) != 0) {
        literal(out, c);
        factors++;
    }
    for (uint32_t k = k0; k < n->nkids; k++) {
        if (factors++)
            sb_puts(out, " * ");
        operand_into(E, n, n->kid[k], factors > 1 ? PY_UNARY : PY_MUL, &acc, out);
    }
    if (factors == 1 && mpq_cmp_si(c, -1, 1) == 0)
        acc.prec = PY_UNARY;
    mpq_clear(c);
    return acc;
}

/* A term of a sum whose coefficient is negative: printed after " - ". */
static int negative_term(py_emitter *E, const nd_node *k)
{
    return k->op == OP_PROD && k->nkids > 1 && cg_val(E->p, k)->kind == V_INLINE &&
           k != E->self && k->kid[0]->op == OP_CONST && mpq_sgn(k->kid[0]->u.q) < 0 &&
           cg_val(E->p, k->kid[0])->kind == V_INLINE;
}

static py_form sum(py_emitter *E, const nd_node *n, strbuf *out)
{
    py_form acc = scalar_form(E, n, PY_ADD);
    acc.fresh = 1;
    for (uint32_t k = 0; k < n->nkids; k++) {
        const nd_node *t = n->kid[k];
        if (k && negative_term(E, t)) {
            sb_puts(out, " - ");
            strbuf b;
            sb_init(&b);
            py_form f = scaled(E, t, 1, &b);
            sb_printf(out, f.prec > PY_MUL ? "(%s)" : "%s", sb_str(&b));
            sb_free(&b);
            join_flags(E, n, t, f, &acc);
        } else {
            if (k)
                sb_puts(out, " + ");
            operand_into(E, n, t, k ? PY_MUL : PY_ADD, &acc, out);
        }
    }
    return acc;
}

static py_form eprod(py_emitter *E, const nd_node *n, strbuf *out)
{
    py_form acc = scalar_form(E, n, PY_MUL);
    acc.fresh = 1;
    for (uint32_t k = 0; k < n->nkids; k++) {
        if (k)
            sb_puts(out, " * ");
        operand_into(E, n, n->kid[k], k ? PY_UNARY : PY_MUL, &acc, out);
    }
    return acc;
}

/* An outer product u*v' (a column times a row): broadcasting makes it. */
static py_form outer(py_emitter *E, const nd_node *n, strbuf *out)
{
    py_form acc = scalar_form(E, n, PY_MUL);
    acc.fresh = 1;
    strbuf b;
    sb_init(&b);
    py_form u = py_expr(E, n->kid[0], &b);
    sb_printf(out, u.prec > PY_MUL ? "(%s) * " : "%s * ", sb_str(&b));
    sb_clear(&b);
    py_form v = py_expr(E, n->kid[1], &b);
    sb_printf(out, v.prec > PY_UNARY ? "(%s)" : "%s", sb_str(&b));
    sb_free(&b);
    acc.rows = gives(E, n->shape.rows, n->kid[0]->shape.rows, u.rows);
    acc.cols = gives(E, n->shape.cols, n->kid[1]->shape.cols, v.cols);
    return acc;
}

/* x^p for a constant p: x ** k, sqrt, or np.power. */
static py_form power(py_emitter *E, const nd_node *n, strbuf *out)
{
    const nd_node *x = n->kid[0], *e = n->kid[1];
    py_form acc = scalar_form(E, n, PY_POW);
    acc.fresh = 1;
    strbuf b;
    sb_init(&b);
    py_form f = py_expr(E, x, &b);
    join_flags(E, n, x, f, &acc);
    const char *base = sb_str(&b);
    long k;
    if (e->op == OP_CONST && num_fits_long(e->u.q, &k) && k == -1) {
        sb_printf(out, f.prec > PY_POW ? "1.0 / (%s)" : "1.0 / %s", base);
        acc.prec = PY_MUL;
    } else if (e->op == OP_CONST && num_fits_long(e->u.q, &k)) {
        sb_printf(out, f.prec > PY_ATOM ? "(%s) ** %ld" : "%s ** %ld", base, k);
    } else if (e->op == OP_CONST && mpq_cmp_si(e->u.q, 1, 2) == 0) {
        sb_printf(out, "np.sqrt(%s)", base);
        acc.prec = PY_ATOM;
    } else if (e->op == OP_CONST && mpq_cmp_si(e->u.q, -1, 2) == 0) {
        sb_printf(out, "1.0 / np.sqrt(%s)", base);
        acc.prec = PY_MUL;
    } else {
        sb_printf(out, "np.power(%s, ", base);
        py_expr(E, e, out);
        sb_putc(out, ')');
        acc.prec = PY_ATOM;
    }
    sb_free(&b);
    return acc;
}

/* The NumPy function of an elementwise row, or NULL. */
static const char *function_name(py_emitter *E, int op)
{
    switch (op) {
    case OP_EXP: return "np.exp";
    case OP_LOG: return "np.log";
    case OP_SQRT: return "np.sqrt";
    case OP_ABS: return "np.abs";
    case OP_SIGN: return "np.sign";
    case OP_SIN: return "np.sin";
    case OP_COS: return "np.cos";
    case OP_TAN: return "np.tan";
    case OP_ARCSIN: return "np.arcsin";
    case OP_ARCCOS: return "np.arccos";
    case OP_ARCTAN: return "np.arctan";
    case OP_TANH: return "np.tanh";
    case OP_COSH: return "np.cosh";
    case OP_SINH: return "np.sinh";
    case OP_LOG1P: return "np.log1p";
    case OP_MAX: return "np.fmax";
    case OP_MIN: return "np.fmin";
    case OP_SIGMOID: py_use(E, PYH_sigmoid); return "_sigmoid";
    case OP_SWISH: py_use(E, PYH_swish); return "_swish";
    case OP_RELU: py_use(E, PYH_relu); return "_relu";
    case OP_STEP: py_use(E, PYH_step); return "_step";
    case OP_SOFTPLUS: py_use(E, PYH_softplus); return "_softplus";
    case OP_ERF: py_use(E, PYH_erf); return "_erf";
    case OP_GELU: py_use(E, PYH_gelu); return "_gelu";
    default: return NULL;
    }
}

static py_form function(py_emitter *E, const nd_node *n, strbuf *out)
{
    py_form acc = scalar_form(E, n, PY_ATOM);
    acc.fresh = 1;
    const char *f = function_name(E, n->op);
    if (!f) {
        E->unsupported = ops_table[n->op].name;
        f = "_missing";
    }
    sb_printf(out, "%s(", f);
    for (uint32_t k = 0; k < n->nkids; k++) {
        if (k)
            sb_puts(out, ", ");
        operand_into(E, n, n->kid[k], PY_ADD, &acc, out);
    }
    sb_putc(out, ')');
    return acc;
}

/* The expression of n's own operation (n inline, or the node computed). */
static py_form expand(py_emitter *E, const nd_node *n, strbuf *out)
{
    py_form f = scalar_form(E, n, PY_ATOM);
    strbuf b;
    switch (ops_table[n->op].c_form) {
    case CGF_CONST:
        literal(out, n->u.q);
        f.prec = mpq_sgn(n->u.q) < 0 ? PY_UNARY : PY_ATOM;
        return f;
    case CGF_PI: sb_puts(out, "np.pi"); return f;
    case CGF_DIM: py_dim_text(E, n->u.dim, out); return f;
    case CGF_EYE:
        sb_puts(out, "np.eye(");
        py_dim_text(E, n->u.dim, out);
        sb_putc(out, ')');
        return (py_form){ PY_ATOM, 1, 1, 1 };
    case CGF_TRANSPOSE:
        sb_init(&b);
        f = py_expr(E, n->kid[0], &b);
        if (shape_is_scalar(E->ctx, n->shape))
            sb_puts(out, sb_str(&b));
        else
            sb_printf(out, f.prec > PY_ATOM ? "(%s).T" : "%s.T", sb_str(&b));
        sb_free(&b);
        return (py_form){ shape_is_scalar(E->ctx, n->shape) ? f.prec : PY_ATOM, f.cols, f.rows, 0 };
    case CGF_BCAST: {
        py_form k = py_expr(E, n->kid[0], out);
        k.rows = gives(E, n->shape.rows, n->kid[0]->shape.rows, k.rows);
        k.cols = gives(E, n->shape.cols, n->kid[0]->shape.cols, k.cols);
        return k;
    }
    case CGF_DIAGM:
        sb_puts(out, "np.diagflat(");
        py_whole(E, n->kid[0], out);
        sb_putc(out, ')');
        return (py_form){ PY_ATOM, 1, 1, 1 };
    case CGF_DIAGV:
        sb_puts(out, "np.diag(");
        py_whole(E, n->kid[0], out);
        sb_puts(out, ").reshape(-1, 1)");
        return (py_form){ PY_ATOM, 1, 1, 0 };
    case CGF_SUM: return sum(E, n, out);
    case CGF_EPROD: return eprod(E, n, out);
    case CGF_PROD:
        if (n->nkids == 2 && !shape_is_scalar(E->ctx, n->kid[0]->shape))
            return outer(E, n, out);
        return scaled(E, n, 0, out);
    case CGF_POWER: return power(E, n, out);
    case CGF_FUNCTION: return function(E, n, out);
    default:    /* products, reductions, helpers are statements, not expressions */
        E->unsupported = ops_table[n->op].name;
        sb_puts(out, "_missing");
        return f;
    }
}

py_form py_expr(py_emitter *E, const nd_node *n, strbuf *out)
{
    cg_value *v = cg_val(E->p, n);
    if (n == E->self || v->kind == V_INLINE)
        return expand(E, n, out);
    if (v->kind == V_INPUT)
        sb_puts(out, E->var[v->index]);
    else
        sb_puts(out, E->val[n->id] ? E->val[n->id] : "_missing");
    return (py_form){ PY_ATOM, 1, 1, 0 };
}

/* n as an array of its whole shape: broadcast_to where it is smaller. */
py_form py_whole(py_emitter *E, const nd_node *n, strbuf *out)
{
    strbuf b;
    sb_init(&b);
    py_form f = py_expr(E, n, &b);
    int one_r = !f.rows || dim_is_one(E->ctx, n->shape.rows);
    int one_c = !f.cols || dim_is_one(E->ctx, n->shape.cols);
    if (f.rows && f.cols) {
        sb_puts(out, sb_str(&b));
    } else {    /* a number filled in (np.full is the cheaper), or a row or column spread */
        strbuf shape;
        sb_init(&shape);
        sb_putc(&shape, '(');
        py_dim_text(E, n->shape.rows, &shape);
        sb_puts(&shape, ", ");
        py_dim_text(E, n->shape.cols, &shape);
        sb_putc(&shape, ')');
        if (one_r && one_c)
            sb_printf(out, "np.full(%s, %s)", sb_str(&shape), sb_str(&b));
        else
            sb_printf(out, "np.broadcast_to(%s, %s)", sb_str(&b), sb_str(&shape));
        sb_free(&shape);
        f = (py_form){ PY_ATOM, 1, 1, one_r && one_c };
    }
    sb_free(&b);
    return f;
}

/* The helpers used, with the ones they call. */
void py_helper_text(py_emitter *E, strbuf *out)
{
    for (int h = 0; h < PYH__COUNT; h++)
        if (E->helpers & (1u << h))
            E->helpers |= helper_table[h].needs;
    for (int h = 0; h < PYH__COUNT; h++)
        if (E->helpers & (1u << h))
            sb_printf(out, "\n\n%s", helper_table[h].text);
}
