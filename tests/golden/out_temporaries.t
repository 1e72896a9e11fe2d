# a repeated subexpression is named once
args: examples/autoencoder_tanh.nd
status: 0
--- stdout
h = tanh(W*x)
xhat = tanh(W'*h)
t1 = (xhat - x).*(1 - xhat.^2)
dL/dW = h*t1' + ((W*t1).*(1 - h.^2))*x'
--- stderr
