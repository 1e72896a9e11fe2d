/* latex_tok.c: the tokens of LaTeX answers (see latex_impl.h).
 *
 * Only the math counts.  A file with math delimiters ($...$, $$...$$,
 * \[...\], \(...\), align*, equation, ...) is read inside them and the
 * prose around them is skipped; a file without any (the rows --latex
 * prints) is math throughout, a newline ending each row.  Comments (%),
 * spacing, \label, \left and \right and the like leave no token; font
 * wrappers (\mathbf{W}) leave their content; \mathrm{...} and its kin leave
 * their text as one token, so that \operatorname{softmax} is a name. */
#include "latex_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void lr_fail(lr_error *e, size_t from, size_t to, const char *fmt, ...)
{
    if (e->set)
        return;     /* the first error is the one that matters */
    e->set = 1;
    e->from = from;
    e->to = to > from ? to : from + 1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
}

typedef struct tz {
    nd_arena *arena;
    const char *s;
    size_t n;
    lt_list *out;
    lr_error *err;
    int bare;               /* no delimiters: a newline ends a row */
    int depth;              /* wrappers in wrappers: \mathbf{\mathbf{...}} */
} tz;

#define LT_MAX_DEPTH 200

static int is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static lt_tok *push(tz *z, enum lt_kind kind, const char *text, size_t from, size_t to)
{
    lt_list *l = z->out;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 256;
        l->v = xrealloc(l->v, (size_t)l->cap * sizeof *l->v);
    }
    lt_tok *t = &l->v[l->n++];
    memset(t, 0, sizeof *t);
    t->kind = kind;
    t->text = text;
    t->from = from;
    t->to = to;
    return t;
}

static void push_char(tz *z, int c, size_t from)
{
    char buf[2] = { (char)c, 0 };
    push(z, LT_CHAR, arena_strdup(z->arena, buf), from, from + 1)->ch = c;
}

/* A comment runs to the end of the line (the newline is not in it). */
static size_t skip_comment(tz *z, size_t p)
{
    while (p < z->n && z->s[p] != '\n')
        p++;
    return p;
}

static size_t skip_blanks(tz *z, size_t p)
{
    while (p < z->n && (z->s[p] == ' ' || z->s[p] == '\t' || z->s[p] == '\r'))
        p++;
    return p;
}

/* The matching '}' of the '{' at p (escaped braces skipped), or n. */
static size_t closing_brace(tz *z, size_t p)
{
    int depth = 0;
    for (; p < z->n; p++) {
        char c = z->s[p];
        if (c == '\\' && p + 1 < z->n) {
            p++;
            continue;
        }
        if (c == '%') {
            p = skip_comment(z, p);
            continue;
        }
        if (c == '{')
            depth++;
        else if (c == '}' && --depth == 0)
            return p;
    }
    return z->n;
}

static int name_is(const char *s, size_t n, const char *const *list)
{
    for (; *list; list++)
        if (strlen(*list) == n && !strncmp(*list, s, n))
            return 1;
    return 0;
}

/* ---- the commands ---- */

static const char *const dropped[] = {
    "displaystyle", "textstyle", "scriptstyle", "scriptscriptstyle", "limits", "nolimits",
    "nonumber", "notag", "left", "right", "middle", "big", "Big", "bigg", "Bigg", "bigl",
    "bigr", "Bigl", "Bigr", "biggl", "biggr", "Biggl", "Biggr", "bigm", "Bigm", "biggm",
    "Biggm", "enspace", "thinspace", "medspace", "thickspace", "negthinspace",
    "negmedspace", "negthickspace", "allowbreak", "relax", "mathstrut", "strut", "protect",
    "rm", "bf", "it", "sf", "tt", "cal", "boldmath", "unboldmath", "nobreak", NULL,
};
static const char *const dropped_arg[] = {
    "label", "tag", "hspace", "vspace", "phantom", "hphantom", "vphantom", "color", NULL,
};
static const char *const transparent[] = {
    "mathbf", "boldsymbol", "bm", "mathbfit", "pmb", "vec", "mathnormal", "mathbb", "symbf",
    "symbfit", "mathbfup", "mathbold", "textbf", "mbox", NULL,
};
static const char *const roman[] = {
    "mathrm", "operatorname", "text", "textrm", "textnormal", "mathsf", "mathtt", "texttt",
    "textsf", "textit", "mathit", "textup", "mathup", "hbox", NULL,
};
static const char *const calligraphic[] = { "mathcal", "mathscr", "mathfrak", "symcal", NULL };
static const char *const math_envs[] = {
    "equation", "equation*", "align", "align*", "alignat", "alignat*", "flalign", "flalign*",
    "gather", "gather*", "multline", "multline*", "eqnarray", "eqnarray*", "displaymath",
    "math", "dmath", "dmath*", NULL,
};

