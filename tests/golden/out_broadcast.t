# a scalar and a bias broadcast, printed implicitly
args: -e "W : matrix(m, n)\nX : matrix(n, N)\nb : vector(m)\nL = sum(tanh(W*X + b) - 1)\nwrt W, b"
status: 0
--- stdout
t1 = 1 - tanh(W*X + b).^2
dL/dW = t1*X'
dL/db = sum(t1, 2)
--- stderr
