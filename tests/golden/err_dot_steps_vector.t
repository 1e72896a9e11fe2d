# --dot --steps needs a scalar objective; --dot alone does not
args: -e "W : matrix(m, n)\nx : vector(n)\ny = tanh(W*x)" --dot --steps
status: 2
--- stdout
--- stderr
<expr>:3:1: error: the objective 'y' is m x 1, not a scalar: a gradient needs a scalar objective (--jacobian differentiates a vector)
    y = tanh(W*x)
    ^