static void tokenize_range(tz *z, size_t p, size_t end);

/* \begin{NAME} at p: the name's bounds; 0 when it is not that form. */
static int env_name(tz *z, size_t p, const char *cmd, size_t *from, size_t *to)
{
    size_t k = strlen(cmd);
    if (p + k + 2 > z->n || strncmp(z->s + p, cmd, k) != 0)
        return 0;
    size_t q = skip_blanks(z, p + k);
    if (q >= z->n || z->s[q] != '{')
        return 0;
    size_t e = q + 1;
    while (e < z->n && z->s[e] != '}' && z->s[e] != '\n')
        e++;
    if (e >= z->n || z->s[e] != '}')
        return 0;
    *from = q + 1;
    *to = e;
    return 1;
}

/* The simple text of \mathrm{...}: letters, digits, spaces, \_ and _, ', -;
 * NULL when it holds anything else (then it is read as math). */
static const char *roman_text(tz *z, size_t from, size_t to)
{
    strbuf b;
    sb_init(&b);
    int ok = 1;
    for (size_t p = from; p < to && ok; p++) {
        char c = z->s[p];
        if (is_letter(c) || is_digit(c) || c == '_' || c == '-' || c == '\'') {
            sb_putc(&b, c);
        } else if (c == ' ' || c == '~') {
            if (b.len && b.s[b.len - 1] != ' ')
                sb_putc(&b, ' ');
        } else if (c == '\\' && p + 1 < to && (z->s[p + 1] == '_' || z->s[p + 1] == ',' ||
                                               z->s[p + 1] == ' ')) {
            if (z->s[++p] == '_')
                sb_putc(&b, '_');
        } else {
            ok = 0;
        }
    }
    while (b.len && b.s[b.len - 1] == ' ')
        b.len--;
    const char *r = ok && b.len ? arena_strndup(z->arena, b.s, b.len) : NULL;
    sb_free(&b);
    return r;
}

/* A wrapper's content {...} at p (or the next character): one token stays
 * one token (\mathbf{W} is W), more stay a group.  Returns the end. */
static size_t wrapped(tz *z, const char *cmd, size_t p, size_t cmd_from)
{
    size_t q = skip_blanks(z, p);
    int ones_font = strcmp(cmd, "vec") != 0;
    if (q < z->n && z->s[q] != '{') {       /* \mathbf 1 */
        if (ones_font && (z->s[q] == '1' || z->s[q] == '0') && (q + 1 >= z->n || !is_digit(z->s[q + 1]))) {
            if (z->s[q] == '1')
                push(z, LT_CMD, "ones", cmd_from, q + 1);
            else
                push(z, LT_NUM, "0", cmd_from, q + 1);
            return q + 1;
        }
        return q;
    }
    size_t close = closing_brace(z, q);
    if (close >= z->n) {
        lr_fail(z->err, q, q + 1, "this '{' is not closed");
        return z->n;
    }
    if (z->depth >= LT_MAX_DEPTH) {
        lr_fail(z->err, cmd_from, p, "the LaTeX is nested too deeply (the limit is %d levels)",
                LT_MAX_DEPTH);
        return z->n;
    }
    int first = z->out->n;
    push(z, LT_CHAR, "{", q, q + 1)->ch = '{';
    z->depth++;
    tokenize_range(z, q + 1, close);
    z->depth--;
    int count = z->out->n - first - 1;
    if (count != 1) {       /* several tokens: the group keeps them together */
        push(z, LT_CHAR, "}", close, close + 1)->ch = '}';
        return close + 1;
    }
    lt_tok *t = &z->out->v[first];
    *t = z->out->v[first + 1];
    z->out->n--;
    if (ones_font && t->kind == LT_NUM && !strcmp(t->text, "1")) {
        t->kind = LT_CMD;
        t->text = "ones";
    }
    t->from = cmd_from;
    t->to = close + 1;
    return close + 1;
}

