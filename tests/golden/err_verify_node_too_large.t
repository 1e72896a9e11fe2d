# a node over the per-matrix limit is located at the binding that uses it
args: -e "x : vector(2000)\nL = sum(x*x')" --verify
status: 2
--- stdout
--- stderr
<expr>:2:1: error: evaluating L needs a 2000 x 2000 matrix: too large to evaluate numerically (the limit is 1048576 entries per matrix)
    L = sum(x*x')
    ^
