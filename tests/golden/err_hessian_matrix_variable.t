# a matrix variable needs vec and kron
args: examples/hessian/sum_exp.nd --hessian --wrt A
status: 2
--- stdout
--- stderr
examples/hessian/sum_exp.nd:2:1: error: 'A' is m x n: --hessian differentiates with respect to a column vector or a scalar (a matrix through vec and kron is not supported yet)
    A : matrix(m, n)
    ^
