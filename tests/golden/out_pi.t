# pi is a constant, printed pi; a declared pi is a variable
args: -e "x : vector(n)\nL = pi*sum(sin(pi*x))"
status: 0
--- stdout
dL/dx = pi^2*cos(pi*x)
--- stderr
