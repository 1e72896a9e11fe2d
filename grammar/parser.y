/* parser.y: the grammar of nnderive programs (DESIGN.md section 1).
 * Pure and reentrant; every semantic type has a %destructor so a syntax
 * error leaks nothing; %expect 0: conflicts are settled by precedence. */
%code requires {
#include "ast.h"
#include "parse.h"
typedef void *yyscan_t;

/* Bison's default copies the four position fields only; a location here
 * also carries its source. */
#define YYLLOC_DEFAULT(Cur, Rhs, N)                                         \
    do {                                                                    \
        if (N) {                                                            \
            (Cur).first_line = YYRHSLOC(Rhs, 1).first_line;                 \
            (Cur).first_column = YYRHSLOC(Rhs, 1).first_column;             \
            (Cur).last_line = YYRHSLOC(Rhs, N).last_line;                   \
            (Cur).last_column = YYRHSLOC(Rhs, N).last_column;               \
            (Cur).src = YYRHSLOC(Rhs, 1).src;                               \
        } else {                                                            \
            (Cur).first_line = (Cur).last_line = YYRHSLOC(Rhs, 0).last_line; \
            (Cur).first_column = (Cur).last_column =                        \
                YYRHSLOC(Rhs, 0).last_column;                               \
            (Cur).src = YYRHSLOC(Rhs, 0).src;                               \
        }                                                                   \
    } while (0)
}

%code provides {
int ndyylex(NDYYSTYPE *yylval, nd_loc *yylloc, yyscan_t scanner);
}

%code {
#include <stdlib.h>
#include <string.h>

static void ndyyerror(nd_loc *loc, yyscan_t scanner, parse_state *ps, const char *msg);

#define BIN(op, a, b, l) (ast_binary((op), (a), (b), (l)))
/* Past the depth limit the parse stops: the node just built is freed here
 * (bison does not destroy the symbols of the rule that aborts). */
#define DEPTH(x)                                                            \
    do {                                                                    \
        if (parse_check_depth(ps, (x))) {                                   \
            ast_free(x);                                                    \
            YYABORT;                                                        \
        }                                                                   \
    } while (0)
}

%define api.prefix {ndyy}
%define api.pure full
%define api.location.type {nd_loc}
%define parse.error custom
%locations
%param {yyscan_t scanner}
%parse-param {parse_state *ps}
%expect 0

%initial-action {
    @$.first_line = @$.last_line = 1;
    @$.first_column = @$.last_column = 1;
    @$.src = ps->src;
}

%union {
    char *str;
    ast *node;
    ast_stmt *stmt;
    ast_names *names;
    ast_type *type;
}

%token <str> T_NUM "number"
%token <str> T_IDENT "name"
%token <str> T_ADJ "adjoint name"
%token <str> T_BAD "invalid character"
%token T_WRT "'wrt'"
%token T_EMUL "'.*'"
%token T_EDIV "'./'"
%token T_EPOW "'.^'"
%token T_NL "end of line"
%token START_PROGRAM START_EXPR START_GRADS

%type <node> expr power pow_rhs postfix primary call closed index arg catrows catrow
%type <stmt> stmt grad_line
%type <names> namelist dimlist
%type <type> type

%destructor { free($$); } <str>
%destructor { ast_free($$); } <node>
%destructor { stmt_free($$); } <stmt>
%destructor { names_delete($$); } <names>
%destructor { type_free($$); } <type>

%left '+' '-'
%left '*' '/' T_EMUL T_EDIV
%precedence UNARY

%%

input
    : START_PROGRAM program
    | START_EXPR nls expr nls           { ps->expr = $3; }
    | START_GRADS grads
    ;

nls
    : %empty
    | nls T_NL
    ;

sep
    : T_NL
    | ';'
    ;

program
    : %empty
    | program sep
    | program stmt sep                  { program_add(&ps->prog, $2); }
    ;

stmt
    : namelist ':' type                 { $$ = stmt_new(ST_DECL, @$);
                                          $$->names = *$1; free($1); $$->type = $3; }
    | T_IDENT '=' expr                  { $$ = stmt_new(ST_ASSIGN, @1);
                                          names_push(&$$->names, $1, @1); $$->expr = $3; }
    | T_WRT namelist                    { $$ = stmt_new(ST_WRT, @1);
                                          $$->names = *$2; free($2); }
    | expr                              { $$ = stmt_new(ST_EXPR, @1); $$->expr = $1; }
    | call ')' '=' expr                 { $$ = stmt_new(ST_FUNC, @$); $$->head = $1;
                                          $1->loc.last_line = @2.last_line;
                                          $1->loc.last_column = @2.last_column;
                                          $$->expr = $4; }
    ;

