/* cg_emit.h: the state the C writer (cg_expr.c, cg_loop.c, cg_group.c,
 * cg_abi.c) shares while it writes one file from a plan.  Internal.
 * The modules call downwards only: cg_abi -> cg_group -> cg_loop -> cg_expr. */
#ifndef ND_CG_EMIT_H
#define ND_CG_EMIT_H

#include "cg.h"

/* Helpers the generated file defines when it uses them: the C of
 * src/cg_helpers.c.in, one string each (build/gen/cg_helpers.h). */
#define CGH_BIT(h) (1u << CGH_##h)

enum cg_helper {
#define CG_HELPER(name, needs, text) CGH_##name,
#include "cg_helpers.h"
#undef CG_HELPER
    CGH__COUNT
};
_Static_assert(CGH__COUNT <= 32, "the helpers are bits of an unsigned");

typedef struct cg_emitter {
    cg_plan *p;
    nd_ctx *ctx;
    const char *name;           /* the functions' prefix */
    const char **var_c;         /* by variable: its C identifier */
    const char **dim_c;         /* by dimension index: C identifier */
    const char **grad_c;        /* by gradient: grad_<its variable's identifier> */
    const nd_node *self;        /* the node being computed: expanded, not read */
    unsigned helpers;
    /* what the code written so far names, for the declarations */
    unsigned char *used_var, *used_dim, *used_grad, *used_buf, *used_local;
    int *group_buf, n_group_buf;    /* the buffers used_buf marks, for clearing */
    int *slot_head, *slot_next;     /* each slot's buffers, ascending */
    int uses_offsets;           /* the code reads off[] */
    unsigned uses;              /* the function's locals and parameters it names (U_) */
    char *bug;                  /* the first inconsistency of the plan, or NULL */
} cg_emitter;

/* The locals and parameters of the eval function that the code written so
 * far names, by bit: each is declared (or voided) only when named. */
enum {
    U_NEED = 1u << 0, U_I = 1u << 1, U_J = 1u << 2, U_K = 1u << 3, U_ACC = 1u << 4,
    U_VI = 1u << 5, U_AIK = 1u << 6, U_ACC4 = 1u << 7,     /* acc0 to acc3 */
    U_DIMS = 1u << 8, U_IN = 1u << 9, U_GRAD = 1u << 10, U_WORK = 1u << 11,
};

/* cg_expr.c */
void cg_line(strbuf *out, int indent, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void cg_bug(cg_emitter *E, const nd_node *n, const char *what);
void cg_use_buf(cg_emitter *E, int b);
void cg_dim_text(cg_emitter *E, nd_dim d, strbuf *out);
void cg_size_text(cg_emitter *E, nd_shape s, strbuf *out);
const char *cg_grad_name(cg_emitter *E, int g);
void cg_pointer_text(cg_emitter *E, const nd_node *n, strbuf *out);
void cg_index_text(cg_emitter *E, nd_shape shape, const char *ri, const char *ci, strbuf *out);
void cg_access(cg_emitter *E, const nd_node *n, const char *ri, const char *ci, strbuf *out);
void cg_elem(cg_emitter *E, const nd_node *n, const char *ri, const char *ci, strbuf *out);
void cg_velem(cg_emitter *E, const nd_node *v, const char *c, strbuf *out);
void cg_use_helpers(cg_emitter *E, const char *text);
void cg_write_helpers(cg_emitter *E, strbuf *out);
/* cg_loop.c: I_SYRK, C = X'*diag(d)*X. */
void cg_syrk_ins(cg_emitter *E, const cg_ins *in, strbuf *out, int ind);

/* cg_loop.c */
int cg_open_loop(cg_emitter *E, strbuf *out, int indent, const char *v, nd_dim bound);
void cg_close_loop(strbuf *out, int indent, int opened);
const char *cg_index_or_zero(cg_emitter *E, nd_dim bound, const char *v);
void cg_body(cg_emitter *E, const cg_ins *in, const char *ri, strbuf *out, int ind);
void cg_prologue(cg_emitter *E, const cg_ins *in, strbuf *out, int ind);
void cg_epilogue(cg_emitter *E, const cg_ins *in, strbuf *out, int ind);
int cg_is_blas(cg_emitter *E, const cg_ins *in);
int cg_blas_ins(cg_emitter *E, const cg_ins *in, strbuf *out, int ind);

/* cg_group.c */
void cg_groups(cg_emitter *E, strbuf *out);
int cg_need_words(const cg_plan *p);

#endif
