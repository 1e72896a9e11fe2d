# at 4096 bits the errors are below double range: printed from MPFR (a double printed 0.0e+00)
args: -e "x : vector(n)\nL = sum(exp(x))" --verify --precision 4096
status: 0
--- stdout
dL/dx: max relative error 2.1e-822
verified: 3 random points, 4096-bit central differences, tolerance 1e-20
--- stderr
