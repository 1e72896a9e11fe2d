# all four gradients verify
args: examples/two_layer_swish.nd --verify
status: 0
--- stdout
dL/dW1: max relative error 1.6e-51
dL/db1: max relative error 3.1e-51
dL/dW2: max relative error 7.8e-52
dL/db2: max relative error 7.6e-52
verified: 3 random points, 256-bit central differences, tolerance 1e-20
--- stderr
