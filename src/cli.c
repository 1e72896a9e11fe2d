/* cli.c: the command line (DESIGN.md section 2): options, input, one call
 * into the library (nnderive.h), output. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "nnderive.h"
#include "strbuf.h"
#include "verify.h"

enum mode {
    MODE_TEXT, MODE_LATEX_DOC, MODE_STEPS, MODE_PATHS, MODE_C, MODE_DOT, MODE_VERIFY,
    MODE_CHECK, MODE_CHECK_FILE, MODE_JACOBIAN, MODE_HESSIAN, MODE_EXPLAIN,
};

static const char *const mode_flags[] = {
    "(text)", "--latex-doc", "--steps", "--paths", "--c", "--dot", "--verify",
    "--check", "--check-file", "--jacobian", "--hessian", "--explain",
};

typedef struct options {
    enum mode mode;
    int mode_set, latex, dot_steps;
    const char *file, *program, *output, *check_expr, *check_file, *header;
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
    "  --dot              the computational graph in Graphviz DOT (with --steps:\n"
    "                     the backward graph too)\n"
    "  --verify           compare with high-precision central differences\n"
    "  --check 'EXPR'     is EXPR the gradient w.r.t. the single --wrt variable?\n"
    "  --check-file FILE  check each line `dL/dW = EXPR` of FILE\n"
    "  --jacobian         the Jacobian of a vector objective w.r.t. a vector\n"
    "  --hessian          the Hessian of a scalar objective w.r.t. a vector\n"
    "  --explain          the declarations in force, inferred ones included\n"
    "\n"
    "options:\n"
    "  --wrt a,b          differentiate with respect to these (repeatable)\n"
    "  --of NAME          the objective (default: the last assignment)\n"
    "  -e PROGRAM         the program text itself instead of a FILE\n"
    "  -o FILE            write the output there, only when the run succeeds\n"
    "  --seed N           random seed of --verify and --check (default 20261127)\n"
    "  --points N         random points of --verify and --check (default 3)\n"
    "  --precision BITS   MPFR precision of --verify and --check (default 256,\n"
    "                     64 to 4096)\n"
    "  --help, --version\n"
    "\n"
    "exit status: 0 success, 1 verification failed or not equivalent, 2 bad input\n";

/* ---- options ---- */

