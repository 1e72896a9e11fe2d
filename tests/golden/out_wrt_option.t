# --wrt picks the variables, in its order
args: examples/two_layer_swish.nd --wrt b2,W2
status: 0
--- stdout
z1 = W1*x + b1
h1 = swish(z1)
z2 = W2*h1 + b2
t1 = softmax(z2) - y
dL/db2 = t1
dL/dW2 = t1*h1'
--- stderr
