/* test_dot.c: --dot is the graph it claims to be.
 *
 * The forward graph is read back: each node's label and its numbered
 * in-edges rebuild an expression in the language, each named node a
 * binding g_NAME, and elaborating those bindings next to the program must
 * give the very nodes of the program (the DAG is hash-consed, so equal
 * expressions are one node).  The backward graph's lines, with each adjoint
 * symbol replaced by its own line along the solid edges, must be the
 * gradient (--check, numerically).  Graphviz, when installed, lays out
 * every example. */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "helpers.h"
#include "ops.h"
#include "randprog.h"
#include "scope.h"
#include "shape.h"
#include "strbuf.h"

/* ---- a reader for the DOT we write ---- */

typedef struct gnode {
    char id[32];
    char *label;            /* unescaped */
    int named;              /* a binding's node: label "NAME = OP" */
    int shared_leaf;        /* shape=plaintext */
    int grad;               /* a backward line that is a gradient */
} gnode;

typedef struct gedge {
    int from, to;
    int pos;                /* the operand number, 0 when unordered */
    int dashed;
} gedge;

typedef struct graph {
    gnode *node;
    int n_nodes;
    gedge *edge;
    int n_edges;
    char *title;
} graph;

/* The quoted string at *s (after the opening quote), unescaped. */
static char *read_string(const char **s)
{
    strbuf b;
    sb_init(&b);
    const char *p = *s;
    for (; *p && *p != '"'; p++) {
        if (*p == '\\') {
            p++;
            ck_assert_msg(*p == 'n' || *p == '"' || *p == '\\', "bad escape \\%c", *p);
            sb_putc(&b, *p == 'n' ? '\n' : *p);
        } else {
            sb_putc(&b, *p);
        }
    }
    ck_assert_msg(*p == '"', "unterminated string");
    *s = p + 1;
    char *r = strdup(sb_str(&b));
    sb_free(&b);
    return r;
}

static int find_node(graph *g, const char *id)
{
    for (int i = 0; i < g->n_nodes; i++)
        if (!strcmp(g->node[i].id, id))
            return i;
    return -1;
}