/* \mathrm{text} and its kin at p; returns the end. */
static size_t roman_group(tz *z, size_t p, size_t cmd_from)
{
    size_t q = skip_blanks(z, p);
    if (q < z->n && z->s[q] == '*')         /* \operatorname* */
        q = skip_blanks(z, q + 1);
    if (q >= z->n || z->s[q] != '{')
        return q;
    size_t close = closing_brace(z, q);
    if (close >= z->n) {
        lr_fail(z->err, q, q + 1, "this '{' is not closed");
        return z->n;
    }
    const char *text = roman_text(z, q + 1, close);
    if (!text)
        return wrapped(z, "mathrm", p, cmd_from);
    push(z, LT_ROMAN, text, cmd_from, close + 1);
    return close + 1;
}

/* \mathcal{L}: the letter. */
static size_t calligraphic_letter(tz *z, size_t p, size_t cmd_from)
{
    size_t q = skip_blanks(z, p), e;
    if (q < z->n && z->s[q] == '{') {
        e = closing_brace(z, q);
        size_t a = skip_blanks(z, q + 1);
        if (e < z->n && a < e && is_letter(z->s[a]) && skip_blanks(z, a + 1) == e) {
            push(z, LT_CAL, arena_strndup(z->arena, z->s + a, 1), cmd_from, e + 1);
            return e + 1;
        }
    } else if (q < z->n && is_letter(z->s[q])) {
        push(z, LT_CAL, arena_strndup(z->arena, z->s + q, 1), cmd_from, q + 1);
        return q + 1;
    }
    lr_fail(z->err, cmd_from, p, "\\mathcal takes one letter");
    return z->n;
}

/* \\ ends a row; its optional * and [2pt] go with it. */
static size_t row_break(tz *z, size_t p, size_t from)
{
    push(z, LT_ROW, "\\\\", from, p);
    size_t q = skip_blanks(z, p);
    if (q < z->n && z->s[q] == '*')
        q = skip_blanks(z, q + 1);
    if (q < z->n && z->s[q] == '[') {
        while (q < z->n && z->s[q] != ']' && z->s[q] != '\n')
            q++;
        if (q < z->n && z->s[q] == ']')
            return q + 1;
    }
    return p;
}

