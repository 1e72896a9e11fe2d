/* bench_lengths.c: the length table of bench/RESULTS.md: each Matrix
 * Cookbook identity of the tests, each seed example and the everyday
 * gradients below, the gradient as nnderive prints it against the
 * textbook's form, in characters without spaces, and whether the printed
 * text reads back as equivalent (--check-file).  Prints a Markdown table
 * and a summary: the share at most 1.5x, the worst and mean ratio.
 *
 *   build/bench/bench_lengths */
#include <stdio.h>

#include "../tests/identities.h"
#include "../tests/lengths.h"

struct example {
    const char *file, *textbook;
};

/* The seed examples' gradients as examples/NAME.grad writes them. */
static const struct example examples[] = {
    { "examples/autoencoder.nd", "W*(x*r' + r*x')" },
    { "examples/autoencoder_tanh.nd", "e = (1 - xhat.^2).*(xhat - x); h*e' + ((1 - h.^2).*(W*e))*x'" },
    { "examples/two_layer_swish.nd",
      "dz1 = (W2'*(yhat - y)).*(sigmoid(z1) + z1.*sigmoid(z1).*(1 - sigmoid(z1))); "
      "dz1*x'; dz1; (yhat - y)*h1'; yhat - y" },
};

/* More everyday gradients of machine learning (issue 10's acceptance
 * asks for 80 real-world ones): losses, regressions, layers, densities. */
