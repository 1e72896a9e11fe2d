# The named t1 = b*(x'*x)*x absorbed into 3*a*b*(x'*x)*x through its inner product x'*x: the product moved x'*x, the reduction itself, into its own summand (x'*t1 is b*(x'*x)^2) and then dropped it, printing dL/dx = a*(3*x + t1) for 4*a*t1. Seed 28955 of the read-back sweep.
args: -e "a, b : scalar\nx : vector(n)\nt1 = (x'*x)*b*x\nL = a*x'*t1"
status: 0
--- stdout
t1 = b*(x'*x)*x
dL/da = x'*t1
dL/db = a*(x'*x)*x'*x
dL/dx = 4*a*t1
--- stderr
