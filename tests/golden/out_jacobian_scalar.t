# a scalar objective: the Jacobian is the gradient as a row
args: -e "A : matrix(n, n); x : vector(n); f = x'*A*x" --jacobian
status: 0
--- stdout
df/dx = x'*(A' + A)
--- stderr
