# the size of a fill is a positive integer or a dimension name
args: -e "x : vector(3); L = x'*vector(1, 2.5)"
status: 2
--- stdout
--- stderr
<expr>:1:33: error: 'vector' needs a positive integer or a dimension name
    x : vector(3); L = x'*vector(1, 2.5)
                                    ^~~
