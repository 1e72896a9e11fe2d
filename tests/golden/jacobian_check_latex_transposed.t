# a LaTeX Jacobian answer that is the transpose says so
args: examples/hessian/tanh_layer.nd --jacobian --check-latex "W^\\top \\operatorname{diag}(1 - h^{\\circ 2})"
status: 1
--- stdout
not equivalent: the answer is the transpose of the Jacobian (it is n x m, the Jacobian is m x n)
--- stderr
