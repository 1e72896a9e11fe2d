# ... and LaTeX prints them as Greek letters again
args: -e "σ, μ : scalar\nL = sum((x - μ).^2)/σ^2" --latex
status: 0
--- stdout
\frac{\partial L}{\partial \sigma} &= -\frac{2 \operatorname{sum}\left(\left(x - \mu\right)^{\circ 2}\right)}{\sigma^{3}} \\
\frac{\partial L}{\partial \mu} &= -\frac{2 \operatorname{sum}\left(x - \mu\right)}{\sigma^{2}} \\
\frac{\partial L}{\partial x} &= \frac{2 \left(x - \mu\right)}{\sigma^{2}}
--- stderr
