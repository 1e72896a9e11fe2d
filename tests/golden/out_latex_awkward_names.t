# LaTeX of awkward names: an underscore at either end or doubled shows the
# name as written; W_1hat, x_alpha, e_hat still read as subscripts
args: -e "_, x__, _x, a__b, __init__, W_1hat, x_alpha, e_hat, x_1_2 : vector(n)\n_obj__ = _'*x__ + _x'*a__b + __init__'*W_1hat + x_alpha'*e_hat + x_1_2'*x_1_2" --latex
status: 0
--- stdout
\frac{\partial \mathrm{\_obj\_\_}}{\partial \mathrm{\_}} &= \mathrm{x\_\_} \\
\frac{\partial \mathrm{\_obj\_\_}}{\partial \mathrm{x\_\_}} &= \mathrm{\_} \\
\frac{\partial \mathrm{\_obj\_\_}}{\partial \mathrm{\_x}} &= \mathrm{a\_\_b} \\
\frac{\partial \mathrm{\_obj\_\_}}{\partial \mathrm{a\_\_b}} &= \mathrm{\_x} \\
\frac{\partial \mathrm{\_obj\_\_}}{\partial \mathrm{\_\_init\_\_}} &= W_{\mathrm{1hat}} \\
\frac{\partial \mathrm{\_obj\_\_}}{\partial W_{\mathrm{1hat}}} &= \mathrm{\_\_init\_\_} \\
\frac{\partial \mathrm{\_obj\_\_}}{\partial x_{\alpha}} &= e_{\mathrm{hat}} \\
\frac{\partial \mathrm{\_obj\_\_}}{\partial e_{\mathrm{hat}}} &= x_{\alpha} \\
\frac{\partial \mathrm{\_obj\_\_}}{\partial x_{\mathrm{1\_2}}} &= 2 x_{\mathrm{1\_2}}
--- stderr
