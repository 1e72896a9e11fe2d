/* cli.c: the command line (DESIGN.md section 2): options, input, one call
 * into the library (nnderive.h), output. */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "diag.h"
#include "latex_read.h"
#include "nnderive.h"
#include "strbuf.h"
#include "verify.h"

enum mode {
    MODE_TEXT, MODE_LATEX_DOC, MODE_STEPS, MODE_PATHS, MODE_C, MODE_DOT, MODE_VERIFY,
    MODE_CHECK, MODE_CHECK_FILE, MODE_EXPLAIN, MODE_CHECK_LATEX,
    MODE_GRADE, MODE_NUMPY,
};

static const char *const mode_flags[] = {
    "(text)", "--latex-doc", "--steps", "--paths", "--c", "--dot", "--verify",
    "--check", "--check-file", "--explain", "--check-latex",
    "--grade", "--numpy",
};

/* How answers are written: by the file's extension (.tex), or as told. */
enum answers { ANSWERS_AUTO, ANSWERS_TEXT, ANSWERS_LATEX };

typedef struct options {
    enum mode mode;
    int mode_set, latex, dot_steps, json;
    int derivative;             /* --jacobian, --hessian: ND_DERIV_* */
    int denominator;            /* --layout denominator */
    const char *file, *program, *output, *check_expr, *check_file, *header;
    const char *grade_dir, *rubric, *format;
    enum answers answers;
    char **names;               /* --names, in order */
    int n_names;
    nd_config cfg;
    nd_c_options c;
    char **wrt;
    int n_wrt, wrt_given;
} options;

typedef struct cli {
    options opt;
    FILE *in, *out, *err;
} cli;

static const char usage_text[] =
    "usage: nnderive [OPTIONS] FILE          FILE may be - for standard input\n"
    "       nnderive [OPTIONS] -e 'PROGRAM'  the program inline\n"
    "\n"
    "Derives the gradients of a program of matrix expressions, simplified,\n"
    "and checks them.\n"
    "\n"
    "modes (default: the gradients as text, in the input language):\n"
    "  --latex            LaTeX lines for an align* environment\n"
    "  --latex-doc        a whole LaTeX document\n"
    "  --steps            the chain rule step by step (with --latex: in LaTeX)\n"
    "  --paths            the contribution of each use of a variable, then their sum\n"
    "  --c                C99 source; with --header FILE, --name PREFIX, --blas,\n"
    "                     --colmajor, --dims m=512,n=1024\n"
    "  --numpy            a Python module over NumPy computing the objective and\n"
    "                     the gradients, from the plan of --c (--name NAME)\n"
    "  --dot              the computational graph in Graphviz DOT (with --steps:\n"
    "                     the backward graph too)\n"
    "  --verify           compare with high-precision central differences\n"
    "  --check 'EXPR'     is EXPR the gradient w.r.t. the single --wrt variable?\n"
    "  --check-file FILE  check each line `dL/dW = EXPR` of FILE (and steps such as\n"
    "                     `dL/dz2 = EXPR`), then a summary; --json: as JSON; a .tex\n"
    "                     FILE holds LaTeX answers (docs/latex-answers.md)\n"
    "  --check-latex 'EXPR'  --check for an answer written in LaTeX\n"
    "  --grade DIR        check every answer file in DIR: a table of scores (with -o:\n"
    "                     a CSV too)\n"
    "  --explain          the declarations in force, inferred ones included\n"
    "\n"
    "options:\n"
    "  --jacobian         derive the Jacobian of a vector objective w.r.t. vectors,\n"
    "                     J[i,j] = df_i/dx_j, or of matrices through vec (text,\n"
    "                     --latex, --steps, --dot, --verify, --check, --check-latex,\n"
    "                     --c)\n"
    "  --hessian          derive the Hessian of a scalar objective w.r.t. vectors\n"
    "                     or matrices (through vec) (the same modes)\n"
    "  --layout KIND      numerator (default: J[i,j] = df_i/dx_j) or denominator\n"
    "                     (J[j,i] = df_i/dx_j, each block transposed)\n"
    "  --wrt a,b          differentiate with respect to these (repeatable)\n"
    "  --of NAME          the objective (default: the last assignment)\n"
    "  -e PROGRAM         the program text itself instead of a FILE\n"
    "  -o FILE            write the output there, only when the run succeeds\n"
    "  --seed N           random seed of --verify and --check (default 20261127)\n"
    "  --points N         random points of --verify and --check (default 3)\n"
    "  --precision BITS   MPFR precision of --verify and --check (default 256,\n"
    "                     64 to 4096)\n"
    "  --answers KIND     latex or text: how --check-file and --grade answers are\n"
    "                     written (default: LaTeX for .tex files)\n"
    "  --names N=WHAT     in LaTeX answers, N stands for WHAT: --names delta2=dL/dz2\n"
    "                     (comma-separated, repeatable)\n"
    "  --format gradescope  with --check-file: a Gradescope autograder results.json\n"
    "  --rubric FILE      the answers graded and their points (lines `dL/dW2 2`), for\n"
    "                     --format gradescope and --grade\n"
    "  --help, --version\n"
    "\n"
    "exit status: 0 success, 1 verification failed or not equivalent, 2 bad input;\n"
    "  --grade: 0 every file graded, 1 some could not be, 2 bad input\n";

