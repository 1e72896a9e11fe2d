# a Hessian answer, right
args: examples/hessian/logreg.nd --hessian --check "A'*diag(s.*(1 - s))*A + lam*eye(n)"
status: 0
--- stdout
equivalent
--- stderr
