/* latex_impl.h: the insides of the LaTeX reader (latex_read.h), shared by
 * its tokenizer (latex_tok.c), its parser (latex_parse.c) and its driver
 * and printer (latex_read.c). */
#ifndef ND_LATEX_IMPL_H
#define ND_LATEX_IMPL_H

#include "latex_read.h"

/* ---- tokens ---- */

enum lt_kind {
    LT_NUM,         /* 12, 0.5 */
    LT_WORD,        /* a run of letters and digits from a letter: Wx, h1 */
    LT_ROMAN,       /* \mathrm{...}, \operatorname{...}, \text{...}: the text */
    LT_CAL,         /* \mathcal{L}, \ell: the letter ("ell" for \ell) */
    LT_CMD,         /* \name: the name ("|" for \|, "ones" for \mathbf{1}) */
    LT_CHAR,        /* one of { } ^ _ ( ) [ ] | + - * / = , ; ' . < > ! : */
    LT_SPACE,       /* \quad, \qquad: between equations of one row */
    LT_ROW,         /* \\ (or a newline in a file of bare rows) */
    LT_REGION,      /* the end of a math region ($...$, \[...\], align*) */
};

typedef struct lt_tok {
    enum lt_kind kind;
    const char *text;       /* NUL-terminated (arena); LT_CHAR: the character */
    size_t from, to;        /* its bytes in the source: [from, to) */
    int ch;                 /* LT_CHAR */
} lt_tok;

typedef struct lt_list {
    lt_tok *v;
    int n, cap;
} lt_list;

/* The first error of a translation: its bytes and words. */
typedef struct lr_error {
    int set;
    size_t from, to;
    char msg[320];
} lr_error;

void lr_fail(lr_error *e, size_t from, size_t to, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The tokens of src's math (the whole text when it has no math delimiters:
 * bare rows, a newline ending each).  Returns 0, or 2 with *err set. */
int lt_tokenize(nd_arena *arena, const nd_source *src, lt_list *out, lr_error *err);

/* ---- the expression tree ---- */

enum ln_kind {
    LN_NUM, LN_NAME, LN_TEXT,       /* a number, a name, an expression of --names */
    LN_ADD, LN_SUB, LN_NEG,
    LN_MUL, LN_DIV, LN_EMUL, LN_EDIV,
    LN_POW,                         /* x^k: a power, elementwise unless of a square matrix */
    LN_EPOW,                        /* x^{\circ k} */
    LN_T, LN_INV,
    LN_CALL,                        /* text(kids) */
    LN_ONES,                        /* \mathbf{1}: vector(1) */
    LN_EYE,                         /* I, I_n: eye(dim), or diag(vector(1)) */
    LN_DERIV,                       /* f'(x): text is a template, % the argument */
};

typedef struct lr_shape {
    const char *rows, *cols;        /* NULL: not known */
} lr_shape;

typedef struct lnode {
    enum ln_kind kind;
    const char *text;
    struct lnode **kids;
    int nkids;
    size_t from, to;                /* the source bytes it was read from */
    size_t op_from, op_to;          /* its operator (or function name) */
    lr_shape shape;
    const char *dim;                /* LN_EYE: its size, once known; LN_ONES: the size said */
    int elementwise;                /* LN_POW, LN_DIV: decided by the shapes */
    int level;                      /* LN_DERIV: the printed level of its template */
    int split;                      /* LN_MUL of a word split into names (Wx): a
                                       script after it is the last name's */
    int paren;                      /* written in parentheses: printed in them */
} lnode;

/* ---- the translator's state ---- */

typedef struct lr_defined {
    const char *name;
    lr_shape shape;
    /* A helper whose shape its definition does not fix (t = c 1 1^T):
     * its text, put in its place where it is used, where the place fixes
     * it; NULL otherwise. */
    const char *inline_text;
} lr_defined;

typedef struct lr_ctx {
    nd_arena *arena;
    const nd_source *src;
    const lr_names *names;
    lr_defined *defs;               /* names the answer lines define */
    int n_defs, cap_defs;
    lr_error err;
} lr_ctx;

/* What a name is: the program's (with its kind), one an earlier row
 * defined (LR_BIND), or LR_NONE. */
enum lr_kind lr_lookup(lr_ctx *L, const char *name, lr_shape *shape);
/* A helper's text to use in its place (lr_defined), or NULL. */
const char *lr_inline_text(lr_ctx *L, const char *name);

/* Parses the tokens t[0..n) as one expression, or as the left side of a
 * row (a name, or a derivative written as a name; *statement set when it
 * is something else: \sigma'(z) = ...).  NULL after an error. */
lnode *lr_parse_expr(lr_ctx *L, lt_tok *const *t, int n);
lnode *lr_parse_lhs(lr_ctx *L, lt_tok *const *t, int n, int *statement);

/* The shapes of n's nodes, as far as the names (and the shape the line
 * must have, target) tell them; decides the powers and divisions that are
 * elementwise, and the sizes of I.  2 after an error. */
int lr_shapes(lr_ctx *L, lnode *n, lr_shape target);

#endif
