# a column and a row broadcast in one sum are written out
args: -e "x : vector(n); f = sum(exp(x))*sum(x)" --hessian
status: 0
--- stdout
d2f/dx2 = sum(x)*diag(exp(x)) + exp(x) + exp(x)'
--- stderr
