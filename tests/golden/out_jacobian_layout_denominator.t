# --layout denominator: J[j,i] = df_i/dx_j, the block transposed
args: examples/hessian/affine_exp.nd --jacobian --layout denominator
status: 0
--- stdout
df/dx = diag(exp(x))*A'
--- stderr
