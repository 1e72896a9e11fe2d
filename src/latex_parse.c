/* latex_parse.c: LaTeX math as an expression tree (see latex_impl.h).
 *
 * Loosest first: sums (+ -); explicit products (\cdot \times * \odot \circ
 * \oslash /), left to right as in the input language; juxtaposition (W x),
 * which binds tighter, so that \delta \odot W x is \delta \odot (W x);
 * then scripts (^\top, ', ^{-1}, ^{\circ 2}, ^2) and atoms.  A number over
 * a number (1/2) binds tightest.  TeX's rule for unbraced scripts holds:
 * W_12 is W_1 times 2, x^Tx is x^T x. */
#include "latex_impl.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* ---- tokens ---- */

/* The next token, \quad skipped; NULL at the end. */
static lt_tok *peek(lp *p)
{
    while (p->i < p->n && p->t[p->i]->kind == LT_SPACE)
        p->i++;
    return p->i < p->n ? p->t[p->i] : NULL;
}

static lt_tok *peek2(lp *p)
{
    if (!peek(p))
        return NULL;
    int j = p->i + 1;
    while (j < p->n && p->t[j]->kind == LT_SPACE)
        j++;
    return j < p->n ? p->t[j] : NULL;
}

static lt_tok *take(lp *p)
{
    lt_tok *t = peek(p);
    if (t)
        p->i++;
    return t;
}

static int is_char(const lt_tok *t, int c)
{
    return t && t->kind == LT_CHAR && t->ch == c;
}

static int is_cmd(const lt_tok *t, const char *name)
{
    return t && t->kind == LT_CMD && !strcmp(t->text, name);
}

static int cmd_in(const lt_tok *t, const char *const *names)
{
    if (!t || t->kind != LT_CMD)
        return 0;
    for (; *names; names++)
        if (!strcmp(t->text, *names))
            return 1;
    return 0;
}

/* Where the text ends, for an error at the end. */
static size_t end_at(lp *p)
{
    return p->n ? p->t[p->n - 1]->to : 0;
}

static int failed(lp *p)
{
    return p->L->err.set;
}

