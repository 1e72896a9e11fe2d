# a Hessian answer in LaTeX (--check-latex), the names as LaTeX writes them
args: examples/hessian/logreg.nd --hessian --check-latex "\\lambda I + A^\\top \\operatorname{diag}(s \\odot (1 - s)) A"
status: 0
--- stdout
equivalent
--- stderr
