# '/' divides by a scalar only
args: -e "A : matrix(n, n)\nL = sum(A/A)"
status: 2
--- stdout
--- stderr
<expr>:2:10: error: '/' divides by a scalar, but A is n x n (use './' for an elementwise division, or inv())
    L = sum(A/A)
             ^
<expr>: note: declarations in force: A : matrix(n, n)
