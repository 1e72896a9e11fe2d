# the Hessian of tr(X'*A*X) w.r.t. a matrix, through vec: kron(eye(n), A' + A)
args: examples/kron/trace_quadratic.nd --hessian
status: 0
--- stdout
d2L/dX2 = kron(eye(2), A' + A)
--- stderr
