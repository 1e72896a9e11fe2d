# the hinge loss verifies
args: -e "X : matrix(N, n)\ny : vector(N)\nw : vector(n)\nL = sum(max(0, 1 - y.*(X*w)))/N\nwrt w" --verify
status: 0
--- stdout
dL/dw: max relative error 1.3e-51
verified: 3 random points, 256-bit central differences, tolerance 1e-20
--- stderr
