# --paths --latex
args: examples/autoencoder.nd --paths --latex
status: 0
--- stdout
r &= W^\top W x - x \\
\frac{\partial L}{\partial W}\Big|_{\text{via } W^\top\text{ at 5:5}} &= W x r^\top \\
\frac{\partial L}{\partial W}\Big|_{\text{via } W\text{ at 5:8}} &= W r x^\top \\
\frac{\partial L}{\partial W} &= W \left(r x^\top + x r^\top\right)
--- stderr
