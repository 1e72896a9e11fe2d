# --steps has no Hessian
args: examples/hessian/quadratic.nd --hessian --steps
status: 2
--- stdout
--- stderr
nnderive: error: --steps with --hessian is not supported yet
