# a Hessian through vec in LaTeX: I_2 \\otimes (A^T + A)
args: examples/kron/trace_quadratic.nd --hessian --check-latex "I_2 \\otimes (A^\\top + A)"
status: 0
--- stdout
equivalent
--- stderr
