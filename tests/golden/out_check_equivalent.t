# the acceptance answer
args: examples/autoencoder.nd --check "W*(x*(W'*W*x - x)' + (W'*W*x - x)*x')"
status: 0
--- stdout
equivalent
--- stderr
