# LaTeX writes a fill's size as a subscript where its place leaves it open: \mathbf{1}_{n}^\top (seed 15761)
args: -e "u : vector(m)\nM : matrix(m, n)\nL = sum((M + u)'*abs(u))" --latex
status: 0
--- stdout
\frac{\partial L}{\partial u} &= \left(\lvert u \rvert \mathbf{1}_{n}^\top\right) \mathbf{1} + \left(\left(u + M\right) \mathbf{1}\right) \odot \operatorname{sign}\left(u\right) \\
\frac{\partial L}{\partial M} &= \lvert u \rvert \mathbf{1}^\top
--- stderr
