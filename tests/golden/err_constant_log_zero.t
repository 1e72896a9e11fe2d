# a constant outside the domain of log
args: -e "L = sum(x) + log(1 - 1)"
status: 2
--- stdout
--- stderr
<expr>:1:14: error: 'log(1 - 1)' is undefined: it is outside the domain of 'log'
    L = sum(x) + log(1 - 1)
                 ^~~~~~~~~~
