# every block verified
args: examples/hessian/logreg.nd --hessian --wrt x,lam --verify
status: 0
--- stdout
d2L/dx2: max relative error 2.0e-51
d2L/dx dlam: max relative error 0.0e+00
d2L/dlam2: max relative error 0.0e+00
verified: 3 random points, 256-bit central differences, tolerance 1e-20
--- stderr
