# without wrt and with no vector or scalar, a Jacobian is w.r.t. the matrices
args: -e "X : matrix(3, 2); A : matrix(4, 3); F = A*X" --jacobian
status: 0
--- stdout
dF/dX = kron(eye(2), A)
dF/dA = kron(X', eye(4))
--- stderr
