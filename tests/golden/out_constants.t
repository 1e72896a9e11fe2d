# exact rational folding
args: -e "x : vector(n)\nL = (1/3 + 0.5)*x'*x + 2e-3*sum(x)"
status: 0
--- stdout
dL/dx = 5*x/3 + 0.002
--- stderr
