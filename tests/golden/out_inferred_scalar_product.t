# inference settles shapes before building: A and x become scalars
args: -e "L = x'*A'*A'+x"
status: 0
--- stdout
dL/dx = A^2 + 1
dL/dA = 2*x*A
--- stderr
