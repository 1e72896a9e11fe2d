# the seed's 2-layer swish network
args: examples/two_layer_swish.nd
status: 0
--- stdout
z1 = W1*x + b1
h1 = swish(z1)
z2 = W2*h1 + b2
t1 = softmax(z2) - y
t2 = (W2'*t1).*(sigmoid(z1) + z1.*sigmoid(z1).*(1 - sigmoid(z1)))
dL/dW1 = t2*x'
dL/db1 = t2
dL/dW2 = t1*h1'
dL/db2 = t1
--- stderr
