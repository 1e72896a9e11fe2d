# --name exp would define a function of libm
args: examples/autoencoder.nd --c --name exp
status: 2
--- stdout
--- stderr
nnderive: error: --name exp: `exp` is a name of the C library
