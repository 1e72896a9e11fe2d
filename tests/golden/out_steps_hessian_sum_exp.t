# --steps --hessian of sum(exp(A*x))
args: examples/hessian/sum_exp.nd --hessian --steps
status: 0
--- stdout
df/dx = A'*exp(A*x)
d2f/dx2 = A'*diag(exp(A*x))*A
--- stderr
