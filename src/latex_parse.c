/* latex_parse.c: LaTeX math as an expression tree (see latex_impl.h).
 *
 * Loosest first: sums (+ -); explicit products (\cdot \times * \odot \circ
 * \oslash /), left to right as in the input language; juxtaposition (W x),
 * which binds tighter, so that \delta \odot W x is \delta \odot (W x);
 * then scripts (^\top, ', ^{-1}, ^{\circ 2}, ^2) and atoms.  A number over
 * a number (1/2) binds tightest.  TeX's rule for unbraced scripts holds:
 * W_12 is W_1 times 2, x^Tx is x^T x.  Names are latex_names.c's. */
#include "latex_parse.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- tokens ---- */

/* The next token, \quad skipped; NULL at the end. */
lt_tok *lp_peek(lp *p)
{
    while (p->i < p->n && p->t[p->i]->kind == LT_SPACE)
        p->i++;
    return p->i < p->n ? p->t[p->i] : NULL;
}

lt_tok *lp_peek2(lp *p)
{
    if (!lp_peek(p))
        return NULL;
    int j = p->i + 1;
    while (j < p->n && p->t[j]->kind == LT_SPACE)
        j++;
    return j < p->n ? p->t[j] : NULL;
}

lt_tok *lp_take(lp *p)
{
    lt_tok *t = lp_peek(p);
    if (t)
        p->i++;
    return t;
}

int lp_is_char(const lt_tok *t, int c)
{
    return t && t->kind == LT_CHAR && t->ch == c;
}

int lp_is_cmd(const lt_tok *t, const char *name)
{
    return t && t->kind == LT_CMD && !strcmp(t->text, name);
}

int lp_cmd_in(const lt_tok *t, const char *const *names)
{
    if (!t || t->kind != LT_CMD)
        return 0;
    for (; *names; names++)
        if (!strcmp(t->text, *names))
            return 1;
    return 0;
}

/* Where the text ends, for an error at the end. */
size_t lp_end_at(lp *p)
{
    return p->n ? p->t[p->n - 1]->to : 0;
}

int lp_failed(lp *p)
{
    return p->L->err.set;
}

