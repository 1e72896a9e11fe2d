# a Jacobian transposed
args: examples/hessian/affine_exp.nd --jacobian --check "diag(exp(x))*A'"
status: 1
--- stdout
not equivalent: the answer is the transpose of the Jacobian (it is n x m, the Jacobian is m x n)
--- stderr
