# --steps --jacobian of A*exp(x)
args: examples/hessian/affine_exp.nd --jacobian --steps
status: 0
--- stdout
df/dx = A*diag(exp(x))
--- stderr