static const struct identity everyday[] = {
    { "hinge loss (SVM)",
      "w, x : vector(n)\ny, lam : scalar\nL = relu(1 - y*w'*x) + lam/2*norm2(w)\nwrt w",
      "lam*w - y*step(1 - y*w'*x)*x" },
    { "squared hinge, batch",
      "X : matrix(N, d)\nw : vector(d)\ny : vector(N)\nL = norm2(relu(1 - y.*(X*w)))\nwrt w",
      "-2*X'*(y.*relu(1 - y.*(X*w)))" },
    { "pseudo-Huber",
      "x, y : vector(n)\nd : scalar\nr = x - y\nL = d^2*sum(sqrt(1 + (r/d).^2) - 1)\nwrt x",
      "r./sqrt(1 + (r/d).^2)" },
    { "focal loss",
      "z, y : vector(n)\ng : scalar\np = sigmoid(z)\nL = -sum(y.*(1 - p).^g.*log(p))\nwrt z",
      "y.*(1 - p).^g.*(g*p.*log(p) + p - 1)" },
    { "contrastive loss",
      "a, b : vector(n)\ny, m : scalar\nd = norm(a - b)\nL = y*d^2/2 + (1 - y)*relu(m - d)^2/2\nwrt a",
      "(y - (1 - y)*relu(m - d)/d)*(a - b)" },
    { "triplet loss",
      "a, p, q : vector(n)\nm : scalar\nL = relu(norm2(a - p) - norm2(a - q) + m)\nwrt a",
      "2*step(norm2(a - p) - norm2(a - q) + m)*(q - p)" },
    { "PCA reconstruction",
      "X : matrix(n, N)\nW : matrix(n, k)\nR = X - W*W'*X\nL = norm2(R)\nwrt W",
      "-2*(R*X'*W + X*R'*W)" },
    { "matrix factorization, L2",
      "R : matrix(m, n)\nU : matrix(m, k)\nV : matrix(n, k)\nlam : scalar\nE = U*V' - R\nL = norm2(E) + lam*(norm2(U) + norm2(V))\nwrt U",
      "2*E*V + 2*lam*U" },
    { "Poisson regression",
      "X : matrix(N, d)\nw : vector(d)\ny : vector(N)\nL = sum(exp(X*w) - y.*(X*w))\nwrt w",
      "X'*(exp(X*w) - y)" },
    { "weighted least squares",
      "X : matrix(N, d)\nw : vector(d)\ny, c : vector(N)\nL = sum(c.*(X*w - y).^2)\nwrt w",
      "2*X'*(c.*(X*w - y))" },
    { "generalized least squares",
      "X : matrix(N, d)\nw : vector(d)\ny : vector(N)\nD : symmetric(N)\nL = (X*w - y)'*D*(X*w - y)\nwrt w",
      "2*X'*D*(X*w - y)" },
    { "elastic net",
      "X : matrix(N, d)\nw : vector(d)\ny : vector(N)\nlam, a : scalar\nL = norm2(X*w - y)/(2*N) + lam*(a*norm1(w) + (1 - a)/2*norm2(w))\nwrt w",
      "X'*(X*w - y)/N + lam*(a*sign(w) + (1 - a)*w)" },
    { "GRU step",
      "x, h0, w : vector(n)\nWz, Uz, Wr, Ur, W, U : matrix(n, n)\nz = sigmoid(Wz*x + Uz*h0)\nr = sigmoid(Wr*x + Ur*h0)\nc = tanh(W*x + U*(r.*h0))\nh = (1 - z).*h0 + z.*c\nL = w'*h\nwrt W",
      "(w.*z.*(1 - c.^2))*x'" },
    { "Gaussian mixture NLL",
      "x : vector(N)\na, m1, m2 : scalar\np1 = exp(-(x - m1).^2/2)\np2 = exp(-(x - m2).^2/2)\nq = a*p1 + (1 - a)*p2\nL = -sum(log(q))\nwrt m1",
      "-a*sum(p1.*(x - m1)./q)" },
    { "Mahalanobis distance wrt x",
      "x, mu : vector(n)\nS : spd(n)\nL = (x - mu)'*inv(S)*(x - mu)\nwrt x",
      "2*inv(S)*(x - mu)" },
    { "Mahalanobis distance wrt S",
      "x, mu : vector(n)\nS : spd(n)\nL = (x - mu)'*inv(S)*(x - mu)\nwrt S",
      "-inv(S)*(x - mu)*(x - mu)'*inv(S)" },
    { "log-det barrier",
      "S : spd(n)\nA : matrix(n, n)\nL = tr(A*S) - logdet(S)\nwrt S",
      "A' - inv(S)" },
    { "Laplacian smoothing",
      "Y : matrix(n, k)\nG : symmetric(n)\nL = tr(Y'*G*Y)\nwrt Y",
      "2*G*Y" },
    { "softmax regression, L2",
      "W : matrix(C, d)\nX : matrix(d, N)\nY : onehot(C, N)\nlam : scalar\nL = crossentropy(W*X, Y)/N + lam/2*norm2(W)\nwrt W",
      "(softmax(W*X) - Y)*X'/N + lam*W" },
    { "softmax with temperature",
      "z : vector(n)\ny : onehot(n)\nT : scalar\nL = crossentropy(z/T, y)\nwrt z",
      "(softmax(z/T) - y)/T" },
    { "ReLU layer, MSE",
      "x, b, y : vector(n)\nW, V : matrix(n, n)\nh = relu(W*x + b)\nL = norm2(V*h - y)/2\nwrt W",
      "(step(W*x + b).*(V'*(V*h - y)))*x'" },
    { "negative sampling",
      "u, v : vector(d)\nK : matrix(d, k)\nL = -log(sigmoid(u'*v)) - sum(log(sigmoid(-K'*v)))\nwrt v",
      "(sigmoid(u'*v) - 1)*u + K*sigmoid(K'*v)" },
    { "GP marginal likelihood",
      "y : vector(n)\nK : spd(n)\nL = y'*inv(K)*y + logdet(K)\nwrt K",
      "inv(K) - inv(K)*y*y'*inv(K)" },
    { "BCE with logits",
      "z : vector(n)\ny : vector(n)\nL = sum(softplus(z) - y.*z)\nwrt z",
      "sigmoid(z) - y" },
    { "log-cosh regression",
      "X : matrix(N, d)\nw : vector(d)\ny : vector(N)\nL = sum(log(cosh(X*w - y)))\nwrt w",
      "X'*tanh(X*w - y)" },
    { "Rayleigh quotient",
      "A : matrix(n, n)\nx : vector(n)\nL = (x'*A*x)/(x'*x)\nwrt x",
      "((A + A')*x - 2*(x'*A*x)/(x'*x)*x)/(x'*x)" },
    { "weight normalization wrt v",
      "v, x : vector(n)\ng, y : scalar\nw = g*v/norm(v)\nL = 0.5*(w'*x - y)^2\nwrt v",
      "g*(w'*x - y)*x/norm(v) - g*(w'*x - y)*(x'*v)*v/norm(v)^3" },
    { "NMF, KL divergence",
      "V, W : matrix(m, k)\nH : matrix(k, k)\nWH = W*H\nL = sum(V.*log(V./WH) - V + WH)\nwrt W",
      "(1 - V./WH)*H'" },
    { "Gram matrix (style) loss",
      "F : matrix(c, p)\nG : matrix(c, c)\nL = 0.25*norm2(F*F' - G)\nwrt F",
      "(F*F' - (G + G')/2)*F" },
    { "entropy of a softmax",
      "z : vector(k)\np = softmax(z)\nL = -sum(p.*log(p))\nwrt z",
      "-p.*(log(p) - p'*log(p))" },
    { "kernel ridge regression",
      "K : matrix(n, n)\na, y : vector(n)\nlam : scalar\nL = 0.5*norm2(K*a - y) + 0.5*lam*a'*K*a\nwrt a",
      "K'*(K*a - y) + lam*(K + K')*a/2" },
    { "Student-t NLL wrt mu",
      "x, mu : vector(n)\nnu, s : scalar\nr = (x - mu)/s\nL = (nu + 1)/2*sum(log(1 + r.^2/nu))\nwrt mu",
      "-(nu + 1)*r./(s*(nu + r.^2))" },
    { "skip-gram softmax",
      "U : matrix(V, d)\nv : vector(d)\ny : onehot(V)\nL = -y'*log(softmax(U*v))\nwrt v",
      "U'*(softmax(U*v) - y)" },
    { "residual block",
      "W : matrix(n, n)\nx, y : vector(n)\nh = x + tanh(W*x)\nL = 0.5*norm2(h - y)\nwrt W",
      "((h - y).*(1 - tanh(W*x).^2))*x'" },
};

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

