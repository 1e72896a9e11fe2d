# a long sum goes on over several lines
args: -e "A, B, C, D : matrix(n, n)\nx : vector(n)\nL = x'*A*B*C*x + x'*B*C*D*x + x'*C*D*A*x + x'*D*A*B*x\nwrt x" --latex
status: 0
--- stdout
\frac{\partial L}{\partial x} &= \bigl(A B C + B C D + C D A + D A B + A^\top D^\top C^\top + B^\top A^\top D^\top + C^\top B^\top A^\top \\
&\quad + D^\top C^\top B^\top\bigr) x
--- stderr
