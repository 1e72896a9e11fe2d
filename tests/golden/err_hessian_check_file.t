# --check-file has no Hessian
args: examples/hessian/quadratic.nd --hessian --check-file tests/golden/inputs/ae_answers.txt
status: 2
--- stdout
--- stderr
nnderive: error: --check-file with --hessian is not supported yet
