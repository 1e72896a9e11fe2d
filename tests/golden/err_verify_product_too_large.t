# a product chain is evaluated left to right: x*y'*x builds x*y' (2000 x 2000) though z is a vector
args: -e "x, y : vector(2000)\nz = x*y'*x\nL = sum(z)" --verify
status: 2
--- stdout
--- stderr
<expr>:2:1: error: evaluating z needs a 2000 x 2000 matrix: too large to evaluate numerically (the limit is 1048576 entries per matrix)
    z = x*y'*x
    ^
