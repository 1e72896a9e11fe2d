# a sized fill whose size is not the one its place needs
args: -e "x : vector(n); y : vector(m); L = x'*vector(1, m) + sum(y)"
status: 2
--- stdout
--- stderr
<expr>:1:37: error: shape mismatch in '*': x' is 1 x n, vector(1, m) is m x 1 (inner dimensions n and m differ)
    x : vector(n); y : vector(m); L = x'*vector(1, m) + sum(y)
                                        ^
<expr>: note: declarations in force: x : vector(n), y : vector(m)
