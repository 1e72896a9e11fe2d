# central differences agree
args: examples/autoencoder.nd --verify
status: 0
--- stdout
dL/dW: max relative error 1.6e-51
verified: 3 random points, 256-bit central differences, tolerance 1e-20
--- stderr
