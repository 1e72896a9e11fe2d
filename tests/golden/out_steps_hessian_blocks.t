# --steps --hessian with two variables: each block after its steps
args: examples/hessian/logreg.nd --hessian --steps --wrt x,lam
status: 0
--- stdout
s = sigmoid(A*x)
dL/dx = lam*x + A'*(s - y)
dL/dlam = norm2(x)/2
t1 = diag(s - s.^2)
ds/dx = t1*A
d(lam*x)/dx = lam*eye(n)
d(A'*(s - y))/dx = A'*ds/dx
d2L/dx2 = lam*eye(n) + A'*t1*A
d2L/dx dlam = x
d2L/dlam2 = 0
--- stderr
