# end of a symbolic size: n-1 is not a dimension
args: -e "x : vector(n)\nL = sum(x(2:end))"
status: 2
--- stdout
--- stderr
<expr>:2:13: error: 'end' needs a numeric size, but this dimension is 'n': the block would depend on it (n-1 is not a dimension); declare a number
    L = sum(x(2:end))
                ^~~
