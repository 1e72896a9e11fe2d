# d vec(A*X*B) / d vec(X) = kron(B', A)
args: examples/kron/sandwich.nd --jacobian
status: 0
--- stdout
dF/dX = kron(B', A)
--- stderr
