# a parameter named twice
args: -e "g(x, x) = sum(x)\nL = g(v, v)"
status: 2
--- stdout
--- stderr
<expr>:1:6: error: the parameter 'x' of 'g' appears twice
    g(x, x) = sum(x)
         ^
