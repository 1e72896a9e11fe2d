# --paths: the two uses of W and their sum
args: examples/autoencoder.nd --paths
status: 0
--- stdout
r = W'*W*x - x
dL/dW via W' at 5:5 = W*x*r'
dL/dW via W at 5:8 = W*r*x'
dL/dW = W*(r*x' + x*r')
--- stderr
