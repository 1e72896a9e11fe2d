# a hinge loss: max(0, .) is relu, and the gradient uses its step
args: -e "X : matrix(N, n)\ny : vector(N)\nw : vector(n)\nL = sum(max(0, 1 - y.*(X*w)))/N\nwrt w"
status: 0
--- stdout
dL/dw = -X'*(y.*step(1 - y.*(X*w)))/N
--- stderr
