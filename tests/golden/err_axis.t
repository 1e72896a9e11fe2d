# an axis is 1 or 2
args: -e "L = sum(sum(X, 3))"
status: 2
--- stdout
--- stderr
<expr>:1:16: error: the axis of 'sum' is 1 (down each column) or 2 (across each row), not '3'
    L = sum(sum(X, 3))
                   ^
