/* test_shape.c: typing: inference by first letter, symbolic unification,
 * broadcasting, the 1x1-is-scalar rule, and shape errors. */
#include <string.h>

#include "ctx.h"
#include "expr.h"
#include "helpers.h"
#include "mk.h"
#include "parse.h"
#include "run.h"
#include "scope.h"
#include "shape.h"

START_TEST(inference_by_first_letter)
{
    char *out = t_emit("L = x'*A*y + b*sum(z)", ND_EXPLAIN);
    ck_assert_ptr_nonnull(out);
    ck_assert_ptr_nonnull(strstr(out, "x : vector(x_rows)"));
    ck_assert_ptr_nonnull(strstr(out, "A : matrix(x_rows, A_cols)"));
    ck_assert_ptr_nonnull(strstr(out, "y : vector(A_cols)"));
    ck_assert_ptr_nonnull(strstr(out, "b : scalar"));
    nd_free(out);
}
END_TEST

START_TEST(declarations_win)
{
    /* declared after use, and a matrix-letter name declared a vector */
    char *out = t_emit("L = X'*A*X\nX : vector(n)", ND_EXPLAIN);
    ck_assert_ptr_nonnull(out);
    ck_assert_ptr_nonnull(strstr(out, "X : vector(n)"));
    ck_assert_ptr_nonnull(strstr(out, "A : matrix(n, n)"));
    nd_free(out);
}
END_TEST

START_TEST(inferred_unify_with_numbers)
{
    char *out = t_emit("x : vector(3)\nL = x'*y", ND_EXPLAIN);
    ck_assert_ptr_nonnull(strstr(out, "y : vector(3)"));
    nd_free(out);
}
END_TEST

START_TEST(declared_names_never_merge)
{
    ck_assert_ptr_nonnull(strstr(t_error("x : vector(m)\ny : vector(n)\nL = x'*y"),
                                 "shape mismatch"));
    ck_assert_ptr_nonnull(strstr(t_error("x : vector(3)\ny : vector(4)\nL = x'*y"),
                                 "shape mismatch"));
}
END_TEST

START_TEST(scalar_rule)
{
    /* x'*y is 1 x 1, hence a scalar that scales A */
    const char *p = "x, y : vector(n)\nA : matrix(m, k)\nL = sum((x'*y)*A)\nwrt x";
    ck_assert_int_eq(t_check(p, "sum(A)*y"), 0);
}
END_TEST

START_TEST(broadcasting)
{
    /* a scalar to every entry, a column across a matrix, a row down it */
    ck_assert_int_eq(t_check("x : vector(n)\nL = sum(1 - x)\nwrt x", "-vector(1)"), 0);
    ck_assert_int_eq(t_check("X : matrix(n, k)\nb : vector(n)\nL = sum(exp(X + b))\nwrt b",
                             "exp(X + b)*vector(1)"), 0);
    ck_assert_int_eq(t_check("X : matrix(n, k)\nb : vector(k)\nL = sum(exp(X + b'))\nwrt b",
                             "exp(X + b')'*vector(1)"), 0);
    ck_assert_int_eq(t_check("X : matrix(n, k)\nb : vector(n)\nL = sum(b .* X)\nwrt b",
                             "X*vector(1)"), 0);
    ck_assert_ptr_nonnull(strstr(t_error("X : matrix(n, k)\nb : vector(k)\nL = sum(X + b)"),
                                 "shape mismatch in '+'"));
}
END_TEST

START_TEST(dimension_as_number)
{
    ck_assert_int_eq(t_check("x : vector(n)\nL = sum(x)/n\nwrt x", "vector(1)/n"), 0);
    ck_assert_int_eq(t_check("x : vector(n)\nL = sum(x)/n\nwrt x", "vector(1)"), 1);
}
END_TEST

START_TEST(assumption_types)
{
    char *out = t_emit("S : symmetric(n)\nP : spd(n)\np : simplex(n)\nY : onehot(C, N)\n"
                       "L = sum(S*P*p) + sum(Y)", ND_EXPLAIN);
    ck_assert_ptr_nonnull(out);
    ck_assert_ptr_nonnull(strstr(out, "S : symmetric(n)"));
    ck_assert_ptr_nonnull(strstr(out, "P : spd(n)"));
    ck_assert_ptr_nonnull(strstr(out, "p : simplex(n)"));
    ck_assert_ptr_nonnull(strstr(out, "Y : onehot(C, N)"));
    nd_free(out);
}
END_TEST

START_TEST(function_shapes)
{
    /* logsumexp of a matrix is one number per column; diag both ways */
    ck_assert_int_eq(t_check("X : matrix(n, k)\nw : vector(k)\nL = logsumexp(X)*w\nwrt w",
                             "logsumexp(X)'"), 0);
    ck_assert_int_eq(t_check("A : matrix(n, n)\nx : vector(n)\nL = x'*diag(A)\nwrt x",
                             "diag(A)"), 0);
    ck_assert_ptr_nonnull(strstr(t_error("A : matrix(m, n)\nL = sum(diag(A))"), "square"));
}
END_TEST

