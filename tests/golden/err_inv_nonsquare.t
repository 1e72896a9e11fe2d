# inv of a non-square matrix
args: -e "A : matrix(m, n)\nx : vector(n)\nL = sum(inv(A)*x)"
status: 2
--- stdout
--- stderr
<expr>:3:9: error: 'inv' needs a square matrix: A is m x n
    L = sum(inv(A)*x)
            ^~~~~~
<expr>: note: declarations in force: A : matrix(m, n), x : vector(n)