/* A command \name at p (the backslash); returns where the next token starts. */
static size_t command(tz *z, size_t p)
{
    size_t from = p++;
    if (p >= z->n) {
        lr_fail(z->err, from, p, "a lone '\\' at the end");
        return z->n;
    }
    if (!is_letter(z->s[p])) {
        char c = z->s[p++];
        if (c == '\\')
            return row_break(z, p, from);
        if (strchr(",;:! >", c) || c == '\n' || c == '\t')
            return p;
        if (c == '|')
            push(z, LT_CMD, "|", from, p);
        else if (c == '{')
            push(z, LT_CMD, "lbrace", from, p);
        else if (c == '}')
            push(z, LT_CMD, "rbrace", from, p);
        else
            lr_fail(z->err, from, p, "unexpected '\\%c'", c);
        return p;
    }
    size_t e = p;
    while (e < z->n && is_letter(z->s[e]))
        e++;
    const char *name = z->s + p;
    size_t len = e - p;
    if (name_is(name, len, dropped)) {
        if ((len == 4 && !strncmp(name, "left", 4)) || (len == 5 && !strncmp(name, "right", 5))) {
            size_t q = skip_blanks(z, e);
            if (q < z->n && z->s[q] == '.')     /* \left. and \right. show nothing */
                return q + 1;
        }
        return e;
    }
    if (name_is(name, len, (const char *const[]){ "quad", "qquad", NULL })) {
        push(z, LT_SPACE, "quad", from, e);
        return e;
    }
    if (name_is(name, len, (const char *const[]){ "cr", "newline", NULL }))
        return row_break(z, e, from);
    if (name_is(name, len, dropped_arg)) {
        size_t q = skip_blanks(z, e);
        if (q < z->n && z->s[q] == '*')
            q = skip_blanks(z, q + 1);
        if (q < z->n && z->s[q] == '{') {
            size_t close = closing_brace(z, q);
            return close < z->n ? close + 1 : z->n;
        }
        return q;
    }
    if (name_is(name, len, (const char *const[]){ "intertext", "shortintertext", NULL })) {
        push(z, LT_ROW, "\\\\", from, e);
        size_t q = skip_blanks(z, e);
        if (q < z->n && z->s[q] == '{') {
            size_t close = closing_brace(z, q);
            return close < z->n ? close + 1 : z->n;
        }
        return q;
    }
    if (name_is(name, len, (const char *const[]){ "textcolor", NULL })) {
        size_t q = skip_blanks(z, e);   /* \textcolor{red}{X}: X */
        if (q < z->n && z->s[q] == '{') {
            size_t close = closing_brace(z, q);
            return close < z->n ? close + 1 : z->n;
        }
        return q;
    }
    if (name_is(name, len, transparent)) {
        char cmd[16];
        snprintf(cmd, sizeof cmd, "%.*s", (int)(len < 15 ? len : 15), name);
        return wrapped(z, cmd, e, from);
    }
    if (name_is(name, len, roman))
        return roman_group(z, e, from);
    if (name_is(name, len, calligraphic))
        return calligraphic_letter(z, e, from);
    if (len == 3 && !strncmp(name, "ell", 3)) {
        push(z, LT_CAL, "ell", from, e);
        return e;
    }
    size_t a, b;
    if ((len == 5 && !strncmp(name, "begin", 5)) || (len == 3 && !strncmp(name, "end", 3))) {
        if (env_name(z, from, len == 5 ? "\\begin" : "\\end", &a, &b)) {
            size_t q = b + 1;           /* aligned, split, array{cc}: no tokens */
            if (b - a >= 6 && !strncmp(z->s + b - 6, "matrix", 6)) {  /* bmatrix, pmatrix */
                lr_fail(z->err, from, q, "a block matrix (%.*s) is not read in LaTeX answers "
                        "yet: write the answer in text, [a; b] and [A, B]", (int)(b - a), z->s + a);
                return q;
            }
            if (len == 5 && b - a == 5 && !strncmp(z->s + a, "array", 5)) {
                q = skip_blanks(z, q);
                if (q < z->n && z->s[q] == '{') {
                    size_t close = closing_brace(z, q);
                    q = close < z->n ? close + 1 : z->n;
                }
            }
            return q;
        }
    }
    push(z, LT_CMD, arena_strndup(z->arena, name, len), from, e);
    return e;
}

/* ---- characters beyond ASCII ---- */

static const char *const greek_lower[] = {
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
    "lambda", "mu", "nu", "xi", NULL, "pi", "rho", "varsigma", "sigma", "tau", "upsilon",
    "phi", "chi", "psi", "omega",
};

