# a vector function of a matrix and a vector: kron(x', eye(m))
args: -e "X : matrix(3, 2); x : vector(2); f = sigmoid(X*x)" --jacobian --wrt X,x
status: 0
--- stdout
f = sigmoid(X*x)
t1 = diag(f - f.^2)
df/dX = t1*kron(x', eye(3))
df/dx = t1*X
--- stderr
