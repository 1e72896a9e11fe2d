# without wrt, the column vectors the objective depends on (not A)
args: -e "A : matrix(n, n); x : vector(n); c : scalar; f = c*x'*A*x" --hessian
status: 0
--- stdout
d2f/dx2 = c*(A' + A)
--- stderr
