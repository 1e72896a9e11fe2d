/* ae_hand.c: hand-written loss and gradient of the linear autoencoder,
 *   r = W'*W*x - x,  L = 0.5*||r||^2,  dL/dW = (W*x)*r' + (W*r)*x',
 * W m x n row-major.  O(mn) work in two read passes over W (the first gives
 * W*x and W'*(W*x) together, the second W*r and the gradient rows) and one
 * write pass over the gradient.  No allocation: work holds W*x (m) and r
 * (n), of the 2m + 2n doubles the signature promises. */
#include "hand.h"
#include "kernels.h"

/* Wx = W*x and u = W'*Wx in one pass: each row of W, while in cache, gives
 * its entry of Wx and then adds that entry times itself to u. */
static void forward_pass(long m, long n, const double *W, const double *x,
                         double *Wx, double *u)
{
    for (long j = 0; j < n; j++)
        u[j] = 0.0;
    for (long i = 0; i < m; i++) {
        const double *Wi = W + i * n;
        Wx[i] = dot(n, Wi, x);
        axpy(n, Wx[i], Wi, u);
    }
}

/* r = u - x in place; returns 0.5*||r||^2. */
static double residual(long n, const double *x, double *r)
{
    double s = 0.0;
    for (long j = 0; j < n; j++) {
        r[j] -= x[j];
        s += r[j] * r[j];
    }
    return 0.5 * s;
}

/* Row i of the gradient: Wx[i]*r + (W_i . r)*x, for every i. */
static void gradient_pass(long m, long n, const double *W, const double *x,
                          const double *Wx, const double *r, double *grad_W)
{
    for (long i = 0; i < m; i++) {
        double a = Wx[i], b = dot(n, W + i * n, r);
        double *g = grad_W + i * n;
        for (long j = 0; j < n; j++)
            g[j] = a * r[j] + b * x[j];
    }
}

double ae_hand(long m, long n, const double *W, const double *x,
               double *grad_W, double *work)
{
    double *Wx = work, *r = work + m;
    forward_pass(m, n, W, x, Wx, r);
    double L = residual(n, x, r);
    gradient_pass(m, n, W, x, Wx, r, grad_W);
    return L;
}
