# a transposed shape is reported as such
args: examples/autoencoder.nd --check "x*r'*W'"
status: 1
--- stdout
not equivalent: the answer is n x m, the gradient is m x n (the transpose of its shape); transposed, it is still wrong: missing the contribution through `W'` at 5:5: W is used twice and the answer follows only `W` at 5:8
--- stderr
