# vec of a matrix of symbolic size: m*n is not a dimension
args: -e "X : matrix(m, n); L = sum(vec(X))"
status: 2
--- stdout
--- stderr
<expr>:1:27: error: 'vec' needs a matrix of numeric size: X is m x n (a size m*n is not a dimension)
    X : matrix(m, n); L = sum(vec(X))
                              ^~~~~~
<expr>: note: declarations in force: X : matrix(m, n)
