# --of naming a variable
args: examples/autoencoder.nd --of W
status: 2
--- stdout
--- stderr
nnderive: error: --of W: 'W' is a variable; --of needs an assigned name
