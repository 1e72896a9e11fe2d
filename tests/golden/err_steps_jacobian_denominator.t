# --steps are in the numerator layout
args: examples/hessian/tanh_layer.nd --jacobian --steps --layout denominator
status: 2
--- stdout
--- stderr
nnderive: error: --steps with --layout denominator is not supported: the steps are in the numerator layout (drop --layout)
