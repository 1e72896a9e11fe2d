# the blocks' labels in LaTeX
args: examples/hessian/logreg.nd --hessian --wrt x,lam --latex
status: 0
--- stdout
s &= \sigma\left(A x\right) \\
\frac{\partial^2 L}{\partial x^2} &= \mathrm{lam} I + A^\top \operatorname{diag}\left(s - s^{\circ 2}\right) A \\
\frac{\partial^2 L}{\partial x \, \partial \mathrm{lam}} &= x \\
\frac{\partial^2 L}{\partial \mathrm{lam}^2} &= 0
--- stderr
