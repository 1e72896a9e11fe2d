# w.r.t. two variables: the blocks on and above the diagonal, each once
args: examples/hessian/logreg.nd --hessian --wrt x,lam
status: 0
--- stdout
s = sigmoid(A*x)
d2L/dx2 = lam*eye(n) + A'*diag(s - s.^2)*A
d2L/dx dlam = x
d2L/dlam2 = 0
--- stderr
