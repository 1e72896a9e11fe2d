# the regulariser's term left out
args: examples/hessian/logreg.nd --hessian --check "A'*diag(s.*(1 - s))*A"
status: 1
--- stdout
not equivalent: missing the term `lam*eye(n)`: the Hessian is the answer plus it
--- stderr
