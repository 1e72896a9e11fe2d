/* diag.c: messages in the compiler style, caret included, and a run's
 * error state (the err part of nd_ctx). */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = { "error", "warning", "note" };

const char *diag_line(const nd_source *src, int line, size_t *len)
{
    const char *p = src->text, *end = src->text + src->len;
    if (src->len >= 3 && !memcmp(p, DIAG_BOM, 3))
        p += 3;     /* columns count from after a byte order mark */
    for (int l = 1; l < line && p < end; l++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) {
            p = end;
            break;
        }
        p = nl + 1;
    }
    const char *e = p;
    while (e < end && *e != '\n' && !(*e == '\r' && (e + 1 == end || e[1] == '\n')))
        e++;        /* a CR ends the line only before a newline (CRLF) */
    *len = (size_t)(e - p);
    return p;
}

size_t diag_utf8(const char *s, size_t n, unsigned long *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t k = u[0] < 0x80 ? 1 : u[0] >= 0xC2 && u[0] <= 0xDF ? 2
               : u[0] >= 0xE0 && u[0] <= 0xEF ? 3 : u[0] >= 0xF0 && u[0] <= 0xF4 ? 4 : 0;
    if (k == 0 || k > n)
        return 0;
    unsigned long c = k == 1 ? u[0] : u[0] & (0x7F >> k);
    for (size_t i = 1; i < k; i++) {
        if ((u[i] & 0xC0) != 0x80)
            return 0;
        c = c << 6 | (u[i] & 0x3F);
    }
    static const unsigned long least[] = { 0, 0, 0x80, 0x800, 0x10000 };
    if (c < least[k] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;   /* overlong, beyond Unicode, or a surrogate */
    *cp = c;
    return k;
}

int diag_shows(unsigned long cp)
{
    static const unsigned long hidden[][2] = {
        { 0x00, 0x1F },     { 0x7F, 0x9F },     { 0xAD, 0xAD },     { 0x61C, 0x61C },
        { 0x180E, 0x180E }, { 0x200B, 0x200F }, { 0x2028, 0x202E }, { 0x2060, 0x206F },
        { 0xFEFF, 0xFEFF }, { 0xFFF9, 0xFFFB }, { 0xE0000, 0xE007F },
    };
    for (size_t i = 0; i < sizeof hidden / sizeof *hidden; i++)
        if (cp >= hidden[i][0] && cp <= hidden[i][1])
            return 0;
    return 1;
}

/* The character at s (n > 0 bytes available) as it is shown: itself when it
 * prints, else \xHH for a byte that is not a printing character or not
 * UTF-8, <U+XXXX> for an invisible character.  Appends it to out (when not
 * NULL); returns the bytes it takes and sets *width, its columns. */
static size_t visible_char(strbuf *out, const char *s, size_t n, size_t *width)
{
    unsigned char c = (unsigned char)s[0];
    unsigned long cp = 0;
    size_t k = c == '\t' ? 1 : diag_utf8(s, n, &cp);
    if (c == '\t' || (k > 0 && diag_shows(cp))) {
        if (out)
            sb_putn(out, s, k);
        *width = 1;
        return k;
    }
    char form[16];
    if (k > 1)
        snprintf(form, sizeof form, "<U+%04lX>", cp);
    else
        snprintf(form, sizeof form, "\\x%02x", c);
    if (out)
        sb_puts(out, form);
    *width = strlen(form);
    return k > 1 ? k : 1;
}

/* The bytes from..to of the line, as they are shown. */
static void show_text(strbuf *out, const char *line, size_t from, size_t to)
{
    size_t w;
    for (size_t i = from; i < to;)
        i += visible_char(out, line + i, to - i, &w);
}

/* The caret line under show_text's: blanks up to byte col (tabs stay tabs,
 * so the caret lines up whatever the tab width), then '^' and '~' under
 * the characters from col to last. */
static void show_caret(strbuf *out, const char *line, size_t from, size_t to, size_t col,
                       size_t last)
{
    size_t i = from, w;
    while (i < col && i < to) {
        size_t k = visible_char(NULL, line + i, to - i, &w);
        if (line[i] == '\t')
            sb_putc(out, '\t');
        else
            for (size_t j = 0; j < w; j++)
                sb_putc(out, ' ');
        i += k;
    }
    sb_putc(out, '^');
    for (int first = 1; i < to && (first || i < last); first = 0) {
        i += visible_char(NULL, line + i, to - i, &w);
        for (size_t j = first; j < w; j++)
            sb_putc(out, '~');
    }
}

/* A long line is shown as a window of about DIAG_WIDTH bytes around the
 * column, with "..." where it is cut. */
#define DIAG_WIDTH 100

/* Moves a cut back to the start of a UTF-8 character (at most 3 bytes). */
static size_t char_start(const char *line, size_t at, size_t len)
{
    for (int k = 0; k < 3 && at > 0 && at < len && ((unsigned char)line[at] & 0xC0) == 0x80; k++)
        at--;
    return at;
}

static void show_line(strbuf *out, nd_loc loc)
{
    size_t len;
    const char *line = diag_line(loc.src, loc.first_line, &len);
    size_t col = loc.first_column > 0 ? (size_t)loc.first_column - 1 : 0;
    if (col > len)
        col = len;
    size_t from = 0, to = len;
    if (len > DIAG_WIDTH) {
        from = char_start(line, col > DIAG_WIDTH / 2 ? col - DIAG_WIDTH / 2 : 0, len);
        to = char_start(line, from + DIAG_WIDTH < len ? from + DIAG_WIDTH : len, len);
    }
    size_t last = loc.last_line == loc.first_line && loc.last_column > 0
                      ? (size_t)loc.last_column : col + 1;
    sb_printf(out, "    %s", from > 0 ? "..." : "");
    show_text(out, line, from, to);
    sb_printf(out, "%s\n    %s", to < len ? "..." : "", from > 0 ? "   " : "");
    show_caret(out, line, from, to, col, last);
    sb_putc(out, '\n');
}

static int ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_';
}

