# a file with a wrong answer
args: examples/autoencoder.nd --check-file tests/golden/inputs/ae_wrong.txt
status: 1
--- stdout
dL/dW: not equivalent: the values differ (relative difference 0.478 at a random point)
--- stderr
