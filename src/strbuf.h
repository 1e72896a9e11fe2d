/* strbuf.h: a growable string; every emitter writes into one so that a
 * failed run writes nothing (-o is only opened once the output is whole). */
#ifndef ND_STRBUF_H
#define ND_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct strbuf {
    char *s;        /* always NUL-terminated once anything was added */
    size_t len, cap;
} strbuf;

void sb_init(strbuf *b);
void sb_free(strbuf *b);
void sb_clear(strbuf *b);
void sb_putc(strbuf *b, char c);
void sb_puts(strbuf *b, const char *s);
void sb_putn(strbuf *b, const char *s, size_t n);
void sb_printf(strbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sb_vprintf(strbuf *b, const char *fmt, va_list ap);
const char *sb_str(const strbuf *b);    /* "" when empty */
void sb_truncate(strbuf *b, size_t len);

#endif
