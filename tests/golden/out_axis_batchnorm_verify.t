# batch norm verifies
args: -e "X : matrix(n, N)\ng, b : vector(n)\nmu = mean(X, 2)\nC = X - mu\nv = mean(C.^2, 2)\nY = g .* C ./ sqrt(v + 1e-5) + b\nL = sum(tanh(Y))\nwrt X, g, b" --verify
status: 0
--- stdout
dL/dX: max relative error 4.5e-49
dL/dg: max relative error 9.6e-52
dL/db: max relative error 2.9e-52
verified: 3 random points, 256-bit central differences, tolerance 1e-20
--- stderr
