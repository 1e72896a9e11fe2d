# --paths takes gradients only
args: examples/hessian/tanh_layer.nd --jacobian --paths
status: 2
--- stdout
--- stderr
nnderive: error: --paths takes gradients only: with --jacobian, --steps differentiates the objective term by term
