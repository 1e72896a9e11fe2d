/* hand.h: the hand-written peers of the code-generation benchmark
 * (bench/bench_codegen.c).  All matrices are row-major doubles. */
#ifndef BENCH_HAND_H
#define BENCH_HAND_H

/* Problem A, the linear autoencoder: W is m x n, x has n entries.
 * r = W'*W*x - x, returns L = 0.5*||r||^2 and writes
 * grad_W = (W*x)*r' + (W*r)*x' (m x n).  work: at least 2*m + 2*n doubles. */
double ae_hand(long m, long n, const double *W, const double *x,
               double *grad_W, double *work);

/* Problem B, the 2-layer swish network on a batch of N columns:
 * X is D x N, Y is C x N (one-hot columns), W1 H x D, b1 H, W2 C x H, b2 C.
 * Returns L = crossentropy(W2*swish(W1*X + b1) + b2, Y)/N and writes the
 * gradients dW1, db1, dW2, db2.  work: mlp_hand_work_size(...) doubles. */
double mlp_hand(long D, long H, long C, long N,
                const double *W1, const double *b1,
                const double *W2, const double *b2,
                const double *X, const double *Y,
                double *dW1, double *db1, double *dW2, double *db2,
                double *work);
long mlp_hand_work_size(long D, long H, long C, long N);

#endif
