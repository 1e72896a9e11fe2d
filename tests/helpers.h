/* helpers.h: shared by the Check suites. */
#ifndef ND_TEST_HELPERS_H
#define ND_TEST_HELPERS_H

#include <check.h>

#include "nnderive.h"

/* The suites, one per file. */
Suite *suite_parse(void);
Suite *suite_shape(void);
Suite *suite_rules(void);
Suite *suite_simplify(void);
Suite *suite_cookbook(void);
Suite *suite_golden(void);
Suite *suite_examples(void);
Suite *suite_cli(void);
Suite *suite_readable(void);
Suite *suite_codegen(void);
Suite *suite_dot(void);
Suite *suite_infer(void);
Suite *suite_diagnose(void);
Suite *suite_findings(void);
Suite *suite_scale(void);
Suite *suite_latex(void);
Suite *suite_grade(void);
Suite *suite_jacobian(void);
Suite *suite_numpy(void);
Suite *suite_hessc(void);
Suite *suite_hessmodes(void);
Suite *suite_accept(void);

/* Status of --verify on the program (all its wrt variables); *worst gets
 * the largest relative error. */
int t_verify(const char *program, double *worst);
/* Status of --check ANSWER on the program (0 equivalent, 1 not, 2 error). */
int t_check(const char *program, const char *answer);
/* The status of the output fmt of program read back through
 * nd_check_file (as LaTeX answers when latex is set), or -1 when there is
 * no output to read; *verdicts: the verdicts, or the error after status 2. */
int t_read_back(const char *program, enum nd_format fmt, int latex, char **verdicts);
/* The output of a format, or NULL on error (free with nd_free). */
char *t_emit(const char *program, enum nd_format fmt);
/* The first error's message, or "" (static buffer). */
const char *t_error(const char *program);

/* The whole file (malloc'd), or NULL when it cannot be read ... */
char *t_read_file(const char *path);
/* ... or failing the test. */
char *t_slurp(const char *path);

/* The seed's examples, which several suites run. */
#define T_N_EXAMPLES 4

/* A complexity guard's bound in CPU seconds, widened 4 times in the
 * sanitizer builds (ASan and TSan run the same code 2 to 5 times slower, more
 * on a loaded machine): the guards catch a quadratic turn, which goes 10 to
 * 100 times over, not a slow build. */
#if defined __SANITIZE_ADDRESS__ || defined __SANITIZE_THREAD__
#define T_CPU_BOUND(secs) (4.0 * (secs))
#elif defined __has_feature
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define T_CPU_BOUND(secs) (4.0 * (secs))
#endif
#endif
#ifndef T_CPU_BOUND
#define T_CPU_BOUND(secs) (secs)
#endif
extern const char *const t_examples[T_N_EXAMPLES];

/* Runs the command in-process: status, stdout and stderr (malloc'd). */
typedef struct t_result {
    int status;
    char *out, *err;
} t_result;
t_result t_cli(int argc, const char *const *argv, const char *stdin_text);
void t_result_free(t_result *r);



/* Internal access for the suites that look inside: parses and elaborates
 * (failing the test on error); free with t_internal_free. */
#include "elab.h"
typedef struct t_internal {
    nd_source src;
    nd_ctx *ctx;
    nd_prog prog;
} t_internal;
void t_internal_open(t_internal *t, const char *program);
void t_internal_free(t_internal *t);
#endif
