# --numpy with --hessian: not yet, said plainly
args: examples/hessian/quadratic.nd --numpy --hessian
status: 2
--- stdout
--- stderr
nnderive: error: --numpy with --hessian is not supported yet
