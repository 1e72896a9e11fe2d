# --steps --latex
args: examples/two_layer_swish.nd --steps --latex
status: 0
--- stdout
z_{1} &= W_{1} x + b_{1} \\
h_{1} &= \operatorname{swish}\left(z_{1}\right) \\
z_{2} &= W_{2} h_{1} + b_{2} \\
\frac{\partial L}{\partial z_{2}} &= \operatorname{softmax}\left(z_{2}\right) - y \\
\frac{\partial L}{\partial W_{2}} &= \frac{\partial L}{\partial z_{2}} h_{1}^\top \\
\frac{\partial L}{\partial b_{2}} &= \frac{\partial L}{\partial z_{2}} \\
\frac{\partial L}{\partial h_{1}} &= W_{2}^\top \frac{\partial L}{\partial z_{2}} \\
\frac{\partial L}{\partial z_{1}} &= \frac{\partial L}{\partial h_{1}} \odot \left(\sigma\left(z_{1}\right) + z_{1} \odot \sigma\left(z_{1}\right) \odot \left(1 - \sigma\left(z_{1}\right)\right)\right) \\
\frac{\partial L}{\partial W_{1}} &= \frac{\partial L}{\partial z_{1}} x^\top \\
\frac{\partial L}{\partial b_{1}} &= \frac{\partial L}{\partial z_{1}}
--- stderr
