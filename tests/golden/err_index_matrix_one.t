# a matrix takes two indices
args: -e "X : matrix(3, 4)\nL = X(2)"
status: 2
--- stdout
--- stderr
<expr>:2:5: error: X is 3 x 4: a matrix takes two indices, X(i, j), X(:, j) or X(i, :)
    L = X(2)
        ^~~~
<expr>: note: declarations in force: X : matrix(3, 4)
