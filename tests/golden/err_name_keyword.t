# --name must not be a C keyword
args: examples/autoencoder.nd --c --name int
status: 2
--- stdout
--- stderr
nnderive: error: --name int: `int` is a C keyword
