# a constant that divides by zero
args: -e "L = 0^-1*sum(x)"
status: 2
--- stdout
--- stderr
<expr>:1:5: error: division by zero in '0^-1'
    L = 0^-1*sum(x)
        ^~~~
