/* mlp_hand.c: hand-written loss and gradients of the 2-layer swish network
 * on a batch (columns of X are examples, Y one-hot labels), row-major:
 *   Z1 = W1*X + b1, H1 = Z1.*s (s = sigmoid(Z1)), Z2 = W2*H1 + b2,
 *   L = -sum(Y.*logsoftmax(Z2))/N (softmax down each column, max subtracted)
 *   G2 = (softmax(Z2) - Y)/N, dW2 = G2*H1', db2 = rowsums(G2),
 *   G1 = (W2'*G2).*(s + Z1.*s.*(1-s)), dW1 = G1*X', db1 = rowsums(G1).
 * Every product runs along rows (i-k-j order or row dot row).  No
 * allocation: work holds Z1, s, H1 (later G1), each H x N, and Z2 (later
 * G2), C x N. */
#include <math.h>

#include "hand.h"
#include "kernels.h"

long mlp_hand_work_size(long D, long H, long C, long N)
{
    (void)D;
    return 3 * H * N + C * N;
}

/* Z = A*B + b (b added to every column): A r x k, B k x c, Z r x c. */
static void matmul_bias(long r, long k, long c, const double *A,
                        const double *B, const double *b, double *Z)
{
    for (long i = 0; i < r; i++) {
        double *z = Z + i * c;
        for (long j = 0; j < c; j++)
            z[j] = b[i];
        for (long p = 0; p < k; p++)
            axpy(c, A[i * k + p], B + p * c, z);
    }
}

/* S = sigmoid(Z), H = Z.*S, over n entries. */
static void swish(long n, const double *Z, double *S, double *H)
{
    for (long i = 0; i < n; i++) {
        S[i] = 1.0 / (1.0 + exp(-Z[i]));
        H[i] = Z[i] * S[i];
    }
}

/* Column j of the C x N matrix Z: returns -Y(:,j) . logsoftmax(Z(:,j)) and
 * overwrites Z(:,j) with (softmax(Z(:,j)) - Y(:,j))*scale. */
static double xent_column(long C, long N, long j, double *Z, const double *Y,
                          double scale)
{
    double mx = Z[j], sum = 0.0, loss = 0.0;
    for (long i = 1; i < C; i++)
        mx = fmax(mx, Z[i * N + j]);
    for (long i = 0; i < C; i++)
        sum += exp(Z[i * N + j] - mx);
    double lse = mx + log(sum);
    for (long i = 0; i < C; i++) {
        double z = Z[i * N + j] - lse, y = Y[i * N + j];
        loss -= y * z;
        Z[i * N + j] = (exp(z) - y) * scale;
    }
    return loss;
}

/* dA = G*B' (r x k, with G r x c and B k x c) and db = rowsums(G). */
static void grad_weights(long r, long k, long c, const double *G,
                         const double *B, double *dA, double *db)
{
    for (long i = 0; i < r; i++) {
        const double *g = G + i * c;
        for (long p = 0; p < k; p++)
            dA[i * k + p] = dot(c, g, B + p * c);
        double s = 0.0;
        for (long j = 0; j < c; j++)
            s += g[j];
        db[i] = s;
    }
}

/* G1 = (W2'*G2).*(s + Z1.*s.*(1-s)), H x N, written over G1. */
static void backprop_swish(long H, long C, long N, const double *W2,
                           const double *G2, const double *Z1,
                           const double *S, double *G1)
{
    for (long h = 0; h < H; h++) {
        double *g = G1 + h * N;
        const double *z = Z1 + h * N, *s = S + h * N;
        for (long j = 0; j < N; j++)
            g[j] = 0.0;
        for (long c = 0; c < C; c++)
            axpy(N, W2[c * H + h], G2 + c * N, g);
        for (long j = 0; j < N; j++)
            g[j] *= s[j] + z[j] * s[j] * (1.0 - s[j]);
    }
}

double mlp_hand(long D, long H, long C, long N,
                const double *W1, const double *b1,
                const double *W2, const double *b2,
                const double *X, const double *Y,
                double *dW1, double *db1, double *dW2, double *db2,
                double *work)
{
    double *Z1 = work, *S = Z1 + H * N, *H1 = S + H * N, *Z2 = H1 + H * N;
    matmul_bias(H, D, N, W1, X, b1, Z1);
    swish(H * N, Z1, S, H1);
    matmul_bias(C, H, N, W2, H1, b2, Z2);
    double loss = 0.0;
    for (long j = 0; j < N; j++)
        loss += xent_column(C, N, j, Z2, Y, 1.0 / (double)N);
    grad_weights(C, H, N, Z2, H1, dW2, db2);
    backprop_swish(H, C, N, W2, Z2, Z1, S, H1);
    grad_weights(H, D, N, H1, X, dW1, db1);
    return loss / (double)N;
}
