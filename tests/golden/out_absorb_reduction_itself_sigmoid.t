# Seed 31060 of the read-back sweep: the gradient of norm2(t1), t1 = (sigmoid(y')*x)*x, printed its term 2*(sigmoid(y')*x)*t1 as 2*t1 (the inner product moved into its own summand, then dropped).
args: -e "x, y : vector(n)\nt1 = (sigmoid(y')*x)*x\nL = norm2(t1)" --verify
status: 0
--- stdout
dL/dx: max relative error 1.1e-51
dL/dy: max relative error 3.2e-51
verified: 3 random points, 256-bit central differences, tolerance 1e-20
--- stderr