static void *fail_at(lp *p, const lt_tok *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void *fail_at(lp *p, const lt_tok *t, const char *fmt, ...)
{
    size_t from = t ? t->from : end_at(p), to = t ? t->to : end_at(p) + 1;
    char msg[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    lr_fail(&p->L->err, from, to, "%s", msg);
    return NULL;
}

/* What a token says in a message: "'\\frac'", "'x'", "the end of the row". */
static const char *shown(lp *p, const lt_tok *t)
{
    if (!t)
        return "end of the row";
    strbuf b;
    sb_init(&b);
    sb_printf(&b, "'%s%s'", t->kind == LT_CMD ? "\\" : "", t->text);
    const char *s = arena_strdup(p->L->arena, sb_str(&b));
    sb_free(&b);
    return s;
}

static void *unexpected(lp *p, const lt_tok *t, const char *what)
{
    strbuf b;
    sb_init(&b);
    sb_printf(&b, "unexpected %s%s%s", shown(p, t), what ? ", expected " : "", what ? what : "");
    const char *m = arena_strdup(p->L->arena, sb_str(&b));
    sb_free(&b);
    return fail_at(p, t, "%s", m);
}

/* Takes the character c, or fails: "unexpected X, expected 'c'". */
static int expect(lp *p, int c)
{
    lt_tok *t = peek(p);
    if (is_char(t, c))
        return take(p), 1;
    char want[8];
    snprintf(want, sizeof want, "'%c'", c);
    unexpected(p, t, want);
    return 0;
}

/* The first character of the current word or number, split off it (TeX
 * reads one character after an unbraced ^ or _); NULL in a lookahead. */
static lt_tok *take_char(lp *p)
{
    lt_tok *t = peek(p);
    if (!t || (t->kind != LT_WORD && t->kind != LT_NUM) || strlen(t->text) == 1)
        return take(p);
    if (p->nosplit)
        return NULL;
    lt_tok *first = arena_alloc(p->L->arena, sizeof *first), *rest = arena_alloc(p->L->arena, sizeof *rest);
    *first = *t;
    *rest = *t;
    first->text = arena_strndup(p->L->arena, t->text, 1);
    first->to = t->from + 1;
    rest->text = t->text + 1;
    rest->from = t->from + 1;
    if (rest->kind == LT_NUM && rest->text[0] == '.')
        rest->kind = LT_CHAR;   /* never: numbers start with a digit */
    if (rest->kind == LT_WORD && isdigit((unsigned char)rest->text[0]))
        rest->kind = LT_NUM;    /* x^2y: 2 then y is not a word */
    p->t[p->i] = rest;
    if (rest->kind == LT_NUM) {     /* a word's tail of digits and letters: split at a letter */
        size_t k = strspn(rest->text, "0123456789");
        if (rest->text[k]) {
            lt_tok *word = arena_alloc(p->L->arena, sizeof *word);
            *word = *rest;
            word->kind = LT_WORD;
            word->text = rest->text + k;
            word->from = rest->from + k;
            rest->text = arena_strndup(p->L->arena, rest->text, k);
            rest->to = rest->from + k;
            p->t = xrealloc(p->t, (size_t)(p->n + 1) * sizeof *p->t);
            memmove(p->t + p->i + 2, p->t + p->i + 1, (size_t)(p->n - p->i - 1) * sizeof *p->t);
            p->t[p->i + 1] = word;
            p->n++;
        }
    }
    return first;
}

/* ---- nodes ---- */

static lnode *node(lp *p, enum ln_kind kind, size_t from, size_t to)
{
    lnode *n = arena_alloc(p->L->arena, sizeof *n);
    n->kind = kind;
    n->from = n->op_from = from;
    n->to = n->op_to = to;
    return n;
}

static lnode *unary(lp *p, enum ln_kind kind, lnode *a, size_t op_from, size_t op_to)
{
    lnode *n = node(p, kind, op_from < a->from ? op_from : a->from, op_to > a->to ? op_to : a->to);
    n->op_from = op_from;
    n->op_to = op_to;
    n->kids = arena_alloc(p->L->arena, sizeof *n->kids);
    n->kids[0] = a;
    n->nkids = 1;
    return n;
}

static lnode *binary(lp *p, enum ln_kind kind, lnode *a, lnode *b, size_t op_from, size_t op_to)
{
    lnode *n = node(p, kind, a->from, b->to);
    n->op_from = op_from;
    n->op_to = op_to;
    n->kids = arena_alloc(p->L->arena, 2 * sizeof *n->kids);
    n->kids[0] = a;
    n->kids[1] = b;
    n->nkids = 2;
    return n;
}

static lnode *call(lp *p, const char *fn, lnode **args, int nargs, size_t from, size_t to,
                   size_t name_to)
{
    lnode *n = node(p, LN_CALL, from, to);
    n->text = fn;
    n->op_to = name_to;
    n->kids = arena_alloc(p->L->arena, (size_t)(nargs ? nargs : 1) * sizeof *n->kids);
    memcpy(n->kids, args, (size_t)nargs * sizeof *args);
    n->nkids = nargs;
    return n;
}

static lnode *scalar_num(lp *p, const char *text, size_t from, size_t to)
{
    lnode *n = node(p, LN_NUM, from, to);
    n->text = text;
    n->shape.rows = n->shape.cols = "1";
    return n;
}

static const char *cat(lp *p, const char *a, const char *b, const char *c)
{
    strbuf s;
    sb_init(&s);
    sb_printf(&s, "%s%s%s", a, b, c);
    const char *r = arena_strdup(p->L->arena, sb_str(&s));
    sb_free(&s);
    return r;
}

/* ---- functions ---- */

typedef struct fn_info {
    const char *tex, *name;
    const char *deriv;      /* f'(%), or NULL */
    int deriv_level;        /* the printed level of the derivative (latex_read.c) */
} fn_info;

/* Levels as latex_read.c prints them: 2 a product, 3 a negation, 6 an atom. */
static const fn_info functions[] = {
    { "exp", "exp", "exp(%)", 6 },        { "log", "log", "1./%", 2 },
    { "ln", "log", "1./%", 2 },           { "sqrt", "sqrt", "1./(2*sqrt(%))", 2 },
    { "abs", "abs", "sign(%)", 6 },       { "sign", "sign", NULL, 0 },
    { "sgn", "sign", NULL, 0 },           { "sin", "sin", "cos(%)", 6 },
    { "cos", "cos", "-sin(%)", 3 },       { "tan", "tan", "(1 + tan(%).^2)", 6 },
    { "arcsin", "arcsin", NULL, 0 },      { "arccos", "arccos", NULL, 0 },
    { "arctan", "arctan", "1./(1 + %.^2)", 2 },
    { "tanh", "tanh", "(1 - tanh(%).^2)", 6 },
    { "sigmoid", "sigmoid", "sigmoid(%).*(1 - sigmoid(%))", 2 },
    { "sigma", "sigmoid", "sigmoid(%).*(1 - sigmoid(%))", 2 },
    { "swish", "swish", "(sigmoid(%) + %.*sigmoid(%).*(1 - sigmoid(%)))", 6 },
    { "silu", "swish", "(sigmoid(%) + %.*sigmoid(%).*(1 - sigmoid(%)))", 6 },
    { "relu", "relu", "step(%)", 6 },     { "softplus", "softplus", "sigmoid(%)", 6 },
    { "step", "step", NULL, 0 },          { "sum", "sum", NULL, 0 },
    { "tr", "tr", NULL, 0 },              { "trace", "tr", NULL, 0 },
    { "det", "det", NULL, 0 },            { "logdet", "logdet", NULL, 0 },
    { "mean", "mean", NULL, 0 },          { "inv", "inv", NULL, 0 },
    { "diag", "diag", NULL, 0 },          { "softmax", "softmax", NULL, 0 },
    { "logsoftmax", "logsoftmax", NULL, 0 }, { "logsumexp", "logsumexp", NULL, 0 },
    { "lse", "logsumexp", NULL, 0 },      { "crossentropy", "crossentropy", NULL, 0 },
    { "norm", "norm", NULL, 0 },          { "norm1", "norm1", NULL, 0 },
    { "norm2", "norm2", NULL, 0 },        { "max", "max", NULL, 0 },
    { "min", "min", NULL, 0 },            { "erf", "erf", NULL, 0 },
    { "gelu", "gelu", NULL, 0 },          { "vec", "vec", NULL, 0 },
    { "sech", "sech", NULL, 0 },          /* sech^2 only: 1 - tanh^2 */
};

/* A function by its LaTeX name: exactly for a command (\Sigma is a
 * letter), in any case for a word or \operatorname{ReLU}. */
static const fn_info *function_named(const char *s, int any_case)
{
    for (size_t i = 0; i < sizeof functions / sizeof *functions; i++)
        if (any_case ? !strcasecmp(functions[i].tex, s) : !strcmp(functions[i].tex, s))
            return &functions[i];
    return NULL;
}

/* ---- names ---- */

static const char *const greek[] = {
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta",
    "vartheta", "iota", "kappa", "lambda", "mu", "nu", "xi", "pi", "rho", "varrho", "sigma",
    "varsigma", "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega", "Gamma", "Delta",
    "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega", NULL,
};

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

/* The names the atom may stand for, most likely first. */
static int candidates(lp *p, const atom *a, const char **out)
{
    int n = 0, digits = a->sub[0] && strspn(a->sub, "0123456789") == strlen(a->sub);
    for (int i = 0; i < a->nbase && n + 4 <= MAX_CANDS; i++) {
        const char *b = a->base[i];
        if (!a->sub[0]) {
            out[n++] = cat(p, b, a->suffix, "");
            continue;
        }
        const char *tight = cat(p, cat(p, b, a->suffix, ""), a->sub, "");
        const char *under = cat(p, cat(p, b, a->suffix, "_"), a->sub, "");
        out[n++] = digits ? tight : under;
        out[n++] = digits ? under : tight;
        if (a->suffix[0]) {
            out[n++] = cat(p, b, a->sub, a->suffix);
            out[n++] = cat(p, cat(p, b, "_", a->sub), a->suffix, "");
        }
    }
    return n;
}

static const char *mapped(lp *p, const char *name)
{
    const lr_names *nm = p->L->names;
    for (int i = 0; i < nm->n_map; i++)
        if (!strcmp(nm->map_from[i], name))
            return nm->map_to[i];
    return NULL;
}

/* The adjoint name dOBJ/dX (X a name of the program or not). */
static const char *adjoint_label(lp *p, const char *x)
{
    return cat(p, cat(p, "d", p->L->names->objective, "/d"), x, "");
}

/* Whether text is one name (dL/dz2 counts as one). */
static int plain_name(const char *s)
{
    if (!isalpha((unsigned char)s[0]) && s[0] != '_')
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '/')
            return 0;
    return 1;
}

static lnode *name_node(lp *p, const char *text, size_t from, size_t to);

/* The shape of an adjoint name dL/dX: X's. */
static lr_shape adjoint_shape(lp *p, const char *label)
{
    lr_shape s = { 0 };
    const char *slash = strchr(label, '/');
    if (slash && slash[1] == 'd')
        lr_lookup(p->L, slash + 2, &s);
    return s;
}

static lnode *name_node(lp *p, const char *text, size_t from, size_t to)
{
    const char *inl = lr_inline_text(p->L, text);
    lnode *n = node(p, plain_name(text) && !inl ? LN_NAME : LN_TEXT, from, to);
    n->text = inl ? inl : text;
    if (lr_lookup(p->L, text, &n->shape) == LR_NONE && strchr(text, '/'))
        n->shape = adjoint_shape(p, text);
    return n;
}

/* The default table of adjoint names: delta_k (or delta^{(k)}) is the
 * adjoint of z_k, the intermediate it is the error signal of: dL/dzk, else
 * dL/dZk (a batch), dL/dz_k, dL/dZ_k; delta alone is dL/dz. */
static const char *delta_adjoint(lp *p, const atom *a)
{
    int is_delta = 0;
    for (int i = 0; i < a->nbase; i++)
        is_delta |= !strcmp(a->base[i], "delta") && !a->suffix[0];
    if (!is_delta)
        return NULL;
    static const char *const bases[] = { "z", "Z" };
    for (int b = 0; b < 2; b++)
        for (int under = 0; under < 2; under++) {
            const char *z = a->sub[0] ? cat(p, bases[b], under ? "_" : "", a->sub) : bases[b];
            lr_shape s;
            if (lr_lookup(p->L, z, &s) == LR_BIND)
                return adjoint_label(p, z);
            if (!a->sub[0])
                break;
        }
    return NULL;
}

/* The atom as a node: a --names entry, a known name, a default adjoint
 * name, or (unknown) its first candidate, which the checker reports. */
static lnode *resolve(lp *p, const atom *a)
{
    if (a->objective && !a->sub[0] && !a->suffix[0])
        return name_node(p, p->L->names->objective, a->from, a->to);
    const char *c[MAX_CANDS];
    int n = candidates(p, a, c);
    for (int i = 0; i < n; i++) {
        const char *m = mapped(p, c[i]);
        if (m)
            return name_node(p, m, a->from, a->to);
    }
    lr_shape s;
    for (int i = 0; i < n; i++)
        if (lr_lookup(p->L, c[i], &s) != LR_NONE)
            return name_node(p, c[i], a->from, a->to);
    const char *d = delta_adjoint(p, a);
    return name_node(p, d ? d : c[0], a->from, a->to);
}

/* Whether the atom names something known (mapped, the program's, an
 * earlier row's, a default adjoint name). */
static int atom_known(lp *p, const atom *a)
{
    if (a->objective)
        return 1;
    const char *c[MAX_CANDS];
    int n = candidates(p, a, c);
    lr_shape s;
    for (int i = 0; i < n; i++)
        if (mapped(p, c[i]) || lr_lookup(p->L, c[i], &s) != LR_NONE)
            return 1;
    return delta_adjoint(p, a) != NULL;
}

static void atom_base(atom *a, const char *base)
{
    if (a->nbase < 3)
        a->base[a->nbase++] = base;
}

static lnode *expr(lp *p);
static lnode *postfix(lp *p);
static int script_text(lp *p, char *out, size_t size);

/* The scripts that belong to a name: _2, _{out}, ^{(2)}, ^{[2]}. */
static int name_scripts(lp *p, atom *a)
{
    for (;;) {
        lt_tok *t = peek(p), *u = peek2(p);
        if (is_char(t, '_')) {
            if (a->sub[0])
                return fail_at(p, t, "a second subscript on one name"), 0;
            take(p);
            if (!script_text(p, a->sub, sizeof a->sub))
                return 0;
            a->to = p->t[p->i - 1]->to;
        } else if (is_char(t, '^') && is_char(u, '{') && p->i + 2 < p->n &&
                   (is_char(p->t[p->i + 2], '(') || is_char(p->t[p->i + 2], '['))) {
            int close = p->i + 2;   /* W^{(2)}: a layer's index */
            int want = p->t[close]->ch == '(' ? ')' : ']';
            if (close + 3 >= p->n || !is_char(p->t[close + 2], want) || !is_char(p->t[close + 3], '}') ||
                (p->t[close + 1]->kind != LT_NUM && p->t[close + 1]->kind != LT_WORD) || a->sub[0])
                return 1;   /* a power of a parenthesized exponent */
            snprintf(a->sub, sizeof a->sub, "%s", p->t[close + 1]->text);
            a->to = p->t[close + 3]->to;
            p->i = close + 4;
        } else {
            return 1;
        }
    }
}

/* A subscript's text: 2, {12}, {out}, {\mathrm{out}}, \alpha, {i,j}. */
static int script_text(lp *p, char *out, size_t size)
{
    lt_tok *t = peek(p);
    if (!t)
        return unexpected(p, t, "a subscript"), 0;
    if (!is_char(t, '{')) {
        t = take_char(p);
        if (!t)
            return 0;
        if (t->kind != LT_WORD && t->kind != LT_NUM && t->kind != LT_ROMAN &&
            !cmd_in(t, greek))
            return unexpected(p, t, "a subscript"), 0;
        snprintf(out, size, "%s", t->text);
        return 1;
    }
    take(p);
    size_t len = 0;
    for (t = take(p); t && !is_char(t, '}'); t = take(p)) {
        const char *s = t->kind == LT_WORD || t->kind == LT_NUM || t->kind == LT_ROMAN ||
                                cmd_in(t, greek) ? t->text
                        : is_char(t, ',') ? "" : NULL;
        if (!s)
            return fail_at(p, t, "%s cannot be part of a name's subscript", shown(p, t)), 0;
        size_t k = strlen(s);
        if (len + k + 1 > size)
            return fail_at(p, t, "this subscript is too long"), 0;
        memcpy(out + len, s, k + 1);
        len += k;
    }
    if (!t)
        return unexpected(p, t, "'}'"), 0;
    if (!len)
        return fail_at(p, t, "an empty subscript"), 0;
    return 1;
}

static const char *const decorations[][2] = {
    { "hat", "hat" },     { "widehat", "hat" },   { "tilde", "tilde" }, { "widetilde", "tilde" },
    { "bar", "bar" },     { "overline", "bar" },  { "dot", "dot" },     { "ddot", "ddot" },
    { "check", "check" }, { "breve", "breve" },
};

static const char *decoration(const lt_tok *t)
{
    for (size_t i = 0; t && t->kind == LT_CMD && i < sizeof decorations / sizeof *decorations; i++)
        if (!strcmp(t->text, decorations[i][0]))
            return decorations[i][1];
    return NULL;
}

static int atom_at(lp *p, atom *a);

/* The base of a name from its token: a word, \mathrm{text}, a Greek
 * letter, \mathcal{L}, or a decorated name (\hat{y}, \hat y). */
static int atom_base_token(lp *p, atom *a)
{
    lt_tok *t = peek(p);
    const char *deco = decoration(t);
    a->from = t ? t->from : end_at(p);
    if (deco) {
        size_t from = a->from;
        take(p);
        if (is_char(peek(p), '{')) {
            take(p);
            if (!atom_at(p, a))
                return 0;
            if (!expect(p, '}'))
                return 0;
        } else {                        /* \hat y: one letter */
            lt_tok *u = peek(p);
            u = u && u->kind == LT_WORD ? take_char(p) : cmd_in(u, greek) ? take(p) : NULL;
            if (!u)
                return failed(p) || p->nosplit ? 0 : (unexpected(p, peek(p), "a letter"), 0);
            atom_base(a, u->text);
        }
        if (strlen(a->suffix) + strlen(deco) + 1 > sizeof a->suffix)
            return fail_at(p, t, "too many decorations"), 0;
        strcat(a->suffix, deco);
        a->from = from;
        a->to = p->t[p->i - 1]->to;
        return 1;
    }
    if (!t)
        return unexpected(p, t, "a name"), 0;
    if (t->kind == LT_WORD || t->kind == LT_ROMAN) {
        take(p);
        atom_base(a, t->text);
    } else if (t->kind == LT_CAL) {
        take(p);
        int obj = !strcmp(t->text, "L") || !strcmp(t->text, "J") || !strcmp(t->text, "ell");
        a->objective = obj;
        atom_base(a, obj ? p->L->names->objective : t->text);
    } else if (cmd_in(t, greek)) {
        take(p);
        const char *g = t->text;
        if (!strncmp(g, "var", 3) && strcmp(g, "varsigma") != 0)
            g += 3;     /* \varepsilon is epsilon */
        atom_base(a, g);
        if (!strcmp(g, "lambda"))
            atom_base(a, "lam");
        else if (!strcmp(g, "epsilon"))
            atom_base(a, "eps");
    } else {
        return unexpected(p, t, "a name"), 0;
    }
    a->to = t->to;
    return 1;
}

/* A name with its scripts. */
static int atom_at(lp *p, atom *a)
{
    if (p->depth++ > LP_MAX_DEPTH)
        return fail_at(p, peek(p), "the LaTeX is nested too deeply"), 0;
    int ok = atom_base_token(p, a) && name_scripts(p, a);
    p->depth--;
    return ok;
}

/* ---- derivatives written as names: dL/dW, \frac{\partial L}{\partial W} ---- */

/* A name after \partial or d: \partial z_2, \partial \hat{x}, \partial
 * \mathcal{L}; for the objective, a following (W) is dropped on the left
 * side (\mathcal{L}(W)). */
static int differential(lp *p, atom *a, int numerator)
{
    if (!atom_at(p, a))
        return 0;
    if (numerator && p->lhs && (a->objective || !strcmp(a->base[0], p->L->names->objective)) &&
        is_char(peek(p), '(')) {
        int depth = 0;
        for (lt_tok *t; (t = take(p));) {
            depth += is_char(t, '(') - is_char(t, ')');
            if (depth == 0)
                break;
        }
    }
    return 1;
}

/* The adjoint name of the derivative of a w.r.t. b.  A numerator that
 * names nothing of the program (f, J, \ell, loss) is the objective. */
static lnode *derivative_name(lp *p, const atom *a, const atom *b, size_t from, size_t to)
{
    lnode *of = resolve(p, a), *wrt = resolve(p, b);
    lr_shape s;
    const char *obj = of->kind == LN_NAME && lr_lookup(p->L, of->text, &s) == LR_NONE
                          ? p->L->names->objective : of->text;
    lnode *n = name_node(p, cat(p, "d", obj, cat(p, "/d", wrt->text, "")), from, to);
    if (!n->shape.rows && !n->shape.cols)
        n->shape = wrt->shape;
    return n;
}

/* d, \mathrm{d} or \partial: the start of a differential.  A word "dL"
 * counts too: its tail is the name (returned in *tail). */
static int differential_start(lp *p, const char **tail)
{
    lt_tok *t = peek(p);
    *tail = NULL;
    if (is_cmd(t, "partial") || (t && t->kind == LT_ROMAN && !strcmp(t->text, "d")) ||
        (t && t->kind == LT_WORD && !strcmp(t->text, "d"))) {
        take(p);
        return 1;
    }
    if (t && t->kind == LT_WORD && t->text[0] == 'd' && t->text[1]) {
        *tail = t->text + 1;
        return 1;
    }
    return 0;
}

/* The name after a differential start: the word's tail, or an atom. */
static int differential_name(lp *p, const char *tail, atom *a, int numerator)
{
    if (!tail)
        return differential(p, a, numerator);
    lt_tok *t = take(p);
    memset(a, 0, sizeof *a);
    atom_base(a, arena_strdup(p->L->arena, tail));
    a->from = t->from;
    a->to = t->to;
    a->objective = !strcmp(tail, p->L->names->objective);
    return name_scripts(p, a);
}

/* \frac{\partial X}{\partial Y} (or d X / d Y), with the \frac taken:
 * NULL, and nothing taken, when it is not one. */
static lnode *frac_derivative(lp *p, size_t from)
{
    int save = p->i, saved_nosplit = p->nosplit;
    const char *tail;
    atom a = { 0 }, b = { 0 };
    p->nosplit = 1;
    int ok = is_char(take(p), '{') && differential_start(p, &tail);
    if (ok && !tail && is_char(peek(p), '}')) {     /* \frac{\partial}{\partial X} f(X) */
        atom_base(&a, p->L->names->objective);
        a.objective = 1;
    } else {
        ok = ok && differential_name(p, tail, &a, 1);
    }
    ok = ok && is_char(take(p), '}') &&
             is_char(take(p), '{') && differential_start(p, &tail) &&
             differential_name(p, tail, &b, 0) && is_char(peek(p), '}');
    p->nosplit = saved_nosplit;
    if (!ok) {
        p->L->err.set = 0;      /* a lookahead's error is no error */
        p->i = save;
        return NULL;
    }
    lt_tok *close = take(p);
    return derivative_name(p, &a, &b, from, close->to);
}

/* dL/dW and \partial L / \partial W in a row: NULL, nothing taken, when
 * what follows is not one. */
static lnode *inline_derivative(lp *p)
{
    int save = p->i, saved_nosplit = p->nosplit;
    const char *tail;
    atom a = { 0 }, b = { 0 };
    size_t from = peek(p)->from;
    p->nosplit = 1;
    int ok = differential_start(p, &tail) && differential_name(p, tail, &a, 1) &&
             is_char(take(p), '/') && differential_start(p, &tail) &&
             differential_name(p, tail, &b, 0);
    p->nosplit = saved_nosplit;
    int objective = ok && (a.objective || (a.nbase && !strcmp(a.base[0], "L")));
    if (!ok || (!objective && !p->lhs)) {
        p->L->err.set = 0;
        p->i = save;
        return NULL;
    }
    return derivative_name(p, &a, &b, from, p->t[p->i - 1]->to);
}

/* \nabla_W L, \nabla_{W_2} \mathcal{L}, \nabla_W (of the objective). */
static lnode *nabla(lp *p, lt_tok *t)
{
    atom a = { 0 }, b = { 0 };
    if (!is_char(take(p), '_'))
        return fail_at(p, t, "\\nabla needs the variable as a subscript: \\nabla_W L");
    int braced = is_char(peek(p), '{');
    if (braced)
        take(p);
    if (!atom_at(p, &b) || (braced && !expect(p, '}')))
        return NULL;
    lt_tok *u = peek(p);
    size_t to = p->t[p->i - 1]->to;
    int of_objective = u && (u->kind == LT_CAL ||
                             (u->kind == LT_WORD && (!strcmp(u->text, p->L->names->objective) ||
                                                     !strcmp(u->text, "L"))));
    if (of_objective) {
        if (!differential(p, &a, 1))
            return NULL;
        to = p->t[p->i - 1]->to;
    } else {
        atom_base(&a, p->L->names->objective);
        a.objective = 1;
    }
    return derivative_name(p, &a, &b, t->from, to);
}

/* ---- atoms ---- */

/* ( ), [ ], \{ \}: parentheses the student wrote, kept as written; { }
 * groups only (TeX shows no braces). */
static lnode *group(lp *p, int close, const char *close_cmd)
{
    lt_tok *open = take(p);
    lnode *e = expr(p);
    if (!e)
        return NULL;
    lt_tok *t = peek(p);
    if (is_char(t, ',') || is_char(t, ';'))
        return fail_at(p, t, "blocks of matrices ([A, B], [a; b]) are not supported");
    if (!(close_cmd ? is_cmd(t, close_cmd) : is_char(t, close))) {
        char want[48];
        if (close_cmd)
            snprintf(want, sizeof want, "'\\%s' (for %s)", close_cmd, shown(p, open));
        else
            snprintf(want, sizeof want, "'%c' (for %s)", close, shown(p, open));
        return unexpected(p, t, want);
    }
    take(p);
    e->split = 0;
    if (open->kind == LT_CHAR && open->ch == '{')
        return e;
    if (e->paren) {             /* ((x)): one pair is enough */
        e->from = open->from;
        e->to = t->to;
        return e;
    }
    e->paren = 1;
    e->from = open->from;
    e->to = t->to;
    return e;
}

/* A function's arguments: (a, b), [a], {a}, or the next factor (\log x). */
static int arguments(lp *p, lnode **args, int max, size_t *to)
{
    lt_tok *t = peek(p);
    int close = is_char(t, '(') ? ')' : is_char(t, '[') ? ']' : is_char(t, '{') ? '}' : 0;
    if (!close) {
        if (!t || is_char(t, '+') || is_char(t, '-') || is_char(t, '=') || is_char(t, ')') ||
            is_char(t, '}') || is_char(t, ','))
            return unexpected(p, t, "its argument"), -1;
        args[0] = postfix(p);
        *to = args[0] ? args[0]->to : 0;
        return args[0] ? 1 : -1;
    }
    take(p);
    int n = 0;
    for (;;) {
        if (n == max)
            return fail_at(p, peek(p), "too many arguments"), -1;
        if (!(args[n++] = expr(p)))
            return -1;
        t = take(p);
        if (is_char(t, close)) {
            *to = t->to;
            return n;
        }
        if (!is_char(t, ','))
            return unexpected(p, t, close == ')' ? "',' or ')'" : "','"), -1;
    }
}

/* f'(x), \tanh^2 x, \log\det A: a function and its argument. */
static lnode *apply(lp *p, const fn_info *f, lt_tok *name)
{
    int deriv = 0;
    lnode *power = NULL;
    for (;;) {
        lt_tok *t = peek(p), *u = peek2(p);
        if (is_char(t, '\'')) {
            take(p);
            deriv++;
        } else if (is_char(t, '^') && (is_cmd(u, "prime") || is_char(u, '\''))) {
            take(p);
            take(p);
            deriv++;
        } else if (is_char(t, '^') && is_char(u, '{') && p->i + 3 < p->n &&
                   (is_cmd(p->t[p->i + 2], "prime") || is_char(p->t[p->i + 2], '\'')) &&
                   is_char(p->t[p->i + 3], '}')) {
            p->i += 4;
            deriv++;
        } else if (is_char(t, '^') && !power) {
            take(p);
            lt_tok *v = peek(p);
            if (is_char(v, '{')) {
                take(p);
                power = expr(p);
                if (power && !expect(p, '}'))
                    return NULL;
            } else {
                v = take_char(p);
                power = v && v->kind == LT_NUM ? scalar_num(p, v->text, v->from, v->to) : NULL;
                if (!power)
                    return unexpected(p, v, "a power");
            }
            if (!power)
                return NULL;
        } else if (is_char(t, '_')) {
            return fail_at(p, t, "a subscript on %s is not supported", shown(p, name));
        } else {
            break;
        }
    }
    if (deriv > 1 || (deriv && !f->deriv))
        return fail_at(p, name, "the derivative of %s is not known: write it out",
                       shown(p, name));
    if (!strcmp(f->name, "log") && !deriv && is_cmd(peek(p), "det")) {
        take(p);
        f = function_named("logdet", 0);
    }
    lnode *args[4];
    size_t to = name->to;
    int n = arguments(p, args, 4, &to);
    if (n < 0)
        return NULL;
    lnode *r;
    if (!strcmp(f->name, "sech")) {     /* sech^2(u) = 1 - tanh(u)^2 */
        if (deriv || n != 1 || !power || power->kind != LN_NUM || strcmp(power->text, "2"))
            return fail_at(p, name, "of sech only sech^2 is supported (1 - tanh^2)");
        r = unary(p, LN_DERIV, args[0], name->from, name->to);
        r->text = "(1 - tanh(%).^2)";
        r->level = 6;
        r->to = to;
        return r;
    }
    if (deriv) {
        if (n != 1)
            return fail_at(p, name, "%s' takes one argument", shown(p, name));
        r = unary(p, LN_DERIV, args[0], name->from, name->to);
        r->text = f->deriv;
        r->level = f->deriv_level;
        r->to = to;
    } else {
        r = call(p, f->name, args, n, name->from, to, name->to);
    }
    return power ? binary(p, LN_POW, r, power, power->from, power->to) : r;
}

static const char *const norm_open[] = { "|", "lVert", "Vert", NULL };

/* \|x\|, \lVert x \rVert_2^2, ||x||_F: norm, norm2 (squared), norm1. */
static lnode *norm(lp *p, lt_tok *open, int double_bar)
{
    if (double_bar)
        take(p);
    p->norm_depth++;
    p->abs_depth += double_bar;     /* inside ||x||, a bar closes */
    lnode *e = expr(p);
    p->abs_depth -= double_bar;
    p->norm_depth--;
    if (!e)
        return NULL;
    lt_tok *t = take(p);
    int closed = double_bar ? is_char(t, '|') && is_char(peek(p), '|')
                            : cmd_in(t, (const char *const[]){ "|", "rVert", "Vert", NULL });
    if (!closed)
        return unexpected(p, t, "the norm's closing bars");
    if (double_bar)
        t = take(p);
    size_t to = t->to;
    char sub[64] = "";
    int squared = 0;
    lnode *power = NULL;
    for (int k = 0; k < 2; k++) {
        lt_tok *s = peek(p);
        if (is_char(s, '_') && !sub[0]) {
            take(p);
            if (!script_text(p, sub, sizeof sub))
                return NULL;
        } else if (is_char(s, '^') && !squared && !power) {
            take(p);
            lt_tok *v = peek(p);
            int braced = is_char(v, '{') && p->i + 2 < p->n && p->t[p->i + 1]->kind == LT_NUM &&
                         is_char(p->t[p->i + 2], '}');
            v = braced ? (take(p), take(p)) : take_char(p);
            if (braced)
                take(p);
            if (!v || v->kind != LT_NUM)
                return unexpected(p, v, "a number as the norm's power");
            squared = !strcmp(v->text, "2");
            if (!squared)
                power = scalar_num(p, v->text, v->from, v->to);
        } else {
            break;
        }
        to = p->t[p->i - 1]->to;
    }
    const char *fn = !strcmp(sub, "1") ? "norm1" : squared ? "norm2" : "norm";
    if (sub[0] && strcmp(sub, "1") && strcmp(sub, "2") && strcasecmp(sub, "F") &&
        strcasecmp(sub, "fro"))
        return fail_at(p, open, "the %s-norm is not supported (only 1, 2 and F)", sub);
    if (!strcmp(sub, "1") && squared)
        power = scalar_num(p, "2", to - 1, to);
    lnode *n = call(p, fn, &e, 1, open->from, to, open->to);
    return power ? binary(p, LN_POW, n, power, power->from, power->to) : n;
}

/* |x|, \lvert x \rvert: abs. */
static lnode *absolute(lp *p, lt_tok *open)
{
    p->abs_depth++;
    lnode *e = expr(p);
    p->abs_depth--;
    if (!e)
        return NULL;
    lt_tok *t = take(p);
    if (!is_char(t, '|') && !cmd_in(t, (const char *const[]){ "rvert", "vert", NULL }))
        return unexpected(p, t, "'|'");
    return call(p, "abs", &e, 1, open->from, t->to, open->to);
}

/* A \frac's argument: {expr}, or one character or command (\frac12). */
static lnode *frac_arg(lp *p)
{
    lt_tok *t = peek(p);
    if (is_char(t, '{')) {
        take(p);
        lnode *e = expr(p);
        if (e && !expect(p, '}'))
            return NULL;
        return e;
    }
    if (t && (t->kind == LT_NUM || t->kind == LT_WORD)) {
        t = take_char(p);
        if (t->kind == LT_NUM)
            return scalar_num(p, t->text, t->from, t->to);
        atom a = { 0 };
        atom_base(&a, t->text);
        a.from = t->from;
        a.to = t->to;
        return resolve(p, &a);
    }
    return postfix(p);
}

static lnode *fraction(lp *p, lt_tok *t)
{
    lnode *d = frac_derivative(p, t->from);
    if (d || failed(p))
        return d;
    lnode *num = frac_arg(p);
    lnode *den = num ? frac_arg(p) : NULL;
    if (!den)
        return NULL;
    lnode *n = binary(p, LN_DIV, num, den, t->from, t->to);
    n->from = t->from;
    n->to = p->t[p->i - 1]->to;
    return n;
}

/* \langle a, b \rangle: sum(a .* b). */
static lnode *inner_product(lp *p, lt_tok *open)
{
    lnode *a = expr(p);
    if (!a)
        return NULL;
    lt_tok *comma = take(p);
    if (!is_char(comma, ','))
        return unexpected(p, comma, "','");
    lnode *b = expr(p);
    if (!b)
        return NULL;
    lt_tok *close = take(p);
    if (!is_cmd(close, "rangle"))
        return unexpected(p, close, "'\\rangle'");
    lnode *prod = binary(p, LN_EMUL, a, b, comma->from, comma->to);
    return call(p, "sum", &prod, 1, open->from, close->to, open->to);
}

/* I, I_n: the identity (when I is not a name); a subscript that is a
 * dimension (or a number) is its size. */
static lnode *identity(lp *p, const atom *a)
{
    lnode *n = node(p, LN_EYE, a->from, a->to);
    lr_shape s;
    if (a->sub[0] && (lr_lookup(p->L, a->sub, &s) == LR_DIM ||
                      strspn(a->sub, "0123456789") == strlen(a->sub)))
        n->dim = arena_strdup(p->L->arena, a->sub);
    return n;
}

/* \mathbf{1}, \mathbf{1}_n: a vector of ones. */
static lnode *ones(lp *p, lt_tok *t)
{
    lnode *n = node(p, LN_ONES, t->from, t->to);
    n->shape.cols = "1";
    if (is_char(peek(p), '_')) {
        char sub[64];
        take(p);
        if (!script_text(p, sub, sizeof sub))
            return NULL;
        n->shape.rows = arena_strdup(p->L->arena, sub);
        n->to = p->t[p->i - 1]->to;
    }
    return n;
}

/* ---- words: names, products of names, functions ---- */

typedef struct split {
    int cut[LP_MAX_WORD + 1];   /* piece k is word[cut[k] .. cut[k+1]) */
    int n;
} split;

static int piece_known(lp *p, const char *w, int from, int to, const char *sub)
{
    char buf[LP_MAX_WORD + 1];
    snprintf(buf, sizeof buf, "%.*s", to - from, w + from);
    atom a = { 0 };
    atom_base(&a, buf);
    snprintf(a.sub, sizeof a.sub, "%s", sub);
    lr_shape s;
    if (!sub[0] && !strcmp(buf, "I") && lr_lookup(p->L, "I", &s) == LR_NONE)
        return 1;   /* the identity */
    return atom_known(p, &a);
}

/* The ways w splits into known names, the last taking the subscript; the
 * first (longest pieces first) in *first.  Counts up to 2. */
static int splits(lp *p, const char *w, int at, int len, const char *sub, split *cur,
                  split *first, int found)
{
    if (at == len) {
        if (!found)
            *first = *cur;
        return found + 1;
    }
    for (int e = len; e > at && found < 2; e--) {
        if (!piece_known(p, w, at, e, e == len ? sub : ""))
            continue;
        cur->cut[cur->n++] = at;
        found = splits(p, w, e, len, sub, cur, first, found);
        cur->n--;
    }
    return found;
}

/* A piece of a split word as a node. */
static lnode *piece(lp *p, lt_tok *t, int from, int to, const char *sub, size_t sub_to)
{
    char buf[LP_MAX_WORD + 1];
    snprintf(buf, sizeof buf, "%.*s", to - from, t->text + from);
    atom a = { 0 };
    atom_base(&a, arena_strdup(p->L->arena, buf));
    snprintf(a.sub, sizeof a.sub, "%s", sub);
    a.from = t->from + (size_t)from;
    a.to = sub[0] ? sub_to : t->from + (size_t)to;
    lr_shape s;
    if (!sub[0] && !strcmp(buf, "I") && lr_lookup(p->L, "I", &s) == LR_NONE && !mapped(p, "I"))
        return node(p, LN_EYE, a.from, a.to);
    return resolve(p, &a);
}

static void *cannot_split(lp *p, lt_tok *t, int ways)
{
    strbuf b;
    sb_init(&b);
    if (ways > 1)
        sb_printf(&b, "'%s' splits into names of the program in more than one way: write a "
                      "space or \\cdot between the factors", t->text);
    else
        sb_printf(&b, "'%s' is not a name of the program, nor a product of its names: write "
                      "a space or \\cdot between the factors (or define it on a row of its "
                      "own)", t->text);
    lr_fail(&p->L->err, t->from, t->to, "%s", sb_str(&b));
    sb_free(&b);
    return NULL;
}

/* A word: a name (h1, yhat, W_out), a product of names (Wx), a function
 * (softmax), e^{x}, the identity I. */
static lnode *word(lp *p)
{
    lt_tok *t = peek(p);
    lnode *d = t->text[0] == 'd' ? inline_derivative(p) : NULL;
    if (d || failed(p))
        return d;
    take(p);
    atom whole = { 0 };
    atom_base(&whole, t->text);
    whole.from = t->from;
    whole.to = t->to;
    if (!name_scripts(p, &whole))
        return NULL;
    size_t sub_to = p->t[p->i - 1]->to;
    if (atom_known(p, &whole))
        return resolve(p, &whole);
    const fn_info *f = whole.sub[0] ? NULL : function_named(t->text, 1);
    if (f)
        return apply(p, f, t);
    if (!strcmp(t->text, "e") && !whole.sub[0] && is_char(peek(p), '^')) {
        take(p);
        lnode *x = frac_arg(p);
        return x ? call(p, "exp", &x, 1, t->from, x->to, t->to) : NULL;
    }
    if (!strcmp(t->text, "I") && !mapped(p, "I")) {
        whole.to = sub_to;
        return identity(p, &whole);
    }
    int len = (int)strlen(t->text);
    if (len == 1 || p->lhs)
        return resolve(p, &whole);      /* unknown: the checker says so */
    if (len > LP_MAX_WORD)
        return cannot_split(p, t, 0);
    split cur = { .n = 0 }, first = { .n = 0 };
    int ways = splits(p, t->text, 0, len, whole.sub, &cur, &first, 0);
    if (ways != 1)
        return cannot_split(p, t, ways);
    lnode *r = NULL;
    for (int k = 0; k < first.n; k++) {
        int e = k + 1 < first.n ? first.cut[k + 1] : len;
        lnode *x = piece(p, t, first.cut[k], e, e == len ? whole.sub : "", sub_to);
        r = r ? binary(p, LN_MUL, r, x, x->from, x->from + 1) : x;
        r->split = k > 0;
    }
    return r;
}

/* \mathrm{softmax}, \operatorname{tr}, \text{logits}. */
static lnode *roman_word(lp *p)
{
    lt_tok *t = take(p);
    const fn_info *f = function_named(t->text, 1);
    atom a = { 0 };
    atom_base(&a, t->text);
    a.from = t->from;
    a.to = t->to;
    if (f && !atom_known(p, &a))
        return apply(p, f, t);
    if (!name_scripts(p, &a))
        return NULL;
    return resolve(p, &a);
}

/* A Greek letter: a name, \sigma as sigmoid when sigma names nothing,
 * \delta_2 through the table of adjoint names. */
static lnode *greek_letter(lp *p)
{
    lt_tok *t = peek(p);
    if (!strcmp(t->text, "sigma")) {
        atom a = { 0 };
        atom_base(&a, "sigma");
        lt_tok *u = peek2(p);
        if (!atom_known(p, &a) && !is_char(u, '_')) {
            take(p);
            return apply(p, function_named("sigma", 0), t);
        }
    }
    atom a = { 0 };
    return atom_at(p, &a) ? resolve(p, &a) : NULL;
}

static const char *const relations[] = {
    "in", "le", "ge", "leq", "geq", "neq", "ne", "approx", "sim", "propto", "to", "mapsto",
    "rightarrow", "Rightarrow", "implies", "iff", "coloneqq", "equiv", NULL,
};

static lnode *command_atom(lp *p, lt_tok *t)
{
    const char *c = t->text;
    if (!strcmp(c, "frac") || !strcmp(c, "dfrac") || !strcmp(c, "tfrac") || !strcmp(c, "cfrac"))
        return take(p), fraction(p, t);
    if (!strcmp(c, "sqrt")) {
        take(p);
        if (is_char(peek(p), '['))
            return fail_at(p, t, "roots other than \\sqrt are not supported");
        return apply(p, function_named("sqrt", 0), t);
    }
    if (cmd_in(t, norm_open))
        return take(p), norm(p, t, 0);
    if (!strcmp(c, "lvert") || !strcmp(c, "vert"))
        return take(p), absolute(p, t);
    if (!strcmp(c, "lbrace") || !strcmp(c, "lbrack"))
        return group(p, 0, !strcmp(c, "lbrace") ? "rbrace" : "rbrack");
    if (!strcmp(c, "langle"))
        return take(p), inner_product(p, t);
    if (!strcmp(c, "ones"))
        return take(p), ones(p, t);
    if (!strcmp(c, "partial")) {
        lnode *d = inline_derivative(p);
        return d || failed(p) ? d
                              : fail_at(p, t, "write a derivative as \\frac{\\partial L}{\\partial W}"
                                              " or \\partial L / \\partial W");
    }
    if (!strcmp(c, "nabla"))
        return take(p), nabla(p, t);
    if (decoration(t) || cmd_in(t, greek)) {
        atom a = { 0 };
        if (decoration(t) || strcmp(c, "sigma"))
            return atom_at(p, &a) ? resolve(p, &a) : NULL;
        return greek_letter(p);
    }
    if (!strcmp(c, "sum") || !strcmp(c, "prod")) {
        lt_tok *u = peek2(p);
        if (!strcmp(c, "prod") || is_char(u, '_') || is_char(u, '^'))
            return fail_at(p, t, "sums over indices are not supported: write "
                                 "\\operatorname{sum}(X), X \\mathbf{1} or x^\\top y");
        take(p);
        return apply(p, function_named("sum", 0), t);
    }
    const fn_info *f = function_named(c, 0);
    if (f) {
        take(p);
        return apply(p, f, t);
    }
    if (cmd_in(t, relations))
        return unexpected(p, t, "an expression");
    return fail_at(p, t, "%s is not supported in answers", shown(p, t));
}

static lnode *primary(lp *p)
{
    lt_tok *t = peek(p);
    if (!t)
        return unexpected(p, t, "an expression");
    switch (t->kind) {
    case LT_NUM:
        take(p);
        return scalar_num(p, t->text, t->from, t->to);
    case LT_WORD:
        return word(p);
    case LT_ROMAN:
        return roman_word(p);
    case LT_CAL: {
        atom a = { 0 };
        return atom_at(p, &a) ? resolve(p, &a) : NULL;
    }
    case LT_CMD:
        return command_atom(p, t);
    case LT_CHAR:
        if (t->ch == '(' || t->ch == '[' || t->ch == '{')
            return group(p, t->ch == '(' ? ')' : t->ch == '[' ? ']' : '}', NULL);
        if (t->ch == '|') {
            take(p);
            lt_tok *u = peek(p);
            return is_char(u, '|') && u->from == t->to ? norm(p, t, 1) : absolute(p, t);
        }
        if (t->ch == '-' || t->ch == '+') {
            take(p);
            lnode *x = postfix(p);
            return !x || t->ch == '+' ? x : unary(p, LN_NEG, x, t->from, t->to);
        }
        return unexpected(p, t, "an expression");
    default:
        return unexpected(p, t, "an expression");
    }
}

/* ---- scripts ---- */

static const char *const transpose_marks[] = { "top", "intercal", "prime", "T", NULL };

static int is_transpose_mark(const lt_tok *t)
{
    return t && ((t->kind == LT_WORD && !strcmp(t->text, "T")) ||
                 (t->kind == LT_ROMAN && !strcmp(t->text, "T")) || is_char(t, '\'') ||
                 cmd_in(t, transpose_marks));
}

/* The superscript of x, the ^ taken. */
static lnode *superscript(lp *p, lnode *x, lt_tok *hat)
{
    lt_tok *t = peek(p);
    if (!t)
        return unexpected(p, t, "a superscript");
    if (!is_char(t, '{')) {
        if (is_char(t, '-') && p->i + 1 < p->n) {   /* x^-1, x^-T: not TeX, but meant */
            lt_tok *u = p->t[p->i + 1];
            if (u->kind == LT_NUM && !strcmp(u->text, "1"))
                return p->i += 2, unary(p, LN_INV, x, hat->from, u->to);
            if (is_transpose_mark(u)) {
                p->i += 2;
                return unary(p, LN_T, unary(p, LN_INV, x, hat->from, u->to), hat->from, u->to);
            }
        }
        if (t->kind == LT_WORD && t->text[0] == 'T') {
            t = take_char(p);
            return t ? unary(p, LN_T, x, hat->from, t->to) : NULL;
        }
        if (is_transpose_mark(t))
            return take(p), unary(p, LN_T, x, hat->from, t->to);
        lnode *k = frac_arg(p);
        return k ? binary(p, LN_POW, x, k, hat->from, k->to) : NULL;
    }
    int open = p->i;
    take(p);
    lt_tok *a = peek(p), *b = peek2(p);
    if (is_transpose_mark(a) && is_char(b, '}')) {
        p->i += 2;
        return unary(p, LN_T, x, hat->from, b->to);
    }
    if (is_char(a, '-') && p->i + 2 < p->n && is_char(p->t[p->i + 2], '}')) {
        lt_tok *u = p->t[p->i + 1];
        if (u->kind == LT_NUM && !strcmp(u->text, "1"))
            return p->i += 3, unary(p, LN_INV, x, hat->from, p->t[p->i - 1]->to);
        if (is_transpose_mark(u)) {
            p->i += 3;
            size_t to = p->t[p->i - 1]->to;
            return unary(p, LN_T, unary(p, LN_INV, x, hat->from, to), hat->from, to);
        }
    }
    if (cmd_in(a, (const char *const[]){ "circ", "odot", NULL })) {
        take(p);
        lnode *k = expr(p);
        lt_tok *close = k ? take(p) : NULL;
        if (k && !is_char(close, '}'))
            return unexpected(p, close, "'}'");
        return k ? binary(p, LN_EPOW, x, k, hat->from, close->to) : NULL;
    }
    p->i = open + 1;
    lnode *k = expr(p);
    lt_tok *close = k ? take(p) : NULL;
    if (k && !is_char(close, '}'))
        return unexpected(p, close, "'}'");
    return k ? binary(p, LN_POW, x, k, hat->from, close->to) : NULL;
}

static lnode *postfix(lp *p)
{
    if (p->depth++ > LP_MAX_DEPTH)
        return fail_at(p, peek(p), "the LaTeX is nested too deeply");
    lnode *x = primary(p);
    while (x) {
        lt_tok *t = peek(p);
        lnode **last = &x;      /* Wx^T: the script is x's */
        while ((*last)->split)
            last = &(*last)->kids[1];
        if (is_char(t, '\'') || is_char(t, '^')) {
            take(p);
            lnode *y = t->ch == '^' ? superscript(p, *last, t) : unary(p, LN_T, *last, t->from, t->to);
            if (!y) {
                x = NULL;
                break;
            }
            *last = y;
            for (lnode *m = x; m != y; m = m->kids[1])
                m->to = y->to;
        } else if (is_char(t, '_')) {
            x = fail_at(p, t, "a subscript here is not part of a name: write the name whole "
                              "(W_{2}) or put it in braces");
        } else if (is_char(t, '!')) {
            x = unexpected(p, t, NULL);
        } else {
            break;
        }
    }
    p->depth--;
    return x;
}

/* ---- products and sums ---- */

static const char *const mul_ops[] = { "cdot", "times", "ast", "bullet", "div", NULL };
static const char *const emul_ops[] = { "odot", "circ", NULL };
static const char *const closers[] = {
    "rVert", "rvert", "rangle", "rbrace", "rbrack", "cdot", "times", "ast", "bullet", "div",
    "odot", "circ", "oslash", "pm", "mp", "top", NULL,
};

/* Whether t can start a factor of a juxtaposition. */
static int starts_factor(lp *p, const lt_tok *t)
{
    if (!t)
        return 0;
    switch (t->kind) {
    case LT_NUM:
    case LT_WORD:
    case LT_ROMAN:
    case LT_CAL:
        return 1;
    case LT_CMD:
        if (!strcmp(t->text, "|") || !strcmp(t->text, "Vert"))
            return p->norm_depth == 0;
        if (!strcmp(t->text, "vert"))
            return p->abs_depth == 0;
        return !cmd_in(t, closers) && !cmd_in(t, relations);
    case LT_CHAR:
        return t->ch == '(' || t->ch == '[' || t->ch == '{' || (t->ch == '|' && p->abs_depth == 0);
    default:
        return 0;
    }
}

/* A factor: a postfix expression, or a number over one (1/2, 1/N). */
static lnode *factor(lp *p)
{
    lnode *x = postfix(p);
    lt_tok *t = peek(p);
    if (x && x->kind == LN_NUM && is_char(t, '/') && starts_factor(p, peek2(p))) {
        take(p);
        lnode *y = postfix(p);
        x = y ? binary(p, LN_DIV, x, y, t->from, t->to) : NULL;
    }
    return x;
}

static lnode *juxtaposition(lp *p)
{
    lnode *x = factor(p);
    while (x && starts_factor(p, peek(p))) {
        lnode *y = factor(p);
        x = y ? binary(p, LN_MUL, x, y, y->from, y->from + 1) : NULL;
    }
    return x;
}

static lnode *signed_juxtaposition(lp *p)
{
    lt_tok *t = peek(p);
    if (is_char(t, '-') || is_char(t, '+')) {
        take(p);
        lnode *x = juxtaposition(p);
        return !x || t->ch == '+' ? x : unary(p, LN_NEG, x, t->from, t->to);
    }
    return juxtaposition(p);
}

/* The operator of an explicit product at t, or LN_NUM when there is none. */
static enum ln_kind product_op(const lt_tok *t)
{
    if (cmd_in(t, mul_ops))
        return is_cmd(t, "div") ? LN_DIV : LN_MUL;
    if (cmd_in(t, emul_ops))
        return LN_EMUL;
    if (is_cmd(t, "oslash"))
        return LN_EDIV;
    return is_char(t, '*') ? LN_MUL : is_char(t, '/') ? LN_DIV : LN_NUM;
}

/* Explicit products, left to right; a sign may follow the operator. */
static lnode *product(lp *p)
{
    lnode *x = juxtaposition(p);
    for (;;) {
        lt_tok *t = peek(p);
        enum ln_kind k = product_op(t);
        if (!x || k == LN_NUM)
            return x;
        take(p);
        lnode *y = signed_juxtaposition(p);
        x = y ? binary(p, k, x, y, t->from, t->to) : NULL;
    }
}

static lnode *expr(lp *p)
{
    if (p->depth++ > LP_MAX_DEPTH)
        return fail_at(p, peek(p), "the LaTeX is nested too deeply");
    lt_tok *sign = peek(p);
    if (is_char(sign, '-') || is_char(sign, '+'))
        take(p);
    else
        sign = NULL;
    lnode *x = product(p);
    if (x && sign && sign->ch == '-')
        x = unary(p, LN_NEG, x, sign->from, sign->to);
    while (x) {
        lt_tok *t = peek(p);
        if (is_cmd(t, "pm") || is_cmd(t, "mp")) {
            x = fail_at(p, t, "'\\pm' is not an answer: write the two signs apart");
            break;
        }
        if (!is_char(t, '+') && !is_char(t, '-'))
            break;
        take(p);
        lnode *y = product(p);
        x = y ? binary(p, t->ch == '+' ? LN_ADD : LN_SUB, x, y, t->from, t->to) : NULL;
    }
    p->depth--;
    return x;
}

lnode *lr_parse_expr(lr_ctx *L, lt_tok *const *t, int n)
{
    lp p = { .L = L, .n = n };
    p.t = xmalloc(((size_t)n + 1) * sizeof *p.t);
    memcpy(p.t, t, (size_t)n * sizeof *t);
    lnode *x = expr(&p);
    lt_tok *rest = x ? peek(&p) : NULL;
    if (x && rest && (is_char(rest, ')') || is_char(rest, '}') || is_char(rest, ']')))
        x = fail_at(&p, rest, "this '%s' closes nothing", rest->text);
    else if (x && rest)
        x = unexpected(&p, rest, NULL);
    free(p.t);
    return failed(&p) ? NULL : x;
}

/* The left side of a row: a name, or a derivative as a name.  NULL after
 * an error. */

lnode *lr_parse_lhs(lr_ctx *L, lt_tok *const *t, int n)
{
    lp p = { .L = L, .n = n, .lhs = 1 };
    p.t = xmalloc(((size_t)n + 1) * sizeof *p.t);
    memcpy(p.t, t, (size_t)n * sizeof *t);
    lnode *x = postfix(&p);
    lt_tok *rest = x ? peek(&p) : NULL;
    if (x && x->kind == LN_NAME && strchr(x->text, '/'))
        rest = NULL;    /* \nabla_X tr(X A), \frac{\partial}{\partial X} f(X): the objective */
    if (x && (rest || x->kind != LN_NAME))
        x->kind = LN_NUM;   /* a statement (\sigma'(z) = ...), not an answer: none */
    free(p.t);
    return failed(&p) ? NULL : x;
}
