# det of a non-square matrix
args: -e "A : matrix(m, n)\nL = det(A)"
status: 2
--- stdout
--- stderr
<expr>:2:5: error: 'det' needs a square matrix: A is m x n
    L = det(A)
        ^~~~~~
<expr>: note: declarations in force: A : matrix(m, n)
