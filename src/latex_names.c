/* latex_names.c: the names of LaTeX answers (see latex_parse.h).
 *
 * A name as written (W_{2}, \hat{y}, \lambda, \mathrm{logits}) has several
 * spellings in the input language (W2 or W_2, yhat, lambda or lam); the
 * first the program (or an earlier row) has wins.  Derivatives written as
 * names (\frac{\partial L}{\partial W}, dL/dW, \nabla_W L, \delta_2) are
 * the adjoint names dL/dW, and words are split into names (Wx: W x). */
#include "latex_parse.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- names ---- */

const char *const lp_greek[] = {
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta",
    "vartheta", "iota", "kappa", "lambda", "mu", "nu", "xi", "pi", "rho", "varrho", "sigma",
    "varsigma", "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega", "Gamma", "Delta",
    "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega", NULL,
};

/* The names the atom may stand for, most likely first. */
static int candidates(lp *p, const atom *a, const char **out)
{
    int n = 0, digits = a->sub[0] && strspn(a->sub, "0123456789") == strlen(a->sub);
    for (int i = 0; i < a->nbase && n + 4 <= MAX_CANDS; i++) {
        const char *b = a->base[i];
        if (!a->sub[0]) {
            out[n++] = lp_cat(p, b, a->suffix, "");
            continue;
        }
        const char *tight = lp_cat(p, lp_cat(p, b, a->suffix, ""), a->sub, "");
        const char *under = lp_cat(p, lp_cat(p, b, a->suffix, "_"), a->sub, "");
        out[n++] = digits ? tight : under;
        out[n++] = digits ? under : tight;
        if (a->suffix[0]) {
            out[n++] = lp_cat(p, b, a->sub, a->suffix);
            out[n++] = lp_cat(p, lp_cat(p, b, "_", a->sub), a->suffix, "");
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
    return lp_cat(p, lp_cat(p, "d", p->L->names->objective, "/d"), x, "");
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
    lnode *n = lp_node(p, plain_name(text) && !inl ? LN_NAME : LN_TEXT, from, to);
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
            const char *z = a->sub[0] ? lp_cat(p, bases[b], under ? "_" : "", a->sub) : bases[b];
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
lnode *lp_resolve(lp *p, const atom *a)
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

void lp_atom_base(atom *a, const char *base)
{
    if (a->nbase < 3)
        a->base[a->nbase++] = base;
}

lnode *lp_expr(lp *p);
lnode *lp_postfix(lp *p);
int lp_script_text(lp *p, char *out, size_t size);

/* The scripts that belong to a name: _2, _{out}, ^{(2)}, ^{[2]}. */
static int name_scripts(lp *p, atom *a)
{
    for (;;) {
        lt_tok *t = lp_peek(p), *u = lp_peek2(p);
        if (lp_is_char(t, '_')) {
            if (a->sub[0])
                return lp_fail_at(p, t, "a second subscript on one name"), 0;
            lp_take(p);
            if (!lp_script_text(p, a->sub, sizeof a->sub))
                return 0;
            a->to = p->t[p->i - 1]->to;
        } else if (lp_is_char(t, '^') && lp_is_char(u, '{') && p->i + 2 < p->n &&
                   (lp_is_char(p->t[p->i + 2], '(') || lp_is_char(p->t[p->i + 2], '['))) {
            int close = p->i + 2;   /* W^{(2)}: a layer's index */
            int want = p->t[close]->ch == '(' ? ')' : ']';
            if (close + 3 >= p->n || !lp_is_char(p->t[close + 2], want) || !lp_is_char(p->t[close + 3], '}') ||
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
int lp_script_text(lp *p, char *out, size_t size)
{
    lt_tok *t = lp_peek(p);
    if (!t)
        return lp_unexpected(p, t, "a subscript"), 0;
    if (!lp_is_char(t, '{')) {
        t = lp_take_char(p);
        if (!t)
            return 0;
        if (t->kind != LT_WORD && t->kind != LT_NUM && t->kind != LT_ROMAN &&
            !lp_cmd_in(t, lp_greek))
            return lp_unexpected(p, t, "a subscript"), 0;
        snprintf(out, size, "%s", t->text);
        return 1;
    }
    lp_take(p);
    size_t len = 0;
    for (t = lp_take(p); t && !lp_is_char(t, '}'); t = lp_take(p)) {
        const char *s = t->kind == LT_WORD || t->kind == LT_NUM || t->kind == LT_ROMAN ||
                                lp_cmd_in(t, lp_greek) ? t->text
                        : lp_is_char(t, ',') ? "" : NULL;
        if (!s)
            return lp_fail_at(p, t, "%s cannot be part of a name's subscript", lp_shown(p, t)), 0;
        size_t k = strlen(s);
        if (len + k + 1 > size)
            return lp_fail_at(p, t, "this subscript is too long"), 0;
        memcpy(out + len, s, k + 1);
        len += k;
    }
    if (!t)
        return lp_unexpected(p, t, "'}'"), 0;
    if (!len)
        return lp_fail_at(p, t, "an empty subscript"), 0;
    return 1;
}

static const char *const decorations[][2] = {
    { "hat", "hat" },     { "widehat", "hat" },   { "tilde", "tilde" }, { "widetilde", "tilde" },
    { "bar", "bar" },     { "overline", "bar" },  { "dot", "dot" },     { "ddot", "ddot" },
    { "check", "check" }, { "breve", "breve" },
};

const char *lp_decoration(const lt_tok *t)
{
    for (size_t i = 0; t && t->kind == LT_CMD && i < sizeof decorations / sizeof *decorations; i++)
        if (!strcmp(t->text, decorations[i][0]))
            return decorations[i][1];
    return NULL;
}

int lp_atom_at(lp *p, atom *a);

/* The base of a name from its token: a word, \mathrm{text}, a Greek
 * letter, \mathcal{L}, or a decorated name (\hat{y}, \hat y). */
static int atom_base_token(lp *p, atom *a)
{
    lt_tok *t = lp_peek(p);
    const char *deco = lp_decoration(t);
    a->from = t ? t->from : lp_end_at(p);
    if (deco) {
        size_t from = a->from;
        lp_take(p);
        if (lp_is_char(lp_peek(p), '{')) {
            lp_take(p);
            if (!lp_atom_at(p, a))
                return 0;
            if (!lp_expect(p, '}'))
                return 0;
        } else {                        /* \hat y: one letter */
            lt_tok *u = lp_peek(p);
            u = u && u->kind == LT_WORD ? lp_take_char(p) : lp_cmd_in(u, lp_greek) ? lp_take(p) : NULL;
            if (!u)
                return lp_failed(p) || p->nosplit ? 0 : (lp_unexpected(p, lp_peek(p), "a letter"), 0);
            lp_atom_base(a, u->text);
        }
        if (strlen(a->suffix) + strlen(deco) + 1 > sizeof a->suffix)
            return lp_fail_at(p, t, "too many decorations"), 0;
        strcat(a->suffix, deco);
        a->from = from;
        a->to = p->t[p->i - 1]->to;
        return 1;
    }
    if (!t)
        return lp_unexpected(p, t, "a name"), 0;
    if (t->kind == LT_WORD || t->kind == LT_ROMAN) {
        lp_take(p);
        lp_atom_base(a, t->text);
    } else if (t->kind == LT_CAL) {
        lp_take(p);
        int obj = !strcmp(t->text, "L") || !strcmp(t->text, "J") || !strcmp(t->text, "ell");
        a->objective = obj;
        lp_atom_base(a, obj ? p->L->names->objective : t->text);
    } else if (lp_cmd_in(t, lp_greek)) {
        lp_take(p);
        const char *g = t->text;
        if (!strncmp(g, "var", 3) && strcmp(g, "varsigma") != 0)
            g += 3;     /* \varepsilon is epsilon */
        lp_atom_base(a, g);
        if (!strcmp(g, "lambda"))
            lp_atom_base(a, "lam");
        else if (!strcmp(g, "epsilon"))
            lp_atom_base(a, "eps");
    } else {
        return lp_unexpected(p, t, "a name"), 0;
    }
    a->to = t->to;
    return 1;
}

/* A name with its scripts. */
int lp_atom_at(lp *p, atom *a)
{
    if (p->depth++ > LP_MAX_DEPTH)
        return lp_fail_at(p, lp_peek(p), "the LaTeX is nested too deeply (the limit is %d levels)",
                       LP_MAX_DEPTH), 0;
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
    if (!lp_atom_at(p, a))
        return 0;
    if (numerator && p->lhs && (a->objective || !strcmp(a->base[0], p->L->names->objective)) &&
        lp_is_char(lp_peek(p), '(')) {
        int depth = 0;
        for (lt_tok *t; (t = lp_take(p));) {
            depth += lp_is_char(t, '(') - lp_is_char(t, ')');
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
    lnode *of = lp_resolve(p, a), *wrt = lp_resolve(p, b);
    lr_shape s;
    const char *obj = of->kind == LN_NAME && lr_lookup(p->L, of->text, &s) == LR_NONE
                          ? p->L->names->objective : of->text;
    lnode *n = name_node(p, lp_cat(p, "d", obj, lp_cat(p, "/d", wrt->text, "")), from, to);
    if (!n->shape.rows && !n->shape.cols)
        n->shape = wrt->shape;
    return n;
}

/* d, \mathrm{d} or \partial: the start of a differential.  A word "dL"
 * counts too: its tail is the name (returned in *tail). */
static int differential_start(lp *p, const char **tail)
{
    lt_tok *t = lp_peek(p);
    *tail = NULL;
    if (lp_is_cmd(t, "partial") || (t && t->kind == LT_ROMAN && !strcmp(t->text, "d")) ||
        (t && t->kind == LT_WORD && !strcmp(t->text, "d"))) {
        lp_take(p);
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
    lt_tok *t = lp_take(p);
    memset(a, 0, sizeof *a);
    lp_atom_base(a, arena_strdup(p->L->arena, tail));
    a->from = t->from;
    a->to = t->to;
    a->objective = !strcmp(tail, p->L->names->objective);
    return name_scripts(p, a);
}

/* \frac{\partial X}{\partial Y} (or d X / d Y), with the \frac taken:
 * NULL, and nothing taken, when it is not one. */
lnode *lp_frac_derivative(lp *p, size_t from)
{
    int save = p->i, saved_nosplit = p->nosplit;
    const char *tail;
    atom a = { 0 }, b = { 0 };
    p->nosplit = 1;
    int ok = lp_is_char(lp_take(p), '{') && differential_start(p, &tail);
    if (ok && !tail && lp_is_char(lp_peek(p), '}')) {     /* \frac{\partial}{\partial X} f(X) */
        lp_atom_base(&a, p->L->names->objective);
        a.objective = 1;
    } else {
        ok = ok && differential_name(p, tail, &a, 1);
    }
    ok = ok && lp_is_char(lp_take(p), '}') &&
             lp_is_char(lp_take(p), '{') && differential_start(p, &tail) &&
             differential_name(p, tail, &b, 0) && lp_is_char(lp_peek(p), '}');
    p->nosplit = saved_nosplit;
    if (!ok) {
        p->L->err.set = 0;      /* a lookahead's error is no error */
        p->i = save;
        return NULL;
    }
    lt_tok *close = lp_take(p);
    return derivative_name(p, &a, &b, from, close->to);
}

/* dL/dW and \partial L / \partial W in a row: NULL, nothing taken, when
 * what follows is not one. */
lnode *lp_inline_derivative(lp *p)
{
    int save = p->i, saved_nosplit = p->nosplit;
    const char *tail;
    atom a = { 0 }, b = { 0 };
    size_t from = lp_peek(p)->from;
    p->nosplit = 1;
    int ok = differential_start(p, &tail) && differential_name(p, tail, &a, 1) &&
             lp_is_char(lp_take(p), '/') && differential_start(p, &tail) &&
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
lnode *lp_nabla(lp *p, lt_tok *t)
{
    atom a = { 0 }, b = { 0 };
    if (!lp_is_char(lp_take(p), '_'))
        return lp_fail_at(p, t, "\\nabla needs the variable as a subscript: \\nabla_W L");
    int braced = lp_is_char(lp_peek(p), '{');
    if (braced)
        lp_take(p);
    if (!lp_atom_at(p, &b) || (braced && !lp_expect(p, '}')))
        return NULL;
    lt_tok *u = lp_peek(p);
    size_t to = p->t[p->i - 1]->to;
    int of_objective = u && (u->kind == LT_CAL ||
                             (u->kind == LT_WORD && (!strcmp(u->text, p->L->names->objective) ||
                                                     !strcmp(u->text, "L"))));
    if (of_objective) {
        if (!differential(p, &a, 1))
            return NULL;
        to = p->t[p->i - 1]->to;
    } else {
        lp_atom_base(&a, p->L->names->objective);
        a.objective = 1;
    }
    return derivative_name(p, &a, &b, t->from, to);
}

/* ---- words: names, products of names, functions ---- */

typedef struct split {
    int cut[LP_MAX_WORD + 1];   /* piece k is word[cut[k] .. cut[k+1]) */
    int n;
    unsigned char dead[LP_MAX_WORD + 1];    /* no split from here: tried */
} split;

static int piece_known(lp *p, const char *w, int from, int to, const char *sub)
{
    char buf[LP_MAX_WORD + 1];
    snprintf(buf, sizeof buf, "%.*s", to - from, w + from);
    atom a = { 0 };
    lp_atom_base(&a, buf);
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
        if (!found) {
            memcpy(first->cut, cur->cut, sizeof cur->cut);
            first->n = cur->n;
        }
        return found + 1;
    }
    int before = found;
    for (int e = len; e > at && found < 2; e--) {
        if ((e < len && cur->dead[e]) || !piece_known(p, w, at, e, e == len ? sub : ""))
            continue;
        cur->cut[cur->n++] = at;
        found = splits(p, w, e, len, sub, cur, first, found);
        cur->n--;
    }
    cur->dead[at] = found == before;    /* memo: words of many short names stay linear */
    return found;
}

/* A piece of a split word as a node. */
static lnode *piece(lp *p, lt_tok *t, int from, int to, const char *sub, size_t sub_to)
{
    char buf[LP_MAX_WORD + 1];
    snprintf(buf, sizeof buf, "%.*s", to - from, t->text + from);
    atom a = { 0 };
    lp_atom_base(&a, arena_strdup(p->L->arena, buf));
    snprintf(a.sub, sizeof a.sub, "%s", sub);
    a.from = t->from + (size_t)from;
    a.to = sub[0] ? sub_to : t->from + (size_t)to;
    lr_shape s;
    if (!sub[0] && !strcmp(buf, "I") && lr_lookup(p->L, "I", &s) == LR_NONE && !mapped(p, "I"))
        return lp_node(p, LN_EYE, a.from, a.to);
    return lp_resolve(p, &a);
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
lnode *lp_word(lp *p)
{
    lt_tok *t = lp_peek(p);
    lnode *d = t->text[0] == 'd' ? lp_inline_derivative(p) : NULL;
    if (d || lp_failed(p))
        return d;
    lp_take(p);
    atom whole = { 0 };
    lp_atom_base(&whole, t->text);
    whole.from = t->from;
    whole.to = t->to;
    if (!name_scripts(p, &whole))
        return NULL;
    size_t sub_to = p->t[p->i - 1]->to;
    if (atom_known(p, &whole))
        return lp_resolve(p, &whole);
    const fn_info *f = whole.sub[0] ? NULL : lp_function_named(t->text, 1);
    if (f)
        return lp_apply(p, f, t);
    if (!strcmp(t->text, "e") && !whole.sub[0] && lp_is_char(lp_peek(p), '^')) {
        lp_take(p);
        lnode *x = lp_frac_arg(p);
        return x ? lp_call(p, "exp", &x, 1, t->from, x->to, t->to) : NULL;
    }
    if (!strcmp(t->text, "I") && !mapped(p, "I")) {
        whole.to = sub_to;
        return lp_identity(p, &whole);
    }
    int len = (int)strlen(t->text);
    if (len == 1 || p->lhs)
        return lp_resolve(p, &whole);      /* unknown: the checker says so */
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
        r = r ? lp_binary(p, LN_MUL, r, x, x->from, x->from + 1) : x;
        r->split = k > 0;
    }
    return r;
}

/* \mathrm{softmax}, \operatorname{tr}, \text{logits}. */
lnode *lp_roman_word(lp *p)
{
    lt_tok *t = lp_take(p);
    const fn_info *f = lp_function_named(t->text, 1);
    atom a = { 0 };
    lp_atom_base(&a, t->text);
    a.from = t->from;
    a.to = t->to;
    if (f && !atom_known(p, &a))
        return lp_apply(p, f, t);
    if (!name_scripts(p, &a))
        return NULL;
    return lp_resolve(p, &a);
}

/* A Greek letter: a name, \sigma as sigmoid when sigma names nothing,
 * \delta_2 through the table of adjoint names. */
lnode *lp_greek_letter(lp *p)
{
    lt_tok *t = lp_peek(p);
    if (!strcmp(t->text, "sigma")) {
        atom a = { 0 };
        lp_atom_base(&a, "sigma");
        lt_tok *u = lp_peek2(p);
        if (!atom_known(p, &a) && !lp_is_char(u, '_')) {
            lp_take(p);
            return lp_apply(p, lp_function_named("sigma", 0), t);
        }
    }
    atom a = { 0 };
    return lp_atom_at(p, &a) ? lp_resolve(p, &a) : NULL;
}
