# the same limit for --check
args: -e "X : matrix(999657113, 576658481)\nL = sum(X)" --check "matrix(1)"
status: 2
--- stdout
--- stderr
<expr>:1:1: error: X is 999657113 x 576658481: too large to evaluate numerically (the limit is 1048576 entries per matrix)
    X : matrix(999657113, 576658481)
    ^
