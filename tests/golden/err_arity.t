# a function called with the wrong number of arguments
args: -e "L = sum(exp(x, y))"
status: 2
--- stdout
--- stderr
<expr>:1:9: error: 'exp' takes 1 argument, got 2
    L = sum(exp(x, y))
            ^~~
