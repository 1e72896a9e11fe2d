# --c has no Hessian yet
args: examples/hessian/quadratic.nd --hessian --c
status: 2
--- stdout
--- stderr
nnderive: error: --c with --hessian is not supported yet
