# without y : onehot(C), yhat - y needs sum(y) = 1
args: examples/homework/two_layer_swish_vector_label.nd --check-file examples/homework/two_layer.txt
status: 1
--- stdout
dL/dW2: not equivalent: right only when sum(y) = 1: declare `y : onehot(C)` (or `simplex(C)`)
dL/db2: not equivalent: right only when sum(y) = 1: declare `y : onehot(C)` (or `simplex(C)`)
dL/dW1: not equivalent: the answer is H x 1, the gradient is H x D
dL/db1: not equivalent: right only when sum(y) = 1: declare `y : onehot(C)` (or `simplex(C)`)
0 of 4 correct; the first wrong line is dL/dW2 (line 3)
--- stderr
