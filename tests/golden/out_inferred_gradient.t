# gradients of inferred variables
args: -e "L = x'*A*y + b*sum(z)"
status: 0
--- stdout
dL/dx = A*y
dL/dA = x*y'
dL/dy = A'*x
dL/db = sum(z)
dL/dz = vector(b)
--- stderr
