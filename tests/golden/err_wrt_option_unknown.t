# --wrt naming something that is not there
args: examples/autoencoder.nd --wrt Q
status: 2
--- stdout
--- stderr
nnderive: error: wrt Q: the program has no variable 'Q'