namelist
    : T_IDENT                           { $$ = names_new(); names_push($$, $1, @1); }
    | namelist ',' T_IDENT              { $$ = $1; names_push($$, $3, @3); }
    ;

type
    : T_IDENT                           { $$ = type_new($1, @1); }
    | T_IDENT '(' dimlist ')'           { $$ = type_new($1, @1); $$->has_args = 1;
                                          $$->dims = *$3; free($3); }
    ;

dimlist
    : T_IDENT                           { $$ = names_new(); names_push($$, $1, @1); }
    | T_NUM                             { $$ = names_new(); names_push($$, $1, @1); }
    | dimlist ',' T_IDENT               { $$ = $1; names_push($$, $3, @3); }
    | dimlist ',' T_NUM                 { $$ = $1; names_push($$, $3, @3); }
    ;

grads
    : %empty
    | grads sep
    | grads grad_line sep               { program_add(&ps->prog, $2); }
    ;

grad_line
    : T_IDENT '/' T_IDENT '=' expr      { $$ = stmt_new(ST_GRAD, @$);
                                          names_push(&$$->names, $1, @1);
                                          names_push(&$$->names, $3, @3); $$->expr = $5; }
    | T_ADJ '=' expr                    { $$ = stmt_new(ST_GRAD, @$);
                                          adjoint_names(&$$->names, $1, @1); $$->expr = $3; }
    | T_IDENT '=' expr                  { $$ = stmt_new(ST_ASSIGN, @1);
                                          names_push(&$$->names, $1, @1); $$->expr = $3; }
    ;

expr
    : expr '+' expr                     { $$ = BIN(BIN_ADD, $1, $3, @2); DEPTH($$); }
    | expr '-' expr                     { $$ = BIN(BIN_SUB, $1, $3, @2); DEPTH($$); }
    | expr '*' expr                     { $$ = BIN(BIN_MUL, $1, $3, @2); DEPTH($$); }
    | expr '/' expr                     { $$ = BIN(BIN_DIV, $1, $3, @2); DEPTH($$); }
    | expr T_EMUL expr                  { $$ = BIN(BIN_EMUL, $1, $3, @2); DEPTH($$); }
    | expr T_EDIV expr                  { $$ = BIN(BIN_EDIV, $1, $3, @2); DEPTH($$); }
    | '-' expr %prec UNARY              { $$ = ast_unary(AST_NEG, $2, @$, @1); DEPTH($$); }
    | '+' expr %prec UNARY              { $$ = ast_unary(AST_POS, $2, @$, @1); DEPTH($$); }
    | power
    ;

/* The exponent of ^ and .^ may carry a sign (x.^-1); both are right-associative
 * and bind tighter than a unary minus on their left (-x^2 = -(x^2)). */
power
    : postfix
    | postfix '^' pow_rhs               { $$ = BIN(BIN_POW, $1, $3, @2); DEPTH($$); }
    | postfix T_EPOW pow_rhs            { $$ = BIN(BIN_EPOW, $1, $3, @2); DEPTH($$); }
    ;

pow_rhs
    : power
    | '-' pow_rhs                       { $$ = ast_unary(AST_NEG, $2, @$, @1); DEPTH($$); }
    | '+' pow_rhs                       { $$ = ast_unary(AST_POS, $2, @$, @1); DEPTH($$); }
    ;

postfix
    : primary
    | postfix '\''                      { $$ = ast_unary(AST_TRANSPOSE, $1, @$, @2); DEPTH($$); }
    ;

primary
    : T_NUM                             { $$ = ast_leaf(AST_NUM, $1, @1); }
    | T_IDENT                           { $$ = ast_leaf(AST_NAME, $1, @1); }
    | T_ADJ                             { $$ = ast_leaf(AST_NAME, $1, @1); }
    | closed
    ;

/* What ends in a bracket may be indexed: (W*x)(2:3), eye(5)(:, 2); x(2) of
 * a variable x is a call that elaboration reads as indexing. */
closed
    : call ')'                          { $$ = $1; $$->loc = @$; }
    | T_IDENT '(' ')'                   { $$ = ast_call($1, @1); $$->loc = @$; }
    | '(' expr ')'                      { $$ = $2; $$->loc = @$; }
    | '[' catrows ']'                   { $$ = $2; $$->loc = @$; }
    | index ')'                         { $$ = $1; $$->loc = @$; }
    ;

call
    : T_IDENT '(' arg                   { $$ = ast_call($1, @1); ast_add_kid($$, $3); DEPTH($$); }
    | call ',' arg                      { $$ = $1; ast_add_kid($$, $3); DEPTH($$); }
    ;

index
    : closed '(' arg                    { $$ = ast_node(AST_INDEX, @1); $$->op_loc = @2;
                                          ast_add_kid($$, $1); ast_add_kid($$, $3); DEPTH($$); }
    | index ',' arg                     { $$ = $1; ast_add_kid($$, $3); DEPTH($$); }
    ;

