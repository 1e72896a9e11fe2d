# d vec(kron(A, X)) needs the commutation matrix of a 2 x 65 matrix: refused past 64 columns
args: -e "X : matrix(2, 2); A : matrix(65, 1); F = kron(A, X)" --jacobian --wrt X
status: 2
--- stdout
--- stderr
nnderive: error: the Jacobian of 'kron' (a commutation matrix of more than 64 columns) is not supported yet
