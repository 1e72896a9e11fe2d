# the Hessian w.r.t. a matrix against central differences
args: examples/kron/matrix_lsq.nd --hessian --verify
status: 0
--- stdout
d2L/dX2: max relative error 5.4e-52
verified: 3 random points, 256-bit central differences, tolerance 1e-20
--- stderr