struct tally {
    double worst, sum;
    int count, within, read_back;
};

/* Whether the program's printed gradients read back as equivalent, as
 * --check-file reads them. */
static int reads_back(const char *program, const char *printed)
{
    if (!printed)
        return 0;
    nd_session *s = nd_open("<length>", program, strlen(program), NULL);
    char *verdicts = NULL;
    int st = nd_check_file(s, "out.txt", printed, strlen(printed), 0, &verdicts);
    nd_free(verdicts);
    nd_close(s);
    return st == 0;
}

static void row(const char *name, const char *program, const char *textbook, struct tally *y)
{
    char *printed = NULL;
    size_t d = derived_length(program, &printed), t = nonspace(textbook, strlen(textbook));
    double ratio = (double)d / (double)t;
    int back = reads_back(program, printed);
    for (char *c = printed; c && *c; c++)     /* one line in the table */
        if (*c == '\n')
            *c = c[1] ? ';' : '\0';
    printf("| %s | `%s` | `%s` | %zu | %zu | %.2f | %s |\n", name, printed ? printed : "(error)",
           textbook, d, t, ratio, back ? "yes" : "NO");
    nd_free(printed);
    y->worst = ratio > y->worst ? ratio : y->worst;
    y->sum += ratio;
    y->count++;
    y->within += ratio <= 1.5;
    y->read_back += back;
}

int main(void)
{
    struct tally y = { 0 };
    printf("| identity | nnderive prints | textbook | derived | textbook | ratio | reads back |\n");
    printf("|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < N_IDENTITIES; i++)
        row(identities[i].name, identities[i].program, identities[i].answer, &y);
    for (size_t i = 0; i < sizeof examples / sizeof *examples; i++) {
        char *text = slurp(examples[i].file);
        if (text)
            row(examples[i].file, text, examples[i].textbook, &y);
    }
    for (size_t i = 0; i < sizeof everyday / sizeof *everyday; i++)
        row(everyday[i].name, everyday[i].program, everyday[i].answer, &y);
    printf("\n%d rows; %d (%.1f%%) at most 1.5x; worst ratio %.2f, mean %.2f; %d of %d read back "
           "as equivalent\n", y.count, y.within, 100.0 * y.within / y.count, y.worst,
           y.sum / y.count, y.read_back, y.count);
    return y.read_back == y.count ? 0 : 1;
}
