# a --dims size that does not fit is a usage error, not a silent saturation
args: examples/autoencoder.nd --c --dims m=99999999999999999999999
status: 2
--- stdout
--- stderr
nnderive: error: --dims m=99999999999999999999999: a size must be at most 1000000000