void diag_abbrev(strbuf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t run = 0;
        while (i + run < n && ident_char(s[i + run]))
            run++;
        if (run > DIAG_NAME_MAX) {
            sb_putn(out, s + i, DIAG_NAME_HEAD);
            sb_puts(out, "...");
            sb_putn(out, s + i + run - DIAG_NAME_TAIL, DIAG_NAME_TAIL);
        } else if (run > 0) {
            sb_putn(out, s + i, run);
        } else if ((unsigned char)s[i] < 0x20 && s[i] != '\t' && s[i] != '\n') {
            sb_printf(out, "\\x%02x", (unsigned char)s[i]);  /* never sent to a terminal */
            run = 1;
        } else {
            sb_putc(out, s[i]);
            run = 1;
        }
        i += run;
    }
}

void diag_format(strbuf *out, enum diag_kind kind, nd_loc loc, const char *msg)
{
    loc = diag_origin(loc);
    if (!loc.src) {
        sb_printf(out, "nnderive: %s: %s\n", kind_names[kind], msg);
        return;
    }
    sb_printf(out, "%s:%d:%d: %s: %s\n", loc.src->name, loc.first_line,
              loc.first_column, kind_names[kind], msg);
    show_line(out, loc);
}

nd_loc diag_span(nd_loc a, nd_loc b)
{
    nd_loc r = a;
    r.last_line = b.last_line;
    r.last_column = b.last_column;
    return r;
}

/* ---- translated sources ---- */

/* Where line 1 starts: after a byte order mark (columns count from there). */
static size_t text_start(const nd_source *src)
{
    return src->len >= 3 && !memcmp(src->text, DIAG_BOM, 3) ? 3 : 0;
}

size_t diag_offset(const nd_source *src, int line, int column)
{
    size_t len;
    const char *l = diag_line(src, line, &len);
    size_t off = (size_t)(l - src->text) + (size_t)(column > 0 ? column - 1 : 0);
    return off < src->len ? off : src->len;
}

/* Line and column of byte `at` (1-based; the column counts bytes). */
static void line_col(const nd_source *src, size_t at, int *line, int *col)
{
    size_t start = text_start(src), bol = start;
    int l = 1;
    if (at > src->len)
        at = src->len;
    for (size_t i = start; i < at; i++)
        if (src->text[i] == '\n') {
            l++;
            bol = i + 1;
        }
    *line = l;
    *col = at >= bol ? (int)(at - bol) + 1 : 1;
}

nd_loc diag_loc_at(const nd_source *src, size_t from, size_t last)
{
    nd_loc loc = { 0, 0, 0, 0, src };
    if (last < from)
        last = from;
    line_col(src, from, &loc.first_line, &loc.first_column);
    line_col(src, last, &loc.last_line, &loc.last_column);
    return loc;
}

nd_loc diag_origin(nd_loc loc)
{
    for (int hops = 0; loc.src && loc.src->origin && loc.src->origin_at && hops < 8; hops++) {
        const nd_source *t = loc.src;
        size_t from = diag_offset(t, loc.first_line, loc.first_column);
        size_t last = diag_offset(t, loc.last_line, loc.last_column);
        if (loc.last_line < loc.first_line ||
            (loc.last_line == loc.first_line && loc.last_column < loc.first_column))
            last = from;
        loc = diag_loc_at(t->origin, t->origin_at[from], t->origin_at[last]);
    }
    return loc;
}

/* ---- a run's errors ---------------------------------------------------- */

