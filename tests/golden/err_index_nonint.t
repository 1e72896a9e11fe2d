# an index is an integer
args: -e "x : vector(5)\nL = x(1.5)"
status: 2
--- stdout
--- stderr
<expr>:2:7: error: an index must be an integer, not '1.5'
    L = x(1.5)
          ^~~
