# a variable declared twice
args: -e "x : vector(n)\nx : vector(m)\nL = sum(x)"
status: 2
--- stdout
--- stderr
<expr>:2:1: error: variable 'x' is declared twice
    x : vector(m)
    ^
<expr>:1:1: note: first declared here
    x : vector(n)
    ^
