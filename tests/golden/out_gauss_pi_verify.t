# a Gaussian log-likelihood with pi verifies
args: -e "x, mu : vector(n)\ns : scalar\nL = n/2*log(2*pi*s^2) + norm2(x - mu)/(2*s^2)\nwrt mu, s" --verify
status: 0
--- stdout
dL/dmu: max relative error 1.5e-51
dL/ds: max relative error 2.7e-49
verified: 3 random points, 256-bit central differences, tolerance 1e-20
--- stderr
