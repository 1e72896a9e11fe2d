# --steps: the seed's sequence, each step using the ones above
args: examples/two_layer_swish.nd --steps
status: 0
--- stdout
z1 = W1*x + b1
h1 = swish(z1)
z2 = W2*h1 + b2
dL/dz2 = softmax(z2) - y
dL/dW2 = dL/dz2*h1'
dL/db2 = dL/dz2
dL/dh1 = W2'*dL/dz2
dL/dz1 = dL/dh1.*(sigmoid(z1) + z1.*sigmoid(z1).*(1 - sigmoid(z1)))
dL/dW1 = dL/dz1*x'
dL/db1 = dL/dz1
--- stderr
