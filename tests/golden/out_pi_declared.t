# a declared pi is a variable
args: -e "pi : scalar\nx : vector(n)\nL = pi*x\'*x"
status: 0
--- stdout
dL/dpi = x'*x
dL/dx = 2*pi*x
--- stderr
