# d vec(X') / d vec(X): the commutation matrix, with kron and blocks of eye
args: -e "X : matrix(3, 2); F = X'" --jacobian
status: 0
--- stdout
dF/dX = kron(kron(eye(2)(1, :), eye(3)), eye(2)(:, 1)) + kron(kron(eye(2)(2, :), eye(3)), eye(2)(:, 2))
--- stderr
