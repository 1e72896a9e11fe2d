# an empty range
args: -e "x : vector(5)\nL = sum(x(4:2))"
status: 2
--- stdout
--- stderr
<expr>:2:11: error: the range 4:2 is empty
    L = sum(x(4:2))
              ^~~
