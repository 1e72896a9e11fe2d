# declarations but nothing to differentiate
args: -e "x : vector(n)\nwrt x"
status: 2
--- stdout
--- stderr
<expr>:2:1: error: no objective: the program has no assignment and no final expression
    wrt x
    ^
