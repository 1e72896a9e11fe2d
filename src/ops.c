/* ops.c: the operator table, made from the list in ops.def. */
#include "ops.h"

#include <string.h>

#include "ops_impl.h"

/* The columns of ops.def, spelled out (see its header). */
#define OPS_SIMP_S(c) op_##c##_simplify
#define OPS_SIMP_NS(c) NULL
#define OPS_DERIV_D(c) op_##c##_deriv
#define OPS_DERIV_ND(c) NULL
#define OPS_FOLD_OWN(c) op_##c##_fold
#define OPS_FOLD_ZERO0(c) op_zero_at_zero_fold
#define OPS_FOLD_NOFOLD(c) NULL
#define OPS_TR_EACH(c) op_each_transpose
#define OPS_TR_OWN(c) op_##c##_transpose
#define OPS_RB_OWN(c) op_##c##_rebuild
#define OPS_RB_CALL(c) NULL
#define CALL(cmd) .latex_form = LATEX_CALL, .latex = cmd
#define WRAP(open, close, close_m) \
    .latex_form = LATEX_WRAP, .latex = open, .latex_close = close, .latex_close_matrix = close_m
#define SUPER(sup) .latex_form = LATEX_SUPER, .latex = sup
#define INLINE(form) .c_form = CGF_##form
#define LOOP(term, finish) .c_form = CGF_LOOP, .c_term = CGT_##term, .c_finish = CGE_##finish
#define HELPER(call) .c_form = CGF_HELPER, .c_call = call
#define NOCODE .c_form = CGF_NONE

#define LEAF(E, c, nm, pl, sy, cg) \
    [OP_##E] = { .name = nm, .cls = OPC_LEAF, .eval = op_##c##_eval, \
                 .payload = PAYLOAD_##pl, .symmetry = SYMM_##sy, cg },
#define ARITH(E, c, nm, tr, sy, rb, cg) \
    [OP_##E] = { .name = nm, .cls = OPC_ARITH, .adjoint = op_##c##_adjoint, \
                 .eval = op_##c##_eval, .transpose = OPS_TR_##tr(c), \
                 .rebuild = OPS_RB_##rb(c), .symmetry = SYMM_##sy, cg },
#define ELEM(E, c, nm, lx, cn, d, f) \
    [OP_##E] = { .name = nm, .cls = OPC_ELEM, .nargs = 1, .shape = op_same_shape, \
                 .simplify = op_elem_simplify, .adjoint = op_elem_adjoint, \
                 .eval = op_elem_eval, .eval1 = op_##c##_eval1, .deriv = OPS_DERIV_##d(c), \
                 .fold = OPS_FOLD_##f(c), .symmetry = SYMM_FIRST, lx, .c_name = cn, \
                 .c_form = CGF_FUNCTION },
#define REDUCE(E, c, nm, b, s, lx, cg) \
    [OP_##E] = { .name = nm, .cls = OPC_REDUCE, .nargs = 1, .build = op_##b##_build, \
                 .shape = op_scalar_shape, .simplify = OPS_SIMP_##s(c), \
                 .adjoint = op_##c##_adjoint, .eval = op_##c##_eval, lx, cg },
#define FUNC(E, c, nm, n, b, sh, s, sy, lx, cg) \
    [OP_##E] = { .name = nm, .cls = OPC_FUNC, .nargs = n, .build = op_##b##_build, \
                 .shape = op_##sh##_shape, .simplify = OPS_SIMP_##s(c), \
                 .adjoint = op_##c##_adjoint, .eval = op_##c##_eval, .symmetry = SYMM_##sy, \
                 lx, cg },
#define ELEM2(E, c, nm, lx, cn) \
    [OP_##E] = { .name = nm, .cls = OPC_FUNC, .nargs = 2, .build = op_elem2_build, \
                 .shape = op_same_shape, .simplify = op_##c##_simplify, \
                 .adjoint = op_##c##_adjoint, .eval = op_##c##_eval, .symmetry = SYMM_KIDS, \
                 lx, .c_name = cn, .c_form = CGF_FUNCTION },

const nd_opinfo ops_table[OP__COUNT] = {
#include "ops.def"
};

/* Rows that also take an axis, sum(X, k) (see op_axis_build). */
int ops_takes_axis(int op)
{
    return ops_table[op].build == op_axis_build;
}

/* Several rows may share a name (diag, max): the one that takes nargs
 * arguments (or nargs - 1 and an axis), else the first. */
int ops_lookup_call(const char *name, int nargs)
{
    int first = -1;
    for (int op = 0; op < OP__COUNT; op++) {
        if (ops_table[op].cls < OPC_ELEM || strcmp(ops_table[op].name, name) != 0)
            continue;
        if (ops_table[op].nargs == nargs || (ops_takes_axis(op) && nargs == 2))
            return op;
        if (first < 0)
            first = op;
    }
    return first;
}

int ops_lookup(const char *name)
{
    for (int op = 0; op < OP__COUNT; op++)
        if (ops_table[op].cls >= OPC_ELEM && strcmp(ops_table[op].name, name) == 0)
            return op;
    return -1;
}
