# a dimension name assigned
args: -e "x : vector(n)\nn = 3\nL = sum(x)"
status: 2
--- stdout
--- stderr
<expr>:2:1: error: 'n' is a dimension and cannot be assigned
    n = 3
    ^
