/* test_scale.c: long programs take time in proportion to their length.
 *
 * A chain of thousands of elementwise layers, tens of thousands of uses of
 * one variable under --paths: each was quadratic or cubic somewhere.  (And
 * the memory of the chain: the kids of all nodes.)  The
 * bounds are CPU seconds (clock(), not wall time, which a loaded machine
 * stretches) with wide margins: the code as it is stays 20 to 50 times
 * under them, the code before the fixes went 10 to 100 times over.  And
 * the orders the fast paths keep are checked against a sort from scratch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "derive.h"
#include "helpers.h"
#include "mk.h"
#include "scope.h"
#include "strbuf.h"

static double cpu_seconds(void)
{
    return (double)clock() / CLOCKS_PER_SEC;
}

static int count(const char *s, const char *what)
{
    int n = 0;
    for (const char *p = strstr(s, what); p; p = strstr(p + 1, what))
        n++;
    return n;
}

/* decls, then x1 = PRE x0 POST, ..., xd = PRE x{d-1} POST, L = sum(xd),
 * then tail. */
static char *chain(int d, const char *decls, const char *pre, const char *post,
                   const char *tail)
{
    strbuf b;
    sb_init(&b);
    sb_puts(&b, decls);
    for (int k = 1; k <= d; k++)
        sb_printf(&b, "x%d = %sx%d%s\n", k, pre, k - 1, post);
    sb_printf(&b, "L = sum(x%d)\n%s", d, tail);
    char *p = strdup(sb_str(&b));
    sb_free(&b);
    return p;
}

/* x1 = tanh(x0), ..., L = sum(xd): one vector variable, no weights. */
static char *tanh_chain(int d)
{
    return chain(d, "x0 : vector(n)\n", "tanh(", ")", "");
}

/* The adjoint is the product of d factors (1 - xk.^2), one more per layer:
 * sorted from scratch at each it took minutes (cubic). */
START_TEST(tanh_chain_is_linear)
{
    char *p = tanh_chain(3000);
    const enum nd_format fmts[] = { ND_TEXT, ND_LATEX, ND_PATHS, ND_C, ND_STEPS };
    double t0 = cpu_seconds();
    for (size_t i = 0; i < sizeof fmts / sizeof *fmts; i++) {
        char *out = t_emit(p, fmts[i]);
        ck_assert_msg(out != NULL, "format %d failed", (int)fmts[i]);
        if (fmts[i] == ND_TEXT)     /* every layer's factor, once */
            ck_assert_int_eq(count(strstr(out, "dL/dx0 = "), "(1 - x"), 3000);
        nd_free(out);
    }
    double t = cpu_seconds() - t0;
    ck_assert_msg(t < T_CPU_BOUND(10), "3000 layers in five formats took %.1f s of CPU", t);
    free(p);
}
END_TEST

/* Nor does it make a node of each partial product on the way: the kids of
 * all nodes, a measure of the memory, grow linearly (they were 4.5 million
 * for 3000 layers, half the square). */
START_TEST(tanh_chain_makes_no_partial_products)
{
    char *p = tanh_chain(3000);
    t_internal t;
    t_internal_open(&t, p);
    nd_ctx *ctx = t.ctx;
    nd_node *g;
    derive_gradients(ctx, ctx->scope->binds[t.prog.objective].node, t.prog.wrt, 1, &g);
    ck_assert_int_eq((int)g->nkids, 3000);
    size_t kids = 0;
    for (uint32_t id = 0; id < ctx->dag->n_nodes; id++)
        kids += ctx->dag->nodes[id]->nkids;
    ck_assert_msg(kids < 20 * 3000, "%zu kids in all", kids);
    t_internal_free(&t);
    free(p);
}
END_TEST

/* The same chain, short enough to verify: the gradient is right. */
START_TEST(tanh_chain_verifies)
{
    char *p = tanh_chain(200);
    double worst = 1;
    ck_assert_int_eq(t_verify(p, &worst), 0);
    ck_assert_msg(worst < 1e-25, "worst relative error %g", worst);
    free(p);
}
END_TEST

