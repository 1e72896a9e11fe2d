# a LaTeX Hessian answer missing a term gets the diagnosis
args: examples/hessian/logreg.nd --hessian --check-latex "A^\\top \\operatorname{diag}(s \\odot (1 - s)) A"
status: 1
--- stdout
not equivalent: missing the term `lam*eye(n)`: the Hessian is the answer plus it
--- stderr