/* An answer is typed against the program's dimensions without adding
 * constraints: x and y have unrelated sizes, so y cannot stand for dL/dx. */
START_TEST(answers_add_no_constraints)
{
    ck_assert_int_eq(t_check("L = x'*x + y'*y\nwrt x", "2*y"), 1);
    ck_assert_int_eq(t_check("L = x'*x + y'*y\nwrt x", "2*x"), 0);
}
END_TEST

/* Hash-consing does not depend on unification: the broadcast of 1 to a
 * vector of a fresh dimension, built again after that dimension was
 * unified with another, is the same node (pointer equality is structural
 * equality, expr.h); so are eye() and a dimension's value. */
START_TEST(hash_consing_survives_unification)
{
    nd_source src = { .name = "<t>", .text = "", .len = 0 };
    nd_ctx *ctx = run_new(&src);
    nd_dim a = dim_fresh(ctx, "a_rows"), b = dim_fresh(ctx, "b_rows");
    nd_dim c = dim_declared(ctx, "n");     /* a declared name: the class's root */
    nd_node *one = mk_int(ctx, 1);
    nd_node *va = mk_bcast(ctx, one, shape_make(a, dim_const(ctx, 1)));
    nd_node *ea = expr_eye(ctx, a), *sa = mk_dim(ctx, a);
    ck_assert(dim_unify(ctx, b, a) && dim_unify(ctx, a, c));
    ck_assert_int_eq(dim_find(ctx, a), dim_find(ctx, c));
    ck_assert_ptr_eq(mk_bcast(ctx, one, shape_make(c, dim_const(ctx, 1))), va);
    ck_assert_ptr_eq(mk_bcast(ctx, one, shape_make(b, dim_const(ctx, 1))), va);
    ck_assert_ptr_eq(expr_eye(ctx, c), ea);
    ck_assert_ptr_eq(mk_dim(ctx, b), sa);
    nd_dim d = dim_fresh(ctx, "d_rows");     /* not unified: another node */
    ck_assert_ptr_ne(mk_bcast(ctx, one, shape_make(d, dim_const(ctx, 1))), va);
    ck_assert_ptr_ne(expr_eye(ctx, d), ea);
    run_free(ctx);
}
END_TEST

static void count_notes(nd_ctx *ctx)
{
    diag_note(ctx, (nd_loc){ 0, 0, 0, 0, NULL }, "notes");
}

/* The ctx's parts belong to their modules (ctx.h): run_reset has each
 * owner forget its part (nodes, dimensions, names, the first error) and
 * keeps the messages before the mark, the landing site and the upcall,
 * which elaboration's second pass relies on. */
START_TEST(run_reset_resets_each_part)
{
    nd_source src = { .name = "<t>", .text = "", .len = 0 };
    nd_ctx *ctx = run_new(&src);
    ctx->err->shape_notes = count_notes;
    diag_warning(ctx, (nd_loc){ 0, 0, 0, 0, NULL }, "kept");
    size_t mark = ctx->err->diag.len;
    nd_dim n = dim_declared(ctx, "n");
    scope_define(ctx, "n", SYM_DIM, n);
    scope_add_var(ctx, "x", (nd_loc){ 0, 0, 0, 0, NULL }, shape_make(n, DIM_ONE), 1, AS_NONE);
    mk_memo_transposes(ctx, 1);
    diag_error(ctx, (nd_loc){ 0, 0, 0, 0, NULL }, "dropped");
    ck_assert_int_eq(ctx->err->err_kind, ERR_INPUT);
    run_reset(ctx, mark);
    ck_assert_int_eq(ctx->dag->n_nodes, 0);
    ck_assert_int_eq(ctx->dimtab->n_dims, 1);       /* DIM_ONE */
    ck_assert_int_eq(ctx->scope->n_vars, 0);
    ck_assert_ptr_null(scope_lookup(ctx, "n"));
    ck_assert_int_eq(ctx->dag->tr_memo_on, 0);
    ck_assert_int_eq(ctx->err->err_kind, ERR_NONE);
    ck_assert_ptr_null(ctx->err->err_msg);
    ck_assert_str_eq(sb_str(&ctx->err->diag), "nnderive: warning: kept\n");
    DIAG_TRY(ctx, jb) {
        shape_fail(ctx, (nd_loc){ 0, 0, 0, 0, NULL }, "bad %s", "shape");
    }
    DIAG_END_TRY(ctx, jb);
    ck_assert_int_eq(ctx->err->err_kind, ERR_SHAPE);
    ck_assert_str_eq(sb_str(&ctx->err->diag) + mark,
                     "nnderive: error: bad shape\nnnderive: note: notes\n");
    run_free(ctx);
}
END_TEST

/* One error channel (diag.h): an error raised under an open catch is the
 * catch's (its text, its first error, its kind), not the run's, so that
 * the checker decides between a diagnostic and a verdict without taking
 * messages back; the innermost catch takes them, diag_forget_error clears
 * its kind, and after the catches close errors are the run's again. */
