/* reason.h: why an answer is not the gradient, in plain words.
 *
 * A reason is a hypothesis that the numbers confirm exactly at several
 * random points in high precision (compare.h): a shape relation, the
 * transpose, a constant factor or the sign, an assumption the program does
 * not declare, a subset of the uses of the variable, a derivative of an
 * activation left out, one wrong term, a single edit of one subexpression
 * of the answer; otherwise a counterexample.  The hypotheses are tried
 * simplest first and the first that holds is the reason; none is stated
 * that the numbers do not support.  The caller has established that the
 * answer is wrong. */
#ifndef ND_REASON_H
#define ND_REASON_H

#include "ast.h"
#include "compare.h"

#define REASON_MAX_POS 4

typedef struct reason_pos {
    nd_loc loc;
    char *text;                 /* the source text there (owned), or NULL */
} reason_pos;

typedef struct reason {
    const char *kind;           /* "shape", "transpose", "factor", "sign", ... (JSON) */
    strbuf text;                /* the plain words, after "not equivalent: " */
    reason_pos pos[REASON_MAX_POS];     /* the places it names */
    int n_pos;
    char *fix;                  /* an answer the reason claims is right, or NULL */
} reason;

void reason_init(reason *r);
void reason_free(reason *r);
void reason_set(reason *r, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void reason_add_pos(reason *r, nd_loc loc, const char *text);
void reason_fix(reason *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* What a diagnosis looks at. */
typedef struct reason_in {
    nd_ctx *ctx;
    const verify_opts *opts;
    nd_node *expect;            /* what the answer should be */
    const char *expect_name;    /* "the gradient", "dL/dz2" */
    const char *subject;        /* what a wrong term is a term of: NULL for "the
                                   gradient" (a step's too), "the Hessian" */
    int symmetric;              /* compare symmetric parts (a symmetric variable) */
    nd_node *answer;            /* NULL: it did not elaborate (a shape error) */
    const char *error;          /* ... that error's message, and where */
    nd_loc error_loc;
    const ast *expr;            /* the answer as written, in src */
    const nd_source *src;
    /* The derivation behind expect, for the hypotheses that change it (an
     * activation's derivative left out); objective NULL when expect is not
     * a plain derivative (a step checked with the student's earlier steps). */
    nd_node *objective;
    nd_node *target;            /* the variable's or the intermediate's node */
    const unsigned char *want;  /* by variable: differentiated */
    const nd_loc *origin;       /* by node id: where the program made it */
    uint32_t n_origin;
    /* A candidate answer from its text, elaborated among the answer's
     * names, or NULL when it does not elaborate. */
    nd_node *(*elaborate)(void *user, const char *text);
    /* Missing or extra uses of the variable (--paths): 1 with out set when
     * leaving out or doubling at most max_changes of them explains the
     * answer (-1: leaving out one, no doubling).  May be NULL. */
    int (*paths)(void *user, const char *text, int max_changes, reason *out);
    void *user;
} reason_in;

/* Fills out with the reason (there always is one: a counterexample when
 * nothing simpler holds). */
void reason_find(const reason_in *in, reason *out);

/* The answer's text as written (its expression only). */
char *reason_answer_text(const nd_source *src, const ast *expr);

#endif
