# kron's factors swapped in a LaTeX answer
args: examples/kron/trace_quadratic.nd --hessian --check-latex "(A^\\top + A) \\otimes I_2"
status: 1
--- stdout
not equivalent: `kron(A' + A, eye(2))` should be `kron(eye(2), A' + A)`: the Hessian is the answer with that term replaced
--- stderr