static const struct { unsigned long cp; enum lt_kind kind; const char *text; } unicode[] = {
    { 0x2212, LT_CHAR, "-" },     { 0x00B7, LT_CMD, "cdot" },   { 0x22C5, LT_CMD, "cdot" },
    { 0x00D7, LT_CMD, "times" },  { 0x2299, LT_CMD, "odot" },   { 0x2218, LT_CMD, "circ" },
    { 0x2298, LT_CMD, "oslash" }, { 0x2297, LT_CMD, "otimes" }, { 0x2202, LT_CMD, "partial" }, { 0x2207, LT_CMD, "nabla" },
    { 0x22A4, LT_CMD, "top" },    { 0x2032, LT_CHAR, "'" },     { 0x2016, LT_CMD, "|" },
    { 0x2211, LT_CMD, "sum" },    { 0x221A, LT_CMD, "sqrt" },   { 0x2254, LT_CHAR, "=" },
    { 0x2113, LT_CAL, "ell" },    { 0x0393, LT_CMD, "Gamma" },  { 0x0394, LT_CMD, "Delta" },
    { 0x0398, LT_CMD, "Theta" },  { 0x039B, LT_CMD, "Lambda" }, { 0x03A3, LT_CMD, "Sigma" },
    { 0x03A6, LT_CMD, "Phi" },    { 0x03A8, LT_CMD, "Psi" },    { 0x03A9, LT_CMD, "Omega" },
};

/* A UTF-8 character at p: the token it stands for; returns its end. */
static size_t utf8_char(tz *z, size_t p)
{
    unsigned long cp = 0;
    size_t k = diag_utf8(z->s + p, z->n - p, &cp);
    if (k == 0) {
        lr_fail(z->err, p, p + 1, "a byte that is not UTF-8 ('\\x%02x')", (unsigned char)z->s[p]);
        return z->n;
    }
    if (cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0xFEFF)
        return p + k;   /* spaces */
    if (cp >= 0x3B1 && cp <= 0x3C9 && greek_lower[cp - 0x3B1]) {
        push(z, LT_CMD, greek_lower[cp - 0x3B1], p, p + k);
        return p + k;
    }
    if (cp == 0x1D40) {                         /* a superscript T: ^\top */
        push_char(z, '^', p);
        push(z, LT_CMD, "top", p, p + k);
        return p + k;
    }
    for (size_t i = 0; i < sizeof unicode / sizeof *unicode; i++)
        if (unicode[i].cp == cp) {
            lt_tok *t = push(z, unicode[i].kind, unicode[i].text, p, p + k);
            t->ch = unicode[i].kind == LT_CHAR ? unicode[i].text[0] : 0;
            return p + k;
        }
    lr_fail(z->err, p, p + k, "unexpected character '%.*s' (U+%04lX)", (int)k, z->s + p, cp);
    return z->n;
}

/* ---- math ---- */

/* The tokens of the math in [p, end). */
static void tokenize_range(tz *z, size_t p, size_t end)
{
    size_t saved = z->n;
    z->n = end;     /* helpers stop at the end of the range */
    while (p < end && !z->err->set) {
        char c = z->s[p];
        if (c == '\n') {
            if (z->bare)
                push(z, LT_ROW, "\\n", p, p + 1);
            p++;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '~' || c == '&') {
            p++;
        } else if (c == '%') {
            p = skip_comment(z, p);
        } else if (c == '\\') {
            p = command(z, p);
        } else if (is_digit(c)) {
            size_t e = p;
            while (e < end && is_digit(z->s[e]))
                e++;
            if (e + 1 < end && z->s[e] == '.' && is_digit(z->s[e + 1]))
                for (e++; e < end && is_digit(z->s[e]); e++) {
                }
            push(z, LT_NUM, arena_strndup(z->arena, z->s + p, e - p), p, e);
            p = e;
        } else if (is_letter(c)) {
            size_t e = p;
            while (e < end && (is_letter(z->s[e]) || is_digit(z->s[e])))
                e++;
            push(z, LT_WORD, arena_strndup(z->arena, z->s + p, e - p), p, e);
            p = e;
        } else if (strchr("{}^_()[]|+-*/=,;'.<>!:", c)) {
            push_char(z, c, p++);
        } else if ((unsigned char)c >= 0x80) {
            p = utf8_char(z, p);
        } else {
            lr_fail(z->err, p, p + 1, "unexpected character '%c'", c);
        }
    }
    z->n = saved;
}

