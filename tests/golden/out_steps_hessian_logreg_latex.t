# --steps --hessian --latex: the terms as fractions
args: examples/hessian/logreg.nd --hessian --steps --latex
status: 0
--- stdout
s &= \sigma\left(A x\right) \\
\frac{\partial L}{\partial x} &= \mathrm{lam} x + A^\top \left(s - y\right) \\
t_{1} &= \operatorname{diag}\left(s - s^{\circ 2}\right) \\
\frac{\partial s}{\partial x} &= t_{1} A \\
\frac{\partial}{\partial x}\left(\mathrm{lam} x\right) &= \mathrm{lam} I \\
\frac{\partial}{\partial x}\left(A^\top \left(s - y\right)\right) &= A^\top \frac{\partial s}{\partial x} \\
\frac{\partial^2 L}{\partial x^2} &= \mathrm{lam} I + A^\top t_{1} A
--- stderr
