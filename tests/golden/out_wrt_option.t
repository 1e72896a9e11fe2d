# --wrt picks the variables, in its order
args: examples/two_layer_swish.nd --wrt b2,W2
status: 0
--- stdout
z1 = W1*x + b1
h1 = swish(z1)
z2 = W2*h1 + b2
dL/db2 = softmax(z2) - y
dL/dW2 = (softmax(z2) - y)*h1'
--- stderr
