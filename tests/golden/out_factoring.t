# common factors come out when that is not longer
args: -e "A : matrix(n, n)\nx, y : vector(n)\nL = x'*A*y + x'*A*x + y'*A*y\nwrt A"
status: 0
--- stdout
dL/dA = x*x' + (x + y)*y'
--- stderr
