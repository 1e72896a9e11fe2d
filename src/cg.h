/* cg.h: the C code generator's plan, shared by cg_plan.c (deciding what is
 * computed where and when) and cg_emit.c (writing the C).  Internal.
 *
 * The DAG of the objective and the gradients is normalized (each matrix
 * chain associated by a cost model into binary products), then every node
 * gets a value kind:
 *   V_INLINE  an element expression, computed inside its consumer's loop
 *             (elementwise operations, transposes, broadcasts, outer products)
 *   V_INPUT   a variable: its pointer
 *   V_SCALAR  a local double
 *   V_BUFFER  a row-major array in the workspace, or a gradient output
 * and each materialized value an instruction.  Row loops over the same rows
 * fuse into one loop when a later one reads only row i of what an earlier
 * one wrote (Wx[i] = W[i,:]*x fused with u += Wx[i]*W[i,:]).  Buffers share
 * workspace by liveness. */
#ifndef ND_CG_H
#define ND_CG_H

#include "elab.h"
#include "nnderive.h"
#include "strbuf.h"

enum val_kind { V_INLINE, V_INPUT, V_SCALAR, V_BUFFER };

typedef struct cg_value {
    enum val_kind kind;
    int index;          /* V_INPUT: ABI input; V_SCALAR: s<k>; V_BUFFER: buffer */
    int uses;           /* parents among the needed nodes (roots count once) */
    unsigned mask;      /* outputs that need it: 1 the objective, 2 << g gradient g */
    int needs_buffer;   /* a consumer reads it as a plain row-major array */
    int read_group;     /* the fused loop that reads it: -1 none yet, -2 several */
    int reads_at_row;   /* every read is of row i of the loop */
    int row_local;      /* a column made and read row by row in one loop: a
                           local double r<index> instead of an array */
    int producer;       /* the instruction that makes it, or -1 */
} cg_value;

enum ins_kind {
    I_SCALAR,   /* s = scalar expression */
    I_ELEM,     /* out(i, j) = element expression */
    I_MV,       /* y[i] = sum_k M(i, k) v(k): one dot product per row */
    I_MVT,      /* y += v(i) M(i, :): y = M'*v, row by row */
    I_MM,       /* C = A*B: i-k-j, or dot products when B is read transposed */
    I_REDUCE,   /* s = sum over (i, j) of a term */
    I_CALL,     /* a helper: inv, det, logdet, mpow, softmax, ..., crossentropy */
};

typedef struct cg_ins {
    enum ins_kind kind;
    nd_node *node;      /* the value it computes */
    nd_node *a, *b;     /* I_MV, I_MVT: matrix, vector; I_MM: left, right */
    int b_transposed;   /* I_MM: b is read as (X')(k, j) = X(j, k) (dot form) */
    int out;            /* writes gradient `out` directly, or -1 */
    int group;          /* its fused loop */
    int scratch;        /* I_CALL: a scratch buffer, or -1 */
    unsigned mask;
    nd_dim rows;        /* a row loop's number of rows */
} cg_ins;

typedef struct cg_buffer {
    nd_shape shape;     /* rows x cols doubles */
    int first, last;    /* groups where it is written first and read last */
    int slot;           /* workspace slot, or -1 for a gradient output */
    int grad;           /* the gradient it is, or -1 */
} cg_buffer;

typedef struct cg_plan {
    nd_ctx *ctx;
    const nd_prog *prog;
    const nd_c_options *opt;
    nd_node *objective;
    nd_node **grads;
    int n_grads;
    cg_value *val;      /* by node id */
    uint32_t n_val;
    cg_ins *ins;
    int n_ins, cap_ins;
    cg_buffer *buf;
    int n_buf, cap_buf;
    int n_scalars, n_groups, n_slots;
    nd_dim *dims;       /* the ABI's dimensions */
    int n_dims;
    long *estimate;     /* by dimension root: the size the cost model assumes */
} cg_plan;

/* Builds the plan; returns 0, or 2 after an error in ctx->diag. */
int cg_plan_build(cg_plan *p, nd_ctx *ctx, const nd_prog *prog, const nd_c_options *opt);
void cg_plan_free(cg_plan *p);

cg_value *cg_val(cg_plan *p, const nd_node *n);
int cg_is_row_loop(const cg_ins *in);

/* The C source (header_only: the prototypes) into out. */
int cg_emit(cg_plan *p, int header_only, strbuf *out);

#endif
