# two modes at once
args: examples/autoencoder.nd --verify --explain
status: 2
--- stdout
--- stderr
nnderive: error: --verify and --explain cannot be combined (see nnderive --help)
