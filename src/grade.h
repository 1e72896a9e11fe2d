/* grade.h: answers as students hand them in, and their grades.
 *
 * One submission (an answer file in the input language or in LaTeX) is
 * translated when it is LaTeX (latex_read.h), checked by a checker of its
 * own (check.h), and reported as the checker's text or JSON, or as the
 * results.json of a Gradescope autograder.  A class is a list of them,
 * graded on several threads, reported as a table and a CSV.
 *
 * Points: a rubric (lines `dL/dW2 2`) names the answers that are graded
 * and their points; without one every answer line of the submission is
 * graded, worth the points of a `% points: 2` (or `# points: 2`) comment
 * before it, else 1.  A line right given an earlier wrong line of the
 * student's (error carried forward) earns its points. */
#ifndef ND_GRADE_H
#define ND_GRADE_H

#include "check.h"
#include "latex_read.h"

typedef struct grade_item {
    const char *label;      /* dL/dW2 */
    double points;
} grade_item;

/* What grading needs, fixed before the first submission: read only after
 * that, so that threads share it. */
typedef struct grade_env {
    const nd_source *program;
    elab_opts eo;
    verify_opts vo;
    lr_names names;
    grade_item *rubric;     /* NULL: the submission's own lines */
    int n_rubric;
    /* --check-latex with --jacobian or --hessian: the block checked
     * (check_set_kind); JAC_GRADIENT otherwise. */
    enum jac_kind kind;
    int denominator;
} grade_env;

/* The names of the program for the LaTeX reader (arena strings).  Call it
 * on the session's ctx, before any thread starts. */
void grade_names(nd_ctx *ctx, const char *objective, nd_arena *arena, lr_names *out);

/* A rubric's text: its items into env (arena strings).  Returns 0, or 2
 * with a located message in diag. */
int grade_rubric(grade_env *env, nd_arena *arena, const nd_source *rubric, strbuf *diag);

/* Output of grade_one. */
enum grade_format { GRADE_TEXT, GRADE_JSON, GRADE_GRADESCOPE, GRADE_ROW };

/* One graded line, and one submission. */
typedef struct grade_line {
    char *label;
    int line;
    int verdict;            /* 0 right, 1 wrong, 2 right given earlier lines */
    char *reason;           /* the verdict's words */
} grade_line;

typedef struct grade_sub {
    grade_line *lines;
    int n, cap;
    int status;             /* as check_file's */
    double score, max;
    char *error;            /* status 2: the first message, else NULL */
} grade_sub;

/* Checks one submission (LaTeX when latex is set; one expression when
 * expression is set) into out in the format asked; messages into diag;
 * the graded lines into *sub when not NULL (free with grade_sub_free).
 * Returns the checker's status: 0 all right, 1 one wrong, 2 not checked. */
int grade_one(const grade_env *env, const char *name, const char *text, size_t len, int latex,
              int expression, enum grade_format fmt, strbuf *out, strbuf *diag, grade_sub *sub);
void grade_sub_free(grade_sub *s);

/* A class: n files (a NULL text could not be read, errors[i] says why),
 * on up to `jobs` threads; the table into table, the CSV into csv.
 * Returns 0 when every file was graded, 1 when some could not be. */
int grade_class(const grade_env *env, int n, const char *const *names,
                const char *const *texts, const size_t *lens, const char *const *errors,
                int jobs, size_t stack, strbuf *table, strbuf *csv);

#endif
