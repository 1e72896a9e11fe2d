# a Hessian needs a scalar objective
args: examples/hessian/tanh_layer.nd --hessian
status: 2
--- stdout
--- stderr
examples/hessian/tanh_layer.nd:5:1: error: the objective 'h' is m x 1, not a scalar: a Hessian needs a scalar objective (--jacobian differentiates a vector)
    h = tanh(W*x + b)
    ^
