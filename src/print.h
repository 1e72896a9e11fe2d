/* print.h: expressions in the input language (the text mode) or in LaTeX.
 * Text parses back to the same value: broadcasting is left implicit only
 * where the parser restores it, and parentheses follow the grammar's
 * precedence. */
#ifndef ND_PRINT_H
#define ND_PRINT_H

#include "expr.h"

typedef struct printer {
    nd_ctx *ctx;
    strbuf *out;
    const char **names;     /* by node id: a binding's name, else NULL */
    uint32_t n_names;
    const nd_node *self;    /* printed in full although it has a name */
    int latex;              /* LaTeX instead of the input language */
    nd_nodelist *hits;      /* when not NULL, each node printed by its name */
    const nd_node **sized;  /* the fills written with their size (print_plan) */
    int n_sized, cap_sized;
    int planned;            /* a line's plan is in force */
} printer;

/* Names every named binding's node (the first binding wins). */
void printer_init(printer *p, nd_ctx *ctx, strbuf *out);
void printer_free(printer *p);
/* Gives node n the name `name` (a temporary, an adjoint). */
void printer_name(printer *p, const nd_node *n, const char *name);
const char *printer_name_of(const printer *p, const nd_node *n);
void print_expr(printer *p, const nd_node *n);
/* The same appended to b instead of p's output. */
void print_to(printer *p, const nd_node *n, strbuf *b);
/* Term i of a sum with its sign (" + t", " - t"; the first without " + "),
 * for breaking long sums across lines. */
/* The terms of a sum in the order they are printed: the lead first (the
 * first term with the sum's shape when the broadcasts before it would not
 * add up, x' + x + A), then the others. */
uint32_t print_sum_lead(printer *p, const nd_node *sum);
const nd_node *print_sum_term(const nd_node *sum, uint32_t lead, uint32_t i);
void print_term_signed(printer *p, const nd_node *sum, uint32_t lead, uint32_t i);
/* Plans the fills of a line whose value is root: a fill (vector(c),
 * matrix(c), v*vector(1)') whose size nothing at its place fixes, as the
 * answer reader infers sizes, is written with it (vector(c, n)); root's own
 * shape counts as fixed unless root is p->self (a definition).  print_expr
 * and print_to plan their node themselves; a line printed in pieces
 * (print_term_signed) is planned first.  Returns whether it made a plan,
 * for print_unplan (a plan in force stays). */
int print_plan(printer *p, const nd_node *root);
void print_unplan(printer *p, int planned);
/* n as a factor of a product (parenthesized as that needs). */
void print_factor(printer *p, const nd_node *n);

/* Names (provisionally: emit.c numbers them as printed) every non-trivial
 * subexpression the roots use more than once, and returns them (malloc'd)
 * in an order where each comes after those it uses. */
int printer_temporaries(printer *p, nd_node *const *roots, int n, nd_node ***temps);

#endif
