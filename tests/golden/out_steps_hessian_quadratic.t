# --steps --hessian: the gradient, then the Hessian
args: examples/hessian/quadratic.nd --hessian --steps
status: 0
--- stdout
df/dx = (A' + A)*x
d2f/dx2 = A' + A
--- stderr
