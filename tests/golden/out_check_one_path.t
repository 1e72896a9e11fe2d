# one path only is not the gradient
args: examples/autoencoder.nd --check "W*(W'*W*x - x)*x'"
status: 1
--- stdout
not equivalent: the values differ (relative difference 0.478 at a random point)
--- stderr
