# the Hessian of sum(exp(A*x))
args: examples/hessian/sum_exp.nd --hessian
status: 0
--- stdout
d2f/dx2 = A'*diag(exp(A*x))*A
--- stderr
