# --steps: a temporary comes after the step it uses
args: examples/autoencoder_tanh.nd --steps
status: 0
--- stdout
h = tanh(W*x)
xhat = tanh(W'*h)
dL/dxhat = xhat - x
t1 = dL/dxhat.*(1 - xhat.^2)
dL/dh = W*t1
dL/dW = (dL/dh.*(1 - h.^2))*x' + h*t1'
--- stderr
