# a transposed shape is reported as such
args: examples/autoencoder.nd --check "x*r'*W'"
status: 1
--- stdout
not equivalent: shape: the answer is n x m, the gradient is m x n
--- stderr