/* x1 = x0 + a, x2 = x1 + a, ...: --paths notes each of the 60000 uses of a
 * with its line, which was found by reading the source from the top. */
START_TEST(many_uses_paths_is_linear)
{
    strbuf b;
    sb_init(&b);
    sb_puts(&b, "x0, a : vector(n)\n");
    for (int k = 1; k <= 60000; k++)
        sb_printf(&b, "x%d = x%d + a\n", k, k - 1);
    sb_puts(&b, "L = sum(x60000)\nwrt a\n");
    double t0 = cpu_seconds();
    char *out = t_emit(sb_str(&b), ND_PATHS);
    double t = cpu_seconds() - t0;
    ck_assert(out != NULL);
    ck_assert_int_eq(count(out, "dL/da via a at "), 60000);
    ck_assert_msg(strstr(out, "dL/da via a at 2:11 = vector(1)\n") != NULL, "%s",
                  strrchr(out, 'v'));
    ck_assert_msg(strstr(out, "dL/da via a at 60001:19 = vector(1)\n") != NULL, "%s",
                  strrchr(out, 'v'));
    ck_assert_msg(strstr(out, "\ndL/da = vector(60000)") != NULL, "%s", strrchr(out, 'v'));
    ck_assert_msg(t < T_CPU_BOUND(4), "60000 uses took %.1f s of CPU", t);
    nd_free(out);
    sb_free(&b);
}
END_TEST

/* x1 = tanh(x0.*s), ..., L = sum(xd), wrt s: s in every layer. */
static char *shared_chain(int d)
{
    return chain(d, "s, x0 : vector(n)\n", "tanh(", ".*s)", "wrt s\n");
}

/* Each layer's adjoint is the one above times (1 - xk.^2) and s, which
 * merges with its power there (s.^7.*s = s.^8): that sent the product to a
 * sort from scratch, n log n comparisons of deep factors at each of the
 * 3000 layers, 629 s.  (And the simplifier's look for symbolic powers to
 * merge paired every two factors of each of the 3000 terms.) */
START_TEST(shared_chain_is_fast)
{
    char *p = shared_chain(3000);
    double t0 = cpu_seconds();
    char *out = t_emit(p, ND_TEXT);
    double t = cpu_seconds() - t0;
    ck_assert(out != NULL);
    ck_assert_msg(strstr(out, "x0.*s.^2999.*") != NULL, "no term x0.*s.^2999");
    ck_assert_msg(t < T_CPU_BOUND(40), "3000 layers using s took %.1f s of CPU", t);
    nd_free(out);
    free(p);
}
END_TEST

/* The same, short enough to verify: the merged powers are right. */
START_TEST(shared_chain_verifies)
{
    char *p = shared_chain(60);
    double worst = 1;
    ck_assert_int_eq(t_verify(p, &worst), 0);
    ck_assert_msg(worst < 1e-25, "worst relative error %g", worst);
    free(p);
}
END_TEST

/* ---- the order the fast path keeps ---- */

static const char *const factor_program =
    "x, y, z, w : vector(n)\n"
    "a : scalar\n"
    "h = exp(x) + y\n"
    "L = sum(h)\n";

/* Factors of every kind the order tells apart: variables, calls, a named
 * value, powers (two of one base, which merge; and one of a variable,
 * which merges with it), a sum, a scaled factor. */
static int factors(nd_ctx *ctx, nd_node *h, nd_node **f)
{
    nd_node *x = ctx->scope->vars[0].node, *y = ctx->scope->vars[1].node, *z = ctx->scope->vars[2].node,
            *w = ctx->scope->vars[3].node, *a = ctx->scope->vars[4].node;
    int n = 0;
    f[n++] = x;
    f[n++] = w;
    f[n++] = mk_fn(ctx, OP_SIN, y);
    f[n++] = h;
    f[n++] = mk_fn(ctx, OP_TANH, z);
    f[n++] = mk_powi(ctx, z, 2);
    f[n++] = mk_fn(ctx, OP_COS, h);
    f[n++] = mk_sub(ctx, mk_ones(ctx, x->shape), mk_powi(ctx, y, 2));
    f[n++] = mk_fn(ctx, OP_EXP, w);
    f[n++] = mk_powi(ctx, z, -1);
    f[n++] = mk_mul(ctx, a, mk_fn(ctx, OP_SIGMOID, x));
    f[n++] = y;
    f[n++] = mk_powi(ctx, y, 3);        /* a power of a variable: y.^4 */
    return n;
}

