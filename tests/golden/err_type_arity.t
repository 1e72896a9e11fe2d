# a type with the wrong number of dimensions
args: -e "x : vector(n, m)\nL = sum(x)"
status: 2
--- stdout
--- stderr
<expr>:1:5: error: 'vector' takes 1 dimension, got 2
    x : vector(n, m)
        ^~~~~~
