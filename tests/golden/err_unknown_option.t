# an unknown option
args: --frobnicate examples/autoencoder.nd
status: 2
--- stdout
--- stderr
nnderive: error: unknown option '--frobnicate' (see nnderive --help)
