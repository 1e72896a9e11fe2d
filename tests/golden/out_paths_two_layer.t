# --paths for several variables, each used once
args: examples/two_layer_swish.nd --paths
status: 0
--- stdout
z1 = W1*x + b1
h1 = swish(z1)
z2 = W2*h1 + b2
t1 = softmax(z2) - y
t2 = (W2'*t1).*(sigmoid(z1) + z1.*sigmoid(z1).*(1 - sigmoid(z1)))
dL/dW1 via W1 at 9:6 = t2*x'
dL/dW1 = t2*x'
dL/db1 via b1 at 9:13 = t2
dL/db1 = t2
dL/dW2 via W2 at 11:6 = t1*h1'
dL/dW2 = t1*h1'
dL/db2 via b2 at 11:14 = t1
dL/db2 = t1
--- stderr
