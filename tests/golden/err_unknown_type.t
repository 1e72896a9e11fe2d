# a declaration with an unknown type
args: -e "x : tensor(n)\nL = sum(x)"
status: 2
--- stdout
--- stderr
<expr>:1:5: error: unknown type 'tensor' (expected scalar, vector(d), matrix(d1, d2), symmetric(d), spd(d), simplex(d), onehot(d) or mask(d1, d2))
    x : tensor(n)
        ^~~~~~
