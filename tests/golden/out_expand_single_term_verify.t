# Multiplying out P*(1 - tanh(b)^2) - P (the gradient of P*(tanh(b) - b), P = (x'*x)*(x'*A*x)) leaves one term, -P*tanh(b)^2; the sum's factoring then ran over that product's factors as if they were terms and printed their sum (tanh(b)^2 + x'*(A*x + x) - 1). Seed 22524 of the read-back sweep.
args: -e "b, c : scalar\nx : vector(n)\nA : matrix(n, n)\nL = (x'*x)*(x'*A*x)*(tanh(b) - b) + c" --verify
status: 0
--- stdout
dL/db: max relative error 1.1e-50
dL/dc: max relative error 0.0e+00
dL/dx: max relative error 1.5e-51
dL/dA: max relative error 5.7e-51
verified: 3 random points, 256-bit central differences, tolerance 1e-20
--- stderr
