# --check in the denominator layout: the transposed answer is right
args: examples/hessian/affine_exp.nd --jacobian --layout denominator --check "diag(exp(x))*A'"
status: 0
--- stdout
equivalent
--- stderr
