# three indices
args: -e "X : matrix(3, 4)\nL = X(1, 2, 3)"
status: 2
--- stdout
--- stderr
<expr>:2:5: error: X takes one index (a vector) or two (a matrix), not 3
    L = X(1, 2, 3)
        ^~~~~~~~~~
