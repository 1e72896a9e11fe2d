# a variable named like a function does not hide the function
args: -e "tanh : vector(3)\nL = sum(tanh(tanh))"
status: 0
--- stdout
dL/dtanh = 1 - tanh(tanh).^2
--- stderr
