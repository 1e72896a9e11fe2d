# Gradescope's format is for files of gradient answers
args: examples/hessian/logreg.nd --hessian --check-latex A --format gradescope
status: 2
--- stdout
--- stderr
nnderive: error: --format gradescope goes with --check-file (see nnderive --help)
