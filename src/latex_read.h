/* latex_read.h: answers written in LaTeX, translated into answer lines.
 *
 * A student's .tex answer (rows of an align*, \[ \], $...$, or bare rows as
 * --latex prints them) becomes the text that check_file reads:
 *     \frac{\partial L}{\partial W_2} &= (\hat{y} - y) h_1^\top \\
 * becomes  dL/dW2 = (yhat - y)*h1'  and the checker runs unchanged on it.
 * The translated source keeps a map back to the .tex file (diag.h: origin),
 * so that every message, reason and JSON position is shown where the student
 * wrote it.  docs/latex-answers.md lists the notation accepted.
 *
 * Names are resolved against the program's (through lr_names) and the ones
 * earlier rows define: W_{2} is W2 (or W_2), \hat{y} is yhat, Wx is W x
 * when it splits into names unambiguously, longest match first. */
#ifndef ND_LATEX_READ_H
#define ND_LATEX_READ_H

#include "arena.h"
#include "diag.h"
#include "strbuf.h"

enum lr_kind { LR_NONE, LR_VAR, LR_BIND, LR_DIM };

/* A name of the program: its kind and its shape as two dimension names
 * ("1" for one, as dim_name spells them). */
typedef struct lr_name {
    const char *name;
    enum lr_kind kind;
    const char *rows, *cols;
} lr_name;

/* What the translator knows of the program.  The table is read only: one
 * may serve several translations at once (--grade runs them in threads). */
typedef struct lr_names {
    const lr_name *names;       /* sorted by name (lr_sort_names) */
    int n;
    const char *objective;      /* the objective's name: \mathcal{L} */
    /* --names: a name as translated (delta2) -> what it stands for (dL/dz2,
     * or any expression of the input language). */
    const char *const *map_from, *const *map_to;
    int n_map;
    /* LR_EXPRESSION: the answer's shape when the caller knows it (the
     * gradient's, the Jacobian's or the Hessian's), as two dimension names;
     * NULL when not known.  It sizes a bare I (the Hessian lam I). */
    const char *expect_rows, *expect_cols;
} lr_names;

void lr_sort_names(lr_name *names, int n);

/* The longest LaTeX answer file (4 MiB): a longer one is refused whole. */
#define LR_MAX_INPUT ((size_t)4 << 20)

enum lr_mode {
    LR_LINES,           /* answer lines: LHS = RHS rows */
    LR_EXPRESSION,      /* one answer (--check-latex): the right side of any = */
};

/* Translates the LaTeX in src.  Returns 0 with *out a source (in arena)
 * whose origin is src; or 2 after an error, its message (located in src)
 * appended to diag and its place and words in *err_loc, *err_msg (malloc'd). */
int lr_translate(nd_arena *arena, const nd_source *src, enum lr_mode mode,
                 const lr_names *names, const nd_source **out, strbuf *diag, nd_loc *err_loc,
                 char **err_msg);

/* --names 'delta2=dL/dz2,e=dL/dz1': appends the pairs (arena strings) to
 * from/to (grown with xgrow-like realloc; *n counts them).  Returns 0, or
 * 2 with a message in *err (malloc'd). */
int lr_parse_names(nd_arena *arena, const char *spec, const char ***from, const char ***to,
                   int *n, char **err);

/* Whether a file name says LaTeX (.tex, .latex, .ltx). */
int lr_is_latex_name(const char *name);

#endif
