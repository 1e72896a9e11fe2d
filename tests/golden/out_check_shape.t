# a transposed shape is reported as such
args: examples/autoencoder.nd --check "x*r'*W'"
status: 1
--- stdout
not equivalent: the answer is n x m, the gradient is m x n: the transpose of the gradient's shape; did you mean `(x*r'*W')'`?
--- stderr
