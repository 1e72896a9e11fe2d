# --paths takes gradients only, and says where the terms of a Hessian are
args: examples/hessian/logreg.nd --hessian --paths
status: 2
--- stdout
--- stderr
nnderive: error: --paths takes gradients only: with --hessian, --steps differentiates the gradient term by term
