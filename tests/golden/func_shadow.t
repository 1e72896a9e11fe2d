# parameters shadow the program names in the body only; two calls at different sizes
args: -e "x : vector(n)\ny : vector(m)\nA : matrix(n, m)\nsq(x) = x'*x\nL = sq(x) + sq(y) + x'*A*y"
status: 0
--- stdout
dL/dx = A*y + 2*x
dL/dy = A'*x + 2*y
dL/dA = x*y'
--- stderr
