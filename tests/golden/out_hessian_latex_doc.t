# a whole LaTeX document of a Hessian
args: examples/hessian/quadratic.nd --hessian --latex-doc
status: 0
--- stdout
\documentclass{article}
\usepackage{amsmath}
\begin{document}
\noindent Gradients of \texttt{examples/hessian/quadratic.nd} (nnderive)
\begin{align*}
\frac{\partial^2 f}{\partial x^2} &= A^\top + A
\end{align*}
\end{document}
--- stderr
