/* ops.c: the operator table, one row per operator (ORDER OP, see expr.h). */
#include "ops.h"

#include <string.h>

#include "ops_impl.h"

#define LEAF(nm, ev) \
    { .name = nm, .cls = OPC_LEAF, .eval = ev }
#define ARITH(nm, adj, ev) \
    { .name = nm, .cls = OPC_ARITH, .adjoint = adj, .eval = ev }
#define ELEM(nm, ev1, der, fo, tex, cn)                                         \
    { .name = nm, .cls = OPC_ELEM, .nargs = 1, .shape = shape_same,            \
      .simplify = simp_elem, .adjoint = adj_elem, .eval = eval_elem,           \
      .eval1 = ev1, .deriv = der, .fold = fo, .latex = tex, .c_name = cn }
#define REDUCE(nm, bld, simp, adj, ev, tex, cn)                                 \
    { .name = nm, .cls = OPC_REDUCE, .nargs = 1, .build = bld,                 \
      .shape = shape_scalar1, .simplify = simp, .adjoint = adj, .eval = ev,    \
      .latex = tex, .c_name = cn }
#define FUNC(nm, n, bld, shp, simp, adj, ev, tex)                               \
    { .name = nm, .cls = OPC_FUNC, .nargs = n, .build = bld, .shape = shp,     \
      .simplify = simp, .adjoint = adj, .eval = ev, .latex = tex }

/* ORDER OP */
const nd_opinfo ops_table[OP__COUNT] = {
    [OP_CONST] = LEAF("const", eval_const),
    [OP_VAR] = LEAF("var", eval_var),
    [OP_DIMVAL] = LEAF("dim", eval_dimval),
    [OP_EYE] = LEAF("eye", eval_eye),
    [OP_SYM] = LEAF("sym", eval_sym),

    [OP_BCAST] = ARITH("broadcast", adj_bcast, eval_bcast),
    [OP_ADD] = ARITH("+", adj_add, eval_add),
    [OP_PROD] = ARITH("*", adj_prod, eval_prod),
    [OP_EMUL] = ARITH(".*", adj_emul, eval_emul),
    [OP_EPOW] = ARITH(".^", adj_epow, eval_epow),
    [OP_MPOW] = ARITH("^", adj_mpow, eval_mpow),
    [OP_TRANSPOSE] = ARITH("'", adj_transpose, eval_transpose),

    [OP_EXP] = ELEM("exp", ev_exp, d_exp, f_exp, "\\exp", "exp"),
    [OP_LOG] = ELEM("log", ev_log, d_log, f_log, "\\log", "log"),
    [OP_SQRT] = ELEM("sqrt", ev_sqrt, d_sqrt, f_sqrt, "\\sqrt", "sqrt"),
    [OP_ABS] = ELEM("abs", ev_abs, d_abs, f_abs, "\\operatorname{abs}", "fabs"),
    [OP_SIGN] = ELEM("sign", ev_sign, NULL, f_sign, "\\operatorname{sign}", "nd__sign"),
    [OP_SIN] = ELEM("sin", ev_sin, d_sin, f_zero_at_zero, "\\sin", "sin"),
    [OP_COS] = ELEM("cos", ev_cos, d_cos, f_cos, "\\cos", "cos"),
    [OP_TAN] = ELEM("tan", ev_tan, d_tan, f_zero_at_zero, "\\tan", "tan"),
    [OP_ARCSIN] = ELEM("arcsin", ev_arcsin, d_arcsin, f_zero_at_zero, "\\arcsin", "asin"),
    [OP_ARCCOS] = ELEM("arccos", ev_arccos, d_arccos, f_arccos, "\\arccos", "acos"),
    [OP_ARCTAN] = ELEM("arctan", ev_arctan, d_arctan, f_zero_at_zero, "\\arctan", "atan"),
    [OP_TANH] = ELEM("tanh", ev_tanh, d_tanh, f_zero_at_zero, "\\tanh", "tanh"),
    [OP_SIGMOID] = ELEM("sigmoid", ev_sigmoid, d_sigmoid, f_sigmoid, "\\sigma", "nd__sigmoid"),
    [OP_SWISH] = ELEM("swish", ev_swish, d_swish, f_zero_at_zero, "\\operatorname{swish}", "nd__swish"),
    [OP_RELU] = ELEM("relu", ev_relu, d_relu, f_relu, "\\operatorname{relu}", "nd__relu"),
    [OP_SOFTPLUS] = ELEM("softplus", ev_softplus, d_softplus, NULL, "\\operatorname{softplus}", "nd__softplus"),
    [OP_STEP] = ELEM("step", ev_step, NULL, f_step, "\\operatorname{step}", "nd__step"),

    [OP_SUM] = REDUCE("sum", build_any, simp_sum, adj_sum, eval_sum, "\\operatorname{sum}", NULL),
    [OP_NORM1] = REDUCE("norm1", build_any, NULL, adj_norm1, eval_norm1, "\\lVert", NULL),
    [OP_NORM2] = REDUCE("norm2", build_any, simp_norm2, adj_norm2, eval_norm2, "\\lVert", NULL),
    [OP_NORM] = REDUCE("norm", build_any, NULL, adj_norm, eval_norm, "\\lVert", NULL),
    [OP_TR] = REDUCE("tr", build_square, simp_tr, adj_tr, eval_tr, "\\operatorname{tr}", NULL),
    [OP_DET] = REDUCE("det", build_square, simp_det, adj_det, eval_det, "\\det", NULL),
    [OP_LOGDET] = REDUCE("logdet", build_square, NULL, adj_logdet, eval_logdet, "\\log\\det", NULL),
    [OP_MEAN] = REDUCE("mean", build_any, NULL, adj_mean, eval_mean, "\\operatorname{mean}", NULL),

    [OP_INV] = FUNC("inv", 1, build_square, shape_same, simp_inv, adj_inv, eval_inv, "^{-1}"),
    [OP_DIAGM] = FUNC("diag", 1, build_diag, shape_diagm, NULL, adj_diagm, eval_diagm, "\\operatorname{diag}"),
    [OP_DIAGV] = FUNC("diag", 1, build_diag, shape_diagv, NULL, adj_diagv, eval_diagv, "\\operatorname{diag}"),

    [OP_SOFTMAX] = FUNC("softmax", 1, build_any, shape_same, NULL, adj_softmax, eval_softmax, "\\operatorname{softmax}"),
    [OP_LOGSOFTMAX] = FUNC("logsoftmax", 1, build_any, shape_same, NULL, adj_logsoftmax, eval_logsoftmax, "\\operatorname{logsoftmax}"),
    [OP_LOGSUMEXP] = FUNC("logsumexp", 1, build_any, shape_logsumexp, NULL, adj_logsumexp, eval_logsumexp, "\\operatorname{logsumexp}"),
    [OP_CROSSENTROPY] = FUNC("crossentropy", 2, build_crossentropy, shape_scalar1, NULL, adj_crossentropy, eval_crossentropy, "\\operatorname{crossentropy}"),
};

int ops_lookup(const char *name)
{
    for (int op = 0; op < OP__COUNT; op++)
        if (ops_table[op].cls >= OPC_ELEM && strcmp(ops_table[op].name, name) == 0)
            return op;
    return -1;
}
