# an identity beside \\otimes has no implied size, not even the only square one
args: examples/kron/trace_quadratic.nd --hessian --check-latex "I \\otimes (A^\\top + A)"
status: 2
--- stdout
--- stderr
<check>:1:1: error: the size of this identity is not clear: write I_n with its dimension
    I \otimes (A^\top + A)
    ^
