# --steps --jacobian --latex
args: examples/hessian/tanh_layer.nd --jacobian --steps --latex
status: 0
--- stdout
h &= \tanh\left(W x + b\right) \\
\frac{\partial h}{\partial x} &= \operatorname{diag}\left(1 - h^{\circ 2}\right) W
--- stderr
