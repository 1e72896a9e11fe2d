/* cg.h: the C code generator's plan, shared by cg_plan.c (deciding what is
 * computed where and when) and the writer of the C (cg_emit.h: cg_abi.c,
 * cg_group.c, cg_loop.c, cg_expr.c).  Internal.
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
#include "strbuf.h"

/* What the C is asked for (session.c fills it from nnderive.h's
 * cg_options, which the generator does not see). */
typedef struct cg_options {
    const char *name;               /* function prefix */
    int blas, colmajor;
    const char *dims;               /* "m=512,n=1024" for the cost model, or NULL */
} cg_options;

/* What the outputs are (cg_plan_build_kind). */
enum cg_kind {
    CG_GRADIENT,        /* the gradient w.r.t. each --wrt variable */
    CG_JACOBIAN,        /* the Jacobian w.r.t. each (jac_make_blocks) */
    CG_HESSIAN,         /* the Hessian's blocks on and above the diagonal */
    CG_HVP,             /* H*v: new inputs v_x, one per --wrt variable */
};

enum val_kind { V_INLINE, V_INPUT, V_SCALAR, V_BUFFER };

/* Which outputs need a value: a set of bits, bit 0 the objective and bit
 * g + 1 gradient g, in words of 32 bits.  Sets are interned in the plan,
 * so a mask is an index and equal sets are equal indices: 0 is the empty
 * set, CG_ALWAYS every set with the objective in it (a value the
 * objective needs is computed unconditionally, so the rest of such a set
 * says nothing).  A set of gradients that would span more than
 * CG_MASK_WORDS words becomes CG_ALWAYS too: computed whether or not those
 * gradients are requested, which is correct, only not frugal.  A value only
 * one gradient needs (every store into an output) is always exact. */
typedef int cg_mask;
#define CG_ALWAYS 1
#define CG_MASK_WORDS 8

typedef struct cg_maskdef {
    int n;                          /* words with bits set, by ascending index */
    uint32_t word[CG_MASK_WORDS], bits[CG_MASK_WORDS];
    uint32_t hash;
} cg_maskdef;

typedef struct cg_value {
    enum val_kind kind;
    int index;          /* V_INPUT: ABI input; V_SCALAR: s<k>; V_BUFFER: buffer */
    int uses;           /* parents among the needed nodes (roots count once) */
    cg_mask mask;       /* the outputs that need it */
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
    I_SYRK,     /* C = X'*diag(d)*X (a = X, b = d): the upper triangle, mirrored;
                   --blas: dsyrk on a scratch of sqrt(|d|)-scaled rows */
};

typedef struct cg_ins {
    enum ins_kind kind;
    nd_node *node;      /* the value it computes */
    nd_node *a, *b;     /* I_MV, I_MVT: matrix, vector; I_MM: left, right */
    int b_transposed;   /* I_MM: b is read as (X')(k, j) = X(j, k) (dot form) */
    int out;            /* writes gradient `out` directly, or -1 */
    int group;          /* its fused loop */
    int scratch;        /* I_CALL: a scratch buffer, or -1 */
    cg_mask mask;
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
    const cg_options *opt;
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
    cg_maskdef *masks;  /* by mask */
    int n_masks, cap_masks;
    int *mask_tab;      /* open addressing over masks, by hash */
    int mask_cap;
    nd_node **norm_of;  /* by the id of a node before normalization: the node
                           the plan computes for it, or NULL (names of bindings) */
    uint32_t n_norm;
    const char *mode;   /* the option the messages name: "--c", "--numpy" */
    char *bug;          /* the first inconsistency found, or NULL */
    enum cg_kind kind;
    int denominator;    /* CG_JACOBIAN: each block transposed, J[j, i] = d f_i / d x_j */
    int *out_row, *out_col; /* by output: the --wrt indices it is the derivative
                               by (out_col = out_row but for a Hessian block) */
} cg_plan;

