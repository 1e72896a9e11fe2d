# an answer whose own dimensions do not agree
args: examples/autoencoder.nd --check "W*W*x*r'"
status: 1
--- stdout
not equivalent: shape mismatch in '*' at 1:2: W is m x n, W is m x n (inner dimensions n and m differ)
--- stderr