/* An argument; ':' and lo:hi are for indexing only (elab.c says so). */
arg
    : expr
    | ':'                               { $$ = ast_node(AST_COLON, @1); }
    | expr ':' expr                     { $$ = ast_node(AST_RANGE, @$); $$->op_loc = @2;
                                          ast_add_kid($$, $1); ast_add_kid($$, $3); DEPTH($$); }
    ;

/* [a; b] stacks, [A, B] puts side by side (a VCAT of HCATs; elab.c takes
 * a list of one as its element). */
catrows
    : catrow                            { $$ = ast_node(AST_VCAT, @1); ast_add_kid($$, $1); DEPTH($$); }
    | catrows ';' catrow                { $$ = $1; ast_add_kid($$, $3); DEPTH($$); }
    ;

catrow
    : expr                              { $$ = ast_node(AST_HCAT, @1); ast_add_kid($$, $1); DEPTH($$); }
    | catrow ',' expr                   { $$ = $1; $$->op_loc = @2; ast_add_kid($$, $3); DEPTH($$); }
    ;

%%

/* A token's description: "end of input", "number '2'", "')'". */
static void describe(strbuf *b, yysymbol_kind_t tok, const parse_state *ps, int with_text)
{
    if (tok == YYSYMBOL_YYEOF || (tok == YYSYMBOL_T_NL && with_text &&
                                  !strcmp(ps->last_text, "<eof>"))) {
        sb_puts(b, "end of input");   /* the newline the lexer adds at the end */
        return;
    }
    const char *name = yysymbol_name(tok);
    size_t n = strlen(name);
    if (n >= 2 && name[0] == '"')
        sb_putn(b, name + 1, n - 2);
    else
        sb_puts(b, name);
    if (with_text && (tok == YYSYMBOL_T_NUM || tok == YYSYMBOL_T_IDENT))
        sb_printf(b, " '%s'", ps->last_text);
}

static int yyreport_syntax_error(const yypcontext_t *yyctx, yyscan_t scanner,
                                 parse_state *ps)
{
    (void)scanner;
    yysymbol_kind_t tok = yypcontext_token(yyctx);
    strbuf msg;
    sb_init(&msg);
    if (tok == YYSYMBOL_T_BAD && ps->hint[0]) {
        sb_puts(&msg, ps->hint);
    } else if (tok == YYSYMBOL_T_BAD) {
        sb_printf(&msg, "invalid character %s", ps->last_text);
    } else if (ps->last_token == T_IDENT && ps->prev_token == T_NUM) {
        /* 2x, X'X: a product without its '*' */
        sb_printf(&msg, "unexpected name '%s' after the number '%s': nnderive writes a "
                  "product with '*' (%s*%s)", ps->last_text, ps->prev_text, ps->prev_text,
                  ps->last_text);
    } else if (ps->last_token == '[' && (ps->prev_token == T_IDENT || ps->prev_token == ')' ||
                                         ps->prev_token == ']')) {
        /* NumPy's x[0] */
        sb_puts(&msg, "unexpected '[': nnderive indexes with parentheses, 1-based (x(1) is the "
                "first entry, X(:, 2) the second column)");
    } else if ((ps->last_token == T_IDENT || ps->last_token == '(') && ps->prev_token == '\'') {
        sb_printf(&msg, "unexpected '%s' after a transpose: nnderive writes a product with "
                  "'*' (X'*X, not X'X)", ps->last_text);
    } else {
        enum { MAX_EXPECTED = 8, SHOWN = 6 };
        yysymbol_kind_t expected[MAX_EXPECTED];
        int all = yypcontext_expected_tokens(yyctx, expected, MAX_EXPECTED), n = 0;
        for (int i = 0; i < all; i++)   /* a name is a name: dL/dz2 is one in answers */
            if (expected[i] != YYSYMBOL_T_ADJ)
                expected[n++] = expected[i];
        if (n > SHOWN)
            n = 0;
        sb_puts(&msg, "unexpected ");
        describe(&msg, tok, ps, 1);
        for (int i = 0; i < n; i++) {
            sb_puts(&msg, i == 0 ? ", expected " : i == n - 1 ? " or " : ", ");
            describe(&msg, expected[i], ps, 0);
        }
    }
    parse_error(ps, *yypcontext_location(yyctx), sb_str(&msg));
    sb_free(&msg);
    return 0;
}

static void ndyyerror(nd_loc *loc, yyscan_t scanner, parse_state *ps, const char *msg)
{
    (void)scanner;
    if (strcmp(msg, "memory exhausted") == 0)
        msg = "expression nested too deeply";
    parse_error(ps, *loc, msg);
}