/* ---- options ---- */

/* "nnderive: error: MESSAGE", long names abbreviated as in the library's
 * messages (diag_abbrev); returns the exit status 2. */
static int cli_verror(cli *c, const char *tail, const char *fmt, va_list ap)
{
    strbuf text, msg;
    sb_init(&text);
    sb_init(&msg);
    sb_vprintf(&text, fmt, ap);
    diag_abbrev(&msg, sb_str(&text), text.len);
    fprintf(c->err, "nnderive: error: %s%s\n", sb_str(&msg), tail);
    sb_free(&text);
    sb_free(&msg);
    return 2;
}

static int cli_error(cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int cli_error(cli *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int st = cli_verror(c, "", fmt, ap);
    va_end(ap);
    return st;
}

static int usage_error(cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int usage_error(cli *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int st = cli_verror(c, " (see nnderive --help)", fmt, ap);
    va_end(ap);
    return st;
}

static int set_mode(cli *c, enum mode m)
{
    options *o = &c->opt;
    if (o->mode_set && o->mode != m)
        return usage_error(c, "%s and %s cannot be combined", mode_flags[o->mode],
                           mode_flags[m]);
    o->mode = m;
    o->mode_set = 1;
    return 0;
}

static void add_wrt(options *o, const char *list)
{
    char *copy = xstrdup(list), *save = NULL;
    o->wrt_given = 1;
    for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        o->wrt = xrealloc(o->wrt, (size_t)(o->n_wrt + 1) * sizeof *o->wrt);
        o->wrt[o->n_wrt++] = xstrdup(t);
    }
    free(copy);
}

static int parse_number(cli *c, const char *flag, const char *v, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (*v == '\0' || *end || errno || n < lo || n > hi)
        return usage_error(c, "%s needs a number from %ld to %ld, not '%s'", flag, lo, hi, v);
    *out = n;
    return 0;
}

/* --steps --dot (either order) is the backward graph. */
static int steps_and_dot(cli *c, enum mode m)
{
    options *o = &c->opt;
    if (o->mode_set && ((m == MODE_DOT && o->mode == MODE_STEPS) ||
                        (m == MODE_STEPS && o->mode == MODE_DOT))) {
        o->mode = MODE_DOT;
        o->dot_steps = 1;
        return 1;
    }
    return 0;
}

/* --jacobian or --hessian: what the mode derives (one of them). */
static int derivative_option(cli *c, const char *name)
{
    options *o = &c->opt;
    int kind = !strcmp(name, "--jacobian") ? ND_DERIV_JACOBIAN : ND_DERIV_HESSIAN;
    if (o->derivative && o->derivative != kind)
        return usage_error(c, "--jacobian and --hessian cannot be combined");
    o->derivative = kind;
    return 0;
}

static int flag_option(cli *c, const char *name)
{
    static const struct { const char *name; enum mode mode; } flags[] = {
        { "--latex-doc", MODE_LATEX_DOC }, { "--steps", MODE_STEPS },
        { "--paths", MODE_PATHS },         { "--c", MODE_C },
        { "--dot", MODE_DOT },             { "--verify", MODE_VERIFY },
        { "--explain", MODE_EXPLAIN },     { "--numpy", MODE_NUMPY },
    };
    options *o = &c->opt;
    if (!strcmp(name, "--latex"))
        return o->latex = 1, 0;
    if (!strcmp(name, "--blas"))
        return o->c.blas = 1, 0;
    if (!strcmp(name, "--json"))
        return o->json = 1, 0;
    if (!strcmp(name, "--colmajor"))
        return o->c.colmajor = 1, 0;
    if (!strcmp(name, "--jacobian") || !strcmp(name, "--hessian"))
        return derivative_option(c, name);
    for (size_t i = 0; i < sizeof flags / sizeof *flags; i++)
        if (!strcmp(name, flags[i].name))
            return steps_and_dot(c, flags[i].mode) ? 0 : set_mode(c, flags[i].mode);
    return -1;
}

static void add_name_list(options *o, const char *v)
{
    o->names = xrealloc(o->names, (size_t)(o->n_names + 1) * sizeof *o->names);
    o->names[o->n_names++] = xstrdup(v);
}

static int answers_kind(cli *c, const char *v)
{
    if (strcmp(v, "latex") && strcmp(v, "text"))
        return usage_error(c, "--answers takes latex or text, not '%s'", v);
    c->opt.answers = v[0] == 'l' ? ANSWERS_LATEX : ANSWERS_TEXT;
    return 0;
}

static int format_kind(cli *c, const char *v)
{
    if (strcmp(v, "gradescope") && strcmp(v, "json") && strcmp(v, "text"))
        return usage_error(c, "--format takes gradescope, json or text, not '%s'", v);
    c->opt.format = v;
    c->opt.json |= !strcmp(v, "json");
    return 0;
}

static int layout_kind(cli *c, const char *v)
{
    if (strcmp(v, "numerator") && strcmp(v, "denominator"))
        return usage_error(c, "--layout takes numerator or denominator, not '%s'", v);
    c->opt.denominator = v[0] == 'd';
    return 0;
}

static int value_option(cli *c, const char *name, const char *v)
{
    options *o = &c->opt;
    long n;
    if (!strcmp(name, "--wrt"))
        add_wrt(o, v);
    else if (!strcmp(name, "--of"))
        o->cfg.of = v;
    else if (!strcmp(name, "--layout"))
        return layout_kind(c, v);
    else if (!strcmp(name, "-e"))
        o->program = v;
    else if (!strcmp(name, "-o"))
        o->output = v;
    else if (!strcmp(name, "--check"))
        return o->check_expr = v, set_mode(c, MODE_CHECK);
    else if (!strcmp(name, "--check-file"))
        return o->check_file = v, set_mode(c, MODE_CHECK_FILE);
    else if (!strcmp(name, "--check-latex"))
        return o->check_expr = v, set_mode(c, MODE_CHECK_LATEX);
    else if (!strcmp(name, "--grade"))
        return o->grade_dir = v, set_mode(c, MODE_GRADE);
    else if (!strcmp(name, "--rubric"))
        o->rubric = v;
    else if (!strcmp(name, "--names"))
        add_name_list(o, v);
    else if (!strcmp(name, "--answers"))
        return answers_kind(c, v);
    else if (!strcmp(name, "--format"))
        return format_kind(c, v);
    else if (!strcmp(name, "--header"))
        o->header = v;
    else if (!strcmp(name, "--name"))
        o->c.name = v;
    else if (!strcmp(name, "--dims"))
        o->c.dims = v;
    else if (!strcmp(name, "--seed"))
        return parse_number(c, name, v, 1, 2147483647L, &n) ? 2 : (o->cfg.seed = (unsigned long)n, 0);
    else if (!strcmp(name, "--points"))
        return parse_number(c, name, v, 1, 100, &n) ? 2 : (o->cfg.points = (int)n, 0);
    else if (!strcmp(name, "--precision"))
        return parse_number(c, name, v, VERIFY_MIN_PREC, VERIFY_MAX_PREC, &n) ? 2
               : (o->cfg.precision = n, 0);
    else
        return -1;
    return 0;
}

static int takes_value(const char *name)
{
    static const char *const names[] = {
        "--wrt", "--of", "-e", "-o", "--check", "--check-file", "--header", "--name",
        "--dims", "--seed", "--points", "--precision", "--check-latex", "--grade",
        "--rubric", "--names", "--answers", "--format", "--layout",
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (!strcmp(name, names[i]))
            return 1;
    return 0;
}

static int one_option(cli *c, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    char name[64];
    const char *eq = a[1] == '-' ? strchr(a, '=') : NULL;
    snprintf(name, sizeof name, "%.*s", eq ? (int)(eq - a) : (int)strlen(a), a);
    if (takes_value(name)) {
        const char *v = eq ? eq + 1 : *i + 1 < argc ? argv[++*i] : NULL;
        if (!v)
            return usage_error(c, "%s needs a value", name);
        return value_option(c, name, v);
    }
    if (eq)
        return usage_error(c, "option '%s' takes no value", name);
    int st = flag_option(c, name);
    return st == -1 ? usage_error(c, "unknown option '%s'", a) : st;
}

static int gradescope(const options *o)
{
    return o->format && !strcmp(o->format, "gradescope");
}

/* Returns -1 to go on, or an exit status (0 after --help and --version). */
static int parse_options(cli *c, int argc, char **argv)
{
    options *o = &c->opt;
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h"))
            return fputs(usage_text, c->out), 0;
        if (!strcmp(a, "--version"))
            return fprintf(c->out, "nnderive %s\n", nd_version()), 0;
        if (a[0] != '-' || !strcmp(a, "-")) {
            if (o->file)
                return usage_error(c, "more than one input file ('%s' and '%s')", o->file, a);
            o->file = a;
        } else {
            int st = one_option(c, argc, argv, &i);
            if (st)
                return st;
        }
    }
    if (o->file && o->program)
        return usage_error(c, "give either a FILE or -e PROGRAM, not both");
    if (!o->file && !o->program)
        return usage_error(c, "no input: give a FILE, - or -e PROGRAM");
    if (o->wrt_given && o->n_wrt == 0)
        return usage_error(c, "--wrt needs at least one name");
    if (gradescope(o) && o->mode != MODE_CHECK_FILE)
        return usage_error(c, "--format gradescope goes with --check-file");
    if (gradescope(o) && o->json)
        return usage_error(c, "--format gradescope and --json cannot be combined");
    if (o->rubric && o->mode != MODE_GRADE && !gradescope(o))
        return usage_error(c, "--rubric goes with --grade or --format gradescope");
    if (o->n_names && o->mode != MODE_CHECK_FILE && o->mode != MODE_GRADE &&
        o->mode != MODE_CHECK_LATEX)
        return usage_error(c, "--names is for LaTeX answers: --check-file, --check-latex or "
                              "--grade");
    if (o->denominator && !o->derivative)
        return usage_error(c, "--layout goes with --jacobian or --hessian");
    if (o->answers && o->mode != MODE_CHECK_FILE)
        return usage_error(c, "--answers goes with --check-file");
    if (o->mode == MODE_NUMPY && (o->c.blas || o->c.colmajor || o->header))
        return usage_error(c, "--blas, --colmajor and --header go with --c, not --numpy");
    o->cfg.wrt = (const char *const *)o->wrt;
    o->cfg.n_wrt = o->n_wrt;
    return -1;
}

/* ---- input and output ---- */

/* At most ND_MAX_INPUT + 1 bytes: enough for the library to refuse a text
 * past the limit, without reading gigabytes first.  NULL on a read error,
 * errno saying which (EISDIR for a directory). */
static char *read_stream(FILE *f, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        if (n + 1 == cap) {
            if (n > ND_MAX_INPUT)
                break;
            cap = cap < (ND_MAX_INPUT + 2) / 2 ? 2 * cap : ND_MAX_INPUT + 2;
            buf = xrealloc(buf, cap);
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        if (got == 0)
            break;
        n += got;
    }
    if (ferror(f)) {
        int e = errno;
        free(buf);
        errno = e;
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

static char *read_file(cli *c, const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : c->in;
    char *text = f ? read_stream(f, len) : NULL;
    if (!text)
        cli_error(c, "cannot read '%s': %s", path, strerror(errno));
    if (f && f != c->in)
        fclose(f);
    return text;
}

/* An input that exists as a regular file (what an output could overwrite). */
static int input_stat(cli *c, const char *path, struct stat *st)
{
    int ok = strcmp(path, "-") ? stat(path, st) == 0 : fstat(fileno(c->in), st) == 0;
    return ok && S_ISREG(st->st_mode);
}

static int is_file(const char *path, const struct stat *in)
{
    struct stat st;
    return stat(path, &st) == 0 && st.st_dev == in->st_dev && st.st_ino == in->st_ino;
}

/* The directory part of a path (malloc'd): "." when there is none. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return xstrdup(".");
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    char *d = xmalloc(n + 1);
    memcpy(d, path, n);
    d[n] = '\0';
    return d;
}

/* One file, whether it exists (the same inode) or not yet (the same name
 * in the same directory: a.c and ./a.c). */
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    int ea = stat(a, &sa) == 0, eb = stat(b, &sb) == 0;
    if (ea || eb)
        return ea && eb && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    const char *na = strrchr(a, '/'), *nb = strrchr(b, '/');
    if (strcmp(na ? na + 1 : a, nb ? nb + 1 : b) != 0)
        return 0;
    char *da = dir_of(a), *db = dir_of(b);
    int same = stat(da, &sa) == 0 && stat(db, &sb) == 0 && sa.st_dev == sb.st_dev &&
               sa.st_ino == sb.st_ino;
    free(da);
    free(db);
    return same;
}

/* An output that is an input would replace the program (or the answers);
 * -o and --header in one file would keep only one of them.  Checked before
 * anything is read or written. */
static int check_outputs(cli *c)
{
    const options *o = &c->opt;
    const char *outs[2][2] = { { "-o", o->output }, { "--header", o->header } };
    const char *ins[3] = { o->program ? NULL : o->file, o->check_file, o->rubric };
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 3 && outs[i][1]; j++) {
            struct stat st;
            if (ins[j] && input_stat(c, ins[j], &st) && is_file(outs[i][1], &st))
                return cli_error(c, "%s '%s' is the input %s%s%s: it would be overwritten",
                                 outs[i][0], outs[i][1], strcmp(ins[j], "-") ? "'" : "(",
                                 strcmp(ins[j], "-") ? ins[j] : "standard input",
                                 strcmp(ins[j], "-") ? "'" : ")");
        }
    if (o->output && o->header && same_file(o->output, o->header))
        return cli_error(c, "--header '%s' and -o '%s' are the same file", o->header,
                         o->output);
    return 0;
}

/* An output file on its way.  A path that is a symbolic link or not a
 * regular file (/dev/stdout, /dev/null, a pipe) is written directly:
 * renaming over it would replace the link or the device instead of writing
 * to what it names.  Any other is written to a temporary beside it, renamed
 * over it once every output is written. */
typedef struct pending {
    const char *path, *text;
    int direct;
    strbuf tmp;             /* where the text is written */
} pending;

static int stage(cli *c, pending *p)
{
    size_t len = strlen(p->text);
    FILE *f = fopen(sb_str(&p->tmp), "wb");
    int ok = f && fwrite(p->text, 1, len, f) == len;
    ok = f && fclose(f) == 0 && ok;
    return ok ? 0 : cli_error(c, "cannot write '%s': %s", p->path, strerror(errno));
}

/* All the outputs or none: the temporaries first, then the direct paths,
 * then the renames (which do not fail for want of space). */
static int write_outputs(cli *c, pending *p, int n)
{
    for (int i = 0; i < n; i++) {
        struct stat st;
        p[i].direct = lstat(p[i].path, &st) == 0 && !S_ISREG(st.st_mode);
        sb_init(&p[i].tmp);
        if (p[i].direct)
            sb_puts(&p[i].tmp, p[i].path);
        else
            sb_printf(&p[i].tmp, "%s.tmp%ld", p[i].path, (long)getpid());
    }
    int st = 0;
    for (int direct = 0; direct < 2; direct++)
        for (int i = 0; i < n && !st; i++)
            if (p[i].direct == direct)
                st = stage(c, &p[i]);
    for (int i = 0; i < n && !st; i++)
        if (!p[i].direct && rename(sb_str(&p[i].tmp), p[i].path) != 0)
            st = cli_error(c, "cannot write '%s': %s", p[i].path, strerror(errno));
    for (int i = 0; i < n; i++) {
        if (st && !p[i].direct)
            remove(sb_str(&p[i].tmp));
        sb_free(&p[i].tmp);
    }
    return st;
}

/* -o and --header together or not at all; without -o the result goes to
 * standard output, once the header is in place. */
static int write_results(cli *c, const char *result, const char *header)
{
    const options *o = &c->opt;
    pending p[2];
    int n = 0;
    if (result && o->output)
        p[n++] = (pending){ .path = o->output, .text = result };
    if (header)
        p[n++] = (pending){ .path = o->header, .text = header };
    int st = write_outputs(c, p, n);
    if (st == 0 && result && !o->output)
        fputs(result, c->out);
    return st;
}

/* ---- the run ---- */

static enum nd_format format_of(const options *o)
{
    switch (o->mode) {
    case MODE_LATEX_DOC: return ND_LATEX_DOC;
    case MODE_STEPS: return o->latex ? ND_STEPS_LATEX : ND_STEPS;
    case MODE_PATHS: return o->latex ? ND_PATHS_LATEX : ND_PATHS;
    case MODE_C: return ND_C;
    case MODE_NUMPY: return ND_NUMPY;
    case MODE_DOT: return o->dot_steps ? ND_DOT_STEPS : ND_DOT;
    case MODE_EXPLAIN: return ND_EXPLAIN;
    default: return o->latex ? ND_LATEX : ND_TEXT;
    }
}

/* --names and --rubric, given to the session before the answers. */
static int answer_options(cli *c, nd_session *s)
{
    options *o = &c->opt;
    for (int i = 0; i < o->n_names; i++)
        if (nd_set_latex_names(s, o->names[i]))
            return 2;
    if (!o->rubric)
        return 0;
    size_t len;
    char *text = read_file(c, o->rubric, &len);
    int st = text ? nd_set_rubric(s, o->rubric, text, len) : 2;
    free(text);
    return st;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files of DIR (not hidden), sorted; -1 when DIR cannot be read. */
static int list_dir(cli *c, const char *dir, char ***out)
{
    DIR *d = opendir(dir);
    if (!d)
        return cli_error(c, "cannot read the directory '%s': %s", dir, strerror(errno)), -1;
    int n = 0;
    *out = NULL;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        strbuf path;
        sb_init(&path);
        sb_printf(&path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(sb_str(&path), &st) == 0 && S_ISREG(st.st_mode)) {
            *out = xrealloc(*out, (size_t)(n + 1) * sizeof **out);
            (*out)[n++] = xstrdup(e->d_name);
        }
        sb_free(&path);
    }
    closedir(d);
    if (n)
        qsort(*out, (size_t)n, sizeof **out, by_name);
    return n;
}

/* --grade DIR: every file read (one that cannot be is its own row), then
 * graded by the library.  The table in *result, the CSV in *csv. */
static int grade_dir(cli *c, nd_session *s, char **result, char **csv)
{
    char **names;
    int n = list_dir(c, c->opt.grade_dir, &names);
    if (n <= 0) {
        if (n == 0)
            cli_error(c, "no answer files in '%s'", c->opt.grade_dir);
        return 2;
    }
    char **texts = xmalloc((size_t)n * sizeof *texts), **errors = xmalloc((size_t)n * sizeof *errors);
    size_t *lens = xmalloc((size_t)n * sizeof *lens);
    for (int i = 0; i < n; i++) {
        strbuf path;
        sb_init(&path);
        sb_printf(&path, "%s/%s", c->opt.grade_dir, names[i]);
        FILE *f = fopen(sb_str(&path), "rb");
        texts[i] = f ? read_stream(f, &lens[i]) : NULL;
        errors[i] = NULL;
        if (!texts[i]) {
            strbuf m;
            sb_init(&m);
            sb_printf(&m, "nnderive: error: cannot read '%s': %s", sb_str(&path), strerror(errno));
            errors[i] = xstrdup(sb_str(&m));
            sb_free(&m);
        }
        if (f)
            fclose(f);
        sb_free(&path);
    }
    int st = nd_grade(s, n, (const char *const *)names, (const char *const *)texts, lens,
                      (const char *const *)errors, result, csv);
    for (int i = 0; i < n; i++) {
        free(names[i]);
        free(texts[i]);
        free(errors[i]);
    }
    free(names);
    free(texts);
    free(errors);
    free(lens);
    return st;
}

/* The flags of --check-file: JSON, LaTeX (by the extension or --answers),
 * Gradescope. */
static int check_flags(const options *o)
{
    int latex = o->answers == ANSWERS_LATEX ||
                (o->answers == ANSWERS_AUTO && lr_is_latex_name(o->check_file));
    return (o->json ? ND_CHECK_JSON : 0) | (latex ? ND_CHECK_LATEX : 0) |
           (gradescope(o) ? ND_CHECK_GRADESCOPE : 0);
}

/* The result, and with --c --header FILE the header (both malloc'd); with
 * --grade, the CSV in *header. */
static int run_mode(cli *c, nd_session *s, char **result, char **header)
{
    options *o = &c->opt;
    double worst;
    size_t len;
    if (answer_options(c, s))
        return 2;
    if (o->derivative &&
        nd_set_derivative(s, o->derivative | (o->denominator ? ND_DERIV_DENOMINATOR : 0)))
        return 2;
    switch (o->mode) {
    case MODE_VERIFY:
        return nd_verify(s, result, &worst);
    case MODE_CHECK:
    case MODE_CHECK_LATEX:
        return nd_check_file(s, "<check>", o->check_expr, strlen(o->check_expr),
                             ND_CHECK_EXPRESSION | (o->json ? ND_CHECK_JSON : 0) |
                                 (o->mode == MODE_CHECK_LATEX ? ND_CHECK_LATEX : 0),
                             result);
    case MODE_CHECK_FILE: {
        char *text = read_file(c, o->check_file, &len);
        if (!text)
            return 2;
        int st = nd_check_file(s, o->check_file, text, len, check_flags(o), result);
        free(text);
        return st;
    }
    case MODE_GRADE:
        return grade_dir(c, s, result, header);
    default: {
        int st = nd_emit(s, format_of(o), &o->c, result);
        if (st == 0 && o->mode == MODE_C && o->header)
            st = nd_emit(s, ND_C_HEADER, &o->c, header);
        return st;
    }
    }
}

/* Grades are whole whatever the status says of the answers (a wrong
 * answer, a submission that does not read): results.json and the CSV are
 * written when they were made at all. */
static int complete_anyway(const options *o, const char *result)
{
    return (o->mode == MODE_GRADE || gradescope(o)) && result && result[0];
}

/* --grade: the table on standard output, the CSV to -o; --format
 * gradescope: results.json to -o or standard output. */
static int write_graded(cli *c, int st, const char *result, const char *csv)
{
    const options *o = &c->opt;
    if (o->mode != MODE_GRADE) {
        int w = write_results(c, result, NULL);
        return w ? w : st;
    }
    pending p = { .path = o->output, .text = csv ? csv : "" };
    int w = o->output ? write_outputs(c, &p, 1) : 0;
    fputs(result, c->out);
    return w ? w : st;
}

static int run(cli *c)
{
    options *o = &c->opt;
    size_t len = 0;
    if (check_outputs(c))
        return 2;
    char *text = o->program ? xstrdup(o->program) : read_file(c, o->file, &len);
    if (!text)
        return 2;
    if (o->program)
        len = strlen(text);
    const char *name = o->program ? "<expr>" : strcmp(o->file, "-") ? o->file : "<stdin>";
    nd_session *s = nd_open(name, text, len, &o->cfg);
    char *result = NULL, *header = NULL;
    int st = nd_status(s);
    if (st == 0)
        st = run_mode(c, s, &result, &header);
    fputs(nd_diagnostics(s), c->err);
    if (complete_anyway(o, result))
        st = write_graded(c, st, result, header);
    else if (st == 0)
        st = write_results(c, result, header);
    else if (result)
        fputs(result, c->out);
    nd_free(result);
    nd_free(header);
    nd_close(s);
    free(text);
    return st;
}

int cli_main(int argc, char **argv, FILE *in, FILE *out, FILE *err)
{
    cli c;
    memset(&c, 0, sizeof c);
    c.in = in;
    c.out = out;
    c.err = err;
    int st = parse_options(&c, argc, argv);
    if (st < 0)
        st = run(&c);
    for (int i = 0; i < c.opt.n_wrt; i++)
        free(c.opt.wrt[i]);
    free(c.opt.wrt);
    for (int i = 0; i < c.opt.n_names; i++)
        free(c.opt.names[i]);
    free(c.opt.names);
    return st;
}
