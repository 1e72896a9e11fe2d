/* cg_numpy.h: the state the NumPy writer (cg_numpy.c, the module and its
 * statements; cg_numpy_expr.c, the expressions) shares while it writes one
 * module from a plan.  Internal.
 *
 * Every value is an array of its node's shape, a vector an (n, 1) column,
 * a scalar an np.float64; an expression written inline may be smaller
 * (a broadcast operand, a scalar) and NumPy's broadcasting makes it whole
 * where it meets the others: py_form says which axes it has in full. */
#ifndef ND_CG_NUMPY_H
#define ND_CG_NUMPY_H

#include "cg.h"

/* Precedence of a Python expression, tightest first. */
enum py_prec { PY_ATOM, PY_POW, PY_UNARY, PY_MUL, PY_ADD };

typedef struct py_form {
    enum py_prec prec;
    int rows, cols;     /* the axis has the node's extent (not broadcast) */
    int fresh;          /* a new array, not a view of an argument or a value */
} py_form;

/* The module's helper functions, defined when the code uses them. */
enum py_helper {
    PYH_sigmoid, PYH_swish, PYH_relu, PYH_step, PYH_softplus, PYH_erf, PYH_gelu,
    PYH_logdet, PYH_ismax, PYH_ismin, PYH_softmax, PYH_logsoftmax, PYH_logsumexp, PYH_xent,
    PYH_matrix, PYH_vector, PYH_scalar, PYH__COUNT
};

typedef struct py_emitter {
    cg_plan *p;
    nd_ctx *ctx;
    const char **val;           /* by node id: a materialized value's name */
    const char **var;           /* by variable: its Python name */
    const char **dim;           /* by dimension root: its name, once bound */
    char **taken;               /* every name the module defines, for clashes */
    int n_taken, cap_taken;
    const nd_node *self;        /* the node being computed: expanded, not read */
    unsigned helpers;
    const char *unsupported;    /* an operator without a NumPy form, or NULL */
} py_emitter;

/* cg_numpy_expr.c */
const char *py_name(py_emitter *E, const char *want);
void py_dim_text(py_emitter *E, nd_dim d, strbuf *out);
py_form py_expr(py_emitter *E, const nd_node *n, strbuf *out);
py_form py_whole(py_emitter *E, const nd_node *n, strbuf *out);
void py_operand(py_emitter *E, const nd_node *n, enum py_prec max, strbuf *out);
void py_helper_text(py_emitter *E, strbuf *out);
void py_use(py_emitter *E, enum py_helper h);

#endif
