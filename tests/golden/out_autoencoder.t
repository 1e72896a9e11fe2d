# the seed's linear autoencoder: r by name, both paths to W
args: examples/autoencoder.nd
status: 0
--- stdout
r = W'*W*x - x
dL/dW = W*(r*x' + x*r')
--- stderr
