# elementwise functions of a matrix: diag(vec(f'(X)))
args: -e "X, Y : matrix(3, 2); F = tanh(X) .* Y" --jacobian --wrt X,Y
status: 0
--- stdout
dF/dX = diag(vec(1 - tanh(X).^2).*vec(Y))
dF/dY = diag(vec(tanh(X)))
--- stderr
