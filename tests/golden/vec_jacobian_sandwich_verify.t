# the Jacobian of a matrix function w.r.t. a matrix, checked
args: examples/kron/sandwich.nd --jacobian --verify
status: 0
--- stdout
dF/dX: max relative error 1.2e-51
verified: 3 random points, 256-bit central differences, tolerance 1e-20
--- stderr
