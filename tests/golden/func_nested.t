# a function that calls another; --steps names a call's result by its binding
args: -e "W : matrix(n, n)\nlayer(h) = tanh(W*h)\ntwo(h) = layer(layer(h))\nh2 = two(x)\nL = sum(h2)\nwrt W" --steps
status: 0
--- stdout
h2 = tanh(W*tanh(W*x))
dL/dh2 = vector(1)
t1 = dL/dh2.*(1 - h2.^2)
dL/dW = t1*tanh(W*x)' + ((W'*t1).*(1 - tanh(W*x).^2))*x'
--- stderr
