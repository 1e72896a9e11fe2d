/* parse.h: the parser's entry point, and the state the lexer and the parser
 * share (the scanner is reentrant: no globals). */
#ifndef ND_PARSE_H
#define ND_PARSE_H

#include "ast.h"
#include "ctx.h"
#include "diag.h"
#include "strbuf.h"

enum parse_mode {
    PARSE_PROGRAM,      /* statements */
    PARSE_EXPR,         /* one expression (--check) */
    PARSE_GRADS,        /* lines `dL/dW = EXPR` and `t = EXPR` (--check-file) */
};

#define PARSE_MAX_PARENS 64

typedef struct parse_state {
    const nd_source *src;
    int start_token;            /* returned by the first yylex call */
    int line, col;              /* where the next character is */
    int last_token;             /* for line continuation */
    int sent_final_nl;
    nd_loc parens[PARSE_MAX_PARENS];    /* open parentheses, innermost last */
    int paren_depth;
    char last_text[256];        /* the last token, for messages (long names
                                   abbreviated, see diag_abbrev) */
    int prev_token;             /* the token before it, and its text: '2' in 2x */
    char prev_text[256];
    char hint[192];             /* a T_BAD's message when it is a habit from
                                   another language (@, **, .T), or "" */
    ast_program prog;
    ast *expr;
    int failed;
    int too_deep;               /* first expression nested past AST_MAX_DEPTH */
    nd_loc too_deep_loc;
    nd_ctx *ctx;                /* where errors go (diag.h), as every pass's do */
} parse_state;

/* Parses src and fills *prog (PARSE_PROGRAM, PARSE_GRADS) or *expr
 * (PARSE_EXPR), which the caller then owns.  A syntax error is reported
 * through ctx with its position, like any other input error, and raised
 * (diag_throw, so the call is inside a DIAG_TRY); nothing is left to free. */
void parse_source(nd_ctx *ctx, const nd_source *src, enum parse_mode mode, ast_program *prog,
                  ast **expr);

/* Called by the grammar's actions and the lexer. */
void parse_error(parse_state *ps, nd_loc loc, const char *msg);
/* 1 (after the error) when a is nested past AST_MAX_DEPTH: the parse stops. */
int parse_check_depth(parse_state *ps, const ast *a);

#endif
