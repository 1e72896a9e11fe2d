/* ast.h: the parse tree, with positions.  Elaboration (elab.c) turns it into
 * the DAG; it is kept for messages and for --paths, which elaborates again
 * with each use of a variable made distinct.
 *
 * Ownership: AST nodes are malloc'd by the parser; a subtree belongs to its
 * parent, a statement to its program; ast_program_free releases it all, and
 * bison's %destructor releases what a syntax error leaves on the stack. */
#ifndef ND_AST_H
#define ND_AST_H

#include "diag.h"

/* Limits that keep every pass's recursion shallow. */
#define AST_MAX_DEPTH 1000

/* Indexing and blocks: AST_CALL of a variable's name is indexing (elab.c
 * decides); AST_INDEX indexes kids[0] (a parenthesized expression, a call or
 * a bracket) by kids[1..]; an index argument is an expression, AST_COLON (a
 * whole dimension) or AST_RANGE (lo:hi); AST_VCAT stacks its kids (rows of
 * [a, b; c, d]), AST_HCAT puts them side by side. */
enum ast_kind { AST_NUM, AST_NAME, AST_CALL, AST_BINARY, AST_NEG, AST_POS, AST_TRANSPOSE,
                AST_INDEX, AST_COLON, AST_RANGE, AST_VCAT, AST_HCAT };
enum ast_binop { BIN_ADD, BIN_SUB, BIN_MUL, BIN_DIV, BIN_EMUL, BIN_EDIV, BIN_POW, BIN_EPOW };

typedef struct ast {
    enum ast_kind kind;
    enum ast_binop op;      /* AST_BINARY */
    nd_loc loc;             /* the whole expression */
    nd_loc op_loc;          /* the operator, or the function's name */
    char *text;             /* AST_NUM: the literal; AST_NAME, AST_CALL: the name */
    int depth;
    int nkids, cap;
    struct ast **kids;
} ast;

typedef struct ast_name {
    char *name;
    nd_loc loc;
} ast_name;

typedef struct ast_names {
    int n, cap;
    ast_name *v;
} ast_names;

typedef struct ast_type {
    ast_name name;          /* scalar, vector, matrix, symmetric, ... */
    int has_args;
    ast_names dims;         /* names or numbers, as written */
} ast_type;

enum stmt_kind { ST_DECL, ST_ASSIGN, ST_WRT, ST_EXPR, ST_GRAD, ST_FUNC };

typedef struct ast_stmt {
    enum stmt_kind kind;
    nd_loc loc;
    ast_names names;        /* DECL: declared names; ASSIGN: the target;
                               WRT: the variables; GRAD: {of, wrt} of dOF/dWRT */
    ast_type *type;         /* DECL */
    ast *expr;              /* ASSIGN, EXPR, GRAD; FUNC: the body */
    ast *head;              /* FUNC: NAME(PARAMS) as parsed, a call whose
                               arguments elaboration checks are names */
    struct ast_stmt *next;
} ast_stmt;

typedef struct ast_program {
    ast_stmt *first, *last;
    int n;
} ast_program;

ast *ast_leaf(enum ast_kind kind, char *text, nd_loc loc);
ast *ast_unary(enum ast_kind kind, ast *x, nd_loc loc, nd_loc op_loc);
ast *ast_binary(enum ast_binop op, ast *a, ast *b, nd_loc op_loc);
ast *ast_call(char *name, nd_loc name_loc);     /* arguments added with ast_add_kid */
ast *ast_node(enum ast_kind kind, nd_loc loc);  /* kids added with ast_add_kid */
void ast_add_kid(ast *call, ast *kid);
void ast_free(ast *a);

void names_push(ast_names *l, char *name, nd_loc loc);
void names_free(ast_names *l);
/* dOF/dWRT (one token, taken over) as the two names OF and WRT's d-forms:
 * "dL" and "dz2", each with its own position. */
void adjoint_names(ast_names *l, char *adjoint, nd_loc loc);
ast_names *names_new(void);
void names_delete(ast_names *l);
ast_type *type_new(char *name, nd_loc loc);
void type_free(ast_type *t);
ast_stmt *stmt_new(enum stmt_kind kind, nd_loc loc);
void stmt_free(ast_stmt *s);
void program_add(ast_program *p, ast_stmt *s);
void program_free(ast_program *p);

const char *ast_binop_text(enum ast_binop op);
/* The chains of left-associative operators of one precedence: 1 for + and
 * -, 2 for * / .* ./, 0 for the others.  In a chain (a + b - c + d) the
 * left operand does not count towards the nesting depth: a flat sum of any
 * length parses, and the passes walk it as a loop. */
int ast_chain_level(enum ast_binop op);

#endif
