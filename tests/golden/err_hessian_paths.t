# --paths has no Hessian
args: examples/hessian/logreg.nd --hessian --paths
status: 2
--- stdout
--- stderr
nnderive: error: --paths with --hessian is not supported yet
