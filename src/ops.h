/* ops.h: the operator table.  One row per operator, made from the list in
 * ops.def (ORDER OP): its spelling, result shape, simplification on
 * construction, adjoint (derivative) rule, MPFR evaluator, how it is
 * transposed, rebuilt and known symmetric, and how the printers and the C
 * generator write it.  Adding an operator means adding its row to ops.def
 * and the functions the row names (ops_impl.h declares them from the list). */
#ifndef ND_OPS_H
#define ND_OPS_H

#include <mpfr.h>

#include "expr.h"
#include "mat.h"

enum op_class {
    OPC_LEAF,       /* constants, variables, eye, symbols */
    OPC_ARITH,      /* written as operators: + * .* .^ ' and broadcasting */
    OPC_ELEM,       /* elementwise function of one argument */
    OPC_REDUCE,     /* function of one matrix to a scalar */
    OPC_FUNC,       /* any other function */
};

/* Evaluation status */
#define EV_OK 0
#define EV_DOMAIN 1     /* outside the function's domain: draw another point */

struct nd_evalenv;

/* What a call looks like during elaboration, for checks and messages. */
typedef struct call_site {
    const char *name;
    nd_loc loc;                 /* the whole call */
    int nargs;
    nd_node **args;
    const nd_loc *arg_locs;     /* diag_text(ctx, arg_locs[i]) for messages */
} call_site;

/* Which union field of a leaf the node uses (expr.h). */
enum op_payload { PAYLOAD_NONE, PAYLOAD_Q, PAYLOAD_VAR, PAYLOAD_DIM, PAYLOAD_NAME };

/* When the value is a symmetric matrix (see ops.def). */
enum op_symmetry { SYMM_NO, SYMM_ALWAYS, SYMM_KIDS, SYMM_FIRST, SYMM_PALINDROME, SYMM_SCALAR,
                   SYMM_ASSUMED };

/* How the printer writes a call in LaTeX: \name\left(x\right), open x close
 * (close_matrix for a matrix argument), or x with a superscript. */
enum op_latex { LATEX_CALL, LATEX_WRAP, LATEX_SUPER };

/* How the C generator computes a value (ops.def's cg column, cg.h). */
enum cg_form {
    CGF_NONE,                   /* an input, or nothing the generator computes */
    CGF_CONST, CGF_DIM, CGF_EYE, CGF_PI,                /* inline leaves */
    CGF_TRANSPOSE, CGF_BCAST, CGF_DIAGM, CGF_DIAGV,     /* views of the operand */
    CGF_SUM, CGF_EPROD, CGF_PROD, CGF_POWER,            /* inline arithmetic */
    CGF_FUNCTION,               /* c_name(x), element by element */
    CGF_LOOP,                   /* a reduction: c_term summed, then c_finish */
    CGF_HELPER,                 /* a call of generated helpers: c_call */
};
enum cg_term { CGT_PLAIN, CGT_ABS, CGT_SQUARE, CGT_DIAGONAL };
enum cg_finish { CGE_NONE, CGE_SQRT, CGE_MEAN };

typedef struct nd_opinfo {
    const char *name;           /* spelling in the language (internal ops too) */
    enum op_class cls;
    int nargs;                  /* arguments of the function form */
    /* Elaboration of a call: checks the arguments (unifying dimensions,
     * failing through diag_fail at the call) and builds the node.  NULL: the
     * generic one (any shape for OPC_ELEM/OPC_REDUCE, then mk_call). */
    nd_node *(*build)(nd_ctx *ctx, enum nd_op op, const call_site *cs);
    /* Result shape from the children (already checked). */
    nd_shape (*shape)(nd_ctx *ctx, nd_node *const *kids);
    /* Simplification on construction: a simpler equal node, or NULL. */
    nd_node *(*simplify)(nd_ctx *ctx, enum nd_op op, nd_node *const *kids);
    /* Contribution to the adjoint of child i given the adjoint g of n;
     * NULL when n does not vary with that child. */
    nd_node *(*adjoint)(nd_ctx *ctx, nd_node *n, int i, nd_node *g);
    /* out is allocated with n's shape; returns EV_OK or EV_DOMAIN. */
    int (*eval)(struct nd_evalenv *env, const nd_node *n, nd_mat *out,
                nd_mat *const *args);
    /* Elementwise functions only: */
    int (*eval1)(mpfr_t y, const mpfr_t x);             /* EV_OK/EV_DOMAIN */
    nd_node *(*deriv)(nd_ctx *ctx, nd_node *x, nd_node *fx);   /* f'(x) */
    int (*fold)(mpq_t y, const mpq_t x);                /* exact f(x), or 0 */
    /* (x)' with x made by this operator, pushed down (a sum's terms, a
     * product in reverse order), or NULL: a transpose node over x. */
    nd_node *(*transpose)(nd_ctx *ctx, nd_node *x);
    /* n remade over new operands through the smart constructors (which
     * simplify again), or NULL: mk_call. */
    nd_node *(*rebuild)(nd_ctx *ctx, const nd_node *n, nd_node *const *kids);
    enum op_symmetry symmetry;
    enum op_payload payload;    /* leaves */
    enum op_latex latex_form;
    const char *latex;          /* CALL: the command; WRAP: the opening; SUPER: the superscript */
    const char *latex_close, *latex_close_matrix;   /* WRAP */
    const char *c_name;         /* C99 function of an element (elementwise), or NULL */
    enum cg_form c_form;        /* how the C generator computes it */
    enum cg_term c_term;        /* CGF_LOOP */
    enum cg_finish c_finish;    /* CGF_LOOP */
    const char *c_call;         /* CGF_HELPER: the call's template (ops.def) */
} nd_opinfo;

extern const nd_opinfo ops_table[OP__COUNT];

/* The function named `name` in the language, or -1. */
int ops_lookup(const char *name);
/* The row a call of `name` with nargs arguments elaborates with, or -1. */
int ops_lookup_call(const char *name, int nargs);
/* Does the row also take an axis (sum(X, 1), softmax(Z, 2))? */
int ops_takes_axis(int op);

#endif
