# the Hessian of x'*A*x
args: examples/hessian/quadratic.nd --hessian
status: 0
--- stdout
d2f/dx2 = A' + A
--- stderr
