# one derivative at a time
args: examples/hessian/quadratic.nd --hessian --jacobian
status: 2
--- stdout
--- stderr
nnderive: error: --jacobian and --hessian cannot be combined (see nnderive --help)
