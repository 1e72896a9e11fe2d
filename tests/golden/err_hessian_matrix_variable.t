# a matrix variable of symbolic size: vec needs numeric sizes
args: examples/hessian/sum_exp.nd --hessian --wrt A
status: 2
--- stdout
--- stderr
examples/hessian/sum_exp.nd:2:1: error: 'A' is m x n: --hessian differentiates with respect to a scalar, a column vector or a matrix of numeric size that is not declared symmetric (through vec: m*n is not a dimension)
    A : matrix(m, n)
    ^
