# an operator without a rule is an error, not an answer
args: -e "A : matrix(n, n); x : vector(n); f = diag(A*diag(x)*A)" --jacobian
status: 2
--- stdout
--- stderr
nnderive: error: the Jacobian of '*' inside diag(...) of a matrix is not supported yet
