# one path only is not the gradient
args: examples/autoencoder.nd --check "W*(W'*W*x - x)*x'"
status: 1
--- stdout
not equivalent: missing the contribution through `W'` at 5:5: W is used twice and the answer follows only `W` at 5:8
--- stderr