/* Builds the plan.  An input error (an option the program cannot take, a
 * size nothing fixes, an operator without a form) is raised through ctx
 * (diag_fail); the caller frees the plan, built or not, with cg_plan_free. */
void cg_plan_build(cg_plan *p, nd_ctx *ctx, const nd_prog *prog, const cg_options *opt);
/* The same for another backend: mode is its option, for the messages. */
void cg_plan_build_for(cg_plan *p, nd_ctx *ctx, const nd_prog *prog, const cg_options *opt,
                       enum cg_kind kind, int denominator, const char *mode);
/* The same for outputs of another kind than gradients. */
void cg_plan_build_kind(cg_plan *p, nd_ctx *ctx, const nd_prog *prog, const cg_options *opt,
                        enum cg_kind kind, int denominator);
void cg_plan_free(cg_plan *p);

cg_value *cg_val(cg_plan *p, const nd_node *n);
/* Is n the product X'*diag(d)*X that I_SYRK computes? */
int cg_is_syrk(const cg_plan *p, const nd_node *n);

/* Output g's name in the plan dump and the _grad_names list: its variable's
 * ("x"), or both variables' for an off-diagonal Hessian block ("x,y"). */
void cg_out_name(const cg_plan *p, int g, strbuf *out);
/* The stem of its C identifier: "grad", "jac", "hess" or "hv". */
const char *cg_out_stem(const cg_plan *p);

/* Masks (cg_mask.c): the set {bit}, a union, and the table's end. */
cg_mask cg_mask_bit(cg_plan *p, int bit);
cg_mask cg_mask_union(cg_plan *p, cg_mask a, cg_mask b);
void cg_mask_free(cg_plan *p);
int cg_is_row_loop(const cg_ins *in);

/* Names (cg_names.c).  What C or the generated code gives a name, if
 * anything (blas: with <cblas.h> included). */
enum cg_name_kind { NAME_FREE, NAME_IMPLEMENTATION, NAME_KEYWORD, NAME_LIBRARY, NAME_BLAS,
                    NAME_OURS };
enum cg_name_kind cg_name_kind(const char *name, int blas);
/* The sorted lists behind it, for the tests. */
extern const char *const cg_keywords[], *const cg_library[], *const cg_blas_names[];
extern const int cg_n_keywords, cg_n_library, cg_n_blas_names;

#define CG_MAX_PREFIX 64    /* a prefix has fewer characters */
/* Raises (diag_fail) unless the generated names for prefix are free. */
void cg_check_prefix(nd_ctx *ctx, const char *prefix);
/* The C identifiers of the variables (by index), dimensions (by index)
 * and gradients: distinct, and clashing with nothing C gives a meaning. */
void cg_names(const cg_plan *p, const char *prefix, const char **var_c, const char **dim_c,
              const char **grad_c);

/* The plan as text into out (cg_dump.c; ND_DUMP_PLAN=1 with --c). */
void cg_plan_dump(cg_plan *p, strbuf *out);

/* The C source (header_only: the prototypes) into out; an inconsistent
 * plan (a bug) is raised as an internal error, with nothing written. */
void cg_emit(cg_plan *p, int header_only, strbuf *out);

/* The plan as a Python 3 module over NumPy (cg_numpy.c, --numpy) into out;
 * program and gradients (the text output) go into its docstring.  An
 * operator it has no form for is raised, with nothing written. */
void cg_numpy(cg_plan *p, const char *program, const char *gradients, strbuf *out);

/* A file of several plans (--hessian: the Hessian, then NAME_hvp): each
 * plan's functions as a part, then the file around them (the first plan's
 * comment and storage; the helpers of all the parts, once). */
typedef struct cg_part {
    strbuf protos, code;
    unsigned helpers;
} cg_part;
void cg_emit_part(cg_plan *p, cg_part *part);    /* raises on a bug */
void cg_part_free(cg_part *part);
void cg_emit_file(const cg_plan *p, cg_part *parts, int n, int header_only, strbuf *out);

#endif
