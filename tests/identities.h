/* identities.h: The Matrix Cookbook's identities (Petersen & Pedersen,
 * 2012 edition, section 2; numbers are its equation numbers), each as a
 * program and the gradient as the Cookbook writes it.  Shared by
 * tests/test_cookbook.c and bench/bench_lengths.c. */
#ifndef ND_TEST_IDENTITIES_H
#define ND_TEST_IDENTITIES_H

#define V "a, b, c, d, s, x : vector(n)\n"
#define M "A, B, C, D, X : matrix(n, n)\n"
#define R "X : matrix(n, k)\nA : matrix(n, n)\nB, C : matrix(k, k)\n"

struct identity {
    const char *name, *program, *answer;
};

static const struct identity identities[] = {
    { "(69) x'a", V "L = x'*a\nwrt x", "a" },
    { "(70) a'Xb", V M "L = a'*X*b\nwrt X", "a*b'" },
    { "(71) a'X'b", V M "L = a'*X'*b\nwrt X", "b*a'" },
    { "(77) b'X'Xc", V M "L = b'*X'*X*c\nwrt X", "X*(b*c' + c*b')" },
    { "(78) (Bx+b)'C(Dx+d)", V M "L = (B*x + b)'*C*(D*x + d)\nwrt x",
      "B'*C*(D*x + d) + D'*C'*(B*x + b)" },
    { "(81) x'Bx", V M "L = x'*B*x\nwrt x", "(B + B')*x" },
    { "(82) b'X'DXc", V M "L = b'*X'*D*X*c\nwrt X", "D'*X*b*c' + D*X*c*b'" },
    { "(83) (Xb+c)'D(Xb+c)", V M "L = (X*b + c)'*D*(X*b + c)\nwrt X", "(D + D')*(X*b + c)*b'" },
    { "(84) symmetric D", V "X : matrix(n, n)\nD : symmetric(n)\nL = (X*b + c)'*D*(X*b + c)\nwrt X",
      "2*D*(X*b + c)*b'" },
    { "(86) wrt s, W symmetric", V "A : matrix(n, n)\nW : symmetric(n)\n"
      "L = (x - A*s)'*W*(x - A*s)\nwrt s", "-2*A'*W*(x - A*s)" },
    { "(88) wrt A, W symmetric", V "A : matrix(n, n)\nW : symmetric(n)\n"
      "L = (x - A*s)'*W*(x - A*s)\nwrt A", "-2*W*(x - A*s)*s'" },
    { "(97) ||x - a||", V "L = norm(x - a)\nwrt x", "(x - a)/norm(x - a)" },
    { "(100) tr(X)", M "L = tr(X)\nwrt X", "eye(n)" },
    { "(101) tr(XA)", M "L = tr(X*A)\nwrt X", "A'" },
    { "(102) tr(AXB)", M "L = tr(A*X*B)\nwrt X", "A'*B'" },
    { "(103) tr(AX'B)", M "L = tr(A*X'*B)\nwrt X", "B*A" },
    { "(104) tr(X'A)", M "L = tr(X'*A)\nwrt X", "A" },
    { "(105) tr(AX')", M "L = tr(A*X')\nwrt X", "A" },
    { "(107) tr(X^2)", M "L = tr(X^2)\nwrt X", "2*X'" },
    { "(108) tr(X^2 B)", M "L = tr(X^2*B)\nwrt X", "(X*B + B*X)'" },
    { "(109) tr(X'BX)", M "L = tr(X'*B*X)\nwrt X", "B*X + B'*X" },
    { "(112) tr(XBX')", R "L = tr(X*B*X')\nwrt X", "X*B' + X*B" },
    { "(115) tr(AXBX)", M "L = tr(A*X*B*X)\nwrt X", "A'*X'*B' + B'*X'*A'" },
    { "(116) tr(X'X)", R "L = tr(X'*X)\nwrt X", "2*X" },
    { "(118) tr(B'X'CXB)", "X : matrix(n, k)\nB : matrix(k, k)\nC : matrix(n, n)\n"
      "L = tr(B'*X'*C*X*B)\nwrt X", "C'*X*B*B' + C*X*B*B'" },
    { "(119) tr(X'BXC)", "X : matrix(n, k)\nB : matrix(n, n)\nC : matrix(k, k)\n"
      "L = tr(X'*B*X*C)\nwrt X", "B*X*C + B'*X*C'" },
    { "(120) tr(AXBX'C)", "X : matrix(n, k)\nA, C : matrix(n, n)\nB : matrix(k, k)\n"
      "L = tr(A*X*B*X'*C)\nwrt X", "A'*C'*X*B' + C*A*X*B" },
    { "(121) tr[(AXB+C)(AXB+C)']", M "L = tr((A*X*B + C)*(A*X*B + C)')\nwrt X",
      "2*A'*(A*X*B + C)*B'" },
    { "(123) tr(X^3)", M "L = tr(X^3)\nwrt X", "3*(X^2)'" },
    { "(49) det(X)", M "L = det(X)\nwrt X", "det(X)*inv(X)'" },
    { "(50) det(AXB)", M "L = det(A*X*B)\nwrt X", "det(A*X*B)*inv(X)'" },
    { "(51) ln det(XX')", R "L = logdet(X*X')\nwrt X", "2*inv(X*X')*X" },
    { "(55) ln det(X)", "X : spd(n)\nL = logdet(X)\nwrt X", "inv(X)'" },
    { "(57) det(X^3)", M "L = det(X^3)\nwrt X", "3*det(X^3)*inv(X)'" },
    { "(61) a'inv(X)b", V M "L = a'*inv(X)*b\nwrt X", "-inv(X)'*a*b'*inv(X)'" },
    { "(63) tr(A inv(X) B)", M "L = tr(A*inv(X)*B)\nwrt X", "-(inv(X)*B*A*inv(X))'" },
    { "(124) tr(inv(X + A))", M "L = tr(inv(X + A))\nwrt X",
      "-(inv(X + A)*inv(X + A))'" },
    { "||Ax - b||^2 wrt x", V M "L = norm2(A*x - b)\nwrt x", "2*A'*(A*x - b)" },
    { "||Ax - b||^2 wrt A", V M "L = norm2(A*x - b)\nwrt A", "2*(A*x - b)*x'" },
    { "(x'a)^2", V "L = (x'*a)^2\nwrt x", "2*a*a'*x" },
    { "||X||_F^2", M "L = norm2(X)\nwrt X", "2*X" },
    { "sigmoid", V "L = a'*sigmoid(x)\nwrt x", "a.*sigmoid(x).*(1 - sigmoid(x))" },
    { "logsumexp", V "L = logsumexp(x)\nwrt x", "softmax(x)" },
    { "softmax cross-entropy", "z : vector(C)\ny : onehot(C)\nL = crossentropy(z, y)\nwrt z",
      "softmax(z) - y" },
    { "cross-entropy, general y", "z, y : vector(C)\nL = -y'*log(softmax(z))\nwrt z",
      "softmax(z)*sum(y) - y" },
    /* the everyday losses written out (issue 10) */
    { "logistic regression, written out", "w, x : vector(n)\ny : scalar\np = sigmoid(w'*x)\n"
      "L = -y*log(p) - (1 - y)*log(1 - p)\nwrt w", "(p - y)*x" },
    { "logistic regression, batch", "X : matrix(N, D)\nw : vector(D)\ny : vector(N)\n"
      "p = sigmoid(X*w)\nL = -sum(y.*log(p) + (1 - y).*log(1 - p))/N\nwrt w", "X'*(p - y)/N" },
    { "cross-entropy written out, onehot y", "z : vector(C)\ny : onehot(C)\n"
      "L = -sum(y .* log(softmax(z)))\nwrt z", "softmax(z) - y" },
    { "softmax regression, batch", "W : matrix(C, D)\nX : matrix(D, N)\nY : onehot(C, N)\n"
      "L = -sum(Y .* log(softmax(W*X)))/N\nwrt W", "(softmax(W*X) - Y)*X'/N" },
    /* more everyday losses (issue 10, second part) */
    { "cosine similarity", "x, y : vector(n)\nL = x'*y/(norm(x)*norm(y))\nwrt x",
      "y/(norm(x)*norm(y)) - (x'*y)*x/(norm(x)^3*norm(y))" },
    { "layer norm", "x, w, g, b : vector(n)\nmu = mean(x)\nc = x - mu\nv = mean(c.^2)\n"
      "s = sqrt(v + 1e-5)\nxhat = c/s\ny = g.*xhat + b\nL = w'*y\nwrt x",
      "(g.*w - mean(g.*w) - xhat*mean(g.*w.*xhat))/s" },
    { "batch norm", "X, W : matrix(n, N)\ng, b : vector(n)\nmu = mean(X, 2)\nC = X - mu\n"
      "v = mean(C.^2, 2)\ns = sqrt(v + 1e-5)\nXhat = C./s\nY = g.*Xhat + b\nL = sum(W.*Y)\nwrt X",
      "(N*(g.*W) - sum(g.*W, 2) - Xhat.*sum(g.*W.*Xhat, 2))./(N*s)" },
    { "KL(p || softmax(z))", "z : vector(n)\np : simplex(n)\nL = sum(p.*log(p./softmax(z)))\nwrt z",
      "softmax(z) - p" },
    { "label smoothing", "z : vector(C)\ny : onehot(C)\na : scalar\n"
      "L = -sum(((1 - a)*y + a/C).*logsoftmax(z))\nwrt z", "softmax(z) - (1 - a)*y - a/C" },
    { "Gaussian log-likelihood wrt mu", "x, mu : vector(n)\ns : scalar\n"
      "L = n/2*log(2*pi*s^2) + norm2(x - mu)/(2*s^2)\nwrt mu", "(mu - x)/s^2" },
    { "Gaussian log-likelihood wrt s", "x, mu : vector(n)\ns : scalar\n"
      "L = n/2*log(2*pi*s^2) + norm2(x - mu)/(2*s^2)\nwrt s", "n/s - norm2(x - mu)/s^3" },
    { "multivariate Gaussian NLL wrt mu", "x, mu : vector(n)\nS : spd(n)\n"
      "L = 0.5*logdet(S) + 0.5*(x - mu)'*inv(S)*(x - mu)\nwrt mu", "inv(S)*(mu - x)" },
    { "multivariate Gaussian NLL wrt S", "x, mu : vector(n)\nS : spd(n)\n"
      "L = 0.5*logdet(S) + 0.5*(x - mu)'*inv(S)*(x - mu)\nwrt S",
      "(inv(S) - inv(S)*(x - mu)*(x - mu)'*inv(S))/2" },
    { "KL of diagonal Gaussians wrt mu", "mu, s, m, r : vector(n)\n"
      "L = sum(log(r./s) + (s.^2 + (mu - m).^2)./(2*r.^2) - 0.5)\nwrt mu", "(mu - m)./r.^2" },
    { "KL of diagonal Gaussians wrt s", "mu, s, m, r : vector(n)\n"
      "L = sum(log(r./s) + (s.^2 + (mu - m).^2)./(2*r.^2) - 0.5)\nwrt s", "s./r.^2 - 1./s" },
    { "RNN step", "W, U : matrix(n, n)\nh0, x, b, w : vector(n)\nh = tanh(W*h0 + U*x + b)\n"
      "L = w'*h\nwrt W", "(w.*(1 - h.^2))*h0'" },
    { "attention, one query", "q : vector(d)\nK, V : matrix(d, T)\nw : vector(d)\n"
      "a = softmax(K'*q/sqrt(d))\nL = w'*V*a\nwrt q", "K*(a.*(V'*w) - a*(a'*(V'*w)))/sqrt(d)" },
    { "linear regression, batch MSE", "W : matrix(m, D)\nX : matrix(D, N)\nY : matrix(m, N)\n"
      "L = norm2(W*X - Y)/(2*N)\nwrt W", "(W*X - Y)*X'/N" },
    { "ridge regression", "X : matrix(N, D)\nw : vector(D)\ny : vector(N)\nlam : scalar\n"
      "L = norm2(X*w - y)/(2*N) + lam/2*norm2(w)\nwrt w", "X'*(X*w - y)/N + lam*w" },
    { "cosine similarity loss", "x, y : vector(n)\nL = 1 - x'*y/(norm(x)*norm(y))\nwrt y",
      "(x'*y)*y/(norm(x)*norm(y)^3) - x/(norm(x)*norm(y))" },
};


#define N_IDENTITIES (sizeof identities / sizeof *identities)

#endif
