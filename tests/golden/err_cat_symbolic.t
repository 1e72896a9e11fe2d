# [a; b] of symbolic sizes: n + m is not a dimension
args: -e "h : vector(n)\nx : vector(m)\nL = sum([h; x])"
status: 2
--- stdout
--- stderr
<expr>:3:10: error: [a; b] needs numeric sizes: h has 'n' rows (the stack's size would be a sum of dimensions, which nnderive cannot express); declare a number
    L = sum([h; x])
             ^
<expr>: note: declarations in force: h : vector(n), x : vector(m)
