/* cg_names.c: the C identifiers of the generated code.
 *
 * A program's names become parameters and locals of the generated
 * functions, where a name C or its headers already give a meaning (a
 * keyword, a macro of <math.h> such as NAN or isnan, a libm function the
 * code calls, a CBLAS name, one of the generated code's own locals) would
 * not compile.  Such a name gets a trailing underscore (and a leading "v"
 * when that cannot take it out of a reserved family: __x, _X, FP_*, M_*),
 * and more underscores until it clashes with nothing: no reserved name, no
 * other name of the program, no name already given.  The lists are sorted (strcmp order) for
 * bsearch; a test checks the order and compiles programs that use every
 * name as a variable. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cg.h"
#include "scope.h"
#include "shape.h"

/* Keywords of C (C89 to C23), of C++ (the header is also C++'s) and the
 * macros of <iso646.h>. */
const char *const cg_keywords[] = {
    "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break",
    "case", "catch", "char", "char16_t", "char32_t", "char8_t", "class", "co_await",
    "co_return", "co_yield", "compl", "concept", "const", "const_cast", "consteval",
    "constexpr", "constinit", "continue", "decltype", "default", "delete", "do", "double",
    "dynamic_cast", "else", "enum", "explicit", "export", "extern", "false", "float", "for",
    "fortran", "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace", "new",
    "noexcept", "not", "not_eq", "nullptr", "operator", "or", "or_eq", "private", "protected",
    "public", "register", "reinterpret_cast", "requires", "restrict", "return", "short",
    "signed", "sizeof", "static", "static_assert", "static_cast", "struct", "switch",
    "template", "this", "thread_local", "throw", "true", "try", "typedef", "typeid",
    "typename", "typeof", "typeof_unqual", "union", "unsigned", "using", "virtual", "void",
    "volatile", "wchar_t", "while", "xor", "xor_eq",
};
const int cg_n_keywords = (int)(sizeof cg_keywords / sizeof *cg_keywords);

/* <math.h> (C99 to C23, POSIX, XSI, SVID and GNU), <stddef.h>, errno, and
 * the macros compilers predefine outside the reserved namespace.  A libm
 * function's float, long double and _FloatN variants (sinf, sinl,
 * sinf128, lgammaf_r) are matched by suffix rule, not listed. */
const char *const cg_library[] = {
    "DOMAIN", "EDOM", "EILSEQ", "ERANGE", "HUGE", "INFINITY", "MATH_ERREXCEPT", "MATH_ERRNO",
    "MAXFLOAT", "NAN", "NULL", "OVERFLOW", "PLOSS", "SING", "TLOSS", "UNDERFLOW", "X_TLOSS",
    "acos", "acosh", "acospi", "asin", "asinh", "asinpi", "atan", "atan2", "atan2pi", "atanh",
    "atanpi", "canonicalize", "cbrt", "ceil", "compoundn", "copysign", "cos", "cosh", "cospi",
    "double_t", "drem", "erf", "erfc", "errno", "exception", "exp", "exp10", "exp10m1", "exp2",
    "exp2m1", "expm1", "fabs", "fdim", "finite", "float_t", "floor", "fma", "fmax",
    "fmaximum", "fmaximum_mag", "fmaximum_mag_num", "fmaximum_num", "fmaxmag", "fmin",
    "fminimum", "fminimum_mag", "fminimum_mag_num", "fminimum_num", "fminmag", "fmod",
    "fpclassify", "frexp", "fromfp", "fromfpx", "gamma", "getpayload", "hypot", "i386",
    "ilogb", "j0", "j1", "jn", "ldexp", "lgamma", "linux", "llogb", "llrint", "llround",
    "log", "log10", "log10p1", "log1p", "log2", "log2p1", "logb", "logp1", "lrint", "lround",
    "main", "math_errhandling", "matherr", "max_align_t", "modf", "nan", "nearbyint",
    "nextafter", "nextdown", "nexttoward", "nextup", "nullptr_t", "offsetof", "pow", "pow10",
    "pown", "powr", "ptrdiff_t", "remainder", "remquo", "rint", "rootn", "round",
    "roundeven", "rsqrt", "scalb", "scalbln", "scalbn", "setpayload", "setpayloadsig",
    "signbit", "signgam", "significand", "sin", "sincos", "sinh", "sinpi", "size_t", "sqrt",
    "tan", "tanh", "tanpi", "tgamma", "totalorder", "totalordermag", "trunc", "ufromfp",
    "ufromfpx", "unix", "unreachable", "wchar_t", "y0", "y1", "yn",
};
const int cg_n_library = (int)(sizeof cg_library / sizeof *cg_library);

