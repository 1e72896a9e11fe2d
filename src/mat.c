/* mat.c: the few dense linear-algebra routines the evaluator needs,
 * in MPFR: products, determinants and inverses by Gaussian elimination
 * with partial pivoting. */
#include "mat.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "arena.h"

/* The evaluator checks every size against its limits first (eval.h), so
 * this only stops a bug from turning into a heap overflow. */
static size_t checked_len(int rows, int cols)
{
    if (rows < 0 || cols < 0 || (cols && (size_t)rows > SIZE_MAX / sizeof(mpfr_t) / (size_t)cols)) {
        fprintf(stderr, "nnderive: internal error: a %d x %d matrix\n", rows, cols);
        abort();
    }
    return (size_t)rows * (size_t)cols;
}

void mat_init(nd_mat *m, int rows, int cols, mpfr_prec_t prec)
{
    m->rows = rows;
    m->cols = cols;
    size_t n = checked_len(rows, cols);
    m->a = xmalloc((n ? n : 1) * sizeof *m->a);
    for (size_t i = 0; i < n; i++) {
        mpfr_init2(m->a[i], prec);
        mpfr_set_zero(m->a[i], 1);
    }
}

void mat_clear(nd_mat *m)
{
    if (!m->a)
        return;
    size_t n = mat_len(m);
    for (size_t i = 0; i < n; i++)
        mpfr_clear(m->a[i]);
    free(m->a);
    m->a = NULL;
}

size_t mat_len(const nd_mat *m)
{
    return (size_t)m->rows * (size_t)m->cols;
}

void mat_copy(nd_mat *dst, const nd_mat *src)
{
    size_t n = mat_len(src);
    for (size_t i = 0; i < n; i++)
        mpfr_set(dst->a[i], src->a[i], MPFR_RNDN);
}

void mat_matmul(nd_mat *out, const nd_mat *a, const nd_mat *b)
{
    mpfr_t t;
    mpfr_init2(t, mpfr_get_prec(out->a[0]));
    for (int i = 0; i < a->rows; i++)
        for (int j = 0; j < b->cols; j++) {
            mpfr_set_zero(MAT(out, i, j), 1);
            for (int k = 0; k < a->cols; k++) {
                mpfr_mul(t, MAT(a, i, k), MAT(b, k, j), MPFR_RNDN);
                mpfr_add(MAT(out, i, j), MAT(out, i, j), t, MPFR_RNDN);
            }
        }
    mpfr_clear(t);
}

static void swap_rows(nd_mat *m, int r1, int r2)
{
    for (int j = 0; j < m->cols; j++)
        mpfr_swap(MAT(m, r1, j), MAT(m, r2, j));
}

/* A pivot this small relative to the matrix means singular: rounding makes
 * an exact zero pivot rare, and a rank-deficient matrix (X*X' with more rows
 * than columns) must leave the domain rather than give huge values. */
static void singular_threshold(mpfr_t thr, const nd_mat *m)
{
    mpfr_set_zero(thr, 1);
    size_t len = mat_len(m);
    for (size_t e = 0; e < len; e++)
        if (mpfr_cmpabs(m->a[e], thr) > 0)
            mpfr_abs(thr, m->a[e], MPFR_RNDN);
    mpfr_mul_2si(thr, thr, -(long)(mpfr_get_prec(thr) / 2), MPFR_RNDN);
}

/* The row at or below `col` with the largest entry in that column. */
static int pivot_row(const nd_mat *m, int col)
{
    int best = col;
    for (int i = col + 1; i < m->rows; i++)
        if (mpfr_cmpabs(MAT(m, i, col), MAT(m, best, col)) > 0)
            best = i;
    return best;
}

/* row r -= f * row p, from column `from` on */
static void eliminate(nd_mat *m, int r, int p, const mpfr_t f, int from, mpfr_t t)
{
    for (int j = from; j < m->cols; j++) {
        mpfr_mul(t, f, MAT(m, p, j), MPFR_RNDN);
        mpfr_sub(MAT(m, r, j), MAT(m, r, j), t, MPFR_RNDN);
    }
}

int mat_det(mpfr_t det, const nd_mat *a)
{
    mpfr_prec_t prec = mpfr_get_prec(det);
    nd_mat m;
    mat_init(&m, a->rows, a->cols, prec);
    mat_copy(&m, a);
    mpfr_t f, t, thr;
    mpfr_inits2(prec, f, t, thr, (mpfr_ptr)0);
    singular_threshold(thr, a);
    mpfr_set_ui(det, 1, MPFR_RNDN);
    int singular = 0;
    for (int c = 0; c < m.rows && !singular; c++) {
        int p = pivot_row(&m, c);
        if (mpfr_cmpabs(MAT(&m, p, c), thr) <= 0) {
            singular = 1;
            break;
        }
        if (p != c) {
            swap_rows(&m, p, c);
            mpfr_neg(det, det, MPFR_RNDN);
        }
        mpfr_mul(det, det, MAT(&m, c, c), MPFR_RNDN);
        for (int r = c + 1; r < m.rows; r++) {
            mpfr_div(f, MAT(&m, r, c), MAT(&m, c, c), MPFR_RNDN);
            eliminate(&m, r, c, f, c, t);
        }
    }
    if (singular)
        mpfr_set_zero(det, 1);
    mpfr_clears(f, t, thr, (mpfr_ptr)0);
    mat_clear(&m);
    return singular;
}

int mat_inverse(nd_mat *out, const nd_mat *a)
{
    int n = a->rows;
    mpfr_prec_t prec = mpfr_get_prec(out->a[0]);
    nd_mat m;       /* [a | I] reduced to [I | inv(a)] */
    mat_init(&m, n, 2 * n, prec);
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++)
            mpfr_set(MAT(&m, i, j), MAT(a, i, j), MPFR_RNDN);
        mpfr_set_ui(MAT(&m, i, n + i), 1, MPFR_RNDN);
    }
    mpfr_t f, t, thr;
    mpfr_inits2(prec, f, t, thr, (mpfr_ptr)0);
    singular_threshold(thr, a);
    int singular = 0;
    for (int c = 0; c < n && !singular; c++) {
        int p = pivot_row(&m, c);
        if (mpfr_cmpabs(MAT(&m, p, c), thr) <= 0) {
            singular = 1;
            break;
        }
        swap_rows(&m, p, c);
        mpfr_set(f, MAT(&m, c, c), MPFR_RNDN);
        for (int j = 0; j < 2 * n; j++)
            mpfr_div(MAT(&m, c, j), MAT(&m, c, j), f, MPFR_RNDN);
        for (int r = 0; r < n; r++)
            if (r != c) {
                mpfr_set(f, MAT(&m, r, c), MPFR_RNDN);
                eliminate(&m, r, c, f, 0, t);
            }
    }
    for (int i = 0; i < n && !singular; i++)
        for (int j = 0; j < n; j++)
            mpfr_set(MAT(out, i, j), MAT(&m, i, n + j), MPFR_RNDN);
    mpfr_clears(f, t, thr, (mpfr_ptr)0);
    mat_clear(&m);
    return singular;
}
