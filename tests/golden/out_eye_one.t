# eye(1) is the number 1
args: -e "L = sum(eye(1)*x)"
status: 0
--- stdout
dL/dx = vector(1)
--- stderr
