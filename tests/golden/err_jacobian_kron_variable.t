# kron of a matrix that depends on the variable: no rule, an error
args: -e "X : matrix(2, 2); A : matrix(2, 2); F = kron(X, A)" --jacobian
status: 2
--- stdout
--- stderr
nnderive: error: the Jacobian of 'kron' of a matrix (through vec) is not supported yet
