# gelu' without its density term, Phi(x) only, is not equivalent
args: -e "x, w : vector(n)\nL = w'*gelu(x)\nwrt x" --check "w .* (0.5*(1 + erf(x/sqrt(2))))"
status: 1
--- stdout
not equivalent: the derivative of gelu at 2:8 is `(erf(x/sqrt(2)) + 1)/2 + (x.*exp(-x.^2/2))/sqrt(8*arctan(1))`, but the answer has `(0.5*(1 + erf(x/sqrt(2))))` at 1:6 in its place
--- stderr
