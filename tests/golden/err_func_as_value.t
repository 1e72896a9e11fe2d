# a function name used as a value
args: -e "g(x, y) = sum(x.*y)\nL = g + 1"
status: 2
--- stdout
--- stderr
<expr>:2:5: error: 'g' is a function, not a value: call it with its 2 arguments, as in g(x, y)
    L = g + 1
        ^
<expr>:1:1: note: 'g' is defined here
    g(x, y) = sum(x.*y)
    ^~~~~~~~~~~~~~~~~~~
