# --layout denominator transposes the off-diagonal blocks
args: examples/hessian/logreg.nd --hessian --wrt x,y --layout denominator
status: 0
--- stdout
s = sigmoid(A*x)
d2L/dx2 = lam*eye(n) + A'*diag(s - s.^2)*A
d2L/dx dy = -A
d2L/dy2 = matrix(0)
--- stderr
