# a parameter that is not a name
args: -e "g(x, 2) = sum(x)\nL = g(v, v)"
status: 2
--- stdout
--- stderr
<expr>:1:6: error: a parameter of 'g' must be a name, not '2'
    g(x, 2) = sum(x)
         ^