/* Every statement on its own line, nodes declared before their edges. */
static void read_graph(const char *text, graph *g)
{
    memset(g, 0, sizeof *g);
    int cap_n = 16, cap_e = 16;
    g->node = malloc((size_t)cap_n * sizeof *g->node);
    g->edge = malloc((size_t)cap_e * sizeof *g->edge);
    ck_assert_msg(!strncmp(text, "digraph nnderive {\n", 19), "not a digraph: %.40s", text);
    int depth = 1;
    for (const char *line = strchr(text, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
        while (*line == ' ')
            line++;
        const char *end = strchr(line, '\n');
        ck_assert_msg(end != NULL, "the last line is not terminated");
        char a[32], b[32];
        int len;
        if (!strncmp(line, "}", 1)) {
            depth--;
        } else if (!strncmp(line, "subgraph cluster_", 17)) {
            depth++;
        } else if (!strncmp(line, "graph [", 7)) {
            const char *t = strstr(line, "label=\"");
            ck_assert(t && t < end);
            t += 7;
            g->title = read_string(&t);
        } else if (!strncmp(line, "node [", 6) || !strncmp(line, "edge [", 6) ||
                   !strncmp(line, "label=", 6)) {
            /* defaults and cluster titles */
        } else if (sscanf(line, "%31[a-z0-9_] -> %31[a-z0-9_]%n", a, b, &len) == 2) {
            int f = find_node(g, a), t = find_node(g, b);
            ck_assert_msg(f >= 0 && t >= 0, "edge %s -> %s before its nodes", a, b);
            if (g->n_edges == cap_e)
                g->edge = realloc(g->edge, (size_t)(cap_e *= 2) * sizeof *g->edge);
            gedge *e = &g->edge[g->n_edges++];
            *e = (gedge){ .from = f, .to = t };
            const char *attrs = line + len;
            const char *l = strstr(attrs, "label=\"");
            if (l && l < end)
                e->pos = atoi(l + 7);
            const char *d = strstr(attrs, "dashed");
            e->dashed = d && d < end;
        } else if (sscanf(line, "%31[a-z0-9_] [label=\"%n", a, &len) == 1 && len > 0) {
            ck_assert_msg(find_node(g, a) < 0, "node %s declared twice", a);
            if (g->n_nodes == cap_n)
                g->node = realloc(g->node, (size_t)(cap_n *= 2) * sizeof *g->node);
            gnode *n = &g->node[g->n_nodes++];
            memset(n, 0, sizeof *n);
            strcpy(n->id, a);
            const char *s = line + len;
            n->label = read_string(&s);
            n->named = strstr(s, "#fff2cc") != NULL && strstr(s, "#fff2cc") < end;
            n->shared_leaf = strstr(s, "plaintext") != NULL && strstr(s, "plaintext") < end;
            n->grad = a[0] == 's' && strstr(s, "filled") && strstr(s, "filled") < end;
        } else {
            ck_abort_msg("unexpected line: %.*s", (int)(end - line), line);
        }
        ck_assert_msg(end[-1] == ';' || end[-1] == '{' || end[-1] == '}',
                      "a statement without its ';': %.*s", (int)(end - line), line);
    }
    ck_assert_int_eq(depth, 0);
    ck_assert(g->title != NULL);
}

static void free_graph(graph *g)
{
    for (int i = 0; i < g->n_nodes; i++)
        free(g->node[i].label);
    free(g->node);
    free(g->edge);
    free(g->title);
}

/* ---- the forward graph, rebuilt as bindings ---- */

/* Splits "r = +\nn x 1" into the operator "+" and the name "r". */
static void split_label(const gnode *n, char *op, size_t opsz, char *name, size_t namesz)
{
    const char *l = n->label;
    const char *nl = strchr(l, '\n');
    size_t first = nl ? (size_t)(nl - l) : strlen(l);
    name[0] = 0;
    const char *eq = strstr(l, " = ");
    if (n->named && eq && (size_t)(eq - l) < first) {
        snprintf(name, namesz, "%.*s", (int)(eq - l), l);
        l = eq + 3;
        first -= (size_t)(eq + 3 - n->label);
    }
    snprintf(op, opsz, "%.*s", (int)first, l);
}

/* The shape line "n x 1", or "" for a scalar. */
static const char *shape_line(const gnode *n)
{
    const char *nl = strchr(n->label, '\n');
    return nl ? nl + 1 : "";
}

typedef struct rebuild {
    graph *g;
    char **text;            /* by node: its expression, or its binding's name */
    strbuf *bindings;
} rebuild;

static const char *expr_of(rebuild *r, int v);

/* The operands of v in order: the edges into v sorted by their number. */
static int operands(rebuild *r, int v, int *kid, int max)
{
    int n = 0;
    for (int e = 0; e < r->g->n_edges; e++) {
        gedge *ed = &r->g->edge[e];
        if (ed->to != v || ed->dashed)
            continue;
        ck_assert(n < max);
        int at = ed->pos ? ed->pos - 1 : n;
        ck_assert_msg(at < max, "operand number %d", ed->pos);
        kid[at] = ed->from;
        n++;
    }
    return n;
}

static void put_operand(rebuild *r, strbuf *b, int v)
{
    sb_printf(b, "(%s)", expr_of(r, v));
}

static const char *expr_of(rebuild *r, int v)
{
    if (r->text[v])
        return r->text[v];
    gnode *n = &r->g->node[v];
    char op[64], name[64];
    split_label(n, op, sizeof op, name, sizeof name);
    int kid[16], nk = operands(r, v, kid, 16);
    strbuf b;
    sb_init(&b);
    if (nk == 0) {
        sb_puts(&b, op);                        /* a variable or a constant */
    } else if (!strcmp(op, "+") || !strcmp(op, "*") || !strcmp(op, ".*") || !strcmp(op, ".^")) {
        for (int i = 0; i < nk; i++) {
            if (i)
                sb_puts(&b, op);
            put_operand(r, &b, kid[i]);
        }
    } else if (!strcmp(op, "transpose")) {
        put_operand(r, &b, kid[0]);
        sb_putc(&b, '\'');
    } else if (op[0] == '^') {
        put_operand(r, &b, kid[0]);
        sb_puts(&b, op);
    } else if (!strcmp(op, "broadcast")) {
        /* the printer's forms: the shape says which */
        const char *to = shape_line(n), *from = shape_line(&r->g->node[kid[0]]);
        int to_col = strstr(to, " x 1") && !strcmp(strstr(to, " x 1"), " x 1");
        int to_row = !strncmp(to, "1 x ", 4);
        if (!*from) {
            sb_puts(&b, to_col || to_row ? "vector" : "matrix");
            put_operand(r, &b, kid[0]);
            if (to_row)
                sb_putc(&b, '\'');
        } else if (strstr(from, " x 1") && !strcmp(strstr(from, " x 1"), " x 1")) {
            put_operand(r, &b, kid[0]);
            sb_puts(&b, "*vector(1)'");
        } else {
            sb_puts(&b, "vector(1)*");
            put_operand(r, &b, kid[0]);
        }
    } else {                                    /* a function */
        sb_printf(&b, "%s(", op);
        for (int i = 0; i < nk; i++)
            sb_printf(&b, "%s%s", i ? ", " : "", expr_of(r, kid[i]));
        sb_putc(&b, ')');
    }
    if (name[0]) {
        sb_printf(r->bindings, "g_%s = %s\n", name, sb_str(&b));
        sb_free(&b);
        sb_init(&b);
        sb_printf(&b, "g_%s", name);
    }
    r->text[v] = strdup(sb_str(&b));
    sb_free(&b);
    return r->text[v];
}

/* The same expression: nodes are hash-consed, but a shape's dimension may
 * have been unified after its node was made (vector(1) takes its size
 * from the context), so compare structure with dimensions resolved. */
static int same_tree(nd_ctx *ctx, const nd_node *a, const nd_node *b)
{
    if (a == b)
        return 1;
    if (a->op != b->op || a->nkids != b->nkids || !shape_equal(ctx, a->shape, b->shape))
        return 0;
    switch (a->op) {
    case OP_CONST: return mpq_equal(a->u.q, b->u.q);
    case OP_VAR: return a->u.var == b->u.var;
    case OP_DIMVAL:
    case OP_EYE: return dim_same(ctx, a->u.dim, b->u.dim);
    case OP_SYM: return !strcmp(a->u.name, b->u.name);
    case OP_MPOW: if (a->u.k != b->u.k) return 0; break;
    default: break;
    }
    for (uint32_t i = 0; i < a->nkids; i++)
        if (!same_tree(ctx, a->kid[i], b->kid[i]))
            return 0;
    return 1;
}

/* Rebuilds every named forward node as g_NAME and checks that it is the
 * program's NAME. */
static void check_forward(const char *program, graph *g)
{
    rebuild r = { g, calloc((size_t)g->n_nodes + 1, sizeof(char *)), NULL };
    strbuf bindings;
    sb_init(&bindings);
    r.bindings = &bindings;
    int sinks = 0, n_named = 0;
    for (int v = 0; v < g->n_nodes; v++) {
        if (g->node[v].id[0] != 'n')
            continue;
        int out = 0;
        for (int e = 0; e < g->n_edges; e++)
            out += g->edge[e].from == v && g->edge[e].to < g->n_nodes &&
                   g->node[g->edge[e].to].id[0] == 'n';
        sinks += out == 0;
        n_named += g->node[v].named;
        expr_of(&r, v);
    }
    ck_assert_msg(sinks == 1, "%d sinks in the forward graph", sinks);
    ck_assert_msg(n_named >= 1, "no named node (the objective is one) in\n%s", program);
    strbuf prog;
    sb_init(&prog);
    sb_printf(&prog, "%s\n%s", program, sb_str(&bindings));
    t_internal t;
    t_internal_open(&t, sb_str(&prog));
    int checked = 0;
    for (int b = 0; b < t.ctx->scope->n_binds; b++) {
        const char *nm = t.ctx->scope->binds[b].name;
        if (strncmp(nm, "g_", 2))
            continue;
        struct nd_sym *orig = scope_lookup(t.ctx, nm + 2);
        ck_assert_msg(orig && orig->kind == SYM_BIND, "no binding %s", nm + 2);
        ck_assert_msg(same_tree(t.ctx, t.ctx->scope->binds[orig->index].node, t.ctx->scope->binds[b].node),
                      "the graph's %s is not the program's:\n%s", nm, sb_str(&prog));
        checked++;
    }
    ck_assert_int_eq(checked, n_named);
    t_internal_free(&t);
    sb_free(&prog);
    sb_free(&bindings);
    for (int v = 0; v < g->n_nodes; v++)
        free(r.text[v]);
    free(r.text);
}

/* ---- the backward graph, composed ---- */

/* Replaces each symbol dL/dNAME in line i by its own line, recursively;
 * checks that the solid edges into i are exactly the symbols it reads. */
static char *compose(graph *g, int v, const char *obj)
{
    const char *label = g->node[v].label;
    const char *rhs = strstr(label, " = ");
    ck_assert(rhs != NULL);
    rhs += 3;
    strbuf b;
    sb_init(&b);
    char prefix[80];
    int plen = snprintf(prefix, sizeof prefix, "d%s/d", obj);
    int n_syms = 0;
    for (const char *p = rhs; *p;) {
        if (!strncmp(p, prefix, (size_t)plen) && (p == rhs || !isalnum((unsigned char)p[-1]))) {
            const char *q = p + plen;
            while (isalnum((unsigned char)*q) || *q == '_')
                q++;
            int src = -1;
            for (int e = 0; e < g->n_edges; e++) {
                const char *fl = g->node[g->edge[e].from].label;
                if (g->edge[e].to == v && !g->edge[e].dashed &&
                    !strncmp(fl, p, (size_t)(q - p)) && !strncmp(fl + (q - p), " = ", 3))
                    src = g->edge[e].from;
            }
            ck_assert_msg(src >= 0, "no edge brings %.*s to %s", (int)(q - p), p, label);
            char *sub = compose(g, src, obj);
            sb_printf(&b, "(%s)", sub);
            free(sub);
            n_syms++;
            p = q;
        } else {
            sb_putc(&b, *p++);
        }
    }
    int solid = 0;
    for (int e = 0; e < g->n_edges; e++)
        solid += g->edge[e].to == v && !g->edge[e].dashed;
    /* one edge per distinct symbol; a symbol may be read twice */
    ck_assert_msg(solid <= n_syms && (solid > 0) == (n_syms > 0),
                  "%d solid edges into %s", solid, label);
    char *r = strdup(sb_str(&b));
    sb_free(&b);
    return r;
}

static void check_backward(const char *program, graph *g, const char *obj)
{
    int grads = 0;
    for (int v = 0; v < g->n_nodes; v++) {
        if (!g->node[v].grad)
            continue;
        char var[64];
        const char *l = g->node[v].label;
        ck_assert(sscanf(l, "d%*[^/]/d%63[A-Za-z0-9_] = ", var) == 1);
        char *answer = compose(g, v, obj);
        const char *wrt[] = { var };
        nd_config cfg = { .wrt = wrt, .n_wrt = 1 };
        nd_session *s = nd_open("dot", program, strlen(program), &cfg);
        char *verdict = NULL;
        int st = nd_check(s, answer, &verdict);
        ck_assert_msg(st == 0, "the backward graph's dL/d%s = %s: %s\nof the program\n%s", var,
                      answer, verdict ? verdict : nd_diagnostics(s), program);
        nd_free(verdict);
        nd_close(s);
        free(answer);
        grads++;
    }
    /* as many as the text mode prints (none when L depends on no variable) */
    char *text = t_emit(program, ND_TEXT);
    ck_assert(text != NULL);
    char label[80];
    int len = snprintf(label, sizeof label, "d%s/d", obj), lines = 0;
    for (const char *p = text; *p; p = strchr(p, '\n') + 1)
        lines += !strncmp(p, label, (size_t)len);
    nd_free(text);
    ck_assert_msg(grads == lines, "%d gradients in the backward graph, %d in the text of\n%s",
                  grads, lines, program);
}

static void check_program(const char *program)
{
    char *fwd = t_emit(program, ND_DOT);
    ck_assert_msg(fwd != NULL, "--dot failed on:\n%s", program);
    graph g;
    read_graph(fwd, &g);
    check_forward(program, &g);
    free_graph(&g);
    nd_free(fwd);

    char *both = t_emit(program, ND_DOT_STEPS);
    ck_assert_msg(both != NULL, "--dot --steps failed on:\n%s", program);
    read_graph(both, &g);
    char obj[64];
    ck_assert(sscanf(g.title, "%63[^:]", obj) == 1);
    check_forward(program, &g);
    check_backward(program, &g, obj);
    free_graph(&g);
    nd_free(both);
}

START_TEST(examples_read_back)
{
    char *text = t_slurp(t_examples[_i]);
    check_program(text);
    free(text);
}
END_TEST

/* Every kind of node: broadcasts of each form, constants, dimension
 * values, eye, powers, two-argument functions, named sums inside sums. */
static const char *const programs[] = {
    "X : matrix(m, n)\nb : vector(m)\nc : vector(n)\n"
    "L = sum(tanh(X + b + c' + 2))",
    "A : matrix(n, n)\nx : vector(n)\nL = x'*(A^3 + 2*eye(n))*x + tr(A.^3)/n",
    "Z : matrix(C, N)\nY : matrix(C, N)\nL = crossentropy(Z, Y)/N",
    "a : vector(n)\nb : vector(n)\nr = a + b\ns = r + a.*b\nL = norm2(s) + sum(exp(r))",
    "A : matrix(n, n)\nL = logdet(A'*A + eye(n)) - det(inv(A))",
    "x : vector(n)\ny : vector(n)\nalpha : scalar\nL = sum(logsoftmax(alpha*x) .* y) + 1/3",
};

START_TEST(programs_read_back)
{
    check_program(programs[_i]);
}
END_TEST

START_TEST(random_programs_read_back)
{
    for (int k = 0; k < 25; k++) {
        strbuf b;
        sb_init(&b);
        randprog((uint64_t)(_i * 25 + k) + 5000, 3, &b);
        check_program(sb_str(&b));
        sb_free(&b);
    }
}
END_TEST

/* A vector objective has a forward graph but no backward one. */
START_TEST(vector_objective)
{
    char *fwd = t_emit("W : matrix(m, n)\nx : vector(n)\ny = tanh(W*x)", ND_DOT);
    ck_assert(fwd != NULL);
    graph g;
    read_graph(fwd, &g);
    free_graph(&g);
    nd_free(fwd);
    ck_assert_ptr_null(t_emit("W : matrix(m, n)\nx : vector(n)\ny = tanh(W*x)", ND_DOT_STEPS));
}
END_TEST

/* nd_emit_file writes what nd_emit returns; a write error is status 2. */
START_TEST(emit_to_a_file)
{
    const char *prog = "W : matrix(m, n)\nx : vector(n)\nL = 0.5*norm2(W'*W*x - x)";
    nd_session *s = nd_open("f", prog, strlen(prog), NULL);
    char *text = NULL;
    ck_assert_int_eq(nd_emit(s, ND_DOT, NULL, &text), 0);
    FILE *f = tmpfile();
    ck_assert_int_eq(nd_emit_file(s, ND_DOT, NULL, f), 0);
    long len = ftell(f);
    ck_assert_int_eq(len, (long)strlen(text));
    rewind(f);
    char *back = calloc((size_t)len + 1, 1);
    ck_assert_int_eq(fread(back, 1, (size_t)len, f), (size_t)len);
    ck_assert_str_eq(back, text);
    fclose(f);
    free(back);
    nd_free(text);
    FILE *full = fopen("/dev/full", "w");
    if (full) {
        ck_assert_int_eq(nd_emit_file(s, ND_TEXT, NULL, full), 2);
        ck_assert_ptr_nonnull(strstr(nd_diagnostics(s), "cannot write the output"));
        fclose(full);
        ck_assert_int_eq(nd_status(s), 0);
    }
    nd_close(s);
}
END_TEST

START_TEST(graphviz_lays_out_examples)
{
    if (system("command -v dot >/dev/null 2>&1") != 0) {
        fprintf(stderr, "skipped: graphviz is not installed (apt-get install graphviz)\n");
        return;
    }
    for (int steps = 0; steps < 2; steps++) {
        char cmd[512];
        snprintf(cmd, sizeof cmd,
                 "./%s/nnderive %s --dot%s | dot -Tsvg -o /dev/null 2>&1 | grep . && exit 1; exit 0",
                 getenv("ND_BUILD") ? getenv("ND_BUILD") : "build", t_examples[_i],
                 steps ? " --steps" : "");
        ck_assert_msg(system(cmd) == 0, "dot rejects or warns about: %s", cmd);
    }
}
END_TEST

Suite *suite_dot(void)
{
    Suite *s = suite_create("dot");
    TCase *tc = tcase_create("dot");
    tcase_set_timeout(tc, 120);
    int n_ex = T_N_EXAMPLES;
    tcase_add_loop_test(tc, examples_read_back, 0, n_ex);
    tcase_add_loop_test(tc, programs_read_back, 0, (int)(sizeof programs / sizeof *programs));
    tcase_add_loop_test(tc, random_programs_read_back, 0, 4);
    tcase_add_test(tc, vector_objective);
    tcase_add_test(tc, emit_to_a_file);
    tcase_add_loop_test(tc, graphviz_lays_out_examples, 0, n_ex);
    suite_add_tcase(s, tc);
    return s;
}
