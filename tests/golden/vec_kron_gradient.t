# gradients through vec, unvec and kron: reshapes and block sums
args: -e "X : matrix(2, 3); B : matrix(2, 2); w : vector(6); L = w'*vec(X) + sum(exp(unvec(w, 3))) + sum(sin(kron(B, X)))"
status: 0
--- stdout
t1 = cos(kron(B, X))
dL/dX = unvec(w, 2) + kron(vector(1, 2)', eye(2))*(t1.*kron(B, matrix(1, 2, 3)))*kron(vector(1, 2), eye(3))
dL/dB = kron(eye(2), vector(1, 2)')*(t1.*kron(matrix(1, 2, 2), X))*kron(eye(2), vector(1, 3))
dL/dw = vec(X) + vec(exp(unvec(w, 3)))
--- stderr
