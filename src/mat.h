/* mat.h: dense matrices of MPFR numbers (row-major) for the evaluator. */
#ifndef ND_MAT_H
#define ND_MAT_H

#include <mpfr.h>
#include <stddef.h>

typedef struct nd_mat {
    int rows, cols;
    mpfr_t *a;
} nd_mat;

#define MAT(m, i, j) ((m)->a[(size_t)(i) * (size_t)(m)->cols + (size_t)(j)])

void mat_init(nd_mat *m, int rows, int cols, mpfr_prec_t prec);  /* zeros */
void mat_clear(nd_mat *m);
size_t mat_len(const nd_mat *m);
void mat_copy(nd_mat *dst, const nd_mat *src);                  /* same size */
void mat_matmul(nd_mat *out, const nd_mat *a, const nd_mat *b); /* out is new */
/* det(a); returns 1 when a is exactly singular. */
int mat_det(mpfr_t det, const nd_mat *a);
/* inv(a) into out; returns 1 (out unspecified) when a is singular. */
int mat_inverse(nd_mat *out, const nd_mat *a);

#endif
