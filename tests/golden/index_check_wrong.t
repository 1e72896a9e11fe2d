# --check of a wrong block gradient: not equivalent
args: -e "x : vector(4)\nL = x(2)^2 + x(4)" --wrt x --check "[0; 2*x(2); 0; 0]"
status: 1
--- stdout
not equivalent: missing the contribution through `x` at 2:14: x is used twice and the answer follows only `x` at 2:5
--- stderr