START_TEST(errors_under_a_catch_are_the_catchers)
{
    nd_source src = { .name = "<t>", .text = "", .len = 0 };
    nd_ctx *ctx = run_new(&src);
    ctx->err->shape_notes = count_notes;
    nd_loc none = { 0, 0, 0, 0, NULL };
    diag_catch outer, inner;
    diag_catch_open(ctx, &outer);
    diag_warning(ctx, none, "outer");
    diag_catch_open(ctx, &inner);
    volatile int landed = 0;
    DIAG_TRY(ctx, jb) {
        shape_fail(ctx, none, "bad %s", "shape");
    } else {
        landed = 1;
    }
    DIAG_END_TRY(ctx, jb);
    diag_catch_close(ctx, &inner);
    ck_assert(landed);
    ck_assert_int_eq(inner.kind, ERR_SHAPE);
    ck_assert_str_eq(inner.msg, "bad shape");
    ck_assert_str_eq(sb_str(&inner.text), "nnderive: error: bad shape\nnnderive: note: notes\n");
    ck_assert_int_eq(outer.kind, ERR_NONE);
    ck_assert_str_eq(sb_str(&outer.text), "nnderive: warning: outer\n");
    diag_error(ctx, none, "expected");
    ck_assert_int_eq(outer.kind, ERR_INPUT);
    diag_forget_error(ctx);
    ck_assert_int_eq(outer.kind, ERR_NONE);
    diag_catch_close(ctx, &outer);
    ck_assert_int_eq(ctx->err->err_kind, ERR_NONE);
    ck_assert_ptr_null(ctx->err->err_msg);
    ck_assert_uint_eq(ctx->err->diag.len, 0);
    diag_catch_free(&inner);
    diag_catch_free(&outer);
    diag_error(ctx, none, "the run's");
    ck_assert_str_eq(ctx->err->err_msg, "the run's");
    run_free(ctx);
}
END_TEST

/* A syntax error travels the same way: reported through the ctx with its
 * position (the first error, for nd_first_error) and raised. */
START_TEST(syntax_errors_are_raised_through_the_ctx)
{
    nd_source src = { .name = "<t>", .text = "L = (x\n", .len = 7 };
    nd_ctx *ctx = run_new(&src);
    ast_program tree = { 0 };
    volatile int parsed = 0;
    DIAG_TRY(ctx, jb) {
        parse_source(ctx, &src, PARSE_PROGRAM, &tree, NULL);
        parsed = 1;
    }
    DIAG_END_TRY(ctx, jb);
    ck_assert(!parsed);
    ck_assert_ptr_null(tree.first);
    ck_assert_int_eq(ctx->err->err_kind, ERR_INPUT);
    ck_assert_ptr_nonnull(ctx->err->err_msg);
    ck_assert_int_eq(ctx->err->err_loc.first_line, 1);
    ck_assert_ptr_nonnull(strstr(sb_str(&ctx->err->diag), "<t>:1:"));
    ck_assert_ptr_nonnull(strstr(sb_str(&ctx->err->diag), "note: this '(' is not closed"));
    run_free(ctx);
}
END_TEST

/* An answer's first pass makes nodes over dimensions its second pass
 * takes back: the second must not find them (this read freed dimension
 * records, a crash or an MPFR abort, before expr_unlist_from). */
START_TEST(answer_passes_do_not_share_nodes)
{
    const char *prog = "x : vector(n)\nu : vector(m)\nL = sum(x)";
    ck_assert_int_eq(t_check(prog, "(matrix(2)*u).*x"), 1);
    ck_assert_int_eq(t_check(prog, "x.*(matrix(2)*u)"), 1);
    ck_assert_int_eq(t_check(prog, "vector(1) + 0*(matrix(2)*u).*x"), 0);
}
END_TEST

Suite *suite_shape(void)
{
    Suite *s = suite_create("shape");
    TCase *tc = tcase_create("shape");
    tcase_add_test(tc, inference_by_first_letter);
    tcase_add_test(tc, run_reset_resets_each_part);
    tcase_add_test(tc, errors_under_a_catch_are_the_catchers);
    tcase_add_test(tc, syntax_errors_are_raised_through_the_ctx);
    tcase_add_test(tc, declarations_win);
    tcase_add_test(tc, inferred_unify_with_numbers);
    tcase_add_test(tc, declared_names_never_merge);
    tcase_add_test(tc, scalar_rule);
    tcase_add_test(tc, broadcasting);
    tcase_add_test(tc, dimension_as_number);
    tcase_add_test(tc, assumption_types);
    tcase_add_test(tc, function_shapes);
    tcase_add_test(tc, answers_add_no_constraints);
    tcase_add_test(tc, hash_consing_survives_unification);
    tcase_add_test(tc, answer_passes_do_not_share_nodes);
    suite_add_tcase(s, tc);
    return s;
}
