# the tanh autoencoder without the derivative of the inner tanh
args: examples/autoencoder_tanh.nd --check "h*((xhat - x).*(1 - xhat.^2))' + (W*((xhat - x).*(1 - xhat.^2)))*x'"
status: 1
--- stdout
not equivalent: missing the factor `1 - h.^2` (the derivative of tanh at 5:5)
--- stderr
