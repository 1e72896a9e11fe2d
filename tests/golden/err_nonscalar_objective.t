# a gradient of a non-scalar
args: -e "W : matrix(m, n)\nx : vector(n)\nz = W*x"
status: 2
--- stdout
--- stderr
<expr>:3:1: error: the objective 'z' is m x 1, not a scalar: a gradient needs a scalar objective (--jacobian differentiates a vector)
    z = W*x
    ^
