# --steps --jacobian of tanh(W*x + b)
args: examples/hessian/tanh_layer.nd --jacobian --steps
status: 0
--- stdout
h = tanh(W*x + b)
dh/dx = diag(1 - h.^2)*W
--- stderr
