# a negative index is out of range
args: -e "X : matrix(3, 3)\nL = X(-1, 2)"
status: 2
--- stdout
--- stderr
<expr>:2:7: error: index -1 is out of range: X has 3 rows (1 to 3)
    L = X(-1, 2)
          ^~
