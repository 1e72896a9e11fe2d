# a zero dimension
args: -e "x : vector(0)\nL = sum(x)"
status: 2
--- stdout
--- stderr
<expr>:1:12: error: a dimension must be a positive integer or a name, not '0'
    x : vector(0)
               ^
