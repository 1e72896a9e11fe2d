# --check of a right block gradient: equivalent
args: -e "x : vector(4)\nL = x(2)^2 + x(4)" --wrt x --check "[0; 2*x(2); 0; 1]"
status: 0
--- stdout
equivalent
--- stderr