void diag_init(nd_ctx *ctx)
{
    ctx->err = xmalloc(sizeof *ctx->err);
    memset(ctx->err, 0, sizeof *ctx->err);
    sb_init(&ctx->err->diag);
}

void diag_release(nd_ctx *ctx)
{
    if (!ctx->err)
        return;
    free(ctx->err->err_msg);
    sb_free(&ctx->err->diag);
    free(ctx->err);
    ctx->err = NULL;
}

void diag_reset(nd_ctx *ctx, size_t diag_len)
{
    nd_errors *e = ctx->err;
    free(e->err_msg);
    e->err_msg = NULL;
    e->err_kind = ERR_NONE;
    e->err_loc = (nd_loc){ 0, 0, 0, 0, NULL };
    sb_truncate(&e->diag, diag_len);
}

void diag_catch_open(nd_ctx *ctx, diag_catch *c)
{
    memset(c, 0, sizeof *c);
    sb_init(&c->text);
    c->outer = ctx->err->catching;
    ctx->err->catching = c;
}

void diag_catch_close(nd_ctx *ctx, diag_catch *c)
{
    ctx->err->catching = c->outer;
}

void diag_catch_free(diag_catch *c)
{
    sb_free(&c->text);
    free(c->msg);
    c->msg = NULL;
}

strbuf *diag_out(nd_ctx *ctx)
{
    return ctx->err->catching ? &ctx->err->catching->text : &ctx->err->diag;
}

/* Where the kind of the error being raised is kept: the innermost catch's,
 * or the run's. */
static enum nd_errkind *err_kind(nd_ctx *ctx)
{
    return ctx->err->catching ? &ctx->err->catching->kind : &ctx->err->err_kind;
}

void diag_forget_error(nd_ctx *ctx)
{
    *err_kind(ctx) = ERR_NONE;
}

static void vdiag(nd_ctx *ctx, enum diag_kind kind, nd_loc loc,
                  const char *fmt, va_list ap)
{
    nd_errors *e = ctx->err;
    diag_catch *k = e->catching;
    char **first = k ? &k->msg : &e->err_msg;
    strbuf text, msg;
    sb_init(&text);
    sb_init(&msg);
    sb_vprintf(&text, fmt, ap);
    diag_abbrev(&msg, sb_str(&text), text.len);     /* long names shortened */
    diag_format(diag_out(ctx), kind, loc, sb_str(&msg));
    if (kind == DIAG_ERROR && !*first) {
        *first = xstrdup(sb_str(&msg));
        if (k)
            k->loc = loc;
        else
            e->err_loc = loc;
        if (*err_kind(ctx) == ERR_NONE)
            *err_kind(ctx) = ERR_INPUT;
    }
    sb_free(&text);
    sb_free(&msg);
}

void diag_error(nd_ctx *ctx, nd_loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdiag(ctx, DIAG_ERROR, loc, fmt, ap);
    va_end(ap);
}

void diag_note(nd_ctx *ctx, nd_loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdiag(ctx, DIAG_NOTE, loc, fmt, ap);
    va_end(ap);
}

void diag_warning(nd_ctx *ctx, nd_loc loc, const char *fmt, ...)
{
    if (ctx->err->quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    vdiag(ctx, DIAG_WARNING, loc, fmt, ap);
    va_end(ap);
}

_Noreturn void diag_throw(nd_ctx *ctx)
{
    if (*err_kind(ctx) == ERR_NONE)
        *err_kind(ctx) = ERR_INPUT;
    if (!ctx->err->on_error)
        abort();        /* a pass ran outside DIAG_TRY: a bug, not input */
    longjmp(*ctx->err->on_error, 1);
}

_Noreturn void diag_fail(nd_ctx *ctx, nd_loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdiag(ctx, DIAG_ERROR, loc, fmt, ap);
    va_end(ap);
    diag_throw(ctx);
}

_Noreturn void diag_fail_shape(nd_ctx *ctx, nd_loc loc, const char *msg)
{
    if (*err_kind(ctx) == ERR_NONE)
        *err_kind(ctx) = ERR_SHAPE;
    diag_error(ctx, loc, "%s", msg);
    if (ctx->err->shape_notes)
        ctx->err->shape_notes(ctx);
    diag_throw(ctx);
}

const char *diag_text(nd_ctx *ctx, nd_loc loc)
{
    if (!loc.src || loc.first_line != loc.last_line || loc.last_column < loc.first_column)
        return "the expression";
    size_t len;
    const char *line = diag_line(loc.src, loc.first_line, &len);
    size_t from = (size_t)loc.first_column - 1, to = (size_t)loc.last_column;
    if (to > len)
        to = len;
    if (from >= to)
        return "the expression";
    if (to - from > 40)
        return "the expression";
    return arena_strndup(ctx->arena, line + from, to - from);
}
