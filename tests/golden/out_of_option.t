# --of picks another objective
args: -e "x : vector(n)\nq = x'*x\nL = sum(exp(x))" --of q
status: 0
--- stdout
dq/dx = 2*x
--- stderr