void *lp_fail_at(lp *p, const lt_tok *t, const char *fmt, ...)
{
    size_t from = t ? t->from : lp_end_at(p), to = t ? t->to : lp_end_at(p) + 1;
    char msg[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    lr_fail(&p->L->err, from, to, "%s", msg);
    return NULL;
}

/* What a token says in a message: "'\\frac'", "'x'", "the end of the row". */
const char *lp_shown(lp *p, const lt_tok *t)
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

void *lp_unexpected(lp *p, const lt_tok *t, const char *what)
{
    strbuf b;
    sb_init(&b);
    sb_printf(&b, "unexpected %s%s%s", lp_shown(p, t), what ? ", expected " : "", what ? what : "");
    const char *m = arena_strdup(p->L->arena, sb_str(&b));
    sb_free(&b);
    return lp_fail_at(p, t, "%s", m);
}

/* Takes the character c, or fails: "unexpected X, expected 'c'". */
int lp_expect(lp *p, int c)
{
    lt_tok *t = lp_peek(p);
    if (lp_is_char(t, c))
        return lp_take(p), 1;
    char want[8];
    snprintf(want, sizeof want, "'%c'", c);
    lp_unexpected(p, t, want);
    return 0;
}

/* The first character of the current word or number, split off it (TeX
 * reads one character after an unbraced ^ or _); NULL in a lookahead. */
lt_tok *lp_take_char(lp *p)
{
    lt_tok *t = lp_peek(p);
    if (!t || (t->kind != LT_WORD && t->kind != LT_NUM) || strlen(t->text) == 1)
        return lp_take(p);
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

lnode *lp_node(lp *p, enum ln_kind kind, size_t from, size_t to)
{
    lnode *n = arena_alloc(p->L->arena, sizeof *n);
    n->kind = kind;
    n->from = n->op_from = from;
    n->to = n->op_to = to;
    return n;
}

lnode *lp_unary(lp *p, enum ln_kind kind, lnode *a, size_t op_from, size_t op_to)
{
    lnode *n = lp_node(p, kind, op_from < a->from ? op_from : a->from, op_to > a->to ? op_to : a->to);
    n->op_from = op_from;
    n->op_to = op_to;
    n->kids = arena_alloc(p->L->arena, sizeof *n->kids);
    n->kids[0] = a;
    n->nkids = 1;
    return n;
}

lnode *lp_binary(lp *p, enum ln_kind kind, lnode *a, lnode *b, size_t op_from, size_t op_to)
{
    lnode *n = lp_node(p, kind, a->from, b->to);
    n->op_from = op_from;
    n->op_to = op_to;
    n->kids = arena_alloc(p->L->arena, 2 * sizeof *n->kids);
    n->kids[0] = a;
    n->kids[1] = b;
    n->nkids = 2;
    return n;
}

lnode *lp_call(lp *p, const char *fn, lnode **args, int nargs, size_t from, size_t to,
                   size_t name_to)
{
    lnode *n = lp_node(p, LN_CALL, from, to);
    n->text = fn;
    n->op_to = name_to;
    n->kids = arena_alloc(p->L->arena, (size_t)(nargs ? nargs : 1) * sizeof *n->kids);
    memcpy(n->kids, args, (size_t)nargs * sizeof *args);
    n->nkids = nargs;
    return n;
}

lnode *lp_scalar_num(lp *p, const char *text, size_t from, size_t to)
{
    lnode *n = lp_node(p, LN_NUM, from, to);
    n->text = text;
    n->shape.rows = n->shape.cols = "1";
    return n;
}

const char *lp_cat(lp *p, const char *a, const char *b, const char *c)
{
    strbuf s;
    sb_init(&s);
    sb_printf(&s, "%s%s%s", a, b, c);
    const char *r = arena_strdup(p->L->arena, sb_str(&s));
    sb_free(&s);
    return r;
}

static enum ln_kind product_op(const lt_tok *t);

/* ---- functions ---- */

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
    { "cosh", "cosh", "sinh(%)", 6 },           { "sinh", "sinh", "cosh(%)", 6 },
    { "log1p", "log1p", "1./(1 + %)", 2 },
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
    { "unvec", "unvec", NULL, 0 },
    { "sech", "sech", NULL, 0 },          /* sech^2 only: 1 - tanh^2 */
};

/* A function by its LaTeX name: exactly for a command (\Sigma is a
 * letter), in any case for a word or \operatorname{ReLU}. */
const fn_info *lp_function_named(const char *s, int any_case)
{
    for (size_t i = 0; i < sizeof functions / sizeof *functions; i++)
        if (any_case ? !strcasecmp(functions[i].tex, s) : !strcmp(functions[i].tex, s))
            return &functions[i];
    return NULL;
}

/* ---- atoms ---- */

/* ( ), [ ], \{ \}: parentheses the student wrote, kept as written; { }
 * groups only (TeX shows no braces). */
static lnode *group(lp *p, int close, const char *close_cmd)
{
    lt_tok *open = lp_take(p);
    lnode *e = lp_expr(p);
    if (!e)
        return NULL;
    lt_tok *t = lp_peek(p);
    if (lp_is_char(t, ',') || lp_is_char(t, ';'))
        return lp_fail_at(p, t, "blocks of matrices ([A, B], [a; b]) are not supported");
    if (!(close_cmd ? lp_is_cmd(t, close_cmd) : lp_is_char(t, close))) {
        char want[48];
        if (close_cmd)
            snprintf(want, sizeof want, "'\\%s' (for %s)", close_cmd, lp_shown(p, open));
        else
            snprintf(want, sizeof want, "'%c' (for %s)", close, lp_shown(p, open));
        return lp_unexpected(p, t, want);
    }
    lp_take(p);
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
    lt_tok *t = lp_peek(p);
    int close = lp_is_char(t, '(') ? ')' : lp_is_char(t, '[') ? ']' : lp_is_char(t, '{') ? '}' : 0;
    if (!close) {
        if (!t || lp_is_char(t, '+') || lp_is_char(t, '-') || lp_is_char(t, '=') || lp_is_char(t, ')') ||
            lp_is_char(t, '}') || lp_is_char(t, ','))
            return lp_unexpected(p, t, "its argument"), -1;
        args[0] = lp_postfix(p);
        *to = args[0] ? args[0]->to : 0;
        return args[0] ? 1 : -1;
    }
    lp_take(p);
    int n = 0;
    for (;;) {
        if (n == max)
            return lp_fail_at(p, lp_peek(p), "too many arguments"), -1;
        if (!(args[n++] = lp_expr(p)))
            return -1;
        t = lp_take(p);
        if (lp_is_char(t, close)) {
            *to = t->to;
            return n;
        }
        if (!lp_is_char(t, ','))
            return lp_unexpected(p, t, close == ')' ? "',' or ')'" : "','"), -1;
    }
}

/* f'(x), \tanh^2 x, \log\det A: a function and its argument. */
lnode *lp_apply(lp *p, const fn_info *f, lt_tok *name)
{
    int deriv = 0;
    lnode *power = NULL;
    for (;;) {
        lt_tok *t = lp_peek(p), *u = lp_peek2(p);
        if (lp_is_char(t, '\'')) {
            lp_take(p);
            deriv++;
        } else if (lp_is_char(t, '^') && (lp_is_cmd(u, "prime") || lp_is_char(u, '\''))) {
            lp_take(p);
            lp_take(p);
            deriv++;
        } else if (lp_is_char(t, '^') && lp_is_char(u, '{') && p->i + 3 < p->n &&
                   (lp_is_cmd(p->t[p->i + 2], "prime") || lp_is_char(p->t[p->i + 2], '\'')) &&
                   lp_is_char(p->t[p->i + 3], '}')) {
            p->i += 4;
            deriv++;
        } else if (lp_is_char(t, '^') && !power) {
            lp_take(p);
            lt_tok *v = lp_peek(p);
            if (lp_is_char(v, '{')) {
                lp_take(p);
                power = lp_expr(p);
                if (power && !lp_expect(p, '}'))
                    return NULL;
            } else {
                v = lp_take_char(p);
                power = v && v->kind == LT_NUM ? lp_scalar_num(p, v->text, v->from, v->to) : NULL;
                if (!power)
                    return lp_unexpected(p, v, "a power");
            }
            if (!power)
                return NULL;
        } else if (lp_is_char(t, '_')) {
            return lp_fail_at(p, t, "a subscript on %s is not supported", lp_shown(p, name));
        } else {
            break;
        }
    }
    if (deriv > 1 || (deriv && !f->deriv))
        return lp_fail_at(p, name, "the derivative of %s is not known: write it out",
                       lp_shown(p, name));
    if (!strcmp(f->name, "log") && !deriv && lp_is_cmd(lp_peek(p), "det")) {
        lp_take(p);
        f = lp_function_named("logdet", 0);
    }
    lnode *args[4];
    size_t to = name->to;
    int n = arguments(p, args, 4, &to);
    if (n < 0)
        return NULL;
    lnode *r;
    if (!strcmp(f->name, "sech")) {     /* sech^2(u) = 1 - tanh(u)^2 */
        if (deriv || n != 1 || !power || power->kind != LN_NUM || strcmp(power->text, "2"))
            return lp_fail_at(p, name, "of sech only sech^2 is supported (1 - tanh^2)");
        r = lp_unary(p, LN_DERIV, args[0], name->from, name->to);
        r->text = "(1 - tanh(%).^2)";
        r->level = 6;
        r->to = to;
        return r;
    }
    if (deriv) {
        if (n != 1)
            return lp_fail_at(p, name, "%s' takes one argument", lp_shown(p, name));
        r = lp_unary(p, LN_DERIV, args[0], name->from, name->to);
        r->text = f->deriv;
        r->level = f->deriv_level;
        r->to = to;
    } else {
        r = lp_call(p, f->name, args, n, name->from, to, name->to);
    }
    return power ? lp_binary(p, LN_POW, r, power, power->from, power->to) : r;
}

static const char *const norm_open[] = { "|", "lVert", "Vert", NULL };

/* \|x\|, \lVert x \rVert_2^2, ||x||_F: norm, norm2 (squared), norm1. */
static lnode *norm(lp *p, lt_tok *open, int double_bar)
{
    if (double_bar)
        lp_take(p);
    p->norm_depth++;
    p->abs_depth += double_bar;     /* inside ||x||, a bar closes */
    lnode *e = lp_expr(p);
    p->abs_depth -= double_bar;
    p->norm_depth--;
    if (!e)
        return NULL;
    lt_tok *t = lp_take(p);
    int closed = double_bar ? lp_is_char(t, '|') && lp_is_char(lp_peek(p), '|')
                            : lp_cmd_in(t, (const char *const[]){ "|", "rVert", "Vert", NULL });
    if (!closed)
        return lp_unexpected(p, t, "the norm's closing bars");
    if (double_bar)
        t = lp_take(p);
    size_t to = t->to;
    char sub[64] = "";
    int squared = 0;
    lnode *power = NULL;
    for (int k = 0; k < 2; k++) {
        lt_tok *s = lp_peek(p);
        if (lp_is_char(s, '_') && !sub[0]) {
            lp_take(p);
            if (!lp_script_text(p, sub, sizeof sub))
                return NULL;
        } else if (lp_is_char(s, '^') && !squared && !power) {
            lp_take(p);
            lt_tok *v = lp_peek(p);
            int braced = lp_is_char(v, '{') && p->i + 2 < p->n && p->t[p->i + 1]->kind == LT_NUM &&
                         lp_is_char(p->t[p->i + 2], '}');
            v = braced ? (lp_take(p), lp_take(p)) : lp_take_char(p);
            if (braced)
                lp_take(p);
            if (!v || v->kind != LT_NUM)
                return lp_unexpected(p, v, "a number as the norm's power");
            squared = !strcmp(v->text, "2");
            if (!squared)
                power = lp_scalar_num(p, v->text, v->from, v->to);
        } else {
            break;
        }
        to = p->t[p->i - 1]->to;
    }
    const char *fn = !strcmp(sub, "1") ? "norm1" : squared ? "norm2" : "norm";
    if (sub[0] && strcmp(sub, "1") && strcmp(sub, "2") && strcasecmp(sub, "F") &&
        strcasecmp(sub, "fro"))
        return lp_fail_at(p, open, "the %s-norm is not supported (only 1, 2 and F)", sub);
    if (!strcmp(sub, "1") && squared)
        power = lp_scalar_num(p, "2", to - 1, to);
    lnode *n = lp_call(p, fn, &e, 1, open->from, to, open->to);
    return power ? lp_binary(p, LN_POW, n, power, power->from, power->to) : n;
}

/* |x|, \lvert x \rvert: abs. */
static lnode *absolute(lp *p, lt_tok *open)
{
    p->abs_depth++;
    lnode *e = lp_expr(p);
    p->abs_depth--;
    if (!e)
        return NULL;
    lt_tok *t = lp_take(p);
    if (!lp_is_char(t, '|') && !lp_cmd_in(t, (const char *const[]){ "rvert", "vert", NULL }))
        return lp_unexpected(p, t, "'|'");
    return lp_call(p, "abs", &e, 1, open->from, t->to, open->to);
}

/* A \frac's argument: {expr}, or one character or command (\frac12). */
lnode *lp_frac_arg(lp *p)
{
    lt_tok *t = lp_peek(p);
    if (lp_is_char(t, '{')) {
        lp_take(p);
        lnode *e = lp_expr(p);
        if (e && !lp_expect(p, '}'))
            return NULL;
        return e;
    }
    if (t && (t->kind == LT_NUM || t->kind == LT_WORD)) {
        t = lp_take_char(p);
        if (t->kind == LT_NUM)
            return lp_scalar_num(p, t->text, t->from, t->to);
        atom a = { 0 };
        lp_atom_base(&a, t->text);
        a.from = t->from;
        a.to = t->to;
        return lp_resolve(p, &a);
    }
    return lp_postfix(p);
}

static lnode *fraction(lp *p, lt_tok *t)
{
    lnode *d = lp_frac_derivative(p, t->from);
    if (d || lp_failed(p))
        return d;
    lnode *num = lp_frac_arg(p);
    lnode *den = num ? lp_frac_arg(p) : NULL;
    if (!den)
        return NULL;
    lnode *n = lp_binary(p, LN_DIV, num, den, t->from, t->to);
    n->from = t->from;
    n->to = p->t[p->i - 1]->to;
    return n;
}

/* \langle a, b \rangle: sum(a .* b). */
static lnode *inner_product(lp *p, lt_tok *open)
{
    lnode *a = lp_expr(p);
    if (!a)
        return NULL;
    lt_tok *comma = lp_take(p);
    if (!lp_is_char(comma, ','))
        return lp_unexpected(p, comma, "','");
    lnode *b = lp_expr(p);
    if (!b)
        return NULL;
    lt_tok *close = lp_take(p);
    if (!lp_is_cmd(close, "rangle"))
        return lp_unexpected(p, close, "'\\rangle'");
    lnode *prod = lp_binary(p, LN_EMUL, a, b, comma->from, comma->to);
    return lp_call(p, "sum", &prod, 1, open->from, close->to, open->to);
}

/* I, I_n: the identity (when I is not a name); a subscript that is a
 * dimension (or a number) is its size. */
lnode *lp_identity(lp *p, const atom *a)
{
    lnode *n = lp_node(p, LN_EYE, a->from, a->to);
    lr_shape s;
    if (a->sub[0] && (lr_lookup(p->L, a->sub, &s) == LR_DIM ||
                      strspn(a->sub, "0123456789") == strlen(a->sub)))
        n->dim = arena_strdup(p->L->arena, a->sub);
    return n;
}

/* The size in \mathbf{1}_{x_{\mathrm{rows}}}: a dimension the output names
 * after a variable, x_rows (a name with a subscript of its own).  Returns 1
 * when read, 0 when the subscript is not of that form, -1 on an error. */
static int named_size(lp *p, char *out, size_t size)
{
    lp_peek(p);
    int i = p->i;
    if (i + 2 >= p->n || !lp_is_char(p->t[i], '{') || p->t[i + 1]->kind != LT_WORD ||
        !lp_is_char(p->t[i + 2], '_'))
        return 0;
    char sub[64];
    const char *word = p->t[i + 1]->text;
    p->i = i + 3;
    if (!lp_script_text(p, sub, sizeof sub))
        return -1;
    lt_tok *close = lp_take(p);
    if (!lp_is_char(close, '}'))
        return lp_unexpected(p, close, "'}'"), -1;
    snprintf(out, size, "%s_%s", word, sub);
    return 1;
}

/* \mathbf{1}, \mathbf{1}_n: a vector of ones, of n entries. */
static lnode *ones(lp *p, lt_tok *t)
{
    lnode *n = lp_node(p, LN_ONES, t->from, t->to);
    n->shape.cols = "1";
    if (lp_is_char(lp_peek(p), '_')) {
        char sub[130];
        lp_take(p);
        int named = named_size(p, sub, sizeof sub);
        if (named < 0 || (!named && !lp_script_text(p, sub, sizeof sub)))
            return NULL;
        n->shape.rows = arena_strdup(p->L->arena, sub);
        n->to = p->t[p->i - 1]->to;
        lr_shape s;     /* a dimension or a number: said in the answer (vector(1, n)) */
        if (named || lr_lookup(p->L, sub, &s) == LR_DIM ||
            strspn(sub, "0123456789") == strlen(sub))
            n->dim = n->shape.rows;
    }
    return n;
}

static const char *const relations[] = {
    "in", "le", "ge", "leq", "geq", "neq", "ne", "approx", "sim", "propto", "to", "mapsto",
    "rightarrow", "Rightarrow", "implies", "iff", "coloneqq", "equiv", NULL,
};

static lnode *command_atom(lp *p, lt_tok *t)
{
    const char *c = t->text;
    if (!strcmp(c, "frac") || !strcmp(c, "dfrac") || !strcmp(c, "tfrac") || !strcmp(c, "cfrac"))
        return lp_take(p), fraction(p, t);
    if (!strcmp(c, "sqrt")) {
        lp_take(p);
        if (lp_is_char(lp_peek(p), '['))
            return lp_fail_at(p, t, "roots other than \\sqrt are not supported");
        return lp_apply(p, lp_function_named("sqrt", 0), t);
    }
    if (lp_cmd_in(t, norm_open))
        return lp_take(p), norm(p, t, 0);
    if (!strcmp(c, "lvert") || !strcmp(c, "vert"))
        return lp_take(p), absolute(p, t);
    if (!strcmp(c, "lbrace") || !strcmp(c, "lbrack"))
        return group(p, 0, !strcmp(c, "lbrace") ? "rbrace" : "rbrack");
    if (!strcmp(c, "langle"))
        return lp_take(p), inner_product(p, t);
    if (!strcmp(c, "ones"))
        return lp_take(p), ones(p, t);
    if (!strcmp(c, "partial")) {
        lnode *d = lp_inline_derivative(p);
        return d || lp_failed(p) ? d
                              : lp_fail_at(p, t, "write a derivative as \\frac{\\partial L}{\\partial W}"
                                              " or \\partial L / \\partial W");
    }
    if (!strcmp(c, "nabla"))
        return lp_take(p), lp_nabla(p, t);
    if (lp_decoration(t) || lp_cmd_in(t, lp_greek)) {
        atom a = { 0 };
        if (lp_decoration(t) || strcmp(c, "sigma"))
            return lp_atom_at(p, &a) ? lp_resolve(p, &a) : NULL;
        return lp_greek_letter(p);
    }
    if (!strcmp(c, "sum") || !strcmp(c, "prod")) {
        lt_tok *u = lp_peek2(p);
        if (!strcmp(c, "prod") || lp_is_char(u, '_') || lp_is_char(u, '^'))
            return lp_fail_at(p, t, "sums over indices are not supported: write "
                                 "\\operatorname{sum}(X), X \\mathbf{1} or x^\\top y");
        lp_take(p);
        return lp_apply(p, lp_function_named("sum", 0), t);
    }
    const fn_info *f = lp_function_named(c, 0);
    if (f) {
        lp_take(p);
        return lp_apply(p, f, t);
    }
    if (lp_cmd_in(t, relations) || product_op(t) != LN_NUM || lp_is_cmd(t, "otimes"))
        return lp_unexpected(p, t, "an expression");    /* \otimes A: an operand is missing */
    return lp_fail_at(p, t, "%s is not supported in answers", lp_shown(p, t));
}

static lnode *primary(lp *p)
{
    lt_tok *t = lp_peek(p);
    if (!t)
        return lp_unexpected(p, t, "an expression");
    switch (t->kind) {
    case LT_NUM:
        lp_take(p);
        return lp_scalar_num(p, t->text, t->from, t->to);
    case LT_WORD:
        return lp_word(p);
    case LT_ROMAN:
        return lp_roman_word(p);
    case LT_CAL: {
        atom a = { 0 };
        return lp_atom_at(p, &a) ? lp_resolve(p, &a) : NULL;
    }
    case LT_CMD:
        return command_atom(p, t);
    case LT_CHAR:
        if (t->ch == '(' || t->ch == '[' || t->ch == '{')
            return group(p, t->ch == '(' ? ')' : t->ch == '[' ? ']' : '}', NULL);
        if (t->ch == '|') {
            lp_take(p);
            lt_tok *u = lp_peek(p);
            return lp_is_char(u, '|') && u->from == t->to ? norm(p, t, 1) : absolute(p, t);
        }
        if (t->ch == '-' || t->ch == '+') {
            lp_take(p);
            lnode *x = lp_postfix(p);
            return !x || t->ch == '+' ? x : lp_unary(p, LN_NEG, x, t->from, t->to);
        }
        return lp_unexpected(p, t, "an expression");
    default:
        return lp_unexpected(p, t, "an expression");
    }
}

/* ---- scripts ---- */

static const char *const transpose_marks[] = { "top", "intercal", "prime", "T", NULL };

static int is_transpose_mark(const lt_tok *t)
{
    return t && ((t->kind == LT_WORD && !strcmp(t->text, "T")) ||
                 (t->kind == LT_ROMAN && !strcmp(t->text, "T")) || lp_is_char(t, '\'') ||
                 lp_cmd_in(t, transpose_marks));
}

/* The superscript of x, the ^ taken. */
static lnode *superscript(lp *p, lnode *x, lt_tok *hat)
{
    lt_tok *t = lp_peek(p);
    if (!t)
        return lp_unexpected(p, t, "a superscript");
    if (!lp_is_char(t, '{')) {
        if (lp_is_char(t, '-') && p->i + 1 < p->n) {   /* x^-1, x^-T: not TeX, but meant */
            lt_tok *u = p->t[p->i + 1];
            if (u->kind == LT_NUM && !strcmp(u->text, "1"))
                return p->i += 2, lp_unary(p, LN_INV, x, hat->from, u->to);
            if (is_transpose_mark(u)) {
                p->i += 2;
                return lp_unary(p, LN_T, lp_unary(p, LN_INV, x, hat->from, u->to), hat->from, u->to);
            }
        }
        if (t->kind == LT_WORD && t->text[0] == 'T') {
            t = lp_take_char(p);
            return t ? lp_unary(p, LN_T, x, hat->from, t->to) : NULL;
        }
        if (is_transpose_mark(t))
            return lp_take(p), lp_unary(p, LN_T, x, hat->from, t->to);
        lnode *k = lp_frac_arg(p);
        return k ? lp_binary(p, LN_POW, x, k, hat->from, k->to) : NULL;
    }
    int open = p->i;
    lp_take(p);
    lt_tok *a = lp_peek(p), *b = lp_peek2(p);
    if (is_transpose_mark(a) && lp_is_char(b, '}')) {
        p->i += 2;
        return lp_unary(p, LN_T, x, hat->from, b->to);
    }
    if (lp_is_char(a, '-') && p->i + 2 < p->n && lp_is_char(p->t[p->i + 2], '}')) {
        lt_tok *u = p->t[p->i + 1];
        if (u->kind == LT_NUM && !strcmp(u->text, "1"))
            return p->i += 3, lp_unary(p, LN_INV, x, hat->from, p->t[p->i - 1]->to);
        if (is_transpose_mark(u)) {
            p->i += 3;
            size_t to = p->t[p->i - 1]->to;
            return lp_unary(p, LN_T, lp_unary(p, LN_INV, x, hat->from, to), hat->from, to);
        }
    }
    if (lp_cmd_in(a, (const char *const[]){ "circ", "odot", NULL })) {
        lp_take(p);
        lnode *k = lp_expr(p);
        lt_tok *close = k ? lp_take(p) : NULL;
        if (k && !lp_is_char(close, '}'))
            return lp_unexpected(p, close, "'}'");
        return k ? lp_binary(p, LN_EPOW, x, k, hat->from, close->to) : NULL;
    }
    p->i = open + 1;
    lnode *k = lp_expr(p);
    lt_tok *close = k ? lp_take(p) : NULL;
    if (k && !lp_is_char(close, '}'))
        return lp_unexpected(p, close, "'}'");
    return k ? lp_binary(p, LN_POW, x, k, hat->from, close->to) : NULL;
}

lnode *lp_postfix(lp *p)
{
    if (p->depth++ > LP_MAX_DEPTH)
        return lp_fail_at(p, lp_peek(p), "the LaTeX is nested too deeply (the limit is %d levels)",
                       LP_MAX_DEPTH);
    lnode *x = primary(p);
    while (x) {
        lt_tok *t = lp_peek(p);
        lnode **last = &x;      /* Wx^T: the script is x's */
        while ((*last)->split)
            last = &(*last)->kids[1];
        if (lp_is_char(t, '\'') || lp_is_char(t, '^')) {
            lp_take(p);
            lnode *y = t->ch == '^' ? superscript(p, *last, t) : lp_unary(p, LN_T, *last, t->from, t->to);
            if (!y) {
                x = NULL;
                break;
            }
            *last = y;
            for (lnode *m = x; m != y; m = m->kids[1])
                m->to = y->to;
        } else if (lp_is_char(t, '_') && x->kind == LN_T && x->kids[0]->kind == LN_NAME &&
                   !strchr(x->kids[0]->text, '/')) {
            atom a = { 0 };     /* W^\top_2: the subscript is still the name's */
            lp_take(p);
            if (!lp_script_text(p, a.sub, sizeof a.sub)) {
                x = NULL;
                break;
            }
            lp_atom_base(&a, x->kids[0]->text);
            a.from = x->kids[0]->from;
            a.to = x->kids[0]->to;
            x->kids[0] = lp_resolve(p, &a);
            x->to = p->t[p->i - 1]->to;
        } else if (lp_is_char(t, '_')) {
            x = lp_fail_at(p, t, "a subscript here is not part of a name: write the name whole "
                              "(W_{2}) or put it in braces");
        } else if (lp_is_char(t, '!')) {
            x = lp_unexpected(p, t, NULL);
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
    "odot", "circ", "oslash", "otimes", "pm", "mp", "top", NULL,
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
        return !lp_cmd_in(t, closers) && !lp_cmd_in(t, relations);
    case LT_CHAR:
        return t->ch == '(' || t->ch == '[' || t->ch == '{' || (t->ch == '|' && p->abs_depth == 0);
    default:
        return 0;
    }
}

/* A factor: a postfix expression, or a number over one (1/2, 1/N). */
static lnode *factor(lp *p)
{
    lnode *x = lp_postfix(p);
    lt_tok *t = lp_peek(p);
    if (x && x->kind == LN_NUM && lp_is_char(t, '/') && starts_factor(p, lp_peek2(p))) {
        lp_take(p);
        lnode *y = lp_postfix(p);
        x = y ? lp_binary(p, LN_DIV, x, y, t->from, t->to) : NULL;
    }
    return x;
}

static lnode *juxtaposition(lp *p)
{
    lnode *x = factor(p);
    while (x && starts_factor(p, lp_peek(p))) {
        lnode *y = factor(p);
        x = y ? lp_binary(p, LN_MUL, x, y, y->from, y->from + 1) : NULL;
    }
    return x;
}

static lnode *signed_juxtaposition(lp *p)
{
    lt_tok *t = lp_peek(p);
    if (lp_is_char(t, '-') || lp_is_char(t, '+')) {
        lp_take(p);
        lnode *x = juxtaposition(p);
        return !x || t->ch == '+' ? x : lp_unary(p, LN_NEG, x, t->from, t->to);
    }
    return juxtaposition(p);
}

/* The operator of an explicit product at t, or LN_NUM when there is none. */
static enum ln_kind product_op(const lt_tok *t)
{
    if (lp_cmd_in(t, mul_ops))
        return lp_is_cmd(t, "div") ? LN_DIV : LN_MUL;
    if (lp_cmd_in(t, emul_ops))
        return LN_EMUL;
    if (lp_is_cmd(t, "oslash"))
        return LN_EDIV;
    return lp_is_char(t, '*') ? LN_MUL : lp_is_char(t, '/') ? LN_DIV : LN_NUM;
}

/* Explicit products, left to right; a sign may follow the operator.
 * A \otimes B is kron(A, B), an explicit product like the others
 * (A \otimes B C is kron(A, B*C), as the writer parenthesizes). */
static lnode *product(lp *p)
{
    lnode *x = juxtaposition(p);
    for (;;) {
        lt_tok *t = lp_peek(p);
        int kron = lp_is_cmd(t, "otimes");
        enum ln_kind k = product_op(t);
        if (!x || (k == LN_NUM && !kron))
            return x;
        lp_take(p);
        lnode *y = signed_juxtaposition(p);
        if (y && kron) {
            lnode *ab[2] = { x, y };
            x = lp_call(p, "kron", ab, 2, x->from, y->to, t->to);
            x->op_from = t->from;
        } else {
            x = y ? lp_binary(p, k, x, y, t->from, t->to) : NULL;
        }
    }
}

lnode *lp_expr(lp *p)
{
    if (p->depth++ > LP_MAX_DEPTH)
        return lp_fail_at(p, lp_peek(p), "the LaTeX is nested too deeply (the limit is %d levels)",
                       LP_MAX_DEPTH);
    lt_tok *sign = lp_peek(p);
    if (lp_is_char(sign, '-') || lp_is_char(sign, '+'))
        lp_take(p);
    else
        sign = NULL;
    lnode *x = product(p);
    if (x && sign && sign->ch == '-')
        x = lp_unary(p, LN_NEG, x, sign->from, sign->to);
    while (x) {
        lt_tok *t = lp_peek(p);
        if (lp_is_cmd(t, "pm") || lp_is_cmd(t, "mp")) {
            x = lp_fail_at(p, t, "'\\pm' is not an answer: write the two signs apart");
            break;
        }
        if (!lp_is_char(t, '+') && !lp_is_char(t, '-'))
            break;
        lp_take(p);
        lnode *y = product(p);
        x = y ? lp_binary(p, t->ch == '+' ? LN_ADD : LN_SUB, x, y, t->from, t->to) : NULL;
    }
    p->depth--;
    return x;
}

lnode *lr_parse_expr(lr_ctx *L, lt_tok *const *t, int n)
{
    lp p = { .L = L, .n = n };
    p.t = xmalloc(((size_t)n + 1) * sizeof *p.t);
    memcpy(p.t, t, (size_t)n * sizeof *t);
    lnode *x = lp_expr(&p);
    lt_tok *rest = x ? lp_peek(&p) : NULL;
    if (x && rest && (lp_is_char(rest, ')') || lp_is_char(rest, '}') || lp_is_char(rest, ']')))
        x = lp_fail_at(&p, rest, "this '%s' closes nothing", rest->text);
    else if (x && rest)
        x = lp_unexpected(&p, rest, NULL);
    free(p.t);
    return lp_failed(&p) ? NULL : x;
}

/* The left side of a row: a name, or a derivative as a name.  NULL after
 * an error. */

lnode *lr_parse_lhs(lr_ctx *L, lt_tok *const *t, int n, int *statement)
{
    lp p = { .L = L, .n = n, .lhs = 1 };
    p.t = xmalloc(((size_t)n + 1) * sizeof *p.t);
    memcpy(p.t, t, (size_t)n * sizeof *t);
    lnode *x = lp_postfix(&p);
    lt_tok *rest = x ? lp_peek(&p) : NULL;
    if (x && x->kind == LN_NAME && strchr(x->text, '/'))
        rest = NULL;    /* \nabla_X tr(X A), \frac{\partial}{\partial X} f(X): the objective */
    *statement = x && (rest || x->kind != LN_NAME);     /* \sigma'(z) = ...: not an answer */
    free(p.t);
    return lp_failed(&p) ? NULL : x;
}
