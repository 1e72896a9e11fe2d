# max of two shapes that differ
args: -e "x : vector(n)\ny : vector(m)\nL = sum(max(x, y))"
status: 2
--- stdout
--- stderr
<expr>:3:9: error: shape mismatch in 'max': x is n x 1, y is m x 1
    L = sum(max(x, y))
            ^~~~~~~~~
<expr>: note: declarations in force: x : vector(n), y : vector(m)