/* ---- regions ---- */

/* Where a region that opens at p ends: the closer's start (*close) and
 * the position after it; 0 when p opens none. */
static int opens_region(tz *z, size_t p, size_t *body, char *closer, size_t closer_size)
{
    const char *s = z->s + p;
    size_t a, b;
    if (s[0] == '$') {
        int two = p + 1 < z->n && s[1] == '$';
        snprintf(closer, closer_size, "%s", two ? "$$" : "$");
        *body = p + (two ? 2 : 1);
        return 1;
    }
    if (s[0] == '\\' && p + 1 < z->n && (s[1] == '[' || s[1] == '(')) {
        snprintf(closer, closer_size, "\\%c", s[1] == '[' ? ']' : ')');
        *body = p + 2;
        return 1;
    }
    if (env_name(z, p, "\\begin", &a, &b)) {
        char env[32];
        snprintf(env, sizeof env, "%.*s", (int)(b - a < 31 ? b - a : 31), z->s + a);
        if (!name_is(env, strlen(env), math_envs))
            return 0;
        snprintf(closer, closer_size, "\\end{%s}", env);
        *body = b + 1;
        return 1;
    }
    return 0;
}

/* The closer of a region from p: its start, or n when there is none.  A
 * backslash escapes the next character (\$, \\, \{). */
static size_t find_closer(tz *z, size_t p, const char *closer)
{
    size_t k = strlen(closer);
    for (; p < z->n; p++) {
        if (z->s[p] == '%') {
            p = skip_comment(z, p);
            continue;
        }
        if (!strncmp(z->s + p, closer, k))
            return p;
        if (z->s[p] == '\\')
            p++;
    }
    return z->n;
}

/* Whether the text has math delimiters at all (outside comments). */
static int has_delimiters(tz *z)
{
    char closer[48];
    size_t body;
    for (size_t p = 0; p < z->n; p++) {
        if (z->s[p] == '%') {
            p = skip_comment(z, p);
        } else if (z->s[p] == '\\' && p + 1 < z->n && z->s[p + 1] == '$') {
            p++;
        } else if ((z->s[p] == '$' || z->s[p] == '\\') &&
                   opens_region(z, p, &body, closer, sizeof closer)) {
            return 1;
        }
    }
    return 0;
}

int lt_tokenize(nd_arena *arena, const nd_source *src, lt_list *out, lr_error *err)
{
    tz z = { arena, src->text, src->len, out, err, 0, 0 };
    size_t p = src->len >= 3 && !memcmp(src->text, DIAG_BOM, 3) ? 3 : 0;
    if (!has_delimiters(&z)) {
        z.bare = 1;
        tokenize_range(&z, p, z.n);
        push(&z, LT_REGION, "", z.n, z.n);
        return err->set ? 2 : 0;
    }
    char closer[48];
    size_t body;
    while (p < z.n && !err->set) {
        if (z.s[p] == '%') {
            p = skip_comment(&z, p);
        } else if (z.s[p] == '\\' && p + 1 < z.n && !opens_region(&z, p, &body, closer, sizeof closer)) {
            p += 2;     /* \$, \\ and commands of the prose */
        } else if ((z.s[p] == '$' || z.s[p] == '\\') &&
                   opens_region(&z, p, &body, closer, sizeof closer)) {
            size_t close = find_closer(&z, body, closer);
            if (close >= z.n) {
                lr_fail(err, p, body, "'%s' opens math that is not closed (by '%s')",
                        closer[0] == '\\' && closer[1] == 'e' ? "\\begin" : closer, closer);
                break;
            }
            tokenize_range(&z, body, close);
            push(&z, LT_REGION, "", close, close + strlen(closer));
            p = close + strlen(closer);
        } else {
            p++;
        }
    }
    return err->set ? 2 : 0;
}
