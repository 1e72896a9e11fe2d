# Multiplying out P*(1 - tanh(b)^2) - P (the gradient of P*(tanh(b) - b), P = (x'*x)*(x'*A*x)) leaves one term, -P*tanh(b)^2; the sum's factoring then ran over that product's factors as if they were terms and printed their sum (tanh(b)^2 + x'*(A*x + x) - 1). Seed 22524 of the read-back sweep.
args: -e "b, c : scalar\nx : vector(n)\nA : matrix(n, n)\nL = (x'*x)*(x'*A*x)*(tanh(b) - b) + c"
status: 0
--- stdout
dL/db = -(x'*x)*(x'*A*x)*tanh(b)^2
dL/dc = 1
dL/dx = 2*(x'*A*x)*(tanh(b) - b)*x + (x'*x)*(tanh(b) - b)*(A' + A)*x
dL/dA = (x'*x)*(tanh(b) - b)*x*x'
--- stderr
