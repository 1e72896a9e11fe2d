# a column and a row broadcast in one sum are written out
args: -e "x : vector(n); f = sum(exp(x))*sum(x)" --hessian
status: 0
--- stdout
d2f/dx2 = exp(x)*vector(1)' + vector(1)*exp(x)' + sum(x)*diag(exp(x))
--- stderr
