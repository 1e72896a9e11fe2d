# --dims sizes are limited like declared dimensions
args: examples/autoencoder.nd --c --dims n=1000000001
status: 2
--- stdout
--- stderr
nnderive: error: --dims n=1000000001: a size must be at most 1000000000
