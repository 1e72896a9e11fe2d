# --name NAN is a macro of <math.h>
args: examples/autoencoder.nd --c --name NAN
status: 2
--- stdout
--- stderr
nnderive: error: --name NAN: `NAN` is a name of the C library
