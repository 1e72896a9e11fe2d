# a file of answers
args: examples/autoencoder.nd --check-file tests/golden/inputs/ae_answers.txt
status: 0
--- stdout
dL/dW: equivalent
1 of 1 correct
--- stderr
