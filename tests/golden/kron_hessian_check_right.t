# a Hessian answer written with kron
args: examples/kron/trace_quadratic.nd --hessian --check "kron(eye(2), A + A')"
status: 0
--- stdout
equivalent
--- stderr
