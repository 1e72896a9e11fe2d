# an operator with no left operand is an unexpected token, not an unsupported command
args: examples/kron/trace_quadratic.nd --hessian --check-latex "\\otimes A"
status: 2
--- stdout
--- stderr
<check>:1:1: error: unexpected '\otimes', expected an expression
    \otimes A
    ^~~~~~~
