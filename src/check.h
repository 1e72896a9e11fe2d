/* check.h: the checker of answers (--check, --check-file).
 *
 * A checker elaborates the program afresh in a ctx of its own (answers add
 * names and candidate expressions to it; the session's stays as it was),
 * derives the gradients and the adjoints of the named intermediates, and
 * takes answers one line at a time, as a TA reads them:
 *   dL/dW = EXPR    the gradient with respect to a variable;
 *   dL/dz2 = EXPR   the adjoint of a named intermediate (a step of --steps);
 *   t = EXPR        a helper name for later lines.
 * Later lines may use earlier ones by name (dL/dz2 in an expression).  A
 * line is right, wrong (with a reason, see reason.h), or right given the
 * student's own earlier lines when those are wrong (error carried forward).
 * Equality is decided numerically at random points in high precision
 * (compare.h), after the shapes. */
#ifndef ND_CHECK_H
#define ND_CHECK_H

#include "elab.h"
#include "jacobian.h"
#include "verify.h"

typedef struct checker checker;

enum check_format { CHECK_TEXT, CHECK_JSON };

/* Opens a checker over the program's source with the session's options:
 * NULL after an error (its messages appended to diag). */
checker *check_open(const nd_source *program, const elab_opts *eo, const verify_opts *o,
                    strbuf *diag);
void check_close(checker *c);
/* --jacobian, --hessian: answers are compared with the Jacobian or the
 * Hessian w.r.t. each variable (transposed: denominator layout) in place
 * of the gradient (--check only;
 * the diagnoses that rederive a gradient are not tried).  0, or 2 after
 * an error (appended to diag). */
int check_set_kind(checker *c, enum jac_kind kind, int denominator, strbuf *diag);
/* check_open, then check_set_kind unless kind is JAC_GRADIENT: NULL (the
 * message in diag) when either fails. */
checker *check_open_kind(const nd_source *program, const elab_opts *eo, const verify_opts *o,
                         enum jac_kind kind, int denominator, strbuf *diag);

/* One answer to the gradient w.r.t. the first variable: "equivalent\n" or
 * "not equivalent: REASON\n" into out (or the same as JSON).  Returns 0, 1,
 * or 2 after an error in the answer (its message in diag). */
int check_expression(checker *c, const nd_source *answer, enum check_format fmt, strbuf *out,
                     strbuf *diag);

/* For graders: each line's verdict as it is found, with its label (dL/dW),
 * its line as written (in the .tex file for LaTeX), the verdict (0 right,
 * 1 wrong, 2 right given earlier wrong lines) and the reason as text. */
typedef void (*check_sink)(void *user, const char *label, int line, int verdict,
                           const char *reason);
void check_set_sink(checker *c, check_sink fn, void *user);

/* A file of answer lines: one verdict per line and a summary (text), or
 * the same as JSON.  Returns 0 when every line is right, 1 when one is
 * not, 2 after an error (in diag). */
int check_file(checker *c, const nd_source *answers, enum check_format fmt, strbuf *out,
               strbuf *diag);

#endif
