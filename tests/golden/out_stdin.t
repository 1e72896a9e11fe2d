# the program from standard input
args: - --wrt x
stdin: x : vector(n)\nL = 0.5*x'*x\n
status: 0
--- stdout
dL/dx = x
--- stderr
