# row-wise attention verifies
args: -e "Q, K : matrix(T, d)\nV, W : matrix(T, e)\nA = softmax(Q*K'/sqrt(d), 2)\nL = sum(W .* (A*V))\nwrt Q, K, V" --verify
status: 0
--- stdout
dL/dQ: max relative error 4.1e-51
dL/dK: max relative error 5.6e-51
dL/dV: max relative error 3.6e-52
verified: 3 random points, 256-bit central differences, tolerance 1e-20
--- stderr
