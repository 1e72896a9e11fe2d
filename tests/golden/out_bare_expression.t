# a final bare expression is the objective f
args: -e "x : vector(n)\nx'*x"
status: 0
--- stdout
df/dx = 2*x
--- stderr
