# the same in LaTeX
args: -e "X : matrix(2, 3); B : matrix(2, 2); w : vector(6); L = w'*vec(X) + sum(exp(unvec(w, 3))) + sum(sin(kron(B, X)))" --latex
status: 0
--- stdout
t_{1} &= \cos\left(B \otimes X\right) \\
\frac{\partial L}{\partial X} &= \operatorname{unvec}\left(w, 2\right) \\
&\quad + \left(\mathbf{1}_{2}^\top \otimes I_{2}\right) \left(t_{1} \odot \left(B \otimes \mathbf{1}_{2}\mathbf{1}_{3}^\top\right)\right) \left(\mathbf{1}_{2} \otimes I_{3}\right) \\
\frac{\partial L}{\partial B} &= \left(I_{2} \otimes \mathbf{1}_{2}^\top\right) \left(t_{1} \odot \left(\mathbf{1}_{2}\mathbf{1}_{2}^\top \otimes X\right)\right) \left(I_{2} \otimes \mathbf{1}_{3}\right) \\
\frac{\partial L}{\partial w} &= \operatorname{vec}\left(X\right) + \operatorname{vec}\left(\exp\left(\operatorname{unvec}\left(w, 3\right)\right)\right)
--- stderr
