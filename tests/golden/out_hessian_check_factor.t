# a factor 2 too many
args: examples/hessian/sum_exp.nd --hessian --check "2*A'*diag(exp(A*x))*A"
status: 1
--- stdout
not equivalent: the answer is 2 times the Hessian: it has an extra factor 2
--- stderr
