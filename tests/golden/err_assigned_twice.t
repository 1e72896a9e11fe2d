# a name assigned twice
args: -e "r = x\nL = sum(r)\nL = 2*sum(r)"
status: 2
--- stdout
--- stderr
<expr>:3:1: error: 'L' is assigned twice
    L = 2*sum(r)
    ^
<expr>:2:1: note: first assigned here
    L = sum(r)
    ^
