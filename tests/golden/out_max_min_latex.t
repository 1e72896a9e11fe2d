# max and min in LaTeX
args: -e "x, y : vector(n)\nL = sum(min(max(x, y), 1).^2) + min(x)\nwrt x, y" --latex
status: 0
--- stdout
t_{1} &= \min\left(\max\left(x, y\right), \mathbf{1}\right) \\
t_{2} &= 1 - \operatorname{step}\left(\max\left(x, y\right) - 1\right) \\
\frac{\partial L}{\partial x} &= \operatorname{ismin}\left(x\right) + 2 \left(t_{1} \odot t_{2} \odot \left(1 - \operatorname{step}\left(y - x\right)\right)\right) \\
\frac{\partial L}{\partial y} &= 2 \left(\operatorname{step}\left(y - x\right) \odot t_{1} \odot t_{2}\right)
--- stderr
