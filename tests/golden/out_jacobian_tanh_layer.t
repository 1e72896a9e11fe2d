# the Jacobian of a named layer uses its name
args: examples/hessian/tanh_layer.nd --jacobian
status: 0
--- stdout
h = tanh(W*x + b)
dh/dx = diag(1 - h.^2)*W
--- stderr
