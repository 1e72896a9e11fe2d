# gelu and erf are elementwise operators: derived, printed and verified like the others
args: -e "W : matrix(m, n)\nx : vector(n)\nw : vector(m)\nh = gelu(W*x)\nL = w'*h + sum(erf(x))\nwrt W, x" --verify
status: 0
--- stdout
dL/dW: max relative error 4.5e-52
dL/dx: max relative error 2.1e-52
verified: 3 random points, 256-bit central differences, tolerance 1e-20
--- stderr
