# --check-latex has no Hessian
args: examples/hessian/logreg.nd --hessian --check-latex A
status: 2
--- stdout
--- stderr
nnderive: error: --check-latex with --hessian is not supported yet
