# the Jacobian of A*exp(x)
args: examples/hessian/affine_exp.nd --jacobian
status: 0
--- stdout
df/dx = A*diag(exp(x))
--- stderr