static int usage_error(cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int usage_error(cli *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("nnderive: error: ", c->err);
    vfprintf(c->err, fmt, ap);
    fputs(" (see nnderive --help)\n", c->err);
    va_end(ap);
    return 2;
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

static int flag_option(cli *c, const char *name)
{
    static const struct { const char *name; enum mode mode; } flags[] = {
        { "--latex-doc", MODE_LATEX_DOC }, { "--steps", MODE_STEPS },
        { "--paths", MODE_PATHS },         { "--c", MODE_C },
        { "--dot", MODE_DOT },             { "--verify", MODE_VERIFY },
        { "--jacobian", MODE_JACOBIAN },   { "--hessian", MODE_HESSIAN },
        { "--explain", MODE_EXPLAIN },
    };
    options *o = &c->opt;
    if (!strcmp(name, "--latex"))
        return o->latex = 1, 0;
    if (!strcmp(name, "--blas"))
        return o->c.blas = 1, 0;
    if (!strcmp(name, "--colmajor"))
        return o->c.colmajor = 1, 0;
    for (size_t i = 0; i < sizeof flags / sizeof *flags; i++)
        if (!strcmp(name, flags[i].name))
            return steps_and_dot(c, flags[i].mode) ? 0 : set_mode(c, flags[i].mode);
    return -1;
}

static int value_option(cli *c, const char *name, const char *v)
{
    options *o = &c->opt;
    long n;
    if (!strcmp(name, "--wrt"))
        add_wrt(o, v);
    else if (!strcmp(name, "--of"))
        o->cfg.of = v;
    else if (!strcmp(name, "-e"))
        o->program = v;
    else if (!strcmp(name, "-o"))
        o->output = v;
    else if (!strcmp(name, "--check"))
        return o->check_expr = v, set_mode(c, MODE_CHECK);
    else if (!strcmp(name, "--check-file"))
        return o->check_file = v, set_mode(c, MODE_CHECK_FILE);
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
        "--dims", "--seed", "--points", "--precision",
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
    o->cfg.wrt = (const char *const *)o->wrt;
    o->cfg.n_wrt = o->n_wrt;
    return -1;
}

/* ---- input and output ---- */

static char *read_stream(FILE *f, size_t *len)
{
    size_t cap = 4096, n = 0, got;
    char *buf = xmalloc(cap);
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

static char *read_file(cli *c, const char *path, size_t *len)
{
    if (!strcmp(path, "-"))
        return read_stream(c->in, len);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(c->err, "nnderive: error: cannot read '%s': %s\n", path, strerror(errno));
        return NULL;
    }
    char *text = read_stream(f, len);
    fclose(f);
    return text;
}

/* Written whole (through a temporary file), and only on success.  A path
 * that is a symbolic link or not a regular file (/dev/stdout, /dev/null, a
 * pipe) is written directly: renaming over it would replace the link or
 * the device instead of writing to what it names. */
static int write_file(cli *c, const char *path, const char *text)
{
    struct stat st;
    int direct = lstat(path, &st) == 0 && !S_ISREG(st.st_mode);
    strbuf tmp;
    sb_init(&tmp);
    if (direct)
        sb_puts(&tmp, path);
    else
        sb_printf(&tmp, "%s.tmp%ld", path, (long)getpid());
    size_t len = strlen(text);
    FILE *f = fopen(sb_str(&tmp), "wb");
    int ok = f && fwrite(text, 1, len, f) == len;
    ok = f && fclose(f) == 0 && ok;
    ok = ok && (direct || rename(sb_str(&tmp), path) == 0);
    if (!ok) {
        fprintf(c->err, "nnderive: error: cannot write '%s': %s\n", path, strerror(errno));
        if (!direct)
            remove(sb_str(&tmp));
    }
    sb_free(&tmp);
    return ok ? 0 : 2;
}

/* ---- the run ---- */

static enum nd_format format_of(const options *o)
{
    switch (o->mode) {
    case MODE_LATEX_DOC: return ND_LATEX_DOC;
    case MODE_STEPS: return o->latex ? ND_STEPS_LATEX : ND_STEPS;
    case MODE_PATHS: return o->latex ? ND_PATHS_LATEX : ND_PATHS;
    case MODE_C: return ND_C;
    case MODE_DOT: return o->dot_steps ? ND_DOT_STEPS : ND_DOT;
    case MODE_JACOBIAN: return ND_JACOBIAN;
    case MODE_HESSIAN: return ND_HESSIAN;
    case MODE_EXPLAIN: return ND_EXPLAIN;
    default: return o->latex ? ND_LATEX : ND_TEXT;
    }
}

static int run_mode(cli *c, nd_session *s, char **result)
{
    options *o = &c->opt;
    double worst;
    size_t len;
    switch (o->mode) {
    case MODE_VERIFY:
        return nd_verify(s, result, &worst);
    case MODE_CHECK:
        return nd_check(s, o->check_expr, result);
    case MODE_CHECK_FILE: {
        char *text = read_file(c, o->check_file, &len);
        if (!text)
            return 2;
        int st = nd_check_lines(s, o->check_file, text, len, result);
        free(text);
        return st;
    }
    default: {
        int st = nd_emit(s, format_of(o), &o->c, result);
        if (st == 0 && o->mode == MODE_C && o->header) {
            char *h = NULL;
            st = nd_emit(s, ND_C_HEADER, &o->c, &h);
            st = st ? st : write_file(c, o->header, h);
            nd_free(h);
        }
        return st;
    }
    }
}

static int run(cli *c)
{
    options *o = &c->opt;
    size_t len = 0;
    char *text = o->program ? xstrdup(o->program) : read_file(c, o->file, &len);
    if (!text)
        return 2;
    if (o->program)
        len = strlen(text);
    const char *name = o->program ? "<expr>" : strcmp(o->file, "-") ? o->file : "<stdin>";
    nd_session *s = nd_open(name, text, len, &o->cfg);
    char *result = NULL;
    int st = nd_status(s);
    if (st == 0)
        st = run_mode(c, s, &result);
    fputs(nd_diagnostics(s), c->err);
    if (result && (st != 0 || !o->output))
        fputs(result, c->out);
    else if (result)
        st = write_file(c, o->output, result);
    nd_free(result);
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
    return st;
}