static uint64_t next(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return *s >> 33;
}

/* Whatever the order the factors come in, one at a time from the left or
 * from the right, the product is the node of the canonical order. */
START_TEST(insertion_gives_the_sorted_product)
{
    t_internal t;
    t_internal_open(&t, factor_program);
    nd_ctx *ctx = t.ctx;
    nd_node *f[16], *first = NULL;
    int n = factors(ctx, ctx->scope->binds[0].node, f);
    uint64_t s = 12345;
    for (int round = 0; round < 200; round++) {
        for (int i = n - 1; i > 0; i--) {
            int j = (int)(next(&s) % (uint64_t)(i + 1));
            nd_node *tmp = f[i];
            f[i] = f[j];
            f[j] = tmp;
        }
        nd_node *r = f[0];
        for (int i = 1; i < n; i++)
            r = round % 2 ? mk_emul(ctx, r, f[i]) : mk_emul(ctx, f[i], r);
        if (!first)
            first = r;
        ck_assert_msg(r == first, "round %d gave another product", round);
        /* two halves: more new factors than are inserted, a sort from scratch */
        nd_node *lo = f[0], *hi = f[n / 2];
        for (int i = 1; i < n / 2; i++)
            lo = mk_emul(ctx, lo, f[i]);
        for (int i = n / 2 + 1; i < n; i++)
            hi = mk_emul(ctx, hi, f[i]);
        ck_assert_msg(mk_emul(ctx, lo, hi) == first, "round %d: not the sorted product", round);
    }
    t_internal_free(&t);
}
END_TEST

/* A product sorted while a factor was unnamed is out of order once a
 * later binding names it (named factors sort like variables): a factor
 * joining it must not keep the old order. */
START_TEST(naming_a_factor_resorts_the_product)
{
    t_internal t;
    t_internal_open(&t, factor_program);
    nd_ctx *ctx = t.ctx;
    nd_node *x = ctx->scope->vars[0].node, *y = ctx->scope->vars[1].node, *z = ctx->scope->vars[2].node,
            *w = ctx->scope->vars[3].node;
    nd_node *ex = mk_fn(ctx, OP_EXP, x), *sy = mk_fn(ctx, OP_SIN, y),
            *tz = mk_fn(ctx, OP_TANH, z);
    nd_node *f[] = { x, y, z, w, ex, sy };
    nd_node *p = f[0];
    for (int i = 1; i < 6; i++)
        p = mk_emul(ctx, p, f[i]);
    ck_assert_int_eq((int)p->nkids, 6);
    ck_assert(p->kid[4] == ex);        /* calls after variables */
    ex->flags |= NF_NAMED;              /* as `u = exp(x)` further down would */
    nd_node *joined = mk_emul(ctx, p, tz);
    nd_node *g[] = { tz, sy, ex, w, z, y, x };
    nd_node *fresh = g[0];
    for (int i = 1; i < 7; i++)
        fresh = mk_emul(ctx, fresh, g[i]);
    ck_assert(fresh->kid[0] == ex);     /* now first, before the variables */
    ck_assert_msg(joined == fresh, "the product kept the order from before the naming");
    t_internal_free(&t);
}
END_TEST

Suite *suite_scale(void)
{
    Suite *s = suite_create("scale");
    TCase *tc = tcase_create("scale");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, insertion_gives_the_sorted_product);
    tcase_add_test(tc, naming_a_factor_resorts_the_product);
    tcase_add_test(tc, tanh_chain_verifies);
    tcase_add_test(tc, tanh_chain_is_linear);
    tcase_add_test(tc, tanh_chain_makes_no_partial_products);
    tcase_add_test(tc, many_uses_paths_is_linear);
    tcase_add_test(tc, shared_chain_verifies);
    tcase_add_test(tc, shared_chain_is_fast);
    suite_add_tcase(s, tc);
    return s;
}
