# d vec(kron(X, A)): (I (x) K (x) I)*kron(I, vec(A)), Magnus and Neudecker's form
args: -e "X : matrix(2, 2); A : matrix(2, 2); F = kron(X, A)" --jacobian --wrt X
status: 0
--- stdout
dF/dX = kron(kron(eye(2), kron(kron(eye(2)(1, :), eye(2)), eye(2)(:, 1)) + kron(kron(eye(2)(2, :), eye(2)), eye(2)(:, 2))), eye(2))*kron(eye(4), vec(A))
--- stderr
