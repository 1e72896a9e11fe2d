# --steps --hessian of logistic regression: the gradient, ds/dx, each term of the gradient differentiated, the Hessian
args: examples/hessian/logreg.nd --hessian --steps
status: 0
--- stdout
s = sigmoid(A*x)
dL/dx = lam*x + A'*(s - y)
t1 = diag(s - s.^2)
ds/dx = t1*A
d(lam*x)/dx = lam*eye(n)
d(A'*(s - y))/dx = A'*ds/dx
d2L/dx2 = lam*eye(n) + A'*t1*A
--- stderr
