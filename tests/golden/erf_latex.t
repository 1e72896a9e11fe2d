# erf and gelu in LaTeX: \operatorname{erf}, \operatorname{GELU} (pi/4 is arctan(1) in derivatives)
args: -e "x : vector(n)\nh = gelu(x)\nL = sum(erf(h))" --steps --latex
status: 0
--- stdout
h &= \operatorname{GELU}\left(x\right) \\
\frac{\partial L}{\partial h} &= \frac{\exp\left(-h^{\circ 2}\right)}{\sqrt{\arctan\left(1\right)}} \\
\frac{\partial L}{\partial x} &= \frac{\partial L}{\partial h} \odot \left(\frac{1}{2} \left(\operatorname{erf}\left(\frac{x}{\sqrt{2}}\right) + 1\right) + \frac{x \odot \exp\left(-\frac{1}{2} x^{\circ 2}\right)}{\sqrt{8 \arctan\left(1\right)}}\right)
--- stderr
