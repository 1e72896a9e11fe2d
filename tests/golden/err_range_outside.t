# a range outside an index
args: -e "x : vector(3)\nL = sum(exp(1:3))"
status: 2
--- stdout
--- stderr
<expr>:2:13: error: '1:3' selects a block: it is only an index (x(2:5), X(:, j))
    L = sum(exp(1:3))
                ^~~
