# a matrix power of a non-square matrix
args: -e "A : matrix(m, n)\nL = sum(A^2)"
status: 2
--- stdout
--- stderr
<expr>:2:10: error: '^' needs a square matrix: A is m x n (use '.^' for an elementwise power)
    L = sum(A^2)
             ^
<expr>: note: declarations in force: A : matrix(m, n)
