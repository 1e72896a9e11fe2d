# a function called with the wrong number of arguments
args: -e "g(x, y) = sum(x.*y)\nL = g(v)"
status: 2
--- stdout
--- stderr
<expr>:2:5: error: 'g' takes 2 arguments (g(x, y)), got 1
    L = g(v)
        ^
<expr>:1:1: note: 'g' is defined here
    g(x, y) = sum(x.*y)
    ^~~~~~~~~~~~~~~~~~~
