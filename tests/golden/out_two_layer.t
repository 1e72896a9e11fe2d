# the seed's 2-layer swish network
args: examples/two_layer_swish.nd
status: 0
--- stdout
z1 = W1*x + b1
h1 = swish(z1)
z2 = W2*h1 + b2
dL/dW1 = ((z1.*(1 - sigmoid(z1)).*sigmoid(z1) + sigmoid(z1)).*(W2'*(softmax(z2) - y)))*x'
dL/db1 = (z1.*(1 - sigmoid(z1)).*sigmoid(z1) + sigmoid(z1)).*(W2'*(softmax(z2) - y))
dL/dW2 = (softmax(z2) - y)*h1'
dL/db2 = softmax(z2) - y
--- stderr
