# a block of a matrix through vec: kron of blocks of eye; diag(v) as a matrix
args: -e "X : matrix(3, 2); z : vector(2); F = exp(X(2:3, :)) + diag(z)" --jacobian --wrt X,z
status: 0
--- stdout
dF/dX = diag(vec(exp(X(2:3, :))))*kron(eye(2), eye(3)(2:3, :))
t1 = eye(2)(:, 1)
t2 = eye(2)(:, 2)
dF/dz = kron(t1, t1)*eye(2)(1, :) + kron(t2, t2)*eye(2)(2, :)
--- stderr
