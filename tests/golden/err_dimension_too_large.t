# a dimension past the limit
args: -e "X : matrix(99999999999, 2)\nL = sum(X)"
status: 2
--- stdout
--- stderr
<expr>:1:12: error: the dimension 99999999999 is too large (the limit is 1000000000)
    X : matrix(99999999999, 2)
               ^~~~~~~~~~~
