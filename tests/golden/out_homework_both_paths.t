# the seed autoencoder with both paths: right
args: examples/autoencoder.nd --check-file examples/homework/autoencoder_both_paths.txt
status: 0
--- stdout
dL/dW: equivalent
1 of 1 correct
--- stderr