/* With --blas: what <cblas.h> declares or brings in (OpenBLAS's includes
 * <stdio.h>, <stdint.h>, <complex.h> and <sched.h>; netlib's <stddef.h>).
 * The prefixes cblas_, Cblas, CBLAS_, openblas_ and OPENBLAS_ and the
 * <stdint.h> patterns are rules. */
const char *const cg_blas_names[] = {
    "BLASFUNC", "BLASLONG", "BLASULONG", "BUFSIZ", "CLOCKS_PER_SEC", "CMPLX", "CMPLXF",
    "CMPLXL", "EOF", "FILE", "FILENAME_MAX", "FLOATRET", "FOPEN_MAX", "I", "L_ctermid",
    "L_tmpnam", "PTRDIFF_MAX", "PTRDIFF_MIN", "P_tmpdir", "SCHED_FIFO", "SCHED_OTHER",
    "SCHED_RR", "SEEK_CUR", "SEEK_END", "SEEK_SET", "SIG_ATOMIC_MAX", "SIG_ATOMIC_MIN",
    "SIZE_MAX", "TMP_MAX", "WCHAR_MAX", "WCHAR_MIN", "WINT_MAX", "WINT_MIN", "bfloat16",
    "blasint", "cabs", "cacos", "cacosh", "carg", "casin", "casinh", "catan", "catanh",
    "ccos", "ccosh", "cexp", "cimag", "clog", "complex", "conj", "cpow", "cproj", "creal",
    "csin", "csinh", "csqrt", "ctan", "ctanh", "getc", "hfloat16", "imaginary", "putc",
    "sched_priority", "stderr", "stdin", "stdout", "xdouble",
};
const int cg_n_blas_names = (int)(sizeof cg_blas_names / sizeof *cg_blas_names);

/* The generated code's own parameters and locals (s3, b7, r2 and the
 * prefixes nd_ and grad_ are rules). */
static const char *const ours[] = {
    "acc", "acc0", "acc1", "acc2", "acc3", "aik", "dims", "grad", "i", "in", "j", "k", "need",
    "off", "vi", "work",
};

