# --of naming nothing
args: examples/autoencoder.nd --of Q
status: 2
--- stdout
--- stderr
nnderive: error: --of Q: the program has no name 'Q'
