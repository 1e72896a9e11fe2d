# --check needs one variable
args: examples/two_layer_swish.nd --check "W1"
status: 2
--- stdout
--- stderr
nnderive: error: --check compares the gradient w.r.t. one variable; the program has 4: pick one with --wrt
