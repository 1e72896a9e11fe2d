/* diag.c: messages in the compiler style, caret included. */
#include "diag.h"

#include <string.h>

static const char *const kind_names[] = { "error", "warning", "note" };

const char *diag_line(const nd_source *src, int line, size_t *len)
{
    const char *p = src->text, *end = src->text + src->len;
    for (int l = 1; l < line && p < end; l++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) {
            p = end;
            break;
        }
        p = nl + 1;
    }
    const char *e = p;
    while (e < end && *e != '\n' && *e != '\r')
        e++;
    *len = (size_t)(e - p);
    return p;
}

/* Width on screen of the first n bytes: tabs stay tabs (so the caret lines
 * up whatever the tab width), UTF-8 continuation bytes take no column. */
static void caret_prefix(strbuf *out, const char *line, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)line[i];
        if (c == '\t')
            sb_putc(out, '\t');
        else if ((c & 0xC0) != 0x80)
            sb_putc(out, ' ');
    }
}

/* A long line is shown as a window of about DIAG_WIDTH bytes around the
 * column, with "..." where it is cut. */
#define DIAG_WIDTH 100

static void show_line(strbuf *out, nd_loc loc)
{
    size_t len;
    const char *line = diag_line(loc.src, loc.first_line, &len);
    size_t col = loc.first_column > 0 ? (size_t)loc.first_column - 1 : 0;
    if (col > len)
        col = len;
    size_t from = 0, to = len;
    if (len > DIAG_WIDTH) {
        from = col > DIAG_WIDTH / 2 ? col - DIAG_WIDTH / 2 : 0;
        to = from + DIAG_WIDTH < len ? from + DIAG_WIDTH : len;
    }
    while (from > 0 && ((unsigned char)line[from] & 0xC0) == 0x80)
        from--;     /* never cut a UTF-8 character */
    while (to < len && ((unsigned char)line[to] & 0xC0) == 0x80)
        to++;
    const char *pre = from > 0 ? "..." : "", *post = to < len ? "..." : "";
    sb_printf(out, "    %s", pre);
    sb_putn(out, line + from, to - from);
    sb_printf(out, "%s\n    %s", post, from > 0 ? "   " : "");
    caret_prefix(out, line + from, col - from);
    sb_putc(out, '^');
    size_t last = loc.last_line == loc.first_line && loc.last_column > 0
                      ? (size_t)loc.last_column : col + 1;
    if (last > to)
        last = to;
    for (size_t i = col + 1; i < last; i++)
        if (((unsigned char)line[i] & 0xC0) != 0x80)
            sb_putc(out, '~');
    sb_putc(out, '\n');
}

void diag_format(strbuf *out, enum diag_kind kind, nd_loc loc, const char *msg)
{
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
