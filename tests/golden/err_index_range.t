# an index past the size names the size
args: -e "x : vector(5)\nL = x(2:6)'*x(1:5)"
status: 2
--- stdout
--- stderr
<expr>:2:9: error: index 6 is out of range: x has 5 entries (1 to 5)
    L = x(2:6)'*x(1:5)
            ^
