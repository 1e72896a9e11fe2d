# min is a function now, and mn suggests max or min, never sin
args: -e "L = mn(x)"
status: 2
--- stdout
--- stderr
<expr>:1:5: error: unknown function 'mn'; did you mean 'min'?
    L = mn(x)
        ^~
