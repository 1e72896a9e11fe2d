# the 2-layer network: dL/dW1 without the final x' is a shape
args: examples/two_layer_swish.nd --check-file examples/homework/two_layer.txt
status: 1
--- stdout
dL/dW2: equivalent
dL/db2: equivalent
dL/dW1: not equivalent: the answer is H x 1, the gradient is H x D: missing the factor `x'` on the right (`(...)*x'` is right)
dL/db1: equivalent
3 of 4 correct; the first wrong line is dL/dW1 (line 6)
--- stderr
