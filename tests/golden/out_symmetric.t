# a symmetric matrix: S' is S
args: -e "S : symmetric(n)\nx : vector(n)\nL = x'*S*x"
status: 0
--- stdout
dL/dS = x*x'
dL/dx = 2*S*x
--- stderr