static int cmp_name(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

static int listed(const char *name, const char *const *list, int n)
{
    return bsearch(name, list, (size_t)n, sizeof *list, cmp_name) != NULL;
}

static int starts(const char *s, const char *prefix)
{
    return !strncmp(s, prefix, strlen(prefix));
}

static int ends(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

/* A listed name with one of libm's type suffixes (sinf, sinl, sinf128,
 * lgammaf_r, y0f64x). */
static int suffixed(const char *name, const char *const *list, int n)
{
    static const char *const suffix[] = { "f", "l", "f16", "f32", "f64", "f128", "f32x", "f64x",
                                          "d32", "d64", "d128", "_r", "f_r", "l_r", "f16_r",
                                          "f32_r", "f64_r", "f128_r", "f32x_r", "f64x_r" };
    char stem[64];
    size_t len = strlen(name);
    for (size_t s = 0; s < sizeof suffix / sizeof *suffix; s++) {
        size_t m = strlen(suffix[s]);
        if (len <= m || len - m >= sizeof stem || !ends(name, suffix[s]))
            continue;
        memcpy(stem, name, len - m);
        stem[len - m] = '\0';
        if (listed(stem, list, n))
            return 1;
    }
    return 0;
}

/* C23's narrowing operations: fadd, dsqrtl, f32mulf64x. */
static int narrowing(const char *name)
{
    static const char *const type[] = { "f128", "f16", "f32x", "f32", "f64x", "f64", "d128",
                                        "d32", "d64", "f", "d" };
    static const char *const op[] = { "add", "sub", "mul", "div", "fma", "sqrt" };
    for (size_t t = 0; t < sizeof type / sizeof *type; t++) {
        if (!starts(name, type[t]))
            continue;
        const char *rest = name + strlen(type[t]);
        for (size_t o = 0; o < sizeof op / sizeof *op; o++) {
            if (!starts(rest, op[o]))
                continue;
            const char *tail = rest + strlen(op[o]);
            int ok = !*tail;
            for (size_t u = 0; u < sizeof type / sizeof *type && !ok; u++)
                ok = !strcmp(tail, type[u]) || (tail[0] == 'l' && !tail[1]);
            if (ok)
                return 1;
        }
    }
    return 0;
}

static int upper_after(const char *name, const char *prefix)
{
    size_t n = strlen(prefix);
    return starts(name, prefix) && (isupper((unsigned char)name[n]) || isdigit((unsigned char)name[n]));
}

/* Macro families of <math.h>: FP_NAN, M_PI, HUGE_VALF, SNANL, isnan, iszero. */
static int math_family(const char *name)
{
    return upper_after(name, "FP_") || upper_after(name, "M_") || starts(name, "HUGE_VAL") ||
           starts(name, "SNAN") || starts(name, "MATH_") ||
           (name[0] == 'i' && name[1] == 's' && islower((unsigned char)name[2]));
}

/* <stdint.h> (through OpenBLAS's cblas.h): INT8_MAX, UINTMAX_C, int32_t. */
static int stdint_family(const char *name)
{
    if (starts(name, "INT") || starts(name, "UINT"))
        return ends(name, "_MAX") || ends(name, "_MIN") || ends(name, "_C");
    if (starts(name, "int") || starts(name, "uint"))
        return ends(name, "_t");
    return 0;
}

static int blas_family(const char *name)
{
    return starts(name, "cblas_") || starts(name, "Cblas") || starts(name, "CBLAS_") ||
           starts(name, "openblas_") || starts(name, "OPENBLAS_") || stdint_family(name);
}

/* s3, b7, r2: the generated code's scalars, buffers and row locals. */
static int numbered_local(const char *name)
{
    return (name[0] == 's' || name[0] == 'b' || name[0] == 'r') && name[1] &&
           strspn(name + 1, "0123456789") == strlen(name + 1);
}

enum cg_name_kind cg_name_kind(const char *name, int blas)
{
    if (name[0] == '_' && (name[1] == '_' || isupper((unsigned char)name[1])))
        return NAME_IMPLEMENTATION;
    if (listed(name, cg_keywords, cg_n_keywords))
        return NAME_KEYWORD;
    if (listed(name, cg_library, cg_n_library) || suffixed(name, cg_library, cg_n_library) ||
        narrowing(name) || math_family(name))
        return NAME_LIBRARY;
    if (blas && (listed(name, cg_blas_names, cg_n_blas_names) ||
                 suffixed(name, cg_blas_names, cg_n_blas_names) || blas_family(name)))
        return NAME_BLAS;
    if (listed(name, ours, (int)(sizeof ours / sizeof *ours)) || starts(name, "nd_") ||
        starts(name, "grad_") || numbered_local(name))
        return NAME_OURS;
    return NAME_FREE;
}

static const char *kind_text(enum cg_name_kind k)
{
    switch (k) {
    case NAME_IMPLEMENTATION: return "reserved in C (it begins with an underscore)";
    case NAME_KEYWORD: return "a C keyword";
    case NAME_LIBRARY: return "a name of the C library";
    case NAME_BLAS: return "a name of CBLAS";
    default: return "a name the generated code uses";
    }
}

/* One function or object the generated file defines, by suffix. */
static const char *const abi_suffix[] = {
    "", "_eval", "_work_size", "_n_dims", "_n_in", "_n_grad", "_dim_names", "_in_names",
    "_grad_names",
};

/* A prefix's own kind: any leading underscore is reserved at file scope,
 * and nd__ starts the generated file's helpers. */
static enum cg_name_kind prefix_kind(const char *name)
{
    if (name[0] == '_')
        return NAME_IMPLEMENTATION;
    enum cg_name_kind k = cg_name_kind(name, 1);
    if (k == NAME_OURS)     /* locals shadow it harmlessly; nd_f is the default */
        return starts(name, "nd__") ? NAME_OURS : NAME_FREE;
    return k;
}

void cg_check_prefix(nd_ctx *ctx, const char *prefix)
{
    nd_loc none = { 0, 0, 0, 0, NULL };
    size_t len = strlen(prefix);
    if (len >= CG_MAX_PREFIX)
        diag_fail(ctx, none, "--name %s: the prefix has %zu characters; the limit is %d",
                  prefix, len, CG_MAX_PREFIX - 1);
    strbuf b;
    sb_init(&b);
    for (size_t s = 0; s < sizeof abi_suffix / sizeof *abi_suffix; s++) {
        sb_clear(&b);
        sb_printf(&b, "%s%s", prefix, abi_suffix[s]);
        enum cg_name_kind k = prefix_kind(sb_str(&b));
        if (k == NAME_FREE)
            continue;
        const char *name = arena_strdup(ctx->arena, sb_str(&b));
        sb_free(&b);
        if (s == 0)
            diag_fail(ctx, none, "--name %s: `%s` is %s", prefix, prefix, kind_text(k));
        diag_fail(ctx, none, "--name %s: the generated name `%s` would be %s", prefix, name,
                  kind_text(k));
    }
    sb_free(&b);
}

/* ---- the names of one file ---- */

/* A set of strings, open addressing (no removal). */
typedef struct name_set {
    const char **slot;
    size_t cap, n;
} name_set;

static size_t str_hash(const char *s)
{
    size_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h ^ (h >> 13);
}

static int set_has(const name_set *set, const char *s)
{
    for (size_t i = str_hash(s) & (set->cap - 1); set->slot[i]; i = (i + 1) & (set->cap - 1))
        if (!strcmp(set->slot[i], s))
            return 1;
    return 0;
}

static void set_add(name_set *set, const char *s)
{
    if (2 * (set->n + 1) > set->cap) {
        name_set big = { NULL, set->cap ? 2 * set->cap : 64, 0 };
        big.slot = xmalloc(big.cap * sizeof *big.slot);
        memset(big.slot, 0, big.cap * sizeof *big.slot);
        for (size_t i = 0; i < set->cap; i++)
            if (set->slot[i])
                set_add(&big, set->slot[i]);
        free(set->slot);
        *set = big;
    }
    if (set_has(set, s))
        return;
    size_t i = str_hash(s) & (set->cap - 1);
    while (set->slot[i])
        i = (i + 1) & (set->cap - 1);
    set->slot[i] = s;
    set->n++;
}

typedef struct namer {
    nd_ctx *ctx;
    int blas;
    name_set program;   /* the program's names, and the file's own */
    name_set given;     /* the identifiers given so far */
} namer;

/* Free by the rules once renamed: a trailing underscore keeps a name
 * apart from the generated code's own nd_ and grad_ names, which never
 * end in one. */
static int free_renamed(const namer *N, const char *c)
{
    enum cg_name_kind k = cg_name_kind(c, N->blas);
    return k == NAME_FREE || (k == NAME_OURS && (starts(c, "nd_") || starts(c, "grad_")) &&
                              ends(c, "_"));
}

/* A free identifier for name: itself when nothing else claims it, else
 * with underscores after it, and a "v" before it when underscores cannot
 * leave a reserved family (__x, _X, FP_*, M_*, is*, cblas_*). */
static const char *give(namer *N, const char *name)
{
    if (cg_name_kind(name, N->blas) == NAME_FREE && !set_has(&N->given, name)) {
        set_add(&N->given, name);
        return name;
    }
    strbuf b;
    sb_init(&b);
    sb_printf(&b, "%s____", name);
    int stuck = !free_renamed(N, sb_str(&b));
    sb_clear(&b);
    sb_printf(&b, "%s%s_", stuck ? "v" : "", name);
    while (!free_renamed(N, sb_str(&b)) || set_has(&N->program, sb_str(&b)) ||
           set_has(&N->given, sb_str(&b)))
        sb_putc(&b, '_');
    const char *r = arena_strdup(N->ctx->arena, sb_str(&b));
    sb_free(&b);
    set_add(&N->given, r);
    return r;
}

/* The program's own names and the file's functions (and the header's
 * guard) are claimed before any renamed name is made up. */
static void claim(namer *N, const cg_plan *p, const char *prefix)
{
    nd_ctx *ctx = N->ctx;
    for (int v = 0; v < ctx->scope->n_vars; v++)
        set_add(&N->program, ctx->scope->vars[v].name);
    for (int d = 0; d < p->n_dims; d++)
        set_add(&N->program, dim_name(ctx, p->dims[d]));
    strbuf b;
    sb_init(&b);
    for (size_t s = 0; s < sizeof abi_suffix / sizeof *abi_suffix; s++) {
        sb_clear(&b);
        sb_printf(&b, "%s%s", prefix, abi_suffix[s]);
        const char *id = arena_strdup(ctx->arena, sb_str(&b));
        set_add(&N->program, id);
        set_add(&N->given, id);
    }
    sb_clear(&b);
    for (const char *c = prefix; *c; c++)
        sb_putc(&b, (char)toupper((unsigned char)*c));
    sb_puts(&b, "_H");
    const char *guard = arena_strdup(ctx->arena, sb_str(&b));
    set_add(&N->program, guard);
    set_add(&N->given, guard);
    sb_free(&b);
}

void cg_names(const cg_plan *p, const char *prefix, const char **var_c, const char **dim_c,
              const char **grad_c)
{
    nd_ctx *ctx = p->ctx;
    namer N = { ctx, p->opt->blas, { 0 }, { 0 } };
    claim(&N, p, prefix);
    for (int v = 0; v < ctx->scope->n_vars; v++)
        if (ctx->scope->vars[v].origin < 0)
            var_c[v] = give(&N, ctx->scope->vars[v].name);
    for (int v = 0; v < ctx->scope->n_vars; v++)   /* --colmajor's copies: their original's */
        if (ctx->scope->vars[v].origin >= 0)
            var_c[v] = var_c[ctx->scope->vars[v].origin];
    for (int d = 0; d < ctx->dimtab->n_dims; d++)
        dim_c[d] = dim_name(ctx, d);    /* numbers, or not in the ABI: never printed */
    for (int d = 0; d < p->n_dims; d++)
        dim_c[p->dims[d]] = give(&N, dim_name(ctx, p->dims[d]));
    strbuf b;
    sb_init(&b);
    for (int g = 0; g < p->n_grads; g++) {  /* grad_W, unless given already */
        sb_clear(&b);
        sb_printf(&b, "%s_%s", cg_out_stem(p), var_c[p->prog->wrt[p->out_row[g]]]);
        if (p->out_col[g] != p->out_row[g])
            sb_printf(&b, "_%s", var_c[p->prog->wrt[p->out_col[g]]]);
        while (set_has(&N.given, sb_str(&b)))
            sb_putc(&b, '_');
        grad_c[g] = arena_strdup(ctx->arena, sb_str(&b));
        set_add(&N.given, grad_c[g]);
    }
    sb_free(&b);
    free(N.program.slot);
    free(N.given.slot);
}
