# an answer for gelu' written with the normal density (pi as 4*arctan(1)) is equivalent
args: -e "x, w : vector(n)\nL = w'*gelu(x)\nwrt x" --check "w .* (0.5*(1 + erf(x/sqrt(2))) + x .* exp(-0.5*x.^2)/sqrt(2*4*arctan(1)))"
status: 0
--- stdout
equivalent
--- stderr
