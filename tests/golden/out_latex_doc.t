# a whole LaTeX document
args: examples/two_layer_swish.nd --latex-doc
status: 0
--- stdout
\documentclass{article}
\usepackage{amsmath}
\begin{document}
\noindent Gradients of \texttt{examples/two\_layer\_swish.nd} (nnderive)
\begin{align*}
z_{1} &= W_{1} x + b_{1} \\
h_{1} &= \operatorname{swish}\left(z_{1}\right) \\
z_{2} &= W_{2} h_{1} + b_{2} \\
t_{1} &= \operatorname{softmax}\left(z_{2}\right) - y \\
t_{2} &= \left(W_{2}^\top t_{1}\right) \odot \left(\sigma\left(z_{1}\right) + z_{1} \odot \sigma\left(z_{1}\right) \odot \left(1 - \sigma\left(z_{1}\right)\right)\right) \\
\frac{\partial L}{\partial W_{1}} &= t_{2} x^\top \\
\frac{\partial L}{\partial b_{1}} &= t_{2} \\
\frac{\partial L}{\partial W_{2}} &= t_{1} h_{1}^\top \\
\frac{\partial L}{\partial b_{2}} &= t_{1}
\end{align*}
\end{document}
--- stderr
