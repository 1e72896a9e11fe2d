# blocks and stacks in LaTeX
args: -e "x : vector(6)\nA : matrix(4, 3)\nh : vector(3)\nd = x(2:end) - x(1:end-1)\nL = 0.5*norm2(d) + sum(A(2:3, :)) + h'*A(2, :)' + sum(exp([h; x(1)]))\nwrt x, A, h" --latex
status: 0
--- stdout
d &= x_{2:6} - x_{1:5} \\
t_{1} &= \exp\left(\begin{bmatrix} h \\ x_{1} \end{bmatrix}\right) \\
\frac{\partial L}{\partial x} &= \left(t_{1}\right)_{4} I_{:,1} + \left(I_{:,2:6} - I_{:,1:5}\right) d \\
\frac{\partial L}{\partial A} &= I_{:,2} h^\top + I_{:,2:3} \mathbf{1}\mathbf{1}^\top \\
\frac{\partial L}{\partial h} &= A_{2,:}^\top + \left(t_{1}\right)_{1:3}
--- stderr
