# an answer using the program's names
args: examples/autoencoder.nd --check "W*(x*r' + r*x')"
status: 0
--- stdout
equivalent
--- stderr
