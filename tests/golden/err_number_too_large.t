# a literal too large to fold
args: -e "L = 1e999999*sum(x)"
status: 2
--- stdout
--- stderr
<expr>:1:5: error: number too large (the exponent is limited to 400)
    L = 1e999999*sum(x)
        ^~~~~~~~
