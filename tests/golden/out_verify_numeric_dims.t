# 80 x 80: directional differences, a few evaluations per point (one per entry took minutes)
args: -e "W : matrix(80, 80)\nx : vector(80)\nL = 0.5*norm2(W'*W*x - x)" --verify
status: 0
--- stdout
dL/dW: max relative error 2.5e-50
dL/dx: max relative error 1.9e-51
verified: 3 random points, 256-bit central differences, tolerance 1e-20
--- stderr
