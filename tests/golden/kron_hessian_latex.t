# the Hessian in LaTeX: A \\otimes B
args: examples/kron/matrix_lsq.nd --hessian --latex
status: 0
--- stdout
\frac{\partial^2 L}{\partial X^2} &= I_{2} \otimes \left(A^\top A\right)
--- stderr
