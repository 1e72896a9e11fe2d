# pi is \pi in LaTeX
args: -e "x : vector(n)\nL = pi*sum(sin(pi*x))" --latex
status: 0
--- stdout
\frac{\partial L}{\partial x} &= \pi^{2} \cos\left(\pi x\right)
--- stderr
