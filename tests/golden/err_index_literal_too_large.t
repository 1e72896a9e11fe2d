# an index past the limit of index arithmetic (2e9) is out of range
args: -e "x : vector(5)\nL = x(4000000000)"
status: 2
--- stdout
--- stderr
<expr>:2:7: error: the index 4000000000 is out of range
    L = x(4000000000)
          ^~~~~~~~~~
