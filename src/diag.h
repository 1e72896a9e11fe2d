/* diag.h: source texts, positions and FILE:LINE:COL messages with the
 * offending line and a caret under the column. */
#ifndef ND_DIAG_H
#define ND_DIAG_H

#include <setjmp.h>
#include <stdio.h>

#include "ctx.h"
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

/* ---- a run's errors (the err part of nd_ctx) ----------------------------
 *
 * The passes that can fail on user input (the parser included) call
 * diag_error / diag_note / diag_throw.  diag_throw longjmps to the jmp_buf of the
 * innermost DIAG_TRY, so the passes never check return codes for input
 * errors; nothing they allocate outlives the arena, so unwinding leaks
 * nothing. */
enum nd_errkind { ERR_NONE, ERR_INPUT, ERR_SHAPE };

/* A catch: while it is the innermost one open, the messages raised go into
 * its own text and its first error is its own, not the run's.  The code
 * that opened it decides, once the pass is over, what the error is: a
 * diagnostic (the text joins the messages it reports) or a verdict (a shape
 * error inside a checked answer: kind, loc and msg say why, the text goes).
 * Nothing is written to the run's messages and taken back after the fact. */
typedef struct diag_catch {
    strbuf text;
    enum nd_errkind kind;       /* ERR_NONE: nothing was raised */
    nd_loc loc;
    char *msg;                  /* the first error (malloc'd), or NULL */
    struct diag_catch *outer;
} diag_catch;

typedef struct nd_errors {
    jmp_buf *on_error;
    enum nd_errkind err_kind;
    nd_loc err_loc;
    char *err_msg;              /* first error, for the library API */
    strbuf diag;                /* every message so far, formatted */
    /* called after a shape error's message: adds the declarations in force */
    void (*shape_notes)(struct nd_ctx *ctx);
    diag_catch *catching;       /* the innermost open catch, or NULL */
    int quiet;                  /* warnings muted: a function's body again */
} nd_errors;

void diag_init(nd_ctx *ctx);
void diag_release(nd_ctx *ctx);
/* Forgets the errors and the messages after the first diag_len bytes; keeps
 * the landing site and the upcall (elaboration's second pass). */
void diag_reset(nd_ctx *ctx, size_t diag_len);

/* Appends an error (and remembers the first), a note, or a warning. */
void diag_error(nd_ctx *ctx, nd_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void diag_note(nd_ctx *ctx, nd_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void diag_warning(nd_ctx *ctx, nd_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
_Noreturn void diag_throw(nd_ctx *ctx);
_Noreturn void diag_fail(nd_ctx *ctx, nd_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A shape error: msg, the declarations in force (the shape_notes upcall),
 * and diag_throw with ERR_SHAPE, so --check can call it "not equivalent". */
_Noreturn void diag_fail_shape(nd_ctx *ctx, nd_loc loc, const char *msg);

/* Opens c (zeroed) as the innermost catch; closes it, the outer one (or the
 * run's messages) taking what comes next; frees what it caught. */
void diag_catch_open(nd_ctx *ctx, diag_catch *c);
void diag_catch_close(nd_ctx *ctx, diag_catch *c);
void diag_catch_free(diag_catch *c);
/* The buffer messages go to now: the innermost catch's text, or the run's
 * messages (for a message put together by hand, as elab.c's notes are). */
strbuf *diag_out(nd_ctx *ctx);
/* The error just raised was expected (a point where the numbers overflow,
 * while only looking for a hypothesis): it does not make the run fail. */
void diag_forget_error(nd_ctx *ctx);

/* DIAG_TRY(ctx, jb) { ... } else { error path }: installs the landing site. */
#define DIAG_TRY(ctx, jb)                                                      \
    jmp_buf jb;                                                                \
    jmp_buf *jb##_saved = (ctx)->err->on_error;                                \
    (ctx)->err->on_error = &jb;                                                \
    if (setjmp(jb) == 0)
#define DIAG_END_TRY(ctx, jb) ((ctx)->err->on_error = jb##_saved)

/* The source text at loc for messages ("W*x"), or "the expression" when
 * it spans lines or is long.  Scans the source: for error paths only. */
const char *diag_text(nd_ctx *ctx, nd_loc loc);

#endif
