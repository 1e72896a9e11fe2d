/* nnderive.h: the public interface of libnnderive.
 *
 * A session holds one program: open it from text, then ask for outputs.
 * Every output is a malloc'd NUL-terminated string the caller frees with
 * nd_free.  Every call returns a status like the command's exit status:
 * 0 success, 1 verification failed / not equivalent, 2 bad input; after a
 * status of 2, nd_diagnostics has the messages (FILE:LINE:COL: error: ...,
 * the line and a caret) and nd_first_error the first error's position.
 *
 * Sessions are independent: one per thread needs no locking. */
#ifndef NNDERIVE_H
#define NNDERIVE_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The shared library exports these and nothing else. */
#if defined(__GNUC__) && !defined(ND_STATIC_ONLY)
#define ND_API __attribute__((visibility("default")))
#else
#define ND_API
#endif

typedef struct nd_session nd_session;

typedef struct nd_config {
    const char *of;                 /* the objective, or NULL: the last assignment */
    const char *const *wrt;         /* variables, or NULL: the program's `wrt` or all */
    int n_wrt;
    unsigned long seed;             /* --verify and --check; 0: the default */
    int points;                     /* random points; 0: the default (3) */
    long precision;                 /* bits; 0: the default (256) */
} nd_config;

enum nd_format {
    ND_TEXT,            /* the gradients in the input language */
    ND_LATEX,           /* align* lines */
    ND_LATEX_DOC,       /* a whole LaTeX document */
    ND_STEPS,           /* the chain rule step by step */
    ND_STEPS_LATEX,
    ND_PATHS,           /* each use of a variable and its contribution */
    ND_PATHS_LATEX,
    ND_DOT,             /* the computational graph */
    ND_DOT_STEPS,       /* ... with the backward graph */
    ND_C,               /* C99 source */
    ND_C_HEADER,        /* its prototypes */
    ND_EXPLAIN,         /* the declarations in force */
    ND_JACOBIAN,        /* the Jacobian as text (nd_set_derivative, then ND_TEXT) */
    ND_HESSIAN,         /* the Hessian as text */
    ND_NUMPY,           /* a Python module over NumPy: objective and gradients */
};

typedef struct nd_c_options {
    const char *name;               /* function prefix; NULL: nd_f */
    int blas, colmajor;
    const char *dims;               /* "m=512,n=1024" for the cost model, or NULL */
} nd_c_options;

typedef struct nd_position {
    const char *file;
    int line, column;               /* 0 when the error has no position */
    const char *message;
} nd_position;

/* The longest text accepted as a program or a --check-file (64 MiB): a
 * longer one is refused (status 2, "'NAME' is too large"), never cut. */
#define ND_MAX_INPUT ((size_t)64 << 20)
#define ND_MAX_INPUT_MIB 64

/* Parses and types the program.  Always returns a session (NULL only when
 * memory runs out); check nd_status. */
ND_API nd_session *nd_open(const char *name, const char *text, size_t len, const nd_config *cfg);
ND_API int nd_status(const nd_session *s);
ND_API const char *nd_diagnostics(const nd_session *s);   /* errors and warnings so far */
ND_API int nd_first_error(const nd_session *s, nd_position *pos);  /* 1 when there is one */

ND_API int nd_emit(nd_session *s, enum nd_format fmt, const nd_c_options *c, char **out);
/* The same written to f: the whole output, or nothing when the derivation
 * fails; a write error is status 2 with its message in nd_diagnostics. */
ND_API int nd_emit_file(nd_session *s, enum nd_format fmt, const nd_c_options *c, FILE *f);
/* The report of --verify; *worst gets the largest relative error. */
ND_API int nd_verify(nd_session *s, char **report, double *worst);
/* "equivalent\n" or "not equivalent: REASON\n" for one answer ... */
ND_API int nd_check(nd_session *s, const char *answer, char **verdict);
/* ... or for each `dL/dW = EXPR` line of a file's text (lines may also
 * give the adjoints of named intermediates, dL/dz2 = EXPR, and helper
 * names, t = EXPR), then a summary line `K of N correct` ... */
ND_API int nd_check_lines(nd_session *s, const char *name, const char *text, size_t len,
                   char **verdicts);
/* ... or the same with flags: ND_CHECK_JSON writes the verdicts, reasons
 * and positions as JSON; ND_CHECK_EXPRESSION takes the text as one answer
 * for the only variable, as nd_check does. */
#define ND_CHECK_JSON 1
#define ND_CHECK_EXPRESSION 2
/* ND_CHECK_LATEX: the text is LaTeX, answers as students write them
 * (docs/latex-answers.md); messages point into it.  ND_CHECK_GRADESCOPE:
 * the output is a Gradescope autograder's results.json (the points from
 * nd_set_rubric, else from `% points: N` comments, else 1 per line). */
#define ND_CHECK_LATEX 4
#define ND_CHECK_GRADESCOPE 8
ND_API int nd_check_file(nd_session *s, const char *name, const char *text, size_t len,
                         int flags, char **verdicts);

/* What nd_emit (text and LaTeX), nd_verify and nd_check derive from now
 * on: the gradients (the default), the Jacobian of a vector objective,
 * J[i, j] = d f_i / d x_j, or the Hessian of a scalar objective, with
 * respect to column-vector (or scalar) variables.  2 for another kind. */
#define ND_DERIV_GRADIENT 0
#define ND_DERIV_JACOBIAN 1
#define ND_DERIV_HESSIAN 2
/* ... ORed in: the other layout, J[j, i] = d f_i / d x_j (each block
 * transposed: the gradient's layout) */
#define ND_DERIV_DENOMINATOR 4
ND_API int nd_set_derivative(nd_session *s, int kind);

/* LaTeX answers: names that stand for others, "delta2=dL/dz2,e=dL/dz1"
 * (repeatable; 2 and a message on a bad list). */
ND_API int nd_set_latex_names(nd_session *s, const char *spec);
/* The answers graded and their points, lines `dL/dW2 2` (2 after an error
 * in the text). */
ND_API int nd_set_rubric(nd_session *s, const char *name, const char *text, size_t len);
/* A class: n answer files (texts[i], lens[i] bytes, named names[i]: LaTeX
 * when the name ends in .tex; a NULL text could not be read, errors[i]
 * says why), graded on several threads (ND_JOBS in the environment, else
 * one per processor).  *table: file, score, first wrong line and its
 * reason; *csv the same as CSV.  Returns 0 when every file was graded, 1
 * when some could not be, 2 on bad input. */
ND_API int nd_grade(nd_session *s, int n, const char *const *names, const char *const *texts,
                    const size_t *lens, const char *const *errors, char **table, char **csv);

ND_API void nd_close(nd_session *s);
ND_API void nd_free(void *p);
ND_API const char *nd_version(void);

#ifdef __cplusplus
}
#endif
#endif
