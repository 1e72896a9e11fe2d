# a directory given to --check-file
args: examples/autoencoder.nd --check-file examples
status: 2
--- stdout
--- stderr
nnderive: error: cannot read 'examples': Is a directory
