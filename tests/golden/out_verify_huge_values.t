# values far beyond double range are compared in MPFR (the error was 0 through inf/inf)
args: -e "x : vector(n)\nL = 2^1100*sum(exp(x))" --verify
status: 0
--- stdout
dL/dx: max relative error 6.0e-52
verified: 3 random points, 256-bit central differences, tolerance 1e-20
--- stderr
