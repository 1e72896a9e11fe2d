# x(1) of a vector of symbolic size: a clear error, the size cannot be checked
args: -e "x : vector(n)\nL = x(1)"
status: 2
--- stdout
--- stderr
<expr>:2:7: error: indexing needs a numeric size, but x has 'n' entries: declare a number (a symbolic size cannot be checked against the index)
    L = x(1)
          ^
