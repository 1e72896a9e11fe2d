# a sized fill of a dimension nothing declares
args: -e "x : vector(n); L = x'*vector(1, k)"
status: 2
--- stdout
--- stderr
<expr>:1:33: error: 'vector' needs a dimension: a declared dimension name or a number
    x : vector(n); L = x'*vector(1, k)
                                    ^
