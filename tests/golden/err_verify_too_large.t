# numeric dimensions the evaluator cannot hold: a located error (rows*cols once wrapped: a heap overflow)
args: -e "X : matrix(999657113, 576658481)\nL = sum(X)" --verify
status: 2
--- stdout
--- stderr
<expr>:1:1: error: X is 999657113 x 576658481: too large to evaluate numerically (the limit is 1048576 entries per matrix)
    X : matrix(999657113, 576658481)
    ^
