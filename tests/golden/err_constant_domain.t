# a constant root of a negative number
args: -e "L = (-8)^(1/3)*sum(x)"
status: 2
--- stdout
--- stderr
<expr>:1:5: error: '(-8)^(1/3)' is undefined: it is outside the domain of '.^'
    L = (-8)^(1/3)*sum(x)
        ^~~~~~~~~~
