# matrix least squares: the product of krons merged, kron(eye(2), A'*A)
args: examples/kron/matrix_lsq.nd --hessian
status: 0
--- stdout
d2L/dX2 = kron(eye(2), A'*A)
--- stderr
