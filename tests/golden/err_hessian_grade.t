# --grade has no Hessian (it grades gradient answers)
args: examples/hessian/logreg.nd --hessian --grade tests/golden/inputs
status: 2
--- stdout
--- stderr
nnderive: error: --grade with --hessian is not supported yet
