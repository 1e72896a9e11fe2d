# central differences of the objective against the Jacobian
args: examples/hessian/tanh_layer.nd --jacobian --verify
status: 0
--- stdout
dh/dx: max relative error 1.3e-51
verified: 3 random points, 256-bit central differences, tolerance 1e-20
--- stderr
