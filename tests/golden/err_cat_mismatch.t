# the parts of [A, B] need as many rows
args: -e "A : matrix(3, 2)\nB : matrix(4, 1)\nL = sum([A, B])"
status: 2
--- stdout
--- stderr
<expr>:3:13: error: the parts of [A, B] need as many rows: A is 3 x 2, B is 4 x 1
    L = sum([A, B])
                ^
<expr>: note: declarations in force: A : matrix(3, 2), B : vector(4)
