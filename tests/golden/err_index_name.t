# an index is a constant, not a variable
args: -e "x : vector(5)\nk : scalar\nL = x(k)"
status: 2
--- stdout
--- stderr
<expr>:3:7: error: an index must be an integer constant or 'end' arithmetic (x(2), x(end-1)), not 'k'
    L = x(k)
          ^
