# the Hessian of L2-regularised logistic regression
args: examples/hessian/logreg.nd --hessian
status: 0
--- stdout
s = sigmoid(A*x)
d2L/dx2 = lam*eye(n) + A'*diag(s - s.^2)*A
--- stderr
