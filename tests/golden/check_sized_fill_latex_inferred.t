# a LaTeX fill whose size is an inferred dimension: \mathbf{1}_{x_{\mathrm{rows}}} is vector(1, x_rows)
args: -e "L = mean(diag(x - b)) + a\nwrt b" --check-latex "-\\operatorname{sum}(\\operatorname{diag}(\\frac{1}{x_{\\mathrm{rows}}^{2}} \\mathbf{1}_{x_{\\mathrm{rows}}}\\mathbf{1}_{x_{\\mathrm{rows}}}^\\top))"
status: 0
--- stdout
equivalent
--- stderr
