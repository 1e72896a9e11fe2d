# a product whose inner dimensions differ
args: -e "W : matrix(m, n)\nx : vector(m)\nL = sum(W*x)"
status: 2
--- stdout
--- stderr
<expr>:3:10: error: shape mismatch in '*': W is m x n, x is m x 1 (inner dimensions n and m differ)
    L = sum(W*x)
             ^
<expr>: note: declarations in force: W : matrix(m, n), x : vector(m)
