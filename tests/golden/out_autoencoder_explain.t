# the declarations in force
args: examples/autoencoder.nd --explain
status: 0
--- stdout
W : matrix(m, n)
x : vector(n)
# objective: L (scalar)
# wrt: W
--- stderr
