/* diag.h: source texts, positions and FILE:LINE:COL messages with the
 * offending line and a caret under the column. */
#ifndef ND_DIAG_H
#define ND_DIAG_H

#include <stdio.h>

#include "strbuf.h"

/* A source text: a file, "<stdin>", "<expr>" for -e, "<check>" for an answer.
 * A text translated from another one (LaTeX answers, latex_read.h) has an
 * origin: origin_at[i] is the byte of origin->text that byte i of text came
 * from (len + 1 entries), and every message located in it is shown at that
 * place of the origin instead. */
typedef struct nd_source {
    const char *name;
    const char *text;       /* NUL-terminated copy of the whole input */
    size_t len;
    const struct nd_source *origin;     /* NULL: the text is its own origin */
    const size_t *origin_at;
} nd_source;

/* Positions are 1-based; the field names are the ones bison's YYLLOC_DEFAULT
 * expects, so the same type serves as the parser's location type. */
typedef struct nd_loc {
    int first_line, first_column;
    int last_line, last_column;     /* inclusive end */
    const nd_source *src;
} nd_loc;

enum diag_kind { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE };

/* Appends "FILE:LINE:COL: KIND: MSG\n LINE\n CARET\n" to out.  A loc with a
 * NULL src (no position) prints "nnderive: KIND: MSG". */
void diag_format(strbuf *out, enum diag_kind kind, nd_loc loc, const char *msg);

/* The line of src that holds `line` (without its newline). */
const char *diag_line(const nd_source *src, int line, size_t *len);

nd_loc diag_span(nd_loc a, nd_loc b);    /* from the start of a to the end of b */

/* The byte offset of (line, column) in src, and the position of the bytes
 * from..last (inclusive) of src. */
size_t diag_offset(const nd_source *src, int line, int column);
nd_loc diag_loc_at(const nd_source *src, size_t from, size_t last);
/* Where loc was written: its place in the origin of a translated source
 * (through every translation), or loc itself. */
nd_loc diag_origin(nd_loc loc);

/* The UTF-8 byte order mark, skipped at the start of a source. */
#define DIAG_BOM "\xEF\xBB\xBF"

/* The length of the UTF-8 character at s (n > 0 bytes available), its code
 * point in *cp; 0 when the bytes there are not valid UTF-8. */
size_t diag_utf8(const char *s, size_t n, unsigned long *cp);
/* Whether a character shows as itself: not a control character, not an
 * invisible one (zero-width, bidirectional controls, ...). */
int diag_shows(unsigned long cp);

/* Messages abbreviate a run of identifier characters (a name, a number)
 * longer than DIAG_NAME_MAX to its first DIAG_NAME_HEAD characters, "..."
 * and its last DIAG_NAME_TAIL, so that no message echoes a huge name whole;
 * control characters become \xHH.  Appends the n bytes of s so to out. */
#define DIAG_NAME_MAX 64
#define DIAG_NAME_HEAD 30
#define DIAG_NAME_TAIL 10
void diag_abbrev(strbuf *out, const char *s, size_t n);

#endif
