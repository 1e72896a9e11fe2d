# central differences of the derived gradient against the Hessian
args: examples/hessian/logreg.nd --hessian --verify
status: 0
--- stdout
d2L/dx2: max relative error 5.7e-52
verified: 3 random points, 256-bit central differences, tolerance 1e-20
--- stderr
