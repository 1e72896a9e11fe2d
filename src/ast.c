/* ast.c: construction and release of the parse tree. */
#include "ast.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"

static ast *ast_new(enum ast_kind kind, nd_loc loc)
{
    ast *a = xmalloc(sizeof *a);
    memset(a, 0, sizeof *a);
    a->kind = kind;
    a->loc = loc;
    a->op_loc = loc;
    a->depth = 1;
    return a;
}

ast *ast_leaf(enum ast_kind kind, char *text, nd_loc loc)
{
    ast *a = ast_new(kind, loc);
    a->text = text;
    return a;
}

void ast_add_kid(ast *p, ast *kid)
{
    if (p->nkids == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 2;
        p->kids = xrealloc(p->kids, (size_t)p->cap * sizeof *p->kids);
    }
    p->kids[p->nkids++] = kid;
    if (kid->depth + 1 > p->depth)
        p->depth = kid->depth + 1;
}

ast *ast_unary(enum ast_kind kind, ast *x, nd_loc loc, nd_loc op_loc)
{
    ast *a = ast_new(kind, loc);
    a->op_loc = op_loc;
    ast_add_kid(a, x);
    return a;
}

int ast_chain_level(enum ast_binop op)
{
    switch (op) {
    case BIN_ADD: case BIN_SUB: return 1;
    case BIN_MUL: case BIN_DIV: case BIN_EMUL: case BIN_EDIV: return 2;
    default: return 0;
    }
}

ast *ast_binary(enum ast_binop op, ast *l, ast *r, nd_loc op_loc)
{
    ast *a = ast_new(AST_BINARY, diag_span(l->loc, r->loc));
    a->op = op;
    a->op_loc = op_loc;
    ast_add_kid(a, l);
    ast_add_kid(a, r);
    int level = ast_chain_level(op);
    if (level && l->kind == AST_BINARY && ast_chain_level(l->op) == level)
        a->depth = l->depth > r->depth + 1 ? l->depth : r->depth + 1;
    return a;
}

ast *ast_node(enum ast_kind kind, nd_loc loc)
{
    return ast_new(kind, loc);
}

ast *ast_call(char *name, nd_loc name_loc)
{
    ast *a = ast_new(AST_CALL, name_loc);
    a->text = name;
    return a;
}

/* Iterative, with the nodes still to free on an explicit stack: freeing
 * must not recurse as deep as a tree goes, whatever the tree. */
void ast_free(ast *a)
{
    ast **todo = NULL;
    size_t n = 0, cap = 0;
    while (a) {
        if (n + (size_t)a->nkids > cap) {
            cap = 2 * (n + (size_t)a->nkids);
            todo = xrealloc(todo, cap * sizeof *todo);
        }
        for (int i = 0; i < a->nkids; i++)
            if (a->kids[i])
                todo[n++] = a->kids[i];
        free(a->kids);
        free(a->text);
        free(a);
        a = n ? todo[--n] : NULL;
    }
    free(todo);
}

void names_push(ast_names *l, char *name, nd_loc loc)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 4;
        l->v = xrealloc(l->v, (size_t)l->cap * sizeof *l->v);
    }
    l->v[l->n].name = name;
    l->v[l->n].loc = loc;
    l->n++;
}

void adjoint_names(ast_names *l, char *adjoint, nd_loc loc)
{
    char *slash = strchr(adjoint, '/');
    nd_loc of = loc, wrt = loc;
    of.last_line = of.first_line;
    of.last_column = of.first_column + (int)(slash - adjoint) - 1;
    wrt.first_line = wrt.last_line;
    wrt.first_column = of.last_column + 2;
    size_t n = (size_t)(slash - adjoint);
    char *head = xmalloc(n + 1);
    memcpy(head, adjoint, n);
    head[n] = '\0';
    names_push(l, head, of);
    names_push(l, xstrdup(slash + 1), wrt);
    free(adjoint);
}

void names_free(ast_names *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->v[i].name);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

ast_names *names_new(void)
{
    ast_names *l = xmalloc(sizeof *l);
    memset(l, 0, sizeof *l);
    return l;
}

void names_delete(ast_names *l)
{
    if (!l)
        return;
    names_free(l);
    free(l);
}

ast_type *type_new(char *name, nd_loc loc)
{
    ast_type *t = xmalloc(sizeof *t);
    memset(t, 0, sizeof *t);
    t->name.name = name;
    t->name.loc = loc;
    return t;
}

void type_free(ast_type *t)
{
    if (!t)
        return;
    free(t->name.name);
    names_free(&t->dims);
    free(t);
}

ast_stmt *stmt_new(enum stmt_kind kind, nd_loc loc)
{
    ast_stmt *s = xmalloc(sizeof *s);
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->loc = loc;
    return s;
}

void stmt_free(ast_stmt *s)
{
    if (!s)
        return;
    names_free(&s->names);
    type_free(s->type);
    ast_free(s->expr);
    ast_free(s->head);
    free(s);
}

void program_add(ast_program *p, ast_stmt *s)
{
    if (p->last)
        p->last->next = s;
    else
        p->first = s;
    p->last = s;
    p->n++;
}

void program_free(ast_program *p)
{
    for (ast_stmt *s = p->first, *next; s; s = next) {
        next = s->next;
        stmt_free(s);
    }
    p->first = p->last = NULL;
    p->n = 0;
}

const char *ast_binop_text(enum ast_binop op)
{
    static const char *const text[] = { "+", "-", "*", "/", ".*", "./", "^", ".^" };
    return text[op];
}
