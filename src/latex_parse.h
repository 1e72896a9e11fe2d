/* latex_parse.h: the parser of LaTeX math (latex_parse.c: the grammar,
 * functions, norms, scripts; latex_names.c: names, derivatives written as
 * names, words split into names), as the two files share it. */
#ifndef ND_LATEX_PARSE_H
#define ND_LATEX_PARSE_H

#include "latex_impl.h"

#define LP_MAX_DEPTH 200    /* nesting of the LaTeX itself */
#define LP_MAX_WORD 64      /* a word longer than this is not split into names */

typedef struct lp {
    lr_ctx *L;
    lt_tok **t;             /* the parser's copy: scripts split words in place */
    int n, i;
    int abs_depth, norm_depth, depth;
    int lhs;                /* the left side of a row: unknown words name new things */
    int nosplit;            /* in a lookahead: never split a token */
} lp;

/* A function of the LaTeX and its name in the input language. */
typedef struct fn_info {
    const char *tex, *name;
    const char *deriv;      /* f'(%), or NULL */
    int deriv_level;        /* the printed level of the derivative (latex_read.c) */
} fn_info;

/* A name as written: its bases (\lambda: lambda or lam), a decoration
 * (\hat: "hat") and a subscript (W_{2}, W^{(2)}: "2"). */
typedef struct atom {
    const char *base[3];
    int nbase;
    char suffix[32];
    char sub[64];
    int objective;          /* \mathcal{L}: the objective, whatever its name */
    size_t from, to;
} atom;

#define MAX_CANDS 12

extern const char *const lp_greek[];   /* the Greek letters' commands, NULL-terminated */

/* ---- tokens (latex_parse.c) ---- */

lt_tok *lp_peek(lp *p);         /* the next token, \quad skipped; NULL at the end */
lt_tok *lp_peek2(lp *p);        /* the one after it */
lt_tok *lp_take(lp *p);
int lp_is_char(const lt_tok *t, int c);
int lp_is_cmd(const lt_tok *t, const char *name);
int lp_cmd_in(const lt_tok *t, const char *const *names);
size_t lp_end_at(lp *p);        /* where the row ends, for an error at its end */
int lp_failed(lp *p);
/* A located error at t (NULL: the end of the row); returns NULL. */
void *lp_fail_at(lp *p, const lt_tok *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const char *lp_shown(lp *p, const lt_tok *t);     /* "'\\frac'", "end of the row" */
void *lp_unexpected(lp *p, const lt_tok *t, const char *what);
int lp_expect(lp *p, int c);    /* takes c, or fails saying so */
lt_tok *lp_take_char(lp *p);    /* one character of a word (TeX's unbraced scripts) */

/* ---- nodes (latex_parse.c) ---- */

lnode *lp_node(lp *p, enum ln_kind kind, size_t from, size_t to);
lnode *lp_unary(lp *p, enum ln_kind kind, lnode *a, size_t op_from, size_t op_to);
lnode *lp_binary(lp *p, enum ln_kind kind, lnode *a, lnode *b, size_t op_from, size_t op_to);
lnode *lp_call(lp *p, const char *fn, lnode **args, int nargs, size_t from, size_t to,
               size_t name_to);
lnode *lp_scalar_num(lp *p, const char *text, size_t from, size_t to);
const char *lp_cat(lp *p, const char *a, const char *b, const char *c);     /* arena */

/* ---- the grammar (latex_parse.c) ---- */

lnode *lp_expr(lp *p);
lnode *lp_postfix(lp *p);
lnode *lp_frac_arg(lp *p);      /* {expr}, or one character (\frac12) */
const fn_info *lp_function_named(const char *s, int any_case);
lnode *lp_apply(lp *p, const fn_info *f, lt_tok *name);   /* f, its scripts, its argument */
lnode *lp_identity(lp *p, const atom *a);                  /* I, I_n */

/* ---- names (latex_names.c) ---- */

void lp_atom_base(atom *a, const char *base);
int lp_atom_at(lp *p, atom *a);                 /* a name with its scripts */
lnode *lp_resolve(lp *p, const atom *a);        /* the name it stands for */
int lp_script_text(lp *p, char *out, size_t size);
const char *lp_decoration(const lt_tok *t);     /* \hat: "hat", or NULL */
lnode *lp_frac_derivative(lp *p, size_t from);  /* \frac{\partial L}{\partial W}, or NULL */
lnode *lp_inline_derivative(lp *p);             /* dL/dW, \partial L / \partial W, or NULL */
lnode *lp_nabla(lp *p, lt_tok *t);
lnode *lp_word(lp *p);                          /* a name, a product of names, a function */
lnode *lp_roman_word(lp *p);                    /* \mathrm{...} */
lnode *lp_greek_letter(lp *p);                  /* a name, or \sigma as sigmoid */

#endif
