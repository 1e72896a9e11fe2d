# tr of a non-square matrix
args: -e "A : matrix(m, n)\nL = tr(A)"
status: 2
--- stdout
--- stderr
<expr>:2:5: error: 'tr' needs a square matrix: A is m x n
    L = tr(A)
        ^~~~~
<expr>: note: declarations in force: A : matrix(m, n)
