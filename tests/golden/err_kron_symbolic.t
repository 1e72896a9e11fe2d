# kron of a matrix of symbolic size
args: -e "X : matrix(m, 2); A : matrix(2, 2); L = sum(kron(A, X))"
status: 2
--- stdout
--- stderr
<expr>:1:45: error: 'kron' needs matrices of numeric size: X is m x 2 (a size m*n is not a dimension)
    X : matrix(m, 2); A : matrix(2, 2); L = sum(kron(A, X))
                                                ^~~~~~~~~~
<expr>: note: declarations in force: X : matrix(m, 2), A : matrix(2, 2)
