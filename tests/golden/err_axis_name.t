# an axis is a number, not a name
args: -e "X : matrix(n, k)\nL = sum(softmax(X, k))"
status: 2
--- stdout
--- stderr
<expr>:2:20: error: the axis of 'softmax' is 1 (down each column) or 2 (across each row), not 'k'
    L = sum(softmax(X, k))
                       ^
