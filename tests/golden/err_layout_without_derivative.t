# --layout is for Jacobians and Hessians
args: examples/hessian/logreg.nd --layout denominator
status: 2
--- stdout
--- stderr
nnderive: error: --layout goes with --jacobian or --hessian (see nnderive --help)
