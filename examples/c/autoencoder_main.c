/* autoencoder_main.c: calling the C that nnderive generates for
 * examples/autoencoder.nd.  Build and run (see the README):
 *
 *   ./build/nnderive examples/autoencoder.nd --c --name ae --header ae.h -o ae.c
 *   cc -std=c99 -O2 -I. examples/c/autoencoder_main.c ae.c -o ae_demo && ./ae_demo
 *
 * It evaluates L = 0.5*norm2(W'*W*x - x) and dL/dW for a 2 x 3 matrix W,
 * checks one entry of the gradient against a central difference, and
 * prints both. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "ae.h"

int main(void)
{
    enum { M = 2, N = 3 };
    double W[M * N] = { 0.5, -1.0, 0.25,     /* row-major: W[i*N + j] */
                        2.0, 0.75, -0.5 };
    double x[N] = { 1.0, -2.0, 0.5 };
    double grad_W[M * N];

    /* the dimensions in the order of ae_dim_names: m, n */
    const long dims[2] = { M, N };
    double *work = malloc(ae_work_size(dims) * sizeof *work);
    if (!work)
        return 1;

    double L = ae(M, N, W, x, grad_W, work);     /* the typed entry point */

    /* dL/dW[1][2] by a central difference, through the generic entry point
     * (a NULL gradient pointer skips that gradient) */
    const double h = 1e-6;
    const double *in[2] = { W, x };
    double *no_grad[1] = { NULL };
    W[1 * N + 2] += h;
    double up = ae_eval(dims, in, no_grad, work);
    W[1 * N + 2] -= 2 * h;
    double down = ae_eval(dims, in, no_grad, work);
    W[1 * N + 2] += h;
    double fd = (up - down) / (2 * h);

    printf("L = %.6f\n", L);
    for (int i = 0; i < M; i++)
        printf("dL/dW row %d: % .6f % .6f % .6f\n", i, grad_W[i * N], grad_W[i * N + 1],
               grad_W[i * N + 2]);
    printf("dL/dW[1][2] = %.6f, central difference %.6f\n", grad_W[1 * N + 2], fd);
    free(work);
    return fabs(fd - grad_W[1 * N + 2]) < 1e-6 ? 0 : 1;
}
