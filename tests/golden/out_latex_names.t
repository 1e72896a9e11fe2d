# LaTeX names: subscripts, hats, Greek letters, fractions
args: -e "alpha : scalar\nW_out : matrix(m, n)\nxhat, x1 : vector(n)\nL = alpha*norm2(W_out*xhat)/3 + x1'*inv(W_out'*W_out)*xhat" --latex
status: 0
--- stdout
\frac{\partial L}{\partial \alpha} &= \frac{1}{3} \lVert W_{\mathrm{out}} \hat{x} \rVert_2^2 \\
t_{1} &= \left(W_{\mathrm{out}}^\top W_{\mathrm{out}}\right)^{-1} \\
\frac{\partial L}{\partial W_{\mathrm{out}}} &= W_{\mathrm{out}} \left(\frac{2}{3} \alpha \hat{x} \hat{x}^\top + t_{1} \left(-\hat{x} x_{1}^\top - x_{1} \hat{x}^\top\right) t_{1}\right) \\
\frac{\partial L}{\partial \hat{x}} &= \frac{2}{3} \alpha W_{\mathrm{out}}^\top W_{\mathrm{out}} \hat{x} + t_{1} x_{1} \\
\frac{\partial L}{\partial x_{1}} &= t_{1} \hat{x}
--- stderr
